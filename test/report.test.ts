import assert from 'node:assert/strict';
import { cli } from './cli-helper.js';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Matrix } from '../src/core/matrix.js';
import { registerDataset } from '../src/data/registry.js';
import { generateReport } from '../src/node/experiments/report.js';
import type { ResultLine } from '../src/experiments/results.js';
import { mean, sampleStd } from '../src/experiments/stats.js';

import { reportRow } from './helpers.js';
const dir = mkdtempSync(join(tmpdir(), 'scratchnet-report-'));

// A 4×4 "image" dataset for the gallery: test image i is filled with i / 20.
registerDataset('report-img', {
  summary: 'tiny images for the report test',
  load: async () => {
    const make = (n: number) => {
      const x = Matrix.zeros(n, 16);
      for (let i = 0; i < n; i++) for (let j = 0; j < 16; j++) x.data[i * 16 + j] = ((i + j) % 20) / 20;
      return { name: 'report-img', x, y: new Int32Array(n), numClasses: 2, classNames: ['no', 'yes'], imageShape: [4, 4] as [number, number] };
    };
    return { train: make(10), test: make(20), source: 'test', description: 'tiny images' };
  },
});

/** Test accuracy by [dataset][variation][seed − 1]; training seconds by variation. */
const ACC: Record<string, Record<string, number[]>> = {
  'ds-a': { baseline: [0.9, 0.92, 0.94], sgd: [0.88, 0.91, 0.91], dropout: [0.93, 0.93, 0.96] },
  'report-img': { baseline: [0.5, 0.6, 0.7], sgd: [0.6, 0.6, 0.6], dropout: [0.7, 0.8, 0.9] },
};
const SECONDS: Record<string, number> = { baseline: 10, sgd: 8, dropout: 12 };
const TO_TARGET: (number | null)[] = [3, 4, null];

function line(dataset: string, variation: string, seed: number): ResultLine {
  const group = variation === 'baseline' ? 'baseline' : variation === 'sgd' ? 'optimizer' : 'regularisation';
  const acc = ACC[dataset][variation][seed - 1];
  const config = {
    dataset,
    seed,
    layers: [8],
    activation: 'relu',
    optimizer: variation === 'sgd' ? 'sgd' : 'adam',
    l2: 0,
    dropout: variation === 'dropout' ? 0.2 : 0,
    epochs: 10,
    batchSize: 16,
    valSplit: 0.1,
  } as ResultLine['config'];
  const history = [1, 2, 3].map((epoch) => ({
    epoch,
    loss: 1 / epoch,
    dataLoss: 1 / epoch,
    l2Loss: 0,
    accuracy: acc - 0.1 / epoch,
    valAccuracy: acc - 0.05 / epoch,
    valLoss: 1 / epoch,
    lr: 0.001,
    seconds: SECONDS[variation] / 10,
    samplesPerSecond: 1000,
  }));
  const img = dataset === 'report-img';
  return {
    schema: 1,
    id: `${dataset}-${variation}-${seed}`,
    spec: 'unit',
    specFile: 'experiments/unit.json',
    dataset,
    group,
    variation,
    seed,
    config,
    status: 'ok',
    testAccuracy: acc,
    testLoss: 1 - acc,
    bestValAccuracy: acc + 0.01,
    bestValEpoch: 3,
    trainSeconds: SECONDS[variation],
    wallSeconds: SECONDS[variation] + 1,
    secondsPerEpoch: SECONDS[variation] / 10,
    epochsRun: 10,
    targetValAccuracy: 0.5,
    epochsToTarget: TO_TARGET[seed - 1],
    parameters: 42,
    history,
    confusion: [
      [8, 2],
      [1, 9],
    ],
    classNames: ['no', 'yes'],
    ...(img ? { imageShape: [4, 4] as [number, number] } : {}),
    data: { seed: 1 },
    ...(variation === 'baseline' && seed === 1 ? { misclassified: [3, 7, 11].map((index) => ({ index, label: 0, predicted: 1 })) } : {}),
    machine: { cpu: 'Test CPU', cpus: 4, memGiB: 8, platform: 'linux', arch: 'x64' },
    versions: { node: 'v20.0.0', scratchnet: '0.1.0', backend: 'js' },
    finishedAt: '2025-01-01T00:00:00.000Z',
  };
}

const lines: ResultLine[] = [];
for (const dataset of Object.keys(ACC)) for (const seed of [1, 2, 3]) for (const v of ['baseline', 'sgd', 'dropout']) lines.push(line(dataset, v, seed));
const results = join(dir, 'results.jsonl');
const shard2 = join(dir, 'shard2.jsonl');
// The first line again (a resumed shard concatenated twice), and a torn line: counted once, skipped.
writeFileSync(results, lines.slice(0, 10).map((l) => JSON.stringify(l)).join('\n') + '\n');
writeFileSync(shard2, [lines[0], ...lines.slice(10)].map((l) => JSON.stringify(l)).join('\n') + '\n{"id":"torn","da');


describe('report', () => {
  const out = join(dir, 'docs', 'results.md');
  const date = new Date('2025-02-03T04:05:00Z');

  it('tables: mean ± sample std over seeds, Δ paired by seed, cost, epochs to target; duplicates once', async () => {
    const { markdown, warnings } = await generateReport({ inputs: [results, shard2], out, date });
    assert.ok(warnings.some((w) => /shard2\.jsonl:10: skipped/.test(w)), warnings.join('\n'));
    assert.match(markdown, /18 runs from 19 result lines \(1 duplicate lines counted once\)/);
    assert.match(markdown, /Generated 2025-02-03 04:05 UTC\./);
    assert.match(markdown, /npx scratchnet ablate --spec experiments\/unit\.json/);
    assert.match(markdown, /\| Test CPU \| 4 \| 8 GiB \| linux\/x64 \| v20\.0\.0 \| 0\.1\.0 \| js \| 18 \|/);

    // columns: variation, change, seeds, test acc, Δ, best val, s/epoch, cost, epochs to target
    const base = reportRow(markdown, 'ds-a', 'optimizer', '**baseline**');
    assert.deepEqual(base.slice(2), ['3', '92.00 ± 2.00', '—', '93.00', '1.00', '1.00', '3.5 (2/3)']);
    const sgd = reportRow(markdown, 'ds-a', 'optimizer', 'sgd');
    assert.equal(sgd[1], 'optimizer=sgd');
    assert.deepEqual(sgd.slice(2), ['3', '90.00 ± 1.73', '−2.00 ± 1.00', '91.00', '0.800', '0.80', '3.5 (2/3)']);
    const dropout = reportRow(markdown, 'ds-a', 'regularisation', 'dropout');
    assert.equal(dropout[1], 'dropout=0.2');
    assert.deepEqual(dropout.slice(3, 5), ['94.00 ± 1.73', '+2.00 ± 1.00']);
    assert.equal(dropout[7], '1.20');
    const img = reportRow(markdown, 'report-img', 'regularisation', 'dropout');
    assert.deepEqual(img.slice(3, 5), ['80.00 ± 10.00', '+20.00 ± 0.00']);
    assert.equal(mean([0.5, 0.6, 0.7]).toFixed(6), '0.600000');
    assert.equal(sampleStd([0.88, 0.91, 0.91]).toFixed(5), '0.01732');
    // confusion table of the baseline
    assert.match(markdown, /\| \*\*no\*\* \| 8 \| 2 \|/);
  });

  it('writes SVG charts and the misclassified gallery as PNG, linked relatively', async () => {
    const { markdown, files } = await generateReport({ inputs: [results, shard2], out, date });
    const assets = join(dir, 'docs', 'results');
    const svgs = readdirSync(assets).filter((f) => f.endsWith('.svg')).sort();
    assert.deepEqual(svgs, [
      'unit-ds-a-confusion.svg',
      'unit-ds-a-curves-optimizer.svg',
      'unit-ds-a-effects.svg',
      'unit-ds-a-time-accuracy.svg',
      'unit-report-img-confusion.svg',
      'unit-report-img-curves-optimizer.svg',
      'unit-report-img-effects.svg',
      'unit-report-img-time-accuracy.svg',
    ]);
    for (const f of svgs) {
      const svg = readFileSync(join(assets, f), 'utf8');
      assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, f);
      assert.ok(svg.trimEnd().endsWith('</svg>'), f);
      assert.ok(markdown.includes(`](results/${f})`), `${f} is linked`);
    }
    const png = readFileSync(join(assets, 'unit-report-img-misclassified.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(markdown.includes('](results/unit-report-img-misclassified.png)'));
    assert.match(markdown, /\(3\) no → yes/);
    assert.ok(!existsSync(join(assets, 'unit-ds-a-misclassified.png')), 'ds-a is not an image set: a table instead');
    assert.equal(files.at(-1), out);
  });

  it('is deterministic (apart from the date line)', async () => {
    const a = await generateReport({ inputs: [results, shard2], out, date });
    const svgA = readFileSync(join(dir, 'docs', 'results', 'unit-ds-a-effects.svg'), 'utf8');
    const b = await generateReport({ inputs: [results, shard2], out, date: new Date('2030-01-01T00:00:00Z') });
    const svgB = readFileSync(join(dir, 'docs', 'results', 'unit-ds-a-effects.svg'), 'utf8');
    const strip = (md: string) => md.replace(/^Generated .*$/m, '');
    assert.equal(strip(a.markdown), strip(b.markdown));
    assert.equal(svgA, svgB);
  });

  it('scratchnet report (CLI) writes the page', () => {
    const cliOut = join(dir, 'cli', 'out.md');
    const r = cli(['report', results, shard2, '--out', cliOut]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /skipped a line/);
    assert.match(readFileSync(cliOut, 'utf8'), /## ds-a \(study `unit`\)/);
  });

  it('regenerating removes its own stale files (recorded in manifest.json) and nothing else', async () => {
    const outDir = join(dir, 'regen');
    const regenOut = join(outDir, 'report.md');
    await generateReport({ inputs: [results, shard2], out: regenOut, date });
    const assets = join(outDir, 'report');
    const manifest = JSON.parse(readFileSync(join(assets, 'manifest.json'), 'utf8')) as { files: string[] };
    assert.ok(manifest.files.includes('unit-ds-a-effects.svg') && manifest.files.includes('unit-report-img-misclassified.png'));
    writeFileSync(join(assets, 'mine.txt'), 'a file the user put here');
    // the next report has one dataset less: its charts and gallery must go, the user's file stays
    const onlyA = join(dir, 'only-a.jsonl');
    writeFileSync(onlyA, lines.filter((l) => l.dataset === 'ds-a').map((l) => JSON.stringify(l)).join('\n') + '\n');
    const { warnings } = await generateReport({ inputs: [onlyA], out: regenOut, date });
    const left = readdirSync(assets).sort();
    assert.ok(left.includes('mine.txt'));
    assert.deepEqual(left.filter((f) => f.includes('report-img')), []);
    assert.ok(left.includes('unit-ds-a-effects.svg'));
    assert.ok(warnings.some((w) => /removed \d+ files of the previous report/.test(w)), warnings.join('\n'));
    for (const f of left.filter((f) => f !== 'mine.txt' && f !== 'manifest.json')) assert.ok(readFileSync(regenOut, 'utf8').includes(`report/${f}`), `${f} is referenced`);
  });
});
