/**
 * The grid of a study: dataset × seed × (baseline + variations), in a stable order, each run with a
 * stable id; and `--shard i/n` partitions of it.
 */
import { ConfigError } from '../errors.js';
import type { TrainConfig } from '../recipe.js';
import { contentHash } from './json.js';
import { resolveConfig, type DataOptions, type StudySpec } from './spec.js';

/** Group and variation name of the baseline runs. */
export const BASELINE = 'baseline';

/** One run of the grid. */
export interface PlannedRun {
  /** Position in the full, filtered grid order (0-based). */
  index: number;
  /** Hash of dataset, group, variation, seed and the full config: the same run always has the same id. */
  id: string;
  dataset: string;
  group: string;
  variation: string;
  seed: number;
  config: TrainConfig;
  /** What the dataset loader is given (seed of generated sets, samples, noise): the same for a dataset's runs. */
  data: DataSpec;
}

/** Loader options of a run; they change the data, so they are part of the run id. */
export interface DataSpec extends DataOptions {
  seed: number;
}

export interface GridFilter {
  /** Subset of the spec's datasets (default all). */
  datasets?: string[];
  /** Subset of the spec's seeds (default all). */
  seeds?: number[];
}

/** The stable id of a run. `dataDir` (a local path) is left out, so ids agree across machines. */
export function runId(run: Omit<PlannedRun, 'index' | 'id'>): string {
  const { dataDir: _local, ...config } = run.config;
  return contentHash({ dataset: run.dataset, group: run.group, variation: run.variation, seed: run.seed, config, data: run.data });
}

/**
 * Expands a spec into its runs: for each dataset (spec order), each seed (spec order), the baseline
 * then each variation (spec order). Seeds outside variations' loops means a study stopped midway
 * already holds complete comparisons for its first seeds.
 * @throws ConfigError when a filter names a dataset or seed the spec does not have
 */
export function expandGrid(spec: StudySpec, { datasets, seeds }: GridFilter = {}): PlannedRun[] {
  for (const d of datasets ?? []) {
    if (!spec.datasets.includes(d)) throw new ConfigError(`--datasets: '${d}' is not in spec '${spec.name}', expected some of ${spec.datasets.join(', ')}`);
  }
  for (const s of seeds ?? []) {
    if (!spec.seeds.includes(s)) throw new ConfigError(`--seeds: ${s} is not in spec '${spec.name}', expected some of ${spec.seeds.join(', ')}`);
  }
  const runs: PlannedRun[] = [];
  for (const dataset of spec.datasets.filter((d) => !datasets || datasets.includes(d))) {
    const data: DataSpec = { seed: spec.dataSeed, ...spec.dataOptions[dataset] };
    for (const seed of spec.seeds.filter((s) => !seeds || seeds.includes(s))) {
      const variations = [null, ...spec.variations.filter((v) => !v.datasets || v.datasets.includes(dataset))];
      for (const v of variations) {
        const group = v?.group ?? BASELINE;
        const variation = v?.name ?? BASELINE;
        const config = resolveConfig(spec, dataset, v, seed);
        const run = { dataset, group, variation, seed, config, data };
        runs.push({ index: runs.length, id: runId(run), ...run });
      }
    }
  }
  return runs;
}

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `--shard i/n` (1 ≤ i ≤ n). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && index >= 1 && index <= count)) {
    throw new ConfigError(`--shard: expected i/n with 1 ≤ i ≤ n (e.g. 2/4; Kubernetes: $((JOB_COMPLETION_INDEX+1))/N), found '${text}'`);
  }
  return { index, count };
}

/** The shard of a default shard file name, `…/results-<i>of<n>.jsonl`, or null for another name. */
export function parseShardFileName(path: string): Shard | null {
  const m = /(?:^|[\\/])results-(\d+)of(\d+)\.jsonl$/.exec(path);
  if (!m) return null;
  const [index, count] = [Number(m[1]), Number(m[2])];
  return count >= 1 && index >= 1 && index <= count ? { index, count } : null;
}

/** The default file name of shard `i/n`. */
export const shardFileName = ({ index, count }: Shard) => `results-${index}of${count}.jsonl`;

/** Every `count`-th run starting at `index - 1`: the shards of one grid are disjoint and cover it. */
export function selectShard<T extends { index: number }>(runs: T[], shard: Shard | undefined): T[] {
  return shard ? runs.filter((r) => r.index % shard.count === shard.index - 1) : runs;
}
