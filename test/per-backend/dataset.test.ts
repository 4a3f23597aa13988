import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import { kernels } from '../../src/core/backend.js';
import { oneHot, residentDataset, splitValidation, subset, validateDataset, type Dataset } from '../../src/data/dataset.js';
import { Standardize } from '../../src/nn/layers/standardize.js';
import { Sequential } from '../../src/nn/model.js';
import { ConfigError, DataError, ShapeError } from '../../src/errors.js';

/** n rows, 3 features; row i = [i, 10 i, -i], label = i % k. */
function toy(n: number, k = 3): Dataset {
  const x = Matrix.zeros(n, 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.data.set([i, 10 * i, -i], i * 3);
    y[i] = i % k;
  }
  return { name: 'toy', x, y, numClasses: k, classNames: Array.from({ length: k }, (_, c) => `c${c}`) };
}

describe('oneHot', () => {
  it('sets exactly one 1 per row at the label', () => {
    const m = oneHot([2, 0, 1, 2], 3);
    assert.deepEqual(m.toArray(), [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  });

  it('reuses out, clearing old values and setting its row count', () => {
    const out = Matrix.zeros(5, 3);
    out.data.fill(7);
    const m = oneHot(Int32Array.of(1, 0), 3, out);
    assert.equal(m, out);
    assert.equal(m.rows, 2);
    assert.deepEqual(m.toArray(), [[0, 1, 0], [1, 0, 0]]);
  });

  it('rejects an out-of-range label and a wrong out width', () => {
    assert.throws(() => oneHot([0, 3], 3), /index 1 is 3, expected an integer in \[0, 2\]/);
    assert.throws(() => oneHot([0], 3, Matrix.zeros(1, 4)), ShapeError);
  });
});

describe('validateDataset', () => {
  it('accepts a good dataset', () => validateDataset(toy(6)));

  it('NaN / Inf input names the row and column', () => {
    const ds = toy(6);
    ds.x.set(4, 2, NaN);
    assert.throws(() => validateDataset(ds, 'toy train'), (e: unknown) =>
      e instanceof DataError && /toy train: input row 4, column 2 is NaN/.test(e.message));
    ds.x.set(4, 2, 0);
    ds.x.set(1, 0, -Infinity);
    assert.throws(() => validateDataset(ds), /row 1, column 0 is -Infinity/);
  });

  it('with the backend scanning the inputs (in its memory or not), the same row and column', () => {
    const k = kernels();
    const plain = toy(700); // 2100 values: more than one block of the scans
    const resident = residentDataset(plain, k);
    for (const ds of [plain, resident]) {
      validateDataset(ds, 'toy', k);
      for (const [r, c, v] of [[0, 0, NaN], [350, 1, Infinity], [699, 2, -Infinity]] as const) {
        const keep = ds.x.get(r, c);
        ds.x.set(r, c, v);
        assert.throws(() => validateDataset(ds, 'toy', k), new RegExp(`toy: input row ${r}, column ${c} is ${v}`));
        ds.x.set(r, c, keep);
      }
    }
    if (resident !== plain) k.release(resident.x.data);
  });

  it('label out of range names index, value and range', () => {
    const ds = toy(6);
    ds.y[5] = 3;
    assert.throws(() => validateDataset(ds), (e: unknown) =>
      e instanceof DataError && /label at index 5 is 3, expected an integer in \[0, 2\]/.test(e.message));
    ds.y[5] = -1;
    assert.throws(() => validateDataset(ds), /index 5 is -1/);
  });

  it('non-integer label (labels given as a plain array)', () => {
    const ds = toy(4);
    ds.y = [0, 1.5, 2, 0] as unknown as Int32Array;
    assert.throws(() => validateDataset(ds), /label at index 1 is 1.5, expected an integer/);
  });

  it('label count and class names must match', () => {
    const ds = toy(4);
    assert.throws(() => validateDataset({ ...ds, y: new Int32Array(3) }), /one label per input row \(4\), found 3/);
    assert.throws(() => validateDataset({ ...ds, classNames: ['a'] }), /expected 3 class names, found 1/);
  });
});

describe('residentDataset', () => {
  it('puts the inputs where the backend uses them in place, values and labels unchanged', () => {
    const k = kernels();
    const ds = toy(9);
    const r = residentDataset(ds, k);
    assert.ok(k.owns(r.x.data));
    assert.deepEqual(Array.from(r.x.data.subarray(0, r.x.size)), Array.from(ds.x.data));
    assert.equal(r.y, ds.y);
    assert.equal(r.x.rows, 9);
    assert.equal(residentDataset(r, k), r, 'already resident: no second copy');
    if (k.name === 'js') assert.equal(r, ds);
    else k.release(r.x.data);
  });
});

describe('subset', () => {
  it('copies the chosen rows and labels', () => {
    const s = subset(toy(6), [4, 1]);
    assert.deepEqual(s.x.toArray(), [[4, 40, -4], [1, 10, -1]]);
    assert.deepEqual(Array.from(s.y), [1, 1]);
    assert.throws(() => subset(toy(6), [6]), DataError);
  });
});

describe('splitValidation', () => {
  const rowIds = (ds: Dataset) => Array.from({ length: ds.x.rows }, (_, r) => ds.x.get(r, 0));

  it('is deterministic for a seed, disjoint and complete', () => {
    const ds = toy(100);
    const a = splitValidation(ds, 0.2, new Rng(7, 'split'));
    const b = splitValidation(ds, 0.2, new Rng(7, 'split'));
    const c = splitValidation(ds, 0.2, new Rng(8, 'split'));
    assert.equal(a.val.x.rows, 20);
    assert.equal(a.train.x.rows, 80);
    assert.deepEqual(rowIds(a.val), rowIds(b.val));
    assert.deepEqual(rowIds(a.train), rowIds(b.train));
    assert.notDeepEqual(rowIds(a.val), rowIds(c.val));
    const all = [...rowIds(a.train), ...rowIds(a.val)].sort((p, q) => p - q);
    assert.deepEqual(all, Array.from({ length: 100 }, (_, i) => i)); // every row once: disjoint and complete
    for (const part of [a.train, a.val]) {
      for (let r = 0; r < part.x.rows; r++) assert.equal(part.y[r], part.x.get(r, 0) % 3); // labels follow rows
    }
  });

  it('is shuffled, not the first rows', () => {
    const ids = rowIds(splitValidation(toy(100), 0.2, new Rng(1)).val);
    assert.notDeepEqual(ids, Array.from({ length: 20 }, (_, i) => i));
  });

  it('stratified keeps class shares', () => {
    // 90 rows: classes 0,1,2 of 30 each → val 6 each
    const { train, val } = splitValidation(toy(90), 0.2, new Rng(3), { stratified: true });
    const counts = (y: Int32Array) => [0, 1, 2].map((c) => y.filter((v) => v === c).length);
    assert.deepEqual(counts(val.y), [6, 6, 6]);
    assert.deepEqual(counts(train.y), [24, 24, 24]);
    const all = [...rowIds(train), ...rowIds(val)].sort((p, q) => p - q);
    assert.deepEqual(all, Array.from({ length: 90 }, (_, i) => i));
  });

  it('rejects a bad fraction', () => {
    assert.throws(() => splitValidation(toy(10), 0, new Rng(1)), ConfigError);
    assert.throws(() => splitValidation(toy(10), 1.2, new Rng(1)), ConfigError);
    assert.throws(() => splitValidation(toy(3), 0.01, new Rng(1)), /both must be non-empty/);
  });
});

describe('standardisation: the Standardize layer (the one standardiser)', () => {
  const fitted = (train: Dataset, perFeature = true) => {
    const model = new Sequential([new Standardize()]).build({ inputWidth: 3, batchSize: 8 });
    const layer = model.layers[0] as Standardize;
    layer.fit(train.x, { perFeature });
    const [mean, std] = layer.buffers().map((b) => Array.from(b.value.data));
    return { model, mean, std };
  };

  it('fits on train only and applies to other data', () => {
    const { model, mean, std } = fitted(toy(5)); // column 0: 0..4 → mean 2, std √2
    assert.deepEqual(mean, [2, 20, -2]);
    assert.ok(Math.abs(std[0] - Math.SQRT2) < 1e-6);
    const y = model.forward(toy(2).x, 'eval');
    assert.ok(Math.abs(y.get(1, 0) - (1 - 2) / Math.SQRT2) < 1e-6);
    const t = model.forward(toy(5).x, 'eval');
    let m = 0, v = 0;
    for (let r = 0; r < 5; r++) m += t.get(r, 1) / 5;
    for (let r = 0; r < 5; r++) v += (t.get(r, 1) - m) ** 2 / 5;
    assert.ok(Math.abs(m) < 1e-6 && Math.abs(v - 1) < 1e-5);
  });

  it('pools every value into one mean and std when not per feature', () => {
    const { mean, std } = fitted(toy(4), false);
    const all = [0, 0, 0, 1, 10, -1, 2, 20, -2, 3, 30, -3];
    const m = all.reduce((a, b) => a + b) / 12;
    const s = Math.sqrt(all.reduce((a, b) => a + (b - m) ** 2, 0) / 12);
    assert.ok(mean.every((v) => Math.abs(v - m) < 1e-5) && std.every((v) => Math.abs(v - s) < 1e-5), `${mean} ${std}`);
  });

  it('leaves a constant feature centred, not NaN', () => {
    const ds = toy(4);
    for (let r = 0; r < 4; r++) ds.x.set(r, 2, 5);
    const { model, std } = fitted(ds);
    assert.equal(std[2], 1);
    assert.equal(model.forward(ds.x, 'eval').get(3, 2), 0);
  });
});
