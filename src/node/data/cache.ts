/**
 * Where file-backed datasets live on disk, and how to find them.
 *
 * A dataset named `NAME` is looked up, in order, in
 * 1. the explicit directory (`--data-dir DIR` / `opts.dir`): `DIR` itself, then `DIR/NAME`;
 * 2. `$SCRATCHNET_DATA/NAME`;
 * 3. the user cache, `$XDG_CACHE_HOME/scratchnet/NAME` or `~/.cache/scratchnet/NAME`
 *    (where `scratchnet data download NAME` puts it);
 * 4. `/usr/share/datasets/NAME` (Debian's `dataset-*` packages).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../../errors.js';

/** One place a dataset was looked for. */
export interface SearchPlace {
  dir: string;
  /** Where the place comes from, e.g. `'--data-dir'`, `'$SCRATCHNET_DATA'`, `'user cache'`. */
  origin: string;
}

/** The user cache directory of dataset `name`: `$XDG_CACHE_HOME/scratchnet/NAME` or `~/.cache/scratchnet/NAME`. */
export function cacheDir(name: string, env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.trim() !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'scratchnet', name);
}

/** Debian's system-wide dataset directory (`apt-get install dataset-NAME`). */
export const SYSTEM_DATASETS_DIR = '/usr/share/datasets';

/** The directories searched for dataset `name`, in lookup order (see the module comment). */
export function searchPlaces(
  name: string,
  { dir, env = process.env, systemDir = SYSTEM_DATASETS_DIR }: { dir?: string; env?: Record<string, string | undefined>; systemDir?: string } = {},
): SearchPlace[] {
  const places: SearchPlace[] = [];
  if (dir) places.push({ dir, origin: '--data-dir' }, { dir: join(dir, name), origin: '--data-dir' });
  if (env.SCRATCHNET_DATA) places.push({ dir: join(env.SCRATCHNET_DATA, name), origin: '$SCRATCHNET_DATA' });
  places.push({ dir: cacheDir(name, env), origin: 'user cache' });
  places.push({ dir: join(systemDir, name), origin: 'system (Debian package)' });
  return places;
}

/** Result of {@link locateFiles}. */
export interface Located {
  /** The first place holding every file, or undefined. */
  dir?: string;
  /** Every place looked at, with how many of the files it holds. */
  searched: { place: SearchPlace; present: number }[];
}

/**
 * Finds the first of `places` that holds every name of one of the `fileSets` (e.g. the `.gz`
 * names, or the uncompressed ones).
 * @returns the directory and the file set found there, plus what was searched (for error messages)
 */
export function locateFiles(places: SearchPlace[], fileSets: string[][]): Located & { files?: string[] } {
  const searched: Located['searched'] = [];
  for (const place of places) {
    let best = 0;
    for (const files of fileSets) {
      const present = files.filter((f) => existsSync(join(place.dir, f))).length;
      if (present === files.length) {
        searched.push({ place, present });
        return { dir: place.dir, files, searched };
      }
      best = Math.max(best, present);
    }
    searched.push({ place, present: best });
  }
  return { searched };
}

/** SHA-256 (lowercase hex) of a file, streamed (no whole-file buffer). */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** The message of a missing dataset: every place searched, and the two ways to get the files. */
export function missingMessage(name: string, files: string[], searched: Located['searched'], otherWay: string): string {
  const where = searched.map(({ place, present }) => `  ${place.dir} (${place.origin}): ${present === 0 ? 'not found' : `only ${present} of ${files.length} files`}`);
  return [
    `${name}: dataset not found; expected the files ${files.join(', ')} in one of:`,
    ...where,
    `get it with 'scratchnet data download ${name}' (into the user cache) or ${otherWay}`,
  ].join('\n');
}

/**
 * Checks each file's SHA-256 against its accepted hashes.
 * @returns the matching hash of each file, keyed by name
 * @throws DataError naming the file, the accepted hashes and the one found
 */
export async function verifyFiles(name: string, dir: string, files: string[], accepted: Record<string, readonly string[]>): Promise<Record<string, string>> {
  const found = await Promise.all(files.map((f) => sha256File(join(dir, f))));
  const matched: Record<string, string> = {};
  files.forEach((f, i) => {
    const ok = accepted[f] ?? [];
    if (!ok.includes(found[i])) {
      throw new DataError(
        `${join(dir, f)}: SHA-256 mismatch (file corrupt or not the official version): expected ${ok.join(' or ')}, found ${found[i]}; ` +
          `delete it and run 'scratchnet data download ${name}'`,
      );
    }
    matched[f] = found[i];
  });
  return matched;
}
