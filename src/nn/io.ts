import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../io/safetensors.js';
import { ModelFileError, ResourceError, ScratchnetError } from '../errors.js';
import { brief, clip, parseJsonGuarded } from '../io/json-guard.js';
import { checkArchitecture } from './architecture-check.js';
import type { Kernels } from '../core/kernels.js';
import { Matrix } from '../core/matrix.js';
import type { LayerBuffer } from './layer.js';
import type { LossName } from './losses/index.js';
import { MAX_MODEL_BYTES, Sequential, type ModelPlan } from './model.js';
import { planSizeProblem } from './plan.js';

/** Version of the architecture JSON stored in `__metadata__`. */
export const FORMAT_VERSION = '1';

/** The architecture as stored in a model file's `scratchnet.architecture` metadata. */
export interface Architecture {
  inputWidth: number;
  outputWidth: number;
  loss: LossName;
  /** Class names of the training data, if known. */
  classNames?: string[];
  /** Input image shape [height, width], if the model was trained on images. */
  imageShape?: [number, number];
  layers: { type: string; name: string; config: Record<string, unknown> }[];
}

export interface SavedModel {
  model: Sequential;
  architecture: Architecture;
  /** Training configuration and results stored with the weights (free-form JSON). */
  training: Record<string, unknown>;
}

export function architectureOf(model: Sequential, loss: LossName, extra: Pick<Architecture, 'classNames' | 'imageShape'> = {}): Architecture {
  return {
    inputWidth: model.inputWidth,
    outputWidth: model.outputWidth,
    loss,
    ...extra,
    layers: model.layers.map((l) => ({ type: l.type, name: l.name, config: l.config() })),
  };
}

/** Every layer's non-trainable buffers (batch norm's running statistics), in layer order. */
function layerBuffers(model: Sequential): LayerBuffer[] {
  return model.layers.flatMap((l) => l.buffers?.() ?? []);
}

/**
 * Encodes a model as safetensors bytes (float32, one tensor per parameter, named like `dense_1.weight`
 * with shape [in, out], then one per layer buffer such as `batch_norm_1.running_mean`) with the
 * architecture and the training config as JSON in `__metadata__` — the bytes of a `.safetensors`
 * model file (Node: `saveModel` writes them atomically; a browser can offer them as a download).
 */
export function encodeModel(model: Sequential, architecture: Architecture, training: Record<string, unknown> = {}): Uint8Array {
  const tensors: NamedTensor[] = [...model.params(), ...layerBuffers(model)].map((p) => ({
    name: p.name,
    shape: fileShape(p.value),
    data: Float32Array.from(p.value.view()),
  }));
  return encodeSafetensors(tensors, {
    'scratchnet.format': FORMAT_VERSION,
    'scratchnet.architecture': JSON.stringify(architecture),
    'scratchnet.training': JSON.stringify(training),
  });
}

export interface DecodeModelOptions {
  /** Rows per forward pass the model is built for (default 256). */
  batchSize?: number;
  /** Kernels the model runs on (default: the current backend). */
  kernels?: Kernels;
  /**
   * Most bytes the built model may take — parameters, gradients, state and activations for
   * `batchSize` rows — checked before anything is allocated (default and upper bound: 4 GiB, a
   * WebAssembly memory; Node's `loadModel` passes half the machine's memory when that is less).
   */
  maxBytes?: number;
}

/**
 * Decodes a model from the bytes of a model file ({@link encodeModel}); `path` names the source
 * in error messages. Everything is checked before the model is built: the architecture strictly
 * (src/nn/architecture-check.ts); the build's plan, which allocates nothing, with no width wider
 * than the widest dimension of a tensor that holds values (so every size is backed by the file's
 * bytes) and no more bytes than `maxBytes`; the stored tensors against the plan (names, shapes);
 * the values: finite, and layer state by its meaning (a standard deviation above its floor, a
 * variance ≥ 0: each layer's `checkBuffers`). Only then is memory allocated for the model, and one
 * all-zero row run through it must give finite outputs.
 * @throws ModelFileError naming `path` if the bytes are not a valid scratchnet model; ResourceError
 *   if the model it describes is larger than `maxBytes`
 */
export function decodeModel(bytes: Uint8Array, { batchSize = 256, kernels, maxBytes = MAX_MODEL_BYTES }: DecodeModelOptions = {}, path = 'model'): SavedModel {
  const { tensors, metadata } = decodeSafetensors(bytes, path);
  if (metadata['scratchnet.format'] !== FORMAT_VERSION) {
    throw new ModelFileError(`${path}: not a scratchnet model (metadata 'scratchnet.format' is ${brief(metadata['scratchnet.format'])}, expected "${FORMAT_VERSION}")`);
  }
  const { architecture, layers } = checkArchitecture(parseJson(metadata['scratchnet.architecture'], path, 'scratchnet.architecture'), path);
  const training = parseJson(metadata['scratchnet.training'] ?? '{}', path, 'scratchnet.training');
  if (typeof training !== 'object' || training === null || Array.isArray(training)) {
    throw new ModelFileError(`${path}: metadata 'scratchnet.training' must be a JSON object, found ${brief(training)}`);
  }
  let model: Sequential;
  let plan: ModelPlan;
  try {
    model = new Sequential(layers);
    // every width of a sound file is a dimension of one of its tensors (a dense weight, a bias, a
    // statistic) and holds values, so it is at most the tensor's count: a tensor of 0 values backs no size
    let maxWidth = 0;
    for (const t of tensors.values()) if (t.data.length > 0) for (const d of t.shape) maxWidth = Math.max(maxWidth, d);
    plan = model.plan({ inputWidth: architecture.inputWidth, batchSize, kernels, maxWidth });
  } catch (e) {
    if (!(e instanceof ScratchnetError)) throw e;
    throw new ModelFileError(`${path}: invalid architecture: ${clip(e.message, 400)}${tensors.size === 0 ? ' (the file holds no tensors)' : ''}`);
  }
  const limit = Math.min(maxBytes, MAX_MODEL_BYTES);
  const tooLarge = planSizeProblem(plan, limit, limit < MAX_MODEL_BYTES ? 'this machine can give it' : 'a WebAssembly memory holds');
  if (tooLarge) throw new ResourceError(`${path}: ${tooLarge}: use a smaller batch size`);
  if (plan.widths.at(-1) !== architecture.outputWidth) {
    throw new ModelFileError(`${path}: the layers end in ${plan.widths.at(-1)} outputs, the architecture's outputWidth is ${architecture.outputWidth}`);
  }
  const planned = [...plan.params, ...plan.buffers];
  for (const p of planned) {
    const t = tensors.get(p.name);
    if (!t) throw new ModelFileError(`${path}: tensor '${clip(p.name, 80)}' is missing`);
    const expected = p.rows === 1 ? [p.cols] : [p.rows, p.cols];
    if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
      throw new ModelFileError(`${path}: tensor '${clip(p.name, 80)}' has shape ${clip(`[${t.shape.join(', ')}]`)}, the architecture needs [${expected.join(', ')}]`);
    }
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ModelFileError(`${path}: tensor '${clip(p.name, 80)}' holds ${t.data[bad]} at index ${bad}, expected finite values`);
  }
  if (tensors.size !== planned.length) {
    const names = new Set(planned.map((p) => p.name));
    const extra = [...tensors.keys()].filter((n) => !names.has(n));
    throw new ModelFileError(`${path}: unexpected tensors ${clip(extra.join(', '), 120)} not used by the architecture`);
  }
  const values = (name: string) => tensors.get(name)!.data;
  for (const layer of model.layers) {
    const problem = layer.checkBuffers?.(values);
    if (problem) throw new ModelFileError(`${path}: ${problem}`);
  }
  model.build({ inputWidth: architecture.inputWidth, batchSize, kernels });
  for (const p of [...model.params(), ...layerBuffers(model)]) {
    p.value.data.set(values(p.name));
    p.version++;
  }
  const bad = probeZeroRow(model);
  if (bad) {
    model.release();
    throw new ModelFileError(`${path}: the model's output ${bad.index} for an all-zero input row is ${bad.value}, expected a finite number (its values overflow float32)`);
  }
  return { model, architecture, training: training as Record<string, unknown> };
}

/** Runs one all-zero row through a built model (eval mode); the first output that is not finite, if any. */
function probeZeroRow(model: Sequential): { index: number; value: number } | undefined {
  const k = model.kernels;
  const x = new Matrix(1, model.inputWidth, k.alloc(model.inputWidth, model.dtype).fill(0));
  try {
    const y = model.forward(x, 'eval').view();
    const index = y.findIndex((v) => !Number.isFinite(v));
    return index < 0 ? undefined : { index, value: y[index] };
  } finally {
    k.release(x.data);
  }
}

/** Shape in the file: vectors (biases, batch-norm statistics, stored as [1, n]) are saved as [n], as torch does. */
function fileShape(m: Matrix): number[] {
  return m.rows === 1 ? [m.cols] : [m.rows, m.cols];
}

function parseJson(text: string | undefined, path: string, key: string): unknown {
  if (text === undefined) throw new ModelFileError(`${path}: metadata '${key}' is missing`);
  return parseJsonGuarded(text, (m) => new ModelFileError(`${path}: metadata '${key}': ${m}`));
}
