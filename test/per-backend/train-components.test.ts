import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import type { Dataset } from '../../src/data/dataset.js';
import { ConfigError } from '../../src/errors.js';
import { JsKernels } from '../../src/core/kernels-js.js';
import { applyMaxNorm } from '../../src/nn/constraints.js';
import { BatchNorm } from '../../src/nn/layers/index.js';
import { SoftmaxCrossEntropy } from '../../src/nn/losses/index.js';
import { mlp } from '../../src/nn/mlp.js';
import type { Sequential } from '../../src/nn/model.js';
import { createOptimizer } from '../../src/nn/optimizers/index.js';
import { checkConfig, DEFAULT_CONFIG, runTraining } from '../../src/recipe.js';
import { clipGradNorm, fit, smoothLabels } from '../../src/nn/train.js';
import { assertClose, TrackingKernels } from '../helpers.js';

/** Three Gaussian clusters in 4 dimensions (well separated), `n` rows. */
function clusters(n: number, seed: number, classes = 3): Dataset {
  const rng = new Rng(seed, 'clusters');
  const centers = [[2, 0, -2, 1], [-2, 2, 0, -1], [0, -2, 2, 0]];
  const x = Matrix.zeros(n, 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes;
    for (let j = 0; j < 4; j++) x.data[i * 4 + j] = centers[y[i]][j] + 0.4 * rng.normal();
  }
  return { name: 'clusters', x, y, numClasses: classes, classNames: centers.slice(0, classes).map((_, i) => `c${i}`) };
}

/** ‖W[:, j]‖₂ of every column of a Dense weight [in, out]. */
function columnNorms(w: Matrix): number[] {
  return Array.from({ length: w.cols }, (_, j) => {
    let s = 0;
    for (let i = 0; i < w.rows; i++) s += w.get(i, j) ** 2;
    return Math.sqrt(s);
  });
}

function setup(seed = 1, lr = 0.05, hidden = [16]): { model: Sequential; optimizer: ReturnType<typeof createOptimizer> } {
  const model = mlp({ hidden, outputs: 3 }).build({ inputWidth: 4, batchSize: 16, seed });
  return { model, optimizer: createOptimizer('adam', model.params(), { lr }, model.kernels) };
}

describe('gradient-norm clipping', () => {
  it('rescales a large gradient to the given norm and returns the norm before', () => {
    const { model } = setup();
    const g = model.gradArena;
    for (let i = 0; i < g.length; i++) g[i] = i % 2 === 0 ? 3 : -4;
    const norm = (): number => Math.sqrt(Array.from(g).reduce((s, v) => s + v * v, 0));
    const before = norm();
    const returned = clipGradNorm(model, 2);
    assert.ok(Math.abs(returned - before) < 1e-6 * before, `returned ${returned}, expected ${before}`);
    assert.ok(Math.abs(norm() - 2) < 1e-5, `norm after clipping ${norm()}`);
    assert.ok(Math.abs(g[1] / g[0] + 4 / 3) < 1e-6, 'direction kept');
  });

  it('leaves a gradient under the bound alone', () => {
    const { model } = setup();
    const g = model.gradArena;
    for (let i = 0; i < g.length; i++) g[i] = 1e-3 * Math.sin(i);
    const copy = Float32Array.from(g);
    const norm = clipGradNorm(model, 1);
    assert.ok(norm < 1, `norm ${norm}`);
    assert.deepEqual(g, copy);
  });
});

describe('label smoothing', () => {
  it('t = (1−ε)·onehot + ε/K, and the loss matches hand-computed numbers', () => {
    const t = Matrix.from([[0, 1, 0], [1, 0, 0]], 'float64');
    smoothLabels(new JsKernels(), t, 0.1);
    assertClose(t.view(), [0.1 / 3, 0.9 + 0.1 / 3, 0.1 / 3, 0.9 + 0.1 / 3, 0.1 / 3, 0.1 / 3], 1e-15, 'targets');
    const loss = new SoftmaxCrossEntropy();
    const z = Matrix.from([[1, 2, 3], [0.5, -1, 0]], 'float64');
    loss.build(3, 2, setup().model.kernels);
    // row 1: lse = log(e + e² + e³) = 3.40760596444438, −Σ t·log p = 1.40760596444438
    // row 2: lse = 1.1041306053367284, −Σ t·log p = 0.6707972720033949; mean 1.0392016182238875
    // (torch: (1−ε)·CE(onehot) + ε·mean_j(−log p_j) gives the same)
    const value = loss.forward(z, t, false);
    assert.ok(Math.abs(value - 1.0392016182238875) < 1e-12, `loss ${value}`);
  });

  it('fit: the training loss stays above the smoothed targets’ entropy, accuracy stays high', async () => {
    const eps = 0.2;
    const data = clusters(240, 1);
    const { model, optimizer } = setup(2, 0.05);
    const history = await fit(model, data, { optimizer, epochs: 15, labelSmoothing: eps, validation: clusters(60, 2) });
    // cross-entropy ≥ entropy H(t), with t = (0.8 + 0.2/3, 0.2/3, 0.2/3)
    const hi = 1 - eps + eps / 3;
    const lo = eps / 3;
    const entropy = -(hi * Math.log(hi) + 2 * lo * Math.log(lo));
    for (const e of history) assert.ok(e.dataLoss >= entropy - 1e-6, `epoch ${e.epoch}: loss ${e.dataLoss} < H(t) ${entropy}`);
    const last = history.at(-1)!;
    assert.ok(last.dataLoss < entropy + 0.05, `close to its floor: ${last.dataLoss} vs ${entropy}`);
    assert.ok(last.valAccuracy! > 0.95, `validation accuracy ${last.valAccuracy}`);

    const plain = setup(2, 0.05);
    const h = await fit(plain.model, data, { optimizer: plain.optimizer, epochs: 15 });
    assert.ok(h.at(-1)!.dataLoss < entropy / 2, 'without smoothing the loss goes far lower');
  });

  it('sigmoid outputs smooth towards 1/2; bad ε and MSE are rejected', async () => {
    const data = clusters(80, 3, 2);
    const model = mlp({ hidden: [8], outputs: 1 }).build({ inputWidth: 4, batchSize: 16, seed: 1 });
    const optimizer = createOptimizer('adam', model.params(), { lr: 0.05 }, model.kernels);
    const h = await fit(model, data, { loss: 'sigmoid_cross_entropy', optimizer, epochs: 10, labelSmoothing: 0.2 });
    const floor = -(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1)); // H(0.9) for t ∈ {0.1, 0.9}
    for (const e of h) assert.ok(e.dataLoss >= floor - 1e-6, `loss ${e.dataLoss} < ${floor}`);
    const { model: m, optimizer: o } = setup();
    await assert.rejects(fit(m, clusters(30, 1), { optimizer: o, labelSmoothing: 1 }), ConfigError);
    await assert.rejects(fit(m, clusters(30, 1), { optimizer: o, labelSmoothing: -0.1 }), ConfigError);
    await assert.rejects(fit(m, clusters(30, 1), { optimizer: o, loss: 'mse', labelSmoothing: 0.1 }), /cross-entropy/);
  });
});

describe('max-norm constraint', () => {
  it('rescales only the columns whose norm exceeds c', () => {
    // columns (3, 4) → norm 5 → (0.6, 0.8);  (0.3, 0.4) → norm 0.5, kept;  (0, −2) → (0, −1)
    const w = new Matrix(2, 3, Float64Array.from([3, 0.3, 0, 4, 0.4, -2]));
    assert.equal(new JsKernels().renormCols(w, 1), 2);
    assertClose(w.data, [0.6, 0.3, 0, 0.8, 0.4, -1], 1e-15, 'W');
  });

  it('applies to hidden Dense layers only, never to the output layer or biases', () => {
    const { model } = setup(1, 0.05, [8, 6]);
    for (let i = 0; i < model.paramArena.length; i++) model.paramArena[i] *= 10;
    const params = model.params(); // dense_1.weight, .bias, dense_2.weight, .bias, dense_3.weight, .bias
    const before = params.map((p) => Float32Array.from(p.value.view()));
    applyMaxNorm(model, 0.5);
    for (const i of [0, 2]) for (const n of columnNorms(params[i].value)) assert.ok(n <= 0.5 + 1e-6, `${params[i].name}: ${n}`);
    for (const i of [1, 3, 4, 5]) assert.deepEqual(params[i].value.view(), before[i], `${params[i].name} untouched`);
    assert.throws(() => applyMaxNorm(model, 0), ConfigError);
  });

  it('fit: every step ends inside the bound; without it the weights grow past it', async () => {
    const data = clusters(240, 4);
    const c = 0.8;
    const { model, optimizer } = setup(3, 0.1);
    const h = await fit(model, data, { optimizer, epochs: 10, maxNorm: c });
    assert.ok(columnNorms(model.params()[0].value).every((n) => n <= c + 1e-5), 'hidden columns within c');
    assert.ok(h.at(-1)!.accuracy > 0.9, `accuracy ${h.at(-1)!.accuracy}`);
    const free = setup(3, 0.1);
    await fit(free.model, data, { optimizer: free.optimizer, epochs: 10 });
    assert.ok(Math.max(...columnNorms(free.model.params()[0].value)) > c, 'the bound is active in this setting');
    await assert.rejects(fit(model, data, { optimizer, maxNorm: -1 }), ConfigError);
  });
});

describe('runTraining wiring', () => {
  it('batchNorm, labelSmoothing and maxNorm reach the model and fit', async () => {
    const train = clusters(120, 5);
    const test = clusters(30, 6);
    const config = { ...DEFAULT_CONFIG, dataset: 'clusters', layers: [8], dropout: 0, epochs: 6, lr: 0.02, batchSize: 16, valSplit: 0, schedule: undefined, batchNorm: true, labelSmoothing: 0.1, maxNorm: 1 };
    const r = await runTraining(config, { data: { train, test, source: 'test', description: 'clusters' } });
    assert.deepEqual(r.model.layers.map((l) => l.type), ['standardize', 'dense', 'batch_norm', 'activation', 'dense']);
    assert.ok((r.model.layers[2] as BatchNorm).buffers()[0].value.data.some((v) => v !== 0), 'running mean updated');
    assert.ok(columnNorms(r.model.params()[0].value).every((n) => n <= 1 + 1e-5), 'hidden columns within c');
    assert.ok(r.testAccuracy > 0.8, `test accuracy ${r.testAccuracy}`);
  });

  it('gives back every buffer it took from the backend: optimizer state after training, the rest with model.release()', async () => {
    const tracking = new TrackingKernels();
    const config = { ...DEFAULT_CONFIG, dataset: 'clusters', layers: [8], dropout: 0, epochs: 2, batchSize: 16, valSplit: 0, schedule: undefined, optimizer: 'adam' as const };
    const r = await runTraining(config, { kernels: tracking, data: { train: clusters(64, 7), test: clusters(16, 8), source: 'test', description: 'clusters' } });
    assert.ok(tracking.live.size > 0, 'the model still holds its arenas');
    r.model.release();
    assert.equal(tracking.live.size, 0, `${tracking.live.size} buffer(s) never released`);
  });

  it('checkConfig rejects bad values with ConfigError', () => {
    assert.throws(() => checkConfig({ ...DEFAULT_CONFIG, labelSmoothing: 1 }), /label smoothing/);
    assert.throws(() => checkConfig({ ...DEFAULT_CONFIG, maxNorm: 0 }), /max norm/);
    assert.throws(() => checkConfig({ ...DEFAULT_CONFIG, batchNorm: 'yes' as unknown as boolean }), ConfigError);
  });
});
