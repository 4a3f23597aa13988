/**
 * Is a study complete? Its spec's grid against the result lines of every file that holds its runs
 * (shards merge by concatenation): how many runs are done, which are missing, how many lines
 * repeat a run, and the commands that finish the rest.
 */
import { expandGrid, parseShardFileName, shardFileName, type PlannedRun } from './grid.js';
import type { ResultLine } from './results.js';
import type { StudySpec } from './spec.js';

export interface Completeness {
  spec: string;
  specFile: string;
  /** Runs of the spec's full grid. */
  total: number;
  /** Grid runs with a result (diverged runs count: a divergence is a result). */
  done: number;
  diverged: number;
  /** Lines of this spec's runs beyond the first of each (merged or resumed files). */
  duplicates: number;
  /** Lines of this spec's name that match no run of the grid (an edited spec). */
  stale: number;
  missing: PlannedRun[];
}

/** How `results` (lines of any spec, duplicates allowed) cover `spec`'s grid. */
export function completeness(spec: StudySpec, specFile: string, results: ResultLine[]): Completeness {
  const grid = expandGrid(spec);
  const gridIds = new Set(grid.map((r) => r.id));
  const seen = new Map<string, ResultLine>();
  let lines = 0;
  let stale = 0;
  for (const r of results) {
    if (r.spec !== spec.name) continue;
    if (!gridIds.has(r.id)) {
      stale++;
      continue;
    }
    lines++;
    seen.set(r.id, r);
  }
  const missing = grid.filter((r) => !seen.has(r.id));
  const diverged = [...seen.values()].filter((r) => r.status !== 'ok').length;
  return { spec: spec.name, specFile, total: grid.length, done: seen.size, diverged, duplicates: lines - seen.size, stale, missing };
}

const describe = (r: PlannedRun) => `${r.dataset} ${r.group}/${r.variation} seed ${r.seed}`;
/** Missing runs listed by name; more than this are counted. */
const LIST_MISSING = 10;

/**
 * The completeness line of a study, then (when runs are missing) the first of them and the commands
 * that run them: one per shard when `files` are shard files `results-<i>of<n>.jsonl` of one `n`,
 * else one that resumes a file holding all the results.
 */
export function completenessLines(c: Completeness, files: string[]): string[] {
  const extra = [
    c.diverged ? `${c.diverged} diverged (a result, not a failure)` : '',
    c.duplicates ? `${c.duplicates} duplicate lines counted once` : '',
    c.stale ? `${c.stale} lines match no run of the spec (an edited spec?)` : '',
  ].filter(Boolean);
  const head = `${c.spec} (${c.specFile}): ${c.done} of ${c.total} runs done, ${c.missing.length} missing${extra.length ? `; ${extra.join('; ')}` : ''}`;
  if (c.missing.length === 0) return [`complete: ${head}`];
  const lines = [`incomplete: ${head}`];
  for (const r of c.missing.slice(0, LIST_MISSING)) lines.push(`  missing ${r.id}  ${describe(r)}`);
  if (c.missing.length > LIST_MISSING) lines.push(`  … and ${c.missing.length - LIST_MISSING} more`);
  lines.push('  to finish them:');
  const shards = files.map((f) => parseShardFileName(f));
  const counts = new Set(shards.map((s) => s?.count));
  if (files.length && shards.every((s) => s) && counts.size === 1) {
    const count = shards[0]!.count;
    const byIndex = new Map(shards.map((s, i) => [s!.index, files[i]]));
    const needed = new Set(c.missing.map((r) => (r.index % count) + 1));
    for (const index of [...needed].sort((a, b) => a - b)) {
      const out = byIndex.get(index) ?? files[0].replace(/results-\d+of\d+\.jsonl$/, shardFileName({ index, count }));
      lines.push(`    scratchnet ablate --spec ${c.specFile} --shard ${index}/${count} --out ${out}`);
    }
  } else if (files.length === 0) {
    lines.push(`    scratchnet ablate --spec ${c.specFile}   # or its shards: --shard i/n`);
  } else if (files.length === 1) {
    lines.push(`    scratchnet ablate --spec ${c.specFile} --out ${files[0]}`);
  } else {
    const merged = 'results.jsonl';
    lines.push(`    cat ${files.join(' ')} > ${merged}`, `    scratchnet ablate --spec ${c.specFile} --out ${merged}`);
  }
  return lines;
}
