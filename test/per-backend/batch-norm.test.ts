import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { ConfigError, ModelFileError, ShapeError } from '../../src/errors.js';
import { gradcheck } from '../../src/nn/gradcheck.js';
import { architectureOf } from '../../src/nn/io.js';
import { loadModel, saveModel } from '../../src/node/model-file.js';
import { Activation, BatchNorm, batchNorm, Dense, layerFromConfig } from '../../src/nn/layers/index.js';
import { SoftmaxCrossEntropy } from '../../src/nn/losses/index.js';
import { mlp } from '../../src/nn/mlp.js';
import { Sequential } from '../../src/nn/model.js';
import { predict } from '../../src/nn/train.js';
import { assertClose, assertGradsClose, randomMatrix, randomOneHot } from '../helpers.js';

const TOL = 1e-6;
const dir = mkdtempSync(join(tmpdir(), 'scratchnet-bn-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function build(layers: ConstructorParameters<typeof Sequential>[0], inputWidth: number, batch: number, inputGrad = true): Sequential {
  return new Sequential(layers).build({ inputWidth, batchSize: batch, seed: 3, dtype: 'float64', inputGrad });
}

/** Sets γ and β of every batch norm layer to non-trivial values (γ = 1, β = 0 would hide mistakes). */
function randomizeAffine(model: Sequential, seed: number): void {
  for (const p of model.params()) {
    if (!p.name.startsWith('batch_norm')) continue;
    const r = randomMatrix(1, p.value.cols, seed++, 0.5, 1.5);
    p.value.data.set(r.data);
  }
}

function bnOf(model: Sequential): BatchNorm {
  return model.layers.find((l): l is BatchNorm => l instanceof BatchNorm)!;
}

describe('BatchNorm: gradient checks (training mode, float64)', () => {
  it('alone: γ, β and the input', () => {
    const model = build([new BatchNorm()], 5, 6);
    randomizeAffine(model, 1);
    const r = gradcheck(model, null, randomMatrix(6, 5, 2, -2, 3), null, { checkInput: true });
    assert.deepEqual(r.map((x) => x.name), ['batch_norm_1.gamma', 'batch_norm_1.beta', 'input']);
    assertGradsClose(r, TOL);
  });

  it('inside Dense → BN → tanh → Dense with softmax cross-entropy', () => {
    const model = build([new Dense({ units: 7 }), batchNorm({ momentum: 0.3 }), new Activation({ kind: 'tanh' }), new Dense({ units: 3 })], 4, 5);
    randomizeAffine(model, 4);
    const r = gradcheck(model, new SoftmaxCrossEntropy(), randomMatrix(5, 4, 5), randomOneHot(5, 3, 6), { checkInput: true });
    assertGradsClose(r, TOL);
  });

  it('as the first layer (no input gradient planned) with a small last batch', () => {
    const model = build([new BatchNorm(), new Dense({ units: 2 })], 3, 8, false);
    randomizeAffine(model, 7);
    assertGradsClose(gradcheck(model, null, randomMatrix(3, 3, 8), null), TOL);
  });
});

describe('BatchNorm: statistics', () => {
  // x = [[1, 2], [3, 8], [5, 5]]: column means (3, 5), Σ(x − μ)² = (8, 18)
  // biased var (8/3, 6), unbiased var (4, 9)
  const x = Matrix.from([[1, 2], [3, 8], [5, 5]], 'float64');

  it('training mode normalises with the batch mean and biased variance', () => {
    const model = build([new BatchNorm()], 2, 3);
    const y = model.forward(x, 'train');
    const s0 = Math.sqrt(8 / 3 + 1e-5);
    const s1 = Math.sqrt(6 + 1e-5);
    assertClose(y.view(), [-2 / s0, -3 / s1, 0, 3 / s1, 2 / s0, 0], 1e-12, 'y');
  });

  it('running statistics follow torch: (1−m)·old + m·batch, with the unbiased variance', () => {
    const model = build([new BatchNorm()], 2, 3);
    const [mean, variance] = bnOf(model).buffers();
    assert.deepEqual(mean.name, 'batch_norm_1.running_mean');
    assert.deepEqual(variance.name, 'batch_norm_1.running_var');
    assertClose(mean.value.view(), [0, 0], 0, 'initial mean');
    assertClose(variance.value.view(), [1, 1], 0, 'initial var');
    model.forward(x, 'train');
    // mean: 0.9·0 + 0.1·(3, 5) = (0.3, 0.5);  var: 0.9·1 + 0.1·(4, 9) = (1.3, 1.8)
    assertClose(mean.value.view(), [0.3, 0.5], 1e-12, 'mean after 1 step');
    assertClose(variance.value.view(), [1.3, 1.8], 1e-12, 'var after 1 step');
    // second batch [[0, 1], [2, 1]]: means (1, 1), unbiased var (2, 0)
    model.forward(Matrix.from([[0, 1], [2, 1]], 'float64'), 'train');
    // mean: 0.9·(0.3, 0.5) + 0.1·(1, 1) = (0.37, 0.55);  var: 0.9·(1.3, 1.8) + 0.1·(2, 0) = (1.37, 1.62)
    assertClose(mean.value.view(), [0.37, 0.55], 1e-12, 'mean after 2 steps');
    assertClose(variance.value.view(), [1.37, 1.62], 1e-12, 'var after 2 steps');
  });

  it('momentum 0 freezes the running statistics; momentum 1 keeps only the last batch', () => {
    const frozen = build([new BatchNorm({ momentum: 0 })], 2, 3);
    frozen.forward(x, 'train');
    assertClose(bnOf(frozen).buffers()[1].value.view(), [1, 1], 0, 'momentum 0');
    const last = build([new BatchNorm({ momentum: 1 })], 2, 3);
    last.forward(x, 'train');
    assertClose(bnOf(last).buffers()[1].value.view(), [4, 9], 1e-12, 'momentum 1');
  });

  it('eval mode uses the running statistics, row by row, and leaves them unchanged', () => {
    const model = build([new BatchNorm()], 2, 3);
    const [mean, variance] = bnOf(model).buffers();
    mean.value.data.set([1, -2]);
    variance.value.data.set([4, 0.25]);
    model.params()[0].value.data.set([2, 3]); // γ
    model.params()[1].value.data.set([0.5, -1]); // β
    const y = model.forward(x, 'eval');
    const f = (v: number, m: number, s2: number, g: number, b: number) => (g * (v - m)) / Math.sqrt(s2 + 1e-5) + b;
    const expected = x.toArray().flatMap(([a, b]) => [f(a, 1, 4, 2, 0.5), f(b, -2, 0.25, 3, -1)]);
    assertClose(y.view(), expected, 1e-12, 'eval y');
    const single = model.forward(Matrix.from([[3, 8]], 'float64'), 'eval');
    assertClose(single.view(), expected.slice(2, 4), 1e-12, 'a row alone gives the same output');
    assertClose(mean.value.view(), [1, -2], 0, 'running mean untouched');
    assertClose(variance.value.view(), [4, 0.25], 0, 'running var untouched');
  });

  it('eval-mode backward is the affine map γ/σ (statistics are constants)', () => {
    const model = build([new BatchNorm()], 2, 3);
    bnOf(model).buffers()[1].value.data.set([4, 9]);
    model.params()[0].value.data.set([2, 3]);
    model.forward(x, 'eval');
    const dx = model.backward(Matrix.from([[1, 1], [1, 1], [1, 1]], 'float64'));
    const a = 2 / Math.sqrt(4 + 1e-5);
    const b = 3 / Math.sqrt(9 + 1e-5);
    assertClose(dx.view(), [a, b, a, b, a, b], 1e-12, 'dx');
  });

  it('rejects a one-row batch in training mode, bad options, and wrong widths', () => {
    const model = build([new BatchNorm()], 2, 3);
    assert.throws(() => model.forward(Matrix.from([[1, 2]], 'float64'), 'train'), ShapeError);
    assert.throws(() => new BatchNorm({ momentum: 1.5 }), ConfigError);
    assert.throws(() => new BatchNorm({ eps: 0 }), ConfigError);
    assert.throws(() => bnOf(model).forward(Matrix.zeros(2, 3, 'float64'), 'train'), /batch_norm_1 \(input\)/);
  });
});

describe('BatchNorm: model files and the mlp hook', () => {
  it('mlp({ normalization }) puts it after each hidden Dense, before the activation', () => {
    const model = mlp({ hidden: [6, 4], outputs: 3, normalization: () => batchNorm() });
    assert.deepEqual(model.layers.map((l) => l.type), ['dense', 'batch_norm', 'activation', 'dense', 'batch_norm', 'activation', 'dense']);
    const made = layerFromConfig('batch_norm', { momentum: 0.2, eps: 1e-3 }, 'test');
    assert.deepEqual(made.config(), { momentum: 0.2, eps: 1e-3 });
  });

  it('save → load keeps the running statistics: identical eval predictions', () => {
    const model = mlp({ hidden: [8], outputs: 3, normalization: () => batchNorm({ momentum: 0.5 }) }).build({ inputWidth: 4, batchSize: 10, seed: 2 });
    for (let s = 0; s < 3; s++) model.forward(randomMatrix(10, 4, 10 + s, -2, 4, 'float32'), 'train');
    const [mean, variance] = bnOf(model).buffers();
    assert.ok(mean.value.data.some((v) => v !== 0), 'running mean moved');
    const path = join(dir, 'bn.safetensors');
    saveModel(path, model, architectureOf(model, 'softmax_cross_entropy'));
    const loaded = loadModel(path, { batchSize: 7 });
    const [lm, lv] = bnOf(loaded.model).buffers();
    assert.deepEqual(lm.value.data, mean.value.data);
    assert.deepEqual(lv.value.data, variance.value.data);
    assert.equal((bnOf(loaded.model) as BatchNorm).momentum, 0.5);
    const xs = randomMatrix(13, 4, 20, -2, 4, 'float32');
    assert.deepEqual(predict(loaded.model, xs).probabilities.data, predict(model, xs).probabilities.data);
  });

  it('a file without the running statistics is rejected, naming the tensor', () => {
    const model = mlp({ hidden: [3], outputs: 2, normalization: () => batchNorm() }).build({ inputWidth: 2, batchSize: 4 });
    const plain = mlp({ hidden: [3], outputs: 2 }).build({ inputWidth: 2, batchSize: 4 });
    const path = join(dir, 'no-stats.safetensors');
    // batch norm's γ/β are missing too; the first missing tensor is named
    saveModel(path, plain, architectureOf(model, 'softmax_cross_entropy'));
    assert.throws(() => loadModel(path), (e: unknown) => e instanceof ModelFileError && /tensor 'batch_norm_1\.\w+' is missing/.test(e.message));
  });
});
