/**
 * `ablate --shard auto`: the shard of this task, read from the scheduler's environment — a Slurm job
 * array (`sbatch --array`) or a Kubernetes Indexed Job. Pure: the environment is an argument.
 */
import { ConfigError } from '../errors.js';
import type { Shard } from './grid.js';

/** A shard found in the environment, with a line saying where it came from. */
export interface AutoShard {
  shard: Shard;
  source: string;
}

type Env = Record<string, string | undefined>;

const AUTO_HELP =
  'expected a Slurm array task (SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX or _COUNT: sbatch --array=1-N) ' +
  'or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shards N or SCRATCHNET_SHARDS=N)';

function intVar(env: Env, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text.trim())) throw new ConfigError(`--shard auto: ${name}: expected a non-negative integer, found '${text}'`);
  return Number(text);
}

/**
 * The shard of this task. Slurm: task ids MIN..MAX, contiguous (no step, no list with gaps), are
 * shards 1..MAX-MIN+1. Kubernetes: completion index 0..N-1 is shard index+1 of N, N from `shards`
 * (`--shards`) or SCRATCHNET_SHARDS.
 * @throws ConfigError when neither is found or the variables do not form a shard
 */
export function shardFromEnv(env: Env, shards?: number): AutoShard {
  const task = intVar(env, 'SLURM_ARRAY_TASK_ID');
  if (task !== undefined) {
    const min = intVar(env, 'SLURM_ARRAY_TASK_MIN');
    const max = intVar(env, 'SLURM_ARRAY_TASK_MAX');
    const count = intVar(env, 'SLURM_ARRAY_TASK_COUNT');
    const step = intVar(env, 'SLURM_ARRAY_TASK_STEP');
    if (min === undefined || (max === undefined && count === undefined)) {
      throw new ConfigError(`--shard auto: SLURM_ARRAY_TASK_ID=${task} but SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX (or _COUNT) are not set; ${AUTO_HELP}`);
    }
    const n = max !== undefined ? max - min + 1 : count!;
    if ((step !== undefined && step !== 1) || (count !== undefined && count !== n)) {
      throw new ConfigError(
        `--shard auto: the Slurm array must be a contiguous range (e.g. --array=1-${n}), found tasks ${min}-${max ?? '?'}` +
          `${step !== undefined ? ` step ${step}` : ''} with ${count ?? '?'} tasks`,
      );
    }
    if (shards !== undefined && shards !== n) throw new ConfigError(`--shards: ${shards} disagrees with the Slurm array's ${n} tasks (${min}-${min + n - 1})`);
    if (task < min || task >= min + n) throw new ConfigError(`--shard auto: SLURM_ARRAY_TASK_ID=${task} is outside the array ${min}-${min + n - 1}`);
    const job = env.SLURM_ARRAY_JOB_ID ? `job ${env.SLURM_ARRAY_JOB_ID}, ` : '';
    return { shard: { index: task - min + 1, count: n }, source: `Slurm array (${job}task ${task} of ${min}-${min + n - 1})` };
  }
  const index = intVar(env, 'JOB_COMPLETION_INDEX');
  if (index !== undefined) {
    const n = shards ?? intVar(env, 'SCRATCHNET_SHARDS');
    if (n === undefined || n < 1) {
      throw new ConfigError(`--shard auto: JOB_COMPLETION_INDEX=${index} (a Kubernetes Indexed Job) needs the number of shards: pass --shards N (the Job's completions) or set SCRATCHNET_SHARDS`);
    }
    if (index >= n) throw new ConfigError(`--shard auto: JOB_COMPLETION_INDEX=${index} is outside 0..${n - 1} (${n} shards)`);
    return { shard: { index: index + 1, count: n }, source: `Kubernetes Indexed Job (completion index ${index} of 0-${n - 1})` };
  }
  throw new ConfigError(`--shard auto: no scheduler shard in the environment; ${AUTO_HELP}`);
}
