/**
 * The lines of results.jsonl: one JSON object per finished run, appended atomically. Files from
 * several shards or machines merge by concatenation; readers dedupe by run id. The file itself is
 * read and written at the Node edge (src/node/experiments/results-file.ts).
 */
import type { EpochLog } from '../nn/callbacks.js';
import type { TrainConfig } from '../recipe.js';
import type { DataSpec } from './grid.js';
import { DataError } from '../errors.js';
import { parseJsonGuarded } from '../io/json-guard.js';
import { checkResultLine } from './result-schema.js';

/**
 * Version of the line layout below. 2 added `task` and the regression figures (`testRegression`,
 * `bestValR2`); a line of schema 1 has neither and is a classification run.
 */
export const RESULT_SCHEMA = 2;

/** Test-set figures of a regression run, in the targets' units (R² unitless). */
export interface RegressionFigures {
  r2: number;
  rmse: number;
  mae: number;
}

export interface Machine {
  /** `os.cpus()[0].model`. */
  cpu: string;
  cpus: number;
  memGiB: number;
  platform: string;
  arch: string;
}

export interface Versions {
  node: string;
  scratchnet: string;
  /** Kernels that ran the run: `js`, `wasm`, ... */
  backend: string;
}

/** A misclassified test sample (baseline run of the first seed only). */
export interface Misclassified {
  /** Row of the test set. */
  index: number;
  label: number;
  predicted: number;
}

/**
 * One line of results.jsonl. Accuracies are fractions in [0, 1]; null where a run diverged, and
 * always for regression runs, whose test figures are in `testRegression`.
 */
export interface ResultLine {
  schema: number;
  id: string;
  spec: string;
  /** The spec file as given to `ablate --spec`. */
  specFile: string;
  dataset: string;
  group: string;
  variation: string;
  seed: number;
  /** The full TrainConfig of the run. */
  config: TrainConfig;
  /** What the dataset's targets are; absent (schema 1): classification. */
  task?: 'classification' | 'regression';
  status: 'ok' | 'diverged';
  error?: string;
  testAccuracy: number | null;
  /** Regression runs: R², RMSE and MAE on the test set; null where the run diverged. */
  testRegression?: RegressionFigures | null;
  testLoss: number | null;
  bestValAccuracy: number | null;
  /** Regression runs: the best validation R² over the epochs (`bestValEpoch` is its epoch). */
  bestValR2?: number | null;
  bestValEpoch: number | null;
  trainSeconds: number;
  wallSeconds: number;
  secondsPerEpoch: number;
  epochsRun: number;
  targetValAccuracy: number | null;
  /** First epoch (1-based) whose validation accuracy reached the target; null if never. */
  epochsToTarget: number | null;
  parameters: number;
  history: EpochLog[];
  /** counts[true][predicted] on the test set. */
  confusion: number[][] | null;
  classNames: string[];
  imageShape?: [number, number];
  /** What the dataset loader was given (seed of generated sets, samples, noise). */
  data: DataSpec;
  misclassified?: Misclassified[];
  machine: Machine;
  versions: Versions;
  finishedAt: string;
}

/** Whether a line is a regression run (lines of schema 1 are all classification). */
export function isRegressionResult(r: Pick<ResultLine, 'task'>): boolean {
  return r.task === 'regression';
}

export interface ParsedResults {
  results: ResultLine[];
  /** `file:line: why` of each line that was skipped. */
  warnings: string[];
}

/** Parses a results file; lines that are not result objects ({@link checkResultLine}) are skipped with a warning. */
export function parseResults(text: string, file: string): ParsedResults {
  const results: ResultLine[] = [];
  const warnings: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const r = parseJsonGuarded(line, (m) => new DataError(m));
      const problem = checkResultLine(r);
      if (problem) throw new DataError(problem);
      results.push(r as ResultLine);
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      warnings.push(`${file}:${i + 1}: skipped a line that is not a result (${e.message.slice(0, 100)})`);
    }
  });
  return { results, warnings };
}

/**
 * How a results file ends: `sound` (its last line is a complete object; `newline` false where
 * the newline after it was lost) or torn (the `bytes` from `start` on are a line cut short by a
 * killed writer). An empty file is sound.
 */
export type ResultsTail = { torn: false; newline: boolean } | { torn: true; start: number; bytes: number };

/** The tail of a results file's bytes ({@link ResultsTail}); trailing newlines are ignored. */
export function resultsTail(bytes: Uint8Array): ResultsTail {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0x0a) end--;
  if (end === 0) return { torn: false, newline: true };
  const start = bytes.lastIndexOf(0x0a, end - 1) + 1;
  try {
    JSON.parse(new TextDecoder().decode(bytes.subarray(start, end)));
  } catch {
    return { torn: true, start, bytes: end - start };
  }
  return { torn: false, newline: bytes[bytes.length - 1] === 0x0a };
}
