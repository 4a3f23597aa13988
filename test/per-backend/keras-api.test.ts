import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { EarlyStopping, LearningRateLogger, ModelCheckpoint } from '../../src/nn/callbacks.js';
import { Activation, Dense, dense, dropout } from '../../src/nn/layers/index.js';
import { sequential } from '../../src/nn/model.js';
import { adam, createOptimizer } from '../../src/nn/optimizers/index.js';
import { evaluate, fit, predict, type OptimizerArg } from '../../src/nn/train.js';
import { Rng } from '../../src/core/random.js';
import type { Dataset } from '../../src/data/dataset.js';
import { assertClose } from '../helpers.js';

/** Gaussian blobs as in train.test.ts: `classes` clusters in `dims` dimensions. */
function blobs(n: number, dims: number, classes: number, seed: number): Dataset {
  const rng = new Rng(seed, 'blobs');
  const centers = Array.from({ length: classes }, () => Array.from({ length: dims }, () => rng.range(-3, 3)));
  const x = Matrix.zeros(n, dims);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes;
    for (let j = 0; j < dims; j++) x.data[i * dims + j] = centers[y[i]][j] + 0.5 * rng.normal();
  }
  return { name: 'blobs', x, y, numClasses: classes, classNames: centers.map((_, i) => `c${i}`) };
}

const build = (seed = 1) =>
  sequential([dense({ units: 16, activation: 'relu' }), dropout(0.1), dense({ units: 8, activation: { kind: 'leaky_relu', alpha: 0.2 } }), dense({ units: 3 })])
    .build({ inputWidth: 8, batchSize: 32, seed });

describe('an API a Keras user reads without a manual', () => {
  it("dense({ units, activation }) is Dense then Activation; the ReLU is fused into the Dense's GEMM", () => {
    const model = build();
    assert.deepEqual(model.layers.map((l) => l.type), ['dense', 'activation', 'dropout', 'dense', 'activation', 'dense']);
    const relu = model.layers[1] as Activation;
    assert.equal(relu.kind, 'relu');
    assert.equal(relu.fused.forward, true, 'fused into the Dense before it');
    assert.equal((model.layers[4] as Activation).alpha, 0.2);
    assert.ok(dense({ units: 2 }) instanceof Dense);
    model.release();
  });

  it('fit takes the optimizer as an instance, a name, an options object or a spec: the same bits', async () => {
    const data = blobs(120, 8, 3, 1);
    const run = async (make: (m: ReturnType<typeof build>) => OptimizerArg, schedule?: { type: 'cosine'; tMax: number }) => {
      const model = build(3);
      const history = await fit(model, data, { optimizer: make(model), epochs: 2, ...(schedule ? { schedule } : {}) });
      const w = model.getWeights();
      model.release();
      return { w, lr: history.map((e) => e.lr) };
    };
    const instance = await run((m) => createOptimizer('adam', m.params(), { lr: 0.01 }, m.kernels));
    for (const arg of [{ name: 'adam', lr: 0.01 } as const, adam({ lr: 0.01 })]) {
      assert.deepEqual((await run(() => arg)).w, instance.w);
    }
    const byName = await run(() => 'adam');
    assert.equal(byName.lr[0], 1e-3, "a name takes the optimizer's default lr");
    const cosine = await run(() => ({ name: 'sgd', lr: 0.1 }), { type: 'cosine', tMax: 2 });
    assertClose(cosine.lr, [0.1, 0.05], 1e-12, 'cosine lr per epoch (tMax 2)');
    await assert.rejects(fit(build(), data, { optimizer: 'adma' as 'adam' }), /unknown name 'adma'/);
  });

  it('batch size chosen at fit / evaluate / predict time: buffers re-planned, weights and optimizer state kept', async () => {
    const data = blobs(100, 8, 3, 4);
    const planned = build(5).setBatchSize(32); // as if built for 32
    const small = build(5); // built for 32 too, then shrunk and grown back below
    small.setBatchSize(8);
    const w0 = small.getWeights();
    const opt = createOptimizer('adam', small.params(), { lr: 0.01 }, small.kernels); // made before the resize
    await fit(small, data, { optimizer: opt, epochs: 2, batchSize: 32 });
    assert.equal(small.batchSize, 32);
    await fit(planned, data, { optimizer: { name: 'adam', lr: 0.01 }, epochs: 2 });
    assert.notDeepEqual(small.getWeights(), w0);
    assert.deepEqual(small.getWeights(), planned.getWeights(), 'same bits as a model planned for 32 rows');
    const before = evaluate(small, data);
    const e = evaluate(small, data, { batchSize: 7 });
    assert.equal(small.batchSize, 7);
    assertClose([e.loss], [before.loss], 1e-6, 'loss with another batch size');
    assert.deepEqual(e.predictions, before.predictions);
    assert.deepEqual(predict(small, data.x, { batchSize: 100 }).classes, before.predictions);
    opt.release();
    small.release();
    planned.release();
  });

  it('predict and evaluate take plain and typed arrays as well as matrices', async () => {
    const data = blobs(60, 8, 3, 2);
    const model = build();
    await fit(model, data, { optimizer: { name: 'adam', lr: 0.02 }, epochs: 3 });
    const m = predict(model, data.x).probabilities.view();
    const rows = Array.from({ length: data.x.rows }, (_, i) => Array.from(data.x.data.subarray(i * 8, (i + 1) * 8)));
    assert.deepEqual(predict(model, rows).probabilities.view(), m);
    assert.deepEqual(predict(model, Float32Array.from(data.x.view())).probabilities.view(), m);
    assert.throws(() => predict(model, new Float32Array(12)), /12 values are not whole rows of 8/);
    const e = evaluate(model, data);
    const plain = evaluate(model, { x: rows, y: Array.from(data.y) });
    assert.equal(plain.accuracy, e.accuracy);
    assert.equal(plain.loss, e.loss);
    model.release();
  });

  it('EarlyStopping says where it stopped and what it restored; ModelCheckpoint keeps the best; LearningRateLogger records the rates', async () => {
    const data = blobs(120, 8, 3, 1);
    const val = blobs(30, 8, 3, 5);
    const model = build();
    const lines: string[] = [];
    const saved: { epoch: number; w: Float32Array }[] = [];
    const stop = new EarlyStopping({ monitor: 'valLoss', patience: 1, minDelta: 10, log: (l) => lines.push(l) }); // minDelta 10: nothing counts as better
    const checkpoint = new ModelCheckpoint({ save: (m, { epoch }) => void saved.push({ epoch, w: m.getWeights() }) });
    const rates = new LearningRateLogger();
    const history = await fit(model, data, { optimizer: { name: 'sgd', lr: 0.05 }, epochs: 10, validation: val, callbacks: [stop, checkpoint, rates], schedule: { type: 'step', stepSize: 1, gamma: 0.5 } });
    assert.equal(history.length, 3, 'epoch 1 best, 2 and 3 not better by 10: stop after 3');
    assert.deepEqual(lines, [`early stopping: stopped after epoch 3 (valLoss not better than ${stop.best.toFixed(4)} for 2 epochs); restored the weights of epoch 1 (valLoss ${stop.best.toFixed(4)})`]);
    assert.deepEqual(model.getWeights(), saved.find((s) => s.epoch === checkpoint.bestEpoch)!.w, 'restored = the checkpoint of the best epoch');
    assert.deepEqual(rates.history.map((r) => r.lr), [0.05, 0.025, 0.0125]);
    model.release();
  });
});

