/**
 * The ablation runner: runs the grid of a study spec, appending one line per finished run to a
 * {@link ResultStore} (results.jsonl at the Node edge: src/node/experiments/results-file.ts). Resumable:
 * runs whose id is already stored are skipped, so a killed study rerun with the same command
 * finishes with no run lost or duplicated.
 */
import { kernels as currentKernels } from '../core/backend.js';
import type { Kernels } from '../core/kernels.js';
import { isRegression, subset, type DatasetSplit } from '../data/dataset.js';
import { datasetEntry, datasetNames, loadDataset } from '../data/registry.js';
import { ConfigError, DivergenceError, ScratchnetError } from '../errors.js';
import type { Callback, EpochLog } from '../nn/callbacks.js';
import { confusionMatrix } from '../nn/metrics.js';
import { evaluate } from '../nn/train.js';
import { checkConfig, runTraining, type RunResult } from '../recipe.js';
import { BASELINE, expandGrid, selectShard, type GridFilter, type PlannedRun, type Shard } from './grid.js';
import { RESULT_SCHEMA, type Machine, type Misclassified, type ResultLine, type Versions } from './results.js';
import { canonicalJson } from './json.js';
import type { StudySpec } from './spec.js';
import type { ResultStore, RunCheckpoints } from './store.js';

/** Misclassified test samples kept for the report's gallery. */
export const GALLERY_SIZE = 24;
/** Training rows of the untimed warm-up run. */
const WARMUP_ROWS = 2048;

/** Shows a study's progress as it goes (the Node edge: a bar on a terminal and a line per run). */
export interface RunProgress {
  start(total: number): void;
  runStart(run: PlannedRun): void;
  /** A callback for `runTraining` that shows the epochs of the current run. */
  epochCallback(): Callback;
  runEnd(run: PlannedRun, result: ResultLine): void;
  stop(): void;
}

export interface StudyRunOptions {
  spec: StudySpec;
  /** The spec's path, recorded in each line so the report can print the command that reruns it. */
  specFile: string;
  filter?: GridFilter;
  shard?: Shard;
  /** List the runs and whether each is done; train nothing, write nothing. */
  dryRun?: boolean;
  /** Directory of dataset files, passed to the loaders (not part of run ids). */
  dataDir?: string;
  /** Default: the current backend. */
  kernels?: Kernels;
  /** Checkpoints of the run under way: a run stopped midway goes on from its newest one. */
  checkpoints?: RunCheckpoints;
  /** With `checkpoints`: one every this many steps (default: at each epoch end). */
  checkpointEvery?: number;
  /** Stops the study after the step under way (a checkpoint is written first): the run throws an InterruptedError. */
  signal?: AbortSignal;
  /** Messages. */
  log: { write(text: string): unknown };
  progress: RunProgress;
  /** Recorded in each line, with `versions` (whose `backend` is the kernels' name, `wasm (relaxed)` for the opt-in kernels). */
  machine: Machine;
  versions: Omit<Versions, 'backend'>;
}

export interface StudySummary {
  /** Runs of this shard. */
  planned: PlannedRun[];
  /** Runs found already done in the store. */
  skipped: number;
  /** Lines written by this call. */
  results: ResultLine[];
}

/**
 * A run's figures, from its per-epoch history: the best validation accuracy (R² for regression)
 * and its epoch, the first epoch at the target accuracy, the training time.
 */
export function summarizeHistory(history: EpochLog[], target: number | null, regression = false) {
  let best: number | null = null;
  let bestEpoch: number | null = null;
  let toTarget: number | null = null;
  for (const e of history) {
    const v = regression ? e.valR2 : e.valAccuracy;
    if (v === undefined || v === null || !Number.isFinite(v)) continue;
    if (best === null || v > best) [best, bestEpoch] = [v, e.epoch];
    if (toTarget === null && target !== null && !regression && v >= target) toTarget = e.epoch;
  }
  const trainSeconds = history.reduce((s, e) => s + e.seconds, 0);
  return {
    ...(regression ? { bestValAccuracy: null, bestValR2: best } : { bestValAccuracy: best }),
    bestValEpoch: bestEpoch,
    epochsToTarget: toTarget,
    trainSeconds,
    secondsPerEpoch: history.length ? trainSeconds / history.length : 0,
  };
}

const runs = (n: number) => `${n} ${n === 1 ? 'run' : 'runs'}`;
const describe = (r: PlannedRun) => `${r.dataset} ${r.group}/${r.variation} seed ${r.seed}`;

/** Runs (or, with `dryRun`, lists) the study's runs that are not yet in `store`. */
export async function runStudyWith(store: ResultStore, opts: StudyRunOptions): Promise<StudySummary> {
  const { spec, specFile, dryRun = false, dataDir, log, progress } = opts;
  const out = store.name;
  const grid = expandGrid(spec, opts.filter);
  const planned = selectShard(grid, opts.shard);
  checkPlan(planned, specFile);
  checkDatasetsPresent(planned, specFile, dataDir);
  if (!dryRun) store.checkWritable();
  if (!dryRun) opts.checkpoints?.checkWritable();

  const repaired = dryRun ? null : store.repairTail();
  if (repaired) log.write(`ablate: ${repaired}\n`);
  const existing = store.read();
  for (const w of existing.warnings) log.write(`ablate: ${w}\n`);
  const doneIds = new Set(existing.results.map((r) => r.id));
  const gridIds = new Set(grid.map((r) => r.id));
  const stale = existing.results.filter((r) => r.spec === spec.name && !gridIds.has(r.id)).length;
  if (stale) log.write(`ablate: ${stale} lines of '${spec.name}' in ${out} match no run of this grid (an edited spec?); the report keeps the latest per run\n`);
  const todo = planned.filter((r) => !doneIds.has(r.id));
  const skipped = planned.length - todo.length;
  const shardText = opts.shard ? ` (shard ${opts.shard.index}/${opts.shard.count})` : '';
  log.write(`ablate: spec '${spec.name}'${shardText}: ${runs(planned.length)}, ${skipped} already in ${out}, ${todo.length} to do\n`);
  if (dryRun) {
    for (const r of planned) log.write(`  ${doneIds.has(r.id) ? 'done' : 'todo'}  ${r.id}  ${describe(r)}\n`);
    return { planned, skipped, results: [] };
  }

  const kernels = opts.kernels ?? currentKernels();
  const machine = opts.machine;
  // the opt-in relaxed kernels give other bits than the default ones: the line says which ran
  const relaxed = 'relaxed' in kernels && kernels.relaxed === true;
  const versions = { ...opts.versions, backend: relaxed ? `${kernels.name} (relaxed)` : kernels.name };
  const results: ResultLine[] = [];
  let loadedKey = '';
  let data: DatasetSplit | undefined;
  const { checkpoints, checkpointEvery, signal } = opts;
  const ctx: TrainContext = { spec, specFile, dataDir, kernels, progress, log, checkpoints, checkpointEvery, signal };
  progress.start(todo.length);
  try {
    for (const run of todo) {
      // Runs are dataset-major, so each dataset is loaded once and dropped when the next one starts.
      const key = canonicalJson([run.dataset, run.data]);
      if (loadedKey !== key || !data) {
        data = undefined;
        data = await loadDataset(run.dataset, { dir: dataDir, ...run.data });
        loadedKey = key;
        await warmUp(run, data, kernels);
      }
      progress.runStart(run);
      const line = await trainOne(run, data, ctx);
      const result: ResultLine = { ...line, machine, versions };
      store.append(result);
      opts.checkpoints?.clear(run.id);
      results.push(result);
      progress.runEnd(run, result);
    }
  } finally {
    progress.stop();
  }
  log.write(`ablate: ${runs(results.length)} written to ${out}\n`);
  return { planned, skipped, results };
}

/**
 * One short untimed run (1 epoch on a few rows) before a dataset's first timed run, so that JIT
 * compilation is not billed to whichever run happens to come first.
 */
async function warmUp(run: PlannedRun, data: DatasetSplit, kernels: Kernels): Promise<void> {
  const rows = Array.from({ length: Math.min(WARMUP_ROWS, data.train.x.rows) }, (_, i) => i);
  const small = { ...data, train: subset(data.train, rows), test: subset(data.test, rows.filter((i) => i < data.test.x.rows)) };
  const config = { ...run.config, epochs: 1, valSplit: 0, earlyStopping: undefined, schedule: undefined };
  try {
    (await runTraining(config, { kernels, data: small })).model.release();
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
  }
}

/** Fails before any training when a dataset is unknown or a run's config is invalid. */
function checkPlan(planned: PlannedRun[], specFile: string): void {
  for (const d of new Set(planned.map((r) => r.dataset))) {
    if (!datasetEntry(d)) throw new ConfigError(`${specFile}: unknown dataset '${d}', expected one of ${datasetNames().join(', ')}`);
  }
  for (const r of planned) {
    try {
      checkConfig(r.config);
    } catch (e) {
      if (e instanceof ScratchnetError) throw new ConfigError(`${specFile}: run ${describe(r)}: ${e.message}`);
      throw e;
    }
  }
}

/**
 * Fails before any training when a file-backed dataset of the plan is not on this machine, listing
 * every missing one and how to get it (a study must not die at its 46th run).
 */
function checkDatasetsPresent(planned: PlannedRun[], specFile: string, dataDir: string | undefined): void {
  const missing: string[] = [];
  for (const d of new Set(planned.map((r) => r.dataset))) {
    const entry = datasetEntry(d)!;
    if (!entry.locate || entry.locate({ dir: dataDir }) !== undefined) continue;
    const ways = [entry.download ? `scratchnet data download ${d}` : '', entry.otherWay ?? ''].filter(Boolean);
    missing.push(`  ${d}: not found${ways.length ? `; get it with: ${ways.join(', or: ')}` : ''}${dataDir ? '' : ' (or pass --data-dir DIR)'}`);
  }
  if (missing.length) {
    throw new ConfigError([`${specFile}: ${missing.length} dataset(s) of this study are missing on this machine; nothing was run:`, ...missing].join('\n'));
  }
}

interface TrainContext extends Pick<StudyRunOptions, 'checkpoints' | 'checkpointEvery' | 'signal' | 'log'> {
  spec: StudySpec;
  specFile: string;
  dataDir?: string;
  kernels: Kernels;
  progress: RunProgress;
}

/** `runTraining`'s checkpoint, resume and signal options for `run`: it goes on from its newest checkpoint. */
function resumable(run: PlannedRun, { checkpoints, checkpointEvery, signal, log }: TrainContext) {
  if (!checkpoints) return { signal };
  const resume = checkpoints.newest(run.id);
  if (resume) log.write(`ablate: ${describe(run)}: resuming from its checkpoint in ${checkpoints.name} (${resume.epoch} of ${run.config.epochs} epochs done${resume.step ? `, and ${resume.step} steps of the next` : ''})\n`);
  const save = (bytes: Uint8Array, { globalStep }: { globalStep: number }) => checkpoints.save(run.id, bytes, globalStep);
  return { checkpoint: { every: checkpointEvery, save }, resume, signal };
}

/** Trains one run and measures it; a divergence is a result, not a failure. */
async function trainOne(run: PlannedRun, data: DatasetSplit, ctx: TrainContext): Promise<Omit<ResultLine, 'machine' | 'versions'>> {
  const regression = isRegression(data.train);
  const target = regression ? null : (ctx.spec.targetValAccuracy[run.dataset] ?? null);
  const seen: EpochLog[] = [];
  const record = { onEpochEnd: (e: EpochLog) => void seen.push(e) };
  const base = {
    schema: RESULT_SCHEMA,
    id: run.id,
    spec: ctx.spec.name,
    specFile: ctx.specFile,
    dataset: run.dataset,
    group: run.group,
    variation: run.variation,
    seed: run.seed,
    config: run.config,
    task: regression ? ('regression' as const) : ('classification' as const),
    targetValAccuracy: target,
    classNames: data.train.classNames,
    ...(data.train.imageShape ? { imageShape: data.train.imageShape } : {}),
    data: run.data,
  };
  const config = ctx.dataDir ? { ...run.config, dataDir: ctx.dataDir } : run.config;
  const t0 = performance.now();
  let result;
  try {
    result = await runTraining(config, { callbacks: [record, ctx.progress.epochCallback()], kernels: ctx.kernels, data, ...resumable(run, ctx) });
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    const s = summarizeHistory(seen, target, regression);
    return {
      ...base,
      status: 'diverged',
      error: e.message,
      testAccuracy: null,
      ...(regression ? { testRegression: null } : {}),
      testLoss: null,
      ...s,
      wallSeconds: (performance.now() - t0) / 1000,
      epochsRun: e.epoch,
      parameters: 0,
      history: seen,
      confusion: null,
      finishedAt: new Date().toISOString(),
    };
  }
  const { model, history } = result;
  const line = {
    ...base,
    status: 'ok' as const,
    testAccuracy: regression ? null : result.testAccuracy,
    ...(result.testRegression ? { testRegression: { r2: result.testRegression.r2, rmse: result.testRegression.rmse, mae: result.testRegression.mae } } : {}),
    testLoss: result.testLoss,
    ...summarizeHistory(history, target, regression),
    trainSeconds: result.trainSeconds,
    wallSeconds: (performance.now() - t0) / 1000,
    epochsRun: history.length,
    parameters: model.parameterCount,
    history,
    // classification: the confusion matrix, and the misclassified samples of the baseline's first seed
    ...(regression ? { confusion: null } : classificationExtras(run, result, data, ctx.spec.seeds[0])),
    finishedAt: new Date().toISOString(),
  };
  model.release();
  return line;
}

/** The test set's confusion matrix and, for the baseline's first seed, its first misclassified samples. */
function classificationExtras(run: PlannedRun, result: RunResult, data: DatasetSplit, firstSeed: number): { confusion: number[][]; misclassified?: Misclassified[] } {
  const { predictions } = evaluate(result.model, data.test, { loss: result.loss });
  const labels = data.test.y;
  if (run.group !== BASELINE || run.seed !== firstSeed) return { confusion: confusionMatrix(predictions, labels, data.test.numClasses) };
  const misclassified: Misclassified[] = [];
  for (let i = 0; i < labels.length && misclassified.length < GALLERY_SIZE; i++) {
    if (predictions[i] !== labels[i]) misclassified.push({ index: i, label: labels[i], predicted: predictions[i] });
  }
  return { confusion: confusionMatrix(predictions, labels, data.test.numClasses), misclassified };
}
