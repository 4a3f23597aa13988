import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { ConfigError, ShapeError } from '../src/errors.js';
import { crc32, encodePng, encodePngGrid, writePngGrid } from '../src/node/png.js';

interface Chunk {
  type: string;
  data: Uint8Array;
}

/** A reference CRC-32, bit by bit (no table), to check the PNG writer's table-driven one. */
function crcBitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Parses a PNG written by encodePng: checks signature, chunk CRCs, IHDR; returns header and pixels. */
function decodePng(png: Uint8Array): { width: number; height: number; channels: number; pixels: Uint8Array; chunks: Chunk[] } {
  assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  let at = 8;
  while (at < png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    const crc = view.getUint32(at + 8 + length);
    assert.equal(crc, crcBitwise(png.subarray(at + 4, at + 8 + length)), `CRC of ${type}`);
    chunks.push({ type, data });
    at += 12 + length;
  }
  assert.equal(at, png.length, 'chunks fill the file exactly');
  assert.deepEqual(
    chunks.map((c) => c.type),
    ['IHDR', 'IDAT', 'IEND'],
  );
  const ihdr = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset, 13);
  assert.equal(chunks[0].data.length, 13);
  const width = ihdr.getUint32(0);
  const height = ihdr.getUint32(4);
  assert.equal(ihdr.getUint8(8), 8, 'bit depth');
  const colourType = ihdr.getUint8(9);
  assert.ok(colourType === 0 || colourType === 2, `colour type ${colourType}`);
  assert.deepEqual([ihdr.getUint8(10), ihdr.getUint8(11), ihdr.getUint8(12)], [0, 0, 0], 'compression, filter, interlace');
  assert.equal(chunks[2].data.length, 0, 'IEND is empty');
  const channels = colourType === 0 ? 1 : 3;
  const raw = inflateSync(chunks[1].data);
  const stride = width * channels;
  assert.equal(raw.length, (stride + 1) * height, 'scanline bytes');
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (stride + 1)], 0, `filter type of line ${y}`);
    pixels.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, channels, pixels, chunks };
}

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-png-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('crc32', () => {
  it('matches the standard check value and a bitwise reference', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff);
    assert.equal(crc32(bytes), crcBitwise(bytes));
    assert.equal(crc32(bytes.subarray(100), crc32(bytes.subarray(0, 100))), crc32(bytes), 'running CRC');
  });
});

describe('encodePng', () => {
  it('round-trips a grey image through zlib', () => {
    const w = 7;
    const h = 5;
    const grey = Uint8Array.from({ length: w * h }, (_, i) => (i * 41) & 0xff);
    const png = decodePng(encodePng(w, h, grey, 1));
    assert.equal(png.width, w);
    assert.equal(png.height, h);
    assert.equal(png.channels, 1);
    assert.deepEqual(Array.from(png.pixels), Array.from(grey));
  });

  it('round-trips an RGB image', () => {
    const w = 3;
    const h = 4;
    const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 97 + 5) & 0xff);
    const png = decodePng(encodePng(w, h, rgb, 3));
    assert.equal(png.channels, 3);
    assert.deepEqual([png.width, png.height], [w, h]);
    assert.deepEqual(Array.from(png.pixels), Array.from(rgb));
  });

  it('rejects bad sizes', () => {
    assert.throws(() => encodePng(2, 2, new Uint8Array(3), 1), ShapeError);
    assert.throws(() => encodePng(0, 2, new Uint8Array(0), 1), ConfigError);
    assert.throws(() => encodePng(2, 2, new Uint8Array(8), 2 as 1), ConfigError);
  });
});

describe('writePngGrid', () => {
  it('lays images out in a grid with padding and nearest-neighbour scaling', () => {
    // three 2×2 images, 2 per row, scale 2, padding 1, background 0.5 (128)
    const imgs = [Float32Array.of(0, 1, 0.5, 0.25), Float32Array.of(1, 1, 1, 1), Float32Array.of(-3, 7, NaN, 0.2)];
    const path = join(dir, 'grid.png');
    const size = writePngGrid(path, imgs, { width: 2, height: 2, columns: 2, scale: 2, padding: 1 });
    // width: 2 cells × 4 px + 3 paddings = 11; height: 2 rows × 4 + 3 = 11
    assert.deepEqual(size, { width: 11, height: 11 });
    const png = decodePng(new Uint8Array(readFileSync(path)));
    assert.deepEqual([png.width, png.height, png.channels], [11, 11, 1]);
    const px = (x: number, y: number) => png.pixels[y * 11 + x];
    assert.equal(px(0, 0), 128, 'padding');
    assert.equal(px(5, 1), 128, 'padding between columns');
    // image 0 at (1, 1): value 0 in its top-left 2×2 block, 1 (255) top-right, 0.5 → 128, 0.25 → 64
    assert.deepEqual([px(1, 1), px(2, 1), px(1, 2), px(2, 2)], [0, 0, 0, 0]);
    assert.deepEqual([px(3, 1), px(4, 2)], [255, 255]);
    assert.deepEqual([px(1, 3), px(2, 4)], [128, 128]);
    assert.deepEqual([px(3, 3), px(4, 4)], [64, 64]);
    // image 1 at (6, 1): all white
    assert.equal(px(6, 1), 255);
    assert.equal(px(9, 4), 255);
    // image 2 at (1, 6): clamped, NaN → 0
    assert.deepEqual([px(1, 6), px(3, 6), px(1, 8), px(3, 8)], [0, 255, 0, 51]);
    // empty cell of the second row stays background
    assert.equal(px(7, 7), 128);
    // atomic write: no temp file left behind
    assert.deepEqual(readdirSync(dir), ['grid.png']);
  });

  it('writes RGB grids', () => {
    const red = Float32Array.of(1, 0, 0);
    const { bytes, width, height } = encodePngGrid([red, red], { width: 1, height: 1, columns: 2, channels: 3, padding: 0 });
    assert.deepEqual([width, height], [2, 1]);
    const png = decodePng(bytes);
    assert.deepEqual(Array.from(png.pixels), [255, 0, 0, 255, 0, 0]);
  });

  it('validates its arguments', () => {
    assert.throws(() => encodePngGrid([new Float32Array(4)], { width: 2, height: 2, columns: 0 }), /columns must be an integer ≥ 1, found 0/);
    assert.throws(() => encodePngGrid([new Float32Array(3)], { width: 2, height: 2, columns: 1 }), /image 0 has 3 values, expected 2×2×1 = 4/);
    assert.throws(() => encodePngGrid([], { width: 2, height: 2, columns: 1 }), ConfigError);
    assert.throws(() => encodePngGrid([new Float32Array(4)], { width: 2, height: 2, columns: 1, scale: 1.5 }), ConfigError);
  });
});
