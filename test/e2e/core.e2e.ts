// The browser core in real Chromium: a cross-origin isolated page trains in a Web Worker with the
// WebAssembly kernels on 1 and 2 threads, and the weights equal Node's bit for bit. Without
// isolation the kernels fall back to one thread (and still give the same bits).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as sn from '../../dist/node.js';
import { trainWorkload } from './pages/workload.js';
import { launchChromium } from '../../tools/chromium.js';
import { serveStatic, type StaticServer } from '../../tools/static-server.js';
import { readmeExample, ROOT } from './fresh-project.js';

interface RunResult {
  threads: number;
  relaxed: boolean;
  losses: number[];
  accuracy: number;
  hash: string;
}
interface PageResult {
  ok: boolean;
  error?: string;
  isolated?: boolean;
  results?: RunResult[];
}

let browser: Awaited<ReturnType<typeof launchChromium>>;
let isolatedServer: StaticServer;
let plainServer: StaticServer;
let nodeRuns: RunResult[];

before(async () => {
  [browser, isolatedServer, plainServer] = await Promise.all([launchChromium(), serveStatic(ROOT), serveStatic(ROOT, { isolated: false })]);
  nodeRuns = [await trainWorkload(sn, { threads: 1 }), await trainWorkload(sn, { threads: 2 })];
});
after(async () => {
  await browser?.close();
  await isolatedServer?.close();
  await plainServer?.close();
});

async function runPage(base: string, threads: string): Promise<{ result: PageResult; console: string[] }> {
  const page = await browser.context.newPage();
  const console: string[] = [];
  page.on('console', (m) => console.push(m.text()));
  await page.goto(`${base}/test/e2e/pages/core.html?threads=${threads}`);
  const result = (await page.evaluate(() => (window as unknown as { result: Promise<unknown> }).result)) as PageResult;
  await page.close();
  return { result, console };
}

describe('browser core in Chromium', { timeout: 180_000 }, () => {
  it('Node: the loss falls, 1 and 2 threads give the same bits', () => {
    const [one, two] = nodeRuns;
    assert.equal(two.threads, 2);
    assert.ok(one.losses[3] < one.losses[0] * 0.8, `losses ${one.losses}`);
    assert.ok(one.accuracy > 0.8, `accuracy ${one.accuracy}`);
    assert.equal(two.hash, one.hash);
  });

  it('a cross-origin isolated page trains in a worker on 1 and 2 threads with the bits of Node', async () => {
    const { result } = await runPage(isolatedServer.url, '1,2');
    assert.ok(result.ok, result.error);
    assert.equal(result.isolated, true);
    const [one, two] = result.results!;
    assert.equal(one.threads, 1);
    assert.equal(two.threads, 2, 'two threads in an isolated page');
    assert.equal(one.relaxed, nodeRuns[0].relaxed, 'same kernel build as Node');
    assert.deepEqual(one.losses, nodeRuns[0].losses);
    assert.equal(one.accuracy, nodeRuns[0].accuracy);
    assert.equal(one.hash, nodeRuns[0].hash, 'browser 1 thread = Node');
    assert.equal(two.hash, nodeRuns[0].hash, 'browser 2 threads = Node');
  });

  it('a page that is not isolated falls back to one thread with a one-line note, and gets the same bits', async () => {
    const { result, console } = await runPage(plainServer.url, 'default');
    assert.ok(result.ok, result.error);
    assert.equal(result.isolated, false);
    assert.equal(result.results![0].threads, 1);
    assert.equal(result.results![0].hash, nodeRuns[0].hash);
    assert.equal(console.filter((l) => /not cross-origin isolated/.test(l)).length, 1, console.join('\n'));
  });

  it("runs the README's browser quick start as a module worker", async () => {
    const code = readmeExample('browser', 'js').replace("from 'scratchnet'", `from '${isolatedServer.url}/dist/browser.js'`);
    const page = await browser.context.newPage();
    await page.goto(`${isolatedServer.url}/test/e2e/pages/core.html?threads=`);
    const out = (await page.evaluate(
      (src) =>
        new Promise<unknown>((resolve) => {
          const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), { type: 'module' });
          const epochs: unknown[] = [];
          w.onmessage = (e) => {
            if (e.data.type === 'done') resolve({ epochs: epochs.length, accuracy: e.data.accuracy, fileBytes: e.data.file.size });
            else if (e.data.type === 'error') resolve({ error: e.data.message });
            else epochs.push(e.data);
          };
          w.onerror = (e) => resolve({ error: e.message });
        }),
      code,
    )) as { epochs: number; accuracy: number; fileBytes: number; error?: string };
    await page.close();
    assert.equal(out.error, undefined);
    assert.equal(out.epochs, 200);
    assert.ok(out.accuracy > 0.9, `spirals test accuracy ${out.accuracy}`);
    assert.ok(out.fileBytes > 4 * (2 * 64 + 64 * 64 + 64), `model file of ${out.fileBytes} bytes`);
  });

  it('asking for 2 threads where they cannot run is an error that says why', async () => {
    const { result } = await runPage(plainServer.url, '2');
    assert.equal(result.ok, false);
    assert.match(result.error!, /2 threads were asked for, but the page is not cross-origin isolated/);
  });
});
