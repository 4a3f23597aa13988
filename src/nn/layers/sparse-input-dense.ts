import type { GemmOptions, Kernels, SparseGemmOptions } from '../../core/kernels.js';
import { expectShape, type Float, type Matrix } from '../../core/matrix.js';
import type { BuildContext, Layer, Mode, Param } from '../layer.js';
import type { Dense } from './dense.js';
import type { Standardize } from './standardize.js';

/**
 * In training, below this many rows a folded standardisation runs as the plain Standardize → Dense:
 * each step's new weights would need b̃'s [1, in]·[in, out] product again. In evaluation b̃ is cached
 * until the weights or the standardisation change, and folded always.
 */
const FOLD_MIN_ROWS = 8;

/**
 * A first Dense layer over mostly-zero inputs (image pixels), with the Standardize before it, if
 * any, folded in: what the build plan (src/nn/sparse-input.ts) runs in place of the declared
 * `[Standardize,] Dense`. It owns no parameters — it reads and writes the Dense's W and b — and its
 * results are the Dense's within float32 rounding (test/sparse-input.test.ts holds it to them).
 * @remarks
 * A batch with at most a fraction `below` of non-zero values takes the sparse products
 * (Kernels.sparseGemm), which visit only x's non-zeros:  y = x·W + b,  dW += xᵀ·dy.
 * A Standardize x′ = x·diag(scale) + 1·shiftᵀ before it would turn the zeros into shift, so it is
 * folded into the products, with x̃ = x·diag(scale) keeping x's zeros:
 *   y = x̃·W + b̃,   b̃ = b + shiftᵀ·W             (b̃: [1, out], cached in evaluation)
 *   dW += x̃ᵀ·dy + shift·(Σ_rows dy)ᵀ,   db += Σ_rows dy,   dx′ = dy·Wᵀ,  then dx = dx′·diag(scale)
 * Any other batch runs the declared layers themselves.
 */
export class SparseInputDense implements Layer {
  readonly type = 'sparse_input_dense';
  private weight!: Param; // W: [in, out], the Dense's
  private bias: Param | null = null; // b: [1, out], the Dense's
  private k!: Kernels;
  private x!: Matrix; // [batch, in], this batch's input
  private y!: Matrix; // [batch, out]
  private dx: Matrix | null = null; // [batch, in]: dL/dx′
  private xs: Matrix | null = null; // x̃: [batch, in], a dense batch's x·diag(scale)
  private foldBias: Matrix | null = null; // b̃: [1, out]
  private colSum: Matrix | null = null; // Σ_rows dy: [1, out]
  /** What this batch took (set by forward, read by backward): the declared layers, or the sparse products. */
  private declared = false;
  private sparse = false;
  /** The versions of W, b and the standardisation that b̃ was computed from; -1: not computed. */
  private readonly foldKey = { weight: -1, bias: -1, std: -1 };
  // each product's options, made once and updated in place: a step allocates nothing
  private readonly forwardOpts: SparseGemmOptions = { bias: undefined, relu: false, colScale: undefined };
  private readonly weightGradOpts: SparseGemmOptions = { transA: true, beta: 1, colScale: undefined, rank1: undefined };
  private readonly rank1: { u: Float; v: Float } = { u: new Float32Array(0), v: new Float32Array(0) };
  private readonly denseForwardOpts: GemmOptions = { bias: undefined, relu: false };
  private readonly accumulateOpts: GemmOptions = { transA: true, beta: 1 };
  private readonly inputGradOpts: GemmOptions = { transB: true };
  private readonly foldBiasOpts: GemmOptions = { bias: undefined };

  /**
   * `dense`: the declared first Dense layer; `fold`: a Standardize right before it, or null;
   * `below`: the largest fraction of non-zero values that takes the sparse products.
   */
  constructor(
    readonly dense: Dense,
    readonly fold: Standardize | null,
    readonly below: number,
  ) {}

  get name(): string {
    return this.dense.name;
  }

  /** Built after the declared layers: `inputWidth` is the input width of `fold` (or `dense`). */
  build(inputWidth: number, ctx: BuildContext): number {
    [this.weight, this.bias = null] = this.dense.params();
    const out = this.dense.units;
    this.k = ctx.kernels;
    this.y = ctx.buffer(out);
    this.dx = ctx.needsInputGrad ? ctx.buffer(inputWidth) : null;
    this.xs = this.fold ? ctx.buffer(inputWidth) : null;
    this.foldBias = this.fold ? ctx.buffer(out, 1) : null;
    this.colSum = this.fold ? ctx.buffer(out, 1) : null;
    this.foldKey.weight = -1;
    return out;
  }

  forward(x: Matrix, mode: Mode): Matrix {
    if (x.cols !== this.dense.inFeatures) expectShape(x, -1, this.dense.inFeatures, `${this.name} (input)`);
    const fold = this.fold;
    this.x = x;
    this.sparse = this.k.countNonZero(x.data, x.size) <= this.below * x.size;
    // a dense batch without a standardisation, or a few training rows, run as declared
    this.declared = fold ? mode === 'train' && x.rows < FOLD_MIN_ROWS : !this.sparse;
    if (this.declared) return this.dense.forward(fold ? fold.forward(x) : x);
    let bias = this.bias?.value.data;
    if (fold) {
      fold.refresh();
      bias = this.foldedBias(fold, mode);
      if (!this.sparse) {
        this.k.affineCols(x, fold.scale.data, null, this.xs!.setRows(x.rows)); // x̃ = x·diag(scale)
        const o = this.denseForwardOpts;
        o.bias = bias;
        o.relu = this.dense.fusion.reluOut;
        this.k.gemm(this.xs!, this.weight.value, this.y.setRows(x.rows), o); // y = x̃·W + b̃
        return this.y;
      }
    }
    const o = this.forwardOpts;
    o.bias = bias;
    o.relu = this.dense.fusion.reluOut;
    o.colScale = fold?.scale.data;
    this.k.sparseGemm(x, this.weight.value, this.y.setRows(x.rows), o); // y = x̃·W + b̃ over x's non-zeros
    return this.y;
  }

  /** b̃ = b + shiftᵀ·W: in evaluation once per set of weights and standardisation, in training at every forward. */
  private foldedBias(fold: Standardize, mode: Mode): Float {
    const key = this.foldKey, w = this.weight, b = this.bias;
    if (mode === 'train' || key.weight !== w.version || key.bias !== (b?.version ?? 0) || key.std !== fold.version) {
      this.foldBiasOpts.bias = b?.value.data;
      this.k.gemm(fold.shift, w.value, this.foldBias!, this.foldBiasOpts);
      // training marks it stale: gradient checks write the weights in place between forwards
      key.weight = mode === 'train' ? -1 : w.version;
      key.bias = b?.version ?? 0;
      key.std = fold.version;
    }
    return this.foldBias!.data;
  }

  backward(dy: Matrix): Matrix {
    const fold = this.fold;
    if (this.declared) {
      const dx = this.dense.backward(dy);
      return fold ? fold.backward(dx) : dx;
    }
    if (this.bias) this.k.sumRowsInto(dy, this.bias.grad.data); // db += Σ_rows dy
    const g = this.colSum;
    if (fold) {
      this.k.fill(g!.data, 0, g!.size);
      this.k.sumRowsInto(dy, g!.data);
    }
    if (this.sparse) {
      // dW += x̃ᵀ·dy + shift·(Σ_rows dy)ᵀ over x's non-zeros
      const o = this.weightGradOpts;
      o.colScale = fold?.scale.data;
      if (fold) {
        this.rank1.u = fold.shift.data;
        this.rank1.v = g!.data;
      }
      o.rank1 = fold ? this.rank1 : undefined;
      this.k.sparseGemm(this.x, dy, this.weight.grad, o);
    } else {
      // a dense batch is here only when folded: dW += x̃ᵀ·dy, then += shift·(Σ_rows dy)ᵀ
      this.k.gemm(this.xs!, dy, this.weight.grad, this.accumulateOpts);
      this.k.gemm(fold!.shift, g!, this.weight.grad, this.accumulateOpts);
    }
    if (!this.dx) return dy; // nobody needs dL/dx
    this.k.gemm(dy, this.weight.value, this.dx.setRows(dy.rows), this.inputGradOpts); // dx′ = dy·Wᵀ (no ReLU comes before a first layer)
    return fold ? fold.backward(this.dx) : this.dx;
  }

  /** The Dense's parameters, which this layer trains in its place. */
  params(): Param[] {
    return this.dense.params();
  }

  config(): Record<string, unknown> {
    return this.dense.config();
  }

  /** What the build plan chose, for `Sequential.summary()`. */
  describe(): string {
    const what = this.fold ? `${this.fold.name} + ${this.name}` : this.name;
    return `${what} run as one ${this.type}: batches at most ${Math.round(this.below * 100)}% non-zero take the sparse products` + (this.fold ? `; ${this.fold.name} folded into them` : '');
  }
}
