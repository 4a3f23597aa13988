/**
 * Between two steps of `fit`: taking a {@link Checkpoint} of everything that decides the next
 * numbers — weights, optimizer slots and step counts, every random stream, the epoch's batch order
 * and position, the history, stateful callbacks — and putting it back.
 */
import type { Rng } from '../core/random.js';
import type { BatchIterator } from '../data/batches.js';
import { ConfigError } from '../errors.js';
import type { Callback, EpochLog } from './callbacks.js';
import type { Checkpoint, ParamCheckpoint } from './checkpoint.js';
import type { EpochMetrics } from './epoch-metrics.js';
import type { Param } from './layer.js';
import type { Sequential } from './model.js';
import type { Optimizer } from './optimizers/optimizer.js';

/** The pieces of a running `fit`. */
export interface TrainingParts {
  model: Sequential;
  optimizer: Optimizer;
  batches: BatchIterator;
  /** fit's own streams by name (`shuffle`, `augment`); the model's are added as `model/<name>`. */
  streams: Record<string, Rng>;
  callbacks: readonly Callback[];
  seed: number;
  samples: number;
  /** The caller's description of the run, compared on resume. */
  run: unknown;
}

/** Where the run stands: the fields of a Checkpoint that the loop keeps. */
export type TrainingPosition = Pick<Checkpoint, 'epoch' | 'step' | 'globalStep' | 'finished' | 'sums' | 'history' | 'lastGood'>;

/**
 * Where a running `fit` stands between two steps, in one object: what a checkpoint records of the
 * loop, and what a resumed run starts from.
 */
export interface RunState {
  /** Epochs finished. */
  epoch: number;
  /** Steps done in the epoch under way (0 between epochs: the next epoch starts afresh). */
  step: number;
  /** Steps done in the whole run. */
  globalStep: number;
  /** No epoch left: the last one ended, or a callback stopped the run. */
  finished: boolean;
  readonly history: EpochLog[];
  /** The running sums of the epoch under way. */
  readonly metrics: EpochMetrics;
  /** The weights of the end of the last good epoch. */
  readonly lastGood: Float32Array;
}

/** The run's position as a checkpoint stores it (the last good weights only mid-epoch: at its end they are the weights). */
export function positionOf(s: RunState): TrainingPosition {
  const { epoch, step, globalStep, finished, history } = s;
  return { epoch, step, globalStep, finished, sums: s.metrics.sums(), history, lastGood: step > 0 ? s.lastGood : null };
}

/** The run is between epochs: the next one starts afresh (unless `finished`), its sums at zero. */
export function endEpoch(s: RunState, finished: boolean): void {
  s.epoch++;
  s.step = 0;
  s.finished = finished;
  s.metrics.end();
}

/** Puts the checkpoint's position into the run (with {@link restoreCheckpoint}, which does the rest). */
export function resumeRunState(s: RunState, c: Checkpoint): void {
  s.epoch = c.epoch;
  s.step = c.step;
  s.globalStep = c.globalStep;
  s.finished = c.finished;
  for (const e of c.history) s.history.push({ ...e });
  s.lastGood.set(c.lastGood ?? c.weights);
  if (c.step > 0) s.metrics.begin(c.sums);
}

function allStreams(parts: TrainingParts): Map<string, Rng> {
  const out = new Map(Object.entries(parts.streams));
  for (const [name, rng] of parts.model.randomStreams()) out.set(`model/${name}`, rng);
  return out;
}

/** A copy of the state of the run (nothing in it aliases the model's or optimizer's memory). */
export function captureCheckpoint(parts: TrainingParts, at: TrainingPosition): Checkpoint {
  const { model, optimizer, batches, callbacks } = parts;
  const state: Record<string, ParamCheckpoint> = {};
  for (const [p, s] of optimizer.state()) {
    const slots: Record<string, Float32Array> = {};
    for (const [name, buf] of Object.entries(s.slots)) {
      if (!(buf instanceof Float32Array)) throw new ConfigError(`checkpoint: only float32 models can be checkpointed; '${p.name}' has ${buf.constructor.name} state`);
      slots[name] = Float32Array.from(buf);
    }
    state[p.name] = { step: s.step, slots };
  }
  const rng: Checkpoint['rng'] = {};
  for (const [name, r] of allStreams(parts)) rng[name] = r.getState();
  const cbs: Checkpoint['callbacks'] = {};
  for (const cb of callbacks) if (cb.stateKey && cb.getState) cbs[cb.stateKey] = cb.getState();
  return {
    run: parts.run === undefined ? null : JSON.parse(JSON.stringify(parts.run)),
    seed: parts.seed,
    epoch: at.epoch,
    step: at.step,
    stepsPerEpoch: batches.numBatches,
    samples: parts.samples,
    globalStep: at.globalStep,
    finished: at.finished,
    sums: { ...at.sums },
    params: model.params().map((p) => ({ name: p.name, shape: [p.value.rows, p.value.cols] })),
    weights: model.getWeights(),
    lastGood: at.lastGood ? Float32Array.from(at.lastGood) : null,
    optimizer: { name: optimizer.name, hyperparameters: optimizer.hyperparameters(), lr: optimizer.lr, state },
    rng,
    batches: batches.position(),
    history: at.history.map((e) => ({ ...e })),
    callbacks: cbs,
  };
}

/**
 * Throws a ConfigError unless `c` was taken from a run like this one: same caller description,
 * seed, data size, parameters, optimizer (learning rate aside), random streams and stateful callbacks.
 */
export function checkResumable(parts: TrainingParts, c: Checkpoint): void {
  const fail = (what: string, saved: unknown, now: unknown) =>
    new ConfigError(`${c.source ?? 'checkpoint'}: cannot resume: ${what} differs — ${show(saved)} in the checkpoint, ${show(now)} in this run`);
  const run = parts.run === undefined ? null : JSON.parse(JSON.stringify(parts.run));
  if (canonical(run) !== canonical(c.run)) {
    const a = (c.run ?? {}) as Record<string, unknown>;
    const b = (run ?? {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => canonical(a[k]) !== canonical(b[k]));
    const k = keys[0];
    throw k === undefined ? fail('the run', c.run, run) : fail(`'${k}'`, a[k], b[k]);
  }
  if (c.seed !== parts.seed) throw fail('the seed', c.seed, parts.seed);
  if (c.samples !== parts.samples) throw fail('the number of training rows', c.samples, parts.samples);
  if (c.stepsPerEpoch !== parts.batches.numBatches) throw fail('steps per epoch', c.stepsPerEpoch, parts.batches.numBatches);
  const params = parts.model.params().map((p) => `${p.name} [${p.value.rows}, ${p.value.cols}]`);
  const saved = (Array.isArray(c.params) ? c.params : []).map((p) => `${p.name} [${p.shape?.join(', ')}]`);
  if (params.join() !== saved.join()) throw fail('the model (parameters)', saved.join(', '), params.join(', '));
  if (c.weights.length !== parts.model.weightCount) throw fail('the number of weights', c.weights.length, parts.model.weightCount);
  if (c.lastGood && c.lastGood.length !== c.weights.length) throw fail('the number of last-good weights', c.lastGood.length, c.weights.length);
  const { optimizer } = parts;
  if (c.optimizer.name !== optimizer.name) throw fail('the optimizer', c.optimizer.name, optimizer.name);
  const { lr: _a, ...h1 } = c.optimizer.hyperparameters;
  const { lr: _b, ...h2 } = optimizer.hyperparameters();
  if (canonical(h1) !== canonical(h2)) throw fail(`${optimizer.name}'s hyperparameters`, h1, h2);
  const streams = [...allStreams(parts).keys()].sort();
  const savedStreams = Object.keys(c.rng).sort();
  if (streams.join() !== savedStreams.join()) throw fail('the random streams', savedStreams.join(', '), streams.join(', '));
  const keys = parts.callbacks.flatMap((cb) => (cb.stateKey && cb.getState ? [cb.stateKey] : [])).sort();
  const savedKeys = Object.keys(c.callbacks).sort();
  if (keys.join() !== savedKeys.join()) throw fail('the stateful callbacks', savedKeys.join(', ') || 'none', keys.join(', ') || 'none');
  if (!(c.epoch >= 0 && c.step >= 0 && c.step <= c.stepsPerEpoch && c.history.length <= c.epoch)) {
    throw new ConfigError(`${c.source ?? 'checkpoint'}: cannot resume: inconsistent position (epoch ${c.epoch}, step ${c.step} of ${c.stepsPerEpoch}, ${c.history.length} epochs of history)`);
  }
}

/**
 * Puts the checkpoint's weights, optimizer state, random streams, callback states and batch
 * position into the run (after {@link checkResumable}, and after the callbacks' `onTrainBegin`).
 */
export function restoreCheckpoint(parts: TrainingParts, c: Checkpoint): void {
  const { model, optimizer, batches, callbacks } = parts;
  model.setWeights(c.weights);
  const byName = new Map(model.params().map((p) => [p.name, p]));
  const states = new Map<Param, ParamCheckpoint>();
  for (const [name, s] of Object.entries(c.optimizer.state)) {
    const p = byName.get(name);
    if (!p) throw new ConfigError(`${c.source ?? 'checkpoint'}: cannot resume: optimizer state for unknown parameter '${name}'`);
    states.set(p, s);
  }
  optimizer.loadState(states);
  optimizer.lr = c.optimizer.lr;
  for (const [name, r] of allStreams(parts)) r.setState(c.rng[name]);
  for (const cb of callbacks) if (cb.stateKey && cb.setState) cb.setState(c.callbacks[cb.stateKey]);
  if (c.step > 0) batches.resumeAt(c.batches);
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
  ) ?? 'undefined';
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : canonical(v);
}
