// The playground (web/dist) on a phone and under axe-core: Chromium's mobile emulation (390×844
// CSS px, 3× pixels, touch) shows each mode no wider than the screen with every control on it, a
// digit drawn with a finger (touch events through the DevTools protocol, which Chromium turns into
// pointer events) is read by the shipped model, and axe-core finds no serious or critical
// violation in any mode. Screenshots go to test/e2e/screenshots/mobile-*.png.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../tools/chromium.js';
import { serveStatic, type StaticServer } from '../../tools/static-server.js';

const APP = fileURLToPath(new URL('../../web/dist', import.meta.url));
const SHOTS = fileURLToPath(new URL('./screenshots', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };

let browser: Browser;
let server: StaticServer;
let phone: BrowserContext;
let desktop: BrowserContext;

before(async () => {
  if (!existsSync(`${APP}/index.html`)) throw new Error('web/dist is missing: run npm run build:web first');
  mkdirSync(SHOTS, { recursive: true });
  [browser, server] = await Promise.all([launchBrowser(), serveStatic(APP)]);
  [phone, desktop] = await Promise.all([browser.newContext(PHONE), browser.newContext({ viewport: { width: 1280, height: 1000 } })]);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(context: BrowserContext, query: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${server.url}/index.html?${query}`);
  await page.waitForFunction(() => 'playground' in window);
  return { page, errors };
}

/** Each mode's page, loaded and ready to be looked at. */
const MODES: { name: string; query: string; ready: (page: Page) => Promise<unknown> }[] = [
  { name: '2d', query: 'mode=2d&data=spirals&epochs=5&seed=3', ready: (p) => p.waitForFunction(() => document.querySelector('.figures')?.textContent?.includes('train /')) },
  { name: 'digits', query: 'mode=digits', ready: (p) => p.waitForFunction(() => 'digits' in window && /parameters/.test(document.getElementById('panel-digits')!.textContent ?? '')) },
  { name: 'compare', query: 'mode=compare&data=moons&epochs=3&seed=4&cmp=optimizer:adam|sgd', ready: (p) => p.waitForSelector('#panel-compare button.primary') },
  { name: 'images', query: 'mode=images&idata=mnist&iepochs=1&ilayers=16&iseed=2', ready: (p) => p.waitForSelector('#panel-images button.primary') },
];

/** Trains the mode's short run to its end, so that its results (curves, tables, galleries) are on the page too. */
async function train(page: Page, mode: string): Promise<void> {
  if (mode === 'digits') return;
  const panel = `#panel-${mode}`;
  await page.click(`${panel} button.primary`);
  if (mode === '2d') await page.waitForFunction(() => (window as any).playground.trainer.state === 'done', null, { timeout: 60_000 });
  else await page.waitForFunction((p) => document.querySelector<HTMLElement>(p)!.dataset.done === 'true', panel, { timeout: 90_000 });
  await page.waitForTimeout(100);
}

/** The outermost elements reaching past the screen's edges (not those in a box that scrolls): `tag.class#id left..right`. */
const overflowing = (page: Page) =>
  page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    return [...document.querySelectorAll('main *, header *')]
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .map((e) => [e, e.getBoundingClientRect()] as const)
      .filter(([, r]) => r.width > 0 && (r.left < -0.5 || r.right > w + 0.5))
      .filter(([e]) => {
        for (let a = e.parentElement; a; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return false; // scrolls inside its box
        return true;
      })
      .filter(([e], _, all) => !all.some(([o]) => o === e.parentElement)) // the outermost of each
      .map(([e, r]) => `${e.tagName.toLowerCase()}${e.className ? '.' + String(e.className).replace(/ /g, '.') : ''}${e.id ? '#' + e.id : ''} ${r.left.toFixed(0)}..${r.right.toFixed(0)}`);
  });

describe('playground on a phone (390 px, touch) and under axe-core', { timeout: 300_000 }, () => {
  for (const mode of MODES) {
    it(`${mode.name}: no wider than a 390-px screen, every control on it`, async (t) => {
      if (mode.name === 'images' && !existsSync(`${APP}/data/mnist/train-images.idx`)) return t.skip('build:web found no MNIST files');
      const { page, errors } = await open(phone, mode.query);
      await mode.ready(page);
      await train(page, mode.name);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      console.log(`# ${mode.name} at 390 px: scrollWidth ${scrollWidth}`);
      assert.deepEqual(await overflowing(page), [], 'elements past the right edge');
      assert.ok(scrollWidth <= 390, `document ${scrollWidth} px wide`);
      await page.screenshot({ path: `${SHOTS}/mobile-${mode.name}.png`, fullPage: true });
      if (mode.name === '2d') await page.locator('#panel-2d canvas[aria-label="loss and accuracy curves"]').screenshot({ path: `${SHOTS}/mobile-2d-curves.png` }); // its text as large as the page's
      assert.deepEqual(errors, []);
      await page.close();
    });
  }

  it('digit pad: a 7 and a 1 drawn with a finger (touch events) are read by the shipped model', async () => {
    const { page, errors } = await open(phone, 'mode=digits');
    await MODES[1].ready(page);
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('canvas.pad')!).touchAction), 'none');
    const cdp = await phone.newCDPSession(page);
    const pad = page.locator('canvas.pad');
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `the pad lies on the screen: ${box.x}..${box.x + box.width}`);
    /** One finger along the polyline (fractions of the pad), 10 touch moves per segment, one a frame. */
    const stroke = async (points: [number, number][]) => {
      const at = ([fx, fy]: [number, number]) => [{ x: box.x + fx * box.width, y: box.y + fy * box.height, id: 1, radiusX: 4, radiusY: 4, force: 1 }];
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(points[0]) });
      for (let i = 1; i < points.length; i++)
        for (let s = 1; s <= 10; s++) {
          const [a, b] = [points[i - 1], points[i]];
          await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at([a[0] + ((b[0] - a[0]) * s) / 10, a[1] + ((b[1] - a[1]) * s) / 10]) });
          await page.waitForTimeout(16); // a finger's pace, one move a frame
        }
      // the finger rests before it lifts: lifted while moving fast, Chromium starts a fling, and the
      // next tap only stops the fling (no click: the Clear tap below would be lost)
      await page.waitForTimeout(150);
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
      await page.waitForTimeout(100);
      const p = (await page.evaluate(() => (window as any).digits.predictions())) as number[];
      return p.map((v, d) => [v, d]).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([v, d]) => `${d} ${(v * 100).toFixed(1)}%`);
    };
    const scrollY = await page.evaluate(() => window.scrollY);
    const seven = await stroke([[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]]);
    await page.screenshot({ path: `${SHOTS}/mobile-digits-7.png`, fullPage: true });
    await page.tap('#panel-digits button.primary'); // Clear
    const one = await stroke([[0.5, 0.15], [0.5, 0.85]]);
    await page.screenshot({ path: `${SHOTS}/mobile-digits-1.png`, fullPage: true });
    console.log(`# digit pad by touch at 390 px: 7 stroke → ${seven.join(', ')}; 1 stroke → ${one.join(', ')}`);
    assert.equal(seven[0].split(' ')[0], '7');
    assert.equal(one[0].split(' ')[0], '1');
    assert.equal(await page.evaluate(() => window.scrollY), scrollY, 'drawing did not scroll the page');
    assert.deepEqual(errors, []);
    await page.close();
  });

  for (const [device, context] of [['desktop', () => desktop], ['phone', () => phone]] as const) {
    it(`axe-core (${device}): no serious or critical violation in any mode, before and after a run`, async () => {
      const serious: string[] = [];
      for (const mode of MODES) {
        if (mode.name === 'images' && !existsSync(`${APP}/data/mnist/train-images.idx`)) continue;
        const { page } = await open(context(), mode.query);
        await mode.ready(page);
        await page.addScriptTag({ path: AXE });
        const check = async (when: string) => {
          const found = (await page.evaluate(async () => (await (window as any).axe.run(document, { resultTypes: ['violations'] })).violations)) as {
            id: string;
            impact: string;
            nodes: { target: string[] }[];
          }[];
          const lines = found.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
          console.log(`# axe-core, ${device}, ${mode.name} ${when}: ${found.length} violations${lines.length ? '\n#   ' + lines.join('\n#   ') : ''}`);
          serious.push(...lines.filter((l) => /^(serious|critical) /.test(l)).map((l) => `${mode.name} ${when}: ${l}`));
        };
        await check('loaded');
        await train(page, mode.name);
        await check('after a run');
        await page.close();
      }
      assert.deepEqual(serious, []);
    });
  }
});
