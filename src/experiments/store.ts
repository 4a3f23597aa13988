/**
 * Where a study's result lines are kept, as the runner sees it: results.jsonl at the Node edge
 * (src/node/experiments/results-file.ts), anything with the same four operations elsewhere.
 */
import type { Checkpoint } from '../nn/checkpoint.js';
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

/**
 * Training checkpoints of a study's runs by run id (`ablate --checkpoint-dir`; at the Node edge a
 * folder per run): a run stopped midway goes on from its newest checkpoint when the study resumes.
 */
export interface RunCheckpoints {
  /** Names the checkpoints' place in messages. */
  readonly name: string;
  /** Throws a ConfigError when checkpoints could not be written; called before any training. */
  checkWritable(): void;
  /** Run `id`'s newest readable checkpoint, or undefined. */
  newest(id: string): Checkpoint | undefined;
  /** Stores a checkpoint of run `id`, whole or not at all. */
  save(id: string, bytes: Uint8Array, globalStep: number): void;
  /** Removes run `id`'s checkpoints (its result line is stored). */
  clear(id: string): void;
}
