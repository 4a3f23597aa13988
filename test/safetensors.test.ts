import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs, { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, mock } from 'node:test';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../src/io/safetensors.js';
import { loadSafetensorsFile, saveSafetensorsAtomic } from '../src/node/safetensors-file.js';
import { ModelFileError, ShapeError } from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-st-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tensors: NamedTensor[] = [
  { name: 'dense_0.weight', shape: [3, 2], data: Float32Array.of(1, -2, 3.5, 1e-30, -0, 6) },
  { name: 'dense_0.bias', shape: [2], data: Float32Array.of(0.25, -0.75) },
  { name: 'empty', shape: [0, 4], data: new Float32Array(0) },
];
const metadata = { 'scratchnet.format': '1', 'scratchnet.architecture': JSON.stringify({ inputs: 3, layers: [] }) };

/** Builds a file from a header object and a data section (header padded to 8 like the writer). */
function craft(header: unknown, data: Uint8Array = new Uint8Array(0), padTo8 = true): Uint8Array {
  let json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  if (padTo8) json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const out = Buffer.alloc(8 + json.length + data.length);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  out.set(data, 8 + json.length);
  return out;
}

function assertFileError(fn: () => unknown, file: string, parts: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ModelFileError, `expected ModelFileError, found ${String(e)}`);
    assert.ok(e.message.includes(file), `message should name ${file}: ${e.message}`);
    for (const p of parts) {
      if (typeof p === 'string') assert.ok(e.message.includes(p), `message should contain '${p}': ${e.message}`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

describe('safetensors encode/decode', () => {
  it('round-trips tensors and metadata exactly', () => {
    const { tensors: got, metadata: meta } = decodeSafetensors(encodeSafetensors(tensors, metadata), 'mem');
    assert.deepEqual([...got.keys()], tensors.map((t) => t.name));
    for (const t of tensors) {
      assert.deepEqual(got.get(t.name)!.shape, t.shape);
      assert.deepEqual(got.get(t.name)!.data, t.data);
    }
    assert.ok(Object.is(got.get('dense_0.weight')!.data[4], -0));
    assert.deepEqual(meta, metadata);
  });

  it('has the documented byte layout', () => {
    const bytes = encodeSafetensors([tensors[1]], { a: 'b' });
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const n = Number(view.getBigUint64(0, true));
    assert.equal((8 + n) % 8, 0);
    const text = Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8');
    assert.match(text, / *$/);
    assert.deepEqual(JSON.parse(text), {
      __metadata__: { a: 'b' },
      'dense_0.bias': { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    });
    assert.equal(bytes.length, 8 + n + 8);
    assert.equal(view.getFloat32(8 + n, true), 0.25);
    assert.equal(view.getFloat32(8 + n + 4, true), -0.75);
  });

  it('omits __metadata__ when empty, and decodes a header without one', () => {
    const bytes = encodeSafetensors([tensors[1]]);
    assert.ok(!Buffer.from(bytes).toString('latin1').includes('__metadata__'));
    assert.deepEqual(decodeSafetensors(bytes, 'mem').metadata, {});
  });

  it('rejects data that does not match the shape, and duplicate names', () => {
    assert.throws(() => encodeSafetensors([{ name: 'w', shape: [2, 2], data: new Float32Array(3) }]), ShapeError);
    assert.throws(() => encodeSafetensors([tensors[1], tensors[1]]), /used twice/);
  });
});

describe('safetensors corrupt files', () => {
  const f = 'model.safetensors';
  const good = encodeSafetensors(tensors, metadata);

  it('file shorter than 8 bytes', () => {
    assertFileError(() => decodeSafetensors(good.subarray(0, 5), f), f, ['at byte 0', 'file is 5 bytes, expected at least 8']);
  });

  it('header length beyond the file', () => {
    assertFileError(() => decodeSafetensors(good.subarray(0, 40), f), f, ['at byte 0', /header length \d+ reaches beyond the end of the file \(40 bytes/]);
    const huge = good.slice();
    new DataView(huge.buffer).setBigUint64(0, 0xffffffffffffffffn, true);
    assertFileError(() => decodeSafetensors(huge, f), f, ['18446744073709551615']);
  });

  it('header not valid JSON', () => {
    assertFileError(() => decodeSafetensors(craft('{"a": '), f), f, ['at byte 8', 'not valid JSON']);
    assertFileError(() => decodeSafetensors(craft('[1, 2]'), f), f, ['at byte 8', 'must be a JSON object']);
    const badUtf8 = craft('{"x":1}');
    badUtf8[10] = 0xff;
    assertFileError(() => decodeSafetensors(badUtf8, f), f, ['not valid UTF-8 JSON']);
  });

  it('unsupported dtype', () => {
    const b = craft({ w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4));
    assertFileError(() => decodeSafetensors(b, f), f, ["tensor 'w'", 'unsupported dtype "F16", expected "F32"']);
  });

  it('data_offsets out of range', () => {
    const b = craft({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8));
    // header '{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}' is 54 bytes, padded to 56 → data at 64
    assertFileError(() => decodeSafetensors(b, f), f, ['at byte 64', "tensor 'w'", 'out of range', '≤ 8']);
    const rev = craft({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, new Uint8Array(8));
    assertFileError(() => decodeSafetensors(rev, f), f, ['out of range']);
    const neg = craft({ w: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, new Uint8Array(4));
    assertFileError(() => decodeSafetensors(neg, f), f, ['data_offsets must be [begin, end]']);
  });

  it('data_offsets not matching dtype × shape', () => {
    const b = craft({ w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 12] } }, new Uint8Array(12));
    assertFileError(() => decodeSafetensors(b, f), f, [/at byte \d+/, 'shape [2, 2] needs 16 bytes', 'hold 12']);
  });

  it('overlapping tensors', () => {
    const b = craft(
      { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } },
      new Uint8Array(12),
    );
    assertFileError(() => decodeSafetensors(b, f), f, [/at byte \d+/, "tensor 'b'", 'overlap', 'ends at 8']);
  });

  it('a gap between tensors', () => {
    const b = craft({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8));
    assertFileError(() => decodeSafetensors(b, f), f, ['gap of 4 bytes']);
  });

  it('trailing bytes', () => {
    const b = new Uint8Array(good.length + 3);
    b.set(good);
    assertFileError(() => decodeSafetensors(b, f), f, [`at byte ${good.length}`, 'trailing bytes', 'found 3 more bytes']);
  });

  it('truncated data section', () => {
    assertFileError(() => decodeSafetensors(good.subarray(0, good.length - 4), f), f, ['out of range']);
  });

  it('metadata values must be strings', () => {
    assertFileError(() => decodeSafetensors(craft({ __metadata__: { v: 1 } }), f), f, ["__metadata__ 'v' must be a string"]);
  });
});

describe('safetensors files', () => {
  it('saves atomically and loads back', () => {
    const path = join(dir, 'a.safetensors');
    saveSafetensorsAtomic(path, tensors, metadata);
    const { tensors: got, metadata: meta } = loadSafetensorsFile(path);
    assert.deepEqual(got.get('dense_0.weight')!.data, tensors[0].data);
    assert.deepEqual(meta, metadata);
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes('a.safetensors')), ['a.safetensors']); // no temp file left
  });

  it('overwrites an existing file', () => {
    const path = join(dir, 'b.safetensors');
    saveSafetensorsAtomic(path, [tensors[1]]);
    saveSafetensorsAtomic(path, [tensors[0]]);
    assert.deepEqual([...loadSafetensorsFile(path).tensors.keys()], ['dense_0.weight']);
  });

  it('a failed write leaves the old file intact and no temp file', (t) => {
    const sub = mkdtempSync(join(dir, 'fail-'));
    const path = join(sub, 'c.safetensors');
    saveSafetensorsAtomic(path, [tensors[1]], { v: 'old' });
    const before = readFileSync(path);
    const fsync = t.mock.method(fs, 'fsyncSync', () => {
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    });
    assert.throws(() => saveSafetensorsAtomic(path, tensors, { v: 'new' }), (e: unknown) =>
      e instanceof ModelFileError && e.message.includes(path) && e.message.includes('ENOSPC'));
    assert.ok(fsync.mock.callCount() >= 1); // the failure really happened mid-save
    fsync.mock.restore();
    assert.deepEqual(readFileSync(path), before);
    assert.equal(loadSafetensorsFile(path).metadata.v, 'old');
    assert.deepEqual(readdirSync(sub), ['c.safetensors']);
  });

  it('a failed write to a fresh path leaves nothing behind', () => {
    const sub = mkdtempSync(join(dir, 'fail-'));
    mock.method(fs, 'writeSync', () => {
      throw Object.assign(new Error('I/O error'), { code: 'EIO' });
    });
    try {
      assert.throws(() => saveSafetensorsAtomic(join(sub, 'd.safetensors'), tensors), /EIO/);
    } finally {
      mock.restoreAll();
    }
    assert.deepEqual(readdirSync(sub), []);
  });

  it('a missing file is a ModelFileError naming it', () => {
    const path = join(dir, 'missing.safetensors');
    assertFileError(() => loadSafetensorsFile(path), path, ['not found']);
  });

  it('a corrupt file on disk names its path', () => {
    const path = join(dir, 'short.safetensors');
    writeFileSync(path, Uint8Array.of(1, 2, 3));
    assertFileError(() => loadSafetensorsFile(path), path, ['at byte 0', 'expected at least 8']);
  });
});

const hasPython = spawnSync('python3', ['-c', 'import safetensors, numpy'], { stdio: 'ignore' }).status === 0;

describe('safetensors interop with Python', () => {
  it('round-trips through the safetensors package', { skip: hasPython ? false : 'python3 with safetensors and numpy not available' }, () => {
    const src = join(dir, 'to-py.safetensors');
    const dst = join(dir, 'from-py.safetensors');
    saveSafetensorsAtomic(src, tensors, metadata);
    const script = `
import sys, json
from safetensors import safe_open
from safetensors.numpy import load_file, save_file
t = load_file(sys.argv[1])
with safe_open(sys.argv[1], framework="numpy") as f:
    meta = f.metadata()
assert t["dense_0.weight"].shape == (3, 2) and t["dense_0.weight"].dtype.name == "float32"
t["dense_0.bias"] = t["dense_0.bias"] * 2
meta["from"] = "python"
save_file(t, sys.argv[2], metadata=meta)
`;
    execFileSync('python3', ['-c', script, src, dst]);
    const back = loadSafetensorsFile(dst);
    assert.deepEqual(back.tensors.get('dense_0.weight')!.data, tensors[0].data);
    assert.deepEqual(Array.from(back.tensors.get('dense_0.bias')!.data), [0.5, -1.5]);
    assert.equal(back.metadata.from, 'python');
    assert.equal(back.metadata['scratchnet.format'], '1');
  });
});
