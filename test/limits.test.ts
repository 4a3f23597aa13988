// Limits of what scratchnet reads: study specs checked for sense (ranges of the option schema),
// large generated sets that fit in memory train, empty inputs are one typed error in every format.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import { splitValidation } from '../src/data/dataset.js';
import { decodeIdx, encodeIdx } from '../src/data/idx.js';
import { ConfigError, DataError } from '../src/errors.js';
import { validateSpec } from '../src/experiments/spec.js';
import { evaluate, predict } from '../src/nn/evaluate.js';
import { architectureOf } from '../src/nn/io.js';
import { mlp } from '../src/nn/mlp.js';
import { saveModel } from '../src/node/model-file.js';
import '../src/node/gzip.js';
import { cli } from './cli-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-limits-'));

/** A spec of one moons run, with `patch` over its top-level keys. */
const spec = (patch: Record<string, unknown>) => ({ name: 's', datasets: ['moons'], seeds: [1], baseline: { layers: [4], epochs: 1 }, ...patch });

/** validateSpec fails with a ConfigError matching `re`, its message short. */
function rejects(raw: unknown, re: RegExp): void {
  assert.throws(
    () => validateSpec(raw, 's.json'),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, `not a ConfigError: ${String(e)}`);
      assert.match(e.message, re);
      assert.ok(e.message.length < 1000, `a ${e.message.length}-character message`);
      return true;
    },
  );
}

describe('study specs: values checked for sense', () => {
  it('sample counts, noise, epochs, widths, batch sizes and seeds within their ranges', () => {
    const samples = (v: unknown) => spec({ dataOptions: { moons: { samples: v } } });
    rejects(samples(1e308), /\$\.dataOptions\.moons\.samples: expected an integer in \[10, 10000000\], found 1e\+308$/);
    rejects(samples(2 ** 31), /samples: expected an integer in \[10, 10000000\], found 2147483648$/);
    rejects(samples(0), /samples: expected an integer in \[10, 10000000\], found 0$/);
    rejects(samples('400000'), /samples: expected an integer in \[10, 10000000\], found "400000"$/);
    rejects(spec({ dataOptions: { moons: { noise: 1e308 } } }), /noise: expected a number in \[0, 10\], found 1e\+308$/);
    rejects(spec({ dataOptions: { moons: { classes: 3 } } }), /\$\.dataOptions\.moons\.classes: expected only samples, noise/);
    rejects(spec({ baseline: { epochs: 1e308 } }), /\$\.baseline\.epochs: expected an integer in \[1, 100000\], found 1e\+308$/);
    rejects(spec({ baseline: { batchSize: 2 ** 31 } }), /\$\.baseline\.batchSize: expected an integer in \[1, 65536\], found 2147483648$/);
    rejects(spec({ baseline: { layers: [2 ** 31] } }), /\$\.baseline\.layers: expected an array of at most 64 integers in \[1, 65536\]/);
    rejects(spec({ seeds: [1, 2 ** 53 + 2] }), /\$\.seeds\[1\]: expected an integer between -2\^53 and 2\^53, found 9007199254740994$/);
    rejects(spec({ seeds: [1, 1] }), /\$\.seeds\[1\]: expected no duplicates, found 1$/);
    rejects(spec({ dataSeed: -1e300 }), /\$\.dataSeed: expected an integer between -2\^53 and 2\^53/);
    assert.equal(validateSpec(samples(400_000)).dataOptions.moons.samples, 400_000);
  });

  it('quotes user input briefly: a 400 KB augmentation string, key or name', () => {
    const huge = 'rotate=' + '9'.repeat(400_000);
    rejects(spec({ baseline: { augment: huge } }), /\$\.baseline\.augment: expected a valid augmentation spec \(augment spec: bad token 'rotate=9+…' in 'rotate=9+…'/);
    rejects(spec({ baseline: { augment: `${'x'.repeat(400_000)}=1` } }), /unknown key 'x+…'/);
    rejects(spec({ baseline: { optimizer: 'a'.repeat(400_000) } }), /\$\.baseline\.optimizer: expected one of adagrad/);
    rejects({ ...spec({}), ['k'.repeat(400_000)]: 1 }, /\$\.k+…: expected only the keys/);
  });
});

describe('large generated sets', () => {
  it('a stratified split of 3 million rows (no spread of the rows into one call)', () => {
    const n = 3_000_000;
    const x = Matrix.zeros(n, 1, 'float32');
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) y[i] = i % 3;
    const { train, val } = splitValidation({ name: 'big', x, y, numClasses: 3, classNames: ['a', 'b', 'c'] }, 0.25, new Rng(1, 'split'), { stratified: true });
    assert.equal(val.x.rows, 750_000);
    assert.equal(train.x.rows, 2_250_000);
  });

  it('moons with 400,000 samples trains through ablate', () => {
    const file = join(dir, 'moons400k.json');
    writeFileSync(file, JSON.stringify(spec({ name: 'moons400k', baseline: { layers: [8], epochs: 1, batchSize: 256 }, dataOptions: { moons: { samples: 400_000 } } })));
    const out = join(dir, 'moons400k.jsonl');
    const r = cli(['ablate', '--spec', file, '--out', out], { env: { SCRATCHNET_BACKEND: 'js' } });
    assert.equal(r.status, 0, r.stderr);
    const line = JSON.parse(readFileSync(out, 'utf8').trim()) as { data: { samples: number }; confusion: number[][] };
    assert.equal(line.data.samples, 400_000);
    assert.equal(line.confusion.flat().reduce((a, b) => a + b, 0), 80_000); // the test part: 20%
  });
});

describe('empty inputs: one typed error whatever the format', () => {
  const model = mlp({ hidden: [3], outputs: 2 }).build({ inputWidth: 4, batchSize: 8, seed: 1 });
  const modelFile = join(dir, 'm.safetensors');
  saveModel(modelFile, model, architectureOf(model, 'softmax_cross_entropy'));
  const empty = (rows: number, cols: number) => new RegExp(`empty input, ${rows} rows of ${cols} features: expected at least one row of at least one feature$`);

  it('predict: IDX [0, 4] and [3, 0], JSON [] and [[]]', () => {
    const files: [string, Uint8Array | string, number, number][] = [
      ['rows0.idx', encodeIdx({ shape: [0, 4], data: new Float32Array(0) }), 0, 4],
      ['cols0.idx', encodeIdx({ shape: [3, 0], data: new Uint8Array(0) }), 3, 0],
      ['rows0.idx.gz', encodeIdx({ shape: [0, 2, 2], data: new Uint8Array(0) }, { gzip: true }), 0, 4],
      ['rows0.json', '[]', 0, 0],
      ['cols0.json', '[[]]', 1, 0],
    ];
    for (const [name, bytes, rows, cols] of files) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const r = cli(['predict', '--model', modelFile, '--input', path], { env: { SCRATCHNET_BACKEND: 'js' } });
      assert.notEqual(r.status, 0, `${name}: exit 0`);
      const last = r.stderr.trim().split('\n').at(-1)!;
      assert.match(last, new RegExp(`^scratchnet: error: ${path.replace(/[.]/g, '\\.')}: ${empty(rows, cols).source}`), name);
      assert.doesNotMatch(r.stderr, /^\s+at /m, `${name}: a stack trace`);
    }
  });

  it('the library: predict and evaluate on no rows', () => {
    const isEmpty = (rows: number, cols: number) => (e: unknown) => e instanceof DataError && empty(rows, cols).test(e.message);
    assert.throws(() => predict(model, []), isEmpty(0, 4));
    assert.throws(() => predict(model, new Float32Array(0)), isEmpty(0, 4));
    assert.throws(() => predict(model, [[]]), isEmpty(1, 0));
    assert.throws(() => predict(model, new Matrix(0, 4, new Float32Array(0))), isEmpty(0, 4));
    assert.throws(() => evaluate(model, { x: [], y: [] }), isEmpty(0, 4));
  });
});

describe('corrupt gzip', () => {
  it('inflating corrupt IDX files in a loop keeps the memory bounded (typed errors, nothing kept)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const good = encodeIdx({ shape: [10, 28, 28], data: Uint8Array.from({ length: 7840 }, (_, i) => (i * 7) % 251) }, { gzip: true });
    const rss = () => (gc(), process.memoryUsage().rss / 2 ** 20);
    const corrupt = (n: number) => {
      for (let i = 0; i < n; i++) {
        const bad = good.slice();
        bad[20 + (i % 100)] ^= 0x5a; // inside the deflate data
        bad[bad.length - 3] ^= i & 0xff; // the trailer's length
        assert.throws(() => decodeIdx(bad, 'bad.gz'), DataError);
      }
    };
    corrupt(1000); // warm-up: the heap and the compiled code settle
    const before = rss();
    corrupt(5000);
    // zlib's gunzipSync kept ~16 KiB per failure until the event loop turned: ~80 MiB here
    assert.ok(rss() - before < 40, `RSS grew ${(rss() - before).toFixed(1)} MiB over 5000 corrupt inputs`);
  });
});
