import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import { kernels } from '../../src/core/backend.js';
import { BatchIterator } from '../../src/data/batches.js';
import { residentDataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';

/** n rows, 2 features: row i = [i, i + 0.5], label i % k. */
function source(n: number, k = 4) {
  const x = Matrix.zeros(n, 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.data.set([i, i + 0.5], i * 2);
    y[i] = i % k;
  }
  return { x, y, numClasses: k };
}

/** Dataset rows of one epoch in visiting order, checking each batch's contents on the way. */
function epochRows(it: BatchIterator): { rows: number[]; sizes: number[] } {
  const rows: number[] = [];
  const sizes: number[] = [];
  it.reset();
  while (it.next()) {
    const b = it.x.rows;
    sizes.push(b);
    assert.equal(it.target.rows, b);
    for (let i = 0; i < b; i++) {
      const r = it.x.get(i, 0);
      assert.equal(it.x.get(i, 1), r + 0.5);
      assert.equal(it.rowIndex(i), r);
      const label = r % it.source.numClasses;
      assert.equal(it.labels[i], label);
      for (let c = 0; c < it.target.cols; c++) assert.equal(it.target.get(i, c), c === label ? 1 : 0);
      rows.push(r);
    }
  }
  return { rows, sizes };
}

describe('BatchIterator', () => {
  it('visits every row exactly once per epoch, with a smaller last batch', () => {
    const it = new BatchIterator(source(23), { batchSize: 5, rng: new Rng(1, 'shuffle') });
    assert.equal(it.numBatches, 5);
    for (let e = 0; e < 3; e++) {
      const { rows, sizes } = epochRows(it);
      assert.deepEqual(sizes, [5, 5, 5, 5, 3]);
      assert.deepEqual([...rows].sort((a, b) => a - b), Array.from({ length: 23 }, (_, i) => i));
    }
  });

  it('same seed ⇒ same order; new epochs and other seeds differ', () => {
    const a = new BatchIterator(source(50), { batchSize: 8, rng: new Rng(42, 'shuffle') });
    const b = new BatchIterator(source(50), { batchSize: 8, rng: new Rng(42, 'shuffle') });
    const c = new BatchIterator(source(50), { batchSize: 8, rng: new Rng(43, 'shuffle') });
    const a1 = epochRows(a).rows;
    const a2 = epochRows(a).rows;
    assert.deepEqual(a1, epochRows(b).rows);
    assert.deepEqual(a2, epochRows(b).rows);
    assert.notDeepEqual(a1, a2);
    assert.notDeepEqual(a1, epochRows(c).rows);
    assert.notDeepEqual(a1, Array.from({ length: 50 }, (_, i) => i));
  });

  it('shuffle: false keeps dataset order (evaluation)', () => {
    const it = new BatchIterator(source(10), { batchSize: 4, shuffle: false });
    assert.deepEqual(epochRows(it).rows, Array.from({ length: 10 }, (_, i) => i));
    assert.deepEqual(epochRows(it).sizes, [4, 4, 2]);
  });

  it('reuses the same buffers every step (no reallocation), from the given allocator', () => {
    const allocated: number[] = [];
    const alloc = (n: number) => {
      allocated.push(n);
      return new Float32Array(n);
    };
    const it = new BatchIterator(source(23, 3), { batchSize: 5, rng: new Rng(2), alloc });
    assert.deepEqual(allocated, [10, 15]); // x [5, 2], target [5, 3]
    const x = it.x;
    const xd = it.x.data;
    const t = it.target;
    const td = it.target.data;
    const labels = it.labels;
    for (let e = 0; e < 2; e++) {
      it.reset();
      while (it.next()) {
        assert.equal(it.x, x);
        assert.equal(it.x.data, xd);
        assert.equal(it.target, t);
        assert.equal(it.target.data, td);
        assert.equal(it.labels, labels);
      }
    }
    assert.equal(allocated.length, 2);
    assert.equal(it.x.rows, 3); // last batch of 23 by 5
    assert.equal(it.x.capacity, 5);
  });

  it("with the backend's kernels (data in their memory or not), the same batches as the copy loop", () => {
    const k = kernels();
    const src = source(37, 3);
    const ds = { ...src, name: 'toy', classNames: ['a', 'b', 'c'] };
    const resident = residentDataset(ds, k);
    const ref = new BatchIterator(src, { batchSize: 8, rng: new Rng(5) });
    const viaPlain = new BatchIterator(src, { batchSize: 8, rng: new Rng(5), kernels: k });
    const viaResident = new BatchIterator(resident, { batchSize: 8, rng: new Rng(5), kernels: k });
    assert.ok(k.owns(viaResident.x.data), 'batch buffers come from the kernels');
    let steps = 0;
    while (ref.next()) {
      assert.ok(viaPlain.next() && viaResident.next());
      for (const it of [viaPlain, viaResident]) {
        assert.deepEqual(Array.from(it.x.view()), Array.from(ref.x.view()));
        assert.deepEqual(Array.from(it.target.view()), Array.from(ref.target.view()));
        assert.deepEqual(Array.from(it.labels.subarray(0, it.x.rows)), Array.from(ref.labels.subarray(0, ref.x.rows)));
      }
      steps++;
    }
    assert.equal(steps, 5);
    assert.ok(!viaPlain.next() && !viaResident.next());
    if (resident !== ds) k.release(resident.x.data);
  });

  it('prefetch: the same batches, the next one copied (in the background) while the current one is in use', () => {
    const k = kernels();
    // 128 × 300 values per batch: above the size the wasm backend copies on a worker thread
    const [n, cols] = [1100, 300];
    const x = Matrix.zeros(n, cols);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 4;
      for (let c = 0; c < cols; c++) x.data[i * cols + c] = i + c / 1000;
    }
    const ds = { name: 'rows', x, y, numClasses: 4, classNames: ['a', 'b', 'c', 'd'] };
    const resident = residentDataset(ds, k);
    const ref = new BatchIterator(ds, { batchSize: 128, rng: new Rng(7) });
    const it = new BatchIterator(resident, { batchSize: 128, rng: new Rng(7), kernels: k, prefetch: true });
    const same = (what: string) => {
      assert.deepEqual(Array.from(it.x.view()), Array.from(ref.x.view()), what);
      assert.deepEqual(Array.from(it.target.view()), Array.from(ref.target.view()), what);
      assert.deepEqual(Array.from(it.labels.subarray(0, it.x.rows)), Array.from(ref.labels.subarray(0, ref.x.rows)), what);
    };
    const buffers = new Set<unknown>();
    for (let epoch = 0; epoch < 2; epoch++) {
      ref.reset();
      it.reset();
      for (let step = 0; ref.next(); step++) {
        assert.ok(it.next());
        same(`epoch ${epoch}, step ${step}`);
        buffers.add(it.x.data);
        if (step % 3 !== 2) {
          it.prefetch();
          it.prefetch(); // a second call changes nothing
        }
        same(`epoch ${epoch}, step ${step}, after prefetch`); // the current batch is left alone
        it.x.data.fill(-1, 0, it.x.size); // as augmentation would: the next batch is not touched
      }
      assert.equal(it.next(), false);
    }
    assert.equal(buffers.size, 2, 'x alternates between two buffers');
    // a new epoch (new permutation) while a prefetch is running: that batch is dropped
    ref.reset();
    it.reset();
    assert.ok(ref.next() && it.next());
    it.prefetch();
    ref.reset();
    it.reset();
    while (ref.next()) {
      assert.ok(it.next());
      same('after a reset');
      it.prefetch();
    }
    it.release(); // waits for nothing left running
    if (resident !== ds) k.release(resident.x.data);
  });

  it('next() returns false at the end and reset() starts over', () => {
    const it = new BatchIterator(source(4), { batchSize: 4, shuffle: false });
    assert.equal(it.next(), true); // first next() starts an epoch
    assert.equal(it.next(), false);
    assert.equal(it.next(), false);
    it.reset();
    assert.equal(it.next(), true);
  });

  it('binary targets are [b, 1] labels', () => {
    const it = new BatchIterator(source(6, 2), { batchSize: 6, shuffle: false, targets: 'binary' });
    it.next();
    assert.deepEqual(Array.from(it.target.view()), [0, 1, 0, 1, 0, 1]);
    assert.throws(() => new BatchIterator(source(6, 3), { batchSize: 2, shuffle: false, targets: 'binary' }), ConfigError);
  });

  it('writes into float64 buffers too (gradient checks)', () => {
    const it = new BatchIterator(source(3), { batchSize: 2, shuffle: false, alloc: (n) => new Float64Array(n) });
    it.next();
    assert.ok(it.x.data instanceof Float64Array);
    assert.deepEqual(it.x.toArray(), [[0, 0.5], [1, 1.5]]);
  });

  it('validates options', () => {
    assert.throws(() => new BatchIterator(source(4), { batchSize: 0, shuffle: false }), ConfigError);
    assert.throws(() => new BatchIterator(source(4), { batchSize: 2 }), /needs an rng/);
    const bad = source(4);
    bad.y[2] = 9;
    assert.throws(() => new BatchIterator(bad, { batchSize: 2, shuffle: false }), /label at index 2 is 9, expected an integer in \[0, 3\]/);
  });
});
