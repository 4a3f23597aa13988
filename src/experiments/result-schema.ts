/**
 * The schema of a results.jsonl line ({@link ResultLine}), checked when a line is read: a line that
 * parses as JSON but lacks a field, or holds one of the wrong type, is skipped with a warning
 * instead of reaching the report (where it would crash) or counting as a finished run.
 */
import { brief } from '../io/json-guard.js';
import type { ResultLine } from './results.js';

type Check = (v: unknown) => boolean;

const isObject: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const str: Check = (v) => typeof v === 'string';
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const int: Check = (v) => Number.isSafeInteger(v);
const orNull = (c: Check): Check => (v) => v === null || c(v);
const optional = (c: Check): Check => (v) => v === undefined || c(v);
const arrayOf = (c: Check): Check => (v) => Array.isArray(v) && v.every(c);
const shape = (fields: Record<string, Check>): Check => (v) => isObject(v) && Object.entries(fields).every(([k, c]) => c((v as Record<string, unknown>)[k]));

// a diverged epoch's losses are NaN, stored as null
const numOrNull = orNull(num);
const epochLog = shape({
  epoch: int, loss: numOrNull, dataLoss: numOrNull, l2Loss: numOrNull, accuracy: numOrNull, lr: numOrNull,
  valLoss: optional(numOrNull), valAccuracy: optional(numOrNull), valRmse: optional(numOrNull), valR2: optional(numOrNull),
});

/** Every field of a result line and what it must hold (one table, read by {@link checkResultLine}). */
const FIELDS: Record<keyof ResultLine, [Check, string]> = {
  schema: [int, 'an integer'],
  id: [str, 'a string'],
  spec: [str, 'a string'],
  specFile: [str, 'a string'],
  dataset: [str, 'a string'],
  group: [str, 'a string'],
  variation: [str, 'a string'],
  seed: [int, 'an integer'],
  config: [shape({ layers: arrayOf(int), epochs: int, batchSize: int }), 'a TrainConfig object'],
  task: [optional((v) => v === 'classification' || v === 'regression'), '"classification" or "regression"'],
  status: [(v) => v === 'ok' || v === 'diverged', '"ok" or "diverged"'],
  error: [optional(str), 'a string'],
  testAccuracy: [orNull(num), 'a number or null'],
  testRegression: [optional(orNull(shape({ r2: num, rmse: num, mae: num }))), 'an object {r2, rmse, mae} or null'],
  testLoss: [orNull((v) => typeof v === 'number'), 'a number or null'],
  bestValAccuracy: [orNull(num), 'a number or null'],
  bestValR2: [optional(orNull(num)), 'a number or null'],
  bestValEpoch: [orNull(int), 'an integer or null'],
  trainSeconds: [num, 'a number'],
  wallSeconds: [num, 'a number'],
  secondsPerEpoch: [num, 'a number'],
  epochsRun: [int, 'an integer'],
  targetValAccuracy: [orNull(num), 'a number or null'],
  epochsToTarget: [orNull(int), 'an integer or null'],
  parameters: [int, 'an integer'],
  history: [arrayOf(epochLog), 'an array of epoch logs {epoch, loss, dataLoss, l2Loss, accuracy, lr, ...}'],
  confusion: [orNull(arrayOf(arrayOf(int))), 'an array of arrays of counts, or null'],
  classNames: [arrayOf(str), 'an array of strings'],
  imageShape: [optional((v) => Array.isArray(v) && v.length === 2 && v.every(int)), '[height, width]'],
  data: [shape({ seed: int, samples: optional(int), noise: optional(num) }), 'an object {seed, samples?, noise?}'],
  misclassified: [optional(arrayOf(shape({ index: int, label: int, predicted: int }))), 'an array of {index, label, predicted}'],
  machine: [shape({ cpu: str, cpus: int, memGiB: num, platform: str, arch: str }), 'an object {cpu, cpus, memGiB, platform, arch}'],
  versions: [shape({ node: str, scratchnet: str, backend: str }), 'an object {node, scratchnet, backend}'],
  finishedAt: [str, 'a string'],
};

/** The first thing wrong with a parsed results line, or null if it is a {@link ResultLine}. */
export function checkResultLine(v: unknown): string | null {
  if (!isObject(v)) return `expected an object, found ${brief(v)}`;
  const line = v as Record<string, unknown>;
  for (const [key, [check, expected]] of Object.entries(FIELDS)) {
    if (!check(line[key])) return `${key}: expected ${expected}, found ${brief(line[key], 40)}`;
  }
  // a finished run has the figures of its task
  if (line.status === 'ok') {
    if (line.task === 'regression' && !isObject(line.testRegression)) return `testRegression: expected an object {r2, rmse, mae} in a finished regression run, found ${brief(line.testRegression, 40)}`;
    if (line.task !== 'regression' && typeof line.testAccuracy !== 'number') return `testAccuracy: expected a number in a finished classification run, found ${brief(line.testAccuracy, 40)}`;
  }
  return null;
}
