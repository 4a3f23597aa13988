import { Command } from 'commander';
import { dirname, join } from 'node:path';
import { ConfigError, InterruptedError } from '../errors.js';
import { shardFromEnv } from '../experiments/auto-shard.js';
import { completeness, completenessLines } from '../experiments/completeness.js';
import { parseShard, shardFileName, type Shard } from '../experiments/grid.js';
import { studyResultFiles } from '../node/experiments/completeness-file.js';
import { readResults } from '../node/experiments/results-file.js';
import { runCheckpoints } from '../node/experiments/run-checkpoints.js';
import { GracefulStop, signalExitCode } from './interrupt.js';
import { runStudy } from '../node/experiments/runner.js';
import { loadSpec } from '../node/experiments/spec-file.js';
import { positiveInt } from './options.js';
import { RELAXED_HELP, setupBackend } from './runtime.js';

interface AblateFlags {
  spec: string;
  out?: string;
  shard?: string;
  shards?: number;
  status?: boolean;
  datasets?: string;
  seeds?: string;
  dryRun?: boolean;
  dataDir?: string;
  checkpointDir?: string;
  checkpointEvery?: number;
  backend?: string;
  threads?: number;
  relaxed?: boolean;
}

const list = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter((s) => s !== '');

/** `scratchnet ablate`: runs (or resumes) the grid of a study spec into results.jsonl. */
export function ablateCommand(): Command {
  return new Command('ablate')
    .description('run an ablation study: every dataset × seed × (baseline + each variation); resumable')
    .requiredOption('--spec <file>', 'study spec, e.g. experiments/study.json')
    .option('--out <file>', 'results file to append to (default runs/<spec name>/results.jsonl, or results-<i>of<n>.jsonl with --shard)')
    .option('--shard <i/n>', "run only every n-th run of the grid, starting with the i-th (1 ≤ i ≤ n); 'auto': from a Slurm array task or a Kubernetes Indexed Job")
    .option('--shards <n>', "with --shard auto in a Kubernetes Indexed Job: the number of shards (the Job's completions; env SCRATCHNET_SHARDS)", positiveInt)
    .option('--status', "check the study folder's results files (all shards) against the spec: runs done, missing, and the commands that finish them; train nothing")
    .option('--datasets <names>', "comma-separated subset of the spec's datasets")
    .option('--seeds <list>', "comma-separated subset of the spec's seeds")
    .option('--dry-run', 'list the runs and whether each is done; train nothing')
    .option('--data-dir <dir>', 'directory with the dataset files')
    .option('--checkpoint-dir <dir>', 'checkpoint the run under way in <dir>/<run id>/ (shards may share <dir>): a study stopped midway resumes that run from its checkpoint')
    .option('--checkpoint-every <steps>', 'with --checkpoint-dir: checkpoint every this many steps (default: at each epoch end)', positiveInt)
    .option('--backend <name>', 'kernels: auto, wasm or js (env SCRATCHNET_BACKEND)')
    .option('--threads <n>', 'worker threads for the wasm kernels (env SCRATCHNET_THREADS)', positiveInt)
    .option('--relaxed', RELAXED_HELP)
    .addHelpText(
      'after',
      '\nRerun the same command to resume a stopped study. Shards merge by concatenating\ntheir files:\n' +
        '  parallel scratchnet ablate --spec experiments/study.json --shard {}/4 \\\n    ::: 1 2 3 4\n' +
        '  cat runs/study/results-*of4.jsonl > runs/study/results.jsonl\n' +
        'On a cluster (Slurm array, Kubernetes Indexed Job) pass --shard auto; see docs/cluster.md.\n' +
        '  scratchnet ablate --spec experiments/study.json --status\n' +
        'SIGTERM or Ctrl-C stops it after the step under way (with --checkpoint-dir, checkpointed first).\n',
    )
    .action(async (f: AblateFlags) => {
      const spec = loadSpec(f.spec);
      const shard = shardOf(f);
      const seeds = list(f.seeds)?.map((s) => {
        if (!/^-?\d+$/.test(s)) throw new ConfigError(`--seeds: expected comma-separated integers, found '${s}' in '${f.seeds}'`);
        return Number(s);
      });
      const out = f.out ?? join('runs', spec.name, shard ? shardFileName(shard) : 'results.jsonl');
      if (f.status) {
        const files = [...new Set([...studyResultFiles(dirname(out)), out])].filter((file) => readResults(file).results.length > 0);
        const results = files.flatMap((file) => readResults(file).results);
        process.stdout.write(completenessLines(completeness(spec, f.spec, results), files).join('\n') + '\n');
        return;
      }
      if (f.checkpointEvery !== undefined && f.checkpointDir === undefined) throw new ConfigError('--checkpoint-every needs --checkpoint-dir');
      const kernels = f.dryRun ? undefined : await setupBackend(f);
      const stop = new GracefulStop(
        (sig) => process.stderr.write(`\nablate: ${sig} received: stopping after this step${f.checkpointDir ? ', with a checkpoint of the run under way' : ''} (again to quit at once)\n`),
        (sig) => process.stderr.write(`\nablate: second ${sig}: quitting at once; the finished runs are in ${out}\n`),
      ).install();
      try {
        await runStudy({
          spec,
          specFile: f.spec,
          out,
          shard,
          filter: { datasets: list(f.datasets), seeds },
          dryRun: f.dryRun,
          dataDir: f.dataDir,
          kernels,
          checkpoints: f.checkpointDir === undefined ? undefined : runCheckpoints(f.checkpointDir),
          checkpointEvery: f.checkpointEvery,
          signal: stop.signal,
        });
      } catch (e) {
        if (!(e instanceof InterruptedError)) throw e;
        process.exitCode = signalExitCode(stop.received ?? 'SIGINT');
        const saved = e.checkpointed ? `the run under way is checkpointed in ${f.checkpointDir}` : 'the run under way starts again (add --checkpoint-dir DIR to resume it midway)';
        process.stderr.write(`ablate: interrupted by ${stop.received ?? 'a signal'}: the finished runs are in ${out}; ${saved}; rerun the same command to resume\n`);
      } finally {
        stop.uninstall();
      }
    });
}

/** `--shard i/n`, or with `--shard auto` the scheduler's shard (said on stderr). */
function shardOf(f: AblateFlags): Shard | undefined {
  if (f.shards !== undefined && f.shard !== 'auto') throw new ConfigError(`--shards: only used with --shard auto, found --shard ${f.shard ?? '(none)'}`);
  if (f.shard !== 'auto') return f.shard === undefined ? undefined : parseShard(f.shard);
  const { shard, source } = shardFromEnv(process.env, f.shards);
  process.stderr.write(`ablate: --shard auto: shard ${shard.index}/${shard.count} from the ${source}\n`);
  return shard;
}
