import { ConfigError } from '../../errors.js';
import type { GemmOptions, Kernels } from '../../core/kernels.js';
import { expectShape, type Matrix } from '../../core/matrix.js';
import { checkInit, initialize, type InitKind } from '../init.js';
import type { BuildContext, Layer, Param } from '../layer.js';
import { defineLayer } from './define.js';

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
 * Fully-connected layer (torch's `nn.Linear`, with W stored as [in, out]).
 * @remarks
 * forward:  y = x·W + b            x: [batch, in], W: [in, out], b: [1, out], y: [batch, out]
 * backward: dW += xᵀ·dy,  db += Σ_rows dy,  dx = dy·Wᵀ
 *
 * The build plan may run a ReLU next to it inside these products ({@link fusion}), and a first
 * layer over mostly-zero inputs as a SparseInputDense (src/nn/sparse-input.ts): same parameters,
 * same results, fewer passes over memory.
 */
export class Dense implements Layer {
  readonly type = 'dense';
  name: string;
  readonly units: number;
  readonly init: InitKind;
  readonly useBias: boolean;
  readonly weightDecay: number;
  inFeatures = 0;
  private weight!: Param; // W: [in, out]
  private bias: Param | null = null; // b: [1, out]
  private k!: Kernels;
  private x!: Matrix; // [batch, in], this batch's input
  private y!: Matrix; // [batch, out]
  private dx: Matrix | null = null; // [batch, in]; null when nobody needs dL/dx
  /**
   * Kernel fusion, set when the model is built (src/nn/fusion.ts): `reluOut` applies the ReLU after
   * this layer inside the forward GEMM; `reluIn` does the backward of the ReLU before it (whose
   * output is this layer's input x) inside the input-gradient GEMM.
   */
  fusion = { reluOut: false, reluIn: false };
  // each GEMM's options, made once and updated in place: a step allocates nothing
  private readonly forwardOpts: GemmOptions = { bias: undefined, relu: false };
  private readonly weightGradOpts: GemmOptions = { transA: true, beta: 1 };
  private readonly inputGradOpts: GemmOptions = { transB: true, mask: undefined };

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
    this.weight = ctx.param(`${this.name}.weight`, inputWidth, this.units, this.weightDecay, (w) => initialize(w, this.init, rng));
    this.bias = this.useBias ? ctx.param(`${this.name}.bias`, 1, this.units, 0, (b) => b.data.fill(0)) : null;
    this.y = ctx.buffer(this.units);
    this.dx = ctx.needsInputGrad ? ctx.buffer(inputWidth) : null;
    return this.units;
  }

  forward(x: Matrix): Matrix {
    // the message is built only on a mismatch: a template string per call is garbage on the one-image path
    if (x.cols !== this.inFeatures) expectShape(x, -1, this.inFeatures, `${this.name} (input)`);
    this.x = x;
    this.forwardOpts.bias = this.bias?.value.data;
    this.forwardOpts.relu = this.fusion.reluOut;
    this.k.gemm(x, this.weight.value, this.y.setRows(x.rows), this.forwardOpts); // y = x·W + b
    return this.y;
  }

  backward(dy: Matrix): Matrix {
    if (this.bias) this.k.sumRowsInto(dy, this.bias.grad.data); // db += Σ_rows dy
    this.k.gemm(this.x, dy, this.weight.grad, this.weightGradOpts); // dW += xᵀ·dy
    if (!this.dx) return dy; // a first layer: nobody needs dL/dx
    this.inputGradOpts.mask = this.fusion.reluIn ? this.x.data : undefined;
    this.k.gemm(dy, this.weight.value, this.dx.setRows(dy.rows), this.inputGradOpts); // dx = dy·Wᵀ
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
export const denseLayer = defineLayer('dense', {
  fromConfig: (c) => new Dense(c as unknown as DenseArgs),
  torch: { module: 'Linear' },
  // y = x·W + b: Gemm with W [in, out] as stored (transB = 0)
  onnx: (l, g, x) => {
    const [w, b] = l.params();
    return g.op('Gemm', b ? [x, g.matrix(w), g.vector(b)] : [x, g.matrix(w)]);
  },
});
