/**
 * Completeness of the studies in results files on disk (`report`, `ablate --status`): each file's
 * lines grouped by the spec file they name, each spec read again and its grid checked
 * (src/experiments/completeness.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { completeness, completenessLines } from '../../experiments/completeness.js';
import type { ResultLine } from '../../experiments/results.js';
import { loadSpec } from './spec-file.js';
import { readResults } from './results-file.js';

/** The results files of a study folder: `results.jsonl` and the shards' `results-<i>of<n>.jsonl`, sorted. */
export function studyResultFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^results(-\d+of\d+)?\.jsonl$/.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((f) => join(dir, f));
}

/**
 * One completeness report per spec file named in `files`' lines (a spec file no longer on disk is
 * said, not checked). Lines of a spec are checked against every file that holds some of them.
 */
export function completenessOfFiles(files: string[]): string[] {
  const bySpec = new Map<string, { results: ResultLine[]; files: Set<string> }>();
  for (const file of files) {
    for (const r of readResults(file).results) {
      const entry = bySpec.get(r.specFile) ?? { results: [], files: new Set<string>() };
      entry.results.push(r);
      entry.files.add(file);
      bySpec.set(r.specFile, entry);
    }
  }
  const out: string[] = [];
  for (const [specFile, { results, files: holding }] of [...bySpec].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!existsSync(specFile)) {
      out.push(`unchecked: ${specFile} is not here, so the runs its study lacks are unknown`);
      continue;
    }
    out.push(...completenessLines(completeness(loadSpec(specFile), specFile, results), [...holding]));
  }
  return out;
}
