// The folded first layer's cached bias b̃ = b + shiftᵀ·W (src/nn/layers/sparse-input-dense.ts): a few rows in
// evaluation take the sparse product with it, equal to the dense path within float32 rounding and
// bit-identical on 1 and 2 threads; every way of changing weights or standardisation invalidates it.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { kernels } from '../../src/core/backend.js';
import type { Kernels } from '../../src/core/kernels.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import { createWasmKernels } from '../../src/node/wasm.js';
import { applyMaxNorm } from '../../src/nn/constraints.js';
import type { Standardize } from '../../src/nn/layers/index.js';
import { mlp } from '../../src/nn/mlp.js';
import type { Sequential } from '../../src/nn/model.js';
import { Adam } from '../../src/nn/optimizers/index.js';
import { Predictor } from '../../src/nn/predictor.js';

const onWasm = process.env.SCRATCHNET_BACKEND === 'wasm';
const wasm = onWasm ? await createWasmKernels({ threads: 2 }) : null;
after(async () => wasm?.dispose());

const WIDTH = 784;

/** [rows, 784] image-like rows: ~80% zeros, the rest in (0, 1]. */
function images(rows: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const x = Matrix.zeros(rows, WIDTH);
  for (let i = 0; i < x.size; i++) x.data[i] = rng.uniform() < 0.8 ? 0 : 1 - rng.uniform();
  return x;
}

/** The CLI's model shape (Standardize → 256 → 128 → 10), standardisation fitted on `x`. */
function model(k: Kernels, x: Matrix, sparse: boolean): Sequential {
  const m = mlp({ hidden: [256, 128], outputs: 10, standardize: true }).build({ inputWidth: WIDTH, batchSize: 16, seed: 3, kernels: k, sparse });
  (m.layers[0] as Standardize).fit(x, { perFeature: true });
  return m;
}

const rowsOf = (x: Matrix, i: number, n: number) => x.data.subarray(i * WIDTH, (i + n) * WIDTH);

/** Asserts |a − b| ≤ 1e-5 · max|b| (float32 rounding of sums of 784 products). */
function assertNear(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 * scale, `${what} [${i}]: ${a[i]} vs ${b[i]}`);
}

describe(`folded first layer, few rows (${kernels().name} backend)`, () => {
  test('1–5 rows take the sparse product and equal the dense path within float32 rounding', () => {
    const k = kernels();
    const x = images(40, 1);
    const [sparse, dense] = [true, false].map((on) => new Predictor(model(k, x, on), { maxRows: 5, output: 'linear' }));
    for (let n = 1; n <= 5; n++) {
      for (let i = 0; i < 3; i++) {
        const want = Float32Array.from(dense.run(rowsOf(x, 7 * i, n)).view());
        assertNear(sparse.run(rowsOf(x, 7 * i, n)).view(), want, `${n} rows from ${7 * i}`);
      }
    }
  });

  test('one image: after the first call, one sparse product and the two small GEMMs, nothing else', () => {
    const k = kernels();
    const x = images(8, 5);
    const p = new Predictor(model(k, x, true));
    p.run(rowsOf(x, 0, 1)); // computes b̃
    const calls: string[] = [];
    const spied = ['gemm', 'sparseGemm', 'affineCols'] as const;
    const saved = spied.map((name) => k[name]);
    spied.forEach((name, i) => {
      const f = saved[i] as (...args: unknown[]) => void;
      (k as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => (calls.push(name), f.apply(k, args));
    });
    try {
      for (let c = 1; c < 4; c++) p.run(rowsOf(x, c, 1));
    } finally {
      spied.forEach((name, i) => ((k as unknown as Record<string, unknown>)[name] = saved[i]));
    }
    assert.deepEqual(calls, Array.from({ length: 3 }, () => ['sparseGemm', 'gemm', 'gemm']).flat());
  });

  test('the cached b̃ is reused until a write is marked (proof that it is cached)', () => {
    const k = kernels();
    const x = images(8, 2);
    const m = model(k, x, true);
    const p = new Predictor(m, { output: 'linear' });
    const bias = m.namedParameters().get('dense_1.bias')!; // handing out the views marks a write
    const before = Float32Array.from(p.run(rowsOf(x, 0, 1)).view());
    bias.data[0] += 1; // written in place, unmarked: the cached b̃ still holds the old bias
    assert.deepEqual(Float32Array.from(p.run(rowsOf(x, 0, 1)).view()), before);
    m.params()[1].version++; // the bias's version (Param.version) marks the write
    const after = p.run(rowsOf(x, 0, 1)).view();
    assert.notDeepEqual(Float32Array.from(after), before);
  });

  // each path changes the weights or the standardisation after a first prediction has cached b̃;
  // the next prediction must equal a dense model's given the same weights
  const paths: [string, (m: Sequential, x: Matrix, predict: () => void) => void][] = [
    ['an optimizer step', (m, x, predict) => {
      const opt = new Adam(m.params(), { lr: 0.05 }, m.kernels);
      m.zeroGrad();
      const batch = new Matrix(16, WIDTH, m.kernels.alloc(16 * WIDTH));
      batch.data.set(rowsOf(x, 0, 16));
      m.backward(m.forward(batch, 'train'));
      predict(); // caches b̃ between the backward pass and the step
      opt.step();
      opt.release();
      m.kernels.release(batch.data);
    }],
    ['loadStateDict', (m) => {
      const rng = new Rng(9);
      m.loadStateDict(new Map([...m.namedParameters()].map(([n, v]) => [n, Float32Array.from(v.view(), () => rng.range(-0.1, 0.1))])));
    }],
    ['setWeights', (m) => {
      const w = m.getWeights();
      for (let i = 0; i < m.parameterCount; i++) w[i] *= 1.5; // the parameters, not the standardisation
      m.setWeights(w);
    }],
    ['Standardize.fit', (m, x) => (m.layers[0] as Standardize).fit(x, { perFeature: false })],
    ['the std buffer written in place and marked (as a model file load does)', (m) => {
      const std = (m.layers[0] as Standardize).buffers()[1];
      std.value.data.fill(0.25);
      std.version++;
    }],
    ['a weight written through namedParameters()', (m) => {
      const w = m.namedParameters().get('dense_1.weight')!;
      for (let i = 0; i < w.size; i++) w.data[i] *= 0.5;
    }],
    ['max-norm', (m) => assert.ok(applyMaxNorm(m, 0.05) > 0)],
  ];
  for (const [what, change] of paths) {
    test(`invalidated by ${what}`, () => {
      const k = kernels();
      const x = images(16, 3);
      const m = model(k, x, true);
      const ref = model(k, x, false);
      const p = new Predictor(m, { output: 'linear' });
      const q = new Predictor(ref, { output: 'linear' });
      const first = Float32Array.from(p.run(rowsOf(x, 1, 1)).view());
      change(m, x, () => p.run(rowsOf(x, 2, 1)));
      const got = Float32Array.from(p.run(rowsOf(x, 1, 1)).view()); // before ref.setWeights marks a write
      ref.setWeights(m.getWeights());
      assert.notDeepEqual(got, first, 'the change changes the prediction');
      assertNear(got, q.run(rowsOf(x, 1, 1)).view(), what);
    });
  }
});

describe('folded first layer, few rows: 1 and 2 WebAssembly threads', { skip: onWasm ? false : 'runs with SCRATCHNET_BACKEND=wasm' }, () => {
  test('1–5 rows give the same bits on 1 and 2 threads, sparse and dense', () => {
    const k = wasm!;
    const x = images(40, 4);
    for (const sparse of [true, false]) {
      const p = new Predictor(model(k, x, sparse), { maxRows: 5, output: 'linear' });
      for (let n = 1; n <= 5; n++) {
        const [one, two] = [1, 2].map((t) => {
          k.setThreads(t);
          return new Uint32Array(Float32Array.from(p.run(rowsOf(x, 3, n)).view()).buffer);
        });
        assert.deepEqual(one, two, `${sparse ? 'sparse' : 'dense'}, ${n} rows`);
      }
    }
  });
});
