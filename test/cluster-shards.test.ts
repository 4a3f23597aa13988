// A study on a cluster (docs/cluster.md): `ablate --shard auto` reads the shard from a Slurm array or
// a Kubernetes Indexed Job; `ablate --status` and `report` check the merged shards against the spec.
// The scheduler itself runs in `npm run test:cluster` (test/cluster/slurm.sh).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli, CLI } from './cli-helper.js';
import { ConfigError } from '../src/errors.js';
import { shardFromEnv } from '../src/experiments/auto-shard.js';
import { completeness, completenessLines } from '../src/experiments/completeness.js';
import { expandGrid, parseShardFileName, selectShard } from '../src/experiments/grid.js';
import type { ResultLine } from '../src/experiments/results.js';
import { readResults } from '../src/node/experiments/results-file.js';
import { validateSpec } from '../src/experiments/spec.js';

const SPEC = {
  name: 'tiny',
  description: 'test study',
  datasets: ['iris'],
  seeds: [1, 2],
  baseline: { layers: [8], activation: 'relu', optimizer: 'adam', lr: 0.01, batchSize: 16, epochs: 2, valSplit: 0.2, dropout: 0 },
  variations: [
    { group: 'optimizer', name: 'sgd', config: { optimizer: 'sgd', lr: 0.1 } },
    { group: 'activation', name: 'tanh', config: { activation: 'tanh' } },
  ],
  targetValAccuracy: { iris: 0.9 },
};
const spec = validateSpec(SPEC, 'tiny.json');
const grid = expandGrid(spec);
/** A result line of a grid run, with only what completeness reads. */
const line = (i: number, status = 'ok') => ({ id: grid[i].id, spec: 'tiny', specFile: 'tiny.json', status }) as unknown as ResultLine;
const configError = (pattern: RegExp) => (e: Error) => e instanceof ConfigError && pattern.test(e.message);

describe('--shard auto', () => {
  it('Slurm: array tasks MIN..MAX are shards 1..n', () => {
    const env = { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_MAX: '8', SLURM_ARRAY_JOB_ID: '42' };
    assert.deepEqual(shardFromEnv(env), { shard: { index: 3, count: 4 }, source: 'Slurm array (job 42, task 7 of 5-8)' });
    assert.deepEqual(shardFromEnv({ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_COUNT: '2' }).shard, { index: 1, count: 2 });
    assert.deepEqual(shardFromEnv({ ...env, SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_STEP: '1' }, 4).shard, { index: 3, count: 4 });
  });

  it('Slurm: an array with gaps or a step, or variables that disagree, fail clearly', () => {
    const env = { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '5' };
    assert.throws(() => shardFromEnv({ ...env, SLURM_ARRAY_TASK_STEP: '2' }), configError(/must be a contiguous range .*found tasks 1-5 step 2/));
    assert.throws(() => shardFromEnv({ ...env, SLURM_ARRAY_TASK_COUNT: '3' }), configError(/contiguous range/));
    assert.throws(() => shardFromEnv(env, 4), configError(/^--shards: 4 disagrees with the Slurm array's 5 tasks/));
    assert.throws(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '3' }), configError(/SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX \(or _COUNT\) are not set/));
    assert.throws(() => shardFromEnv({ ...env, SLURM_ARRAY_TASK_ID: 'x' }), configError(/SLURM_ARRAY_TASK_ID: expected a non-negative integer, found 'x'/));
  });

  it('Kubernetes: completion index 0..n-1 is shard 1..n, n from --shards or SCRATCHNET_SHARDS', () => {
    assert.deepEqual(shardFromEnv({ JOB_COMPLETION_INDEX: '0' }, 3), { shard: { index: 1, count: 3 }, source: 'Kubernetes Indexed Job (completion index 0 of 0-2)' });
    assert.deepEqual(shardFromEnv({ JOB_COMPLETION_INDEX: '2', SCRATCHNET_SHARDS: '3' }).shard, { index: 3, count: 3 });
    assert.throws(() => shardFromEnv({ JOB_COMPLETION_INDEX: '1' }), configError(/needs the number of shards: pass --shards N/));
    assert.throws(() => shardFromEnv({ JOB_COMPLETION_INDEX: '3' }, 3), configError(/outside 0\.\.2 \(3 shards\)/));
  });

  it('no scheduler: an error that says what it looked for', () => {
    assert.throws(() => shardFromEnv({}), configError(/no scheduler shard in the environment; expected a Slurm array task .* or a Kubernetes Indexed Job/));
  });
});

describe('completeness of a study', () => {
  it('counts runs done once, duplicates, diverged and stale lines; lists the missing', () => {
    const stale = { ...line(0), id: 'edited' } as ResultLine;
    const c = completeness(spec, 'tiny.json', [line(0), line(1, 'diverged'), line(0), line(2), stale]);
    assert.deepEqual([c.total, c.done, c.diverged, c.duplicates, c.stale], [6, 3, 1, 1, 1]);
    assert.deepEqual(c.missing.map((r) => r.index), [3, 4, 5]);
    assert.match(completenessLines(completeness(spec, 'tiny.json', grid.map((_, i) => line(i))), ['r.jsonl'])[0], /^complete: tiny \(tiny\.json\): 6 of 6 runs done, 0 missing$/);
  });

  it('the commands that finish it: per shard for shard files, else one resume', () => {
    const c = completeness(spec, 'tiny.json', selectShard(grid, { index: 1, count: 3 }).map((r) => line(r.index)));
    const lines = completenessLines(c, ['runs/tiny/results-1of3.jsonl']);
    assert.match(lines[0], /^incomplete: tiny \(tiny\.json\): 2 of 6 runs done, 4 missing$/);
    assert.deepEqual(lines.filter((l) => l.includes('scratchnet ablate')).map((l) => l.trim()), [
      'scratchnet ablate --spec tiny.json --shard 2/3 --out runs/tiny/results-2of3.jsonl',
      'scratchnet ablate --spec tiny.json --shard 3/3 --out runs/tiny/results-3of3.jsonl',
    ]);
    assert.match(completenessLines(c, ['all.jsonl']).at(-1)!, /^ {4}scratchnet ablate --spec tiny\.json --out all\.jsonl$/);
    assert.match(completenessLines(c, []).at(-1)!, /^ {4}scratchnet ablate --spec tiny\.json {3}# or its shards/);
    assert.deepEqual(parseShardFileName('a/results-2of3.jsonl'), { index: 2, count: 3 });
    assert.equal(parseShardFileName('a/results-4of3.jsonl'), null);
  });
});

describe('scratchnet ablate --shard auto / --status (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-cluster-'));
  const specFile = join(dir, 'tiny.json');
  writeFileSync(specFile, JSON.stringify(SPEC));
  // a real line of the committed small study, as the template of this spec's lines
  const fullLine = JSON.parse(readFileSync('experiments/results/small.jsonl', 'utf8').split('\n')[0]) as ResultLine;
  const noScheduler = { SLURM_ARRAY_TASK_ID: '', JOB_COMPLETION_INDEX: '' };

  it('--shard auto without a scheduler: exit 1, one clear line, nothing run', () => {
    const r = cli(['ablate', '--spec', specFile, '--shard', 'auto'], { env: noScheduler });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--shard auto: no scheduler shard in the environment/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });

  it('--shard auto in a Slurm array task says which shard it took', () => {
    const env = { ...noScheduler, SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '3' };
    const r = cli(['ablate', '--spec', specFile, '--shard', 'auto', '--dry-run', '--out', join(dir, 'x.jsonl')], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /--shard auto: shard 2\/3 from the Slurm array \(task 2 of 1-3\)/);
    assert.match(r.stderr, /\(shard 2\/3\): 2 runs/);
  });

  it('--status reads every shard file of the study folder, counts a duplicate once', () => {
    const runs = join(dir, 'runs', 'tiny');
    mkdirSync(runs, { recursive: true });
    const write = (file: string, ls: ResultLine[]) => writeFileSync(join(runs, file), ls.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const full = (i: number): ResultLine => ({ ...fullLine, spec: 'tiny', specFile, id: grid[i].id, group: grid[i].group, variation: grid[i].variation, seed: grid[i].seed });
    write('results-1of2.jsonl', [full(0), full(2), full(4), full(0)]);
    write('results-2of2.jsonl', [full(1)]);
    const r = cli(['ablate', '--spec', specFile, '--status', '--out', join(runs, 'results.jsonl')], { env: noScheduler });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^incomplete: tiny \(.*tiny\.json\): 4 of 6 runs done, 2 missing; 1 duplicate lines counted once$/m);
    assert.match(r.stdout, /scratchnet ablate --spec .*tiny\.json --shard 2\/2 --out .*results-2of2\.jsonl/);
    assert.doesNotMatch(r.stdout, /--shard 1\/2/);
  });
});

describe('scratchnet ablate stopped by SIGTERM (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-preempt-'));
  // one long run and a short one: the signal comes while the first is training
  const spec = { ...SPEC, seeds: [1], baseline: { ...SPEC.baseline, epochs: 1000 }, variations: SPEC.variations.slice(0, 1) };
  const specFile = join(dir, 'long.json');
  writeFileSync(specFile, JSON.stringify({ ...spec, name: 'long' }));
  const figures = (r: ResultLine) => JSON.stringify([r.testAccuracy, r.testLoss, r.bestValAccuracy, r.history.map(({ seconds: _s, samplesPerSecond: _r, ...e }) => e)]);

  it('checkpoints the run under way, exits 143, and the rerun resumes it to the same figures as a run never stopped', async () => {
    const reference = join(dir, 'reference.jsonl');
    assert.equal(cli(['ablate', '--spec', specFile, '--out', reference]).status, 0);

    const out = join(dir, 'stopped.jsonl');
    const checkpoints = join(dir, 'checkpoints');
    const args = ['ablate', '--spec', specFile, '--out', out, '--checkpoint-dir', checkpoints, '--checkpoint-every', '100'];
    const child = spawn(process.execPath, [...CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // SIGTERM once the first run has written a checkpoint
    const hasCheckpoint = () => existsSync(checkpoints) && readdirSync(checkpoints).some((id) => readdirSync(join(checkpoints, id)).length > 0);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => hasCheckpoint() && (clearInterval(poll), resolve()), 20);
    });
    child.kill('SIGTERM');
    assert.equal(await exited, 143, stderr);
    assert.match(stderr, /ablate: interrupted by SIGTERM: the finished runs are in .*stopped\.jsonl; the run under way is checkpointed in /);
    assert.equal(readResults(out).results.length, 0, 'the long run was under way');

    const again = cli(args);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr.replace(/\n\s+/g, ' '), /iris baseline\/baseline seed 1: resuming from its checkpoint in .* \(\d+ of 1000 epochs done/);
    const got = new Map(readResults(out).results.map((r) => [r.id, r]));
    const want = readResults(reference).results;
    assert.equal(got.size, 2);
    for (const r of want) assert.equal(figures(got.get(r.id)!), figures(r), `${r.variation}: figures as the run never stopped`);
    assert.deepEqual(readdirSync(checkpoints), [], "a finished run's checkpoints are removed");
  });
});
