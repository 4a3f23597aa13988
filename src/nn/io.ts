import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../io/safetensors.js';
import { ModelFileError, ScratchnetError } from '../errors.js';
import { brief, clip, parseJsonGuarded } from '../io/json-guard.js';
import { checkArchitecture } from './architecture-check.js';
import type { Kernels } from '../core/kernels.js';
import type { Matrix } from '../core/matrix.js';
import type { LayerBuffer } from './layer.js';
import type { LossName } from './losses/index.js';
import { Sequential, type ModelPlan } from './model.js';

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
}

/**
 * Decodes a model from the bytes of a model file ({@link encodeModel}); `path` names the source
 * in error messages. Everything is checked before the model is built: the architecture strictly
 * (src/nn/architecture-check.ts), then the build's plan against the stored tensors (names, shapes;
 * no width wider than the file's widest tensor), then the values (finite). Only then is memory
 * allocated for the model.
 * @throws ModelFileError naming `path` if the bytes are not a valid scratchnet model
 */
export function decodeModel(bytes: Uint8Array, { batchSize = 256, kernels }: DecodeModelOptions = {}, path = 'model'): SavedModel {
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
    // every width of a sound file is a dimension of one of its tensors (a dense weight, a bias, a statistic)
    let maxWidth = 0;
    for (const t of tensors.values()) for (const d of t.shape) maxWidth = Math.max(maxWidth, d);
    plan = model.plan({ inputWidth: architecture.inputWidth, batchSize, kernels, maxWidth });
  } catch (e) {
    if (!(e instanceof ScratchnetError)) throw e;
    throw new ModelFileError(`${path}: invalid architecture: ${e.message}${tensors.size === 0 ? ' (the file holds no tensors)' : ''}`);
  }
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
  model.build({ inputWidth: architecture.inputWidth, batchSize, kernels });
  for (const p of [...model.params(), ...layerBuffers(model)]) {
    p.value.data.set(tensors.get(p.name)!.data);
    p.version++;
  }
  return { model, architecture, training: training as Record<string, unknown> };
}

/** Shape in the file: vectors (biases, batch-norm statistics, stored as [1, n]) are saved as [n], as torch does. */
function fileShape(m: Matrix): number[] {
  return m.rows === 1 ? [m.cols] : [m.rows, m.cols];
}

function parseJson(text: string | undefined, path: string, key: string): unknown {
  if (text === undefined) throw new ModelFileError(`${path}: metadata '${key}' is missing`);
  return parseJsonGuarded(text, (m) => new ModelFileError(`${path}: metadata '${key}': ${m}`));
}
