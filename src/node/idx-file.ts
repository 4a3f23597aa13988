/** IDX files in Node: read and write, plain or gzip (zlib registered by ./gzip.js). */
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeIdx, encodeIdx, type IdxData, type IdxTensor } from '../data/idx.js';
import { DataError } from '../errors.js';
import './gzip.js';

/** Reads an IDX file (plain or gzip). @throws DataError if missing or malformed */
export function readIdx(path: string): IdxTensor {
  let raw: Uint8Array;
  try {
    raw = readFileSync(path);
  } catch (e) {
    throw new DataError(`${path}: cannot read IDX file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeIdx(raw, path);
}

/** Writes an IDX file; `gzip: true` compresses it (readers detect this by the magic, not the name). */
export function writeIdx(path: string, t: { shape: number[]; data: IdxData }, opts: { gzip?: boolean } = {}): void {
  writeFileSync(path, encodeIdx(t, opts));
}
