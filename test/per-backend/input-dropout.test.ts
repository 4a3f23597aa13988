// Dropout on the raw inputs (`mlp({ inputDropout })`, `--input-dropout`): placed before the
// Standardize layer so that the sparse first layer keeps working; evaluation applies none; saved
// models load; same bits on 1 and 2 WebAssembly threads.
import assert from 'node:assert/strict';
import { cli } from '../cli-helper.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { kernels as currentKernels } from '../../src/core/backend.js';
import type { Kernels } from '../../src/core/kernels.js';
import { Matrix, type DType } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import type { WasmKernels } from '../../src/core/wasm/index.js';
import { residentDataset, type Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { validateSpec } from '../../src/experiments/spec.js';
import { architectureOf, decodeModel, encodeModel } from '../../src/nn/io.js';
import { Dense, Dropout, Standardize } from '../../src/nn/layers/index.js';
import { SparseInputDense } from '../../src/nn/layers/sparse-input-dense.js';
import { inputStandardize, mlp } from '../../src/nn/mlp.js';
import type { Sequential } from '../../src/nn/model.js';
import { Adam } from '../../src/nn/optimizers/index.js';
import { fit, predict } from '../../src/nn/train.js';
import { createWasmKernels } from '../../src/node/wasm.js';
import { assertClose } from '../helpers.js';

const onWasm = process.env.SCRATCHNET_BACKEND === 'wasm';
const wasm = onWasm ? await createWasmKernels({ threads: 2 }) : null;
after(async () => wasm?.dispose());

/** `rows` images of 196 pixels, ~20% non-zero (class prototypes × brightness), 4 classes. */
function images(rows: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const protos = Array.from({ length: 4 }, () => Array.from({ length: 196 }, () => (rng.uniform() < 0.2 ? rng.range(0.2, 1) : 0)));
  const x = Matrix.zeros(rows, 196);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    y[i] = rng.int(4);
    for (let j = 0; j < 196; j++) x.data[i * 196 + j] = protos[y[i]][j] * rng.range(0.5, 1);
  }
  return { name: 'images', x, y, numClasses: 4, classNames: ['a', 'b', 'c', 'd'], imageShape: [14, 14] };
}

/** The kernels with a counter of `sparseGemm` calls (the sparse first layer's products). */
function counting(k: Kernels): { kernels: Kernels; calls: () => number } {
  let n = 0;
  const kernels = new Proxy(k, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      if (prop === 'sparseGemm') return (...a: unknown[]) => (n++, v.apply(target, a));
      // a model builds on kernels.forDtype(dtype): the spy again where that is the kernels themselves
      if (prop === 'forDtype') return (dtype: DType) => (target.forDtype(dtype) === target ? kernels : target.forDtype(dtype));
      return v.bind(target);
    },
  });
  return { kernels, calls: () => n };
}

const model = (inputDropout: number, k: Kernels, sparse = true) => {
  const m = mlp({ hidden: [32], outputs: 4, standardize: true, inputDropout }).build({ inputWidth: 196, batchSize: 64, seed: 7, kernels: k, sparse });
  inputStandardize(m)!.fit(images(256, 1).x, { perFeature: false });
  return m;
};

describe('input dropout', () => {
  test('comes first, before the Standardize layer, which stays folded into the sparse first Dense layer', () => {
    const m = model(0.2, currentKernels());
    assert.deepEqual(m.layers.map((l) => l.type).slice(0, 3), ['dropout', 'standardize', 'dense']);
    const [drop, std, first] = m.layers as [Dropout, Standardize, Dense];
    assert.equal(drop.name, 'input_dropout_1');
    assert.equal(drop.rate, 0.2);
    assert.equal(m.layers.filter((l) => l instanceof Dropout).length, 1, 'no hidden dropout asked for');
    const run = m.execution[1] as SparseInputDense;
    assert.deepEqual([run instanceof SparseInputDense, run.fold, run.dense], [true, std, first]);
    assert.equal(inputStandardize(m), std);
    assert.equal(first.computesInputGrad, false, 'nobody needs dL/dx of the first layer');
    // nor of the input dropout: its backward passes dy ([batch, 32], not its own width 196) through untouched
    m.forward(images(8, 9).x, 'train');
    const dy = Matrix.zeros(8, 32);
    assert.equal(drop.backward(dy), dy);
    assert.throws(() => mlp({ hidden: [4], outputs: 2, inputDropout: 1 }), (e: unknown) => e instanceof ConfigError && /input_dropout: rate must be in \[0, 1\)/.test(e.message));
    m.release();
  });

  test('training takes the sparse path; a training step equals the dense path (same masks) within rounding', () => {
    const data = images(64, 2);
    const step = (sparse: boolean) => {
      const spy = counting(currentKernels());
      const m = model(0.2, spy.kernels, sparse);
      const y = Array.from(m.forward(data.x, 'train').view());
      m.zeroGrad();
      m.backward(Matrix.from(Array.from({ length: 64 }, (_, i) => [1, -1, 0.5, (i % 3) - 1])));
      const grads = Array.from(m.gradArena);
      m.release();
      return { y, grads, calls: spy.calls() };
    };
    const [sparse, dense] = [step(true), step(false)];
    assert.ok(sparse.calls >= 2, `the sparse products ran (forward and weight gradient): ${sparse.calls} calls`);
    assert.equal(dense.calls, 0);
    assertClose(sparse.y, dense.y, 2e-4, 'train-mode outputs');
    assertClose(sparse.grads, dense.grads, 2e-3, 'gradients');
  });

  test('evaluation and prediction apply no dropout: the outputs of the model without it', () => {
    const data = images(50, 3);
    const k = currentKernels();
    const [withDrop, without] = [model(0.5, k), model(0, k)];
    assert.deepEqual(withDrop.getWeights(), without.getWeights(), 'same init streams: the input dropout is named apart');
    const a = predict(withDrop, data.x, 'linear').probabilities.view();
    const b = predict(without, data.x, 'linear').probabilities.view();
    assert.deepEqual(Array.from(a), Array.from(b));
    assert.notDeepEqual(Array.from(withDrop.forward(data.x, 'train').view()), Array.from(without.forward(data.x, 'train').view()));
    withDrop.release();
    without.release();
  });

  test('a saved model loads: the dropout layer is kept and is the identity at inference', () => {
    const m = model(0.2, currentKernels());
    const bytes = encodeModel(m, architectureOf(m, 'softmax_cross_entropy', { classNames: ['a', 'b', 'c', 'd'], imageShape: [14, 14] }));
    const loaded = decodeModel(bytes, { batchSize: 64 }, 'mem.safetensors');
    assert.deepEqual(loaded.architecture.layers[0], { type: 'dropout', name: 'input_dropout_1', config: { rate: 0.2 } });
    const x = images(20, 4).x;
    assert.deepEqual(Array.from(predict(loaded.model, x, 'linear').probabilities.view()), Array.from(predict(m, x, 'linear').probabilities.view()));
    m.release();
    loaded.model.release();
  });

  test('spec key inputDropout is type-checked', () => {
    const spec = { name: 's', datasets: ['iris'], seeds: [1], variations: [{ group: 'g', name: 'n', config: { inputDropout: 'lots' } }] };
    assert.throws(() => validateSpec(spec, 's.json'), /s\.json: \$\.variations\[0\]\.config\.inputDropout: expected a number, found "lots"/);
  });
});

describe('input dropout: WebAssembly training', { skip: onWasm ? false : 'runs with SCRATCHNET_BACKEND=wasm' }, () => {
  async function train(k: WasmKernels, data: Dataset, threads: number): Promise<{ w: Float32Array; sparseCalls: number }> {
    k.setThreads(threads);
    const spy = counting(k);
    const ds = residentDataset(data, k);
    const m: Sequential = model(0.2, spy.kernels);
    const optimizer = new Adam(m.params(), { lr: 1e-3 }, spy.kernels);
    await fit(m, ds, { optimizer, epochs: 1, seed: 4, threads });
    const w = m.getWeights();
    optimizer.release();
    m.release();
    k.release(ds.x.data);
    return { w, sparseCalls: spy.calls() };
  }

  test('fit with input dropout and the folded sparse first layer gives bit-identical weights on 1 and 2 threads', async () => {
    const data = images(512, 5);
    const one = await train(wasm!, data, 1);
    const two = await train(wasm!, data, 2);
    assert.ok(one.sparseCalls > 0 && one.sparseCalls === two.sparseCalls, `sparse products: ${one.sparseCalls}, ${two.sparseCalls}`);
    const u1 = new Uint32Array(one.w.buffer), u2 = new Uint32Array(two.w.buffer);
    assert.equal(u1.findIndex((v, i) => v !== u2[i]), -1, 'weights differ between 1 and 2 threads');
  });
});

describe('scratchnet train --input-dropout', { skip: onWasm ? 'the CLI is tested on the js run' : false }, () => {
  test('adds the layer (saved in the model file and the config); a bad rate is one clear line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scratchnet-input-dropout-'));
    const file = join(dir, 'm.safetensors');
    const run = (...args: string[]) => cli(['train', ...args], { env: { SCRATCHNET_BACKEND: 'js' } });
    const r = run('--dataset', 'moons', '--epochs', '2', '--input-dropout', '0.2', '--save', file, '--json');
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.equal(summary.config.inputDropout, 0.2);
    const header = readFileSync(file);
    const meta = JSON.parse(header.subarray(8, 8 + Number(header.readBigUInt64LE(0))).toString('utf8')).__metadata__;
    assert.deepEqual(JSON.parse(meta['scratchnet.architecture']).layers.slice(0, 2).map((l: { type: string }) => l.type), ['dropout', 'standardize']);
    const bad = run('--dataset', 'moons', '--input-dropout', '1');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /input-dropout/);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  });
});
