/**
 * safetensors (https://github.com/huggingface/safetensors), written from the format description:
 * ```
 * offset 0       u64 little-endian N: header length in bytes
 * offset 8       N bytes of UTF-8 JSON, padded with spaces so that 8 + N is a multiple of 8:
 *                { "__metadata__": { string: string },
 *                  "<name>": { "dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end] }, ... }
 * offset 8 + N   data section: each tensor's row-major little-endian bytes at [begin, end) relative
 *                to this offset; tensors are contiguous, without gaps or overlap, and fill the section
 * ```
 * Only F32 tensors are read and written. See docs/format.md for scratchnet's metadata keys.
 */
import { ModelFileError, ShapeError } from '../errors.js';
import { brief, clip, parseJsonGuarded } from './json-guard.js';

/** A named float32 tensor; `data.length === prod(shape)`, row-major. */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsContents {
  /** Tensors in header order. */
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
  /** `__metadata__` (empty when absent). */
  metadata: Record<string, string>;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const F32_BYTES = 4;

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Encodes tensors and string metadata as safetensors bytes. Data is laid out in the given order.
 * @throws ShapeError if a tensor's data length differs from its shape; ModelFileError on a bad or duplicate name
 */
export function encodeSafetensors(tensors: NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new ModelFileError(`safetensors: metadata '${k}' must be a string, found ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__' || t.name in header) {
      throw new ModelFileError(`safetensors: tensor name '${t.name}' is reserved or used twice`);
    }
    if (!(t.data instanceof Float32Array)) throw new ShapeError(`safetensors: tensor '${t.name}' must be a Float32Array`);
    if (t.shape.some((d) => !Number.isInteger(d) || d < 0) || product(t.shape) !== t.data.length) {
      throw new ShapeError(`safetensors: tensor '${t.name}' of shape [${t.shape.join(', ')}] needs ${product(t.shape)} values, found ${t.data.length}`);
    }
    const bytes = t.data.length * F32_BYTES;
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded); // spaces, as the reference implementation pads
  let p = 8 + padded;
  for (const t of tensors) {
    if (LITTLE_ENDIAN) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), p);
    else for (let i = 0; i < t.data.length; i++) view.setFloat32(p + i * F32_BYTES, t.data[i], true);
    p += t.data.byteLength;
  }
  return out;
}

/**
 * Decodes safetensors bytes; every inconsistency is an error (nothing is guessed).
 * @param file  name used in error messages
 * @throws ModelFileError naming `file` and, where it applies, the byte offset
 */
export function decodeSafetensors(bytes: Uint8Array, file: string): SafetensorsContents {
  const fail = (msg: string, offset?: number) =>
    new ModelFileError(`${file}: ${offset === undefined ? '' : `at byte ${offset}: `}${msg}`);
  if (bytes.length < 8) {
    throw fail(`file is ${bytes.length} bytes, expected at least 8 (the header length) — not a safetensors file or truncated`, 0);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(bytes.length - 8)) {
    throw fail(`header length ${n64} reaches beyond the end of the file (${bytes.length} bytes, so at most ${bytes.length - 8}) — truncated or not a safetensors file`, 0);
  }
  const n = Number(n64);
  const dataStart = 8 + n;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
  } catch (e) {
    throw fail(`header (${n} bytes) is not valid UTF-8 JSON (${(e as Error).message})`, 8);
  }
  const header = parseJsonGuarded(text, (m) => fail(`header (${n} bytes): ${m}`, 8));
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw fail(`header must be a JSON object, found ${Array.isArray(header) ? 'an array' : typeof header}`, 8);
  }

  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [key, v] of Object.entries(header as Record<string, unknown>)) {
    const name = clip(key, 80); // for messages
    if (key === '__metadata__') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw fail(`__metadata__ must be an object of strings`, 8);
      for (const [k, s] of Object.entries(v)) {
        if (typeof s !== 'string') throw fail(`__metadata__ '${clip(k, 80)}' must be a string, found ${brief(s)}`, 8);
        metadata[k] = s;
      }
      continue;
    }
    const t = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof t !== 'object' || t === null) throw fail(`tensor '${name}': expected {dtype, shape, data_offsets}, found ${brief(v)}`, 8);
    if (t.dtype !== 'F32') throw fail(`tensor '${name}': unsupported dtype ${brief(t.dtype)}, expected "F32"`, 8);
    const shape = t.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw fail(`tensor '${name}': shape must be an array of non-negative integers, found ${brief(shape)}`, 8);
    }
    const off = t.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw fail(`tensor '${name}': data_offsets must be [begin, end] of non-negative integers, found ${brief(off)}`, 8);
    }
    const [begin, end] = off as [number, number];
    const dataLen = bytes.length - dataStart;
    if (begin > end || end > dataLen) {
      throw fail(
        `tensor '${name}': data_offsets [${begin}, ${end}] out of range: expected 0 ≤ begin ≤ end ≤ ${dataLen} (the data section, bytes ${dataStart}..${bytes.length})`,
        dataStart + Math.min(begin, dataLen),
      );
    }
    const expected = product(shape as number[]) * F32_BYTES;
    if (end - begin !== expected) {
      throw fail(`tensor '${name}': F32 shape ${clip(`[${shape.join(', ')}]`)} needs ${expected} bytes, data_offsets [${begin}, ${end}] hold ${end - begin}`, dataStart + begin);
    }
    entries.push({ name: key, shape: shape as number[], begin, end });
  }

  checkTiling(entries, dataStart, bytes.length, fail);
  const tensors = copyTensors(bytes, view, dataStart, entries);
  return { tensors, metadata };
}

type Entry = { name: string; shape: number[]; begin: number; end: number };

/** Tensors must tile the data section exactly: no overlap, no gap, nothing after the last one. */
function checkTiling(entries: readonly Entry[], dataStart: number, fileLength: number, fail: (msg: string, offset?: number) => ModelFileError): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin < cursor) {
      throw fail(`tensor '${clip(e.name, 80)}': data_offsets [${e.begin}, ${e.end}] overlap the previous tensor, which ends at ${cursor}`, dataStart + e.begin);
    }
    if (e.begin > cursor) {
      throw fail(`tensor '${clip(e.name, 80)}': data_offsets begin at ${e.begin}, expected ${cursor} (gap of ${e.begin - cursor} bytes)`, dataStart + cursor);
    }
    cursor = e.end;
  }
  if (dataStart + cursor !== fileLength) {
    throw fail(`trailing bytes: tensors end at byte ${dataStart + cursor}, found ${fileLength - dataStart - cursor} more bytes`, dataStart + cursor);
  }
}

/** Each tensor's bytes copied into a fresh, aligned Float32Array (little-endian on any host). */
function copyTensors(bytes: Uint8Array, view: DataView, dataStart: number, entries: readonly Entry[]): Map<string, { shape: number[]; data: Float32Array }> {
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const e of entries) {
    const count = (e.end - e.begin) / F32_BYTES;
    let data: Float32Array;
    if (LITTLE_ENDIAN) {
      // Copy into a fresh, aligned buffer (not `bytes.slice`: on a Node Buffer that is a view).
      data = new Float32Array(count);
      new Uint8Array(data.buffer).set(bytes.subarray(dataStart + e.begin, dataStart + e.end));
    } else {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + e.begin + i * F32_BYTES, true);
    }
    tensors.set(e.name, { shape: e.shape, data });
  }
  return tensors;
}
