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
  /**
   * ½·λ·Σ decay·‖w‖² at the end of the epoch, for fit's `l2` plus the optimizer's coupled
   * `weightDecay` (0 without either; AdamW's decoupled decay is not a loss term and adds nothing).
   */
  l2Loss: number;
  /** Training accuracy over the epoch's batches (in training mode: dropout on); NaN for regression. */
  accuracy: number;
  valLoss?: number;
  /** Validation accuracy (classification). */
  valAccuracy?: number;
  /** Validation RMSE and R² (regression). */
  valRmse?: number;
  valR2?: number;
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

/** What a checkpoint keeps of a callback: JSON-safe values and float32 tensors. */
export interface CallbackState {
  values: Record<string, number | string | boolean | null>;
  tensors: Record<string, Float32Array>;
}

/** Hooks into `fit`. Epoch-level hooks may be async (a browser can repaint); batch-level ones are sync. */
export interface Callback {
  /**
   * A callback whose decisions depend on past epochs (early stopping) names its state here; a
   * checkpoint saves {@link getState} under this key and a resumed `fit` hands it to {@link setState}.
   */
  readonly stateKey?: string;
  getState?(): CallbackState;
  /** Called by a resuming `fit` after `onTrainBegin`, with the state of the checkpoint. */
  setState?(state: CallbackState): void;
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
  /** Receives one line when training ends early or weights are restored ({@link EarlyStopping.report}), e.g. `console.log`. */
  log?: (line: string) => void;
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

  private readonly log?: (line: string) => void;

  constructor({ monitor = 'valAccuracy', patience = 5, minDelta = 0, restoreBestWeights = true, log }: EarlyStoppingArgs = {}) {
    this.log = log;
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

  readonly stateKey = 'early_stopping';

  getState(): CallbackState {
    const { best, bestEpoch, wait, stoppedEpoch } = this;
    return {
      values: { best: Number.isNaN(best) ? null : best, bestEpoch, wait, stoppedEpoch },
      tensors: this.bestWeights && bestEpoch > 0 ? { bestWeights: Float32Array.from(this.bestWeights) } : {},
    };
  }

  setState({ values, tensors }: CallbackState): void {
    const int = (k: string) => {
      const v = values[k];
      if (!Number.isInteger(v) || (v as number) < 0) throw new ConfigError(`EarlyStopping: saved state '${k}' must be an integer ≥ 0, found ${JSON.stringify(v)}`);
      return v as number;
    };
    if (values.best !== null && typeof values.best !== 'number') throw new ConfigError(`EarlyStopping: saved best must be a number, found ${JSON.stringify(values.best)}`);
    this.best = values.best ?? NaN;
    this.bestEpoch = int('bestEpoch');
    this.wait = int('wait');
    this.stoppedEpoch = int('stoppedEpoch');
    const w = tensors.bestWeights;
    if (this.bestWeights && this.bestEpoch > 0) {
      if (!w || w.length !== this.bestWeights.length) {
        throw new ConfigError(`EarlyStopping: saved best weights: expected ${this.bestWeights.length} values, found ${w?.length ?? 'none'}`);
      }
      this.bestWeights.set(w);
    }
  }

  onEpochEnd(log: EpochLog): 'stop' | void {
    const value = log[this.monitor];
    if (value === undefined || Number.isNaN(value)) {
      const regression = log.valR2 !== undefined || Number.isNaN(log.accuracy);
      throw new ConfigError(
        `EarlyStopping: '${this.monitor}' is not available; ` +
          (regression && this.monitor.endsWith('ccuracy') ? "a regression model has no accuracy: monitor 'valLoss'" : 'validation data is needed to monitor it'),
      );
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
    const line = this.report();
    if (line) this.log?.(line);
  }

  /**
   * Where training stopped and which weights the model holds, in one line, e.g. "early stopping:
   * stopped after epoch 9 (valLoss not better than 0.2123 for 3 epochs); restored the weights of
   * epoch 6 (valLoss 0.2123)"; empty when the run was not stopped and nothing was restored.
   */
  report(): string {
    const stopped = this.stoppedEpoch > 0;
    const restored = this.restoreBestWeights && this.bestEpoch > 0;
    if (!stopped && !restored) return '';
    const best = `${this.monitor} ${this.best.toFixed(4)}`;
    const parts = [stopped ? `stopped after epoch ${this.stoppedEpoch} (${this.monitor} not better than ${this.best.toFixed(4)} for ${this.patience + 1} epochs)` : 'ran every epoch'];
    parts.push(restored ? `restored the weights of epoch ${this.bestEpoch} (${best})` : `kept the last weights (best: epoch ${this.bestEpoch}, ${best})`);
    return `early stopping: ${parts.join('; ')}`;
  }
}

/** Writes the learning rate of each epoch into {@link LearningRateLogger.history} (and `log`, if given). */
export class LearningRateLogger implements Callback {
  /** `{ epoch, lr }` of every finished epoch, 1-based epochs. */
  readonly history: { epoch: number; lr: number }[] = [];
  constructor(private readonly log?: (line: string) => void) {}
  onTrainBegin(): void {
    this.history.length = 0;
  }
  onEpochEnd(e: EpochLog): void {
    this.history.push({ epoch: e.epoch, lr: e.lr });
    this.log?.(`epoch ${e.epoch}: lr ${e.lr.toPrecision(6)}`);
  }
}

export interface ModelCheckpointArgs {
  /** Receives the model at each save: call `encodeModel` / `saveModel` on it (or copy its weights). */
  save: (model: Sequential, info: { epoch: number; value: number | undefined }) => void | Promise<void>;
  /** Figure compared with `saveBestOnly` (default valLoss). */
  monitor?: Monitor;
  /** Save only when the monitored figure improves (default true); false saves every epoch. */
  saveBestOnly?: boolean;
}

/**
 * Keras's ModelCheckpoint: hands the model to `save` at the end of each epoch whose monitored figure
 * is the best so far (or every epoch). The model is in the state of that epoch.
 * @example `new ModelCheckpoint({ save: (m) => saveModel('best.safetensors', m, architectureOf(m, 'mse')) })`
 */
export class ModelCheckpoint implements Callback {
  readonly monitor: Monitor;
  readonly saveBestOnly: boolean;
  /** Best monitored value and its epoch (0: none yet). */
  best = NaN;
  bestEpoch = 0;
  private model: Sequential | null = null;
  private readonly save: ModelCheckpointArgs['save'];

  constructor({ save, monitor = 'valLoss', saveBestOnly = true }: ModelCheckpointArgs) {
    if (typeof save !== 'function') throw new ConfigError('ModelCheckpoint: save must be a function of the model');
    this.save = save;
    this.monitor = monitor;
    this.saveBestOnly = saveBestOnly;
  }

  onTrainBegin({ model }: TrainInfo): void {
    this.model = model;
    this.best = NaN;
    this.bestEpoch = 0;
  }

  async onEpochEnd(log: EpochLog): Promise<void> {
    const value = log[this.monitor];
    if (this.saveBestOnly) {
      if (value === undefined || Number.isNaN(value)) throw new ConfigError(`ModelCheckpoint: '${this.monitor}' is not available (validation data needed; a regression model has no accuracy)`);
      const higher = this.monitor.endsWith('ccuracy');
      if (!(Number.isNaN(this.best) || (higher ? value > this.best : value < this.best))) return;
      this.best = value;
      this.bestEpoch = log.epoch;
    }
    await this.save(this.model!, { epoch: log.epoch, value });
  }
}
