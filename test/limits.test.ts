// Limits of what scratchnet reads: study specs checked for sense (ranges of the option schema),
// large generated sets that fit in memory train, empty inputs are one typed error in every format.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import { splitValidation } from '../src/data/dataset.js';
import { ConfigError } from '../src/errors.js';
import { validateSpec } from '../src/experiments/spec.js';
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
