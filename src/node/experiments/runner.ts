/**
 * `scratchnet ablate` on this machine: the study runner (src/experiments/runner.ts) appending to a
 * results.jsonl file, its progress on stderr, and this machine and Node version in each line.
 */
import { runStudyWith, type StudyRunOptions, type StudySummary } from '../../experiments/runner.js';
import { machineInfo, scratchnetVersion } from './machine.js';
import { StudyProgress } from './progress.js';
import { resultsFile } from './results-file.js';
import { columnsOf, wrapText } from '../terminal.js';

export interface StudyOptions extends Omit<StudyRunOptions, 'log' | 'progress' | 'machine' | 'versions'> {
  /** results.jsonl to append to. */
  out: string;
  /** Messages (default stderr). */
  log?: NodeJS.WriteStream;
}

/** Runs (or, with `dryRun`, lists) the study's runs that are not yet in `out`. */
export function runStudy({ out, log = process.stderr, ...opts }: StudyOptions): Promise<StudySummary> {
  const versions = { node: process.version, scratchnet: scratchnetVersion() };
  // the runner's messages within the terminal's width
  const messages = { write: (text: string) => log.write(wrapText(text, columnsOf(log))) };
  return runStudyWith(resultsFile(out), { ...opts, log: messages, progress: new StudyProgress(log), machine: machineInfo(), versions });
}
