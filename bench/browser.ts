/**
 * `npm run bench:browser`: the reference MNIST epoch (784-256-128-10 ReLU, batch 128, Adam 1e-3, fp32)
 * in headless Chromium — scratchnet's browser entry on 1 and 2 threads against TensorFlow.js 4.22
 * (wasm with SIMD and threads in the cross-origin isolated page, webgl — software GL here, since
 * the browser runs with --disable-gpu — and cpu), each in its own worker, all in one run, plus
 * scratchnet's own Node epoch in a child process for the browser/Node ratio. Contenders take turns
 * round by round; medians over every repeat.
 *
 *   npm run bench:browser -- [--repeats 3] [--rounds 1] [--slow-images 2560] [--only a,b] [--json] [--save FILE]
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../tools/chromium.js';
import { serveStatic } from '../tools/static-server.js';
import { stats } from './lib/common.js';
import { runChild } from './lib/run-child.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? fallback : argv[i + 1];
};
const positive = (name: string, fallback: number) => {
  const v = Number(flag(name, String(fallback)));
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: expected a positive integer, found ${flag(name, '')}`);
  return v;
};
const repeats = positive('repeats', 3);
const rounds = positive('rounds', 1);
const slowImages = positive('slow-images', 2560);
const json = argv.includes('--json');
const save = flag('save', '');

interface Contender {
  id: string;
  /** The browser worker and its options, or the Node child. */
  run: 'browser' | 'node';
  opts?: Record<string, unknown>;
}

const CONTENDERS: Contender[] = [
  { id: 'scratchnet-browser-1t', run: 'browser', opts: { worker: 'scratchnet', threads: 1, trainImages: 60000, warmupBatches: 100 } },
  { id: 'scratchnet-browser-2t', run: 'browser', opts: { worker: 'scratchnet', threads: 2, trainImages: 60000, warmupBatches: 100 } },
  { id: 'scratchnet-node-2t', run: 'node' },
  { id: 'tfjs-wasm', run: 'browser', opts: { worker: 'tfjs', backend: 'wasm', trainImages: 60000, warmupBatches: 100 } },
  { id: 'tfjs-webgl', run: 'browser', opts: { worker: 'tfjs', backend: 'webgl', trainImages: slowImages, warmupBatches: 5 } },
  { id: 'tfjs-cpu', run: 'browser', opts: { worker: 'tfjs', backend: 'cpu', trainImages: slowImages, warmupBatches: 5 } },
];
const only = flag('only', '');
const chosen = only ? CONTENDERS.filter((c) => only.split(',').includes(c.id)) : CONTENDERS;

interface Outcome {
  id: string;
  status: 'ok' | 'failed';
  epochSeconds: number[];
  testAccuracy: number[];
  trainedImages?: number;
  info?: Record<string, unknown>;
  reason?: string;
}

const say = (m: string) => process.stderr.write(`${m}\n`);

async function main(): Promise<void> {
  const server = await serveStatic(ROOT);
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/bench/browser/index.html`);
  const version = await browser.context.browser()?.version();
  const results = new Map<string, Outcome>(chosen.map((c) => [c.id, { id: c.id, status: 'ok', epochSeconds: [], testAccuracy: [] }]));
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const c of chosen) {
        const out = results.get(c.id)!;
        if (out.status === 'failed') continue;
        say(`round ${round}/${rounds}: ${c.id} (${repeats} repeats)…`);
        if (c.run === 'node') {
          const r = await runChild({
            command: process.execPath,
            args: ['--import', 'tsx', 'bench/lib/scratchnet-child.ts', '--repeats', String(repeats), '--inference-repeats', '1'],
            cwd: ROOT,
            env: { ...process.env, SCRATCHNET_THREADS: '2' },
            timeoutSeconds: 600,
            prefix: `  [${c.id}] `,
            echo: !json,
          });
          if (r.status !== 'ok') Object.assign(out, { status: 'failed', reason: r.reason });
          else {
            out.epochSeconds.push(...r.result.epochSeconds);
            out.testAccuracy.push(...r.result.testAccuracy);
            out.trainedImages = r.result.trainedImages;
            out.info = r.result.info;
          }
        } else {
          const r = (await page.evaluate((o) => (window as unknown as { runContender(o: unknown): Promise<unknown> }).runContender(o), { ...c.opts, repeats })) as {
            ok: boolean;
            error?: string;
            epochSeconds: number[];
            testAccuracy: number[];
            trainedImages: number;
            info: Record<string, unknown>;
          };
          if (!r.ok) Object.assign(out, { status: 'failed', reason: r.error?.split('\n').slice(0, 3).join(' ') });
          else {
            out.epochSeconds.push(...r.epochSeconds);
            out.testAccuracy.push(...r.testAccuracy);
            out.trainedImages = r.trainedImages;
            out.info = r.info;
          }
        }
        say(out.status === 'ok' ? `  ${c.id}: ${out.epochSeconds.map((s) => s.toFixed(3)).join(', ')} s/epoch` : `  ${c.id}: failed (${out.reason})`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  report([...results.values()], version ?? 'unknown');
}

function report(outs: Outcome[], chromium: string): void {
  const med = (id: string) => {
    const o = outs.find((x) => x.id === id && x.status === 'ok' && x.epochSeconds.length > 0);
    return o ? stats(o.epochSeconds).median : NaN;
  };
  const sn2 = med('scratchnet-browser-2t');
  const snBest = Math.min(med('scratchnet-browser-1t'), sn2);
  const tfjs = outs.filter((o) => o.id.startsWith('tfjs-') && o.status === 'ok' && o.epochSeconds.length > 0);
  const fastestTf = tfjs.length ? tfjs.reduce((a, b) => (med(a.id) <= med(b.id) ? a : b)) : undefined;
  const summary = {
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, chromium },
    repeats,
    rounds,
    contenders: outs.map((o) => ({
      ...o,
      median: o.status === 'ok' && o.epochSeconds.length ? stats(o.epochSeconds).median : null,
      extrapolatedFrom: o.trainedImages !== undefined && o.trainedImages < 60000 ? o.trainedImages : undefined,
    })),
    ratios: {
      fastestTfjs: fastestTf?.id ?? null,
      fastestTfjsOverScratchnet: fastestTf ? med(fastestTf.id) / snBest : null,
      browser2tOverNode2t: sn2 / med('scratchnet-node-2t'),
    },
  };
  if (save) writeFileSync(save, `${JSON.stringify(summary, null, 2)}\n`);
  if (json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const lines = [
    `Chromium ${chromium}, ${summary.machine.cpus} × ${summary.machine.cpu}, Node ${process.version}; ${rounds} round(s) × ${repeats} repeats`,
    '',
    '| contender | s/epoch (median) | min – max | test accuracy | notes |',
    '|---|---|---|---|---|',
  ];
  for (const c of summary.contenders) {
    if (c.status !== 'ok' || c.median === null) {
      lines.push(`| ${c.id} | — | — | — | did not run: ${c.reason} |`);
      continue;
    }
    const s = stats(c.epochSeconds);
    const acc = stats(c.testAccuracy);
    const info = c.info ?? {};
    const notes = [
      info.threads !== undefined ? `${String(info.threads)} thread(s)` : '',
      info.simd !== undefined ? `simd ${String(info.simd)}, multithread ${String(info.multithread)}` : '',
      info.relaxedSimd !== undefined ? `relaxed SIMD ${String(info.relaxedSimd)}` : '',
      c.extrapolatedFrom ? `extrapolated from ${c.extrapolatedFrom} images` : '',
    ].filter(Boolean);
    lines.push(`| ${c.id} | ${s.median.toFixed(3)} | ${s.min.toFixed(3)} – ${s.max.toFixed(3)} | ${(100 * acc.median).toFixed(2)}% | ${notes.join('; ')} |`);
  }
  const r = summary.ratios;
  lines.push(
    '',
    r.fastestTfjsOverScratchnet !== null
      ? `fastest TF.js backend in the browser: ${r.fastestTfjs}, ${r.fastestTfjsOverScratchnet.toFixed(1)}× slower than scratchnet's best browser epoch (goal ≥ 15×)`
      : 'no TF.js backend ran',
    `scratchnet in Chromium (2 threads) / in Node (2 threads): ${r.browser2tOverNode2t.toFixed(3)}× (goal ≤ 1.15×)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((e: unknown) => {
  say(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
