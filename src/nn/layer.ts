import type { Kernels } from '../core/kernels.js';
import type { DType, Matrix } from '../core/matrix.js';
import type { Rng } from '../core/random.js';

/** Training or inference: dropout and batch norm behave differently; nothing else looks at it. */
export type Mode = 'train' | 'eval';

/**
 * A trainable tensor. `value` and `grad` are views into the model's parameter and gradient arenas
 * (same layout), assigned by `Sequential.build`.
 */
export interface Param {
  /** Unique within a model, e.g. `dense_1.weight`. */
  readonly name: string;
  value: Matrix;
  grad: Matrix;
  /** Multiplier of the L2 / weight-decay coefficient for this parameter: 1 for weights, 0 for biases. */
  readonly decay: number;
  /**
   * Counts writes of `value` made outside forward and backward (as torch's tensor `_version`): the
   * optimizer's step, setWeights, loadStateDict, model files, torch imports, max-norm, and handing out
   * writable views (`namedParameters()`) each add 1. A layer caches what it derives from `value` (the
   * folded bias of src/nn/layers/sparse-input-dense.ts) until the version moves. Code that writes
   * `value.data` itself later adds 1 too.
   */
  version: number;
}

/**
 * A non-trainable tensor a layer keeps between batches (batch norm's running statistics): no
 * gradient, no optimizer state, but saved in model files beside the parameters.
 */
export interface LayerBuffer {
  /** Unique within a model, e.g. `batch_norm_1.running_mean`. */
  readonly name: string;
  /** [rows, cols], owned by the layer and updated in place. */
  readonly value: Matrix;
  /** Counts writes of `value` from outside the layer (setWeights, model files), as {@link Param.version}. */
  version: number;
}

/**
 * What a layer may use while it builds: the backend, the planned batch size, random streams, and
 * where it declares its parameters, state and buffers. A layer allocates nothing itself in `build`:
 * the same `build` runs against a plan's context (src/nn/plan.ts), which records sizes only.
 */
export interface BuildContext {
  readonly kernels: Kernels;
  readonly dtype: DType;
  /** Largest batch the model will see; activation buffers are allocated for it. */
  readonly batchSize: number;
  /** Random stream for this layer (derived from the run seed and the layer's name). */
  rng(purpose: string): Rng;
  /**
   * Declares a parameter `[rows, cols]`. Its buffers are views into the arenas, assigned after every
   * layer has been built; `init` fills the value then.
   */
  param(name: string, rows: number, cols: number, decay: number, init: (value: Matrix) => void): Param;
  /**
   * Declares a non-trainable tensor `[rows, cols]` the layer keeps between batches (see
   * {@link LayerBuffer}), in the model's dtype. Its value is made at once — a plan makes none and
   * returns an empty `[0, cols]` placeholder —; `init` fills it after every layer has been built (as a
   * parameter's), never during a plan. A build for a new batch size hands back the one already made.
   */
  state(name: string, rows: number, cols: number, init: (value: Matrix) => void): LayerBuffer;
  /** An activation buffer `[batchSize, cols]` (its `rows` is set per batch), or `[rows, cols]`. */
  buffer(cols: number, rows?: number): Matrix;
  /** False when no layer before this one has parameters (and nobody asked for the input's gradient): backward may skip dL/dx. */
  readonly needsInputGrad: boolean;
}

/**
 * One step of a Sequential network. Forward and backward come in pairs: `forward` caches what
 * `backward` needs and writes into the layer's own output buffer; `backward` *adds* parameter
 * gradients into `param.grad` (cleared once per step by {@link zeroGrads}) and returns dL/dx (a
 * buffer the layer owns).
 */
export interface Layer {
  /** Unique within a model, used in error messages and parameter names (`dense_1`). */
  name: string;
  /** The layer kind, as in model files (`dense`, `activation`, `dropout`, ...). */
  readonly type: string;
  /** Plans parameters and buffers for inputs `[batch, inputWidth]`; returns the output width. */
  build(inputWidth: number, ctx: BuildContext): number;
  /** x: [batch, in] → y: [batch, out]. */
  forward(x: Matrix, mode: Mode): Matrix;
  /** dy: [batch, out] → dx: [batch, in]; adds this batch's parameter gradients to `param.grad`. */
  backward(dy: Matrix): Matrix;
  params(): Param[];
  /**
   * Non-trainable state saved in model files as extra tensors (e.g. running statistics); valid
   * after `build`. Optional: most layers have none.
   */
  buffers?(): LayerBuffer[];
  /**
   * Checks values offered for {@link buffers} by what they mean (a standard deviation above the
   * layer's floor, a variance ≥ 0), before anything is built: `value(name)` gives a buffer's values
   * by its full name, as many as the plan declared. Returns what is wrong — the tensor, the index,
   * the value and what was expected — or undefined. Model files run it at load time.
   */
  checkBuffers?(value: (name: string) => ArrayLike<number>): string | undefined;
  /** Constructor options that recreate this layer (stored in model files). */
  config(): Record<string, unknown>;
  /** Restarts the layer's random streams, so the next forward draws the same numbers again. */
  resetRandom?(): void;
}

/**
 * Sets every gradient of `params` to 0: the one zeroing path of `Sequential.zeroGrad` and
 * `Optimizer.zeroGrad`. Parameter by parameter: a threaded backend splits each one as it splits its
 * gradient and update.
 */
export function zeroGrads(params: readonly Param[], kernels: Kernels): void {
  for (let i = 0; i < params.length; i++) kernels.fill(params[i].grad.data, 0, params[i].grad.data.length);
}
