// Predictor: one-row predictions with nothing allocated per call, the same probabilities as predict.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kernels } from '../../src/core/backend.js';
import type { Kernels } from '../../src/core/kernels.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import type { WasmKernels } from '../../src/core/wasm/index.js';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { Standardize } from '../../src/nn/layers/index.js';
import { mlp } from '../../src/nn/mlp.js';
import type { Sequential } from '../../src/nn/model.js';
import { Predictor } from '../../src/nn/predictor.js';
import { predict } from '../../src/nn/train.js';

const FEATURES = 64;
const ROWS = 200;

/** Image-like rows: ~80% zeros (the sparse first layer's regime), the rest in (0, 1]. */
function images(rng: Rng): Matrix {
  const x = Matrix.zeros(ROWS, FEATURES);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.uniform() < 0.8 ? 0 : 1 - rng.uniform();
  return x;
}

/** Rows from `seed` and the CLI's model shape, small: Standardize (fitted on them) → Dense/ReLU ×2 → Dense. */
function setup(seed: number, sparse = true): { x: Matrix; m: Sequential } {
  const x = images(new Rng(seed));
  const m = mlp({ hidden: [32, 16], outputs: 10, standardize: true }).build({ inputWidth: FEATURES, batchSize: 128, seed: 3, kernels: kernels(), sparse });
  (m.layers[0] as Standardize).fit(x, { perFeature: false });
  return { x, m };
}

/** Counts the kernels' allocations (and, on wasm, every block its heap hands out, staging included) while `body` runs. */
function countAllocations(k: Kernels, body: () => void): number {
  let count = 0;
  const alloc = k.alloc;
  k.alloc = (...args) => (count++, alloc.apply(k, args));
  const heap = (k as Partial<WasmKernels>).heap;
  const allocBytes = heap?.allocBytes;
  if (heap && allocBytes) heap.allocBytes = (bytes) => (count++, allocBytes.call(heap, bytes));
  try {
    body();
  } finally {
    k.alloc = alloc;
    if (heap && allocBytes) heap.allocBytes = allocBytes;
  }
  return count;
}

const row = (x: Matrix, i: number) => x.data.subarray(i * FEATURES, (i + 1) * FEATURES);

describe(`Predictor (${kernels().name} backend)`, () => {
  for (const sparse of [true, false]) {
    it(`${sparse ? 'sparse' : 'dense'} first layer: 1,000 one-row calls allocate nothing and match predict`, () => {
      const k = kernels();
      const { x, m } = setup(11, sparse);
      const batch = predict(m, x); // all rows in batches of 128
      const p = new Predictor(m);
      p.run(row(x, 0)); // a first call, as a warm-up would
      const heapUsed = (k as Partial<WasmKernels>).heap?.used;
      const got = new Float32Array(1000 * 10);
      const classes = new Int32Array(1000);
      let same = true;
      const allocations = countAllocations(k, () => {
        for (let c = 0; c < 1000; c++) {
          const out = p.run(row(x, c % ROWS));
          same &&= out === p.probabilities && out.rows === 1;
          got.set(out.data.subarray(0, 10), c * 10);
          classes[c] = p.classes[0];
        }
      });
      assert.equal(allocations, 0, 'no kernel buffer allocated per call');
      assert.equal((k as Partial<WasmKernels>).heap?.used, heapUsed, 'the wasm heap holds the same bytes');
      assert.ok(same, 'every call returns the same [1, 10] matrix');
      for (let c = 0; c < 1000; c++) {
        const i = c % ROWS;
        // predict on the same single row takes the same path: the same bits
        const one = predict(m, new Matrix(1, FEATURES, row(x, i)));
        assert.deepEqual(got.subarray(c * 10, c * 10 + 10), one.probabilities.data, `call ${c}`);
        assert.equal(classes[c], batch.classes[i], `class of row ${i}`);
        // in a batch of 128 the sparse/dense choice and the product's blocking may differ: last bits only
        for (let j = 0; j < 10; j++) assert.ok(Math.abs(got[c * 10 + j] - batch.probabilities.data[i * 10 + j]) < 1e-5, `row ${i} output ${j}`);
      }
      p.release();
      m.release();
    });
  }

  it('several rows per call, sigmoid and linear outputs, as predict', () => {
    const { x, m } = setup(12);
    for (const output of ['softmax', 'sigmoid', 'linear'] as const) {
      const p = new Predictor(m, { maxRows: 4, output });
      const three = x.data.subarray(5 * FEATURES, 8 * FEATURES);
      const want = predict(m, new Matrix(3, FEATURES, three), output);
      const got = p.run(three);
      assert.equal(got.rows, 3);
      assert.deepEqual(got.view(), want.probabilities.data, output);
      assert.deepEqual(p.classes.subarray(0, 3), want.classes);
      p.release();
    }
    m.release();
  });

  it('bad sizes are refused with a typed error', () => {
    const { m } = setup(13);
    assert.throws(() => new Predictor(m, { maxRows: 129 }), ConfigError);
    assert.throws(() => new Predictor(m, { maxRows: 0 }), ConfigError);
    const p = new Predictor(m, { maxRows: 2 });
    assert.throws(() => p.run(new Float32Array(FEATURES - 1)), /expected 1 to 2 rows of 64 values, found 63 values/);
    assert.throws(() => p.run(new Float32Array(3 * FEATURES)), ShapeError);
    assert.throws(() => p.run([]), ShapeError);
    p.release();
    m.release();
  });
});
