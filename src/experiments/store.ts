/**
 * Where a study's result lines are kept, as the runner sees it: results.jsonl at the Node edge
 * (src/node/experiments/results-file.ts), anything with the same four operations elsewhere.
 */
import type { ParsedResults, ResultLine } from './results.js';

export interface ResultStore {
  /** Names the store in messages (the results file's path). */
  readonly name: string;
  /** Throws a ConfigError when lines could not be appended; called before any training. */
  checkWritable(): void;
  /** Removes a torn last line left by a killed writer: a message saying so, or null if there was none. */
  repairTail(): string | null;
  /** The lines stored so far, and a warning for each line skipped. */
  read(): ParsedResults;
  /** Appends one line, whole or not at all (at worst a torn last line that `repairTail` removes). */
  append(line: ResultLine): void;
}
