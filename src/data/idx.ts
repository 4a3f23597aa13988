/**
 * IDX files (the MNIST format), plain or gzip-compressed.
 *
 * Layout (all multi-byte numbers big-endian):
 * ```
 * offset 0   0x00 0x00              magic
 * offset 2   dtype code (u8)        0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
 * offset 3   ndims (u8)
 * offset 4   ndims × u32 dims
 * then       prod(dims) elements, row-major
 * ```
 * See http://yann.lecun.com/exdb/mnist/ (bottom of the page).
 */
import { DataError } from '../errors.js';

/**
 * Synchronous gzip for IDX files, given by the platform (Node registers zlib in src/node/gzip.ts; a
 * browser has none — inflate there with `DecompressionStream` first, or serve the files unpacked).
 */
export interface GzipCodec {
  /** Inflates; throws on a corrupt stream or past `maxBytes` of output. */
  gunzip(bytes: Uint8Array, maxBytes: number): Uint8Array;
  /**
   * Inflates what `bytes`, the first bytes of a gzip stream, hold — without failing on their end
   * (the IDX header is read this way first, so that a declared size bounds the full inflate).
   * Without it, the whole stream is inflated up to {@link MAX_IDX_BYTES} before any check.
   */
  gunzipPrefix?(bytes: Uint8Array): Uint8Array;
  gzip(bytes: Uint8Array): Uint8Array;
}

let codec: GzipCodec | null = null;

/** Sets the gzip codec {@link decodeIdx} and {@link encodeIdx} use. */
export function setGzipCodec(c: GzipCodec): void {
  codec = c;
}

function needCodec(file: string): GzipCodec {
  if (!codec) throw new DataError(`${file}: gzip-compressed IDX, and this platform has no gzip codec: inflate it first (e.g. DecompressionStream('gzip')) or use the unpacked file`);
  return codec;
}

/** The most bytes an IDX stream may declare or inflate to (2 GiB: far above any real image set). */
export const MAX_IDX_BYTES = 2 ** 31 - 1;
/** Compressed bytes inflated to find the IDX header (at most ~1032× as many come out: deflate's limit). */
const GZIP_HEAD_BYTES = 512;
/** Most bytes deflate can make of one input byte (a 258-byte match in two bits). */
const DEFLATE_MAX_RATIO = 1032;

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX tensor: `data` is row-major, `data.length === prod(shape)`, native byte order. */
export interface IdxTensor {
  dtype: IdxDType;
  shape: number[];
  data: IdxData;
}

interface DTypeInfo {
  code: number;
  name: IdxDType;
  bytes: number;
  make: (n: number) => IdxData;
  /** Reads element at byte `o` of a big-endian view. */
  read: (v: DataView, o: number) => number;
  write: (v: DataView, o: number, x: number) => void;
}

const DTYPES: DTypeInfo[] = [
  { code: 0x08, name: 'uint8', bytes: 1, make: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o), write: (v, o, x) => v.setUint8(o, x) },
  { code: 0x09, name: 'int8', bytes: 1, make: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o), write: (v, o, x) => v.setInt8(o, x) },
  { code: 0x0b, name: 'int16', bytes: 2, make: (n) => new Int16Array(n), read: (v, o) => v.getInt16(o), write: (v, o, x) => v.setInt16(o, x) },
  { code: 0x0c, name: 'int32', bytes: 4, make: (n) => new Int32Array(n), read: (v, o) => v.getInt32(o), write: (v, o, x) => v.setInt32(o, x) },
  { code: 0x0d, name: 'float32', bytes: 4, make: (n) => new Float32Array(n), read: (v, o) => v.getFloat32(o), write: (v, o, x) => v.setFloat32(o, x) },
  { code: 0x0e, name: 'float64', bytes: 8, make: (n) => new Float64Array(n), read: (v, o) => v.getFloat64(o), write: (v, o, x) => v.setFloat64(o, x) },
];

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

/** True if `bytes` starts with the gzip magic `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decodes IDX bytes (gzip is detected by its magic and inflated first). For 1-byte dtypes the
 * returned `data` is a view over `raw` (or its inflated copy), not a copy.
 * @param file  name used in error messages
 * @throws DataError naming `file`, the byte offset (in the uncompressed stream), expected and found
 */
export function decodeIdx(raw: Uint8Array, file: string): IdxTensor {
  const bytes = isGzip(raw) ? gunzipIdx(raw, file) : raw;
  const at = (offset: number, msg: string) => new DataError(`${file}: at byte ${offset}: ${msg}`);
  if (bytes.length < 4) {
    throw at(bytes.length, `truncated header: expected 4 bytes (magic 00 00, dtype, ndims), found ${bytes.length}`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw at(0, `wrong magic: expected 0x00 0x00, found ${hex(bytes[0])} ${hex(bytes[1])} (not an IDX file)`);
  }
  const info = DTYPES.find((d) => d.code === bytes[2]);
  if (!info) {
    const known = DTYPES.map((d) => `${hex(d.code)} ${d.name}`).join(', ');
    throw at(2, `unknown dtype code: expected one of ${known}, found ${hex(bytes[2])}`);
  }
  const ndims = bytes[3];
  const headerLen = 4 + 4 * ndims;
  if (bytes.length < headerLen) {
    throw at(bytes.length, `truncated header: ${ndims} dims need ${headerLen} header bytes, found ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndims; i++) shape.push(view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const dataBytes = count * info.bytes;
  const found = bytes.length - headerLen;
  if (found < dataBytes) {
    throw at(
      bytes.length,
      `truncated data: shape [${shape.join(', ')}] of ${info.name} expects ${dataBytes} bytes of data, found ${found}`,
    );
  }
  if (found > dataBytes) {
    throw at(
      headerLen + dataBytes,
      `trailing garbage: expected end of file after ${dataBytes} bytes of data, found ${found - dataBytes} more bytes`,
    );
  }
  let data: IdxData;
  if (info.bytes === 1) {
    // Single bytes need no conversion: a view over the input, no copy (the input must not be reused).
    const at = bytes.byteOffset + headerLen;
    data = info.name === 'uint8' ? new Uint8Array(bytes.buffer, at, count) : new Int8Array(bytes.buffer, at, count);
  } else {
    data = info.make(count);
    for (let i = 0, o = headerLen; i < count; i++, o += info.bytes) data[i] = info.read(view, o);
  }
  return { dtype: info.name, shape, data };
}

/**
 * Inflates a gzip IDX stream, bounded by what its header declares: the first compressed bytes are
 * inflated to read the header, the declared size is checked against {@link MAX_IDX_BYTES} and
 * against what the compressed length can hold, and the full inflate stops at that size.
 */
function gunzipIdx(raw: Uint8Array, file: string): Uint8Array {
  const gz = needCodec(file);
  let limit = MAX_IDX_BYTES;
  if (gz.gunzipPrefix) {
    let head: Uint8Array;
    try {
      head = gz.gunzipPrefix(raw.subarray(0, GZIP_HEAD_BYTES));
    } catch (e) {
      throw new DataError(`${file}: gzip stream is corrupt (${(e as Error).message})`);
    }
    const info = head.length >= 4 ? DTYPES.find((d) => d.code === head[2]) : undefined;
    if (head.length >= 4 && (head[0] !== 0 || head[1] !== 0 || !info)) return head; // not IDX: decodeIdx says why
    const ndims = head.length >= 4 ? head[3] : 0;
    if (info && head.length >= 4 + 4 * ndims) {
      const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
      let count = 1;
      for (let i = 0; i < ndims; i++) count *= view.getUint32(4 + 4 * i);
      const declared = 4 + 4 * ndims + count * info.bytes;
      if (declared > MAX_IDX_BYTES) {
        throw new DataError(`${file}: the IDX header declares ${declared} bytes (${count} ${info.name} elements), more than the limit ${MAX_IDX_BYTES}`);
      }
      if (declared > DEFLATE_MAX_RATIO * raw.length + GZIP_HEAD_BYTES) {
        throw new DataError(`${file}: the IDX header declares ${declared} bytes, more than ${raw.length} gzip bytes can inflate to — truncated file`);
      }
      limit = declared;
    } else if (raw.length > GZIP_HEAD_BYTES) {
      throw new DataError(`${file}: the first ${GZIP_HEAD_BYTES} gzip bytes inflate to ${head.length} bytes, not a whole IDX header — not an IDX file`);
    }
  }
  try {
    return gz.gunzip(raw, limit);
  } catch (e) {
    const more = limit < MAX_IDX_BYTES ? ` or longer than the ${limit} bytes its IDX header declares` : '';
    throw new DataError(`${file}: gzip stream is corrupt, truncated${more} (${(e as Error).message})`);
  }
}

function dtypeOf(data: IdxData): DTypeInfo {
  const name: IdxDType =
    data instanceof Uint8Array ? 'uint8'
    : data instanceof Int8Array ? 'int8'
    : data instanceof Int16Array ? 'int16'
    : data instanceof Int32Array ? 'int32'
    : data instanceof Float32Array ? 'float32'
    : 'float64';
  return DTYPES.find((d) => d.name === name)!;
}

/**
 * Encodes a tensor as IDX bytes (big-endian); the dtype follows the typed array of `data`.
 * @param shape  dims, each < 2^32; `prod(shape)` must equal `data.length`
 */
export function encodeIdx(t: { shape: number[]; data: IdxData }, { gzip = false } = {}): Uint8Array {
  const info = dtypeOf(t.data);
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (t.shape.length > 255) throw new DataError(`encodeIdx: at most 255 dims, found ${t.shape.length}`);
  if (t.shape.some((d) => !Number.isInteger(d) || d < 0 || d > 0xffffffff)) {
    throw new DataError(`encodeIdx: dims must be integers in [0, 2^32), found [${t.shape.join(', ')}]`);
  }
  if (count !== t.data.length) {
    throw new DataError(`encodeIdx: shape [${t.shape.join(', ')}] needs ${count} elements, data has ${t.data.length}`);
  }
  const headerLen = 4 + 4 * t.shape.length;
  const out = new Uint8Array(headerLen + count * info.bytes);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = t.shape.length;
  t.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  if (info.bytes === 1) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, count), headerLen);
  else for (let i = 0, o = headerLen; i < count; i++, o += info.bytes) info.write(view, o, t.data[i]);
  return gzip ? needCodec('encodeIdx').gzip(out) : out;
}
