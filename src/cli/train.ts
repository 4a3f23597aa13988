import { Command, Option } from 'commander';
import { ACTIVATIONS } from '../nn/layers/index.js';
import { saveModel, architectureOf } from '../nn/io.js';
import { OPTIMIZER_NAMES } from '../nn/optimizers/index.js';
import { SCHEDULE_NAMES, scheduleFor, type ScheduleName } from '../nn/schedules.js';
import { DEFAULT_CONFIG, runTraining, type TrainConfig } from '../recipe.js';
import { DivergenceError } from '../errors.js';
import { fraction, nonNegativeNumber, oneOf, positiveInt, positiveNumber, widthList, integer } from './options.js';
import { Progress } from './progress.js';
import { setupBackend, peakRssMiB } from './runtime.js';

/** The flags: a TrainConfig with the schedule as a name, plus output and runtime options. */
type TrainFlags = Omit<TrainConfig, 'schedule'> & {
  schedule: ScheduleName;
  save?: string;
  json?: boolean;
  backend?: string;
  threads?: number;
};

export function trainCommand(): Command {
  const d = DEFAULT_CONFIG;
  return new Command('train')
    .description('train a fully-connected network and report its test accuracy')
    .option('--dataset <name>', 'dataset to train on', d.dataset)
    .option('--layers <widths>', 'hidden layer widths, comma-separated', widthList, d.layers)
    .addOption(new Option('--activation <name>', 'hidden activation').choices(ACTIVATIONS.filter((a) => a !== 'linear')).default(d.activation))
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZER_NAMES).default(d.optimizer))
    .option('--lr <rate>', "learning rate (default: the optimizer's own, adam 0.001, sgd 0.01)", positiveNumber)
    .option('--momentum <m>', 'momentum for momentum/nesterov/rmsprop', nonNegativeNumber)
    .option('--weight-decay <λ>', "optimizer weight decay (PyTorch's weight_decay; decoupled for adamw)", nonNegativeNumber)
    .option('--l2 <λ>', 'L2 penalty ½λ‖w‖² on weights, added to the loss', nonNegativeNumber, d.l2)
    .option('--dropout <p>', 'dropout rate after each hidden layer', fraction, d.dropout)
    .option('--epochs <n>', 'epochs', positiveInt, d.epochs)
    .option('--batch-size <n>', 'mini-batch size', positiveInt, d.batchSize)
    .option('--seed <n>', 'seed of every random draw', integer, d.seed)
    .option('--val-split <f>', 'fraction of the training set held out for validation', fraction, d.valSplit)
    .option('--augment <spec>', 'image augmentation, e.g. translate=2,rotate=10,scale=0.1,elastic=34:4')
    .addOption(new Option('--schedule <name>', 'learning-rate schedule over epochs').choices(SCHEDULE_NAMES).default('cosine'))
    .option('--early-stopping <patience>', 'stop when validation accuracy has not improved for this many epochs', positiveInt)
    .option('--clip-norm <n>', 'clip the global gradient norm', positiveNumber)
    .option('--batch-norm', 'batch normalisation after each hidden layer, before its activation')
    .option('--label-smoothing <ε>', 'label smoothing of the training targets, in [0, 1)', fraction)
    .option('--max-norm <c>', "max-norm bound on each hidden unit's incoming weights", positiveNumber)
    .option('--data-dir <dir>', 'directory with the dataset files')
    .option('--dense', 'dense products only (default: the first layer skips the zeros of mostly-zero batches)')
    .option('--save <path>', 'save the trained model (safetensors)')
    .option('--json', 'print a JSON summary as the last line of stdout')
    .option('--backend <name>', 'kernels: auto, wasm or js (env SCRATCHNET_BACKEND)')
    .option('--threads <n>', 'worker threads for the wasm kernels (env SCRATCHNET_THREADS)', positiveInt)
    .action(async (f: TrainFlags) => {
      const kernels = await setupBackend(f);
      const { schedule, save, json, backend, threads, ...rest } = f;
      const config: TrainConfig = { ...rest, schedule: scheduleFor(schedule, f.epochs) };
      const log = f.json ? process.stderr : process.stdout;
      log.write(`scratchnet train: ${config.dataset}, layers [${config.layers.join(', ')}], ${config.activation}, ${config.optimizer}, ` +
        `${config.epochs} epochs, batch ${config.batchSize}, seed ${config.seed}, backend ${kernels.name}\n`);
      let result;
      try {
        result = await runTraining(config, { callbacks: [new Progress(log as NodeJS.WriteStream)], kernels });
      } catch (e) {
        if (e instanceof DivergenceError) process.exitCode = 3;
        throw e;
      }
      const { model, history, testAccuracy, testLoss, trainSeconds, data } = result;
      if (f.save) {
        saveModel(f.save, model, architectureOf(model, result.loss, { classNames: data.train.classNames, imageShape: data.train.imageShape }), {
          config,
          testAccuracy,
          testLoss,
          trainSeconds,
          history,
        });
      }
      const summary = {
        dataset: config.dataset,
        testAccuracy,
        testLoss,
        trainSeconds,
        secondsPerEpoch: trainSeconds / history.length,
        epochs: history,
        parameters: model.parameterCount,
        backend: kernels.name,
        peakRssMiB: peakRssMiB(),
        config,
        ...(f.save ? { savedTo: f.save } : {}),
      };
      log.write(
        `test accuracy ${(testAccuracy * 100).toFixed(2)}%  test loss ${testLoss.toFixed(4)}  ` +
          `training ${trainSeconds.toFixed(1)}s (${summary.secondsPerEpoch.toFixed(2)} s/epoch)  ` +
          `${model.parameterCount} parameters  peak RSS ${summary.peakRssMiB.toFixed(0)} MiB` +
          (f.save ? `  saved to ${f.save}` : '') + '\n',
      );
      if (f.json) process.stdout.write(JSON.stringify(summary) + '\n');
    });
}
