// docs/format.md's numpy snippet, run on models the CLI trains — one per activation kind the CLI
// accepts, with batch norm, dropout and input dropout among them — and on regression models (their
// `rescale_1` layer), gives `scratchnet predict`'s probabilities and outputs: the format
// documentation is checked, not only written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cli as run } from './cli-helper.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ACTIVATION_TABLE, architectureOf, batchNorm, fit, mlp, regressionDataset, saveModel } from '../src/node.js';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import { locateDiabetes } from '../src/node/data/diabetes.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-format-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const numpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
const skip = numpy ? false : 'python3 with numpy is not installed';

function cli(...args: string[]): string {
  const r = run(args);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe("docs/format.md's Python reader", { skip }, () => {
  const doc = readFileSync('docs/format.md', 'utf8');
  const snippet = /<!-- snippet:predict -->\s*```python\n([\s\S]*?)```/.exec(doc)?.[1];

  /** `scratchnet predict --json` (with --probabilities) and the snippet on the same rows; ≤ 1e-5 apart (relative for regression outputs). */
  function compare(model: string, width: number): void {
    assert.ok(snippet, 'docs/format.md has the marked snippet');
    const rows = Array.from({ length: 5 }, (_, i) => Array.from({ length: width }, (_, j) => Math.sin(3 * i + j) * (j + 1.5)));
    const input = `${model}-rows.json`;
    writeFileSync(input, JSON.stringify(rows));
    const ours = JSON.parse(cli('predict', '--model', model, '--input', input, '--probabilities', '--json').trim().split('\n').pop()!) as {
      probabilities?: number[][];
      outputs?: number[][];
    };
    const script = `${snippet}\nimport sys\nprint(json.dumps(predict(sys.argv[1], json.load(open(sys.argv[2]))).tolist()))\n`;
    const py = spawnSync('python3', ['-c', script, model, input], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const theirs = JSON.parse(py.stdout) as number[][];
    const expected = ours.probabilities ?? ours.outputs!;
    const scale = ours.probabilities ? () => 1 : (v: number) => Math.max(1, Math.abs(v));
    assert.equal(theirs.length, expected.length);
    theirs.forEach((row, i) => row.forEach((p, j) => assert.ok(Math.abs(p - expected[i][j]) <= 1e-5 * scale(expected[i][j]), `row ${i} column ${j}: python ${p}, scratchnet ${expected[i][j]}`)));
  }

  // every activation kind the CLI accepts (the table's rows but `linear`), on the three small sets in
  // turn; batch norm and dropout on every other model, input dropout on the first; layer norm below
  const widths = { iris: 4, moons: 2, spirals: 2 } as const; // moons and spirals are 2-D
  Object.keys(ACTIVATION_TABLE).filter((k) => k !== 'linear').forEach((kind, i) => {
    const dataset = (['iris', 'moons', 'spirals'] as const)[i % 3];
    const flags = ['--dataset', dataset, '--layers', i % 2 ? '10' : '16,8', '--activation', kind];
    if (i % 2 === 0) flags.push('--batch-norm', '--dropout', '0.1');
    if (i === 0) flags.push('--input-dropout', '0.1');
    it(`reproduces scratchnet predict on a CLI-trained model (${flags.slice(1).join(' ')})`, () => {
      const model = join(dir, `${kind}.safetensors`);
      cli('train', ...flags, '--epochs', '2', '--seed', '3', '--save', model);
      compare(model, widths[dataset]);
    });
  });
  it('reproduces scratchnet predict on a CLI-trained model with layer norm (--layer-norm)', () => {
    const model = join(dir, 'layer-norm.safetensors');
    cli('train', '--dataset', 'moons', '--layers', '16,8', '--layer-norm', '--epochs', '2', '--seed', '3', '--save', model);
    compare(model, widths.moons);
  });

  it('reproduces scratchnet predict on a CLI-trained regression model (diabetes, huber: rescale_1)', (t) => {
    if (!locateDiabetes({ env: {} }).dir) return t.skip('python3-sklearn (the diabetes files) not installed');
    const model = join(dir, 'diabetes.safetensors');
    cli('train', '--dataset', 'diabetes', '--loss', 'huber', '--epochs', '2', '--seed', '3', '--save', model);
    compare(model, 10);
  });

  it('reproduces scratchnet predict on a regression model with every layer type (two outputs, rescale_1, mae)', async () => {
    const rng = new Rng(5);
    const x = Matrix.zeros(64, 3);
    for (let i = 0; i < x.size; i++) x.data[i] = rng.range(-2, 2);
    const targets = Array.from({ length: 64 }, (_, i) => [100 + 40 * x.data[3 * i] - 20 * x.data[3 * i + 1], -3 + 0.5 * x.data[3 * i + 2]]);
    const net = mlp({ hidden: [8], outputs: 2, activation: 'silu', dropout: 0.1, inputDropout: 0.1, standardize: true, normalization: () => batchNorm(), rescaleOutputs: { mean: [100, -3], std: [40, 0.5] } });
    net.build({ inputWidth: 3, batchSize: 16, seed: 2 });
    await fit(net, regressionDataset({ x, targets }), { optimizer: { name: 'adam', lr: 1e-2 }, loss: 'mae', epochs: 2 });
    const model = join(dir, 'regression.safetensors');
    saveModel(model, net, architectureOf(net, 'mae'));
    net.release();
    assert.ok(net.layers.some((l) => l.name === 'rescale_1' && l.type === 'standardize'));
    compare(model, 3);
  });
});
