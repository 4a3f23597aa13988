// test:cluster's check: the merged shard files hold every run of the spec's grid exactly once, each
// with the same figures as the single-process reference run. Usage: compare.ts SPEC REFERENCE SHARD...
import { expandGrid } from '../../src/experiments/grid.js';
import type { ResultLine } from '../../src/experiments/results.js';
import { readResults } from '../../src/node/experiments/results-file.js';
import { loadSpec } from '../../src/node/experiments/spec-file.js';

const [specFile, referenceFile, ...shardFiles] = process.argv.slice(2);
const grid = expandGrid(loadSpec(specFile));
const reference = new Map(readResults(referenceFile).results.map((r) => [r.id, r]));
const lines = shardFiles.flatMap((f) => readResults(f).results);
const count = new Map<string, number>();
for (const r of lines) count.set(r.id, (count.get(r.id) ?? 0) + 1);

/** What a run computed: everything but timings, dates, paths and the machine. */
const figures = (r: ResultLine) =>
  JSON.stringify({
    status: r.status,
    testAccuracy: r.testAccuracy,
    testLoss: r.testLoss,
    bestValAccuracy: r.bestValAccuracy,
    bestValEpoch: r.bestValEpoch,
    epochsRun: r.epochsRun,
    confusion: r.confusion,
    history: r.history.map(({ seconds: _s, samplesPerSecond: _r, ...e }) => e),
  });

const problems: string[] = [];
for (const run of grid) {
  const n = count.get(run.id) ?? 0;
  if (n !== 1) problems.push(`${run.id} (${run.dataset} ${run.group}/${run.variation} seed ${run.seed}): ${n} lines in the shards, expected 1`);
  const ref = reference.get(run.id);
  const got = lines.find((r) => r.id === run.id);
  if (!ref) problems.push(`${run.id}: missing from the reference run`);
  else if (got && figures(got) !== figures(ref)) problems.push(`${run.id}: figures differ from the reference run`);
}
const extra = lines.filter((r) => !grid.some((g) => g.id === r.id)).length;
if (extra) problems.push(`${extra} lines in the shards match no run of the grid`);
if (problems.length) {
  console.error(`test:cluster: ${problems.length} problems:\n  ${problems.slice(0, 20).join('\n  ')}`);
  process.exit(1);
}
console.log(`test:cluster: ${grid.length} runs of the grid, each exactly once in ${shardFiles.length} shard files (${lines.length} lines), figures identical to the single-process run`);
