/**
 * safetensors files in Node: read and decode, and atomic writes (temp file, fsync, rename).
 * The format itself (bytes in, bytes out) is platform-neutral: src/io/safetensors.ts.
 */
import fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ModelFileError } from '../errors.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensor, type SafetensorsContents } from '../io/safetensors.js';

/** Reads and decodes a safetensors file. @throws ModelFileError if missing, unreadable or corrupt */
export function loadSafetensorsFile(path: string): SafetensorsContents {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? `${path}: model file not found` : `${path}: cannot read model file (${code ?? (e as Error).message})`);
  }
  return decodeSafetensors(bytes, path);
}

let tmpCounter = 0;

/** Name of a temp file of {@link writeFileAtomic} for `base`: `.<base>.<pid>.<ms>.<counter>.tmp`. */
const tmpName = (base: string) => `.${base}.${process.pid}.${Date.now()}.${tmpCounter++}.tmp`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Removes temp files a killed save to `path` left behind: only names of our own pattern for this
 * very file, and only of processes that are gone (ours are never left: a failed write removes its
 * temp file before it returns). Best effort: a listing or removal that fails is skipped.
 */
export function removeStaleTemps(dir: string, base: string): string[] {
  const prefix = `.${base}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)\.\d+\.\d+\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && isAlive(pid)) continue; // another process may be saving right now
    try {
      fs.rmSync(join(dir, name), { force: true });
      removed.push(name);
    } catch {
      /* not ours to fight over */
    }
  }
  return removed;
}

/**
 * Writes a safetensors file atomically: encode, write a temp file in the same directory, fsync,
 * rename over `path`. Readers see the old file or the new one, never a half-written one; on
 * failure the temp file is removed and an existing `path` is left untouched.
 * @throws ModelFileError naming `path`
 */
export function saveSafetensorsAtomic(path: string, tensors: NamedTensor[], metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata), 'model file');
}

/**
 * Writes `bytes` to `path` atomically: a temp file in the same directory, fsync, rename over `path`.
 * Readers see the old file or the new one, never a half-written one; on failure the temp file is
 * removed and an existing `path` is left untouched. Temp files of earlier saves to `path` that were
 * killed are removed first ({@link removeStaleTemps}).
 * @param what  what the file is, for the error message (e.g. `'model file'`)
 * @throws ModelFileError naming `path`
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, what = 'file'): void {
  const dir = dirname(path);
  removeStaleTemps(dir, basename(path));
  const tmp = join(dir, tmpName(basename(path)));
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx');
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already failing; the original error is the one to report */
      }
    }
    fs.rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(`${path}: could not save ${what} (${code ?? (e as Error).message}); any previous file is unchanged`);
  }
  // Persist the rename itself (best effort: directories cannot be opened on every platform).
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    /* not supported here */
  }
}
