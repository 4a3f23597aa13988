import fs from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { architectureOf } from '../nn/io.js';
import { saveModel } from '../node/model-file.js';
import { scheduleFor, type ScheduleName } from '../nn/schedules.js';
import { describeThreads } from '../nn/thread-plan.js';
import { checkConfig, flagName, formatOptionText, runOption, runTraining, RUN_OPTIONS, type RunOptions, type RunResult, type TrainConfig } from '../recipe.js';
import { datasetEntry, loadDataset } from '../data/registry.js';
import { ConfigError, DivergenceError, InterruptedError } from '../errors.js';
import { CheckpointDir } from '../node/checkpoint-files.js';
import { columnsOf, plural, shortSeconds, wrapped, wrappedList } from '../node/terminal.js';
import { GracefulStop, signalExitCode } from './interrupt.js';
import { configFromFlags, positiveInt, schemaOption } from './options.js';
import { Progress } from './progress.js';
import { RELAXED_HELP, setupBackend, peakRssMiB } from './runtime.js';

/** The flags: a TrainConfig with the schedule as a name, plus output and runtime options. */
type TrainFlags = Omit<TrainConfig, 'schedule'> & {
  schedule: ScheduleName;
  save?: string;
  checkpointDir?: string;
  checkpointEvery?: number;
  keepCheckpoints?: number;
  resume?: boolean;
  json?: boolean;
  verbose?: boolean;
  backend?: string;
  threads?: number;
  relaxed?: boolean;
};

export function trainCommand(): Command {
  const command = new Command('train')
    .description("train a fully-connected network and report its test accuracy (R², RMSE and MAE for regression); starts from the dataset's recipe, which is printed");
  // the training options, from the schema (src/recipe/options.ts); then the run's own flags
  for (const o of RUN_OPTIONS) if (o.flag) command.addOption(schemaOption(o));
  return command
    .option('--save <path>', 'save the trained model (safetensors)')
    .option('--checkpoint-dir <dir>', 'write checkpoints of the run here (atomically; see --resume)')
    .option('--checkpoint-every <steps>', 'checkpoint every this many steps (default: at each epoch end)', positiveInt)
    .option('--keep-checkpoints <k>', 'checkpoints kept in the directory, newest first', positiveInt, 2)
    .option('--resume', 'go on from the newest valid checkpoint in --checkpoint-dir (same options as the run that wrote it)')
    .option('--json', 'print a JSON summary as the last line of stdout')
    .option('--verbose', 'a line for every epoch (default: short epochs print a line every few epochs, and the last)')
    .option('--backend <name>', 'kernels: auto, wasm or js (env SCRATCHNET_BACKEND)')
    .option('--threads <n>', 'worker threads for the wasm kernels (env SCRATCHNET_THREADS)', positiveInt)
    .option('--relaxed', RELAXED_HELP)
    .action(async (flags: TrainFlags, cmd: Command) => {
      const { flags: f, applied } = withRecipe(flags, cmd);
      const { save, checkpointDir, checkpointEvery, keepCheckpoints, resume } = f;
      if (checkpointDir === undefined && (resume || checkpointEvery !== undefined)) {
        throw new ConfigError(`${resume ? '--resume' : '--checkpoint-every'} needs --checkpoint-dir`);
      }
      if (save) checkWritable(save);
      const kernels = await setupBackend(f);
      const schedule = scheduleFor(f.schedule, f.epochs);
      const config = { ...configFromFlags(f), ...(schedule ? { schedule } : {}) } as TrainConfig;
      const log = (f.json ? process.stderr : process.stdout) as NodeJS.WriteStream;
      const width = columnsOf(log);
      const dir = checkpointDir === undefined ? undefined : new CheckpointDir(checkpointDir, { keep: keepCheckpoints });
      dir?.prepare();
      const found = resume ? dir!.newest() : undefined;
      if (dir && !resume && dir.list().length > 0) {
        throw new ConfigError(`checkpoint directory ${dir.dir} already holds checkpoints: add --resume to go on from the newest, or choose another directory`);
      }
      // the user's mistakes (a bad value, an unknown dataset, a missing file) are reported before the run's header
      checkConfig(config);
      const data = await loadDataset(config.dataset, { dir: config.dataDir, seed: config.seed });
      log.write(wrappedList('scratchnet train:', [config.dataset, `layers [${config.layers.join(', ')}]`, String(config.activation), config.optimizer,
        plural(config.epochs, 'epoch'), `batch ${config.batchSize}`, `seed ${config.seed}`, `backend ${kernels.name}`], width));
      if (applied.length > 0) log.write(wrappedList(`${config.dataset}'s recipe:`, applied, width, '(flags given on the command line win)'));
      if (resume) {
        log.write(found
          ? `resuming from ${found.path} (${position(found.checkpoint.epoch, found.checkpoint.step)})\n`
          : `no checkpoint in ${dir!.dir}: starting from the beginning\n`);
      }
      const progress = new Progress(log, f.verbose);
      const stop = stopOnSignals(progress, dir);
      let result;
      try {
        result = await runTraining(config, {
          callbacks: [progress],
          kernels,
          data,
          checkpoint: dir && { every: checkpointEvery, save: (bytes, { globalStep }) => void dir.write(bytes, globalStep) },
          resume: found?.checkpoint,
          signal: stop.signal,
          onInterrupt: reportInterrupt(stop, config, { dir, save }),
        });
      } catch (e) {
        progress.interrupt(); // the bar off and the cursor back before the error's line
        if (e instanceof DivergenceError) process.exitCode = 3;
        if (e instanceof InterruptedError) return;
        throw e;
      } finally {
        stop.uninstall();
      }
      finish(result, config, { save: f.save, json: f.json, verbose: f.verbose, backend: kernels.name, log });
    });
}

/** Ctrl-C / SIGTERM: the first stops the run after the step under way, the second quits at once. */
function stopOnSignals(progress: Progress, dir: CheckpointDir | undefined): GracefulStop {
  return new GracefulStop(
    (sig) => {
      progress.interrupt();
      process.stderr.write(`scratchnet: ${sig} received: stopping after this step (again to quit at once)\n`);
    },
    (sig) => {
      progress.interrupt();
      process.stderr.write(`scratchnet: second ${sig}: quitting at once${dir ? `; the last checkpoint in ${dir.dir} is intact` : ''}\n`);
    },
  ).install();
}

/** What an interrupted run says and keeps: its exit code, and where it can go on from (checkpoint, or the model as it stands). */
function reportInterrupt(stop: GracefulStop, config: TrainConfig, { dir, save }: { dir?: CheckpointDir; save?: string }): NonNullable<RunOptions['onInterrupt']> {
  return ({ model, loss, data, error }) => {
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
  };
}

/** After training: saves the model (`--save`), prints the test figures, and the JSON summary (`--json`). */
function finish(result: RunResult, config: TrainConfig, f: { save?: string; json?: boolean; verbose?: boolean; backend: string; log: NodeJS.WriteStream }): void {
  const log = f.log;
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
    backend: f.backend,
    peakRssMiB: peakRssMiB(),
    ...(result.threads ? { threads: result.threads } : {}),
    config,
    ...(f.save ? { savedTo: f.save } : {}),
  };
  const measured = testRegression
    ? [`test R² ${testRegression.r2.toFixed(4)}`, `RMSE ${testRegression.rmse.toFixed(4)}`, `MAE ${testRegression.mae.toFixed(4)}`, `test loss ${testLoss.toFixed(4)}`]
    : [`test accuracy ${(testAccuracy * 100).toFixed(2)}%`, `test loss ${testLoss.toFixed(4)}`];
  log.write(
    wrapped([
      ...measured,
      `training ${trainSeconds.toFixed(1)}s (${shortSeconds(summary.secondsPerEpoch)}/epoch)`,
      `${model.parameterCount} parameters`,
      `peak RSS ${summary.peakRssMiB.toFixed(0)} MiB`,
      ...(f.save ? [`saved to ${f.save}`] : []),
    ], columnsOf(log)),
  );
  if (f.verbose && result.threads) log.write(wrapped([describeThreads(result.threads)], columnsOf(log)));
  if (f.json) process.stdout.write(JSON.stringify(summary) + '\n');
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
    const o = runOption(key);
    applied.push(o ? `${flagName(o)} ${formatOptionText(o, value)}` : `${key} ${String(value)}`);
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
