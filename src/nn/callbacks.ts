import { ConfigError } from '../errors.js';
import type { Sequential } from './model.js';

/** Figures of one finished epoch. */
export interface EpochLog {
  /** 1-based. */
  epoch: number;
  /** Mean training loss over the epoch's batches: data loss + L2 term. */
  loss: number;
  /** The data term alone (comparable across regularisation settings). */
  dataLoss: number;
  /** ½·λ·Σ‖w‖² at the end of the epoch (0 without L2). */
  l2Loss: number;
  /** Training accuracy over the epoch's batches (in training mode: dropout on). */
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Learning rate at the end of the epoch. */
  lr: number;
  /** Wall-clock seconds of the epoch's training steps (validation not included). */
  seconds: number;
  samplesPerSecond: number;
}

export interface BatchLog {
  epoch: number;
  /** 1-based step within the epoch. */
  step: number;
  steps: number;
  /** Running mean loss and accuracy of the epoch so far. */
  loss: number;
  accuracy: number;
  /** Samples processed in this epoch so far. */
  samples: number;
  /** Seconds since the epoch started. */
  seconds: number;
}

export interface TrainInfo {
  model: Sequential;
  epochs: number;
  stepsPerEpoch: number;
  samples: number;
}

/** Hooks into `fit`. Epoch-level hooks may be async (a browser can repaint); batch-level ones are sync. */
export interface Callback {
  onTrainBegin?(info: TrainInfo): void | Promise<void>;
  onBatchEnd?(log: BatchLog): void;
  /** Return `'stop'` to end training after this epoch. */
  onEpochEnd?(log: EpochLog): void | 'stop' | Promise<void | 'stop'>;
  onTrainEnd?(history: EpochLog[]): void | Promise<void>;
}

export type Monitor = 'valAccuracy' | 'valLoss' | 'accuracy' | 'loss';

export interface EarlyStoppingArgs {
  /** Figure watched (default valAccuracy). */
  monitor?: Monitor;
  /** Epochs without improvement before stopping (default 5). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Put back the weights of the best epoch when training ends (default true). */
  restoreBestWeights?: boolean;
}

/** Stops training when the monitored figure has not improved for `patience` epochs. */
export class EarlyStopping implements Callback {
  readonly monitor: Monitor;
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  bestEpoch = 0;
  best = NaN;
  stoppedEpoch = 0;
  private wait = 0;
  private model: Sequential | null = null;
  private bestWeights: Float32Array | null = null;

  constructor({ monitor = 'valAccuracy', patience = 5, minDelta = 0, restoreBestWeights = true }: EarlyStoppingArgs = {}) {
    if (!Number.isInteger(patience) || patience < 0) throw new ConfigError(`EarlyStopping: patience must be an integer ≥ 0, found ${patience}`);
    if (!(minDelta >= 0)) throw new ConfigError(`EarlyStopping: minDelta must be ≥ 0, found ${minDelta}`);
    this.monitor = monitor;
    this.patience = patience;
    this.minDelta = minDelta;
    this.restoreBestWeights = restoreBestWeights;
  }

  onTrainBegin({ model }: TrainInfo): void {
    this.model = model;
    this.best = NaN;
    this.wait = 0;
    this.bestEpoch = 0;
    this.stoppedEpoch = 0;
    this.bestWeights = this.restoreBestWeights ? new Float32Array(model.weightCount) : null;
  }

  onEpochEnd(log: EpochLog): 'stop' | void {
    const value = log[this.monitor];
    if (value === undefined) {
      throw new ConfigError(`EarlyStopping: '${this.monitor}' is not available; validation data is needed to monitor it`);
    }
    const higherIsBetter = this.monitor.endsWith('ccuracy');
    const improved = Number.isNaN(this.best) || (higherIsBetter ? value > this.best + this.minDelta : value < this.best - this.minDelta);
    if (improved) {
      this.best = value;
      this.bestEpoch = log.epoch;
      this.wait = 0;
      if (this.bestWeights) this.model!.getWeights(this.bestWeights);
      return;
    }
    if (++this.wait > this.patience) {
      this.stoppedEpoch = log.epoch;
      return 'stop';
    }
  }

  onTrainEnd(): void {
    if (this.bestWeights && this.bestEpoch > 0) this.model!.setWeights(this.bestWeights);
  }
}
