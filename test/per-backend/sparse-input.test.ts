// The first Dense layer's sparse input (src/nn/sparse-input.ts, SparseInputDense): the plan, gradient checks of the
// folded standardisation on sparse and dense batches, the folded sparse model against the plain
// dense one, and bit-identical training on 1 and 2 WebAssembly threads.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { kernels } from '../../src/core/backend.js';
import { Matrix, type DType } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import type { WasmKernels } from '../../src/core/wasm/index.js';
import { createWasmKernels } from '../../src/node/wasm.js';
import { residentDataset, type Dataset } from '../../src/data/dataset.js';
import { gradcheck } from '../../src/nn/gradcheck.js';
import { Activation, Dense, Standardize } from '../../src/nn/layers/index.js';
import { SparseInputDense } from '../../src/nn/layers/sparse-input-dense.js';
import { mlp } from '../../src/nn/mlp.js';
import { Sequential } from '../../src/nn/model.js';
import { Adam } from '../../src/nn/optimizers/index.js';
import { fit } from '../../src/nn/train.js';
import { SPARSE_BELOW } from '../../src/nn/sparse-input.js';
import { assertGradsClose } from '../helpers.js';

const onWasm = process.env.SCRATCHNET_BACKEND === 'wasm';
const wasm = onWasm ? await createWasmKernels({ threads: 2 }) : null;
after(async () => wasm?.dispose());

/** [rows, cols] with a fraction `density` of non-zero values in [0, 1), like image pixels. */
function pixels(rows: number, cols: number, density: number, seed: number, dtype: DType = 'float32'): Matrix {
  const rng = new Rng(seed);
  const m = Matrix.zeros(rows, cols, dtype);
  for (let i = 0; i < m.size; i++) m.data[i] = rng.uniform() < density ? rng.range(0.05, 1) : 0;
  return m;
}

const layers = () => [new Standardize(), new Dense({ units: 6 }), new Activation({ kind: 'relu' }), new Dense({ units: 3 })];

/** Per-feature μ and σ far from 0 and 1, so that the folded shift and scale matter. */
function fitted(model: Sequential, seed: number): Sequential {
  const std = model.layers[0] as Standardize;
  std.fit(pixels(40, model.inputWidth, 0.5, seed), { perFeature: true });
  return model;
}

describe('sparse input: plan', () => {
  test('folds a leading Standardize into the first Dense layer; sparse: false undoes it', () => {
    const model = mlp({ hidden: [8], outputs: 2, standardize: true }).build({ inputWidth: 5, batchSize: 4 });
    const [s, d, , out] = model.layers as [Standardize, Dense, Activation, Dense];
    const run = model.execution[0] as SparseInputDense;
    assert.ok(run instanceof SparseInputDense);
    assert.deepEqual([run.dense, run.fold, run.below], [d, s, SPARSE_BELOW]);
    assert.deepEqual(model.execution.slice(1), model.layers.slice(2), 'the other layers run as declared');
    assert.equal(model.execution.at(-1), out);
    assert.match(model.summary(), /plan: standardize_1 \+ dense_1 run as one sparse_input_dense/);
    model.build({ inputWidth: 5, batchSize: 4, sparse: false });
    assert.deepEqual(model.execution, model.layers);
    assert.doesNotMatch(model.summary(), /sparse_input_dense/);
    const plain = mlp({ hidden: [8], outputs: 2 }).build({ inputWidth: 5, batchSize: 4 });
    const first = plain.execution[0] as SparseInputDense;
    assert.ok(first instanceof SparseInputDense);
    assert.deepEqual([first.dense, first.fold, first.below], [plain.layers[0], null, SPARSE_BELOW]);
  });
});

describe('sparse input: gradient checks (central differences, float64)', () => {
  // 9 rows: folded (sparse or dense products); 3 rows: below FOLD_MIN_ROWS, standardised as x·scale + shift
  for (const [density, rows] of [[0.2, 9], [0.9, 9], [0.2, 3]]) {
    test(`folded Standardize → Dense, ${rows} rows ${density * 100}% non-zero (weights, biases, input)`, () => {
      const model = fitted(new Sequential(layers()).build({ inputWidth: 7, batchSize: 9, seed: 2, dtype: 'float64', inputGrad: true }), 4);
      model.params()[1].value.data.set([0.1, -0.2, 0.3, 0.05, 0, 0.2]);
      assert.equal((model.execution[0] as SparseInputDense).fold, model.layers[0]);
      assertGradsClose(gradcheck(model, null, pixels(rows, 7, density, 5, 'float64'), null, { checkInput: true }), 1e-6);
    });
  }
});

describe('sparse input: the folded sparse model equals the plain dense one', () => {
  for (const [density, rows] of [[0.15, 33], [0.9, 33], [0.15, 2]]) {
    test(`${kernels().name} backend, ${rows} rows ${density * 100}% non-zero: outputs and every gradient`, () => {
      const k = kernels();
      const x = pixels(rows, 50, density, 8);
      const dy = pixels(rows, 4, 1, 9);
      const [sparse, dense] = [true, false].map((on) => {
        const model = fitted(new Sequential([...layers().slice(0, 3), new Dense({ units: 4 })]).build({ inputWidth: 50, batchSize: 40, seed: 1, kernels: k, sparse: on }), 3);
        const y = Float32Array.from(model.forward(x, 'train').view());
        model.backward(new Matrix(rows, 4, dy.data));
        return { y, grads: Float32Array.from(model.gradArena) };
      });
      for (const [what, a, b] of [['output', sparse.y, dense.y], ['gradient', sparse.grads, dense.grads]] as const) {
        const scale = Math.max(...b.map(Math.abs));
        for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 2e-5 * scale, `${what} ${i}: ${a[i]} vs ${b[i]}`);
      }
    });
  }
});

describe('sparse input: without a Standardize, the sparse products are the plain Dense to the bit', () => {
  test(`${kernels().name} backend, 33 rows 20% non-zero: outputs and every gradient`, () => {
    const k = kernels();
    const x = pixels(33, 50, 0.2, 8);
    const dy = pixels(33, 4, 1, 9);
    const [sparse, dense] = [true, false].map((on) => {
      const model = new Sequential([new Dense({ units: 6 }), new Activation({ kind: 'relu' }), new Dense({ units: 4 })]).build({ inputWidth: 50, batchSize: 40, seed: 1, kernels: k, sparse: on });
      assert.equal(model.execution[0] instanceof SparseInputDense, on);
      const y = Float32Array.from(model.forward(x, 'train').view());
      model.backward(new Matrix(33, 4, dy.data));
      return { y, grads: Float32Array.from(model.gradArena) };
    });
    assert.deepEqual(new Uint32Array(sparse.y.buffer), new Uint32Array(dense.y.buffer));
    assert.deepEqual(new Uint32Array(sparse.grads.buffer), new Uint32Array(dense.grads.buffer));
  });
});

describe('sparse input: WebAssembly training', { skip: onWasm ? false : 'runs with SCRATCHNET_BACKEND=wasm' }, () => {
  /** 1024 rows of 784 pixels, ~20% non-zero, 10 classes. */
  function digits(): Dataset {
    const rng = new Rng(5);
    const protos = Array.from({ length: 10 }, (_, c) => pixels(1, 784, 0.2, 30 + c).data);
    const x = Matrix.zeros(1024, 784);
    const y = new Int32Array(1024);
    for (let i = 0; i < 1024; i++) {
      y[i] = rng.int(10);
      for (let j = 0; j < 784; j++) x.data[i * 784 + j] = protos[y[i]][j] * rng.range(0.3, 1);
    }
    return { name: 'digits', x, y, numClasses: 10, classNames: Array.from({ length: 10 }, (_, c) => String(c)) };
  }

  async function train(k: WasmKernels, data: Dataset, threads: number): Promise<Float32Array> {
    k.setThreads(threads);
    const ds = residentDataset(data, k);
    const model = mlp({ hidden: [64, 32], outputs: 10, standardize: true }).build({ inputWidth: 784, batchSize: 128, seed: 3, kernels: k });
    (model.layers[0] as Standardize).fit(data.x, { perFeature: false });
    const optimizer = new Adam(model.params(), { lr: 1e-3 }, k);
    await fit(model, ds, { optimizer, epochs: 1, seed: 4, threads });
    const w = model.getWeights();
    optimizer.release();
    model.release();
    k.release(ds.x.data);
    return w;
  }

  test('fit with the folded sparse first layer gives bit-identical weights on 1 and 2 threads', async () => {
    const data = digits();
    const one = await train(wasm!, data, 1);
    const two = await train(wasm!, data, 2);
    const u1 = new Uint32Array(one.buffer), u2 = new Uint32Array(two.buffer);
    assert.equal(u1.findIndex((v, i) => v !== u2[i]), -1, 'weights differ between 1 and 2 threads');
  });
});
