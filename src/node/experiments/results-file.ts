/**
 * results.jsonl on disk: lines appended with one `appendFileSync` each, read back (missing file: no
 * results), a torn last line cut off; the runner's {@link ResultStore} over such a file.
 */
import { accessSync, appendFileSync, constants, existsSync, mkdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, DataError } from '../../errors.js';
import { canonicalJson } from '../../experiments/json.js';
import { parseResults, resultsTail, type ParsedResults, type ResultLine } from '../../experiments/results.js';
import type { ResultStore } from '../../experiments/store.js';
import { guardWrite } from '../write-error.js';

/**
 * Appends one result as a single `appendFileSync` of `line + '\n'` (O_APPEND): a killed process
 * leaves at worst a torn last line, which {@link repairResultsTail} removes.
 */
export function appendResult(path: string, result: ResultLine): void {
  guardWrite(path, 'results file', () => {
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, canonicalJson(result) + '\n');
  });
}

/** Reads a results file (missing file: no results). */
export function readResults(path: string): ParsedResults {
  if (!existsSync(path)) return { results: [], warnings: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DataError(`${path}: cannot read the results file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseResults(text, path);
}

/**
 * Truncates a torn last line (one that does not parse, left by a killed writer) so that appends
 * start on a fresh line. Returns a message saying what was removed, or null if the file was sound.
 */
export function repairResultsTail(path: string): string | null {
  if (!existsSync(path)) return null;
  const tail = resultsTail(readFileSync(path));
  if (!tail.torn) {
    if (!tail.newline) guardWrite(path, 'results file', () => appendFileSync(path, '\n')); // complete object, newline lost
    return null;
  }
  guardWrite(path, 'results file', () => truncateSync(path, tail.start));
  return `${path}: removed a torn last line (${tail.bytes} bytes, from an interrupted run); that run will be redone`;
}

/** Fails before any training when the results file cannot be written (its folder is created if missing). */
function checkWritable(out: string): void {
  let dir = dirname(resolve(out));
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  if (!existsSync(out) && !statSync(dir).isDirectory()) {
    throw new ConfigError(`${out}: the results file cannot be created: ${dir} is not a folder; nothing was run`);
  }
  try {
    accessSync(existsSync(out) ? out : dir, constants.W_OK);
  } catch {
    throw new ConfigError(`${out}: the results file cannot be written (no write permission on ${existsSync(out) ? out : dir}); nothing was run`);
  }
}

/** The results file `path` as the runner's store. */
export function resultsFile(path: string): ResultStore {
  return {
    name: path,
    checkWritable: () => checkWritable(path),
    repairTail: () => repairResultsTail(path),
    read: () => readResults(path),
    append: (line) => appendResult(path, line),
  };
}
