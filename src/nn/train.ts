import type { Kernels } from '../core/kernels.js';
import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/random.js';
import { BatchIterator } from '../data/batches.js';
import type { Dataset } from '../data/dataset.js';
import { ConfigError, DivergenceError, InterruptedError } from '../errors.js';
import type { BatchLog, Callback, EpochLog } from './callbacks.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointOptions, type CheckpointReason } from './checkpoint.js';
import { applyMaxNorm, maxNormWeights } from './constraints.js';
import { createLoss, type Loss, type LossAlias, type LossName } from './losses/index.js';
import { createOptimizer, type OptimizerName, type OptimizerOptions, type OptimizerSpec } from './optimizers/index.js';
import { createSchedule, type Schedule, type ScheduleConfig } from './schedules.js';
import { checkData, evaluate, predictClasses } from './evaluate.js';
import type { Sequential } from './model.js';
import type { Optimizer } from './optimizers/optimizer.js';
import { l2Penalty } from './optimizers/weight-decay.js';
import { captureCheckpoint, checkResumable, restoreCheckpoint, type TrainingParts, type TrainingPosition } from './train-state.js';

/** Rewrites a batch of inputs in place (image augmentation). Applied to training batches only. */
export interface BatchTransform {
  apply(x: Matrix, out: Matrix, rng: Rng): void;
}

/**
 * An optimizer as `fit` takes it: an instance over the model's parameters, a name (`'adam'`), an
 * options object with its name (`{ name: 'sgd', lr: 0.1, momentum: 0.9 }`) or a spec (`adam({ lr })`).
 * fit makes the last three over the model's parameters, and gives their state back at the end.
 */
export type OptimizerArg = Optimizer | OptimizerSpec | OptimizerName | ({ name: OptimizerName } & OptimizerOptions);

/** A learning-rate schedule as `fit` takes it: a function of the step, or a Schedule / its config applied per epoch. */
export type ScheduleArg = ((epoch: number, step: number, stepsPerEpoch: number) => number) | Schedule | ScheduleConfig;

export interface FitOptions {
  /** A Loss or its name (default softmax_cross_entropy). */
  loss?: Loss | LossName | LossAlias;
  optimizer: OptimizerArg;
  /** Default 10. */
  epochs?: number;
  /** Rows per step (default: the model's planned batch size); another size re-plans the model's buffers, never its weights. */
  batchSize?: number;
  /** Seed of the shuffle and augmentation streams (default: the model's seed). */
  seed?: number;
  /** Data to validate on after each epoch. */
  validation?: Dataset;
  callbacks?: Callback[];
  /**
   * L2 penalty ½·λ·Σ decay·‖w‖² added to the loss: its gradient λ·decay·w is added to the gradient
   * before clipping (as a term of the loss would be). The optimizer's coupled `weightDecay` adds the
   * same gradient inside its update, after clipping (torch's `weight_decay`); the epoch logs report
   * the penalty of both (`l2Loss`).
   */
  l2?: number;
  /** Augmentation of training batches. */
  augment?: BatchTransform;
  /**
   * Learning rate for (epoch, step, stepsPerEpoch) — called before each step, 0-based epoch and
   * step — or a Schedule (`cosineAnnealing({ tMax: 10 })`) / ScheduleConfig (`{ type: 'cosine', tMax: 10 }`)
   * of the 0-based epoch, as torch's scheduler.step() once an epoch.
   */
  schedule?: ScheduleArg;
  /** Rescale the whole gradient to this L2 norm when it is larger. */
  clipNorm?: number;
  /**
   * Label smoothing ε in [0, 1) for the training targets (torch's `label_smoothing`):
   * t = (1−ε)·onehot + ε/K for softmax cross-entropy; t = (1−ε)·t + ε/2 for sigmoid cross-entropy.
   * The reported training loss is against the smoothed targets; validation uses the plain ones.
   */
  labelSmoothing?: number;
  /** Max-norm constraint c: after each step, hidden units' incoming weight columns get ‖w‖ ≤ c. */
  maxNorm?: number;
  /** Hand out checkpoints of the run (see {@link CheckpointOptions}). */
  checkpoint?: CheckpointOptions;
  /**
   * Go on from a checkpoint (its bytes, or decoded by `decodeCheckpoint`) instead of starting afresh.
   * The model, optimizer, data, seed, callbacks with state and `run` must be as in the run that wrote
   * it (a ConfigError says what differs); the model's and optimizer's current state is replaced.
   */
  resume?: Uint8Array | Checkpoint;
  /**
   * Stop gracefully when this signal aborts: the step under way finishes, a checkpoint is written
   * (with `checkpoint`), and fit throws an InterruptedError. While a signal is given, fit lets the
   * event loop run about every 50 ms so that whatever aborts it (a signal handler, a button) can.
   */
  signal?: AbortSignal;
  /** The caller's description of the run (e.g. a TrainConfig): stored in checkpoints, compared on resume. */
  run?: unknown;
}

/** How often a `fit` with a `signal` lets the event loop run (so that signal handlers can fire), in ms. */
const YIELD_MS = 50;

/**
 * Trains `model` on `train` with mini-batches of the model's planned batch size.
 * Each step: forward (train mode) → loss → backward (writing the gradients) → (L2, clipping) → optimizer.step.
 * If the loss turns NaN or Inf, the weights are put back to the end of the last good epoch and a
 * DivergenceError names the epoch and step. Returns the per-epoch history.
 *
 * With `checkpoint`, the run's whole state is handed out as bytes at each epoch end (or every
 * `checkpoint.every` steps); `resume` goes on from such bytes, and the run then ends with the same
 * weights, bit for bit, as one never stopped. With `signal`, aborting it stops the run after the
 * step under way: a checkpoint is written (with `checkpoint`) and an InterruptedError thrown.
 * @example
 * ```ts
 * let last: Uint8Array | undefined;
 * const controller = new AbortController();
 * await fit(model, train, { optimizer, epochs: 10, checkpoint: { every: 100, save: (b) => { last = b; } }, signal: controller.signal });
 * // later, with a model and optimizer built the same way:
 * await fit(model2, train, { optimizer: optimizer2, epochs: 10, resume: last });
 * ```
 */
export async function fit(model: Sequential, train: Dataset, opts: FitOptions): Promise<EpochLog[]> {
  if (opts.batchSize !== undefined) model.setBatchSize(opts.batchSize);
  const ownOptimizer = !isOptimizer(opts.optimizer);
  const optimizer = resolveOptimizer(opts.optimizer, model);
  try {
    return await fitWith(model, train, opts, optimizer, resolveSchedule(opts.schedule, optimizer.lr));
  } finally {
    if (ownOptimizer) optimizer.release();
  }
}

function isOptimizer(o: OptimizerArg): o is Optimizer {
  return typeof o === 'object' && 'step' in o && typeof o.step === 'function';
}

/** The optimizer of an {@link OptimizerArg}, over `model`'s parameters. */
export function resolveOptimizer(o: OptimizerArg, model: Sequential): Optimizer {
  if (isOptimizer(o)) return o;
  if (typeof o === 'string') return createOptimizer(o, model.params(), {}, model.kernels);
  if ('create' in o && typeof o.create === 'function') return o.create(model.params(), model.kernels);
  const { name, ...options } = o as { name: OptimizerName } & OptimizerOptions;
  return createOptimizer(name, model.params(), options, model.kernels);
}

function resolveSchedule(s: ScheduleArg | undefined, baseLr: number): FitOptions['schedule'] & (((e: number, s: number, n: number) => number) | undefined) {
  if (s === undefined || typeof s === 'function') return s;
  const schedule: Schedule = 'lr' in s && typeof s.lr === 'function' ? s : createSchedule(s as ScheduleConfig);
  return (epoch) => schedule.lr(epoch, baseLr);
}

async function fitWith(
  model: Sequential,
  train: Dataset,
  opts: FitOptions,
  optimizer: Optimizer,
  schedule: ((epoch: number, step: number, stepsPerEpoch: number) => number) | undefined,
): Promise<EpochLog[]> {
  const { epochs = 10, validation, callbacks = [], l2 = 0, augment, clipNorm, labelSmoothing = 0, maxNorm } = opts;
  const { checkpoint, signal } = opts;
  if (!Number.isInteger(epochs) || epochs < 1) throw new ConfigError(`fit: epochs must be a positive integer, found ${epochs}`);
  if (!(l2 >= 0)) throw new ConfigError(`fit: l2 must be ≥ 0, found ${l2}`);
  if (clipNorm !== undefined && !(clipNorm > 0)) throw new ConfigError(`fit: clipNorm must be > 0, found ${clipNorm}`);
  if (maxNorm !== undefined && !(maxNorm > 0 && Number.isFinite(maxNorm))) throw new ConfigError(`fit: maxNorm must be > 0, found ${maxNorm}`);
  const every = checkpoint?.every;
  if (every !== undefined && !(Number.isInteger(every) && every > 0)) throw new ConfigError(`fit: checkpoint.every must be a positive integer, found ${every}`);
  const resume = opts.resume instanceof Uint8Array ? decodeCheckpoint(opts.resume) : opts.resume;
  const ownLoss = typeof opts.loss !== 'object';
  const loss = typeof opts.loss === 'object' ? opts.loss : createLoss(opts.loss ?? 'softmax_cross_entropy');
  const smoothingClasses = labelSmoothing === 0 ? 0 : smoothingClassCount(loss, labelSmoothing, model.outputWidth);
  const k = model.kernels;
  const targets = checkData(model, train, loss, 'training data');
  const classify = targets !== 'real'; // regression: no accuracy (NaN in the logs)
  if (validation) checkData(model, validation, loss, 'validation data');

  const seed = opts.seed ?? model.seed;
  const root = new Rng(seed);
  const shuffleRng = root.stream('shuffle');
  const batches = new BatchIterator(train, {
    batchSize: model.batchSize,
    rng: shuffleRng,
    kernels: k,
    dtype: model.dtype,
    targets,
    prefetch: true,
  });
  const augmentRng = root.stream('augment');
  const parts: TrainingParts = {
    model, optimizer, batches, callbacks, seed, samples: train.x.rows, run: opts.run,
    streams: { shuffle: shuffleRng, augment: augmentRng },
  };
  try {
    if (resume) checkResumable(parts, resume);
    loss.build(model.outputWidth, model.batchSize, k);
    const predicted = new Int32Array(model.batchSize);
    const bounded = maxNorm === undefined ? [] : maxNormWeights(model);
    const params = model.params();
    const lastGood = model.getWeights();
    const steps = batches.numBatches;
    let history: EpochLog[] = [];
    const batchLog: BatchLog = { epoch: 0, step: 0, steps, loss: 0, accuracy: 0, samples: 0, seconds: 0 };
    let globalStep = 0;
    let start = { epoch: 1, step: 0, sums: { loss: 0, hits: 0, seen: 0, seconds: 0 } };
    let finished = false;
    let savedAt = -1; // globalStep of the last checkpoint written
    const save = async (at: Omit<TrainingPosition, 'globalStep' | 'history' | 'lastGood'>, reason: CheckpointReason) => {
      const c = captureCheckpoint(parts, { ...at, globalStep, history, lastGood: at.step > 0 ? lastGood : null });
      await checkpoint!.save(encodeCheckpoint(c), { epoch: at.epoch, step: at.step, globalStep, reason });
      savedAt = globalStep;
    };
    const interrupted = async (epoch: number, step: number, sums: TrainingPosition['sums']) => {
      if (checkpoint && savedAt !== globalStep) await save({ epoch, step, finished: false, sums }, 'interrupt');
      return new InterruptedError(`training interrupted after ${step > 0 ? `step ${step} of epoch ${epoch + 1}` : `epoch ${epoch}`}`, epoch, step, checkpoint !== undefined);
    };

    for (const cb of callbacks) await cb.onTrainBegin?.({ model, epochs, stepsPerEpoch: steps, samples: train.x.rows });
    if (resume) {
      restoreCheckpoint(parts, resume);
      history = resume.history.map((e) => ({ ...e }));
      lastGood.set(resume.lastGood ?? resume.weights);
      globalStep = savedAt = resume.globalStep;
      finished = resume.finished;
      start = { epoch: resume.epoch + 1, step: resume.step, sums: { ...resume.sums } };
    }
    if (signal?.aborted && !finished) throw new InterruptedError('training interrupted before its first step', start.epoch - 1, start.step, false);
    let lastYield = performance.now();
    for (let epoch = start.epoch; epoch <= epochs && !finished; epoch++) {
      const midEpoch = epoch === start.epoch && start.step > 0;
      const sums = midEpoch ? start.sums : { loss: 0, hits: 0, seen: 0, seconds: 0 };
      const t0 = performance.now() - sums.seconds * 1000;
      if (!midEpoch) batches.reset();
      let { loss: lossSum, hits, seen } = sums;
      const sumsNow = () => ({ loss: lossSum, hits, seen, seconds: (performance.now() - t0) / 1000 });
      for (let step = midEpoch ? start.step + 1 : 1; batches.next(); step++) {
        if (schedule) optimizer.lr = schedule(epoch - 1, step - 1, steps);
        const x = batches.x;
        if (augment) augment.apply(x, x, augmentRng);
        const logits = model.forward(x, 'train');
        // the next batch is copied on a worker thread (WebAssembly backend) while this one trains
        batches.prefetch();
        if (smoothingClasses > 0) smoothLabels(k, batches.target, labelSmoothing, smoothingClasses);
        const value = loss.forward(logits, batches.target);
        if (!Number.isFinite(value)) {
          model.setWeights(lastGood);
          throw new DivergenceError(
            `training diverged: the loss became ${value} at epoch ${epoch}, step ${step}; ` +
              `weights restored to the ${epoch === 1 ? 'initial values' : `end of epoch ${epoch - 1}`} (try a lower learning rate)`,
            epoch,
            step,
          );
        }
        model.zeroGrad();
        model.backward(loss.backward());
        if (l2 > 0) for (const p of params) if (p.decay !== 0) k.axpy(l2 * p.decay, p.value.data, p.grad.data, p.value.size);
        if (clipNorm !== undefined) clipGradNorm(model, clipNorm);
        optimizer.step();
        if (maxNorm !== undefined) applyMaxNorm(model, maxNorm, bounded);
        globalStep++;

        if (classify) {
          predictClasses(model, logits, predicted);
          hits += k.countEqual(predicted, batches.labels, x.rows);
        }
        lossSum += value * x.rows;
        seen += x.rows;
        if (callbacks.length > 0) {
          batchLog.epoch = epoch;
          batchLog.step = step;
          batchLog.loss = lossSum / seen;
          batchLog.accuracy = classify ? hits / seen : NaN;
          batchLog.samples = seen;
          batchLog.seconds = (performance.now() - t0) / 1000;
          for (const cb of callbacks) cb.onBatchEnd?.(batchLog);
        }
        if (every !== undefined && globalStep % every === 0) await save({ epoch: epoch - 1, step, finished: false, sums: sumsNow() }, 'steps');
        if (signal) {
          if (performance.now() - lastYield >= YIELD_MS) {
            await yieldToEventLoop();
            lastYield = performance.now();
          }
          if (signal.aborted) throw await interrupted(epoch - 1, step, sumsNow());
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      // both coupled L2 paths (fit's l2, the optimizer's weightDecay) minimise this term; AdamW's
      // decoupled decay is not a loss term (its l2 is 0)
      const l2Loss = l2Penalty(params, l2, k) + optimizer.l2Penalty();
      const log: EpochLog = {
        epoch,
        loss: lossSum / seen + l2Loss,
        dataLoss: lossSum / seen,
        l2Loss,
        accuracy: classify ? hits / seen : NaN,
        lr: optimizer.lr,
        seconds,
        samplesPerSecond: seen / seconds,
      };
      if (validation) {
        const v = evaluate(model, validation, { loss });
        log.valLoss = v.loss;
        if (v.regression) {
          log.valRmse = v.regression.rmse;
          log.valR2 = v.regression.r2;
        } else {
          log.valAccuracy = v.accuracy;
        }
      }
      model.getWeights(lastGood);
      history.push(log);
      let stop = false;
      for (const cb of callbacks) if ((await cb.onEpochEnd?.(log)) === 'stop') stop = true;
      finished = stop || epoch === epochs;
      const zero = { loss: 0, hits: 0, seen: 0, seconds: 0 };
      if (checkpoint && every === undefined) await save({ epoch, step: 0, finished, sums: zero }, 'epoch');
      if (signal && !finished) {
        await yieldToEventLoop();
        lastYield = performance.now();
        if (signal.aborted) throw await interrupted(epoch, 0, zero);
      }
    }
    for (const cb of callbacks) await cb.onTrainEnd?.(history);
    return history;
  } finally {
    // the batch buffers and a loss made here live in the kernels' memory: give them back
    batches.release();
    if (ownLoss) loss.release();
  }
}

/** Lets the event loop run (signal handlers, a browser's input): a macrotask, not a microtask. */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** K of the smoothing rule t = (1−ε)·t + ε/K: the class count for softmax, 2 for sigmoid outputs. */
function smoothingClassCount(loss: Loss, eps: number, outputWidth: number): number {
  if (!(eps >= 0 && eps < 1)) throw new ConfigError(`fit: labelSmoothing must be in [0, 1), found ${eps}`);
  if (loss.output === 'linear') throw new ConfigError(`fit: labelSmoothing needs a cross-entropy loss, found ${loss.name}`);
  return loss.name === 'softmax_cross_entropy' ? outputWidth : 2;
}

/**
 * Label smoothing in place (Szegedy et al. 2016, https://arxiv.org/abs/1512.00567), over the live rows.
 * @remarks t ← (1−ε)·t + ε/K.   target: [batch, classes]
 */
export function smoothLabels(k: Kernels, target: Matrix, eps: number, classes: number = target.cols): void {
  k.affine(target.data, 1 - eps, eps / classes, target.size);
}

/**
 * Scales all gradients so their global L2 norm is at most `maxNorm` (torch's `clip_grad_norm_`);
 * returns the norm before.
 * @remarks ‖g‖ = √Σ g²;  g ← g·maxNorm/(‖g‖ + 1e-6) when ‖g‖ > maxNorm.
 */
export function clipGradNorm(model: Sequential, maxNorm: number): number {
  const g = model.gradArena;
  const k = model.kernels;
  const norm = Math.sqrt(k.sumSquares(g, g.length));
  if (norm > maxNorm) k.affine(g, maxNorm / (norm + 1e-6), 0, g.length);
  return norm;
}

// evaluate and predict live in ./evaluate.ts; importers of this module keep finding them here
export { evaluate, predict, targetKind, type EvaluateResult, type Prediction } from './evaluate.js';
