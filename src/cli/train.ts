import fs from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ACTIVATIONS } from '../nn/layers/index.js';
import { architectureOf } from '../nn/io.js';
import { saveModel } from '../node/model-file.js';
import { OPTIMIZER_NAMES } from '../nn/optimizers/index.js';
import { SCHEDULE_NAMES, scheduleFor, type ScheduleName } from '../nn/schedules.js';
import { DEFAULT_CONFIG, runTraining, type TrainConfig } from '../recipe.js';
import { datasetEntry } from '../data/registry.js';
import { LOSSES } from '../nn/losses/index.js';
import { ConfigError, DivergenceError, InterruptedError } from '../errors.js';
import { CheckpointDir } from '../node/checkpoint-files.js';
import { GracefulStop, signalExitCode } from './interrupt.js';
import { fraction, nonNegativeNumber, oneOf, positiveInt, positiveNumber, widthList, integer } from './options.js';
import { Progress } from './progress.js';
import { setupBackend, peakRssMiB } from './runtime.js';

/** The flags: a TrainConfig with the schedule as a name, plus output and runtime options. */
type TrainFlags = Omit<TrainConfig, 'schedule'> & {
  schedule: ScheduleName;
  save?: string;
  checkpointDir?: string;
  checkpointEvery?: number;
  keepCheckpoints?: number;
  resume?: boolean;
  json?: boolean;
  backend?: string;
  threads?: number;
};

export function trainCommand(): Command {
  const d = DEFAULT_CONFIG;
  return new Command('train')
    .description("train a fully-connected network and report its test accuracy (R², RMSE and MAE for regression); starts from the dataset's recipe, which is printed")
    .option('--dataset <name>', 'dataset to train on (scratchnet data list)', d.dataset)
    .option('--layers <widths>', 'hidden layer widths, comma-separated', widthList, d.layers)
    .addOption(new Option('--activation <name>', 'hidden activation').choices(ACTIVATIONS.filter((a) => a !== 'linear')).default(d.activation))
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZER_NAMES).default(d.optimizer))
    .option('--lr <rate>', "learning rate (default: the optimizer's own, adam 0.001, sgd 0.01)", positiveNumber)
    .option('--momentum <m>', 'momentum for momentum/nesterov/rmsprop', nonNegativeNumber)
    .option('--weight-decay <λ>', "optimizer weight decay (PyTorch's weight_decay: coupled L2, or decoupled where the optimizer's rule says so, as adamw)", nonNegativeNumber)
    .option('--l2 <λ>', 'L2 penalty ½λ‖w‖² on weights, added to the loss', nonNegativeNumber, d.l2)
    .option('--dropout <p>', 'dropout rate after each hidden layer', fraction, d.dropout)
    .option('--input-dropout <p>', 'dropout rate on the raw inputs, before the standardisation (Srivastava et al. 2014: 0.2 for pixels)', fraction)
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
    .addOption(new Option('--loss <name>', 'loss (default: cross-entropy for classes, mse for real-valued targets)').choices(LOSSES))
    .option('--data-dir <dir>', 'directory with the dataset files')
    .option('--dense', 'dense products only (default: the first layer skips the zeros of mostly-zero batches)')
    .option('--save <path>', 'save the trained model (safetensors)')
    .option('--checkpoint-dir <dir>', 'write checkpoints of the run here (atomically; see --resume)')
    .option('--checkpoint-every <steps>', 'checkpoint every this many steps (default: at each epoch end)', positiveInt)
    .option('--keep-checkpoints <k>', 'checkpoints kept in the directory, newest first', positiveInt, 2)
    .option('--resume', 'go on from the newest valid checkpoint in --checkpoint-dir (same options as the run that wrote it)')
    .option('--json', 'print a JSON summary as the last line of stdout')
    .option('--backend <name>', 'kernels: auto, wasm or js (env SCRATCHNET_BACKEND)')
    .option('--threads <n>', 'worker threads for the wasm kernels (env SCRATCHNET_THREADS)', positiveInt)
    .action(async (flags: TrainFlags, cmd: Command) => {
      const { flags: f, applied } = withRecipe(flags, cmd);
      const { schedule, save, json, backend, threads, checkpointDir, checkpointEvery, keepCheckpoints, resume, ...rest } = f;
      if (checkpointDir === undefined && (resume || checkpointEvery !== undefined)) {
        throw new ConfigError(`${resume ? '--resume' : '--checkpoint-every'} needs --checkpoint-dir`);
      }
      if (save) checkWritable(save);
      const kernels = await setupBackend(f);
      const config: TrainConfig = { ...rest, schedule: scheduleFor(schedule, f.epochs) };
      const log = f.json ? process.stderr : process.stdout;
      const dir = checkpointDir === undefined ? undefined : new CheckpointDir(checkpointDir, { keep: keepCheckpoints });
      dir?.prepare();
      const found = resume ? dir!.newest() : undefined;
      if (dir && !resume && dir.list().length > 0) {
        throw new ConfigError(`checkpoint directory ${dir.dir} already holds checkpoints: add --resume to go on from the newest, or choose another directory`);
      }
      log.write(`scratchnet train: ${config.dataset}, layers [${config.layers.join(', ')}], ${config.activation}, ${config.optimizer}, ` +
        `${config.epochs} epochs, batch ${config.batchSize}, seed ${config.seed}, backend ${kernels.name}\n`);
      if (applied.length > 0) log.write(`${config.dataset}'s recipe: ${applied.join(', ')} (flags given on the command line win)\n`);
      if (resume) {
        log.write(found
          ? `resuming from ${found.path} (${position(found.checkpoint.epoch, found.checkpoint.step)})\n`
          : `no checkpoint in ${dir!.dir}: starting from the beginning\n`);
      }
      const progress = new Progress(log as NodeJS.WriteStream);
      const stop = new GracefulStop(
        (sig) => {
          progress.interrupt();
          process.stderr.write(`scratchnet: ${sig} received: stopping after this step (again to quit at once)\n`);
        },
        (sig) => {
          progress.interrupt();
          process.stderr.write(`scratchnet: second ${sig}: quitting at once${dir ? `; the last checkpoint in ${dir.dir} is intact` : ''}\n`);
        },
      ).install();
      let result;
      try {
        result = await runTraining(config, {
          callbacks: [progress],
          kernels,
          checkpoint: dir && { every: checkpointEvery, save: (bytes, { globalStep }) => void dir.write(bytes, globalStep) },
          resume: found?.checkpoint,
          signal: stop.signal,
          onInterrupt: ({ model, loss, data, error }) => {
            const sig = stop.received ?? 'SIGINT';
            process.exitCode = signalExitCode(sig);
            const at = position(error.epoch, error.step);
            let where = 'nothing saved (add --checkpoint-dir DIR to make a run resumable)';
            if (dir) {
              where = `checkpoint in ${dir.dir}; resume with: scratchnet train ${resumeArgs(process.argv.slice(3))}`;
            } else if (save && error.epoch === 0 && error.step === 0) {
              where = 'no step was taken, nothing saved';
            } else if (save) {
              const path = interruptedPath(save);
              saveModel(path, model, architectureOf(model, loss, { ...(data.train.targets ? {} : { classNames: data.train.classNames }), imageShape: data.train.imageShape }), { config, interrupted: at });
              where = `model as it stands saved to ${path}`;
            }
            process.stderr.write(`scratchnet: interrupted by ${sig} ${at}: ${where}\n`);
          },
        });
      } catch (e) {
        progress.interrupt(); // the bar off and the cursor back before the error's line
        if (e instanceof DivergenceError) process.exitCode = 3;
        if (e instanceof InterruptedError) return;
        throw e;
      } finally {
        stop.uninstall();
      }
      const { model, history, testAccuracy, testLoss, testRegression, trainSeconds, data } = result;
      if (f.save) {
        saveModel(f.save, model, architectureOf(model, result.loss, { ...(data.train.targets ? {} : { classNames: data.train.classNames }), imageShape: data.train.imageShape }), {
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
        ...(testRegression ? { testRmse: testRegression.rmse, testMae: testRegression.mae, testR2: testRegression.r2 } : {}),
        trainSeconds,
        secondsPerEpoch: trainSeconds / history.length,
        epochs: history,
        parameters: model.parameterCount,
        backend: kernels.name,
        peakRssMiB: peakRssMiB(),
        config,
        ...(f.save ? { savedTo: f.save } : {}),
      };
      const measured = testRegression
        ? `test R² ${testRegression.r2.toFixed(4)}  RMSE ${testRegression.rmse.toFixed(4)}  MAE ${testRegression.mae.toFixed(4)}  test loss ${testLoss.toFixed(4)}  `
        : `test accuracy ${(testAccuracy * 100).toFixed(2)}%  test loss ${testLoss.toFixed(4)}  `;
      log.write(
        measured +
          `training ${trainSeconds.toFixed(1)}s (${summary.secondsPerEpoch.toFixed(2)} s/epoch)  ` +
          `${model.parameterCount} parameters  peak RSS ${summary.peakRssMiB.toFixed(0)} MiB` +
          (f.save ? `  saved to ${f.save}` : '') + '\n',
      );
      if (f.json) process.stdout.write(JSON.stringify(summary) + '\n');
    });
}

/**
 * The flags over the dataset's recipe (its registry entry): each recipe value replaces a flag left
 * at its default. Returns the flags and the `name value` pairs taken from the recipe.
 */
function withRecipe(flags: TrainFlags, cmd: Command): { flags: TrainFlags; applied: string[] } {
  const recipe = datasetEntry(flags.dataset.toLowerCase())?.recipe ?? {};
  const out: Record<string, unknown> = { ...flags };
  const applied: string[] = [];
  for (const [key, value] of Object.entries(recipe)) {
    const source = cmd.getOptionValueSource(key);
    if (source !== undefined && source !== 'default') continue;
    out[key] = value;
    const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    applied.push(`--${flag} ${Array.isArray(value) ? value.join(',') : String(value)}`);
  }
  return { flags: out as TrainFlags, applied };
}

/** `--save`'s directory must exist and be writable before hours of training, not after. */
function checkWritable(save: string): void {
  const dir = dirname(resolve(save));
  try {
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new ConfigError(`--save ${save}: cannot write to directory ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** "at step 5 of epoch 2" or "after epoch 1", from finished epochs and steps. */
function position(epoch: number, step: number): string {
  return step > 0 ? `at step ${step} of epoch ${epoch + 1}` : `after epoch ${epoch}`;
}

/** `model.safetensors` → `model.interrupted.safetensors`. */
export function interruptedPath(save: string): string {
  return save.endsWith('.safetensors') ? `${save.slice(0, -'.safetensors'.length)}.interrupted.safetensors` : `${save}.interrupted.safetensors`;
}

/** The command's own arguments with `--resume`, quoted for a POSIX shell. */
function resumeArgs(args: string[]): string {
  const all = args.includes('--resume') ? args : [...args, '--resume'];
  return all.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
