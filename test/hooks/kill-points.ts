/**
 * Deterministic kill points for the process-level tests, loaded into a child process with
 * `node --import tsx --import ./test/hooks/kill-points.ts src/cli/run.ts …` (test/helpers.ts's
 * `withKillPoints`) and chosen by `SCRATCHNET_TEST_HOOK` (comma-separated):
 * - `kill-after-step=K`: SIGKILL after this process's K-th training step, once the step's
 *   `onBatchEnd` has reached the CLI's progress callback;
 * - `signal-after-step=K:SIG[:N]`: at the same point, send SIG to itself N times (default once);
 * - `kill-before-rename=N`: SIGKILL during the N-th checkpoint write, once the temp file is written
 *   and synced, just before its rename;
 * - `kill-after-results=N`: SIGKILL right after the N-th result line is appended to a results file.
 *
 * Product code knows nothing of this: the preload wraps the CLI's progress callback
 * (`Progress.prototype.onBatchEnd`) and Node's `fs.renameSync` / `fs.appendFileSync`.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';

const spec = process.env.SCRATCHNET_TEST_HOOK ?? '';
const hooks = new Map(spec.split(',').filter(Boolean).map((t) => t.split('=') as [string, string]));
const kill = () => process.kill(process.pid, 'SIGKILL');

const killAtStep = Number(hooks.get('kill-after-step') ?? NaN);
const [sigStep, sig = 'SIGINT', times = '1'] = (hooks.get('signal-after-step') ?? '').split(':');
if (hooks.has('kill-after-step') || hooks.has('signal-after-step')) {
  // the module instance the CLI imports (the same URL)
  const { Progress } = await import('../../src/cli/progress.js');
  const onBatchEnd = Progress.prototype.onBatchEnd;
  let steps = 0;
  Progress.prototype.onBatchEnd = function (this: InstanceType<typeof Progress>, ...args: Parameters<typeof onBatchEnd>) {
    onBatchEnd.apply(this, args);
    steps++;
    if (steps === killAtStep) kill();
    if (steps === Number(sigStep)) for (let i = 0; i < Number(times); i++) process.kill(process.pid, sig);
  };
}

/** Temp files of a checkpoint write (src/node/checkpoint-files.ts): `.checkpoint-<step>.safetensors.<pid>.<ms>.<n>.tmp`. */
const CHECKPOINT_TMP = /^\.checkpoint-\d+\.safetensors\.\d+\.\d+\.\d+\.tmp$/;
if (hooks.has('kill-before-rename')) {
  const at = Number(hooks.get('kill-before-rename'));
  const renameSync = fs.renameSync;
  let writes = 0;
  fs.renameSync = (from, to) => {
    if (CHECKPOINT_TMP.test(basename(String(from))) && ++writes === at) kill();
    renameSync(from, to);
  };
}

if (hooks.has('kill-after-results')) {
  const at = Number(hooks.get('kill-after-results'));
  const appendFileSync = fs.appendFileSync;
  let lines = 0;
  fs.appendFileSync = (path, data, options) => {
    appendFileSync(path, data, options);
    // a result line is one JSON object and its newline (src/node/experiments/results-file.ts appendResult)
    if (typeof data === 'string' && data.startsWith('{') && data.endsWith('\n') && ++lines === at) kill();
  };
}

const known = new Set(['kill-after-step', 'signal-after-step', 'kill-before-rename', 'kill-after-results']);
for (const name of hooks.keys()) if (!known.has(name)) throw new Error(`SCRATCHNET_TEST_HOOK: unknown hook '${name}'`);
syncBuiltinESMExports(); // named imports of node:fs see the wrapped functions
