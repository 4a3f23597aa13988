/**
 * The training recipe at the Node edge: `runTraining(config)` loads the data by name, splits off
 * validation, and trains and measures the model that src/recipe/build.ts makes of the config (the
 * options themselves: src/recipe/options.ts).
 */
import { Rng } from './core/random.js';
import { residentDataset, splitValidation, type DatasetSplit } from './data/dataset.js';
import { loadDataset } from './data/registry.js';
import { InterruptedError } from './errors.js';
import type { Callback, EpochLog } from './nn/callbacks.js';
import type { LossName } from './nn/losses/index.js';
import type { RegressionMetrics } from './nn/metrics.js';
import type { Sequential } from './nn/model.js';
import type { Checkpoint, CheckpointOptions } from './nn/checkpoint.js';
import type { ThreadChoice, ThreadsOption } from './nn/thread-plan.js';
import { evaluate, fit } from './nn/train.js';
import type { Kernels } from './core/kernels.js';
import { buildModel, fitOptions } from './recipe/build.js';
import type { TrainConfig } from './recipe/options.js';
import { checkConfig } from './recipe/values.js';

export { buildModel, fitOptions, lossFor, runIdentity, type BuildModelOptions, type RecipeFitArgs } from './recipe/build.js';
export { DEFAULT_CONFIG, RECIPE_OPTIONS, RUN_OPTIONS, runOption, type OptionDecl, type OptionType, type OptionUse, type PlaygroundHint, type TrainConfig } from './recipe/options.js';
export { checkConfig, configToArgs, expectedText, flagName, formatOptionText, optionProblem, parseOptionText } from './recipe/values.js';

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
  /** The thread count the steps ran on, and how it was chosen (fit's thread plan). */
  threads?: ThreadChoice;
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
  /** Threads of the steps (fit's `threads`): `'auto'` (default) times them per shape, a number fixes it. */
  threads?: ThreadsOption;
  /** Hears the thread count chosen (fit's `onThreads`). */
  onThreads?: (choice: ThreadChoice) => void;
}

/**
 * Loads the data, builds the MLP, trains it and measures it on the official test set.
 * The validation split comes out of the training set; the test set is touched once, at the end.
 */
export async function runTraining(
  config: TrainConfig,
  { callbacks = [], kernels, data: preloaded, checkpoint, resume, signal, onInterrupt, threads, onThreads }: RunOptions = {},
): Promise<RunResult> {
  checkConfig(config);
  const data = preloaded ?? (await loadDataset(config.dataset, { dir: config.dataDir, seed: config.seed }));
  const root = new Rng(config.seed);
  const { train, val } =
    config.valSplit > 0 ? splitValidation(data.train, config.valSplit, root.stream('split')) : { train: data.train, val: undefined };
  const { model, loss } = buildModel(config, train, { kernels });
  const opts = fitOptions(config, { model, train, loss, validation: val });
  // the training inputs in the kernels' memory: batches are gathered there (freed after training)
  const resident = residentDataset(train, model.kernels);
  const t0 = performance.now();
  let choice: ThreadChoice | undefined;
  const history = await fit(model, resident, {
    ...opts,
    callbacks: [...callbacks, ...(opts.callbacks ?? [])],
    checkpoint,
    resume,
    signal,
    threads,
    onThreads: (c) => {
      choice = c;
      onThreads?.(c);
    },
  }).catch((e: unknown) => {
    if (e instanceof InterruptedError) onInterrupt?.({ model, loss, data, error: e });
    throw e;
  }).finally(() => {
    if (resident !== train) model.kernels.release(resident.x.data);
    // the run returns the model only: the optimizer's state and the loss's buffer are not needed after training
    opts.optimizer.release();
    opts.loss.release();
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
    ...(choice ? { threads: choice } : {}),
  };
}
