import assert from 'node:assert/strict';
import { cli as run } from '../cli-helper.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kernels } from '../../src/core/backend.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import { BatchIterator } from '../../src/data/batches.js';
import { regressionDataset, splitValidation, validateDataset } from '../../src/data/dataset.js';
import { DIABETES_FILES, loadDiabetes, locateDiabetes } from '../../src/node/data/diabetes.js';
import { EarlyStopping } from '../../src/nn/callbacks.js';
import { HuberLoss, MeanAbsoluteError, MeanSquaredError } from '../../src/nn/losses/index.js';
import { regressionMetrics } from '../../src/nn/metrics.js';
import { mlp } from '../../src/nn/mlp.js';
import { createOptimizer } from '../../src/nn/optimizers/index.js';
import { evaluate, fit, predict } from '../../src/nn/train.js';
import { assertClose } from '../helpers.js';

/** y = 2·x0 − x1 + 0.5·x2 + 10 over x in [−1, 1]³: [n, 3] → [n, 1]. */
function linear(n: number, seed: number) {
  const rng = new Rng(seed);
  const x = Matrix.zeros(n, 3);
  const t = Matrix.zeros(n, 1);
  for (let i = 0; i < n; i++) {
    const [a, b, c] = [rng.range(-1, 1), rng.range(-1, 1), rng.range(-1, 1)];
    x.data.set([a, b, c], i * 3);
    t.data[i] = 2 * a - b + 0.5 * c + 10;
  }
  return regressionDataset({ name: 'linear', x, targets: t });
}

describe('regression', () => {
  it('MAE and Huber match torch L1Loss / HuberLoss on hand-worked values', () => {
    const p = Matrix.from([[0, 3], [1, -2]]);
    const t = Matrix.from([[0.5, 0], [1, 0.25]]);
    // d = [−0.5, 3, 0, −2.25]
    const run = (loss: MeanAbsoluteError | HuberLoss | MeanSquaredError) => {
      loss.build(2, 2, kernels());
      const v = loss.forward(p, t);
      const g = Array.from(loss.backward().view());
      loss.release();
      return { v, g };
    };
    const mae = run(new MeanAbsoluteError());
    assertClose([mae.v], [(0.5 + 3 + 0 + 2.25) / 4], 1e-7, 'L1 value');
    assertClose(mae.g, [-0.25, 0.25, 0, -0.25], 1e-7, 'L1 gradient (0 at d = 0, as torch.sign)');
    // δ = 1: ½·0.25, 1·(3 − ½), 0, 1·(2.25 − ½)
    const huber = run(new HuberLoss());
    assertClose([huber.v], [(0.125 + 2.5 + 0 + 1.75) / 4], 1e-7, 'Huber value');
    assertClose(huber.g, [-0.5 / 4, 1 / 4, 0, -1 / 4], 1e-7, 'Huber gradient');
    // δ = 2.5: the 3 is linear, the −2.25 quadratic
    const h2 = run(new HuberLoss({ delta: 2.5 }));
    assertClose([h2.v], [(0.125 + 2.5 * (3 - 1.25) + 0 + 0.5 * 2.25 * 2.25) / 4], 1e-6, 'Huber δ=2.5 value');
    assert.throws(() => new HuberLoss({ delta: 0 }), /delta must be > 0/);
  });

  it('regressionMetrics: RMSE, MAE and R² as sklearn (uniform average over outputs)', () => {
    const t = Matrix.from([[1, 10], [2, 10], [3, 10]]);
    const p = Matrix.from([[1, 10], [2, 10], [5, 10]]);
    const m = regressionMetrics(p, t);
    assertClose([m.rmse, m.mae], [Math.sqrt(4 / 6), 2 / 6], 1e-12);
    // column 0: 1 − 4/2 = −1; column 1 constant and exact: 1 (sklearn) → mean 0
    assertClose([m.r2], [0], 1e-12);
  });

  it('datasets with real-valued targets: validated, split and batched row by row', () => {
    const ds = linear(10, 1);
    validateDataset(ds);
    const bad = regressionDataset({ x: [[1], [2]], targets: [1, NaN] });
    assert.throws(() => validateDataset(bad), /target row 1, column 0 is NaN/);
    assert.throws(() => regressionDataset({ x: [[1], [2]], targets: [1] }), /one target row per input row \(2\), found 1/);
    const { train, val } = splitValidation(ds, 0.3, new Rng(2));
    assert.equal(train.targets!.rows + val.targets!.rows, 10);
    const it = new BatchIterator(train, { batchSize: 3, rng: new Rng(3), targets: 'real' });
    it.reset();
    let rows = 0;
    while (it.next()) {
      for (let i = 0; i < it.x.rows; i++) {
        const r = it.rowIndex(i);
        assert.equal(it.target.data[i], train.targets!.data[r]);
        rows++;
      }
    }
    assert.equal(rows, train.x.rows);
  });

  for (const loss of ['mse', 'mae', 'huber'] as const) {
    it(`fit, evaluate and predict a linear function with ${loss} (R² > 0.99)`, async () => {
      const train = linear(256, 1);
      const test = linear(64, 2);
      const model = mlp({ hidden: [16], outputs: 1, standardize: true, rescaleOutputs: { mean: [10], std: [2.3] } }).build({ inputWidth: 3, batchSize: 32, seed: 1 });
      const optimizer = createOptimizer('adam', model.params(), { lr: 0.01 }, model.kernels);
      const history = await fit(model, train, { loss, optimizer, epochs: 40, validation: test });
      assert.ok(Number.isNaN(history[0].accuracy), 'no accuracy for regression');
      assert.ok(history.at(-1)!.valR2! > 0.99, `val R² ${history.at(-1)!.valR2}`);
      const r = evaluate(model, test, { loss });
      assert.ok(r.regression!.r2 > 0.99 && r.regression!.rmse < 0.25, JSON.stringify(r.regression));
      const p = predict(model, test.x, 'linear');
      assertClose(p.probabilities.view(), r.outputs!.view(), 1e-6, 'predict = evaluate outputs');
      optimizer.release();
      model.release();
    });
  }

  it('a model that rescales its outputs is trained on standardised targets: the loss compares (ŷ − y)/σ', async () => {
    // targets in the thousands: ŷ = σz + μ with σ = 500
    const data = linear(64, 3);
    for (let i = 0; i < data.targets!.rows; i++) data.targets!.data[i] = 500 * data.targets!.data[i] + 3000;
    const build = () => mlp({ hidden: [8], outputs: 1, standardize: true, rescaleOutputs: { mean: [8000], std: [500] } }).build({ inputWidth: 3, batchSize: 64, seed: 2, dtype: 'float64' });
    const model = build();
    for (const loss of [new MeanSquaredError(), new MeanAbsoluteError(), new HuberLoss()]) {
      const r = evaluate(model, data, { loss });
      const y = data.targets!.data;
      const d = Array.from(r.outputs!.view(), (v, i) => (v - y[i]) / 500);
      const expected = loss.name === 'mse' ? d.map((v) => v * v) : loss.name === 'mae' ? d.map(Math.abs) : d.map((v) => (Math.abs(v) <= 1 ? 0.5 * v * v : Math.abs(v) - 0.5));
      assertClose([r.loss], [expected.reduce((s, v) => s + v, 0) / d.length], 1e-6, `${loss.name} on standardised residuals (the layer keeps 1/σ in float32)`);
      // dL/dŷ = f'((ŷ − y)/σ)/σ: central differences of the loss in ŷ
      loss.build(1, 64, model.kernels);
      const yhat = new Matrix(64, 1, Float64Array.from(r.outputs!.view()));
      loss.forward(yhat, data.targets!);
      const g = Array.from(loss.backward().view());
      for (const i of [0, 17, 63]) {
        const h = 1e-3;
        const at = (dv: number) => {
          const p2 = new Matrix(64, 1, Float64Array.from(yhat.view()));
          p2.data[i] += dv;
          return loss.forward(p2, data.targets!, false);
        };
        assertClose([g[i]], [(at(h) - at(-h)) / (2 * h)], 1e-6, `${loss.name} gradient row ${i}`);
      }
      loss.release();
    }
    // SGD at lr 0.05 trains (on the targets' units the gradients were σ² = 250,000 times larger and it diverged)
    const sgd = createOptimizer('sgd', model.params(), { lr: 0.05 }, model.kernels);
    const history = await fit(model, data, { loss: 'mse', optimizer: sgd, epochs: 60 });
    assert.ok(Number.isFinite(history.at(-1)!.loss) && history.at(-1)!.loss < history[0].loss, `loss ${history[0].loss} → ${history.at(-1)!.loss}`);
    sgd.release();
    model.release();
  });

  it('a classification loss or accuracy monitor on real-valued targets is a clear error', async () => {
    const train = linear(32, 1);
    const model = mlp({ hidden: [4], outputs: 1 }).build({ inputWidth: 3, batchSize: 8, seed: 1 });
    const optimizer = createOptimizer('sgd', model.params(), { lr: 0.01 }, model.kernels);
    await assert.rejects(fit(model, train, { loss: 'sigmoid_cross_entropy', optimizer, epochs: 1 }), /real-valued targets need a regression loss/);
    await assert.rejects(
      fit(model, train, { loss: 'mse', optimizer, epochs: 2, validation: linear(8, 2), callbacks: [new EarlyStopping()] }),
      /regression model has no accuracy: monitor 'valLoss'/,
    );
    model.release();
  });

  it('diabetes: missing files name python3-sklearn; loads 354/88 with raw features when installed', async (t) => {
    const empty = mkdtempSync(join(tmpdir(), 'scratchnet-diabetes-'));
    await assert.rejects(loadDiabetes({ dir: empty, env: { XDG_CACHE_HOME: empty }, sklearnDirs: [] }), /apt-get install python3-sklearn/);
    for (const f of DIABETES_FILES) writeFileSync(join(empty, f), 'not gzip');
    await assert.rejects(loadDiabetes({ dir: empty, env: { XDG_CACHE_HOME: empty }, sklearnDirs: [] }), /SHA-256 mismatch/);
    if (!locateDiabetes({ env: {} }).dir) return t.skip('python3-sklearn not installed');
    const { train, test } = await loadDiabetes();
    assert.equal(train.x.rows, 354);
    assert.equal(test.x.rows, 88);
    assert.equal(train.x.cols, 10);
    assert.equal(train.targets!.cols, 1);
    const all = [...train.targets!.data, ...test.targets!.data];
    assert.equal(Math.min(...all), 25);
    assert.equal(Math.max(...all), 346);
  });

  it('CLI: train --dataset diabetes uses its recipe and reports R²; evaluate and predict print values', { skip: process.env.SCRATCHNET_BACKEND === 'wasm' && 'process-level: runs on the js pass' }, (t) => {
    if (!locateDiabetes({ env: {} }).dir) return t.skip('python3-sklearn not installed');
    const dir = mkdtempSync(join(tmpdir(), 'scratchnet-diabetes-cli-'));
    const cli = (...args: string[]) =>
      run(args, { env: { SCRATCHNET_BACKEND: 'js' } });
    const model = join(dir, 'd.safetensors');
    const r = cli('train', '--dataset', 'diabetes', '--epochs', '20', '--save', model, '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /diabetes's recipe: --layers 64, --dropout 0.5, --batch-size 32/);
    assert.doesNotMatch(r.stderr, /--epochs 100/, 'an explicit flag wins over the recipe');
    const s = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.ok(s.testR2 > 0.2 && s.testRmse > 0, JSON.stringify(s));
    const e = cli('evaluate', '--model', model, '--json');
    assert.equal(e.status, 0, e.stderr);
    assertClose([JSON.parse(e.stdout).r2], [s.testR2], 1e-6, 'evaluate R² = train R²');
    const input = join(dir, 'in.json');
    writeFileSync(input, JSON.stringify([[59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]]));
    const p = cli('predict', '--model', model, '--input', input);
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /^row  value\n0 {4}\d+(\.\d+)?\n$/);
  });
});
