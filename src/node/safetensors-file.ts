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
 * removed and an existing `path` is left untouched.
 * @param what  what the file is, for the error message (e.g. `'model file'`)
 * @throws ModelFileError naming `path`
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, what = 'file'): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.${tmpCounter++}.tmp`);
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
