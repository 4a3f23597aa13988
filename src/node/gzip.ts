/**
 * gzip at the Node edge: the IDX codec (registered for its effect by every Node module that reads
 * IDX) and {@link gunzipCapped} for other packed files.
 *
 * Inflating is fflate's, in JavaScript, a slice of the input at a time: the output stops at a cap
 * (a gzip bomb fails after `maxBytes`, not after filling the memory), and a corrupt stream fails as
 * an ordinary exception whose memory the garbage collector takes back. Node's `gunzipSync` keeps
 * ~16 KiB per failed call until the event loop turns — without end in a synchronous loop over
 * corrupt files. Compressing (trusted bytes, ours) stays with zlib.
 */
import * as zlib from 'node:zlib';
import { Gunzip } from 'fflate';
import { setGzipCodec } from '../data/idx.js';

/** Compressed bytes inflated per step: one step makes at most ~1032× as many (deflate's limit), ~66 MB before the cap is checked. */
const SLICE_BYTES = 64 * 1024;
/** First output buffer, as a multiple of the compressed size (IDX images pack about 2:1); it doubles as needed, up to the cap. */
const FIRST_RATIO = 4;

/**
 * Inflates a gzip stream of one member, at most `maxBytes` of output; with `prefix`, `bytes` are
 * the first bytes of a longer stream and what they hold is returned (no end, no checksum expected).
 * @throws Error on a corrupt or truncated stream, a wrong CRC-32 or length, or more than `maxBytes` of output
 */
export function gunzipCapped(bytes: Uint8Array, maxBytes: number, { prefix = false } = {}): Uint8Array {
  // grows with what comes out, never to more than the cap: a small file that declares much allocates little
  let out = new Uint8Array(Math.min(maxBytes, FIRST_RATIO * bytes.length + 1024));
  let length = 0;
  const inflater = new Gunzip((chunk) => {
    if (length + chunk.length > maxBytes) throw new Error(`inflates to more than ${maxBytes} bytes`);
    if (length + chunk.length > out.length) {
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(2 * out.length, length + chunk.length)));
      grown.set(out.subarray(0, length));
      out = grown;
    }
    out.set(chunk, length);
    length += chunk.length;
  });
  for (let at = 0; at < bytes.length || at === 0; at += SLICE_BYTES) {
    const end = Math.min(bytes.length, at + SLICE_BYTES);
    inflater.push(bytes.subarray(at, end), !prefix && end === bytes.length);
  }
  const data = out.subarray(0, length);
  if (!prefix) checkTrailer(bytes, data);
  return data;
}

/** The gzip trailer (CRC-32 and length mod 2^32 of the data, little-endian) against the inflated data. */
function checkTrailer(bytes: Uint8Array, data: Uint8Array): void {
  if (bytes.length < 18) throw new Error('no gzip trailer');
  const view = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 8);
  if (view.getUint32(4, true) !== data.length % 2 ** 32) throw new Error(`the trailer's length ${view.getUint32(4, true)} is not the ${data.length} bytes inflated (one gzip member expected)`);
  if (view.getUint32(0, true) !== crc32(data)) throw new Error('CRC-32 mismatch');
}

/** CRC-32 (IEEE 802.3, reflected, as gzip's trailer): zlib's where Node has it (≥ 20.15), else one byte a step over a 256-entry table. */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Uint8Array): number {
  if (nativeCrc32) return nativeCrc32(data) >>> 0;
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

setGzipCodec({
  gunzip: (bytes, maxBytes) => gunzipCapped(bytes, maxBytes),
  gunzipPrefix: (bytes) => gunzipCapped(bytes, bytes.length * 1032 + 1024, { prefix: true }),
  gzip: (bytes) => new Uint8Array(zlib.gzipSync(bytes)),
});
