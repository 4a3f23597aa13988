// The long fuzz campaign: `npm run fuzz [-- --runs N] [--seed S] [--only text]` (default 100,000
// cases per target, or env SCRATCHNET_FUZZ_RUNS). Prints one row per reader: its cases, how many it
// accepted (a correct result), its typed errors (by class), untyped errors (a crash: the first one
// stops that reader, is printed with its replay seed, and fails the campaign), the slowest case, and
// its peak resident memory after a case, and the process's high-water mark as raised while a case
// ended in a typed error or was accepted — each against the baseline measured before the first reader. Each case must end within 5 s and the process
// stay under 1.5 GiB; then test/hostile.test.ts runs with its memory bounds (SCRATCHNET_BOUNDS=1).
// These bounds depend on the machine: `npm test` has none.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { useBackend } from '../../src/node/backend.js';
import { fuzz, type FuzzStats } from './harness.js';
import { TARGETS } from './targets.js';

const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' }, only: { type: 'string' } } });
const runs = Number(values.runs ?? process.env.SCRATCHNET_FUZZ_RUNS ?? 100_000);
if (!Number.isSafeInteger(runs) || runs <= 0) throw new Error(`--runs: expected a positive integer, found ${values.runs}`);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
await useBackend('js');

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const highWater = () => process.resourceUsage().maxRSS * 1024;
/** A high-water mark a reader's cases raised, against the baseline ('—': they never raised it). */
const raised = (bytes: number) => (bytes === 0 ? '—' : `${mib(bytes)} MiB (+${mib(bytes - baseline)})`);
const baseline = process.memoryUsage.rss();
console.log(`fuzz campaign: ${runs} cases per reader, seed ${seed}, baseline RSS ${mib(baseline)} MiB`);
const rows: string[][] = [];
const failures: string[] = [];
const t0 = performance.now();
for (const target of TARGETS.filter((t) => !values.only || t.name.includes(values.only))) {
  let s: FuzzStats | undefined;
  let failure: string | undefined;
  try {
    s = fuzz(target, { runs, seed, maxCaseMs: 5000, maxRssBytes: 1.5 * 2 ** 30 });
  } catch (e) {
    failure = (e as Error).message;
    failures.push(failure);
  }
  const accepted = s?.outcomes.ok ?? 0;
  const typed = Object.entries(s?.outcomes ?? {}).filter(([k]) => k !== 'ok').sort((a, b) => b[1] - a[1]);
  const typedCount = typed.reduce((n, [, c]) => n + c, 0);
  rows.push([
    target.name,
    s ? String(s.cases) : 'stopped',
    String(accepted),
    `${typedCount}${typed.length > 0 ? ` (${typed.map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}`,
    failure ? '1 (stopped)' : '0',
    s ? `${s.slowestCaseMs.toFixed(0)} ms` : '',
    s ? `${mib(s.peakRssBytes)} MiB (+${mib(s.peakRssBytes - baseline)})` : '',
    s ? raised(s.highWaterBytes.typed) : '',
    s ? raised(s.highWaterBytes.accepted) : '',
  ]);
  console.log(failure ? `${target.name}: FAILED — ${failure}` : `${target.name}: done in ${s!.seconds.toFixed(1)} s`);
}
const header = ['reader', 'cases', 'accepted', 'typed errors', 'untyped', 'slowest', 'peak RSS after a case', 'high-water raised by a typed error', 'by an accepted case'];
console.log(['', `| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n'));
console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s, peak RSS ${mib(highWater())} MiB (baseline ${mib(baseline)} MiB)`);
if (failures.length > 0) process.exitCode = 1;

if (!values.only) {
  console.log('hostile inputs with their memory bounds (test/hostile.test.ts, SCRATCHNET_BOUNDS=1):');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/setup.ts', '--test', '--test-reporter', 'dot', 'test/hostile.test.ts'], {
    stdio: 'inherit',
    env: { ...process.env, SCRATCHNET_BOUNDS: '1' },
  });
  if (r.status !== 0) process.exitCode = 1;
}
