import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kernels } from '../../src/core/backend.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import type { Dataset } from '../../src/data/dataset.js';
import { DataError, DivergenceError, ShapeError } from '../../src/errors.js';
import { EarlyStopping } from '../../src/nn/callbacks.js';
import { mlp } from '../../src/nn/mlp.js';
import { createOptimizer } from '../../src/nn/optimizers/index.js';
import { evaluate, fit, predict } from '../../src/nn/train.js';

/** Gaussian blobs: `classes` clusters in `dims` dimensions, well separated. */
export function blobs(n: number, dims: number, classes: number, seed: number): Dataset {
  const rng = new Rng(seed, 'blobs');
  const centers = Array.from({ length: classes }, () => Array.from({ length: dims }, () => rng.range(-3, 3)));
  const x = Matrix.zeros(n, dims);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    for (let j = 0; j < dims; j++) x.data[i * dims + j] = centers[c][j] + 0.5 * rng.normal();
  }
  return { name: 'blobs', x, y, numClasses: classes, classNames: centers.map((_, i) => `c${i}`) };
}

function train(seed: number, epochs = 3) {
  const data = blobs(300, 8, 3, 1);
  const model = mlp({ hidden: [16, 8], outputs: 3, dropout: 0.1 }).build({ inputWidth: 8, batchSize: 32, seed });
  const optimizer = createOptimizer('adam', model.params(), { lr: 0.01 }, model.kernels);
  return { model, data, historyP: fit(model, data, { optimizer, epochs, validation: blobs(90, 8, 3, 1) }) };
}

describe(`training (${kernels().name} backend)`, () => {
  it('learns separable blobs and reports a full history', async () => {
    const { model, data, historyP } = train(1, 5);
    const history = await historyP;
    assert.equal(history.length, 5);
    for (const e of history) {
      for (const key of ['loss', 'dataLoss', 'accuracy', 'valLoss', 'valAccuracy', 'seconds', 'samplesPerSecond', 'lr'] as const) {
        assert.ok(Number.isFinite(e[key]), `epoch ${e.epoch}: ${key} is ${e[key]}`);
      }
    }
    assert.ok(history[4].loss < history[0].loss, 'loss should fall');
    const r = evaluate(model, data);
    assert.ok(r.accuracy > 0.95, `accuracy ${r.accuracy}`);
    const p = predict(model, data.x);
    assert.deepEqual(Array.from(p.classes), Array.from(r.predictions));
    for (let i = 0; i < 10; i++) {
      const row = p.probabilities.data.subarray(i * 3, i * 3 + 3);
      assert.ok(Math.abs(row[0] + row[1] + row[2] - 1) < 1e-5, 'softmax rows sum to 1');
    }
  });

  it('same seed ⇒ bit-identical weights; another seed differs', async () => {
    const a = train(7);
    const b = train(7);
    const c = train(8);
    await Promise.all([a.historyP, b.historyP, c.historyP]);
    assert.deepEqual(a.model.getWeights(), b.model.getWeights());
    assert.notDeepEqual(a.model.getWeights(), c.model.getWeights());
  });

  it('ReLU fused into the Dense GEMMs trains to the same bits as separate layers', async () => {
    const data = blobs(300, 8, 3, 1);
    const weights = async (fuse: boolean) => {
      const model = mlp({ hidden: [16, 8], outputs: 3 }).build({ inputWidth: 8, batchSize: 32, seed: 5, fuse });
      const optimizer = createOptimizer('adam', model.params(), { lr: 0.01 }, model.kernels);
      await fit(model, data, { optimizer, epochs: 2 });
      return model.getWeights();
    };
    assert.deepEqual(await weights(true), await weights(false));
  });

  it('stops with a DivergenceError naming epoch and step, weights restored', async () => {
    const data = blobs(64, 4, 2, 3);
    for (let j = 0; j < 4; j++) data.x.data[4 + j] = 1e30; // inputs so large that the updated weights overflow
    const model = mlp({ hidden: [4], outputs: 2 }).build({ inputWidth: 4, batchSize: 16, seed: 1 });
    const before = model.getWeights();
    const optimizer = createOptimizer('sgd', model.params(), { lr: 1e10 }, model.kernels);
    await assert.rejects(fit(model, data, { optimizer, epochs: 2 }), (e: unknown) => {
      assert.ok(e instanceof DivergenceError);
      assert.match(e.message, /epoch 1, step \d+/);
      assert.equal(e.epoch, 1);
      return true;
    });
    assert.deepEqual(model.getWeights(), before, 'weights are back to their last good values');
  });

  it('rejects NaN inputs, labels out of range and mismatched widths before training', async () => {
    const model = mlp({ hidden: [4], outputs: 2 }).build({ inputWidth: 4, batchSize: 8 });
    const optimizer = createOptimizer('sgd', model.params(), {}, model.kernels);
    const nan = blobs(16, 4, 2, 1);
    nan.x.data[9] = NaN;
    await assert.rejects(fit(model, nan, { optimizer }), (e: unknown) => e instanceof DataError && /row 2/.test(e.message) && /column 1/.test(e.message));
    const badLabel = blobs(16, 4, 2, 1);
    badLabel.y[3] = 7;
    await assert.rejects(fit(model, badLabel, { optimizer }), (e: unknown) => e instanceof DataError && /7/.test(e.message));
    await assert.rejects(fit(model, blobs(16, 5, 2, 1), { optimizer }), (e: unknown) => {
      assert.ok(e instanceof ShapeError);
      assert.match(e.message, /dense_1.*expects 4 features, the data has 5/);
      return true;
    });
    assert.throws(() => model.forward(Matrix.zeros(2, 3)), /dense_1: input width mismatch: expected 4 features per row, found 3/);
  });

  it('early stopping stops and restores the best weights', async () => {
    const data = blobs(200, 6, 3, 2);
    const model = mlp({ hidden: [8], outputs: 3 }).build({ inputWidth: 6, batchSize: 20, seed: 2 });
    const optimizer = createOptimizer('adam', model.params(), { lr: 0.05 }, model.kernels);
    const stopper = new EarlyStopping({ monitor: 'valAccuracy', patience: 1 });
    let bestWeights: Float32Array | null = null;
    let best = -Infinity;
    const history = await fit(model, data, {
      optimizer,
      epochs: 40,
      validation: blobs(60, 6, 3, 2),
      callbacks: [stopper, { onEpochEnd: (e) => { if (e.valAccuracy! > best) { best = e.valAccuracy!; bestWeights = model.getWeights(); } } }],
    });
    assert.ok(history.length < 40, `ran all ${history.length} epochs`);
    assert.equal(stopper.stoppedEpoch, history.length);
    assert.deepEqual(model.getWeights(), bestWeights);
  });

  it('L2 is reported as its own term and shrinks the weights', async () => {
    const run = async (l2: number) => {
      const model = mlp({ hidden: [8], outputs: 3 }).build({ inputWidth: 8, batchSize: 30, seed: 4 });
      const optimizer = createOptimizer('sgd', model.params(), { lr: 0.1 }, model.kernels);
      const h = await fit(model, blobs(120, 8, 3, 5), { optimizer, epochs: 3, l2 });
      const w = model.params()[0].value;
      return { h, norm: model.kernels.sumSquares(w.data, w.size) };
    };
    const plain = await run(0);
    const decayed = await run(0.1);
    assert.equal(plain.h[2].l2Loss, 0);
    assert.ok(decayed.h[2].l2Loss > 0);
    assert.ok(Math.abs(decayed.h[2].loss - (decayed.h[2].dataLoss + decayed.h[2].l2Loss)) < 1e-9);
    assert.ok(decayed.norm < plain.norm, `‖w‖² ${decayed.norm} should be below ${plain.norm}`);
  });

  it("one L2 term: the optimizer's coupled weight decay is the same gradient as fit's l2 and is reported alike; AdamW's decoupled decay is not", async () => {
    const lambda = 0.05;
    const run = async (optimizer: 'sgd' | 'adam' | 'adamw', weightDecay: number, l2: number) => {
      const model = mlp({ hidden: [8], outputs: 3 }).build({ inputWidth: 8, batchSize: 30, seed: 4 });
      const opt = createOptimizer(optimizer, model.params(), { lr: 0.05, weightDecay }, model.kernels);
      const h = await fit(model, blobs(120, 8, 3, 5), { optimizer: opt, epochs: 2, l2 });
      // ½·λ·Σ decay·‖w‖² of the final weights, by hand (decay 1 for weights, 0 for biases)
      let s = 0;
      for (const p of model.params()) for (const v of p.value.view()) s += p.decay * v * v;
      return { log: h[1], half: 0.5 * s, weights: model.getWeights() };
    };
    const viaOptimizer = await run('sgd', lambda, 0);
    const viaFit = await run('sgd', 0, lambda);
    // no clipping: g + λ·w either way (rounded differently: fit adds it in float32 first)
    const d = viaOptimizer.weights.reduce((m, v, i) => Math.max(m, Math.abs(v - viaFit.weights[i])), 0);
    assert.ok(d < 1e-5, `weights differ by ${d}`);
    for (const r of [viaOptimizer, viaFit]) {
      assert.ok(Math.abs(r.log.l2Loss - lambda * r.half) < 1e-6 * r.log.l2Loss, `l2Loss ${r.log.l2Loss}, expected ${lambda * r.half}`);
      assert.equal(r.log.loss, r.log.dataLoss + r.log.l2Loss);
    }
    const both = await run('adam', lambda, lambda);
    assert.ok(Math.abs(both.log.l2Loss - 2 * lambda * both.half) < 1e-6 * both.log.l2Loss, 'both paths: both penalties');
    const adamw = await run('adamw', lambda, 0);
    assert.equal(adamw.log.l2Loss, 0, 'decoupled decay is not a loss term');
  });
});
