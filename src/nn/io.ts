import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../io/safetensors.js';
import { ModelFileError, ScratchnetError } from '../errors.js';
import type { Kernels } from '../core/kernels.js';
import type { Matrix } from '../core/matrix.js';
import type { LayerBuffer } from './layer.js';
import { layerFromConfig } from './layers/index.js';
import { LOSSES, type LossName } from './losses.js';
import { Sequential } from './model.js';

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
 * in error messages.
 * @throws ModelFileError naming `path` if the bytes are not a valid scratchnet model
 */
export function decodeModel(bytes: Uint8Array, { batchSize = 256, kernels }: DecodeModelOptions = {}, path = 'model'): SavedModel {
  const { tensors, metadata } = decodeSafetensors(bytes, path);
  if (metadata['scratchnet.format'] !== FORMAT_VERSION) {
    throw new ModelFileError(`${path}: not a scratchnet model (metadata 'scratchnet.format' is ${JSON.stringify(metadata['scratchnet.format'])}, expected "${FORMAT_VERSION}")`);
  }
  const architecture = parseJson(metadata['scratchnet.architecture'], path, 'scratchnet.architecture') as Architecture;
  const training = parseJson(metadata['scratchnet.training'] ?? '{}', path, 'scratchnet.training') as Record<string, unknown>;
  if (!Array.isArray(architecture.layers) || !Number.isInteger(architecture.inputWidth) || !LOSSES.includes(architecture.loss)) {
    throw new ModelFileError(`${path}: metadata 'scratchnet.architecture' lacks inputWidth, loss or layers`);
  }
  let model: Sequential;
  try {
    const layers = architecture.layers.map((l, i) => {
      const layer = layerFromConfig(l.type, l.config ?? {}, `${path}: layer ${i}`);
      if (typeof l.name === 'string') layer.name = l.name;
      return layer;
    });
    model = new Sequential(layers);
    model.build({ inputWidth: architecture.inputWidth, batchSize, kernels });
  } catch (e) {
    if (e instanceof ModelFileError || !(e instanceof ScratchnetError)) throw e;
    throw new ModelFileError(`${path}: invalid architecture: ${e.message}`);
  }
  const stored = [...model.params(), ...layerBuffers(model)];
  for (const p of stored) {
    const t = tensors.get(p.name);
    if (!t) throw new ModelFileError(`${path}: tensor '${p.name}' is missing`);
    const expected = fileShape(p.value);
    if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
      throw new ModelFileError(`${path}: tensor '${p.name}' has shape [${t.shape.join(', ')}], the architecture needs [${expected.join(', ')}]`);
    }
    p.value.data.set(t.data);
  }
  if (tensors.size !== stored.length) {
    const extra = [...tensors.keys()].filter((n) => !stored.some((p) => p.name === n));
    throw new ModelFileError(`${path}: unexpected tensors ${extra.join(', ')} not used by the architecture`);
  }
  return { model, architecture, training };
}

/** Shape in the file: vectors (biases, batch-norm statistics, stored as [1, n]) are saved as [n], as torch does. */
function fileShape(m: Matrix): number[] {
  return m.rows === 1 ? [m.cols] : [m.rows, m.cols];
}

function parseJson(text: string | undefined, path: string, key: string): unknown {
  if (text === undefined) throw new ModelFileError(`${path}: metadata '${key}' is missing`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(`${path}: metadata '${key}' is not valid JSON (${(e as Error).message})`);
  }
}
