// The playground (web/, built into web/dist by `npm run build:web`) in headless Chromium: the 2-D
// mode trains spirals in a worker and its boundary changes, its network diagram follows the weights
// (values on focus and hover, a unit's weights on click), the same URL replays the same losses,
// the keyboard alone starts and pauses, the digit pad reads a drawn 7 and 1 with the shipped model,
// a comparison of two optimizers ends with two curves, and a page without COOP/COEP still trains
// on one thread. Screenshots of each mode go to test/e2e/screenshots/; figures are printed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import * as sn from '../../dist/node.js';
import { launchChromium } from '../../tools/chromium.js';
import { serveStatic, type StaticServer } from '../../tools/static-server.js';

const APP = fileURLToPath(new URL('../../web/dist', import.meta.url));
const SHOTS = fileURLToPath(new URL('./screenshots', import.meta.url));

interface Epoch {
  epoch: number;
  loss: number;
  testLoss: number;
  testAccuracy: number;
  stepsPerSecond: number;
  lr: number;
}

let browser: Awaited<ReturnType<typeof launchChromium>>;
let isolated: StaticServer;
let plain: StaticServer;

before(async () => {
  if (!existsSync(`${APP}/index.html`)) throw new Error('web/dist is missing: run npm run build:web first');
  mkdirSync(SHOTS, { recursive: true });
  [browser, isolated, plain] = await Promise.all([launchChromium(), serveStatic(APP), serveStatic(APP, { isolated: false })]);
});
after(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
});

async function open(query: string, base = isolated.url): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 1000 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${base}/index.html?${query}`);
  await page.waitForFunction(() => 'playground' in window);
  return { page, errors };
}

const history = (page: Page) => page.evaluate(() => (window as any).playground.trainer.history as Epoch[]);
const trainerState = (page: Page) => page.evaluate(() => (window as any).playground.trainer.state as string);
const waitDone = (page: Page, timeout = 60_000) => page.waitForFunction(() => (window as any).playground.trainer.state === 'done', null, { timeout });
const boundaryPixels = (page: Page) => page.evaluate(() => (document.querySelector('canvas.boundary') as HTMLCanvasElement).toDataURL());

describe('playground in Chromium', { timeout: 240_000 }, () => {
  it('loads, and the 2-D mode trains spirals: the test loss falls and the boundary changes', async () => {
    const t0 = Date.now();
    const { page, errors } = await open('mode=2d&data=spirals&epochs=150&seed=3');
    await page.waitForFunction(() => document.querySelector('.figures')?.textContent?.includes('train /'));
    const loadMs = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { load: nav.loadEventEnd, ready: (window as any).pageLoadMs as number };
    });
    console.log(`# page load: load event ${loadMs.load.toFixed(0)} ms, app ready ${loadMs.ready.toFixed(0)} ms after navigation start (${Date.now() - t0} ms wall incl. browser)`);
    assert.match(await page.textContent('#env') ?? '', /Cross-origin isolated/);
    const before = await boundaryPixels(page);
    await page.click('button.primary');
    await waitDone(page);
    const h = await history(page);
    assert.equal(h.length, 150);
    assert.ok(h[149].testLoss < 0.7 * h[0].testLoss, `test loss ${h[0].testLoss} → ${h[149].testLoss}`);
    await page.waitForTimeout(100); // the last frame is drawn
    assert.notEqual(await boundaryPixels(page), before, 'the boundary canvas changed');
    const perf = await page.evaluate(() => ({ f: (window as any).frames.stats(), info: (window as any).playground.info }));
    const render = [...perf.info.renderMs].sort((a: number, b: number) => a - b);
    console.log(
      `# 2-D spirals: ${perf.info.threads} threads, ${perf.info.stepsPerSecond.toFixed(0)} steps/s (fit's steps), frame time p50 ${perf.f.p50.toFixed(1)} ms p95 ${perf.f.p95.toFixed(1)} ms over ${perf.f.frames} frames, ` +
        `redraw p50 ${render[Math.floor(render.length / 2)].toFixed(1)} ms p95 ${render[Math.floor(0.95 * render.length)].toFixed(1)} ms (${render.length} redraws), test accuracy ${h[149].testAccuracy}`,
    );
    assert.equal(await page.locator('.diagram button.node canvas').count(), 2 + 16 + 16 + 1, 'a node per input, hidden unit and output');
    await page.hover('#panel-2d canvas[aria-label="loss and accuracy curves"]', { position: { x: 400, y: 120 } }); // hover values
    await page.screenshot({ path: `${SHOTS}/2d-spirals.png`, fullPage: true });
    // export → the CLI's loader reads it → import into the page: the same test figures and the same boundary
    const trained = await boundaryPixels(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export model')]);
    const file = await download.path();
    const saved = await sn.loadModel(file);
    assert.equal(saved.architecture.inputWidth, 2);
    assert.equal(saved.architecture.loss, 'sigmoid_cross_entropy');
    saved.model.release();
    await page.setInputFiles('#import-2d', file);
    await page.waitForFunction(() => (window as any).playground.importedFigures !== null);
    const imported = await page.evaluate(() => (window as any).playground.importedFigures);
    assert.deepEqual(imported, { loss: h[149].testLoss, accuracy: h[149].testAccuracy });
    await page.waitForTimeout(100);
    assert.equal(await boundaryPixels(page), trained, 'the imported model draws the same boundary');
    assert.deepEqual(errors, []);
    await page.close();
  });

  // PG_THREADS=1 measures the same on one kernel thread (the results are the same bits on any count)
  it('the page stays responsive while training: frame times and steps per second over 5 s', async () => {
    const { page } = await open(`mode=2d&data=spirals&epochs=100000&seed=5${process.env.PG_THREADS ? '&threads=' + process.env.PG_THREADS : ''}`);
    await page.waitForFunction(() => document.querySelector('.figures')?.textContent?.includes('train /'));
    await page.click('button.primary');
    await page.waitForFunction(() => (window as any).playground.trainer.history.length >= 5);
    await page.evaluate(() => ((window as any).frames.reset(), ((window as any).playground.info.renderMs.length = 0)));
    const e0 = (await history(page)).length;
    await page.waitForTimeout(5000);
    const r = await page.evaluate(() => {
      const pg = (window as any).playground;
      return { f: (window as any).frames.stats(), info: pg.info, epochs: pg.trainer.history.length, steps: Math.ceil(pg.data.train.y.length / pg.state.run.batchSize) };
    });
    const render = [...r.info.renderMs].sort((a: number, b: number) => a - b);
    console.log(
      `# while training spirals for 5 s (${r.info.threads} threads): frame time p50 ${r.f.p50.toFixed(1)} ms, p95 ${r.f.p95.toFixed(1)} ms over ${r.f.frames} frames; ` +
        `redraw p50 ${render[Math.floor(render.length / 2)]?.toFixed(1)} ms p95 ${render[Math.floor(0.95 * render.length)]?.toFixed(1)} ms; ` +
        `${r.info.stepsPerSecond.toFixed(0)} steps/s in fit's steps; wall: ${((r.epochs - e0) / 5).toFixed(1)} epochs/s × ${r.steps} steps = ${(((r.epochs - e0) / 5) * r.steps).toFixed(0)} steps/s with evaluation, probes and messages`,
    );
    assert.ok(r.f.frames > 20, 'frames kept coming while training');
    await page.close();
  });

  it('the network diagram: a node per unit, edges that change while training, a value on focus and hover, a unit’s weights on click', async () => {
    const { page, errors } = await open('mode=2d&data=spirals&epochs=100000&seed=5&threads=2');
    await page.waitForFunction(() => document.querySelector('.figures')?.textContent?.includes('train /'));
    await page.click('button.primary');
    await page.waitForFunction(() => (window as any).playground.trainer.history.length >= 5 && (window as any).playground.diagram.edgeCodes[0] !== 255);
    // each edge's colour and thickness (one code: sign and level of |w|), and the edges' pixels
    const edges = () => page.evaluate(() => ({ codes: Array.from((window as any).playground.diagram.edgeCodes as Uint8Array), pixels: (document.querySelector('.diagram canvas.edges') as HTMLCanvasElement).toDataURL() }));
    const first = await edges();
    assert.equal(first.codes.length, 2 * 16 + 16 * 16 + 16, 'an edge per weight');
    assert.equal(await page.locator('.diagram button.node').count(), 2 + 16 + 16 + 1);
    // a unit selected from the keyboard while it trains (its tooltip and weight list redrawn too): Tab from the curves reaches the first node, arrows move
    await page.focus('#panel-2d canvas[aria-label="loss and accuracy curves"]');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'input x');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'layer 1, unit 2 (relu)');
    await page.keyboard.press('Enter');
    await page.evaluate(() => ((window as any).frames.reset(), ((window as any).playground.info.renderMs.length = 0)));
    await page.waitForTimeout(5000);
    const r = await page.evaluate(() => ({ f: (window as any).frames.stats(), info: (window as any).playground.info }));
    const render = [...r.info.renderMs].sort((a: number, b: number) => a - b);
    console.log(
      `# network diagram while training spirals for 5 s (${r.info.threads} threads, a unit selected): frame time p50 ${r.f.p50.toFixed(1)} ms, p95 ${r.f.p95.toFixed(1)} ms over ${r.f.frames} frames; ` +
        `redraw p50 ${render[Math.floor(render.length / 2)]?.toFixed(1)} ms p95 ${render[Math.floor(0.95 * render.length)]?.toFixed(1)} ms (${render.length} redraws)`,
    );
    const later = await edges();
    assert.notDeepEqual(later.codes, first.codes, 'the edges changed as it learned');
    assert.notEqual(later.pixels, first.pixels, 'and were redrawn');
    // keyboard focus shows the node's value in the tooltip the node is described by
    const tip = page.locator('#diagram-tip');
    assert.match((await tip.textContent()) ?? '', /^layer 1, unit 2 \(relu\): bias −?\d+\.\d{3}, output over the plane −?\d+\.\d{3} to −?\d+\.\d{3}; 2 incoming weights$/);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-describedby')), 'diagram-tip');
    // Enter selected it: its incoming weights and bias, the model's own numbers once paused
    await page.evaluate(() => (document.activeElement as HTMLElement).blur());
    await page.keyboard.press('Space');
    await page.waitForFunction(() => (window as any).playground.trainer.state === 'paused');
    await page.waitForTimeout(100);
    const shown = async () => (await page.locator('.diagram-detail tbody td:nth-child(2)').allTextContents()).map((t) => Number(t.replace('−', '-')));
    const w = await page.evaluate(() => Array.from((window as any).playground.probe.weights as Float32Array));
    assert.equal(await page.textContent('.diagram-detail caption'), 'layer 1, unit 2 (relu): incoming weights');
    assert.deepEqual(await shown(), [w[1], w[16 + 1], w[32 + 1]].map((v) => Number(v.toFixed(3))), 'W[x, 2], W[y, 2], b[2]');
    // a click on a unit of layer 2 lists its 16 incoming weights and its bias
    await page.click('.diagram button.node[aria-label="layer 2, unit 5 (relu)"]');
    assert.equal(await page.getAttribute('.diagram button.node[aria-label="layer 2, unit 5 (relu)"]', 'aria-pressed'), 'true');
    const at = 2 * 16 + 16; // layer 2's W [16, 16] starts after layer 1's W and b
    assert.deepEqual(await shown(), [...Array.from({ length: 16 }, (_, i) => w[at + i * 16 + 4]), w[at + 256 + 4]].map((v) => Number(v.toFixed(3))));
    // hovering an edge shows its weight: the middle of layer 2 unit 16 → output
    const from = (await page.locator('.diagram button.node[aria-label="layer 2, unit 16 (relu)"]').boundingBox())!;
    const to = (await page.locator('.diagram button.node[aria-label="output: P(class 1)"]').boundingBox())!;
    await page.mouse.move((from.x + from.width + to.x) / 2, (from.y + to.y + to.height) / 2);
    assert.equal(await tip.textContent(), `weight layer 2 unit 16 → output 1: ${w[at + 256 + 16 + 15].toFixed(3).replace('-', '−')}`);
    await page.locator('#panel-2d .diagram-wrap').screenshot({ path: `${SHOTS}/2d-network-diagram.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("each option's about text shows its doc line, its formula and a link to its section of docs/theory.md, as its hint gives them", async () => {
    const { page, errors } = await open('mode=2d&data=moons&seed=1');
    await page.waitForFunction(() => document.querySelector('.figures')?.textContent?.includes('train /'));
    const hinted = sn.RUN_OPTIONS.filter((o) => o.playground && (o.playground.modes ?? ['2d']).includes('2d') && (o.playground.formula || o.playground.theory));
    assert.ok(hinted.length >= 10, `${hinted.length} options with a formula or a section`);
    for (const o of hinted) {
      const help = page.locator(`#${o.key}-2d-help`);
      assert.ok((await help.textContent())!.includes(o.doc), `${o.key}: its doc line`);
      if (o.playground!.formula) assert.equal(await help.locator('code').textContent(), o.playground!.formula, `${o.key}: its formula`);
      if (o.playground!.theory) assert.ok((await help.locator('a').getAttribute('href'))!.endsWith(`/docs/theory.md#${o.playground!.theory}`), `${o.key}: its section`);
    }
    // one opened, as a learner sees it
    const training = page.locator('#panel-2d fieldset', { has: page.locator('#optimizer-2d') });
    await page.click('#optimizer-2d-help summary');
    assert.match((await page.textContent('#optimizer-2d-help a')) ?? '', /^theory § 7$/);
    await training.screenshot({ path: `${SHOTS}/2d-about-optimizer.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('prefers-reduced-motion: the boundary is redrawn at most twice a second while training', async () => {
    const page = await browser.context.newPage();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${isolated.url}/index.html?mode=2d&data=moons&epochs=100000&seed=5`);
    await page.waitForFunction(() => document.querySelector('.figures')?.textContent?.includes('train /'));
    await page.click('button.primary');
    await page.waitForFunction(() => (window as any).playground.trainer.history.length >= 5);
    await page.evaluate(() => ((window as any).playground.info.renderMs.length = 0));
    await page.waitForTimeout(3000);
    const redraws = await page.evaluate(() => (window as any).playground.info.renderMs.length);
    assert.ok(redraws <= 8, `${redraws} redraws in 3 s`);
    await page.close();
  });

  it('the same URL loaded twice gives the same loss values', async () => {
    const url = 'mode=2d&data=clusters&k=4&epochs=25&seed=11&opt=rmsprop&lr=0.005&drop=0.1&bn=1&layers=12:tanh,8:relu';
    const runs: Epoch[][] = [];
    for (let i = 0; i < 2; i++) {
      const { page } = await open(url);
      await page.waitForFunction(() => document.querySelector('.figures')?.textContent?.includes('train /'));
      await page.click('button.primary');
      await waitDone(page);
      runs.push(await history(page));
      if (i === 1) await page.screenshot({ path: `${SHOTS}/2d-clusters.png`, fullPage: true });
      await page.close();
    }
    assert.equal(runs[0].length, 25);
    assert.deepEqual(runs[1].map((e) => [e.loss, e.testLoss]), runs[0].map((e) => [e.loss, e.testLoss]));
  });

  it('keyboard only: Space starts and pauses, S steps one epoch', async () => {
    const { page } = await open('mode=2d&data=moons&epochs=5000&seed=2');
    await page.waitForFunction(() => document.querySelector('.figures')?.textContent?.includes('train /'));
    await page.keyboard.press('Space');
    await page.waitForFunction(() => (window as any).playground.trainer.history.length >= 3);
    assert.equal(await trainerState(page), 'running');
    await page.keyboard.press('Space');
    await page.waitForFunction(() => (window as any).playground.trainer.state === 'paused');
    const n = (await history(page)).length;
    await page.waitForTimeout(300);
    assert.equal((await history(page)).length, n, 'no epoch while paused');
    // a new learning rate reaches the paused run: the next epoch trains with it
    await page.fill('#lr-2d', '0.0025');
    await page.keyboard.press('Tab'); // change event
    await page.evaluate(() => (document.activeElement as HTMLElement).blur());
    await page.keyboard.press('s');
    await page.waitForFunction((k) => (window as any).playground.trainer.history.length === k + 1 && (window as any).playground.trainer.state === 'paused', n);
    assert.equal((await history(page)).at(-1)!.lr, 0.0025);
    // the Start button is reachable with Tab and works with Enter
    const focused = await page.evaluate(() => {
      (document.querySelector('button.primary') as HTMLButtonElement).focus();
      return document.activeElement?.textContent;
    });
    assert.equal(focused, 'Resume');
    await page.keyboard.press('Enter');
    await page.waitForFunction((k) => (window as any).playground.trainer.history.length > k + 2, n);
    await page.waitForFunction(() => /Epoch \d+: train loss/.test(document.getElementById('announce')!.textContent ?? ''));
    // the curves from the keyboard: Home, then one epoch right; the values are announced
    await page.focus('#panel-2d canvas[aria-label="loss and accuracy curves"]');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => /^epoch 2, train loss: \d/.test(document.getElementById('announce')!.textContent ?? ''));
    // points from the keyboard: a class key, arrows move the cross-hair on the plot, Enter adds
    await page.focus('canvas.boundary');
    await page.keyboard.press('2');
    for (const k of ['ArrowUp', 'ArrowUp', 'ArrowRight', 'Enter', 'Shift+ArrowLeft', 'Enter']) await page.keyboard.press(k);
    const pts = await page.evaluate(() => (window as any).playground.state.points as number[][]);
    assert.equal(pts.length, 2);
    assert.deepEqual(pts.map((p) => p[2]), [2, 2]);
    assert.ok(pts[1][0] < pts[0][0] && pts[0][1] > 0, `points ${JSON.stringify(pts)}`);
    assert.match(page.url(), /data=custom&.*pts=/);
    await page.close();
  });

  /** Trains the page's run of `query` to the end, then runs its "CLI command": both test figures must be the same bits. */
  async function cliReplay(query: string, figures: string): Promise<string> {
    const { page, errors } = await open(query);
    await page.waitForFunction((f) => document.querySelector('.figures')?.textContent?.includes(f), figures);
    await page.click('button.primary');
    await waitDone(page);
    const last = (await history(page)).at(-1)!;
    await page.click('text=CLI command');
    const command = (await page.textContent('code.cmd'))!;
    assert.match((await page.textContent('#panel-2d p.note:not([hidden])')) ?? '', /The same run/);
    const args = command.split(' ').slice(2);
    const out = execFileSync(process.execPath, [fileURLToPath(new URL('../../bin/scratchnet.js', import.meta.url)), ...args, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const cli = JSON.parse(out.trim().split('\n').at(-1)!);
    console.log(`# CLI replay: ${command} → test loss ${cli.testLoss} (page ${last.testLoss}), accuracy ${cli.testAccuracy} (page ${last.testAccuracy})`);
    assert.equal(cli.testLoss, last.testLoss);
    assert.equal(cli.testAccuracy, last.testAccuracy);
    assert.deepEqual(errors, []);
    await page.close();
    return command;
  }

  it('the page’s CLI command trains the same run: scratchnet train prints the page’s test loss bit for bit', async () => {
    const command = await cliReplay('mode=2d&data=moons&epochs=12&seed=4&layers=16,16&sched=cosine&drop=0.1', '800 train / 200 test');
    // the core writes the flags (in its schema's order)
    assert.match(command, /^npx scratchnet train --dataset moons /);
    for (const flag of ['--layers 16,16', '--schedule cosine', '--epochs 12', '--seed 4', '--val-split 0', '--dropout 0.1']) assert.ok(` ${command} `.includes(` ${flag} `), `${flag} in ${command}`);
    // every option the page shows reaches the command: per-layer activations, init, batch and layer norm, no standardisation, L2, weight decay
    const all = await cliReplay('mode=2d&data=clusters&epochs=6&seed=7&layers=12:tanh,8&init=glorot_normal&opt=rmsprop&lr=0.005&bn=1&ln=1&std=0&wd=0.001&l2=0.0001&sched=step', '3 classes');
    for (const flag of ['--activation tanh,relu', '--init glorot_normal', '--batch-norm', '--layer-norm', '--no-standardize']) assert.ok(` ${all} `.includes(` ${flag} `), `${flag} in ${all}`);
  });

  it('CSV points of 3 classes train a softmax; the points travel in the URL', async () => {
    const { page, errors } = await open('mode=2d&data=spirals&epochs=40&seed=6&layers=8');
    await page.waitForFunction(() => document.querySelector('.figures')?.textContent?.includes('train /'));
    const rows = ['x,y,class'];
    for (let i = 0; i < 60; i++) rows.push(`${((i % 3) - 1 + 0.1 * Math.sin(i)).toFixed(3)},${(0.1 * Math.cos(i * 1.7)).toFixed(3)},${i % 3}`);
    await page.fill('textarea[aria-label="CSV points"]', rows.join('\n'));
    await page.click('text=Use CSV');
    await page.waitForFunction(() => document.querySelector('.figures')?.textContent?.includes('3 classes'));
    assert.match(page.url(), /data=custom&.*pts=/);
    await page.click('button.primary');
    await waitDone(page);
    const h = await history(page);
    assert.ok(h[39].testAccuracy > 0.9, `test accuracy ${h[39].testAccuracy}`);
    assert.equal(await page.evaluate(() => (window as any).playground.state.points.length), 60);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('digit pad: a drawn 7 and a drawn 1 are read by the shipped model', async () => {
    const { page, errors } = await open('mode=digits');
    await page.waitForFunction(() => 'digits' in window);
    await page.evaluate(() => (window as any).digits.ready);
    assert.match((await page.textContent('#panel-digits')) ?? '', /KiB, 235,146 parameters.*test accuracy 98\.\d\d%.*first layer standardises/);
    const box = (await page.locator('canvas.pad').boundingBox())!;
    const stroke = async (points: [number, number][]) => {
      await page.mouse.move(box.x + points[0][0] * box.width, box.y + points[0][1] * box.height);
      await page.mouse.down();
      for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 8 });
      await page.mouse.up();
    };
    const top = async () => {
      await page.waitForTimeout(100);
      const p = (await page.evaluate(() => (window as any).digits.predictions())) as number[];
      const order = p.map((v, d) => [v, d]).sort((a, b) => b[0] - a[0]);
      return order.slice(0, 3).map(([v, d]) => `${d} ${(v * 100).toFixed(1)}%`);
    };
    await stroke([[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]]);
    const seven = await top();
    await page.screenshot({ path: `${SHOTS}/digits-7.png`, fullPage: true });
    await page.click('#panel-digits button.primary');
    await stroke([[0.5, 0.15], [0.5, 0.85]]);
    const one = await top();
    await page.screenshot({ path: `${SHOTS}/digits-1.png`, fullPage: true });
    console.log(`# digit pad: 7 stroke → ${seven.join(', ')}; 1 stroke → ${one.join(', ')}`);
    assert.equal(seven[0].split(' ')[0], '7');
    assert.equal(one[0].split(' ')[0], '1');
    assert.match((await page.textContent('#announce')) ?? '', /^Looks like a 1 \(\d+%\)$/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('compare mode: adam vs sgd finish with two curves and a table', async () => {
    const { page, errors } = await open('mode=compare&data=moons&epochs=30&seed=4&cmp=optimizer:adam|sgd');
    await page.waitForSelector('#panel-compare button.primary');
    await page.click('#panel-compare button.primary');
    await page.waitForFunction(() => document.getElementById('panel-compare')!.dataset.done === 'true', null, { timeout: 60_000 });
    const lens = await page.evaluate(() => (window as any).compare.trainers().map((t: any) => t.history.length));
    assert.deepEqual(lens, [30, 30]);
    const rows = await page.locator('#panel-compare table tr').count();
    assert.equal(rows, 3);
    await page.screenshot({ path: `${SHOTS}/compare.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('image mode: MNIST and Fashion-MNIST subsets train in the page; curves, weights, confusion matrix, misclassified gallery', async () => {
    for (const [name, min] of [['mnist', 0.85], ['fashion-mnist', 0.7]] as const) {
      if (!existsSync(`${APP}/data/${name}/train-images.idx`)) {
        console.log(`# image mode ${name}: skipped, build:web found no ${name} files`);
        continue;
      }
      const epochs = name === 'mnist' ? 6 : 3;
      const { page, errors } = await open(`mode=images&idata=${name}&iepochs=${epochs}&ilayers=64&iseed=2`);
      await page.waitForSelector('#panel-images button.primary');
      await page.click('#panel-images button.primary');
      if (name === 'mnist') {
        // pause (after the running epoch), step one epoch, resume
        const count = () => page.evaluate(() => (window as any).images.trainer.history.length as number);
        await page.waitForFunction(() => (window as any).images.trainer.state === 'running');
        await page.click('#panel-images button:text("Pause")');
        await page.waitForFunction(() => (window as any).images.trainer.state === 'paused', null, { timeout: 60_000 });
        const n = await count();
        assert.ok(n < epochs, `paused after epoch ${n}`);
        await page.click('#panel-images button:text("Step (1 epoch)")');
        await page.waitForFunction((k) => (window as any).images.trainer.state === 'paused' && (window as any).images.trainer.history.length === k + 1, n, { timeout: 60_000 });
        await page.click('#panel-images button:text("Resume")');
      }
      await page.waitForFunction(() => document.getElementById('panel-images')!.dataset.done === 'true', null, { timeout: 90_000 });
      const h = (await page.evaluate(() => (window as any).images.trainer.history)) as Epoch[];
      assert.equal(h.length, epochs);
      assert.ok(h[epochs - 1].testAccuracy > min, `${name} test accuracy ${h[epochs - 1].testAccuracy}`);
      console.log(`# image mode ${name} (10000/2000 subset, 784-64-10, ${epochs} epochs): test accuracy ${h[epochs - 1].testAccuracy}`);
      await page.waitForTimeout(100);
      assert.equal(await page.locator('#panel-images table.confusion tr').count(), 11);
      assert.equal(await page.locator('#panel-images .gallery canvas[title]').count(), 32, 'first-layer weights of 32 units');
      assert.ok((await page.locator('#panel-images figure').count()) > 0, 'misclassified test images');
      await page.screenshot({ path: `${SHOTS}/images-${name}.png`, fullPage: true });
      if (name === 'mnist') {
        await page.click('text=Use in the digit pad');
        await page.waitForFunction(() => /the model trained in the page: \d+ KiB/.test(document.getElementById('panel-digits')!.textContent ?? ''));
      }
      assert.deepEqual(errors, []);
      await page.close();
    }
  });

  it('the Vite dev server (npm run web) serves the app cross-origin isolated, and it trains on the threads', async () => {
    const { createServer } = await import('vite');
    const dev = await createServer({ configFile: fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url)), logLevel: 'silent', server: { host: '127.0.0.1', port: 0 } });
    await dev.listen();
    try {
      const base = dev.resolvedUrls!.local[0].replace(/\/$/, '');
      const { page, errors } = await open('mode=2d&data=moons&epochs=20&seed=9', base);
      assert.match((await page.textContent('#env')) ?? '', /Cross-origin isolated/);
      await page.waitForFunction(() => document.querySelector('.figures')?.textContent?.includes('train /'));
      await page.click('button.primary');
      await waitDone(page);
      const [threads, cores] = await page.evaluate(() => [(window as any).playground.info.threads, navigator.hardwareConcurrency]);
      assert.equal(threads, Math.min(cores, 64), 'all cores in dev mode');
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      await dev.close();
    }
  });

  it('without COOP/COEP and without its service worker (?nosw) the page says so and trains on one thread', async () => {
    const { page } = await open('mode=2d&data=xor&epochs=10&nosw', plain.url);
    assert.match((await page.textContent('#env')) ?? '', /not cross-origin isolated.*one thread/);
    await page.waitForFunction(() => document.querySelector('.figures')?.textContent?.includes('train /'));
    await page.click('button.primary');
    await waitDone(page);
    assert.equal(await page.evaluate(() => (window as any).playground.info.threads), 1);
    await page.close();
  });

  it('on a host without COOP/COEP its service worker makes it isolated (threads), and it works offline once loaded', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${plain.url}/index.html?mode=2d&data=xor&epochs=10`);
    // the first visit registers sw.js and reloads once, now under it
    await page.waitForFunction(() => crossOriginIsolated && 'playground' in window, null, { timeout: 30_000 });
    assert.match((await page.textContent('#env')) ?? '', /through the page’s service worker/);
    await page.click('button.primary');
    await waitDone(page);
    const [threads, cores] = await page.evaluate(() => [(window as any).playground.info.threads, navigator.hardwareConcurrency]);
    assert.equal(threads, Math.min(cores, 64), 'all cores');
    // the page warms the cache with the other modes and the shipped model once it is under its worker
    await page.waitForFunction(async () => (await caches.match('models/mnist.safetensors')) !== undefined, null, { timeout: 30_000, polling: 250 });
    await page.context().setOffline(true);
    try {
      await page.reload();
      await page.waitForFunction(() => 'playground' in window, null, { timeout: 30_000 });
      await page.click('button.primary');
      await waitDone(page);
      const done = await history(page);
      assert.equal(done.length, 10, 'trained offline');
      await page.click('#tab-digits');
      await page.waitForFunction(() => document.getElementById('panel-digits')?.textContent?.includes('235,146 parameters'), null, { timeout: 30_000 });
    } finally {
      await page.context().setOffline(false);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });
});
