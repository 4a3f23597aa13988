// trainStep (src/nn/train-step.ts): one step is the update its doc comment states, a loss that is
// not finite changes nothing, and fit is the loop of trainStep over the shuffled batches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kernels } from '../../src/core/backend.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import { BatchIterator } from '../../src/data/batches.js';
import type { Dataset } from '../../src/data/dataset.js';
import { Dense } from '../../src/nn/layers/index.js';
import { createLoss, MeanSquaredError } from '../../src/nn/losses/index.js';
import { mlp } from '../../src/nn/mlp.js';
import { Sequential } from '../../src/nn/model.js';
import { createOptimizer } from '../../src/nn/optimizers/index.js';
import { prepareStep, trainStep } from '../../src/nn/train-step.js';
import { fit } from '../../src/nn/train.js';

const X = [[1, 2, -1], [0.5, -1, 2], [-2, 0.25, 1], [3, 1, 0]]; // [4, 3]
const T = [[1, 0], [0, 1], [0.5, -0.5], [2, 1]]; // [4, 2]

/** y = xW + b in float64, W [3, 2], b [1, 2], with SGD at learning rate `lr`. */
function linear(lr: number) {
  const model = new Sequential([new Dense({ units: 2 })]).build({ inputWidth: 3, batchSize: 4, seed: 3, dtype: 'float64' });
  const [w, b] = model.params();
  const loss = new MeanSquaredError();
  loss.build(2, 4, model.kernels);
  const optimizer = createOptimizer('sgd', model.params(), { lr }, model.kernels);
  const batch = { x: Matrix.from(X, 'float64'), target: Matrix.from(T, 'float64'), prefetch() {} };
  return { model, w, b, loss, optimizer, batch };
}

/** L and ∂L/∂W, ∂L/∂b of L = mean (xW + b − t)² over the 8 outputs, by hand. */
function mseGradient(w: number[], b: number[]): { L: number; dW: number[]; db: number[] } {
  let L = 0;
  const dW = new Array<number>(6).fill(0);
  const db = [0, 0];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 2; j++) {
      let y = b[j];
      for (let k = 0; k < 3; k++) y += X[i][k] * w[k * 2 + j];
      const d = y - T[i][j];
      L += (d * d) / 8;
      db[j] += (2 * d) / 8;
      for (let k = 0; k < 3; k++) dW[k * 2 + j] += (2 * d * X[i][k]) / 8;
    }
  }
  return { L, dW, db };
}

function assertNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

describe('trainStep', () => {
  it('SGD on MSE: returns L and moves θ to θ − lr·∂L/∂θ', () => {
    const { model, w, b, loss, optimizer, batch } = linear(0.1);
    const w0 = Array.from(w.value.data);
    const b0 = Array.from(b.value.data);
    const { L, dW, db } = mseGradient(w0, b0);
    const value = trainStep(prepareStep(model, loss, optimizer), batch);
    assert.ok(Math.abs(value - L) < 1e-12, `L ${value} vs ${L}`);
    assertNear(w.value.data, w0.map((v, i) => v - 0.1 * dW[i]), 1e-12, 'W');
    assertNear(b.value.data, b0.map((v, j) => v - 0.1 * db[j]), 1e-12, 'b');
  });

  it('L2 adds λ·w to the weights\' gradient (not the bias\'s), then clipping rescales the whole gradient', () => {
    const { model, w, b, loss, optimizer, batch } = linear(0.1);
    const w0 = Array.from(w.value.data);
    const b0 = Array.from(b.value.data);
    const { dW, db } = mseGradient(w0, b0);
    const l2 = 0.3;
    const c = 0.5;
    const gW = dW.map((g, i) => g + l2 * w0[i]);
    const norm = Math.sqrt([...gW, ...db].reduce((s, g) => s + g * g, 0));
    assert.ok(norm > c, `the test wants clipping active: ‖g‖ = ${norm}`);
    const scale = c / (norm + 1e-6);
    trainStep(prepareStep(model, loss, optimizer, { l2, clipNorm: c }), batch);
    assertNear(w.value.data, w0.map((v, i) => v - 0.1 * scale * gW[i]), 1e-12, 'W');
    assertNear(b.value.data, b0.map((v, j) => v - 0.1 * scale * db[j]), 1e-12, 'b');
  });

  it('a loss that is not finite ends the step before the update: weights and optimizer state stay', () => {
    const { model, loss, batch } = linear(0.1);
    const optimizer = createOptimizer('adam', model.params(), { lr: 0.1 }, model.kernels);
    batch.target.data[3] = NaN;
    const before = model.getWeights();
    const value = trainStep(prepareStep(model, loss, optimizer), batch);
    assert.ok(Number.isNaN(value), `loss ${value}`);
    assert.deepEqual(model.getWeights(), before);
    for (const s of optimizer.state().values()) assert.equal(s.step, 0);
  });
});

/** Three Gaussian clusters in 4 dimensions, `n` rows. */
function clusters(n: number): Dataset {
  const rng = new Rng(5, 'clusters');
  const centers = [[2, 0, -2, 1], [-2, 2, 0, -1], [0, -2, 2, 0]];
  const x = Matrix.zeros(n, 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 4; j++) x.data[i * 4 + j] = centers[y[i]][j] + 0.4 * rng.normal();
  }
  return { name: 'clusters', x, y, numClasses: 3, classNames: ['a', 'b', 'c'] };
}

describe(`fit is the loop of trainStep (${kernels().name} backend)`, () => {
  it('one epoch of fit = trainStep over the batches of its shuffle stream, bit for bit', async () => {
    const data = clusters(100); // 7 batches of 16, the last of 4
    const build = () => mlp({ hidden: [8], outputs: 3, dropout: 0.2 }).build({ inputWidth: 4, batchSize: 16, seed: 2 });
    const fitted = build();
    await fit(fitted, data, { optimizer: { name: 'adam', lr: 0.01 }, epochs: 1, seed: 9 });

    const model = build();
    const optimizer = createOptimizer('adam', model.params(), { lr: 0.01 }, model.kernels);
    const loss = createLoss('softmax_cross_entropy');
    loss.build(model.outputWidth, model.batchSize, model.kernels);
    const batches = new BatchIterator(data, { batchSize: 16, rng: new Rng(9).stream('shuffle'), kernels: model.kernels, targets: 'one-hot', prefetch: true });
    const step = prepareStep(model, loss, optimizer);
    let steps = 0;
    batches.reset();
    while (batches.next()) {
      assert.ok(Number.isFinite(trainStep(step, batches)));
      steps++;
    }
    batches.release();
    loss.release();
    optimizer.release();
    assert.equal(steps, 7);
    assert.deepEqual(model.getWeights(), fitted.getWeights());
  });
});
