// Hand-made hostile inputs, one per defect found by mutating files: each must end in the library's
// typed one-line error (or the right result), a non-zero exit, no stack trace and bounded memory
// (the memory bound is checked by the fuzz campaign, `npm run fuzz`, which runs this file with
// SCRATCHNET_BOUNDS=1: a wall-clock or memory bound in `npm test` would depend on the machine).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cli as runCli } from './cli-helper.js';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../src/data/idx.js';
import { ConfigError, ModelFileError, WriteError } from '../src/errors.js';
import { validateSpec } from '../src/experiments/spec.js';
import type { ResultLine } from '../src/experiments/results.js';
import { appendResult } from '../src/node/experiments/results-file.js';
import { encodeSafetensors } from '../src/io/safetensors.js';
import { architectureOf, decodeModel, encodeModel } from '../src/nn/io.js';
import { batchNorm } from '../src/nn/layers/index.js';
import { mlp } from '../src/nn/mlp.js';
import { saveModel } from '../src/node/model-file.js';
import { asWriteError } from '../src/node/write-error.js';
import { main } from '../src/cli/main.js';
import '../src/node/gzip.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-hostile-'));
/** Memory bounds are asserted only in the fuzz campaign (see the top). */
const bounds = process.env.SCRATCHNET_BOUNDS === '1';

/** A preload that makes the CLI child print its peak RSS (KiB) last on stderr. */
const rssPreload = join(dir, 'rss.mjs');
writeFileSync(rssPreload, `process.on('exit', () => process.stderr.write('maxrss=' + process.resourceUsage().maxRSS + '\\n'));\n`);
function cli(...args: string[]) {
  const r = runCli(args, { env: { SCRATCHNET_BACKEND: 'js' }, node: bounds ? ['--import', pathToFileURL(rssPreload).href] : [] });
  const rss = Number(/maxrss=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.replace(/maxrss=\d+\n/, ''), rssMiB: rss };
}

/**
 * Runs the CLI in this process (cheap: no start-up) and captures its stderr — not its stdout, which
 * carries the test runner's own reports (the commands run here print nothing there). This file's
 * own peak RSS is checked at the end.
 */
async function run(...args: string[]) {
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  process.exitCode = 0;
  try {
    await main(['node', 'scratchnet', ...args]);
  } finally {
    process.stderr.write = write;
  }
  const code = process.exitCode;
  process.exitCode = 0;
  return { code, stdout: '', stderr, rssMiB: 0 };
}

/** Peak RSS any of these may reach: far below the 1-4 GB the defects allocated. */
const RSS_BOUND_MIB = 400;

/** A typed one-line error: non-zero exit, the pattern, no stack trace, bounded memory. */
function assertUserError(r: { code: number | null | undefined; stdout: string; stderr: string; rssMiB: number }, pattern: RegExp): void {
  assert.notEqual(r.code, 0, `exit code 0; stdout: ${r.stdout.slice(0, 300)}`);
  const last = r.stderr.trim().split('\n').at(-1)!;
  assert.match(last, /^(scratchnet: )?error: /, `the last line is not the error:\n${r.stderr.slice(0, 2000)}`);
  assert.match(last, pattern);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `stack trace printed:\n${r.stderr.slice(0, 2000)}`);
  assert.ok(last.length < 600, `a long message (${last.length} chars): ${last.slice(0, 300)}…`);
  if (bounds) assert.ok(r.rssMiB < RSS_BOUND_MIB, `peak RSS ${r.rssMiB.toFixed(0)} MiB`);
}

// A small sound model: 4 inputs → 3 hidden → 2 classes.
const model = mlp({ hidden: [3], outputs: 2 }).build({ inputWidth: 4, batchSize: 8, seed: 1 });
const arch = architectureOf(model, 'softmax_cross_entropy', { classNames: ['no', 'yes'] });
const goodModel = join(dir, 'good.safetensors');
saveModel(goodModel, model, arch);
const tensors = [...model.params()].map((p) => ({ name: p.name, shape: p.value.rows === 1 ? [p.value.cols] : [p.value.rows, p.value.cols], data: Float32Array.from(p.value.view()) }));

/** The sound model's tensors under another architecture (any JSON text). */
function craftModel(name: string, architecture: string, training = '{}'): string {
  const path = join(dir, name);
  writeFileSync(path, encodeSafetensors(tensors, { 'scratchnet.format': '1', 'scratchnet.architecture': architecture, 'scratchnet.training': training }));
  return path;
}
const withArch = (patch: Record<string, unknown>) => JSON.stringify({ ...arch, ...patch });
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const input = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('hostile inputs (CLI)', () => {
  it('a sound model still predicts', async () => {
    const r = cli('predict', '--model', goodModel, '--input', input('ok.json', '[[0.1, 0.2, 0.3, 0.4]]'), '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).predictedLabels.length, 1);
  });

  it('a 2 KB model declaring a huge input width or huge layers: typed error before any allocation', async () => {
    const wide = craftModel('wide.safetensors', withArch({ inputWidth: 2 ** 30 }));
    assert.ok(readFileSync(wide).length < 2048);
    assertUserError(cli('predict', '--model', wide, '--input', input('x.json', '[[1]]')), /wide\.safetensors: invalid architecture: .*inputWidth is 1073741824, more than the limit 4/);
    const units = craftModel('units.safetensors', withArch({ layers: arch.layers.map((l, i) => (i === 0 ? { ...l, config: { ...l.config, units: 2 ** 25 } } : l)) }));
    assertUserError(await run('predict', '--model', units, '--input', input('x.json', '[[1]]')), /units\.safetensors: invalid architecture: .*output width of dense_1 is 33554432/);
  });

  it('a gzip bomb IDX: typed error after inflating no more than the header declares', async () => {
    // 64 gzip members of 16 MiB of zeros each: 1 GiB inflated from about 1 MB
    const member = gzipSync(Buffer.alloc(16 * 2 ** 20));
    const bomb = input('bomb.idx.gz', '');
    writeFileSync(bomb, Buffer.concat(Array(64).fill(member)));
    assertUserError(await run('predict', '--model', goodModel, '--input', bomb), /bomb\.idx\.gz: at byte 2: unknown dtype code/);
    // a sound header declaring 4 bytes, then the zeros
    const header = encodeIdx({ shape: [1, 4], data: new Uint8Array(4) });
    writeFileSync(bomb, Buffer.concat([gzipSync(header), ...Array(64).fill(member)]));
    assertUserError(cli('predict', '--model', goodModel, '--input', bomb), /longer than the 16 bytes its IDX header declares/);
    // a header declaring more than the file can inflate to
    const big = Buffer.from(header);
    big.writeUInt32BE(60000, 4);
    big.writeUInt32BE(30000, 8);
    writeFileSync(bomb, gzipSync(big));
    assertUserError(await run('predict', '--model', goodModel, '--input', bomb), /declares 1800000012 bytes, more than \d+ gzip bytes can inflate to/);
  });

  it('deeply nested JSON: model header, predict input, spec, results', async () => {
    assertUserError(cli('predict', '--model', craftModel('deep.safetensors', deep(100_000)), '--input', input('x.json', '[[1]]')), /deep\.safetensors: metadata 'scratchnet.architecture': JSON nested 100000 levels deep, expected at most 64/);
    assertUserError(await run('predict', '--model', craftModel('deeplayer.safetensors', withArch({ layers: [{ type: 'dense', name: 'd', config: { units: JSON.parse(deep(50)) } }] })), '--input', input('x.json', '[[1]]')), /layers\[0\]\.config\.units: expected a number, string or boolean/);
    assertUserError(await run('predict', '--model', goodModel, '--input', input('deep.json', deep(200_000))), /deep\.json: JSON nested 200000 levels deep/);
    assertUserError(await run('predict', '--model', goodModel, '--input', input('deep2.json', `[[${deep(60)}]]`)), /row 0, column 0 is \[\[\[…\]\]\], expected a finite number/);
    const spec = { name: 's', datasets: ['moons'], seeds: [1], baseline: { schedule: JSON.parse(`{"type":"warmup","warmupSteps":1,"then":`.repeat(30) + '{"type":"constant"}' + '}'.repeat(30)) } };
    assertUserError(await run('ablate', '--spec', input('deepsched.json', JSON.stringify(spec)), '--dry-run'), /warm-ups nested more than 16 deep/);
    assertUserError(await run('ablate', '--spec', input('deepspec.json', `{"name":"s","datasets":${deep(100_000)}}`), '--dry-run'), /deepspec\.json: JSON nested 100001 levels deep/);
    const results = input('deep.jsonl', `{"id":"a","dataset":"moons","config":${deep(100_000)}}\n`);
    assertUserError(await run('report', results, '--out', join(dir, 'r', 'deep.md')), /report: no results in/);
  });

  it('null where an object is expected: architecture, layer, spec fields', async () => {
    assertUserError(await run('predict', '--model', craftModel('null.safetensors', 'null'), '--input', input('x.json', '[[1]]')), /scratchnet\.architecture': \$: expected an object, found null/);
    assertUserError(await run('predict', '--model', craftModel('nulllayer.safetensors', withArch({ layers: [null] })), '--input', input('x.json', '[[1]]')), /\$\.layers\[0\]: expected an object \{type, name, config\}, found null/);
    const spec = (fields: object) => input('nullspec.json', JSON.stringify({ name: 's', datasets: ['moons'], seeds: [1], ...fields }));
    assertUserError(await run('ablate', '--spec', spec({ baseline: { layers: null } }), '--dry-run'), /\$\.baseline\.layers: expected a value \('layers' is needed by every run/);
    assertUserError(await run('ablate', '--spec', spec({ perDataset: { moons: null } }), '--dry-run'), /\$\.perDataset\.moons: expected an object of TrainConfig fields, found null/);
    assertUserError(await run('ablate', '--spec', spec({ variations: [null] }), '--dry-run'), /\$\.variations\[0\]: expected an object, found null/);
  });

  it('out-of-range inputs, short class names, unknown config keys', async () => {
    assertUserError(await run('predict', '--model', goodModel, '--input', input('big.json', '[[1e39, 0, 0, 0]]')), /row 0, column 0 is 1e\+39, expected a finite number within float32's range/);
    assertUserError(await run('predict', '--model', craftModel('names.safetensors', withArch({ classNames: ['no'] })), '--input', input('x.json', '[[1]]')), /\$\.classNames: expected 2 names .*found "1 names"/);
    assertUserError(await run('predict', '--model', craftModel('key.safetensors', withArch({ layers: arch.layers.map((l, i) => (i === 0 ? { ...l, config: { ...l.config, unit: 3 } } : l)) })), '--input', input('x.json', '[[1]]')), /\$\.layers\[0\]\.config\.unit: expected only the dense options units, init, useBias, weightDecay/);
    assertUserError(await run('predict', '--model', craftModel('type.safetensors', withArch({ layers: arch.layers.map((l, i) => (i === 0 ? { ...l, config: { ...l.config, useBias: 'no' } } : l)) })), '--input', input('x.json', '[[1]]')), /\$\.layers\[0\]\.config\.useBias: expected a boolean \(like its default true\), found "no"/);
    assertUserError(await run('predict', '--model', craftModel('topkey.safetensors', withArch({ outputs: 2 })), '--input', input('x.json', '[[1]]')), /\$\.outputs: expected only the keys/);
    // evaluate reads the training metadata (free-form JSON) for the dataset and seed
    assertUserError(await run('evaluate', '--model', craftModel('trained.safetensors', JSON.stringify(arch), '{"config":{"dataset":5}}')), /metadata 'scratchnet.training': config.dataset must be a string, found 5/);
    // inputs that make a sound model overflow: the output is checked, not printed as NaN
    assertUserError(await run('predict', '--model', goodModel, '--input', input('x4.json', '[[3e38, 3e38, 3e38, 3e38]]')), /row 0: the model's output is NaN, not a finite number/);
    // weights that overflow even for an all-zero row: refused when the file is loaded
    const huge = mlp({ hidden: [3], outputs: 2 }).build({ inputWidth: 4, batchSize: 8, seed: 1 });
    huge.paramArena.fill(3e38);
    const hugePath = join(dir, 'huge.safetensors');
    writeFileSync(hugePath, encodeModel(huge, arch));
    assertUserError(await run('predict', '--model', hugePath, '--input', input('x4.json', '[[1, 1, 1, 1]]')), /huge\.safetensors: the model's output 0 for an all-zero input row is Infinity, expected a finite number/);
  });

  it('a zero-element tensor declaring 2^33 or 2^28 features: typed error, nothing allocated for it', async () => {
    const empty = (width: number) => ({ name: 'empty', shape: [0, width], data: new Float32Array(0) });
    for (const width of [2 ** 33, 2 ** 28]) {
      const path = join(dir, `empty${width}.safetensors`);
      const std = { name: 'standardize_1.mean', shape: [4], data: new Float32Array(4) };
      const standardized = { ...arch, layers: [{ type: 'standardize', name: 'standardize_1', config: {} }, ...arch.layers] };
      writeFileSync(path, encodeSafetensors([std, { ...std, name: 'standardize_1.std', data: new Float32Array(4).fill(1) }, ...tensors, empty(width)], { 'scratchnet.format': '1', 'scratchnet.architecture': JSON.stringify({ ...standardized, inputWidth: width }) }));
      assert.ok(readFileSync(path).length < 2048);
      const r = cli('predict', '--model', path, '--input', input('x.json', '[[1]]'));
      assertUserError(r, new RegExp(`empty${width}\\.safetensors: invalid architecture: .*inputWidth is ${width}, more than the limit 4`));
      if (bounds) {
        const sound = cli('predict', '--model', goodModel, '--input', input('ok.json', '[[0.1, 0.2, 0.3, 0.4]]'));
        assert.ok(r.rssMiB < sound.rssMiB + 100, `peak RSS ${r.rssMiB.toFixed(0)} MiB, a sound prediction's ${sound.rssMiB.toFixed(0)} MiB`);
      }
    }
  });

  it('degenerate layer state (std 0 or 1e-45, running_var -1): typed error naming the tensor and the index', async () => {
    const sn = mlp({ hidden: [3], outputs: 2, standardize: true, normalization: () => batchNorm() }).build({ inputWidth: 4, batchSize: 8, seed: 1 });
    const snArch = architectureOf(sn, 'softmax_cross_entropy');
    const corrupt = (name: string, tensor: string, index: number, value: number) => {
      const path = join(dir, name);
      const bytes = encodeModel(sn, snArch);
      const at = [...sn.params(), ...sn.layers.flatMap((l) => l.buffers?.() ?? [])];
      let offset = bytes.length - at.reduce((s, p) => s + 4 * p.value.size, 0);
      for (const p of at) {
        if (p.name === tensor) new DataView(bytes.buffer).setFloat32(offset + 4 * index, value, true);
        offset += 4 * p.value.size;
      }
      writeFileSync(path, bytes);
      return path;
    };
    const x = input('x4.json', '[[1, 2, 3, 4], [5, 6, 7, 8]]');
    assertUserError(await run('predict', '--model', corrupt('std0.safetensors', 'standardize_1.std', 1, 0), '--input', x), /std0\.safetensors: tensor 'standardize_1\.std' holds 0 at index 1, expected a standard deviation above 1e-12/);
    assertUserError(await run('predict', '--model', corrupt('std45.safetensors', 'standardize_1.std', 2, 1e-45), '--input', x), /tensor 'standardize_1\.std' holds 1\.4\d*e-45 at index 2/);
    assertUserError(await run('evaluate', '--model', corrupt('var.safetensors', 'batch_norm_1.running_var', 0, -1)), /var\.safetensors: tensor 'batch_norm_1\.running_var' holds -1 at index 0, expected a variance ≥ 0/);
  });

  it('flags asking for more memory than a WebAssembly memory holds', async () => {
    assertUserError(await run('train', '--dataset', 'moons', '--layers', '1000000000', '--epochs', '1', '--json'), /--layers.*expected comma-separated integers in \[1, 65536\]/);
    assertUserError(await run('train', '--dataset', 'moons', '--layers', '65536,65536', '--epochs', '1', '--json'), /the model needs .* GiB .* more than the 4\.00 GiB a WebAssembly memory holds/);
    assertUserError(await run('train', '--dataset', 'moons', '--batch-size', '1e300', '--json'), /--batch-size.*expected an integer in \[1, 65536\]/);
  });

  it('results: a line with only id and dataset is skipped; write errors are typed with the path', async () => {
    const spec = input('tiny.json', JSON.stringify({ name: 'tiny', datasets: ['moons'], seeds: [1], baseline: { layers: [4], epochs: 1, valSplit: 0 }, dataOptions: { moons: { samples: 200 } } }));
    const out = join(dir, 'tiny.jsonl');
    const ok = await run('ablate', '--spec', spec, '--out', out);
    assert.equal(ok.code, 0, ok.stderr);
    writeFileSync(join(dir, 'thin.jsonl'), '{"id":"x","dataset":"moons"}\n');
    assertUserError(await run('report', join(dir, 'thin.jsonl'), '--out', join(dir, 'r', 'thin.md')), /report: no results in/);
    const mixed = await run('report', out, join(dir, 'thin.jsonl'), '--out', join(dir, 'r', 'mixed.md'));
    assert.equal(mixed.code, 0, mixed.stderr);
    assert.match(mixed.stderr.replace(/\n {2}/g, ' '), /thin\.jsonl:1: skipped a line that is not a result \(schema: expected an integer, found nothing\)/);
    // /sys is not writable, even by root
    assertUserError(cli('ablate', '--spec', spec, '--out', '/sys/results.jsonl'), /\/sys\/results\.jsonl: cannot write the results file \(EACCES: permission denied\)/);
    assertUserError(await run('report', out, '--out', '/sys/report.md'), /\/sys\/report: cannot write the report folder \((EACCES|EPERM)/);
    writeFileSync(join(dir, 'afile'), '');
    assertUserError(await run('report', out, '--out', join(dir, 'afile', 'r.md')), /afile\/r: cannot write the report folder \(ENOTDIR/);
  });
});

describe('hostile inputs: memory of the in-process runs', { skip: !bounds && 'a memory bound: checked by npm run fuzz' }, () => {
  it('this test process stayed under the bound', () => {
    const mib = process.resourceUsage().maxRSS / 1024;
    assert.ok(mib < RSS_BOUND_MIB, `peak RSS ${mib.toFixed(0)} MiB`);
  });
});

describe('hostile inputs (library)', () => {
  it('a full disk and a read-only file system are WriteErrors naming the path', async () => {
    const line = { id: 'x' } as unknown as ResultLine;
    assert.throws(() => appendResult('/dev/full', line), (e: unknown) => e instanceof WriteError && /\/dev\/full: cannot write the results file \(ENOSPC: no space left/.test(e.message));
    const erofs = Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
    const e = asWriteError(erofs, '/mnt/ro/results.jsonl', 'results file');
    assert.ok(e instanceof WriteError);
    assert.equal(e.message, '/mnt/ro/results.jsonl: cannot write the results file (EROFS: read-only file system)');
    const bug = new TypeError('a bug');
    assert.equal(asWriteError(bug, 'x'), bug, 'errors without an errno code pass through');
  });

  it('a killed save leaves a temp file; the next save to that path removes it, and only it', async () => {
    const d = mkdtempSync(join(dir, 'save-'));
    const path = join(d, 'm.safetensors');
    saveModel(path, model, arch);
    // a process that has exited: its pid is free
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const stale = `.m.safetensors.${dead}.1700000000000.0.tmp`;
    const live = `.m.safetensors.${process.ppid}.1700000000000.0.tmp`; // our parent is alive: maybe saving
    const others = ['.m.safetensors.notes', '.other.safetensors.1.2.3.tmp', `.m.safetensors.${dead}.tmp`];
    for (const f of [stale, live, ...others]) writeFileSync(join(d, f), 'x');
    saveModel(path, model, arch);
    assert.deepEqual(readdirSync(d).sort(), [live, ...others, 'm.safetensors'].sort());
    assert.ok(existsSync(path));
    assert.deepEqual(decodeModel(readFileSync(path)).model.getWeights(), model.getWeights());
  });

  it('a short spec expanding into a huge grid is refused', () => {
    const spec = {
      name: 's',
      datasets: ['moons', 'iris'],
      seeds: Array.from({ length: 1000 }, (_, i) => i),
      variations: Array.from({ length: 60 }, (_, i) => ({ group: 'g', name: `v${i}`, config: { dropout: 0.1 } })),
    };
    assert.ok(JSON.stringify(spec).length < 20_000);
    assert.throws(() => validateSpec(spec, 'big.json'), (e: unknown) => e instanceof ConfigError && /big\.json: \$: expected a grid of at most 100000 runs .*found "122000 runs"/.test(e.message));
  });

  it('a model file is checked before the model is built', async () => {
    const path = craftModel('nan.safetensors', JSON.stringify(arch));
    const bytes = readFileSync(path);
    // the last float of the data section (the last bias) becomes NaN
    bytes.writeFloatLE(NaN, bytes.length - 4);
    assert.throws(() => decodeModel(bytes, {}, 'nan.safetensors'), (e: unknown) => e instanceof ModelFileError && /tensor 'dense_2.bias' holds NaN at index 1, expected finite values/.test(e.message));
  });
});
