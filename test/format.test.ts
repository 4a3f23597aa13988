// docs/format.md's numpy snippet, run on models the CLI trains, gives `scratchnet predict`'s
// probabilities: the format documentation is checked, not only written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cli as run } from './cli-helper.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

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

  for (const [name, flags] of [
    ['iris, batch norm, dropout, elu', ['--dataset', 'iris', '--layers', '16,8', '--activation', 'elu', '--batch-norm', '--dropout', '0.1']],
    ['moons, sigmoid output, gelu', ['--dataset', 'moons', '--layers', '12', '--activation', 'gelu']],
    ['spirals, gelu_tanh', ['--dataset', 'spirals', '--layers', '10', '--activation', 'gelu_tanh']],
  ] as const) {
    it(`reproduces scratchnet predict on a CLI-trained model (${name})`, () => {
      assert.ok(snippet, 'docs/format.md has the marked snippet');
      const model = join(dir, `${flags[1]}.safetensors`);
      cli('train', ...flags, '--epochs', '3', '--seed', '3', '--save', model);
      const width = flags[1] === 'iris' ? 4 : 2; // moons and spirals are 2-D
      const rows = Array.from({ length: 5 }, (_, i) => Array.from({ length: width }, (_, j) => Math.sin(3 * i + j) * (j + 1.5)));
      const input = join(dir, `${flags[1]}-rows.json`);
      writeFileSync(input, JSON.stringify(rows));
      const ours = JSON.parse(cli('predict', '--model', model, '--input', input, '--probabilities', '--json').trim().split('\n').pop()!) as {
        probabilities: number[][];
      };
      const script = `${snippet}\nimport sys\nprint(json.dumps(predict(sys.argv[1], json.load(open(sys.argv[2]))).tolist()))\n`;
      const py = spawnSync('python3', ['-c', script, model, input], { encoding: 'utf8' });
      assert.equal(py.status, 0, py.stderr);
      const theirs = JSON.parse(py.stdout) as number[][];
      const probs = ours.probabilities;
      assert.equal(theirs.length, probs.length);
      theirs.forEach((row, i) => row.forEach((p, j) => assert.ok(Math.abs(p - probs[i][j]) < 1e-5, `row ${i} class ${j}: python ${p}, scratchnet ${probs[i][j]}`)));
    });
  }
});
