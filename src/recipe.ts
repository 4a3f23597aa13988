import { Rng } from './core/random.js';
import { Augmenter, parseAugmentSpec } from './data/augment.js';
import { isRegression, residentDataset, splitValidation, type Dataset, type DatasetSplit } from './data/dataset.js';
import { loadDataset } from './data/registry.js';
import { ConfigError, InterruptedError } from './errors.js';
import { EarlyStopping, type Callback, type EpochLog } from './nn/callbacks.js';
import { createLoss, LOSSES, REGRESSION_LOSSES, type LossName } from './nn/losses/index.js';
import type { RegressionMetrics } from './nn/metrics.js';
import { batchNorm } from './nn/layers/index.js';
import { inputStandardize, mlp } from './nn/mlp.js';
import type { Sequential } from './nn/model.js';
import { createOptimizer, defaultLr, OPTIMIZER_NAMES, type OptimizerName } from './nn/optimizers/index.js';
import { createSchedule, type ScheduleConfig } from './nn/schedules.js';
import type { Checkpoint, CheckpointOptions } from './nn/checkpoint.js';
import { evaluate, fit } from './nn/train.js';
import type { Kernels } from './core/kernels.js';

/** One training run as plain data: what the CLI flags, experiment specs and model files hold. */
export interface TrainConfig {
  dataset: string;
  /** Hidden widths. */
  layers: number[];
  activation: string;
  optimizer: OptimizerName;
  /** Default: the optimizer's own (adam 1e-3, sgd 0.01, ...). */
  lr?: number;
  momentum?: number;
  /** The optimizer's weight_decay (coupled L2 for SGD/Adam/..., decoupled for AdamW). */
  weightDecay?: number;
  /** L2 penalty ½λ‖w‖² added by the trainer, reported as its own loss term. */
  l2: number;
  dropout: number;
  /** Dropout rate on the raw inputs, before the standardisation (default 0: none). */
  inputDropout?: number;
  epochs: number;
  batchSize: number;
  seed: number;
  /** Fraction of the training set held out for validation (0: none). */
  valSplit: number;
  /** Augmentation spec, e.g. "translate=2,rotate=10" (image datasets). */
  augment?: string;
  /** Learning-rate schedule over epochs (t = 0-based epoch, as torch's scheduler.step() once an epoch). */
  schedule?: ScheduleConfig;
  /** Stop after this many epochs without validation-accuracy improvement; restore the best weights. */
  earlyStopping?: number;
  clipNorm?: number;
  /** Batch normalisation after each hidden Dense, before its activation. */
  batchNorm?: boolean;
  /** Label smoothing ε in [0, 1) of the training targets. */
  labelSmoothing?: number;
  /** Max-norm bound c on each hidden unit's incoming weights, applied after every step. */
  maxNorm?: number;
  /**
   * Standardise the inputs with the training split's mean and std, as the model's first layer
   * (default true; one scale for all pixels of images, per feature otherwise).
   */
  standardize?: boolean;
  /**
   * The loss (default: softmax cross-entropy for classes, sigmoid + BCE for two, MSE for
   * real-valued targets). Regression data takes mse, mae or huber (δ = 1).
   */
  loss?: LossName;
  /** Directory of dataset files (file-backed sets). */
  dataDir?: string;
  /**
   * Dense products only: no sparse first layer, the standardisation a pass of its own (default
   * false: mostly-zero batches skip their zeros, src/nn/sparse-input.ts; same results within rounding).
   */
  dense?: boolean;
}

export const DEFAULT_CONFIG: TrainConfig = {
  dataset: 'mnist',
  layers: [512, 256],
  activation: 'relu',
  optimizer: 'adam',
  l2: 0,
  dropout: 0,
  epochs: 15,
  batchSize: 128,
  seed: 1,
  valSplit: 0.1,
  schedule: { type: 'cosine', tMax: 15 },
};

export interface RunResult {
  config: TrainConfig;
  model: Sequential;
  data: DatasetSplit;
  loss: LossName;
  history: EpochLog[];
  /** NaN for regression (see `testRegression`). */
  testAccuracy: number;
  testLoss: number;
  /** Regression data: RMSE, MAE and R² on the test set. */
  testRegression?: RegressionMetrics;
  /** Seconds of the training steps, all epochs (validation passes not included). */
  trainSeconds: number;
  /** Wall-clock seconds of fit, validation included. */
  wallSeconds: number;
}

/** Every key a TrainConfig may hold (a typo in an experiment spec must not silently run the baseline). */
const CONFIG_KEYS: readonly (keyof TrainConfig)[] = [
  'dataset', 'layers', 'activation', 'optimizer', 'lr', 'momentum', 'weightDecay', 'l2', 'dropout', 'inputDropout', 'epochs', 'batchSize',
  'seed', 'valSplit', 'augment', 'schedule', 'earlyStopping', 'clipNorm', 'batchNorm', 'labelSmoothing', 'maxNorm',
  'standardize', 'loss', 'dataDir', 'dense',
];

export function checkConfig(c: TrainConfig): void {
  for (const key of Object.keys(c)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`config: unknown option '${key}', expected one of ${CONFIG_KEYS.join(', ')}`);
    }
  }
  const positiveInt = (v: number, what: string) => {
    if (!Number.isInteger(v) || v <= 0) throw new ConfigError(`config: ${what} must be a positive integer, found ${v}`);
  };
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(c.optimizer)) {
    throw new ConfigError(`config: unknown optimizer '${c.optimizer}', expected one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
  if (c.lr !== undefined && !(c.lr > 0 && Number.isFinite(c.lr))) throw new ConfigError(`config: learning rate must be > 0, found ${c.lr}`);
  positiveInt(c.epochs, 'epochs');
  positiveInt(c.batchSize, 'batch size');
  if (!(c.valSplit >= 0 && c.valSplit < 1)) throw new ConfigError(`config: validation split must be in [0, 1), found ${c.valSplit}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new ConfigError(`config: dropout must be in [0, 1), found ${c.dropout}`);
  if (c.inputDropout !== undefined && !(c.inputDropout >= 0 && c.inputDropout < 1)) throw new ConfigError(`config: input dropout must be in [0, 1), found ${c.inputDropout}`);
  if (!(c.l2 >= 0)) throw new ConfigError(`config: l2 must be ≥ 0, found ${c.l2}`);
  if (c.weightDecay !== undefined && !(c.weightDecay >= 0)) throw new ConfigError(`config: weight decay must be ≥ 0, found ${c.weightDecay}`);
  for (const h of c.layers) positiveInt(h, 'each hidden layer width');
  if (c.labelSmoothing !== undefined && !(c.labelSmoothing >= 0 && c.labelSmoothing < 1)) {
    throw new ConfigError(`config: label smoothing must be in [0, 1), found ${c.labelSmoothing}`);
  }
  if (c.maxNorm !== undefined && !(c.maxNorm > 0 && Number.isFinite(c.maxNorm))) throw new ConfigError(`config: max norm must be > 0, found ${c.maxNorm}`);
  if (c.loss !== undefined && !LOSSES.includes(c.loss)) throw new ConfigError(`config: unknown loss '${c.loss}', expected one of ${LOSSES.join(', ')}`);
  if (c.batchNorm !== undefined && typeof c.batchNorm !== 'boolean') throw new ConfigError(`config: batchNorm must be true or false, found ${JSON.stringify(c.batchNorm)}`);
}

/**
 * The loss a dataset needs: MSE for real-valued targets, sigmoid + BCE for two classes with one
 * output, softmax + CE otherwise; `chosen` (a config's `loss`) must suit the data.
 */
export function lossFor(data: Dataset, chosen?: LossName): LossName {
  const regression = isRegression(data);
  if (chosen !== undefined) {
    if (regression !== REGRESSION_LOSSES.includes(chosen)) {
      throw new ConfigError(
        `config: loss '${chosen}' does not suit ${data.name}: ` +
          (regression ? `its targets are real-valued, expected one of ${REGRESSION_LOSSES.join(', ')}` : `it has classes, expected softmax_cross_entropy or sigmoid_cross_entropy`),
      );
    }
    return chosen;
  }
  if (regression) return 'mse';
  return data.numClasses === 2 ? 'sigmoid_cross_entropy' : 'softmax_cross_entropy';
}

/** Mean and std of each target column `[outputs]` (σ = 0 taken as 1): the output rescaling of a regression model. */
function targetStats(data: Dataset): { mean: number[]; std: number[] } {
  const t = data.targets!;
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < t.cols; j++) {
    let s = 0;
    let sq = 0;
    for (let i = 0; i < t.rows; i++) {
      const v = t.data[i * t.cols + j];
      s += v;
      sq += v * v;
    }
    const m = s / Math.max(t.rows, 1);
    mean.push(m);
    std.push(Math.sqrt(Math.max(sq / Math.max(t.rows, 1) - m * m, 0)) || 1);
  }
  return { mean, std };
}

export interface RunOptions {
  callbacks?: Callback[];
  kernels?: Kernels;
  /** The data, already loaded (otherwise loaded from `config.dataset`). */
  data?: DatasetSplit;
  /** Checkpoints of the run (fit's `checkpoint`); they carry the config, which a resume must repeat. */
  checkpoint?: CheckpointOptions;
  /** Go on from a checkpoint of a run of the same config (fit's `resume`). */
  resume?: Uint8Array | Checkpoint;
  /** Stop after the step under way when aborted (fit's `signal`): fit throws an InterruptedError. */
  signal?: AbortSignal;
  /** Called with the model as it stands when the run is interrupted, before the error is rethrown. */
  onInterrupt?: (run: { model: Sequential; loss: LossName; data: DatasetSplit; error: InterruptedError }) => void;
}

/** What of a config a checkpoint must match: everything but where the files are. */
export function runIdentity(config: TrainConfig): Omit<TrainConfig, 'dataDir'> {
  const { dataDir: _dir, ...rest } = config;
  return rest;
}

/**
 * Loads the data, builds the MLP, trains it and measures it on the official test set.
 * The validation split comes out of the training set; the test set is touched once, at the end.
 */
export async function runTraining(
  config: TrainConfig,
  { callbacks = [], kernels, data: preloaded, checkpoint, resume, signal, onInterrupt }: RunOptions = {},
): Promise<RunResult> {
  checkConfig(config);
  const data = preloaded ?? (await loadDataset(config.dataset, { dir: config.dataDir, seed: config.seed }));
  const loss = lossFor(data.train, config.loss);
  const regression = isRegression(data.train);
  const root = new Rng(config.seed);
  const { train, val } =
    config.valSplit > 0 ? splitValidation(data.train, config.valSplit, root.stream('split')) : { train: data.train, val: undefined };
  const model = mlp({
    hidden: config.layers,
    outputs: regression ? data.train.targets!.cols : loss === 'sigmoid_cross_entropy' ? 1 : data.train.numClasses,
    // regression: the net learns standardised targets; a last layer maps them back to the data's units
    rescaleOutputs: regression ? targetStats(train) : undefined,
    activation: config.activation,
    dropout: config.dropout,
    inputDropout: config.inputDropout,
    normalization: config.batchNorm ? () => batchNorm() : undefined,
    standardize: config.standardize !== false,
  }).build({ inputWidth: data.train.x.cols, batchSize: config.batchSize, seed: config.seed, kernels, sparse: config.dense !== true });
  // images share one scale across pixels; tabular features are standardised one by one
  inputStandardize(model)?.fit(train.x, { perFeature: data.train.imageShape === undefined });
  const optimizer = createOptimizer(
    config.optimizer,
    model.params(),
    { lr: config.lr ?? defaultLr(config.optimizer), weightDecay: config.weightDecay, ...(config.momentum === undefined ? {} : { momentum: config.momentum }) },
    model.kernels,
  );
  const baseLr = optimizer.lr;
  const schedule = config.schedule ? createSchedule(config.schedule) : undefined;
  let augment: Augmenter | undefined;
  if (config.augment) {
    if (!data.train.imageShape) throw new ConfigError(`config: augmentation needs an image dataset; '${config.dataset}' has no image shape`);
    const [height, width] = data.train.imageShape;
    augment = new Augmenter({ width, height, ...parseAugmentSpec(config.augment) });
  }
  const all = [...callbacks];
  if (config.earlyStopping !== undefined && val) {
    all.push(new EarlyStopping({ patience: config.earlyStopping, monitor: regression ? 'valLoss' : 'valAccuracy' }));
  }
  // the training inputs in the kernels' memory: batches are gathered there (freed after training)
  const resident = residentDataset(train, model.kernels);
  const lossFn = createLoss(loss);
  const t0 = performance.now();
  const history = await fit(model, resident, {
    loss: lossFn,
    optimizer,
    epochs: config.epochs,
    seed: config.seed,
    validation: val,
    callbacks: all,
    l2: config.l2,
    augment,
    clipNorm: config.clipNorm,
    labelSmoothing: config.labelSmoothing,
    maxNorm: config.maxNorm,
    schedule: schedule ? (epoch) => schedule.lr(epoch, baseLr) : undefined,
    checkpoint,
    resume,
    signal,
    run: runIdentity(config),
  }).catch((e: unknown) => {
    if (e instanceof InterruptedError) onInterrupt?.({ model, loss, data, error: e });
    throw e;
  }).finally(() => {
    if (resident !== train) model.kernels.release(resident.x.data);
    // the run returns the model only: the optimizer's state and the loss's buffer are not needed after training
    optimizer.release();
    lossFn.release();
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const test = evaluate(model, data.test, { loss });
  return {
    config,
    model,
    data,
    loss,
    history,
    testAccuracy: test.accuracy,
    testLoss: test.loss,
    ...(test.regression ? { testRegression: test.regression } : {}),
    trainSeconds: history.reduce((s, e) => s + e.seconds, 0),
    wallSeconds,
  };
}
