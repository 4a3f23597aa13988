import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import { regressionDataset } from '../../src/data/dataset.js';
import { registerDataset } from '../../src/data/registry.js';
import { generateReport } from '../../src/node/experiments/report.js';
import { checkResultLine } from '../../src/experiments/result-schema.js';
import { parseResults, type ResultLine } from '../../src/experiments/results.js';
import { readResults } from '../../src/node/experiments/results-file.js';
import { runStudy } from '../../src/node/experiments/runner.js';
import { validateSpec } from '../../src/experiments/spec.js';
import { mean, sampleStd, variationStats } from '../../src/experiments/stats.js';

import { reportRow } from '../helpers.js';
const dir = mkdtempSync(join(tmpdir(), 'scratchnet-study-regression-'));
const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

/** y = 3·x0 − 2·x1 + x2·x3 + 50 + noise: [n, 4] → [n, 1], in units far from standardised. */
function tabular(n: number, rng: Rng, name: string) {
  const x = Matrix.zeros(n, 4);
  const t = Matrix.zeros(n, 1);
  for (let i = 0; i < n; i++) {
    const v = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    x.data.set(v, i * 4);
    t.data[i] = 3 * v[0] - 2 * v[1] + v[2] * v[3] + 50 + 0.3 * rng.normal();
  }
  return regressionDataset({ name, x, targets: t });
}
registerDataset('tabular-test', {
  summary: 'a small regression set for tests',
  load: async ({ seed = 1 }) => {
    const rng = new Rng(seed, 'tabular');
    return { train: tabular(240, rng, 'tabular-test train'), test: tabular(60, rng, 'tabular-test test'), source: 'test', description: 'tabular' };
  },
});
/** Two well separated classes in 2-D: the classification half of the mixed spec. */
registerDataset('halves-test', {
  summary: 'two classes for tests',
  load: async ({ seed = 1 }) => {
    const rng = new Rng(seed, 'halves');
    const make = (n: number, name: string) => {
      const x = Matrix.zeros(n, 2);
      const y = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        y[i] = i % 2;
        x.data.set([rng.normal() + (y[i] ? 2 : -2), rng.normal()], i * 2);
      }
      return { name, x, y, numClasses: 2, classNames: ['left', 'right'] };
    };
    return { train: make(120, 'halves-test train'), test: make(40, 'halves-test test'), source: 'test', description: 'halves' };
  },
});

const SPEC = {
  name: 'mixed',
  datasets: ['tabular-test', 'halves-test'],
  seeds: [1, 2],
  baseline: { layers: [16], activation: 'relu', optimizer: 'adam', lr: 0.01, batchSize: 32, epochs: 15, valSplit: 0.2, dropout: 0, schedule: 'cosine' },
  variations: [
    { group: 'activation', name: 'tanh', config: { activation: 'tanh' } },
    { group: 'architecture', name: 'linear', config: { layers: [] } },
  ],
  targetValAccuracy: { 'halves-test': 0.9 },
};


describe('study with regression datasets', () => {
  const out = join(dir, 'mixed.jsonl');

  it('ablate records R², RMSE, MAE and the loss curves of regression runs, no confusion or gallery', async () => {
    const { results } = await runStudy({ spec: validateSpec(SPEC), specFile: 'mixed.json', out, log: quiet });
    assert.equal(results.length, 12);
    const lines = readResults(out);
    assert.deepEqual(lines.warnings, []);
    const reg = lines.results.filter((r) => r.dataset === 'tabular-test');
    const cls = lines.results.filter((r) => r.dataset === 'halves-test');
    assert.equal(reg.length, 6);
    for (const r of reg) {
      assert.equal(checkResultLine(r), null);
      assert.equal(r.task, 'regression');
      assert.equal(r.status, 'ok');
      assert.equal(r.testAccuracy, null);
      assert.equal(r.confusion, null);
      assert.equal(r.misclassified, undefined);
      assert.equal(r.targetValAccuracy, null, 'an accuracy target means nothing for regression');
      const { r2, rmse, mae } = r.testRegression!;
      assert.ok(rmse > 0 && mae > 0 && mae <= rmse, `MAE ${mae} ≤ RMSE ${rmse}`);
      // the loss is on standardised targets: RMSE²/σ² with σ² the training split's variance (~14.1)
      const sigma2 = (rmse * rmse) / r.testLoss!;
      assert.ok(sigma2 > 10 && sigma2 < 18, `test loss ${r.testLoss} is RMSE² / ${sigma2}`);
      // the linear part explains 13 of the targets' variance of ~14.1: R² ≤ ~0.92 for a linear model
      assert.ok(r2 > 0.7 && r2 <= 1, `${r.variation} R² ${r2}`);
      assert.equal(r.history.length, 15);
      assert.ok(r.history.every((e) => typeof e.valRmse === 'number' && typeof e.valR2 === 'number' && Number.isFinite(e.loss)));
      const best = Math.max(...r.history.map((e) => e.valR2!));
      assert.equal(r.bestValR2, best);
      assert.equal(r.history[r.bestValEpoch! - 1].valR2, best);
    }
    for (const r of cls) {
      assert.equal(r.task, 'classification');
      assert.ok(r.testAccuracy! > 0.9);
      assert.equal(r.testRegression, undefined);
      assert.equal(r.confusion!.flat().reduce((s, v) => s + v, 0), 40);
    }
    assert.ok(cls.find((r) => r.group === 'baseline' && r.seed === 1)!.misclassified !== undefined);
  });

  it('report: R² and RMSE tables (mean ± std, Δ paired by seed), loss curves, no accuracy charts', async () => {
    const md = join(dir, 'report', 'results.md');
    const { markdown } = await generateReport({ inputs: [out], out: md, date: new Date('2025-01-01T00:00:00Z') });
    const lines = readResults(out).results.filter((r) => r.dataset === 'tabular-test');
    const fig = (v: string, k: 'r2' | 'rmse') => lines.filter((r) => r.variation === v).map((r) => r.testRegression![k]);
    const signed = (v: number, d: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(d)}`;

    // columns: variation, change, seeds, R², Δ R², RMSE, Δ RMSE, MAE, best val R², s/epoch, cost ×
    const base = reportRow(markdown, 'tabular-test', 'activation', '**baseline**');
    assert.equal(base[3], `${mean(fig('baseline', 'r2')).toFixed(4)} ± ${sampleStd(fig('baseline', 'r2')).toFixed(4)}`);
    assert.equal(base[4], '—');
    assert.equal(base[5], `${mean(fig('baseline', 'rmse')).toFixed(3)} ± ${sampleStd(fig('baseline', 'rmse')).toFixed(3)}`);
    const tanh = reportRow(markdown, 'tabular-test', 'activation', 'tanh');
    assert.equal(tanh[1], 'activation=tanh');
    const d = fig('tanh', 'r2').map((v, i) => v - fig('baseline', 'r2')[i]);
    assert.equal(tanh[4], `${signed(mean(d), 4)} ± ${sampleStd(d).toFixed(4)}`);
    const dr = fig('tanh', 'rmse').map((v, i) => v - fig('baseline', 'rmse')[i]);
    assert.equal(tanh[6], `${signed(mean(dr), 3)} ± ${sampleStd(dr).toFixed(3)}`);
    assert.match(tanh[9], /^\d/, 's/epoch');

    // the classification dataset of the same spec keeps its accuracy tables, confusion matrix and summary
    assert.match(reportRow(markdown, 'halves-test', 'activation', 'tanh')[3], /^\d+\.\d\d( ± \d+\.\d\d)?$/);
    assert.match(markdown, /\| mixed \| halves-test \| 6 \|/);
    assert.match(markdown, /\| mixed \| tabular-test \| 6 \| \d\.\d{4} \| \d+\.\d+ \| /);
    assert.match(markdown, /### Confusion matrix \(baseline, seed 1\)/);
    assert.equal(markdown.match(/### Confusion matrix/g)!.length, 1, 'no confusion matrix for regression');

    const svgs = readdirSync(join(dir, 'report', 'results')).filter((f) => f.endsWith('.svg')).sort();
    assert.deepEqual(svgs.filter((f) => f.includes('tabular')), [
      'mixed-tabular-test-effects.svg',
      'mixed-tabular-test-loss-activation.svg',
      'mixed-tabular-test-loss-architecture.svg',
      'mixed-tabular-test-time-r2.svg',
    ]);
    assert.match(readFileSync(join(dir, 'report', 'results', 'mixed-tabular-test-loss-activation.svg'), 'utf8'), /validation RMSE/);
    assert.match(readFileSync(join(dir, 'report', 'results', 'mixed-tabular-test-effects.svg'), 'utf8'), /test R²/);
    assert.ok(svgs.includes('mixed-halves-test-time-accuracy.svg') && svgs.includes('mixed-halves-test-confusion.svg'));
    assert.ok(!existsSync(join(dir, 'report', 'results', 'mixed-tabular-test-misclassified.png')));
  });
});

describe('result lines of regression runs', () => {
  const good = (): Record<string, unknown> => JSON.parse(readFileSync(join(dir, 'mixed.jsonl'), 'utf8').split('\n')[0]);

  it('the schema checks the regression figures', () => {
    const line = good();
    assert.equal(line.task, 'regression');
    assert.equal(checkResultLine(line), null);
    assert.match(checkResultLine({ ...line, testRegression: undefined })!, /testRegression: expected an object \{r2, rmse, mae\} in a finished regression run/);
    assert.match(checkResultLine({ ...line, testRegression: { r2: 0.5, rmse: 'x', mae: 1 } })!, /testRegression: expected an object \{r2, rmse, mae\} or null/);
    assert.match(checkResultLine({ ...line, task: 'ranking' })!, /task: expected "classification" or "regression"/);
    assert.match(checkResultLine({ ...line, bestValR2: 'high' })!, /bestValR2: expected a number or null/);
    assert.match(checkResultLine({ ...line, history: [{ ...(line.history as object[])[0], valR2: 'x' }] })!, /history: expected an array of epoch logs/);
    assert.equal(checkResultLine({ ...line, status: 'diverged', testRegression: null, testLoss: null }), null, 'a diverged run has no figures');
    // a classification line must carry its accuracy once finished
    assert.match(checkResultLine({ ...line, task: 'classification', testAccuracy: null })!, /testAccuracy: expected a number in a finished classification run/);
  });

  it('result files written before regression (schema 1, no task) still load as classification', () => {
    for (const name of ['small.jsonl', 'study.jsonl', 'headline.jsonl']) {
      const file = join('experiments', 'results', name);
      const { results, warnings } = readResults(file);
      assert.deepEqual(warnings, [], file);
      assert.equal(results.length, readFileSync(file, 'utf8').trimEnd().split('\n').length, file);
    }
    // a line as schema 1 wrote it: no task, no regression figures
    const { task: _t, ...first } = readResults(join('experiments', 'results', 'small.jsonl')).results[0];
    const old: ResultLine[] = [1, 2].map((seed) => ({ ...first, schema: 1, seed, id: `old-${seed}` }));
    const { results } = parseResults(old.map((l) => JSON.stringify(l)).join('\n'), 'old.jsonl');
    assert.equal(results.length, 2);
    const [s] = variationStats(results);
    assert.ok(!s.regression && Number.isFinite(s.accuracy.mean) && Number.isNaN(s.r2.mean));
  });
});
