/**
 * Config → model + fit options: the recipe the CLI (src/recipe.ts's runTraining) and the playground
 * both call. Platform-neutral: the data come in as Datasets, loaded at the edge.
 */
import { Augmenter, parseAugmentSpec } from '../data/augment.js';
import { isRegression, type Dataset } from '../data/dataset.js';
import type { Kernels } from '../core/kernels.js';
import { ConfigError } from '../errors.js';
import { EarlyStopping, type Callback } from '../nn/callbacks.js';
import { LAYER_OPTIONS } from '../nn/layers/index.js';
import type { Layer } from '../nn/layer.js';
import { createLoss, REGRESSION_LOSSES, type Loss, type LossName } from '../nn/losses/index.js';
import { inputStandardize, mlp } from '../nn/mlp.js';
import type { Sequential } from '../nn/model.js';
import { createOptimizer, defaultLr, type Optimizer } from '../nn/optimizers/index.js';
import { createSchedule, scheduleFor, type ScheduleName } from '../nn/schedules.js';
import type { FitOptions } from '../nn/train.js';
import { RECIPE_OPTIONS, RUN_OPTIONS, type TrainConfig } from './options.js';

/** The options whose value `fit` takes as it is, under the same name (`use: 'fit'` in the schema). */
type FitKey = Extract<(typeof RECIPE_OPTIONS)[number], { use: 'fit' }>['key'];
// a schema option marked `fit` must be one of fit's options
const fitKeysAreFitOptions: FitKey extends keyof FitOptions ? true : never = true;
void fitKeysAreFitOptions;

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

/** The layers the config's layer options put after a hidden Dense of `units` (batch norm, ...), in the registry's order. */
function hiddenExtras(config: TrainConfig): ((units: number) => Layer[]) | undefined {
  const on = LAYER_OPTIONS.filter((o) => o.place === 'hidden-pre-activation' && (config as Record<string, unknown>)[o.key] === true);
  return on.length === 0 ? undefined : (units) => on.map((o) => o.create(units));
}

export interface BuildModelOptions {
  /** The kernels to build on (default: the current backend). */
  kernels?: Kernels;
}

/**
 * The config's model for the training data `train` (after any validation split): the MLP of
 * src/nn/mlp.ts with the config's widths, activations, init, dropout and layer options, its output
 * width and loss from the data, built for the config's batch size and seed, its input
 * standardisation fitted on `train` (one scale for images, per feature otherwise). Regression
 * models learn standardised targets and end with a layer that maps them back.
 */
export function buildModel(config: TrainConfig, train: Dataset, { kernels }: BuildModelOptions = {}): { model: Sequential; loss: LossName } {
  const loss = lossFor(train, config.loss);
  const regression = isRegression(train);
  const model = mlp({
    hidden: config.layers,
    outputs: regression ? train.targets!.cols : loss === 'sigmoid_cross_entropy' ? 1 : train.numClasses,
    // regression: the net learns standardised targets; a last layer maps them back to the data's units
    rescaleOutputs: regression ? targetStats(train) : undefined,
    activation: config.activation,
    init: config.init,
    dropout: config.dropout,
    inputDropout: config.inputDropout,
    normalization: hiddenExtras(config),
    standardize: config.standardize !== false,
  }).build({ inputWidth: train.x.cols, batchSize: config.batchSize, seed: config.seed, kernels, sparse: config.dense !== true });
  // images share one scale across pixels; tabular features are standardised one by one
  inputStandardize(model)?.fit(train.x, { perFeature: train.imageShape === undefined });
  return { model, loss };
}

/** What of a config a checkpoint must match: everything but where the files are. */
export function runIdentity(config: TrainConfig): Omit<TrainConfig, 'dataDir'> {
  const { dataDir: _dir, ...rest } = config;
  return rest;
}

export interface RecipeFitArgs {
  model: Sequential;
  /** The training data (its image shape, for augmentation). */
  train: Dataset;
  /** The loss `buildModel` chose. */
  loss: LossName;
  /** Validation data, if any (early stopping watches it). */
  validation?: Dataset;
  /**
   * The base learning rate the schedule scales, read before each epoch (default: the optimizer's
   * first rate, fixed): the playground changes it while a run goes on.
   */
  baseLr?: () => number;
}

/**
 * The config's options of `fit`: the loss and optimizer (objects the caller releases after
 * training), the schedule over epochs from the optimizer's learning rate, augmentation, early
 * stopping, and every option the schema passes to fit as it is (l2, clipping, max-norm, ...).
 * The run's identity (`run`) is the config without its data directory.
 */
export function fitOptions(config: TrainConfig, { model, train, loss, validation, baseLr: liveLr }: RecipeFitArgs): FitOptions & { loss: Loss; optimizer: Optimizer } {
  const optimizer = createOptimizer(
    config.optimizer,
    model.params(),
    { lr: config.lr ?? defaultLr(config.optimizer), weightDecay: config.weightDecay, ...(config.momentum === undefined ? {} : { momentum: config.momentum }) },
    model.kernels,
  );
  const baseLr = optimizer.lr;
  const named = typeof config.schedule === 'string' ? scheduleFor(config.schedule as ScheduleName, config.epochs) : config.schedule;
  const schedule = named ? createSchedule(named) : undefined;
  let augment: Augmenter | undefined;
  if (config.augment) {
    if (!train.imageShape) throw new ConfigError(`config: augmentation needs an image dataset; '${config.dataset}' has no image shape`);
    const [height, width] = train.imageShape;
    augment = new Augmenter({ width, height, ...parseAugmentSpec(config.augment) });
  }
  const callbacks: Callback[] = [];
  if (config.earlyStopping !== undefined && validation) {
    callbacks.push(new EarlyStopping({ patience: config.earlyStopping, monitor: isRegression(train) ? 'valLoss' : 'valAccuracy' }));
  }
  const passed: Record<string, unknown> = {};
  for (const o of RUN_OPTIONS) if (o.use === 'fit') passed[o.key] = (config as Record<string, unknown>)[o.key];
  return {
    ...(passed as Pick<FitOptions, FitKey>),
    loss: createLoss(loss),
    optimizer,
    seed: config.seed,
    validation,
    callbacks,
    augment,
    schedule: liveLr ? (epoch) => (schedule ? schedule.lr(epoch, liveLr()) : liveLr()) : schedule ? (epoch) => schedule.lr(epoch, baseLr) : undefined,
    run: runIdentity(config),
  };
}
