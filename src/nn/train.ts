import type { Kernels } from '../core/kernels.js';
import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/random.js';
import { BatchIterator, type TargetKind } from '../data/batches.js';
import type { Dataset } from '../data/dataset.js';
import { ConfigError, InterruptedError } from '../errors.js';
import { AbortWatch } from './abort-watch.js';
import { maxNormConstraint } from './constraints.js';
import type { BatchLog, Callback, EpochLog } from './callbacks.js';
import { decodeCheckpoint, type Checkpoint, type CheckpointOptions } from './checkpoint.js';
import { CheckpointWriter } from './checkpoint-writer.js';
import { addValidation, EpochMetrics } from './epoch-metrics.js';
import { checkData } from './evaluate.js';
import { createLoss, type Loss, type LossAlias, type LossName } from './losses/index.js';
import type { Sequential } from './model.js';
import { createOptimizer, type OptimizerConfig, type OptimizerName, type OptimizerSpec } from './optimizers/index.js';
import type { Optimizer } from './optimizers/optimizer.js';
import { smoothingClassCount, smoothLabels } from './regularisers.js';
import { DivergenceRollback } from './rollback.js';
import { createSchedule, type Schedule, type ScheduleConfig } from './schedules.js';
import { ThreadPlan, type ThreadChoice, type ThreadsOption } from './thread-plan.js';
import { prepareStep, trainStep, type TrainStep } from './train-step.js';
import { checkResumable, restoreCheckpoint, endEpoch, resumeRunState, type RunState, type TrainingParts } from './train-state.js';

/** Rewrites a batch of inputs in place (image augmentation). Applied to training batches only. */
export interface BatchTransform {
  apply(x: Matrix, out: Matrix, rng: Rng): void;
}

/**
 * An optimizer as `fit` takes it: an instance over the model's parameters, a name (`'adam'`), an
 * options object with its name (`{ name: 'sgd', lr: 0.1, momentum: 0.9 }`) or a spec (`adam({ lr })`).
 * fit makes the last three over the model's parameters, and gives their state back at the end.
 */
export type OptimizerArg = Optimizer | OptimizerSpec | OptimizerName | OptimizerConfig;

/** A learning-rate schedule as `fit` takes it: a function of the step, or a Schedule / its config applied per epoch. */
export type ScheduleArg = StepSchedule | Schedule | ScheduleConfig;

/** The learning rate before step `step` (0-based) of epoch `epoch` (0-based). */
type StepSchedule = (epoch: number, step: number, stepsPerEpoch: number) => number;

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
  /**
   * Threads of the kernels the steps use: `'auto'` (default) times the first steps on each
   * candidate count and keeps the fastest (./thread-plan.ts; cached per shape for 5 minutes), a
   * number fixes it. The bits do not depend on it.
   */
  threads?: ThreadsOption;
  /** Hears the thread count chosen (once, when it is chosen). */
  onThreads?: (choice: ThreadChoice) => void;
}

/**
 * Trains `model` on `train` with mini-batches of the model's planned batch size: one
 * {@link trainStep} a batch (forward → loss → backward → L2, clipping → optimizer.step, max-norm).
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
  const { name, ...options } = o as OptimizerConfig;
  return createOptimizer(name, model.params(), options, model.kernels);
}

function resolveSchedule(s: ScheduleArg | undefined, baseLr: number): StepSchedule | undefined {
  if (s === undefined || typeof s === 'function') return s;
  const schedule: Schedule = 'lr' in s && typeof s.lr === 'function' ? s : createSchedule(s as ScheduleConfig);
  return (epoch) => schedule.lr(epoch, baseLr);
}

/** Throws a ConfigError naming the first option out of its range. */
function checkFitOptions({ epochs = 10, l2 = 0, clipNorm, maxNorm, checkpoint, threads = 'auto' }: FitOptions): void {
  if (!Number.isInteger(epochs) || epochs < 1) throw new ConfigError(`fit: epochs must be a positive integer, found ${epochs}`);
  if (threads !== 'auto' && !(Number.isInteger(threads) && threads >= 1)) throw new ConfigError(`fit: threads must be 'auto' or a positive integer, found ${String(threads)}`);
  if (!(l2 >= 0)) throw new ConfigError(`fit: l2 must be ≥ 0, found ${l2}`);
  if (clipNorm !== undefined && !(clipNorm > 0)) throw new ConfigError(`fit: clipNorm must be > 0, found ${clipNorm}`);
  if (maxNorm !== undefined && !(maxNorm > 0 && Number.isFinite(maxNorm))) throw new ConfigError(`fit: maxNorm must be > 0, found ${maxNorm}`);
  const every = checkpoint?.every;
  if (every !== undefined && !(Number.isInteger(every) && every > 0)) throw new ConfigError(`fit: checkpoint.every must be a positive integer, found ${every}`);
}

/** Sets the run up (or restores it from `resume`), runs its epochs and gives back what it borrowed from the kernels. */
async function fitWith(model: Sequential, train: Dataset, opts: FitOptions, optimizer: Optimizer, schedule: StepSchedule | undefined): Promise<EpochLog[]> {
  checkFitOptions(opts);
  const { epochs = 10, validation, callbacks = [], labelSmoothing = 0 } = opts;
  const resume = opts.resume instanceof Uint8Array ? decodeCheckpoint(opts.resume) : opts.resume;
  const loss = typeof opts.loss === 'object' ? opts.loss : createLoss(opts.loss ?? 'softmax_cross_entropy');
  const smoothingClasses = labelSmoothing === 0 ? 0 : smoothingClassCount(loss, labelSmoothing, model.outputWidth);
  const targets = checkData(model, train, loss, 'training data');
  if (validation) checkData(model, validation, loss, 'validation data');
  const { parts, augmentRng } = trainingParts(model, optimizer, train, targets, opts);
  const { batches } = parts;
  let threads: ThreadPlan | undefined;
  try {
    if (resume) checkResumable(parts, resume);
    loss.build(model.outputWidth, model.batchSize, model.kernels);
    const metrics = new EpochMetrics(model, optimizer, { classify: targets !== 'real', l2: opts.l2 ?? 0, stepsPerEpoch: batches.numBatches });
    const rollback = new DivergenceRollback(model);
    const run: RunState = { epoch: 0, step: 0, globalStep: 0, finished: false, history: [], metrics, lastGood: rollback.lastGood };
    const checkpoints = new CheckpointWriter(parts, run, opts.checkpoint);
    const constraint = opts.maxNorm === undefined ? null : maxNormConstraint(model, opts.maxNorm);
    const step = prepareStep(model, loss, optimizer, { l2: opts.l2, clipNorm: opts.clipNorm, constraint });
    const prepare = { augment: opts.augment, augmentRng, labelSmoothing, smoothingClasses };
    threads = new ThreadPlan(model.kernels, stepShape(model), opts.threads, opts.onThreads);

    for (const cb of callbacks) await cb.onTrainBegin?.({ model, epochs, stepsPerEpoch: batches.numBatches, samples: train.x.rows });
    if (resume) {
      restoreCheckpoint(parts, resume);
      resumeRunState(run, resume);
      checkpoints.savedAt = resume.globalStep;
    }
    if (opts.signal?.aborted && !run.finished) throw new InterruptedError('training interrupted before its first step', run.epoch, run.step, false);
    const loop: FitLoop = { step, batches, prepare, schedule, threads, run, rollback, checkpoints, abort: new AbortWatch(opts.signal), callbacks, epochs, validation };
    await runEpochs(loop);
    for (const cb of callbacks) await cb.onTrainEnd?.(run.history);
    return run.history;
  } finally {
    threads?.finish();
    // the batch buffers and a loss made here live in the kernels' memory: give them back
    batches.release();
    if (typeof opts.loss !== 'object') loss.release();
  }
}

/** Everything the loop works with, built once per run. */
interface FitLoop {
  step: TrainStep;
  batches: BatchIterator;
  prepare: BatchPreparation;
  schedule: StepSchedule | undefined;
  threads: ThreadPlan;
  run: RunState;
  rollback: DivergenceRollback;
  checkpoints: CheckpointWriter;
  abort: AbortWatch;
  callbacks: readonly Callback[];
  epochs: number;
  validation: Dataset | undefined;
}

/**
 * The loop: epochs × batches × {@link trainStep}, from where `run` stands. Before each step: the
 * schedule's learning rate, augmentation and label smoothing; after it: rollback on divergence, the
 * epoch's running figures, `onBatchEnd`, step checkpoints, the abort check. After each epoch:
 * validation, `onEpochEnd` (which may stop the run), the epoch checkpoint, the abort check.
 */
async function runEpochs(l: FitLoop): Promise<void> {
  const { step, batches, run, rollback, checkpoints, abort, callbacks } = l;
  const { model, loss, optimizer } = step;
  const { metrics } = run;
  while (run.epoch < l.epochs && !run.finished) {
    const epoch = run.epoch + 1; // 1-based
    if (run.step === 0) {
      batches.reset();
      metrics.begin();
    }
    while (batches.next()) {
      const n = run.step + 1; // 1-based, within the epoch
      if (l.schedule) optimizer.lr = l.schedule(epoch - 1, n - 1, batches.numBatches);
      prepareBatch(l.prepare, batches, model.kernels);
      l.threads.beforeStep();
      const value = trainStep(step, batches);
      l.threads.afterStep();
      rollback.check(value, epoch, n);
      run.step = n;
      run.globalStep++;
      metrics.add(value, step.output!, batches.labels);
      if (callbacks.length > 0) callBatchEnd(callbacks, metrics.batch(epoch, n));
      if (checkpoints.dueAfterStep()) await checkpoints.save('steps');
      if (abort.due()) await abort.yield();
      if (abort.aborted) throw await interrupted(run, checkpoints);
    }
    const log = metrics.epochLog(epoch);
    if (l.validation) addValidation(log, model, l.validation, loss);
    rollback.keep();
    run.history.push(log);
    const stop = await callEpochEnd(callbacks, log);
    endEpoch(run, stop || epoch === l.epochs);
    if (checkpoints.dueAtEpochEnd()) await checkpoints.save('epoch');
    if (abort.signal && !run.finished) {
      await abort.yield();
      if (abort.aborted) throw await interrupted(run, checkpoints);
    }
  }
}

/** What a step's cost depends on, for the thread plan's cache: the layers as they run, the widths, the batch. */
function stepShape(model: Sequential): string {
  return `${model.dtype} ${model.inputWidth}→${model.outputWidth} ${model.execution.map((l) => l.type).join(',')} ${model.parameterCount} params, batch ${model.batchSize}`;
}

/** What happens to a training batch before its step. */
interface BatchPreparation {
  augment: BatchTransform | undefined;
  augmentRng: Rng;
  /** ε and K of the label smoothing t ← (1−ε)·t + ε/K (K = 0: none). */
  labelSmoothing: number;
  smoothingClasses: number;
}

/** Augments the batch's inputs and smooths its targets, in place. */
function prepareBatch(p: BatchPreparation, batches: BatchIterator, k: Kernels): void {
  if (p.augment) p.augment.apply(batches.x, batches.x, p.augmentRng);
  if (p.smoothingClasses > 0) smoothLabels(k, batches.target, p.labelSmoothing, p.smoothingClasses);
}

/** The pieces of the run a checkpoint saves and restores: the batches and fit's random streams among them. */
function trainingParts(model: Sequential, optimizer: Optimizer, train: Dataset, targets: TargetKind, opts: FitOptions): { parts: TrainingParts; augmentRng: Rng } {
  const seed = opts.seed ?? model.seed;
  const root = new Rng(seed);
  const shuffleRng = root.stream('shuffle');
  const batches = new BatchIterator(train, { batchSize: model.batchSize, rng: shuffleRng, kernels: model.kernels, dtype: model.dtype, targets, prefetch: true });
  const augmentRng = root.stream('augment');
  const streams = { shuffle: shuffleRng, augment: augmentRng };
  const parts = { model, optimizer, batches, callbacks: opts.callbacks ?? [], seed, samples: train.x.rows, run: opts.run, streams };
  return { parts, augmentRng };
}

/** Every callback's `onBatchEnd`, in order. */
function callBatchEnd(callbacks: readonly Callback[], log: BatchLog): void {
  for (const cb of callbacks) cb.onBatchEnd?.(log);
}

/** Every callback's `onEpochEnd`, in order; true when one of them asked to stop. */
async function callEpochEnd(callbacks: readonly Callback[], log: EpochLog): Promise<boolean> {
  let stop = false;
  for (const cb of callbacks) if ((await cb.onEpochEnd?.(log)) === 'stop') stop = true;
  return stop;
}

/** The InterruptedError of a run stopped where it stands, after its checkpoint is written (with `checkpoint`). */
async function interrupted(run: RunState, checkpoints: CheckpointWriter): Promise<InterruptedError> {
  const saved = await checkpoints.saveOnInterrupt();
  const where = run.step > 0 ? `step ${run.step} of epoch ${run.epoch + 1}` : `epoch ${run.epoch}`;
  return new InterruptedError(`training interrupted after ${where}`, run.epoch, run.step, saved);
}

// a step's regularisers live in ./regularisers.ts, evaluate and predict in ./evaluate.ts; importers
// of this module keep finding them here
export { clipGradNorm, smoothLabels } from './regularisers.js';
export { evaluate, predict, targetKind, type EvaluateResult, type Prediction } from './evaluate.js';
