/**
 * The CLI itself, end to end: `tsx bench/lib/cli-child.ts` runs the reference command
 *   scratchnet train --dataset mnist --layers 256,128 --optimizer adam --lr 0.001 --epochs 3
 *     --batch-size 128 --seed 1 --val-split 0 --json
 * as a user would (bin/scratchnet.js, the compiled dist/), once per repeat, and reports the epochs'
 * seconds from its JSON (each epoch is one sample; the first includes the JIT's warm-up, as it does
 * for a user), its test accuracy after 3 epochs, and the process's wall-clock seconds (start,
 * data loading, Standardize fit, 3 epochs, test evaluation, exit). Threads: env SCRATCHNET_THREADS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitResult, log, parseChildArgs, skip, stats, WORKLOAD } from './common.js';

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
export const CLI_ARGS = [
  'train', '--dataset', 'mnist', '--layers', WORKLOAD.hidden.join(','), '--optimizer', 'adam', '--lr', String(WORKLOAD.lr),
  '--epochs', '3', '--batch-size', String(WORKLOAD.batchSize), '--seed', String(WORKLOAD.seed), '--val-split', '0', '--json',
];

/** Newest modification time (ms) of the files under `dir` ending in `.ts`. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

function main(): void {
  const opts = parseChildArgs(process.argv.slice(2));
  const entry = join(ROOT, 'dist/cli/run.js');
  if (!existsSync(entry)) skip('dist/ is missing: run `npm run build`');
  if (statSync(entry).mtimeMs < Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'assembly')))) {
    skip('dist/ is older than src/ or assembly/: run `npm run build` so that the CLI runs the current code');
  }
  const epochSeconds: number[] = [];
  const testAccuracy: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < opts.repeats; r++) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, [join(ROOT, 'bin/scratchnet.js'), ...CLI_ARGS], { cwd: ROOT, encoding: 'utf8', env: process.env });
    const seconds = (performance.now() - t0) / 1000;
    if (run.status !== 0) throw new Error(`scratchnet train exited ${run.status}: ${run.stderr.trim().split('\n').at(-1)}`);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { testAccuracy: number; epochs: { seconds: number }[] };
    epochSeconds.push(...summary.epochs.map((e) => e.seconds));
    testAccuracy.push(summary.testAccuracy);
    wall.push(seconds);
    log(`run ${r + 1}/${opts.repeats}: epochs ${summary.epochs.map((e) => e.seconds.toFixed(3)).join(' ')} s, test accuracy ${(100 * summary.testAccuracy).toFixed(2)}% after 3 epochs, ${seconds.toFixed(2)} s end to end`);
  }
  emitResult({
    epochSeconds,
    testAccuracy,
    trainedImages: WORKLOAD.trainImages,
    extrapolated: false,
    warmup: 'none: the CLI as a user runs it (its first epoch includes the JIT warm-up)',
    info: {
      command: `scratchnet ${CLI_ARGS.join(' ')}`,
      threads: process.env.SCRATCHNET_THREADS ?? null,
      endToEndSeconds: wall,
      endToEndMedian: stats(wall).median,
    },
  });
}

main();
