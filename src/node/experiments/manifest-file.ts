/** The report's manifest file in its asset folder (src/experiments/manifest.ts): read, rewritten, stale files removed. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST, manifestFiles, manifestText, staleFiles } from '../../experiments/manifest.js';

/** File names a previous report recorded in `dir` (none if there is no readable manifest). */
export function readManifest(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST), 'utf8');
  } catch {
    return [];
  }
  return manifestFiles(text);
}

/**
 * Records `current` (names in `dir`) and deletes the names of `previous` that are not in it.
 * @returns the names removed
 */
export function updateManifest(dir: string, previous: string[], current: string[]): string[] {
  const stale = staleFiles(previous, current);
  for (const f of stale) rmSync(join(dir, f), { force: true });
  writeFileSync(join(dir, MANIFEST), manifestText(current));
  return stale;
}
