import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cli } from '../cli-helper.js';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { expandGrid, parseShard, selectShard } from '../../src/experiments/grid.js';
import type { ResultLine } from '../../src/experiments/results.js';
import { readResults, repairResultsTail } from '../../src/node/experiments/results-file.js';
import { runStudy } from '../../src/node/experiments/runner.js';
import { validateSpec } from '../../src/experiments/spec.js';
import { registerDataset } from '../../src/data/registry.js';
import { withKillPoints } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-ablate-'));
/** The CLI's messages with the lines it broke to fit 80 columns joined again. */
const oneLine = (text: string) => text.replace(/\n {2}(?!todo|done)/g, ' ');
const backend = process.env.SCRATCHNET_BACKEND ?? 'js';
// `root`'s module of path `p` (written .ts): src/ as this process and tsx load it, or the built dist/
const mod = (root: 'src' | 'dist', p: string) => pathToFileURL(resolve(root, root === 'src' ? p : p.replace(/\.ts$/, '.js'))).href;

// Gaussian blobs (3 classes, 8 features, overlapping), registered by a module that both this
// process and the CLI child (`node --import <it>`) load, so the test does not depend on src/data's sets;
// its twin for the built CLI registers them in dist/'s registry.
const blobs = (root: 'src' | 'dist') => `import { registerDataset } from '${mod(root, 'data/registry.ts')}';
import { Matrix } from '${mod(root, 'core/matrix.ts')}';
import { Rng } from '${mod(root, 'core/random.ts')}';
const D = 8;
function make(n, rng, name) {
  const x = Matrix.zeros(n, D);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    for (let j = 0; j < D; j++) x.data[i * D + j] = (j % 3 === c ? 1.2 : 0) + rng.normal();
  }
  return { name, x, y, numClasses: 3, classNames: ['a', 'b', 'c'] };
}
registerDataset('blobs-test', {
  summary: 'Gaussian blobs for tests',
  load: async ({ seed = 1 }) => {
    const rng = new Rng(seed, 'blobs');
    return { train: make(1200, rng, 'blobs-test train'), test: make(150, rng, 'blobs-test test'), source: 'test', description: 'blobs' };
  },
});
`;
const registerModule = join(dir, 'register-blobs.mjs');
writeFileSync(registerModule, blobs('src'));
const registerBuilt = join(dir, 'register-blobs-dist.mjs');
writeFileSync(registerBuilt, blobs('dist'));
await import(pathToFileURL(registerModule).href);

const SPEC = {
  name: 'tiny',
  description: 'test study',
  datasets: ['blobs-test'],
  seeds: [1, 2],
  baseline: { layers: [32], activation: 'relu', optimizer: 'adam', lr: 0.01, batchSize: 32, epochs: 12, valSplit: 0.2, dropout: 0, schedule: 'cosine' },
  variations: [
    { group: 'optimizer', name: 'sgd', config: { optimizer: 'sgd', lr: 0.1 } },
    { group: 'regularisation', name: 'dropout', config: { dropout: 0.2 } },
    { group: 'activation', name: 'tanh', config: { activation: 'tanh' } },
  ],
  targetValAccuracy: { 'blobs-test': 0.5 },
};

function writeSpec(name: string, spec: object): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(spec, null, 2));
  return file;
}

const cliArgs = (...args: string[]) => ['--import', 'tsx', '--import', registerModule, 'src/cli/run.ts', ...args];
const env = { ...process.env, SCRATCHNET_BACKEND: backend };
/** The built CLI with the blobs registered. */
const ablate = (...args: string[]) => cli(['ablate', ...args], { env: { SCRATCHNET_BACKEND: backend }, node: ['--import', registerBuilt] });
const ids = (file: string) => readResults(file).results.map((r) => r.id);

describe('study spec and grid', () => {
  const spec = validateSpec(SPEC, 'tiny.json');

  it('expands dataset × seed × (baseline + variations) in a stable order with stable ids', () => {
    const runs = expandGrid(spec);
    assert.equal(runs.length, 1 * 2 * 4);
    assert.deepEqual(
      runs.map((r) => `${r.seed}:${r.group}/${r.variation}`),
      ['1:baseline/baseline', '1:optimizer/sgd', '1:regularisation/dropout', '1:activation/tanh', '2:baseline/baseline', '2:optimizer/sgd', '2:regularisation/dropout', '2:activation/tanh'],
    );
    assert.equal(new Set(runs.map((r) => r.id)).size, runs.length);
    assert.deepEqual(expandGrid(validateSpec(JSON.parse(JSON.stringify(SPEC)))).map((r) => r.id), runs.map((r) => r.id));
    const edited = validateSpec({ ...SPEC, baseline: { ...SPEC.baseline, epochs: 13 } });
    assert.notEqual(expandGrid(edited)[0].id, runs[0].id, 'a config change must change the id');
    const sgd = runs[1].config;
    assert.equal(sgd.optimizer, 'sgd');
    assert.equal(sgd.lr, 0.1);
    assert.deepEqual(sgd.schedule, { type: 'cosine', tMax: 12 });
    assert.equal(sgd.dataset, 'blobs-test');
    assert.equal(expandGrid(spec, { seeds: [2] }).length, 4);
    assert.throws(() => expandGrid(spec, { datasets: ['nope'] }), ConfigError);
  });

  it('applies perDataset overrides, null unsets, and per-variation dataset lists', () => {
    const s = validateSpec({
      ...SPEC,
      datasets: ['blobs-test', 'other'],
      perDataset: { other: { epochs: 3, schedule: null } },
      variations: [{ group: 'g', name: 'only-other', datasets: ['other'], config: { l2: 1e-4 } }],
    });
    const runs = expandGrid(s);
    assert.equal(runs.length, 2 + 2 * 2);
    const other = runs.find((r) => r.dataset === 'other')!;
    assert.equal(other.config.epochs, 3);
    assert.equal(other.config.schedule, undefined);
    assert.ok(runs.every((r) => r.variation !== 'only-other' || r.dataset === 'other'));
  });

  it('rejects bad specs naming file, JSON path, expected and found', () => {
    const bad = (patch: object, pattern: RegExp) =>
      assert.throws(() => validateSpec({ ...SPEC, ...patch }, 'x.json'), (e: Error) => e instanceof ConfigError && pattern.test(e.message));
    bad({ seeds: [1, 'two'] }, /^x\.json: \$\.seeds\[1\]: expected an integer between -2\^53 and 2\^53, found "two"$/);
    bad({ baseline: { epochs: 0 } }, /\$\.baseline\.epochs: expected an integer in \[1, 100000\], found 0/);
    bad({ baseline: { seed: 3 } }, /\$\.baseline\.seed: expected no 'seed'/);
    bad({ variations: [{ group: 'g', name: 'a', config: { augment: 'spin=3' } }] }, /\$\.variations\[0\]\.config\.augment: expected a valid augmentation spec/);
    bad({ variations: [{ group: 'g', name: 'a', config: {} }, { group: 'g', name: 'a', config: {} }] }, /\$\.variations\[1\]\.name: expected a name unique/);
    bad({ variation: [] }, /\$\.variation: expected only the keys/);
    bad({ targetValAccuracy: { 'blobs-test': 97 } }, /expected a number in \(0, 1\], found 97/);
    bad({ perDataset: { mnist: {} } }, /\$\.perDataset\.mnist: expected one of the spec's datasets/);
  });

  it('shards partition the grid: every run in exactly one shard', () => {
    const runs = expandGrid(validateSpec({ ...SPEC, seeds: [1, 2, 3, 4, 5] }));
    for (let n = 1; n <= 6; n++) {
      const seen = Array.from({ length: n }, (_, i) => selectShard(runs, parseShard(`${i + 1}/${n}`))).flat().map((r) => r.index);
      assert.deepEqual([...seen].sort((a, b) => a - b), runs.map((r) => r.index), `n = ${n}`);
    }
    assert.throws(() => parseShard('0/4'), ConfigError);
    assert.throws(() => parseShard('5/4'), ConfigError);
  });

  it('repairs a torn last line and keeps sound ones', () => {
    const file = join(dir, 'torn.jsonl');
    writeFileSync(file, '{"id":"a","dataset":"d"}\n{"id":"b","dataset":"d"}\n{"id":"c","data');
    assert.match(repairResultsTail(file)!, /torn last line/);
    assert.equal(readFileSync(file, 'utf8'), '{"id":"a","dataset":"d"}\n{"id":"b","dataset":"d"}\n');
    assert.equal(repairResultsTail(file), null);
    writeFileSync(file, '{"id":"a","dataset":"d"}');
    assert.equal(repairResultsTail(file), null);
    assert.equal(readFileSync(file, 'utf8'), '{"id":"a","dataset":"d"}\n', 'a complete last object gets its newline');
  });
});

describe('runner', () => {
  it('records the full result line; resumes without rerunning', async () => {
    const spec = validateSpec({ ...SPEC, seeds: [1], variations: SPEC.variations.slice(0, 1) });
    const out = join(dir, 'inproc.jsonl');
    const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
    const first = await runStudy({ spec, specFile: 'tiny.json', out, log: quiet });
    assert.equal(first.results.length, 2);
    const lines = readResults(out).results;
    assert.equal(lines.length, 2);
    const base = lines.find((r) => r.group === 'baseline')!;
    const sgd = lines.find((r) => r.variation === 'sgd')!;
    for (const r of [base, sgd]) {
      assert.equal(r.spec, 'tiny');
      assert.equal(r.status, 'ok');
      assert.equal(r.history.length, 12);
      assert.equal(r.confusion!.flat().reduce((s, v) => s + v, 0), 150);
      assert.ok(r.testAccuracy! > 0.5 && r.testAccuracy! <= 1);
      assert.ok(r.bestValAccuracy! >= Math.max(...r.history.map((e) => e.valAccuracy!)) - 1e-12);
      assert.ok(r.epochsToTarget !== null && r.epochsToTarget >= 1);
      assert.ok(r.trainSeconds > 0 && Math.abs(r.secondsPerEpoch - r.trainSeconds / 12) < 1e-9);
      assert.ok(r.machine.cpus > 0 && r.machine.cpu.length > 0);
      assert.equal(r.versions.backend, backend);
      assert.match(r.versions.scratchnet, /^\d+\.\d+/);
    }
    assert.ok(base.misclassified!.length > 0 && base.misclassified!.length <= 24);
    assert.ok(base.misclassified!.every((m) => m.label !== m.predicted));
    assert.equal(sgd.misclassified, undefined, 'only the baseline of the first seed keeps its mistakes');
    const again = await runStudy({ spec, specFile: 'tiny.json', out, log: quiet });
    assert.equal(again.skipped, 2);
    assert.equal(again.results.length, 0);
  });

  it('records a diverged run as a result instead of failing the study', async () => {
    const spec = validateSpec({ ...SPEC, seeds: [1], variations: [{ group: 'optimizer', name: 'too-fast', config: { optimizer: 'sgd', lr: 1e30 } }] });
    const out = join(dir, 'diverged.jsonl');
    const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
    const { results } = await runStudy({ spec, specFile: 'tiny.json', out, log: quiet, filter: {} });
    const bad = results.find((r) => r.variation === 'too-fast')!;
    assert.equal(bad.status, 'diverged');
    assert.equal(bad.testAccuracy, null);
    assert.match(bad.error!, /./);
    assert.equal(readResults(out).results.length, 2);
  });
});

describe('scratchnet ablate (CLI)', { skip: backend === 'wasm' && 'process-level: runs on the js pass (the runner runs on both, in-process)' }, () => {
  it('--dry-run lists the grid and writes nothing', () => {
    const file = writeSpec('dry', SPEC);
    const out = join(dir, 'dry.jsonl');
    const r = ablate('--spec', file, '--out', out, '--dry-run', '--shard', '1/2');
    assert.equal(r.status, 0, r.stderr);
    assert.match(oneLine(r.stderr), /4 runs, 0 already in .*, 4 to do/);
    assert.equal(r.stderr.match(/^ {2}todo /gm)?.length, 4);
    assert.equal(existsSync(out), false);
  });

  it('a bad spec is one clear error line', () => {
    const file = writeSpec('bad', { ...SPEC, seeds: [] });
    const r = ablate('--spec', file, '--dry-run');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /bad\.json: \$\.seeds: expected a non-empty array of integers, found \[\]/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });

  it('killed midway and rerun: every run id exactly once; a torn line is repaired', async () => {
    const spec = SPEC;
    const file = writeSpec('kill', spec);
    const out = join(dir, 'kill', 'results.jsonl');
    // The runner is SIGKILLed right after its third result line (a deterministic kill point: test/hooks/kill-points.ts).
    const killed = spawnSync(process.execPath, withKillPoints(cliArgs('ablate', '--spec', file, '--out', out)), { encoding: 'utf8', env: { ...env, SCRATCHNET_TEST_HOOK: 'kill-after-results=3' } });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const partial = ids(out);
    assert.equal(partial.length, 3, 'killed after 3 of 8 runs');
    appendFileSync(out, '{"schema":1,"id":"torn","confusion":[[1,'); // a write cut short
    const r = ablate('--spec', file, '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(oneLine(r.stderr), /removed a torn last line/);
    assert.match(oneLine(r.stderr), new RegExp(`8 runs, ${partial.length} already in`));
    const all = ids(out);
    const expected = expandGrid(validateSpec(spec)).map((g) => g.id);
    assert.deepEqual([...all].sort(), [...expected].sort(), 'each run id exactly once');
    const text = readFileSync(out, 'utf8');
    assert.ok(text.endsWith('\n'));
    for (const line of text.trimEnd().split('\n')) assert.equal(typeof (JSON.parse(line) as ResultLine).id, 'string');
  });
});

describe('ablate checks before it runs', () => {
  const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;
  it('a file-backed dataset missing on this machine stops the study at once, listing it and how to get it', async () => {
    registerDataset('absent-test', {
      summary: 'a file-backed set that is not here',
      load: async () => {
        throw new Error('must not be loaded');
      },
      locate: () => undefined,
      download: { baseUrl: 'http://127.0.0.1:9/', files: [] },
      otherWay: 'copy it by hand',
    });
    const spec = validateSpec({ ...SPEC, datasets: ['blobs-test', 'absent-test'], targetValAccuracy: {} }, 'two.json');
    const out = join(dir, 'absent', 'results.jsonl');
    for (const dryRun of [false, true]) {
      await assert.rejects(runStudy({ spec, specFile: 'two.json', out, dryRun, log: quiet }), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /two\.json: 1 dataset\(s\) of this study are missing on this machine; nothing was run/);
        assert.match(e.message, /absent-test: not found; get it with: scratchnet data download absent-test, or: copy it by hand/);
        return true;
      });
    }
    assert.ok(!existsSync(out), 'nothing written');
  });

  it('a results path that cannot be created stops the study before the first run', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const spec = validateSpec(SPEC, 'tiny.json');
    await assert.rejects(runStudy({ spec, specFile: 'tiny.json', out: join(file, 'sub', 'results.jsonl'), log: quiet }), /the results file cannot be created: .*a-file is not a folder; nothing was run/);
  });
});
