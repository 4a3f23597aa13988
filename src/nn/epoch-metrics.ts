import type { Matrix } from '../core/matrix.js';
import type { Dataset } from '../data/dataset.js';
import type { BatchLog, EpochLog } from './callbacks.js';
import type { Checkpoint } from './checkpoint.js';
import { evaluate, predictClasses } from './evaluate.js';
import type { Loss } from './losses/index.js';
import type { Sequential } from './model.js';
import type { Optimizer } from './optimizers/optimizer.js';
import { l2Penalty } from './optimizers/weight-decay.js';

/** The running sums of an epoch, as a checkpoint keeps them. */
export type EpochSums = Checkpoint['sums'];

/**
 * The training figures of the epoch under way — mean loss over its batches (each batch's mean
 * weighted by its rows), accuracy (classes only), time — and the logs `fit` hands to callbacks.
 */
export class EpochMetrics {
  /** Σ batch mean loss × rows, correct predictions, rows. */
  private loss = 0;
  private hits = 0;
  private seen = 0;
  /** performance.now() at the epoch's start (less the seconds of a checkpoint it goes on from); NaN between epochs. */
  private t0 = NaN;
  private readonly predicted: Int32Array;
  private readonly batchLog: BatchLog;

  /** `classify`: count hits (regression has no accuracy: NaN in the logs); `l2`: fit's λ, for the L2 term of the epoch log. */
  constructor(
    private readonly model: Sequential,
    private readonly optimizer: Optimizer,
    private readonly opts: { classify: boolean; l2: number; stepsPerEpoch: number },
  ) {
    this.predicted = new Int32Array(model.batchSize);
    this.batchLog = { epoch: 0, step: 0, steps: opts.stepsPerEpoch, loss: 0, accuracy: 0, samples: 0, seconds: 0 };
  }

  /** Starts an epoch, or goes on with one from the sums of a checkpoint. */
  begin(from?: EpochSums): void {
    this.loss = from?.loss ?? 0;
    this.hits = from?.hits ?? 0;
    this.seen = from?.seen ?? 0;
    this.t0 = performance.now() - (from?.seconds ?? 0) * 1000;
  }

  /** Adds a step: its mean loss, outputs y: [b, out] and the batch's labels (first b live). */
  add(loss: number, y: Matrix, labels: Int32Array): void {
    if (this.opts.classify) {
      predictClasses(this.model, y, this.predicted);
      this.hits += this.model.kernels.countEqual(this.predicted, labels, y.rows);
    }
    this.loss += loss * y.rows;
    this.seen += y.rows;
  }

  /** Seconds since the epoch started (0 between epochs). */
  seconds(): number {
    return Number.isNaN(this.t0) ? 0 : (performance.now() - this.t0) / 1000;
  }

  /** The sums a checkpoint keeps (zeros between epochs). */
  sums(): EpochSums {
    return { loss: this.loss, hits: this.hits, seen: this.seen, seconds: this.seconds() };
  }

  /** The running figures after step `step` of `epoch`, in one BatchLog reused every step. */
  batch(epoch: number, step: number): BatchLog {
    const log = this.batchLog;
    log.epoch = epoch;
    log.step = step;
    log.loss = this.loss / this.seen;
    log.accuracy = this.opts.classify ? this.hits / this.seen : NaN;
    log.samples = this.seen;
    log.seconds = this.seconds();
    return log;
  }

  /** The figures of the finished epoch; the L2 term is that of both coupled L2 paths (fit's `l2`, the optimizer's weightDecay). */
  epochLog(epoch: number): EpochLog {
    const seconds = this.seconds();
    // AdamW's decoupled decay is not a loss term (its l2Penalty is 0)
    const l2Loss = l2Penalty(this.model.params(), this.opts.l2, this.model.kernels) + this.optimizer.l2Penalty();
    const { loss, hits, seen } = this;
    return {
      epoch,
      loss: loss / seen + l2Loss,
      dataLoss: loss / seen,
      l2Loss,
      accuracy: this.opts.classify ? hits / seen : NaN,
      lr: this.optimizer.lr,
      seconds,
      samplesPerSecond: seen / seconds,
    };
  }

  /** Ends the epoch: the sums are zeros until the next {@link begin}. */
  end(): void {
    this.loss = this.hits = this.seen = 0;
    this.t0 = NaN;
  }
}

/** Adds the loss and accuracy (classes) or RMSE and R² (regression) of `model` on `data` to `log`. */
export function addValidation(log: EpochLog, model: Sequential, data: Dataset, loss: Loss): void {
  const v = evaluate(model, data, { loss });
  log.valLoss = v.loss;
  if (v.regression) {
    log.valRmse = v.regression.rmse;
    log.valR2 = v.regression.r2;
  } else {
    log.valAccuracy = v.accuracy;
  }
}
