// The same seed gives the same bits in Node, Deno and Bun (Chromium: test/e2e/core.e2e.ts): the
// shared workload over the built package on 1 and 2 threads, and the CLI as the README runs it in
// each; the relaxed opt-in where the engine fuses its multiply-add (V8 with FMA) and where it does
// not (Bun, V8 without FMA).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { WorkloadResult } from './e2e/pages/workload.js';
import { bunBinary, denoBinary } from './runtime-binaries.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** Each runtime as the README runs it: the command and its arguments before the script. */
const RUNTIMES: Record<string, string[]> = {
  node: [process.execPath],
  // V8 told the CPU has no FMA: relaxed_madd is not fused, as on such a CPU
  'node without FMA': [process.execPath, '--no-enable-fma3'],
  deno: [denoBinary(), 'run', '--allow-read', '--allow-env'],
  bun: [bunBinary()],
};

async function inEach<T>(script: string[], parse: (stdout: string) => T): Promise<Record<string, T>> {
  const out = await Promise.all(
    Object.entries(RUNTIMES).map(async ([name, [cmd, ...args]]) => {
      const { stdout } = await run(cmd, [...args, ...script], { cwd: ROOT, env: { ...process.env, SCRATCHNET_THREADS: '2', NO_COLOR: '1' }, timeout: 120_000 });
      return [name, parse(stdout)] as const;
    }),
  );
  return Object.fromEntries(out);
}

interface ChildResult {
  runtime: string;
  runs: WorkloadResult[];
  relaxed: WorkloadResult;
}

describe('Node, Deno and Bun', { timeout: 240_000 }, () => {
  it('train the same weights from the same seed, on 1 and 2 threads', async (t) => {
    const got = await inEach(['test/runtime-child.js'], (s) => JSON.parse(s.trim().split('\n').at(-1)!) as ChildResult);
    const node = got.node.runs[0];
    for (const [name, r] of Object.entries(got)) {
      t.diagnostic(`${name}, ${r.runtime}: weights ${r.runs.map((x) => x.hash).join(' ')}; relaxed opt-in ${r.relaxed.relaxed ? 'fused' : 'not fused'}, ${r.relaxed.hash}`);
      for (const run of r.runs) {
        assert.equal(run.relaxed, false, `${name}: the default kernels are the plain-SIMD ones`);
        assert.deepEqual(run.losses, node.losses, `${name} on ${run.threads} thread(s): the losses of Node`);
        assert.equal(run.hash, node.hash, `${name} on ${run.threads} thread(s): the weights of Node`);
      }
      // opted in, an engine that does not fuse gets the plain kernels, and so the default bits
      if (!r.relaxed.relaxed) assert.equal(r.relaxed.hash, node.hash, `${name}: relaxed without fusion`);
    }
    assert.equal(got.bun.relaxed.relaxed, false, 'JavaScriptCore does not fuse relaxed_madd');
    assert.equal(got['node without FMA'].relaxed.relaxed, false, 'V8 without FMA does not fuse relaxed_madd');
  });

  it('run the CLI (bun bin/scratchnet.js = bunx --bun scratchnet; deno with --allow-read --allow-env) to the same losses', async () => {
    const cli = ['bin/scratchnet.js', 'train', '--dataset', 'spirals', '--epochs', '3', '--json'];
    const got = await inEach(cli, (s) => JSON.parse(s.trim().split('\n').at(-1)!) as { testLoss: number; epochs: { loss: number }[] });
    const losses = (r: (typeof got)[string]) => [...r.epochs.map((e) => e.loss), r.testLoss];
    assert.deepEqual(losses(got.deno), losses(got.node), 'Deno');
    assert.deepEqual(losses(got.bun), losses(got.node), 'Bun');
  });

  it('Deno without a permission the CLI needs: one line naming the flag, exit 1, no stack', async () => {
    const [deno] = RUNTIMES.deno;
    for (const [given, missing] of [[[], '--allow-read'], [['--allow-read'], '--allow-env']] as const) {
      const r = await run(deno, ['run', ...given, 'bin/scratchnet.js', 'train', '--dataset', 'spirals', '--epochs', '1'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } }).then(
        () => assert.fail(`deno run ${given.join(' ')}: exit 0`),
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`^scratchnet: error: Requires .* access to .*, run again with the ${missing} flag\n$`));
    }
  });
});
