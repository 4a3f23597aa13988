// `scratchnet train` killed (SIGKILL), interrupted (SIGINT/SIGTERM) and resumed: the end weights
// must be bit-identical to a run never stopped. Kill points come from SCRATCHNET_TEST_HOOK (see
// test/hooks/kill-points.ts, preloaded into the child), never from timing. Process-level behaviour, the same on both backends:
// run once, on the WebAssembly backend (the in-process tests in per-backend/checkpoint.test.ts cover both).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { decodeSafetensors } from '../src/io/safetensors.js';
import { Progress } from '../src/cli/progress.js';
import { decodeCheckpoint } from '../src/nn/checkpoint.js';
import { CLI_FROM_SOURCE, cliAsync } from './cli-helper.js';
import { withKillPoints } from './helpers.js';

const backend = 'wasm'; // process-level: once, on the WebAssembly backend (threads and all)
const dir = mkdtempSync(join(tmpdir(), 'scratchnet-resume-'));
// 3 epochs of 23 steps (spirals: 720 training rows, batch 32), dropout, batch norm, momentum
const RUN = ['train', '--dataset', 'spirals', '--layers', '12,8', '--epochs', '3', '--batch-size', '32', '--dropout', '0.2', '--batch-norm', '--optimizer', 'momentum', '--seed', '4', '--backend', backend, '--threads', '1'];

/** Runs the CLI from source with the kill points preloaded (asynchronously: the concurrent cases overlap). */
async function cli(args: string[], hook?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const r = await cliAsync([...RUN, ...args], { env: { SCRATCHNET_TEST_HOOK: hook ?? '' }, timeout: 60_000 }, withKillPoints(CLI_FROM_SOURCE));
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Every tensor of a model file, as raw bits. */
function tensors(path: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, t] of decodeSafetensors(readFileSync(path), path).tensors) out[name] = Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length));
  return out;
}

const checkpoints = (d: string) => readdirSync(d).sort();

// the cases are independent (one directory each) and run concurrently, after the reference run
describe('scratchnet train: kill, interrupt, resume', { concurrency: true }, () => {
  const ref = join(dir, 'ref.safetensors');
  const refDir = join(dir, 'ref');

  before(async () => {
    const r = await cli(['--save', ref, '--checkpoint-dir', refDir]);
    assert.equal(r.code, 0, r.stderr);
  });

  it('SIGKILL after step 20, newest checkpoint truncated: resume warns, uses the one before, ends bit-identical', async () => {
    const ck = join(dir, 'kill');
    const out = join(dir, 'kill.safetensors');
    const killed = await cli(['--save', out, '--checkpoint-dir', ck, '--checkpoint-every', '6'], 'kill-after-step=20');
    assert.equal(killed.signal, 'SIGKILL');
    assert.deepEqual(checkpoints(ck), ['checkpoint-000000012.safetensors', 'checkpoint-000000018.safetensors']);
    truncateSync(join(ck, 'checkpoint-000000018.safetensors'), 1000);
    const r = await cli(['--save', out, '--checkpoint-dir', ck, '--checkpoint-every', '6', '--resume']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.match(/warning: skipping corrupt checkpoint/g)?.length, 1, r.stderr);
    assert.match(r.stdout, /resuming from .*checkpoint-000000012\.safetensors \(at step 12 of epoch 1\)/);
    assert.deepEqual(tensors(out), tensors(ref));
  });

  it('SIGKILL between a checkpoint\'s temp file and its rename: the previous one is whole; resume ends bit-identical', async () => {
    const ck = join(dir, 'rename');
    const out = join(dir, 'rename.safetensors');
    const killed = await cli(['--save', out, '--checkpoint-dir', ck], 'kill-before-rename=2');
    assert.equal(killed.signal, 'SIGKILL');
    const files = checkpoints(ck);
    assert.equal(files.filter((f) => f.endsWith('.tmp')).length, 1, files.join());
    assert.deepEqual(files.filter((f) => !f.endsWith('.tmp')), ['checkpoint-000000023.safetensors']);
    const r = await cli(['--save', out, '--checkpoint-dir', ck, '--resume']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(after epoch 1\)/);
    assert.ok(!checkpoints(ck).some((f) => f.endsWith('.tmp')), 'the stale temp file is removed');
    assert.deepEqual(tensors(out), tensors(ref));
  });

  it('SIGINT: finishes the step, checkpoints, says how to resume, exits 130; the resumed run ends bit-identical', async () => {
    const ck = join(dir, 'int');
    const out = join(dir, 'int.safetensors');
    const r = await cli(['--save', out, '--checkpoint-dir', ck, '--checkpoint-every', '5'], 'signal-after-step=30:SIGINT');
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /interrupted by SIGINT (at|after) .*resume with: scratchnet train .*--checkpoint-every 5 --resume\n$/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.ok(!existsSync(out), 'an interrupted run does not write the final model');
    const resumed = await cli(['--save', out, '--checkpoint-dir', ck, '--checkpoint-every', '5', '--resume']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(tensors(out), tensors(ref));
  });

  it('SIGTERM without a checkpoint directory saves <name>.interrupted.safetensors and exits 143', async () => {
    const out = join(dir, 'term.safetensors');
    const r = await cli(['--save', out], 'signal-after-step=10:SIGTERM');
    assert.equal(r.code, 143, r.stderr);
    const saved = join(dir, 'term.interrupted.safetensors');
    assert.match(r.stderr, new RegExp(`interrupted by SIGTERM (at|after) .*saved to ${saved.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.deepEqual(Object.keys(tensors(saved)), Object.keys(tensors(ref)));
  });

  it('a second SIGINT quits at once, leaving every checkpoint whole', async () => {
    const ck = join(dir, 'twice');
    const r = await cli(['--checkpoint-dir', ck, '--checkpoint-every', '4'], 'signal-after-step=10:SIGINT:2');
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /second SIGINT: quitting at once/);
    for (const f of checkpoints(ck)) decodeCheckpoint(readFileSync(join(ck, f)), f);
  });

  it('user mistakes: a checkpoint of another config, --resume without a directory, an unwritable --save, a used directory', async () => {
    const other = await cli(['--checkpoint-dir', refDir, '--resume', '--seed', '5']);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /cannot resume: 'seed' differs — 4 in the checkpoint, 5 in this run/);
    assert.doesNotMatch(other.stderr, /^\s+at /m);
    assert.match((await cli(['--resume'])).stderr, /--resume needs --checkpoint-dir/);
    const bad = await cli(['--save', join(dir, 'missing', 'm.safetensors')]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--save .*m\.safetensors: cannot write to directory .*missing \(ENOENT\)/);
    assert.match((await cli(['--checkpoint-dir', refDir])).stderr, /already holds checkpoints: add --resume/);
  });
});

describe('Progress.interrupt', () => {
  it('takes the bar off and shows the cursor again; later steps do not redraw it', () => {
    let out = '';
    const tty = { isTTY: true, columns: 100, write: (s: string) => ((out += s), true) } as unknown as NodeJS.WriteStream;
    const p = new Progress(tty);
    p.onTrainBegin({ model: undefined as never, epochs: 2, stepsPerEpoch: 10, samples: 100 });
    p.onBatchEnd({ epoch: 1, step: 1, steps: 10, loss: 1, accuracy: 0.5, samples: 10, seconds: 0.1 });
    assert.ok(out.includes('\x1b[?25l'), 'the bar hides the cursor');
    p.interrupt();
    assert.ok(out.lastIndexOf('\x1b[?25h') > out.lastIndexOf('\x1b[?25l'), 'cursor shown after it was hidden');
    const before = out.length;
    p.onBatchEnd({ epoch: 1, step: 2, steps: 10, loss: 1, accuracy: 0.5, samples: 20, seconds: 0.2 });
    assert.equal(out.length, before);
  });
});
