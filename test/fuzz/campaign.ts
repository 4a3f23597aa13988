// The long fuzz campaign: `npm run fuzz [-- --runs N] [--seed S] [--only text]` (default 100,000
// cases per target, or env SCRATCHNET_FUZZ_RUNS). Prints, per target, the cases, their outcomes
// (a correct result or which typed error), the slowest case and the time; then the peak RSS. Each case
// must end within 5 s and the process stay under 1.5 GiB; then test/hostile.test.ts runs with its
// memory bounds (SCRATCHNET_BOUNDS=1). These bounds depend on the machine: `npm test` has none.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { useBackend } from '../../src/node/backend.js';
import { fuzz } from './harness.js';
import { TARGETS } from './targets.js';

const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' }, only: { type: 'string' } } });
const runs = Number(values.runs ?? process.env.SCRATCHNET_FUZZ_RUNS ?? 100_000);
if (!Number.isSafeInteger(runs) || runs <= 0) throw new Error(`--runs: expected a positive integer, found ${values.runs}`);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
await useBackend('js');

console.log(`fuzz campaign: ${runs} cases per target, seed ${seed}`);
const t0 = performance.now();
for (const target of TARGETS.filter((t) => !values.only || t.name.includes(values.only))) {
  const s = fuzz(target, { runs, seed, maxCaseMs: 5000, maxRssBytes: 1.5 * 2 ** 30 });
  const outcomes = Object.entries(s.outcomes).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`${s.target}: ${s.cases} cases in ${s.seconds.toFixed(1)} s (slowest ${s.slowestCaseMs.toFixed(0)} ms) — ${outcomes}`);
}
console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

if (!values.only) {
  console.log('hostile inputs with their memory bounds (test/hostile.test.ts, SCRATCHNET_BOUNDS=1):');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/setup.ts', '--test', '--test-reporter', 'dot', 'test/hostile.test.ts'], {
    stdio: 'inherit',
    env: { ...process.env, SCRATCHNET_BOUNDS: '1' },
  });
  if (r.status !== 0) process.exitCode = 1;
}
