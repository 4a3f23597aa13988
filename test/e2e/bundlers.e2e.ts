// The README's browser quick start as a user ships it: the packed tarball installed in an empty
// project with the bundlers pinned in package.json's devDependencies, the README block as the
// worker, a minimal page that starts it, built by `vite build` and by webpack 5 with no config file.
// Each build, served cross-origin isolated on 127.0.0.1, trains in Chromium to the same losses,
// accuracy and model file (SHA-256) as the same block run by Node from the same install.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium } from '../../tools/chromium.js';
import { serveStatic } from '../../tools/static-server.js';
import { emptyProject, npmInstall, packTarball, readmeExample, ROOT, run } from './fresh-project.js';

const BUNDLERS = ['vite', 'webpack', 'webpack-cli'];
const work = mkdtempSync(join(tmpdir(), 'scratchnet-bundlers-'));
const project = join(work, 'project');

interface Trained {
  isolated?: boolean;
  cores?: number;
  losses: number[];
  accuracy: number;
  sha256: string;
  error?: string;
}

// What the page (and the Node run) does with the worker's messages: the epochs' losses, then the
// accuracy and the SHA-256 of the model file it posts. `digest` hashes an ArrayBuffer to hex.
const COLLECT = `
function collect(digest, resolve) {
  const losses = [];
  return async ({ data }) => {
    if (data.type === 'epoch') losses.push(data.log.loss);
    else if (data.type === 'done') resolve({ losses, accuracy: data.accuracy, sha256: await digest(await data.file.arrayBuffer()) });
    else resolve({ error: data.message ?? JSON.stringify(data) });
  };
}`;

/** src/index.js: the page's script, webpack's default entry and the module of Vite's index.html. */
const PAGE = `// Starts the README's worker, as its first line says, and reports to the test through window.result.
${COLLECT}
const hex = async (bytes) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
window.result = new Promise((resolve) => {
  worker.onmessage = collect(hex, (r) => resolve({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency, ...r }));
  worker.onerror = (e) => resolve({ error: 'worker error: ' + e.message });
});
`;

/** node-run.js: the same block in Node, its postMessage collected the same way. */
const NODE_RUN = `import { createHash } from 'node:crypto';
${COLLECT}
const hex = async (bytes) => createHash('sha256').update(new Uint8Array(bytes)).digest('hex');
const result = new Promise((resolve) => {
  const onmessage = collect(hex, resolve);
  globalThis.postMessage = (data) => onmessage({ data });
});
await import('./node-worker.js');
console.log(JSON.stringify(await result));
process.exit(0);
`;

/** What Node's entry lacks of the block's imports: modelBlob (the browser's), as the same bytes. */
const NODE_SCRATCHNET = `import { encodeModel } from 'scratchnet';
export * from 'scratchnet';
export const modelBlob = (model, architecture, training) => new Blob([encodeModel(model, architecture, training)]);
`;

/** Runs `step`, printing how long it took. */
function timed<T>(name: string, step: () => T): T {
  const t0 = performance.now();
  const out = step();
  console.log(`# ${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

let node: Trained;
let browser: Awaited<ReturnType<typeof launchChromium>>;

before(async () => {
  const dev = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;
  const tarball = packTarball(work);
  emptyProject(project, { devDependencies: Object.fromEntries(BUNDLERS.map((b) => [b, dev[b]])) });
  timed('npm install', () => npmInstall(project, [tarball]));
  const block = readmeExample('browser', 'js');
  mkdirSync(join(project, 'src'));
  writeFileSync(join(project, 'src/train-worker.js'), block);
  writeFileSync(join(project, 'src/index.js'), PAGE);
  writeFileSync(join(project, 'node-worker.js'), block.replace("from 'scratchnet'", "from './node-scratchnet.js'"));
  writeFileSync(join(project, 'node-scratchnet.js'), NODE_SCRATCHNET);
  writeFileSync(join(project, 'node-run.js'), NODE_RUN);
  node = JSON.parse(timed('the block in Node', () => run('node', ['node-run.js'], project)).trim().split('\n').at(-1)!) as Trained;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

interface PageRun {
  result: Trained;
  console: string[];
  /** Scripts of the workers started: the README's, then the kernels' thread workers. */
  workers: string[];
  /** Paths the page asked for and did not get (Chromium asks for a favicon on its own). */
  missing: string[];
}

/** Serves `dist` cross-origin isolated, opens its index.html in Chromium and waits for the training. */
async function trainIn(dist: string): Promise<PageRun> {
  const server = await serveStatic(dist);
  try {
    const page = await browser.context.newPage();
    const run: PageRun = { result: { losses: [], accuracy: NaN, sha256: '' }, console: [], workers: [], missing: [] };
    page.on('console', (m) => run.console.push(m.text()));
    page.on('pageerror', (e) => run.console.push(`page error: ${e.message}`));
    page.on('worker', (w) => run.workers.push(new URL(w.url()).pathname));
    page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && run.missing.push(`${new URL(r.url()).pathname} (HTTP ${r.status()})`));
    const t0 = performance.now();
    await page.goto(`${server.url}/index.html`);
    run.result = (await page.evaluate(() => (window as unknown as { result: Promise<unknown> }).result)) as Trained;
    console.log(`# loaded and trained in Chromium: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await page.close();
    return run;
  } finally {
    await server.close();
  }
}

function assertNodeBits({ result, console, workers, missing }: PageRun): void {
  assert.equal(result.error, undefined, `${result.error}\n${console.join('\n')}`);
  assert.deepEqual(missing, [], 'every file of the build is found');
  assert.equal(result.isolated, true, 'the page is cross-origin isolated');
  assert.deepEqual(console.filter((l) => /not cross-origin isolated|kernels unavailable/.test(l)), [], 'the WebAssembly kernels, on threads');
  if (result.cores! > 1) assert.ok(workers.length >= 2, `the README's worker and a thread worker of the kernels started: ${workers.join(', ')}`);
  assert.deepEqual(result.losses, node.losses, 'the losses of Node, epoch by epoch');
  assert.equal(result.accuracy, node.accuracy);
  assert.equal(result.sha256, node.sha256, 'the model file of Node, byte for byte');
}

describe("the README's browser quick start, bundled from the packed tarball", { timeout: 600_000 }, () => {
  it('trains in Node from the same install', () => {
    assert.equal(node.error, undefined);
    assert.equal(node.losses.length, 200);
    assert.ok(node.losses[199] < node.losses[0] / 4, `losses ${node.losses[0]} → ${node.losses[199]}`);
    assert.ok(node.accuracy > 0.9, `spirals test accuracy ${node.accuracy}`);
  });

  it('zero-config `vite build`: builds, loads cross-origin isolated, trains with the bits of Node', async () => {
    writeFileSync(join(project, 'index.html'), '<!doctype html>\n<meta charset="utf-8">\n<script type="module" src="/src/index.js"></script>\n');
    timed('vite build', () => run('npx', ['vite', 'build'], project));
    renameSync(join(project, 'dist'), join(work, 'vite'));
    assertNodeBits(await trainIn(join(work, 'vite')));
  });

  it('zero-config webpack 5: builds, loads cross-origin isolated, trains with the bits of Node', async () => {
    timed('webpack', () => run('npx', ['webpack'], project));
    renameSync(join(project, 'dist'), join(work, 'webpack'));
    writeFileSync(join(work, 'webpack/index.html'), '<!doctype html>\n<meta charset="utf-8">\n<script src="main.js"></script>\n');
    assertNodeBits(await trainIn(join(work, 'webpack')));
  });
});
