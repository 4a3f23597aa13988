/**
 * Training checkpoints as bytes: everything a stopped `fit` needs to go on exactly where it was, so
 * that the resumed run ends with the same bits as one never stopped. Platform-neutral: files,
 * downloads or IndexedDB are the edges' business (src/node/checkpoint-files.ts for Node).
 *
 * Layout: a safetensors file (src/io/safetensors.ts) whose float32 tensors are the weights, the
 * optimizer's slots and callbacks' tensors, and whose `__metadata__` holds
 * ```
 * scratchnet.checkpoint           "1" (format version)
 * scratchnet.checkpoint.state     JSON: position, random streams, history, ... and the tensor names
 * scratchnet.checkpoint.checksum  FNV-1a (32 bits) of the state JSON and every tensor's bytes
 * ```
 */
import type { RngState } from '../core/random.js';
import type { BatchPosition } from '../data/batches.js';
import { ModelFileError } from '../errors.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../io/safetensors.js';
import type { CallbackState, EpochLog } from './callbacks.js';

export const CHECKPOINT_FORMAT = '1';

/** One parameter's optimizer state: torch's `state['step']` and the slot buffers. */
export interface ParamCheckpoint {
  step: number;
  slots: Record<string, Float32Array>;
}

/** The state of a training run between two steps. */
export interface Checkpoint {
  /** Where the bytes came from (a file name), for messages; not stored. */
  source?: string;
  /** The caller's description of the run (e.g. a TrainConfig): a resume must describe it the same. */
  run: unknown;
  /** Seed of the run's shuffle and augmentation streams. */
  seed: number;
  /** Epochs finished. */
  epoch: number;
  /** Steps finished of epoch `epoch + 1` (0 at an epoch boundary). */
  step: number;
  stepsPerEpoch: number;
  /** Rows of the training data. */
  samples: number;
  /** Optimizer steps since the start of the run. */
  globalStep: number;
  /** Training is over (every epoch done, or a callback stopped it); only `onTrainEnd` is left. */
  finished: boolean;
  /** Running sums of the unfinished epoch (zeros at a boundary); `seconds` of steps so far. */
  sums: { loss: number; hits: number; seen: number; seconds: number };
  /** Parameter names and shapes, in the model's order (checked on resume). */
  params: { name: string; shape: [number, number] }[];
  /** `Sequential.getWeights()`: every parameter, then non-trainable buffers (batch norm's statistics). */
  weights: Float32Array;
  /** Weights at the end of the last finished epoch (restored on divergence) when they differ from `weights`. */
  lastGood: Float32Array | null;
  optimizer: {
    name: string;
    hyperparameters: Record<string, number | boolean | string>;
    /** Learning rate of the last step (schedules overwrite it before the next). */
    lr: number;
    /** By parameter name; parameters not yet stepped are absent. */
    state: Record<string, ParamCheckpoint>;
  };
  /** Every random stream by name: `shuffle`, `augment` and the model's (`dropout_1/dropout`, ...). */
  rng: Record<string, RngState>;
  /** Position of the unfinished epoch's batches. */
  batches: BatchPosition;
  history: EpochLog[];
  /** By {@link Callback.stateKey}. */
  callbacks: Record<string, CallbackState>;
}

/** Why `fit` wrote a checkpoint: an epoch ended, `every` steps passed, or its signal aborted. */
export type CheckpointReason = 'epoch' | 'steps' | 'interrupt';

/** `fit`'s `checkpoint` option. */
export interface CheckpointOptions {
  /** Write one every this many optimizer steps (counted over the whole run); default: at each epoch end. */
  every?: number;
  /**
   * Receives each checkpoint (bytes of {@link encodeCheckpoint}); `fit` waits for it. `epoch` is the
   * number of finished epochs and `step` the finished steps of the next one.
   */
  save(bytes: Uint8Array, info: { epoch: number; step: number; globalStep: number; reason: CheckpointReason }): void | Promise<void>;
}

/** Encodes a checkpoint as safetensors bytes. */
export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const tensors: NamedTensor[] = [];
  const add = (name: string, data: Float32Array) => {
    tensors.push({ name, shape: [data.length], data });
    return name;
  };
  add('weights', c.weights);
  if (c.lastGood) add('last_good', c.lastGood);
  const optState: Record<string, { step: number; slots: Record<string, string> }> = {};
  for (const [param, s] of Object.entries(c.optimizer.state)) {
    const slots: Record<string, string> = {};
    for (const [slot, data] of Object.entries(s.slots)) slots[slot] = add(`optimizer/${param}/${slot}`, data);
    optState[param] = { step: s.step, slots };
  }
  const callbacks: Record<string, { values: CallbackState['values']; tensors: Record<string, string> }> = {};
  for (const [key, s] of Object.entries(c.callbacks)) {
    const names: Record<string, string> = {};
    for (const [t, data] of Object.entries(s.tensors)) names[t] = add(`callback/${key}/${t}`, data);
    callbacks[key] = { values: s.values, tensors: names };
  }
  const { source: _source, weights: _w, lastGood: _l, ...rest } = c;
  const state = JSON.stringify({ ...rest, history: c.history.map(encodeLog), optimizer: { ...c.optimizer, state: optState }, callbacks }, finiteOnly);
  return encodeSafetensors(tensors, {
    'scratchnet.checkpoint': CHECKPOINT_FORMAT,
    'scratchnet.checkpoint.state': state,
    'scratchnet.checkpoint.checksum': checksum(state, tensors.map((t) => t.data)),
  });
}

/**
 * Decodes bytes from {@link encodeCheckpoint}. Truncated, corrupt (checksum) or foreign bytes are a
 * ModelFileError naming `source`.
 */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const fail = (msg: string) => new ModelFileError(`${source}: ${msg}`);
  if (metadata['scratchnet.checkpoint'] !== CHECKPOINT_FORMAT) {
    throw fail(`not a scratchnet checkpoint (metadata 'scratchnet.checkpoint' is ${JSON.stringify(metadata['scratchnet.checkpoint'])}, expected "${CHECKPOINT_FORMAT}")`);
  }
  const text = metadata['scratchnet.checkpoint.state'] ?? '';
  const sum = checksum(text, [...tensors.values()].map((t) => t.data));
  if (metadata['scratchnet.checkpoint.checksum'] !== sum) {
    throw fail(`checksum mismatch (stored ${JSON.stringify(metadata['scratchnet.checkpoint.checksum'])}, computed "${sum}"): the file is corrupt`);
  }
  let s: Record<string, any>; // checked field by field below
  try {
    s = JSON.parse(text);
  } catch (e) {
    throw fail(`state is not valid JSON (${(e as Error).message})`);
  }
  const tensor = (name: unknown): Float32Array => {
    const t = typeof name === 'string' ? tensors.get(name) : undefined;
    if (!t) throw fail(`tensor ${JSON.stringify(name)} named in the state is missing`);
    return t.data;
  };
  const ints = ['seed', 'epoch', 'step', 'stepsPerEpoch', 'samples', 'globalStep'];
  for (const k of ints) if (!Number.isInteger(s[k])) throw fail(`state field '${k}' must be an integer, found ${JSON.stringify(s[k])}`);
  const obj = (v: unknown, what: string) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw fail(`state field '${what}' must be an object`);
    return v as Record<string, any>;
  };
  const opt = obj(s.optimizer, 'optimizer');
  const state: Record<string, ParamCheckpoint> = {};
  for (const [param, p] of Object.entries(obj(opt.state, 'optimizer.state'))) {
    const slots: Record<string, Float32Array> = {};
    for (const [slot, name] of Object.entries(obj(p.slots, `optimizer.state.${param}.slots`))) slots[slot] = tensor(name);
    state[param] = { step: p.step, slots };
  }
  const callbacks: Record<string, CallbackState> = {};
  for (const [key, cb] of Object.entries(obj(s.callbacks, 'callbacks'))) {
    const ts: Record<string, Float32Array> = {};
    for (const [t, name] of Object.entries(obj(cb.tensors, `callbacks.${key}.tensors`))) ts[t] = tensor(name);
    callbacks[key] = { values: obj(cb.values, `callbacks.${key}.values`), tensors: ts };
  }
  if (!Array.isArray(s.history) || !Array.isArray(s.params)) throw fail(`state fields 'history' and 'params' must be arrays`);
  return {
    source,
    run: s.run,
    seed: s.seed,
    epoch: s.epoch,
    step: s.step,
    stepsPerEpoch: s.stepsPerEpoch,
    samples: s.samples,
    globalStep: s.globalStep,
    finished: s.finished === true,
    sums: obj(s.sums, 'sums') as Checkpoint['sums'],
    params: s.params,
    weights: tensor('weights'),
    lastGood: tensors.has('last_good') ? tensor('last_good') : null,
    optimizer: { name: opt.name, hyperparameters: obj(opt.hyperparameters, 'optimizer.hyperparameters'), lr: opt.lr, state },
    rng: obj(s.rng, 'rng'),
    batches: obj(s.batches, 'batches') as BatchPosition,
    history: s.history.map(decodeLog),
    callbacks,
  };
}

/** JSON has no NaN or ±Infinity: a metric that took one is kept as its name. */
function encodeLog(log: EpochLog): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(log)) out[k] = Number.isFinite(v) ? v : String(v);
  return out;
}

function decodeLog(log: Record<string, number | string>): EpochLog {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(log)) out[k] = typeof v === 'string' ? Number(v) : v;
  return out as unknown as EpochLog;
}

function finiteOnly(key: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new ModelFileError(`checkpoint: field '${key}' is ${v}, which the state cannot hold`);
  return v;
}

/**
 * FNV-1a over the UTF-16 units of `text`, then the 32-bit words of each tensor, as 8 hex digits
 * (integer hashing once per checkpoint, not arithmetic for the kernels).
 */
function checksum(text: string, data: Float32Array[]): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  for (const d of data) {
    const w = new Uint32Array(d.buffer, d.byteOffset, d.length);
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w[i], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
