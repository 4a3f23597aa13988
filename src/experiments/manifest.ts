/**
 * The report's record of the files it generated (`manifest.json` in its asset folder), so that a
 * regenerated report removes its own files that it no longer writes — and never anything else.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const MANIFEST = 'manifest.json';
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** File names a previous report recorded in `dir` (none if there is no readable manifest). */
export function readManifest(dir: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
  } catch {
    return [];
  }
  const files = (parsed as { files?: unknown } | null)?.files;
  return Array.isArray(files) ? files.filter((f): f is string => typeof f === 'string' && SAFE_NAME.test(f) && f !== MANIFEST) : [];
}

/**
 * Records `current` (names in `dir`) and deletes the names of `previous` that are not in it.
 * @returns the names removed
 */
export function updateManifest(dir: string, previous: string[], current: string[]): string[] {
  const keep = new Set(current);
  const stale = previous.filter((f) => !keep.has(f));
  for (const f of stale) rmSync(join(dir, f), { force: true });
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify({ generator: 'scratchnet report', files: [...current].sort() }, null, 2)}\n`);
  return stale;
}
