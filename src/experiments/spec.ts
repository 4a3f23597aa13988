/**
 * Study specs (`experiments/<name>.json`): which datasets, seeds, baseline and one-at-a-time
 * variations make up an ablation study, and how they resolve into full {@link TrainConfig}s.
 *
 * Config patches (baseline, perDataset, variation configs) are merged shallowly in that order over
 * {@link DEFAULT_CONFIG}; a `null` value removes a field. Known TrainConfig keys are checked here
 * against the option schema (src/recipe/options.ts), unknown ones are passed through to
 * `runTraining`, which rejects them. The spec file is read at the Node edge
 * (src/node/experiments/spec-file.ts).
 */
import { ConfigError } from '../errors.js';
import { scheduleFor, type ScheduleName } from '../nn/schedules.js';
import { DATA_OPTIONS, DEFAULT_CONFIG, runOption, type TrainConfig } from '../recipe/options.js';
import { optionProblem } from '../recipe/values.js';
import { brief, clip, parseJsonGuarded } from '../io/json-guard.js';

/** Partial TrainConfig as written in a spec; `null` unsets a field. */
export type ConfigPatch = Record<string, unknown>;

/** One change of the baseline. */
export interface Variation {
  /** Component family it belongs to: `optimizer`, `regularisation`, `activation`, ... */
  group: string;
  /** Unique within its group. */
  name: string;
  description?: string;
  /** Restricts the variation to these datasets (default: all of the spec's). */
  datasets?: string[];
  config: ConfigPatch;
}

export interface StudySpec {
  name: string;
  description: string;
  datasets: string[];
  seeds: number[];
  baseline: ConfigPatch;
  perDataset: Record<string, ConfigPatch>;
  variations: Variation[];
  /** Validation accuracy whose first epoch is reported as "epochs to target". */
  targetValAccuracy: Record<string, number>;
  /** Seed given to dataset loaders (generated sets): the data stay fixed across run seeds. Default 1. */
  dataSeed: number;
  /** Options of generated sets per dataset, e.g. `{ "moons": { "noise": 0.3 } }`. */
  dataOptions: Record<string, DataOptions>;
}

/** Loader options a spec may set (see LoadDatasetOptions); part of each run's id. */
export interface DataOptions {
  samples?: number;
  noise?: number;
}

/** Schedule shorthands resolved against the run's epochs, as `scratchnet train --schedule` does. */

const TOP_KEYS = ['name', 'description', 'datasets', 'seeds', 'baseline', 'perDataset', 'variations', 'targetValAccuracy', 'dataSeed', 'dataOptions'];
const FORBIDDEN = ['dataset', 'seed', 'dataDir'];
/** Run seeds and the data seed take the `seed` option's values. */
const SEED = runOption('seed')!;
/** Most runs a study may plan (a short spec must not expand into millions of configs). */
const MAX_RUNS = 100_000;

/** A spec error: file, JSON path, expected, found. */
export class SpecError extends ConfigError {
  constructor(file: string, path: string, expected: string, found: unknown) {
    super(`${clip(file, 100)}: ${path}: expected ${clip(expected, 300)}, found ${brief(found)}`);
  }
}

/** Parses and validates spec text (nesting depth checked first). `file` only labels messages. */
export function parseSpec(text: string, file = 'spec'): StudySpec {
  return validateSpec(parseJsonGuarded(text, (m) => new ConfigError(`${file}: ${m}`)), file);
}

/** Checks a parsed spec and fills defaults. `file` only labels messages. */
export function validateSpec(raw: unknown, file = 'spec'): StudySpec {
  const fail = (path: string, expected: string, found: unknown): never => {
    throw new SpecError(file, path, expected, found);
  };
  const obj = (v: unknown, path: string): Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(path, 'an object', v);
  const str = (v: unknown, path: string): string => (typeof v === 'string' && v.trim() !== '' ? v : fail(path, 'a non-empty string', v));
  const strList = (v: unknown, path: string): string[] => {
    if (!Array.isArray(v) || v.length === 0) fail(path, 'a non-empty array of strings', v);
    const list = (v as unknown[]).map((s, i) => str(s, `${path}[${i}]`));
    list.forEach((s, i) => list.indexOf(s) !== i && fail(`${path}[${i}]`, 'no duplicates', s));
    return list;
  };

  const top = obj(raw, '$');
  for (const k of Object.keys(top)) if (!TOP_KEYS.includes(k)) fail(`$.${clip(k, 40)}`, `only the keys ${TOP_KEYS.join(', ')}`, k);
  const name = str(top.name, '$.name');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) fail('$.name', 'letters, digits, . _ - (it names the runs/ folder)', name);
  const description = top.description === undefined ? '' : typeof top.description === 'string' ? top.description : fail('$.description', 'a string', top.description);
  const datasets = strList(top.datasets, '$.datasets');
  if (!Array.isArray(top.seeds) || top.seeds.length === 0) fail('$.seeds', 'a non-empty array of integers', top.seeds);
  const seed = (v: unknown, at: string): number => {
    const problem = optionProblem(SEED, v);
    return problem === undefined ? (v as number) : fail(at, problem, v);
  };
  const seeds = (top.seeds as unknown[]).map((s, i) => seed(s, `$.seeds[${i}]`));
  const seenSeeds = new Set<number>();
  seeds.forEach((s, i) => (seenSeeds.has(s) ? fail(`$.seeds[${i}]`, 'no duplicates', s) : seenSeeds.add(s)));
  const dataSeed = top.dataSeed === undefined ? 1 : seed(top.dataSeed, '$.dataSeed');

  const baseline = checkPatch(top.baseline ?? {}, '$.baseline', fail);
  const perDataset: Record<string, ConfigPatch> = {};
  for (const [ds, patch] of Object.entries(obj(top.perDataset ?? {}, '$.perDataset'))) {
    if (!datasets.includes(ds)) fail(`$.perDataset.${clip(ds, 40)}`, `one of the spec's datasets (${clip(datasets.join(', '), 80)})`, ds);
    perDataset[ds] = checkPatch(patch, `$.perDataset.${clip(ds, 40)}`, fail);
  }

  if (top.variations !== undefined && !Array.isArray(top.variations)) fail('$.variations', 'an array', top.variations);
  const seen = new Set<string>();
  const variations = ((top.variations ?? []) as unknown[]).map((v, i): Variation => {
    const at = `$.variations[${i}]`;
    const o = obj(v, at);
    for (const k of Object.keys(o)) if (!['group', 'name', 'description', 'datasets', 'config'].includes(k)) fail(`${at}.${clip(k, 40)}`, 'only group, name, description, datasets, config', k);
    const group = str(o.group, `${at}.group`);
    const vname = str(o.name, `${at}.name`);
    if (group === 'baseline' || vname === 'baseline') fail(at, "a group and name other than 'baseline' (the baseline is always run)", `${group}/${vname}`);
    if (seen.has(`${group}/${vname}`)) fail(`${at}.name`, `a name unique within group '${group}'`, vname);
    seen.add(`${group}/${vname}`);
    const only = o.datasets === undefined ? undefined : strList(o.datasets, `${at}.datasets`);
    only?.forEach((ds, j) => datasets.includes(ds) || fail(`${at}.datasets[${j}]`, `one of the spec's datasets (${clip(datasets.join(', '), 80)})`, ds));
    const description = o.description === undefined ? undefined : str(o.description, `${at}.description`);
    return { group, name: vname, ...(description ? { description } : {}), ...(only ? { datasets: only } : {}), config: checkPatch(o.config ?? {}, `${at}.config`, fail) };
  });

  const targetValAccuracy: Record<string, number> = {};
  for (const [ds, t] of Object.entries(obj(top.targetValAccuracy ?? {}, '$.targetValAccuracy'))) {
    if (!datasets.includes(ds)) fail(`$.targetValAccuracy.${clip(ds, 40)}`, `one of the spec's datasets (${clip(datasets.join(', '), 80)})`, ds);
    targetValAccuracy[ds] = typeof t === 'number' && t > 0 && t <= 1 ? t : fail(`$.targetValAccuracy.${clip(ds, 40)}`, 'a number in (0, 1]', t);
  }
  const dataOptions: Record<string, DataOptions> = {};
  for (const [ds, o] of Object.entries(obj(top.dataOptions ?? {}, '$.dataOptions'))) {
    const at = `$.dataOptions.${clip(ds, 40)}`;
    if (!datasets.includes(ds)) fail(at, `one of the spec's datasets (${clip(datasets.join(', '), 80)})`, ds);
    const opts = obj(o, at);
    for (const [k, v] of Object.entries(opts)) {
      const option = DATA_OPTIONS.find((d) => d.key === k);
      if (!option) fail(`${at}.${clip(k, 40)}`, `only ${DATA_OPTIONS.map((d) => d.key).join(', ')}`, k);
      const problem = optionProblem(option!, v);
      if (problem !== undefined) fail(`${at}.${k}`, problem, v);
    }
    dataOptions[ds] = opts as DataOptions;
  }
  const runs = datasets.length * seeds.length * (1 + variations.length);
  if (runs > MAX_RUNS) fail('$', `a grid of at most ${MAX_RUNS} runs (datasets × seeds × (1 + variations))`, `${runs} runs`);
  return { name, description, datasets, seeds, baseline, perDataset, variations, targetValAccuracy, dataSeed, dataOptions };
}

type Fail = (path: string, expected: string, found: unknown) => never;

/** Checks the known TrainConfig keys of a patch against the schema (type, range, registry names); unknown keys pass through. */
function checkPatch(raw: unknown, path: string, fail: Fail): ConfigPatch {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(path, 'an object of TrainConfig fields', raw);
  const patch = raw as ConfigPatch;
  for (const [k, v] of Object.entries(patch)) {
    const at = `${path}.${clip(k, 40)}`;
    if (FORBIDDEN.includes(k)) fail(at, `no '${k}' (datasets and seeds come from $.datasets and $.seeds; --data-dir from the CLI)`, v);
    const o = runOption(k);
    if (v === null) {
      if (o?.required) fail(at, `a value ('${k}' is needed by every run; null would unset it)`, v);
      continue;
    }
    const problem = o && optionProblem(o, v);
    if (problem !== undefined) fail(at, problem, v);
  }
  return patch;
}

/**
 * The full config of one run: DEFAULT_CONFIG (without its schedule) ← baseline ← perDataset ←
 * variation, then dataset and seed. A string schedule is resolved against the final epochs.
 */
export function resolveConfig(spec: StudySpec, dataset: string, variation: Variation | null, seed: number): TrainConfig {
  const { schedule: _unused, ...defaults } = DEFAULT_CONFIG;
  const merged: Record<string, unknown> = { ...defaults };
  for (const patch of [spec.baseline, spec.perDataset[dataset] ?? {}, variation?.config ?? {}]) {
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
  }
  merged.dataset = dataset;
  merged.seed = seed;
  if (typeof merged.schedule === 'string') merged.schedule = scheduleFor(merged.schedule as ScheduleName, merged.epochs as number);
  if (merged.schedule === undefined) delete merged.schedule;
  return merged as unknown as TrainConfig;
}
