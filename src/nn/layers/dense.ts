import { ConfigError } from '../../errors.js';
import type { GemmOptions, Kernels, SparseGemmOptions } from '../../core/kernels.js';
import { expectShape, type Float, type Matrix } from '../../core/matrix.js';
import { checkInit, initialize, type InitKind } from '../init.js';
import type { BuildContext, Layer, Mode, Param } from '../layer.js';
import { paramWrites } from '../param-writes.js';
import type { Standardize } from './standardize.js';
import { defineLayer } from './define.js';

/**
 * In training, below this many rows a folded standardisation is computed as x′ = x·diag(scale) + shift
 * instead (src/nn/sparse-input.ts): each step's new weights would need b̃'s [1, in]·[in, out] product
 * again. In evaluation b̃ is cached until the weights or the standardisation change, and folded always.
 */
const FOLD_MIN_ROWS = 8;

/** A first layer's sparse input (src/nn/sparse-input.ts). */
export interface SparseInput {
  /** Sparse products for a batch with at most this fraction of non-zero values. */
  below: number;
  /** A Standardize before this layer whose y = x·scale + shift this layer computes (folded). */
  fold: Standardize | null;
}

export interface DenseArgs {
  /** Output width. */
  units: number;
  /** Weight initialisation (default `he_uniform`, suited to ReLU; use `glorot_*` for tanh/sigmoid). */
  init?: InitKind;
  /** Use a bias (default true). */
  useBias?: boolean;
  /** Multiplier of the optimizer's weight decay for the weight (default 1; the bias always 0). */
  weightDecay?: number;
  name?: string;
}

/**
 * Fully-connected layer.
 * @remarks
 * forward:  y = x·W + b            x: [batch, in], W: [in, out], b: [out], y: [batch, out]
 * backward: dW += xᵀ·dy,  db += Σ_rows dy,  dx = dy·Wᵀ
 * With {@link sparseInput}, x·W and xᵀ·dy skip x's zeros on mostly-zero batches, and a folded
 * standardisation x′ = x·diag(scale) + 1·shiftᵀ enters as
 *   y = x̃·W + (b + shiftᵀ·W),  dW += x̃ᵀ·dy + shift·(Σ_rows dy)ᵀ,   x̃ = x·diag(scale)
 */
export class Dense implements Layer {
  readonly type = 'dense';
  name: string;
  readonly units: number;
  readonly init: InitKind;
  readonly useBias: boolean;
  readonly weightDecay: number;
  private weight!: Param; // [in, out]
  private bias: Param | null = null; // [1, out]
  private k!: Kernels;
  private x!: Matrix; // [batch, in], cached input
  private y!: Matrix; // [batch, out]
  private dx: Matrix | null = null; // [batch, in]
  inFeatures = 0;
  /**
   * Kernel fusion, set when the model is built (src/nn/fusion.ts): `reluOut` applies the ReLU after
   * this layer inside the forward GEMM; `reluIn` does the backward of the ReLU before it (whose
   * output is this layer's input x) inside the input-gradient GEMM.
   */
  fusion = { reluOut: false, reluIn: false };
  /** Set before the model builds (src/nn/sparse-input.ts) on a first layer; null: dense products. */
  sparseInput: SparseInput | null = null;
  /** Whether this batch took the sparse products, and the folded standardisation (decided in forward, used by backward). */
  private sparseNow = false;
  private foldNow = false;
  private foldBias: Matrix | null = null; // [1, out]: b + shiftᵀ·W
  /** What foldBias was computed from (paramWrites(), the Standardize's version); -1: not computed. */
  private foldKey = { writes: -1, std: -1 };
  private colSum: Matrix | null = null; // [1, out]: Σ_rows dy of this batch
  private xs: Matrix | null = null; // [batch, in]: x̃ for a dense batch of a folded layer
  private xIn!: Matrix; // what the dense products read: x, or x̃ when folded
  /** GEMM options of the three products, made once and updated in place: nothing is allocated per step. */
  private readonly forwardOpts: GemmOptions = { bias: undefined, relu: false };
  private readonly weightGradOpts: GemmOptions = { transA: true, beta: 1 };
  private readonly inputGradOpts: GemmOptions = { transB: true, mask: undefined };
  private readonly sparseForwardOpts: SparseGemmOptions = { bias: undefined, relu: false, colScale: undefined };
  private readonly sparseWeightGradOpts: SparseGemmOptions = { transA: true, beta: 1, colScale: undefined };
  private readonly foldBiasOpts: GemmOptions = { bias: undefined };
  private readonly foldGradOpts: GemmOptions = { transA: true, beta: 1 };
  private readonly rank1: { u: Float; v: Float } = { u: new Float32Array(0), v: new Float32Array(0) };

  constructor({ units, init = 'he_uniform', useBias = true, weightDecay = 1, name = 'dense' }: DenseArgs) {
    if (!Number.isInteger(units) || units <= 0) {
      throw new ConfigError(`${name}: units must be a positive integer, found ${units}`);
    }
    this.units = units;
    this.init = checkInit(init, name);
    this.useBias = useBias;
    this.weightDecay = weightDecay;
    this.name = name;
  }

  build(inputWidth: number, ctx: BuildContext): number {
    this.inFeatures = inputWidth;
    this.k = ctx.kernels;
    const rng = ctx.rng('init');
    this.weight = ctx.param(`${this.name}.weight`, inputWidth, this.units, this.weightDecay, (w) =>
      initialize(w, this.init, rng),
    );
    this.bias = this.useBias ? ctx.param(`${this.name}.bias`, 1, this.units, 0, (b) => b.data.fill(0)) : null;
    this.y = ctx.buffer(this.units);
    this.dx = ctx.needsInputGrad ? ctx.buffer(inputWidth) : null;
    const fold = this.sparseInput?.fold;
    this.foldBias = fold ? ctx.buffer(this.units, 1) : null;
    this.foldKey.writes = -1;
    this.colSum = fold ? ctx.buffer(this.units, 1) : null;
    this.xs = fold ? ctx.buffer(inputWidth) : null;
    return this.units;
  }

  forward(x: Matrix, mode: Mode): Matrix {
    // the message is built only on a mismatch: a template string per call is garbage on the one-image path
    if (x.cols !== this.inFeatures) expectShape(x, -1, this.inFeatures, `${this.name} (input)`);
    this.x = x;
    this.xIn = x;
    this.y.setRows(x.rows);
    let bias = this.bias?.value.data;
    const sparse = this.sparseInput;
    if (!sparse) {
      this.forwardOpts.bias = bias;
      this.forwardOpts.relu = this.fusion.reluOut;
      this.k.gemm(x, this.weight.value, this.y, this.forwardOpts);
      return this.y;
    }
    const fold = sparse.fold;
    this.sparseNow = this.k.countNonZero(x.data, x.size) <= sparse.below * x.size;
    // a few training rows do not pay for b̃'s [1, in]·[in, out] product: standardise them
    this.foldNow = fold !== null && (x.rows >= FOLD_MIN_ROWS || mode === 'eval');
    if (fold && !this.foldNow) {
      this.sparseNow = false;
      this.xIn = this.xs!.setRows(x.rows);
      this.k.affineCols(x, fold.scale.data, fold.shift.data, this.xIn);
    } else if (fold) {
      // b̃ = b + shiftᵀ·W   [1, out]: in evaluation, once per set of weights and standardisation
      const key = this.foldKey;
      if (mode === 'train' || key.writes !== paramWrites() || key.std !== fold.version) {
        this.foldBiasOpts.bias = bias;
        this.k.gemm(fold.shift, this.weight.value, this.foldBias!, this.foldBiasOpts);
        // training recomputes it at every forward: gradient checks write the weights in place between them
        key.writes = mode === 'train' ? -1 : paramWrites();
        key.std = fold.version;
      }
      bias = this.foldBias!.data;
      if (!this.sparseNow) {
        this.xIn = this.xs!.setRows(x.rows);
        this.k.affineCols(x, fold.scale.data, null, this.xIn);
      }
    }
    if (this.sparseNow) {
      const o = this.sparseForwardOpts;
      o.bias = bias;
      o.relu = this.fusion.reluOut;
      o.colScale = fold?.scale.data;
      this.k.sparseGemm(x, this.weight.value, this.y, o);
      return this.y;
    }
    this.forwardOpts.bias = bias;
    this.forwardOpts.relu = this.fusion.reluOut;
    this.k.gemm(this.xIn, this.weight.value, this.y, this.forwardOpts);
    return this.y;
  }

  backward(dy: Matrix): Matrix {
    if (this.bias) this.k.sumRowsInto(dy, this.bias.grad.data);
    const fold = this.foldNow ? this.sparseInput!.fold : null;
    // a folded standardisation adds shift·(Σ_rows dy)ᵀ to dW: the constant row shiftᵀ of every input
    const g = this.colSum!;
    if (fold) {
      this.k.fill(g.data, 0, g.size);
      this.k.sumRowsInto(dy, g.data);
    }
    if (this.sparseInput && this.sparseNow) {
      const o = this.sparseWeightGradOpts;
      o.colScale = fold?.scale.data;
      if (fold) {
        this.rank1.u = fold.shift.data;
        this.rank1.v = g.data;
      }
      o.rank1 = fold ? this.rank1 : undefined;
      this.k.sparseGemm(this.x, dy, this.weight.grad, o);
    } else {
      this.k.gemm(this.xIn, dy, this.weight.grad, this.weightGradOpts);
      if (fold) this.k.gemm(fold.shift, g, this.weight.grad, this.foldGradOpts);
    }
    if (!this.dx) return dy; // first layer: nobody needs dL/dx
    this.dx.setRows(dy.rows);
    this.inputGradOpts.mask = this.fusion.reluIn ? this.x.data : undefined;
    this.k.gemm(dy, this.weight.value, this.dx, this.inputGradOpts);
    return this.dx;
  }

  /** False for a first layer built without `inputGrad`: its backward returns no dL/dx. */
  get computesInputGrad(): boolean {
    return this.dx !== null;
  }

  params(): Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  config(): Record<string, unknown> {
    return { units: this.units, init: this.init, useBias: this.useBias, weightDecay: this.weightDecay };
  }
}

/** Friendly factory: `dense({ units: 128 })`. */
export const dense = (args: DenseArgs): Dense => new Dense(args);

/** Model files: `dense` layers. */
export const denseLayer = defineLayer('dense', { fromConfig: (c) => new Dense(c as unknown as DenseArgs), torch: { module: 'Linear' } });
