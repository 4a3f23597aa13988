/**
 * What a model would allocate, found without allocating it: every layer's `build` runs against a
 * context that records widths, parameter, state and buffer shapes and bytes, and hands out empty
 * placeholders (layers declare everything through their BuildContext and allocate nothing
 * themselves), so a plan allocates nothing that grows with a declared size. Model files are checked
 * against it before anything is made; `Sequential.build` checks its size first.
 */
import { kernels as currentKernels } from '../core/backend.js';
import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/random.js';
import { ConfigError } from '../errors.js';
import type { BuildContext, Layer } from './layer.js';
import type { BuildOptions } from './model.js';
import { planSparseInput } from './sparse-input.js';

/** Widest layer input or output `Sequential.plan` accepts by default (16M features). */
export const MAX_WIDTH = 2 ** 24;
/**
 * Most bytes one model's parameters, gradients and activation buffers may take: 4 GiB, all a
 * WebAssembly (wasm32) memory can hold — checked before anything is allocated, on every backend, so
 * a model that builds on one backend builds on the other.
 */
export const MAX_MODEL_BYTES = 2 ** 32;

/** A tensor a build would create: `[rows, cols]`. */
export interface PlannedTensor {
  name: string;
  rows: number;
  cols: number;
}

/** What `Sequential.build` would allocate, found without allocating it. */
export interface ModelPlan {
  /** widths[0] is the input width, widths[i + 1] the output width of layer i. */
  widths: number[];
  /** Trainable parameters in arena order. */
  params: PlannedTensor[];
  /** Non-trainable layer buffers (batch-norm running statistics, standardisation), in layer order. */
  buffers: PlannedTensor[];
  /** Values of the parameter arena (the gradient arena is as large). */
  paramValues: number;
  /** Values of every activation buffer for the planned batch size. */
  activationValues: number;
  /** Of those, the values per row of a batch (the rest, such as 1/σ, do not grow with it). */
  rowValues: number;
  /** The batch size planned for. */
  batchSize: number;
  /** Bytes of one value: 4 (float32) or 8 (float64). */
  valueBytes: number;
  /** Bytes of parameters, gradients, activations and layer buffers. */
  bytes: number;
}

export interface PlanOptions extends Pick<BuildOptions, 'inputWidth' | 'batchSize' | 'dtype' | 'inputGrad' | 'kernels' | 'sparse'> {
  /** Widest input or output accepted (default {@link MAX_WIDTH}); a model file passes its largest tensor dimension. */
  maxWidth?: number;
}

const NO_VALUES = new Float32Array(0);

/**
 * Runs every layer's `build` — the declared layers', then the substitutes' of the layers as they run
 * ({@link buildLayers}) — against a context that records instead of allocating: the widths,
 * parameter and buffer shapes and the bytes a build would take. Sizes are checked layer by layer
 * (each width ≤ `maxWidth`) before a layer sees them. The layers must not be built.
 * @throws ConfigError on a bad or too wide width or a bad batch size
 */
export function planLayers(layers: readonly Layer[], { inputWidth, batchSize = 128, dtype = 'float32', inputGrad = false, kernels = currentKernels(), sparse = true, maxWidth = MAX_WIDTH }: PlanOptions): ModelPlan {
  const checkWidth = (w: number, what: string) => {
    if (!Number.isSafeInteger(w) || w <= 0) throw new ConfigError(`Sequential: ${what} must be a positive integer, found ${w}`);
    if (w > maxWidth) throw new ConfigError(`Sequential: ${what} is ${w}, more than the limit ${maxWidth}`);
  };
  checkWidth(inputWidth, 'inputWidth');
  if (!Number.isSafeInteger(batchSize) || batchSize <= 0) {
    throw new ConfigError(`Sequential: batch size must be a positive integer, found ${batchSize}`);
  }
  const root = new Rng(0);
  const widths = [inputWidth];
  const params: PlannedTensor[] = [];
  const buffers: PlannedTensor[] = [];
  let activationValues = 0;
  let rowValues = 0;
  const context = (layer: Layer, needsInputGrad: boolean): BuildContext => ({
    kernels,
    dtype,
    batchSize,
    needsInputGrad,
    rng: (purpose) => root.stream(`${layer.name}/${purpose}`),
    param: (name, rows, cols, decay) => {
      params.push({ name, rows, cols });
      const placeholder = new Matrix(0, cols, NO_VALUES);
      return { name, value: placeholder, grad: placeholder, decay, version: 0 };
    },
    state: (name, rows, cols) => {
      buffers.push({ name, rows, cols });
      return { name, value: new Matrix(0, cols, NO_VALUES), version: 0 };
    },
    buffer: (cols, rows) => {
      if (rows === undefined) rowValues += cols;
      activationValues += (rows ?? batchSize) * cols;
      return new Matrix(0, cols, NO_VALUES);
    },
  });
  buildLayers(layers, planSparseInput(layers, sparse), inputWidth, inputGrad, context, (layer, width) => {
    checkWidth(width, `the output width of ${layer.name}`);
    widths.push(width);
  });
  const paramValues = params.reduce((s, p) => s + p.rows * p.cols, 0);
  const bufferValues = buffers.reduce((s, b) => s + b.rows * b.cols, 0);
  const valueBytes = dtype === 'float64' ? 8 : 4;
  const bytes = (2 * paramValues + activationValues + bufferValues) * valueBytes;
  return { widths, params, buffers, paramValues, activationValues, rowValues, batchSize, valueBytes, bytes };
}

/** `plan` for batches of `batchSize` rows instead: only the activation buffers change (found without building). */
export function replan(plan: ModelPlan, batchSize: number): ModelPlan {
  const activationValues = plan.activationValues + (batchSize - plan.batchSize) * plan.rowValues;
  return { ...plan, activationValues, batchSize, bytes: plan.bytes + (activationValues - plan.activationValues) * plan.valueBytes };
}

/**
 * What is wrong with a plan of more than `limit` bytes (`limitName` says whose limit it is), or
 * undefined when it fits: the size, the first widths, and what makes it up.
 */
export function planSizeProblem(plan: ModelPlan, limit: number, limitName: string): string | undefined {
  if (plan.bytes <= limit) return undefined;
  const gib = (b: number) => `${(b / 2 ** 30).toPrecision(3)} GiB`;
  const widths = `${plan.widths.slice(0, 8).join('→')}${plan.widths.length > 8 ? '→…' : ''}`;
  return (
    `the model needs ${gib(plan.bytes)} (widths ${widths}: ${plan.paramValues} parameters and as many gradients, ` +
    `${plan.activationValues} activation values for batches of ${plan.batchSize}), more than the ${gib(limit)} ${limitName}`
  );
}

/**
 * Builds `layers` in order, then the layers of `execution` (the layers as the model runs them,
 * src/nn/sparse-input.ts) that are not among them: the build plan's substitutes, which reuse the
 * declared layers' parameters. `context` gives each its BuildContext; `built` sees each declared
 * layer's output width as soon as it is known. Returns the output width.
 */
export function buildLayers(
  layers: readonly Layer[],
  execution: readonly Layer[],
  inputWidth: number,
  inputGrad: boolean,
  context: (layer: Layer, needsInputGrad: boolean) => BuildContext,
  built: (layer: Layer, width: number) => void = () => {},
): number {
  const outputWidth = new Map<Layer, number>();
  let width = inputWidth;
  layers.forEach((layer, i) => {
    width = layer.build(width, context(layer, inputGradNeeded(layers, i, inputGrad)));
    built(layer, width);
    outputWidth.set(layer, width);
  });
  execution.forEach((layer, i) => {
    if (outputWidth.has(layer)) return;
    const input = i === 0 ? inputWidth : outputWidth.get(execution[i - 1])!;
    outputWidth.set(layer, layer.build(input, context(layer, inputGradNeeded(execution, i, inputGrad))));
  });
  return width;
}

/**
 * Whether layer `i` must compute dL/d(its input) in backward: only when a layer before it has
 * parameters, or the caller asked for the input's gradient (gradient checks). A Dense layer after a
 * leading Standardize or Dropout thus skips its dy·Wᵀ product, as a first layer does. Layers before
 * `i` are built already, so their params() are known.
 */
export function inputGradNeeded(layers: readonly Layer[], i: number, inputGrad: boolean): boolean {
  return inputGrad || layers.slice(0, i).some((l) => l.params().length > 0);
}
