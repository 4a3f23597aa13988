/**
 * The report's record of the files it generated (`manifest.json` in its asset folder), so that a
 * regenerated report removes its own files that it no longer writes — and never anything else.
 * The file is read and written at the Node edge (src/node/experiments/manifest-file.ts).
 */

export const MANIFEST = 'manifest.json';
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** File names a manifest's text records (none if it is not a manifest); never a path, never the manifest itself. */
export function manifestFiles(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const files = (parsed as { files?: unknown } | null)?.files;
  return Array.isArray(files) ? files.filter((f): f is string => typeof f === 'string' && SAFE_NAME.test(f) && f !== MANIFEST) : [];
}

/** The manifest's text recording `files`. */
export function manifestText(files: string[]): string {
  return `${JSON.stringify({ generator: 'scratchnet report', files: [...files].sort() }, null, 2)}\n`;
}

/** The names of `previous` not in `current`: the files a regenerated report removes. */
export function staleFiles(previous: string[], current: string[]): string[] {
  const keep = new Set(current);
  return previous.filter((f) => !keep.has(f));
}
