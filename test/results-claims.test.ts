// The README's result figures come from the result files: each is recomputed here from the raw
// lines in experiments/results/ (mean ± sample std over seeds, Δ paired by seed), as
// test/learn.test.ts does for docs/learn.md's study table. A rerun that moves a figure fails here
// until the README says what the lines say.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Line {
  dataset: string;
  variation: string;
  seed: number;
  testAccuracy: number;
  trainSeconds: number;
  testRegression?: { r2: number; rmse: number; mae: number };
  history: { epoch: number; valAccuracy: number; accuracy: number }[];
}
const lines = (file: string): Line[] =>
  readFileSync(join(ROOT, 'experiments/results', file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
const runsOf = (file: string, dataset: string, variation: string) =>
  lines(file).filter((r) => r.dataset === dataset && r.variation === variation).sort((a, b) => a.seed - b.seed);

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const std = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1));
/** `+0.10`, `-0.46` (the report writes U+2212; the README an ASCII hyphen: either). */
const signed = (v: number) => `${v >= 0 ? '+' : '-'}${Math.abs(v).toFixed(2)}`;
const unminus = (s: string) => s.replaceAll('−', '-');

/** The Markdown table rows after `heading` (up to the next blank line after the table). */
function tableAfter(heading: string): string[][] {
  const at = readme.indexOf(heading);
  assert.ok(at >= 0, `README has '${heading}'`);
  const rest = readme.slice(at).split('\n');
  const start = rest.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const l of rest.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(l.slice(1, -1).split(' | ').map((c) => c.trim()));
  }
  return rows;
}

describe("README's result figures come from experiments/results/", () => {
  it('the study table (study.jsonl): mean ± std and Δ paired by seed, per dataset', () => {
    const rows = tableAfter('### What each component is worth');
    assert.equal(rows.length, 15);
    const cell = (dataset: string, variation: string) => {
      const runs = runsOf('study.jsonl', dataset, variation);
      const base = runsOf('study.jsonl', dataset, 'baseline');
      assert.deepEqual(runs.map((r) => r.seed), [1, 2, 3], `${dataset}/${variation}: seeds 1-3`);
      const acc = runs.map((r) => 100 * r.testAccuracy);
      const delta = runs.map((r, i) => 100 * (r.testAccuracy - base[i].testAccuracy));
      return [`${mean(acc).toFixed(2)} ± ${std(acc).toFixed(2)}`, variation === 'baseline' ? '—' : `${signed(mean(delta))} ± ${std(delta).toFixed(2)}`];
    };
    for (const [variation, ...cells] of rows) {
      assert.deepEqual(cells.map(unminus), [...cell('mnist', variation), ...cell('fashion-mnist', variation)], `row ${variation}`);
    }
  });

  it('the headline table (headline.jsonl): mean ± std, seeds, time range, distance to the goal', () => {
    const rows = tableAfter('### Headline configurations');
    // in the README's order: dataset, variation, goal (%)
    const which: [string, string, number][] = [
      ['mnist', 'baseline', 99.0],
      ['mnist', 'mnist-dropout-maxnorm', 99.0],
      ['mnist', 'mnist-augmented-long', 99.5],
      ['fashion-mnist', 'baseline', 91.0],
      ['fashion-mnist', 'fashion-batch-norm', 91.0],
      ['iris', 'baseline', 96],
      ['spirals', 'baseline', 99],
    ];
    assert.equal(rows.length, which.length);
    rows.forEach(([, , accuracy, time, goal], i) => {
      const [dataset, variation, target] = which[i];
      const runs = runsOf('headline.jsonl', dataset, variation);
      const acc = runs.map((r) => 100 * r.testAccuracy);
      assert.equal(accuracy, `**${mean(acc).toFixed(2)} ± ${std(acc).toFixed(2)}** (${runs.map((r) => r.seed).join(',')})`, `${dataset}/${variation}`);
      const secs = runs.map((r) => r.trainSeconds);
      const lo = Math.min(...secs);
      const hi = Math.max(...secs);
      const s = (v: number) => (hi >= 100 ? v.toFixed(0) : v.toFixed(1));
      assert.equal(time, hi < 0.1 ? '< 0.1 s' : `${s(lo)} s–${s(hi)} s`, `${dataset}/${variation}: time`);
      const gap = mean(acc) - target;
      assert.ok(gap >= 0 ? goal.endsWith('✓') : goal.endsWith(`✗ (${signed(gap)})`), `${dataset}/${variation}: goal ${goal}, gap ${gap}`);
    });
  });

  it("the prose under the headline table: the times' spread and the validation plateau", () => {
    const ratios = new Map<string, number>();
    for (const r of lines('headline.jsonl')) ratios.set(`${r.dataset}/${r.variation}`, 0);
    const worst = Math.max(
      ...[...ratios.keys()].filter((k) => !k.startsWith('iris')).map((k) => {
        const [dataset, variation] = k.split('/');
        const secs = runsOf('headline.jsonl', dataset, variation).map((r) => r.trainSeconds);
        return Math.max(...secs) / Math.min(...secs);
      }),
    );
    assert.ok(readme.includes(`up to ${worst.toFixed(1)}×`), `the spread, up to ${worst.toFixed(1)}×`);
    const runs = runsOf('headline.jsonl', 'mnist', 'mnist-dropout-maxnorm');
    const val = runs.map((r) => r.history.filter((e) => e.epoch >= 34).map((e) => 100 * e.valAccuracy));
    const all = val.flat();
    assert.ok(readme.includes(`${Math.min(...all).toFixed(2)}–${Math.max(...all).toFixed(2)}%`), 'the plateau range');
    const lowest = Math.min(...val.map((v) => Math.max(...v)));
    assert.ok(readme.includes(`never above ${lowest.toFixed(2)}%`), `one seed's best, ${lowest.toFixed(2)}`);
  });

  it('the diabetes row (regression.jsonl baseline): mean ± std over its seeds, and seed 1', () => {
    const runs = runsOf('regression.jsonl', 'diabetes', 'baseline');
    const f = (k: 'r2' | 'rmse' | 'mae', d: number) => {
      const v = runs.map((r) => r.testRegression![k]);
      return `${mean(v).toFixed(d)} ± ${std(v).toFixed(d)}`;
    };
    const row = tableAfter('## Results').find((r) => r[0].includes('--dataset diabetes'));
    assert.ok(row, 'a diabetes row');
    assert.ok(row[1].includes(`R² ${f('r2', 4)}, RMSE ${f('rmse', 2)}, MAE ${f('mae', 2)}`), row[1]);
    assert.ok(row[1].includes(`seeds ${runs.map((r) => r.seed).join(',')}`), row[1]);
    const one = runs.find((r) => r.seed === 1)!.testRegression!;
    assert.ok(row[1].includes(`R² ${one.r2.toFixed(4)}`), `seed 1's R² ${one.r2.toFixed(4)}`);
    const secs = runs.map((r) => r.trainSeconds);
    assert.ok(row[2].includes(`${Math.min(...secs).toFixed(2)}–${Math.max(...secs).toFixed(2)} s`), row[2]);
  });

  it('the default run (default-run.json): accuracy and time as its summary says', () => {
    const run = JSON.parse(readFileSync(join(ROOT, 'experiments/results/default-run.json'), 'utf8')) as { testAccuracy: number; trainSeconds: number };
    const row = tableAfter('## Results').find((r) => r[0].startsWith("`npx scratchnet train --json`"));
    assert.ok(row, 'a default-run row');
    assert.ok(row[1].startsWith(`${(100 * run.testAccuracy).toFixed(2)}% accuracy`), row[1]);
    assert.ok(row[2].startsWith(`${run.trainSeconds.toFixed(1)} s`), row[2]);
  });
});
