import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { ConfigError, ShapeError } from '../errors.js';

/**
 * A minimal PNG writer (https://www.w3.org/TR/png/): signature, IHDR, one IDAT with the zlib-deflated
 * scanlines (filter type 0 on every line), IEND. 8-bit grey (colour type 0) or RGB (colour type 2).
 */

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309, polynomial 0xEDB88320, reflected) as PNG chunks use; `crc` continues a running value. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * Encodes 8-bit pixels (`rgbOrGrey`: height*width*channels, row-major, RGB interleaved) as a PNG file.
 */
export function encodePng(width: number, height: number, rgbOrGrey: Uint8Array, channels: 1 | 3): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ConfigError(`encodePng: width and height must be positive integers, found ${width}×${height}`);
  }
  if (channels !== 1 && channels !== 3) throw new ConfigError(`encodePng: channels must be 1 or 3, found ${channels}`);
  const stride = width * channels;
  if (rgbOrGrey.length !== stride * height) {
    throw new ShapeError(
      `encodePng: ${width}×${height}×${channels} needs ${stride * height} bytes, found ${rgbOrGrey.length}`,
    );
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : 2; // colour type: grey / truecolour
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace

  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type 0 (None)
    raw.set(rgbOrGrey.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const idat = new Uint8Array(deflateSync(raw));

  const chunks = [chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const total = SIGNATURE.length + chunks.reduce((s, c) => s + c.length, 0);
  const out = new Uint8Array(total);
  out.set(SIGNATURE, 0);
  let at = SIGNATURE.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** length (4, big-endian) | type (4) | data | CRC-32 of type and data (4). */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export interface PngGridOptions {
  /** Size of one image in pixels; each image holds `width*height*channels` values in [0, 1]. */
  width: number;
  height: number;
  /** Images per grid row. */
  columns: number;
  /** 1 for grey (default), 3 for interleaved RGB. */
  channels?: 1 | 3;
  /** Nearest-neighbour upscale factor (integer ≥ 1). Default 1. */
  scale?: number;
  /** Pixels of background between and around images (in output pixels). Default 1. */
  padding?: number;
  /** Grey level of the padding, in [0, 1]. Default 0.5, which frames both black and white backgrounds. */
  background?: number;
}

/**
 * Lays `images` out in a grid (row by row, `columns` per row) and writes it as a PNG at `path`,
 * atomically (a temp file renamed over the target). Values are clamped to [0, 1] and rounded to 8 bits.
 * Returns the size of the written picture.
 */
export function writePngGrid(
  path: string,
  images: ArrayLike<number>[],
  options: PngGridOptions,
): { width: number; height: number } {
  const png = encodePngGrid(images, options);
  writeFileAtomic(path, png.bytes);
  return { width: png.width, height: png.height };
}

/** The bytes of {@link writePngGrid}'s picture, without writing them. */
export function encodePngGrid(
  images: ArrayLike<number>[],
  { width, height, columns, channels = 1, scale = 1, padding = 1, background = 0.5 }: PngGridOptions,
): { bytes: Uint8Array; width: number; height: number } {
  for (const [name, v, min] of [
    ['width', width, 1],
    ['height', height, 1],
    ['columns', columns, 1],
    ['scale', scale, 1],
    ['padding', padding, 0],
  ] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new ConfigError(`writePngGrid: ${name} must be an integer ≥ ${min}, found ${v}`);
    }
  }
  if (channels !== 1 && channels !== 3) throw new ConfigError(`writePngGrid: channels must be 1 or 3, found ${channels}`);
  if (images.length === 0) throw new ConfigError('writePngGrid: no images to write');
  const per = width * height * channels;
  images.forEach((img, i) => {
    if (img.length !== per) {
      throw new ShapeError(`writePngGrid: image ${i} has ${img.length} values, expected ${width}×${height}×${channels} = ${per}`);
    }
  });
  const cols = Math.min(columns, images.length);
  const rows = Math.ceil(images.length / columns);
  const cellW = width * scale;
  const cellH = height * scale;
  const W = cols * cellW + (cols + 1) * padding;
  const H = rows * cellH + (rows + 1) * padding;
  const pixels = new Uint8Array(W * H * channels).fill(toByte(background));
  images.forEach((img, n) => {
    const left = padding + (n % columns) * (cellW + padding);
    const top = padding + Math.floor(n / columns) * (cellH + padding);
    for (let y = 0; y < cellH; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < cellW; x++) {
        const sx = Math.floor(x / scale);
        const o = ((top + y) * W + left + x) * channels;
        const s = (sy * width + sx) * channels;
        for (let c = 0; c < channels; c++) pixels[o + c] = toByte(img[s + c]);
      }
    }
  });
  return { bytes: encodePng(W, H, pixels, channels), width: W, height: H };
}

function toByte(v: number): number {
  return v > 0 ? (v < 1 ? Math.round(v * 255) : 255) : 0; // NaN → 0
}

/** Writes `bytes` to a temp file beside `path`, then renames it over `path`. */
function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
