// Every line the CLI prints fits the terminal: the layout helpers (src/node/terminal.ts, the epoch
// lines of src/cli/progress.ts), then the CLI itself in an 80-column pseudo-terminal made by
// util-linux's `script` (as on any Debian), where each line, and each frame the live bars redraw
// with \r or a cursor move, must be at most 80 characters once its colour and cursor codes are off.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, cli } from './cli-helper.js';
import { epochCadence, epochLine } from '../src/cli/progress.js';
import { barLine, compactCount, oneLine, plural, table, wrapFields, wrapText } from '../src/node/terminal.js';
import type { EpochLog } from '../src/nn/callbacks.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-terminal-'));

/** The frames a terminal shows: split at line ends, carriage returns and cursor moves; escape codes off. */
function frames(output: string): string[] {
  return output
    .split(/\r|\n|\x1b\[\d*G|\x1b8/)
    .map((l) => l.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, ''))
    .filter((l) => l !== '');
}

function assertFits(lines: string[], width: number, what: string): void {
  const wide = lines.filter((l) => [...l].length > width);
  assert.deepEqual(wide, [], `${what}: ${wide.length} lines wider than ${width}`);
}

const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

/** `scratchnet ARGS` in a pseudo-terminal of `cols` columns; its output as the terminal received it. */
function inTerminal(args: string[], cols = 80): { status: number | null; frames: string[] } {
  const command = `stty cols ${cols} rows 24; exec ${[process.execPath, ...CLI, ...args].map(quote).join(' ')}`;
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.error, undefined, `script (util-linux) did not run: ${r.error?.message}`);
  return { status: r.status, frames: frames(r.stdout) };
}

const epoch = (over: Partial<EpochLog> = {}): EpochLog => ({
  epoch: 15, loss: 0.0123, dataLoss: 0.0123, l2Loss: 0, accuracy: 0.9961, valLoss: 0.0712, valAccuracy: 0.9815, lr: 1e-3, seconds: 4.11,
  samplesPerSecond: 13140, ...over,
});

describe('terminal layout', () => {
  it('counts and plurals', () => {
    assert.equal(plural(1, 'epoch'), '1 epoch');
    assert.equal(plural(2, 'epoch'), '2 epochs');
    assert.deepEqual([950, 12_345, 123_456, 1_234_567, 999_999].map(compactCount), ['950', '12.3k', '123k', '1.23M', '1.00M']);
  });

  it('wrapped fields keep each field whole and every line within the width (a path too long stays whole)', () => {
    const path = `/${'deep/'.repeat(30)}m.safetensors`;
    const fields = ['test accuracy 93.22%', 'test loss 0.2348', 'training 0.6s (630ms/epoch)', '25450 parameters', 'peak RSS 641 MiB', `saved to ${path}`];
    for (const width of [30, 50, 80, 200]) {
      const lines = wrapFields(fields, width);
      assertFits(lines.filter((l) => !l.includes(path)), width, `width ${width}`);
      assert.equal(lines.join(' ').replace(/\s+/g, ''), fields.join('').replace(/\s+/g, ''), 'nothing lost');
    }
    assert.deepEqual(wrapFields(fields.slice(0, 3), 80), ['test accuracy 93.22%  test loss 0.2348  training 0.6s (630ms/epoch)']);
    assertFits(wrapText(`error: ${'word '.repeat(40)}`, 60).split('\n'), 60, 'text');
  });

  it('a line drops its least needed fields, after trying single spaces', () => {
    assert.equal(oneLine(['a', 'b', 'c'], 7), 'a  b  c');
    assert.equal(oneLine(['a', 'b', 'c'], 5), 'a b c');
    assert.equal(oneLine(['aaa', 'bbb', 'ccc'], 8, [2]), 'aaa  bbb');
    assert.equal(oneLine(['aaaaaaaaaa'], 5), 'aaaa…');
  });

  it('a bar shrinks before figures are dropped, and fits down to a narrow terminal', () => {
    const fields = ['17/422', 'loss 0.4179', 'acc 0.8758', '85.6k samples/s', 'ETA 12s'];
    const wide = barLine(0.5, 'epoch 1/15', fields, 120);
    assert.match(wide, /^epoch 1\/15 \[█{15}░{15}\]  17\/422  loss 0.4179  acc 0.8758  85.6k samples\/s  ETA 12s$/);
    const at80 = barLine(0.5, 'epoch 1/15', fields, 80);
    assert.ok(fields.every((f) => at80.includes(f)), `every figure at 80 columns: ${at80}`);
    for (let width = 20; width <= 160; width++) assertFits([barLine(0.5, 'epoch 1/15', fields, width, [3, 4, 0, 2, 1])], width - 1, `bar at ${width}`);
    assert.doesNotMatch(barLine(0.5, 'epoch 1/15', fields, 50, [3, 4, 0, 2, 1]), /samples/, 'samples/s goes first');
  });

  it('epoch lines fit; short epochs print every few, long ones each', () => {
    for (const e of [epoch(), epoch({ epoch: 150, valAccuracy: undefined, valLoss: 0.4, valRmse: 0.6543, valR2: 0.4798, accuracy: NaN })]) {
      for (const width of [40, 60, 80, 100]) assertFits([epochLine(e, 200, width)], width, `epoch line at ${width}`);
    }
    assert.match(epochLine(epoch(), 15, 200), /^epoch 15\/15  loss 0.0123  acc 0.9961  val_loss 0.0712  val_acc 0.9815  4.11s  13.1k samples\/s$/);
    assert.match(epochLine(epoch({ seconds: 0.001 }), 15, 200, { epochs: 20, seconds: 0.02, samples: 2400 }), /  1.00ms  120k samples\/s$/, 'the window: mean time, its speed');
    assert.equal(epochCadence(4, 15), 1);
    assert.equal(epochCadence(0.5, 15), 1, 'at least ten lines');
    assert.equal(epochCadence(0.0005, 200), 20);
    assert.equal(epochCadence(0.005, 400), 20);
    assert.equal(epochCadence(0.2, 1000), 5, 'about a line a second');
  });

  it("a table (predict's) wraps its last column under itself", () => {
    const probs = Array.from({ length: 10 }, () => '0.1000').join(' ');
    const lines = table([['row', 'predicted', 'predicted_label', 'probabilities'], ['0', '7', 'seven', probs]], 60);
    assertFits(lines, 60, 'table');
    assert.match(lines[0], /^row  predicted  predicted_label  probabilities$/);
    assert.match(lines[2], /^ {33}0\.1000/);
  });
});

describe('the CLI in an 80-column terminal', { concurrency: true }, () => {
  const spec = join(dir, 'tiny.json');
  writeFileSync(spec, JSON.stringify({
    name: 'tiny', datasets: ['iris'], seeds: [1],
    baseline: { layers: [8], activation: 'relu', optimizer: 'adam', lr: 0.01, batchSize: 16, epochs: 5, schedule: 'constant', valSplit: 0.2, dropout: 0, l2: 0 },
    variations: [{ group: 'activation', name: 'tanh', config: { activation: 'tanh' } }],
  }));
  const rows = join(dir, 'rows.json');
  writeFileSync(rows, JSON.stringify([Array(784).fill(0), Array(784).fill(0.5)]));
  const irisRows = join(dir, 'iris-rows.json');
  writeFileSync(irisRows, JSON.stringify([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]));

  it('train, evaluate and predict on MNIST', () => {
    const model = join(dir, 'mnist.safetensors');
    const train = inTerminal(['train', '--epochs', '1', '--layers', '16', '--batch-size', '512', '--save', model]);
    assert.equal(train.status, 0, train.frames.join('\n'));
    assertFits(train.frames, 80, 'train');
    assert.ok(train.frames.some((f) => /^epoch 1\/1 \[/.test(f)), 'the live bar was drawn');
    assert.ok(train.frames.some((f) => /^scratchnet train: mnist, .*1 epoch,/.test(f)), `the header says "1 epoch": ${train.frames[0]}`);
    for (const args of [['evaluate', '--model', model], ['predict', '--model', model, '--input', rows, '--probabilities']]) {
      const r = inTerminal(args);
      assert.equal(r.status, 0, r.frames.join('\n'));
      assertFits(r.frames, 80, args[0]);
    }
  });

  it('train, evaluate and predict on Iris: a line every few epochs', () => {
    const model = join(dir, 'iris.safetensors');
    const train = inTerminal(['train', '--dataset', 'iris', '--save', model]);
    assert.equal(train.status, 0, train.frames.join('\n'));
    assertFits(train.frames, 80, 'train --dataset iris');
    const lines = train.frames.filter((f) => /^epoch +\d+\/200  loss/.test(f));
    assert.ok(lines.length <= 21 && lines.at(-1)!.startsWith('epoch 200/200'), `a line every few epochs and the last:\n${lines.join('\n')}`);
    const predict = inTerminal(['predict', '--model', model, '--input', irisRows, '--probabilities']);
    assert.equal(predict.status, 0, predict.frames.join('\n'));
    assert.match(predict.frames[0], /^row +predicted +predicted_label +probabilities$/);
    assert.match(predict.frames[1], /^0 +0 +setosa +\d/);
    for (const r of [predict, inTerminal(['evaluate', '--model', model])]) assertFits(r.frames, 80, 'iris');
  });

  it('ablate on a tiny spec', () => {
    const r = inTerminal(['ablate', '--spec', spec, '--out', join(dir, 'tiny.jsonl')]);
    assert.equal(r.status, 0, r.frames.join('\n'));
    assertFits(r.frames, 80, 'ablate');
    assert.ok(r.frames.some((f) => /^\[2\/2\] iris/.test(f)), r.frames.join('\n'));
  });

  it('a mistake is reported before any header', () => {
    const r = inTerminal(['train', '--dataset', 'irs']);
    assert.notEqual(r.status, 0);
    assert.match(r.frames[0], /^scratchnet: error: dataset: unknown dataset 'irs'/);
    assertFits(r.frames, 80, 'the error');
  });

  it('--verbose prints every epoch and changes no figure of the run', () => {
    const run = (...extra: string[]) => cli(['train', '--dataset', 'iris', '--epochs', '30', '--json', ...extra]);
    const [plain, verbose] = [run(), run('--verbose')];
    const summary = (r: typeof plain) => JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    const figures = (r: typeof plain) => ({ ...summary(r), epochs: summary(r).epochs.map((e: EpochLog) => e.loss), trainSeconds: 0, secondsPerEpoch: 0, peakRssMiB: 0 });
    assert.deepEqual(figures(verbose), figures(plain));
    assert.equal(verbose.stderr.match(/^epoch /gm)?.length, 30);
    assert.ok(plain.stderr.match(/^epoch /gm)!.length < 30);
    assertFits(plain.stderr.split('\n'), 80, 'a pipe: 80 columns');
  });
});
