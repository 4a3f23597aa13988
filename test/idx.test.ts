import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodeIdx, encodeIdx, type IdxData } from '../src/data/idx.js';
import { readIdx, writeIdx } from '../src/node/idx-file.js';
import { DataError } from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-idx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Asserts a DataError whose message names the file and every fragment in `parts`. */
function assertDataError(fn: () => unknown, file: string, parts: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataError, `expected DataError, found ${String(e)}`);
    assert.ok(e.message.includes(file), `message should name ${file}: ${e.message}`);
    for (const p of parts) {
      if (typeof p === 'string') assert.ok(e.message.includes(p), `message should contain '${p}': ${e.message}`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

describe('IDX round trips', () => {
  const cases: [string, IdxData, number[]][] = [
    ['uint8', Uint8Array.from([0, 1, 127, 128, 255, 7]), [2, 3]],
    ['int8', Int8Array.from([-128, -1, 0, 1, 127, 5]), [3, 2]],
    ['int16', Int16Array.from([-32768, -2, 0, 258, 32767, 1000]), [6]],
    ['int32', Int32Array.from([-2147483648, -1, 0, 65536, 2147483647, 99]), [1, 2, 3]],
    ['float32', Float32Array.from([-1.5, 0, 3.25, Math.PI, 1e-20, -7]), [2, 3]],
    ['float64', Float64Array.from([-1.5, 0, 3.25, Math.PI, 1e-300, -7]), [2, 1, 3]],
  ];
  for (const [dtype, data, shape] of cases) {
    for (const gzip of [false, true]) {
      it(`${dtype}${gzip ? ' (gzip)' : ''} through a file`, () => {
        const path = join(dir, `${dtype}-${gzip}.idx`);
        writeIdx(path, { shape, data }, { gzip });
        const t = readIdx(path);
        assert.equal(t.dtype, dtype);
        assert.deepEqual(t.shape, shape);
        assert.equal(t.data.constructor, data.constructor);
        assert.deepEqual(Array.from(t.data), Array.from(data));
      });
    }
  }

  it('writes big-endian data after the header (MNIST byte layout)', () => {
    const bytes = encodeIdx({ shape: [2], data: Int16Array.from([0x0102, -2]) });
    assert.deepEqual(Array.from(bytes), [0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
  });

  it('gzip output starts with the gzip magic and decodes the same', () => {
    const data = Uint8Array.from({ length: 100 }, (_, i) => i);
    const gz = encodeIdx({ shape: [10, 10], data }, { gzip: true });
    assert.deepEqual([gz[0], gz[1]], [0x1f, 0x8b]);
    assert.deepEqual(Array.from(decodeIdx(gz, 'x.gz').data), Array.from(data));
  });

  it('handles zero dims (a scalar) and an empty dim', () => {
    assert.deepEqual(Array.from(decodeIdx(encodeIdx({ shape: [], data: Float32Array.of(2.5) }), 's').data), [2.5]);
    const t = decodeIdx(encodeIdx({ shape: [0, 28], data: new Uint8Array(0) }), 'e');
    assert.deepEqual(t.shape, [0, 28]);
    assert.equal(t.data.length, 0);
  });
});

describe('malformed IDX files', () => {
  const good = encodeIdx({ shape: [2, 3], data: Uint8Array.from([1, 2, 3, 4, 5, 6]) }); // 8 + 4 + 6 = 18 bytes
  const file = 'bad-file.idx';

  it('wrong magic', () => {
    const b = good.slice();
    b[1] = 0x08;
    assertDataError(() => decodeIdx(b, file), file, ['at byte 0', 'wrong magic', 'expected 0x00 0x00', 'found 0x00 0x08']);
  });

  it('unknown dtype code', () => {
    const b = good.slice();
    b[2] = 0x0a;
    assertDataError(() => decodeIdx(b, file), file, ['at byte 2', 'unknown dtype', 'found 0x0a']);
  });

  it('truncated header (fewer than 4 bytes)', () => {
    assertDataError(() => decodeIdx(good.subarray(0, 3), file), file, ['at byte 3', 'truncated header', 'found 3']);
  });

  it('truncated header (dims cut off)', () => {
    assertDataError(() => decodeIdx(good.subarray(0, 9), file), file, ['at byte 9', 'truncated header', 'need 12 header bytes, found 9']);
  });

  it('truncated data', () => {
    assertDataError(() => decodeIdx(good.subarray(0, 15), file), file, ['at byte 15', 'truncated data', 'expects 6 bytes of data, found 3']);
  });

  it('truncated multi-byte data counts bytes, not elements', () => {
    const f = encodeIdx({ shape: [3], data: Float64Array.of(1, 2, 3) }); // 8 + 24
    assertDataError(() => decodeIdx(f.subarray(0, 30), file), file, ['at byte 30', 'expects 24 bytes of data, found 22']);
  });

  it('trailing garbage', () => {
    const b = new Uint8Array(good.length + 5);
    b.set(good);
    assertDataError(() => decodeIdx(b, file), file, ['at byte 18', 'trailing garbage', 'found 5 more bytes']);
  });

  it('errors inside gzip report offsets in the decompressed stream', () => {
    const b = good.slice();
    b[0] = 0x01;
    assertDataError(() => decodeIdx(gzipSync(b), file), file, ['at byte 0', 'wrong magic']);
  });

  it('corrupt gzip stream', () => {
    const gz = gzipSync(good);
    assertDataError(() => decodeIdx(gz.subarray(0, gz.length - 6), file), file, ['gzip']);
  });

  it('missing file names the path', () => {
    const path = join(dir, 'does-not-exist.idx');
    assertDataError(() => readIdx(path), path, ['ENOENT']);
  });

  it('a malformed file on disk is reported with its path', () => {
    const path = join(dir, 'short.idx');
    writeFileSync(path, good.subarray(0, 15));
    assertDataError(() => readIdx(path), path, ['truncated data']);
  });

  it('encodeIdx rejects a shape that does not match the data', () => {
    assert.throws(() => encodeIdx({ shape: [2, 2], data: new Uint8Array(3) }), DataError);
  });
});
