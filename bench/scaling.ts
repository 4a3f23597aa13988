// How scratchnet's training speed scales against numpy from scratch (bench/numpy_mlp.py) with the
// hidden width, the batch size and the depth, on MNIST: training images/s of each (the median of
// interleaved runs), their ratio and its spread, the GFLOPS reached and their fraction of the wasm
// GEMM kernel's peak; a table, the issue's goal lines, an SVG chart and (--save) a JSON file.
// See bench/README.md ("Scaling") and --help.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { useBackend } from '../src/node/backend.js';
import type { Kernels } from '../src/core/kernels.js';
import type { WasmKernels } from '../src/core/wasm/index.js';
import { Matrix } from '../src/core/matrix.js';
import type { Dataset, DatasetSplit } from '../src/data/dataset.js';
import { loadMnist } from '../src/node/data/mnist.js';
import { scheduleFor } from '../src/nn/schedules.js';
import type { ThreadChoice } from '../src/nn/thread-plan.js';
import { DEFAULT_CONFIG, runTraining, type TrainConfig } from '../src/recipe.js';
import { renderSvg, type Spec } from '../src/experiments/charts.js';
import { stats } from './lib/common.js';
import { SQUARE_512, timeGemm } from './lib/gemm-timing.js';
import { loadAverage, numpyPeer, positiveInt, quiet } from './lib/machine.js';

const PROG = 'bench/scaling';
const HELP = `npx tsx bench/scaling.ts [options]   (or: npm run bench -- --scaling [options])

Training images/s of scratchnet (the CLI's runTraining, wasm, all threads) and numpy from scratch
(bench/numpy_mlp.py, all BLAS threads) over three panels: hidden width 64–1024 (two layers of it,
batch 128) and 4096 ("beyond"); batch 1–1024 (hidden 256,128); depth 1–8 (layers of 256, batch 128).

  --repeats N      timed runs of each side per point, the sides taking turns (default 3; --quick: 1)
  --quick          a smoke check (~1–2 min): 1 repeat, 7 points, short runs
  --only PANELS    width, batch or depth (comma-separated): run only these panels
  --epoch-max S    time whole epochs (the CLI's 54,000 training images) where one lasts at most S s
                   (default 6; --quick: 1)
  --seconds S      elsewhere time a fixed number of images, about S s' worth (default 2; --quick: 0.5)
  --peak-time S    seconds of the 512³ GEMM that sets the wasm peak (default 1; --quick: 0.3)
  --save FILE      write every run, median, ratio and GFLOPS as JSON
  --from FILE      measure nothing: print the table and redraw the chart of a --save file
  --svg FILE       the chart (default bench/scaling.svg)
  --python CMD     Python interpreter (default python3)
  -h, --help`;

const { values: flags } = parseArgs({
  options: {
    repeats: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    seconds: { type: 'string' },
    'epoch-max': { type: 'string' },
    'peak-time': { type: 'string' },
    svg: { type: 'string', default: 'bench/scaling.svg' },
    save: { type: 'string' },
    from: { type: 'string' },
    python: { type: 'string', default: 'python3' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

/** `value` as a positive number of seconds, or a one-line error naming `--name` and exit 2. */
function positiveSeconds(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const s = Number(value);
  if (!(s > 0 && Number.isFinite(s))) {
    process.stderr.write(`${PROG}: --${name} must be a positive number of seconds, found '${value}'\n`);
    process.exit(2);
  }
  return s;
}

type Panel = 'width' | 'batch' | 'depth';
const PANELS: Record<Panel, string> = { width: 'hidden width (two layers of it, batch 128)', batch: 'batch size (256,128)', depth: 'depth (layers of 256, batch 128)' };

interface Case {
  sweep: Panel;
  x: number;
  hidden: number[];
  batch: number;
  /** Past the goal's range (width 4096): its own goal. */
  beyond: boolean;
}

/** The issue's goal: scratchnet ÷ numpy at least this at every point (width 64–1024, batch 1–1024, depth 1–8), and `BEYOND_GOAL` at width 4096. */
const GOAL = 1.1;
const BEYOND_GOAL = 1.5;

function cases(quick: boolean): Case[] {
  const widths = quick ? [64, 256, 1024] : [64, 128, 256, 512, 1024, 4096];
  const batches = quick ? [1, 128] : [1, 16, 64, 128, 1024];
  const depths = quick ? [1, 4] : [1, 2, 4, 8];
  return [
    ...widths.map((w): Case => ({ sweep: 'width', x: w, hidden: [w, w], batch: 128, beyond: w > 1024 })),
    ...batches.map((b): Case => ({ sweep: 'batch', x: b, hidden: [256, 128], batch: b, beyond: false })),
    ...depths.map((d): Case => ({ sweep: 'depth', x: d, hidden: Array<number>(d).fill(256), batch: 128, beyond: false })),
  ];
}

/**
 * Training FLOPs per image of the dense products of a 784-…-10 MLP: forward 2·in·out per layer;
 * backward 4·in·out per layer (weight gradient xᵀ·dy and input gradient dy·Wᵀ), except the first,
 * whose input gradient is never computed (src/nn/layers/dense.ts and sparse-input-dense.ts: a
 * first layer built without `inputGrad` returns no dL/dx), so 2·in·out for its weight gradient.
 * This counts the dense work: the CLI's sparse first layer (src/nn/sparse-input.ts) visits only
 * the ~19% non-zero pixels of MNIST and does fewer real FLOPs, so its GFLOPS are "dense-equivalent"
 * (at batch < 8 the first layer runs dense, as declared). Biases, activations, loss and optimizer
 * are not counted.
 */
function trainingFlopsPerImage(hidden: readonly number[], inputs = 784, outputs = 10): number {
  const sizes = [inputs, ...hidden, outputs];
  let flops = 0;
  for (let i = 0; i + 1 < sizes.length; i++) flops += (i === 0 ? 4 : 6) * sizes[i] * sizes[i + 1];
  return flops;
}

interface Side {
  /** Training images/s of each timed run, in the order they ran. */
  runs: number[];
  median: number;
  gflops: number;
}

interface Point extends Case {
  /** Training images of each timed run (both sides). */
  imagesTimed: number;
  /** Whether a run is one whole epoch of the CLI's training split (54,000 images). */
  wholeEpoch: boolean;
  scratchnet: Side;
  numpy: Side;
  /** scratchnet median ÷ numpy median, and the min–max of the runs' pairwise ratios (sn_i ÷ np_i). */
  ratio: number;
  ratioMin: number;
  ratioMax: number;
  flopsPerImage: number;
  /** scratchnet's GFLOPS ÷ the wasm peak (512³ GEMM) of this run. */
  peakFraction: number;
  loadAverage: number[];
  /** The thread plan's choice for the point's runs (timed in its warm-up, then cached: src/nn/thread-plan.ts). */
  threadPlan?: ThreadChoice;
  /** Another point with the same layers and batch whose runs these are. */
  sameAs?: string;
}

interface Saved {
  benchmark: 'scaling';
  date: string;
  commit: string | null;
  workingTreeDirty: boolean | null;
  threads: number;
  repeats: number;
  quick: boolean;
  peak: { shape: string; gflops: number; gflopsAtEnd: number };
  numpy: string | null;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  totalSeconds: number;
  points: Point[];
}

const label = (c: Case) => `${c.sweep} ${c.x}`;
const hiddenText = (h: readonly number[]) => (h.length > 3 ? `${h.length}×${h[0]}` : h.join(','));
const int = (x: number) => Math.round(x).toLocaleString('en-US');

/** The first `n` rows of `ds` (a view, no copy). */
function head(ds: Dataset, n: number): Dataset {
  if (n >= ds.x.rows) return ds;
  return { ...ds, x: new Matrix(n, ds.x.cols, ds.x.data.subarray(0, n * ds.x.cols)), y: ds.y.subarray(0, n) };
}

async function measure(): Promise<Saved> {
  const quick = flags.quick!;
  const repeats = flags.repeats === undefined ? (quick ? 1 : 3) : positiveInt(PROG, 'repeats', flags.repeats);
  const target = positiveSeconds('seconds', flags.seconds, quick ? 0.5 : 2);
  const epochMax = positiveSeconds('epoch-max', flags['epoch-max'], quick ? 1 : 6);
  const peakTime = positiveSeconds('peak-time', flags['peak-time'], quick ? 0.3 : 1);
  const only = flags.only?.split(',').map((s) => s.trim()) ?? [];
  for (const p of only) {
    if (!(p in PANELS)) {
      process.stderr.write(`${PROG}: --only: unknown panel '${p}', expected width, batch or depth\n`);
      process.exit(2);
    }
  }
  const list = cases(quick).filter((c) => only.length === 0 || only.includes(c.sweep));
  const peer = numpyPeer(flags.python!, false);
  if (peer.skipReason) throw new Error(`numpy cannot run: ${peer.skipReason}`);
  const t0 = performance.now();
  const loadAverageAtStart = loadAverage();

  const k = (await useBackend('wasm')) as Kernels & Partial<Pick<WasmKernels, 'threads' | 'dispose'>>;
  const threads = k.threads ?? 1;
  const data = await loadMnist();
  timeGemm(k, SQUARE_512, peakTime / 2); // untimed: the wasm code tiered up, the workers awake
  // the best of three: other work on the machine (or the runtime's own, just after start) only ever slows a measurement down
  const peak = Math.max(...[0, 1, 2].map(() => timeGemm(k, SQUARE_512, peakTime / 3).gflops));
  const test = head(data.test, 256); // runTraining's final evaluate, untimed: a few images suffice
  console.log(`wasm, ${threads} thread(s); peak = the ${SQUARE_512.label} GEMM: ${peak.toFixed(1)} GFLOPS; ${repeats} run(s) per side and point, scratchnet and numpy taking turns; load average ${loadAverageAtStart.join(' ')}`);

  const config = (c: Case): TrainConfig => ({ ...DEFAULT_CONFIG, layers: c.hidden, batchSize: c.batch, epochs: 1, schedule: scheduleFor('cosine', 1) });
  /**
   * One run of `scratchnet train --epochs 1 --layers … --batch-size …` over the first `rows` MNIST
   * training images (60,000: all of them): its training split (valSplit 0.1) is the epoch. Returns
   * the epoch's images/s as fit reports them (its steps; validation not included) and its images.
   */
  async function scratchnet(c: Case, rows: number): Promise<{ rate: number; images: number; threads?: ThreadChoice }> {
    const split: DatasetSplit = { ...data, train: head(data.train, rows), test };
    const r = await runTraining(config(c), { kernels: k, data: split });
    r.model.release();
    const [h] = r.history;
    return { rate: h.samplesPerSecond, images: Math.round(h.samplesPerSecond * h.seconds), threads: r.threads };
  }

  /** One process of numpy_mlp.py: its own warm-up, then one timed epoch over the first `images` training images. */
  function numpy(c: Case, images: number): number {
    const warmup = Math.max(1, Math.min(20, Math.ceil(images / c.batch)));
    const r = spawnSync(flags.python!, [
      ...peer.args, '--repeats', '1', '--train-images', String(images), '--warmup-batches', String(warmup),
      '--hidden', c.hidden.join(','), '--batch-size', String(c.batch),
    ], { encoding: 'utf8', env: peer.env });
    if (r.status !== 0) throw new Error(`numpy_mlp.py (${label(c)}) failed: ${r.error?.message ?? r.stderr.trim().split('\n').at(-1)}`);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { epochSeconds: number[] };
    return 60000 / out.epochSeconds[0]; // epochSeconds is scaled to 60,000 images
  }

  const points: Point[] = [];
  const done = new Map<string, Point>();
  console.log(`${'point'.padEnd(11)} ${'hidden'.padEnd(10)} ${'batch'.padStart(5)} ${'images'.padStart(7)}  ${'scratchnet/s'.padStart(12)} ${'numpy/s'.padStart(9)}  ratio (min–max)    sn GFLOPS (% peak)  np GFLOPS  load  threads`);
  for (const c of list) {
    const key = `${c.hidden.join(',')}/${c.batch}`;
    const same = done.get(key);
    if (same) {
      const p: Point = { ...same, sweep: c.sweep, x: c.x, beyond: c.beyond, sameAs: label(same) };
      points.push(p);
      printPoint(p);
      continue;
    }
    const load = loadAverage();
    /** The training rows of a run at `rate` images/s: all 60,000 (a whole epoch of 54,000) if it lasts at most --epoch-max s, else about --seconds' worth, whole batches. */
    const rowsAt = (rate: number) => (54000 / rate <= epochMax ? 60000 : Math.min(60000, Math.ceil((Math.max(2, Math.ceil((rate * target) / c.batch)) * c.batch) / 0.9)));
    // a pilot of a few batches (the first JIT warm-up) sizes the warm-up: the same run untimed, as
    // the CLI's own first epoch; the warm-up's rate then sizes the timed runs (a cold pilot is slower)
    const pilot = await scratchnet(c, Math.ceil(Math.max(4 * c.batch, 1024) / 0.9));
    const warm = await scratchnet(c, rowsAt(pilot.rate));
    const rows = rowsAt(warm.rate);
    const sn: number[] = [];
    const np: number[] = [];
    let images = 0;
    let threadPlan: ThreadChoice | undefined;
    for (let i = 0; i < repeats; i++) {
      const run = await scratchnet(c, rows);
      images = run.images;
      threadPlan = run.threads;
      sn.push(run.rate);
      np.push(numpy(c, images));
    }
    const flopsPerImage = trainingFlopsPerImage(c.hidden);
    const side = (runs: number[]): Side => {
      const median = stats(runs).median;
      return { runs, median, gflops: (median * flopsPerImage) / 1e9 };
    };
    const pair = stats(sn.map((s, i) => s / np[i]));
    const scratchnetSide = side(sn);
    const numpySide = side(np);
    const p: Point = {
      ...c, imagesTimed: images, wholeEpoch: rows === 60000, scratchnet: scratchnetSide, numpy: numpySide,
      ratio: scratchnetSide.median / numpySide.median, ratioMin: pair.min, ratioMax: pair.max,
      flopsPerImage, peakFraction: scratchnetSide.gflops / peak, loadAverage: load, ...(threadPlan ? { threadPlan } : {}),
    };
    done.set(key, p);
    points.push(p);
    printPoint(p);
  }
  const gflopsAtEnd = timeGemm(k, SQUARE_512, peakTime).gflops;
  await k.dispose?.();
  const status = quiet('git', ['status', '--porcelain']);
  return {
    benchmark: 'scaling',
    date: new Date().toISOString(),
    commit: quiet('git', ['rev-parse', '--short', 'HEAD']),
    workingTreeDirty: status === null ? null : status.length > 0,
    threads,
    repeats,
    quick,
    peak: { shape: SQUARE_512.label, gflops: peak, gflopsAtEnd },
    numpy: quiet(flags.python!, ['-c', 'import platform, numpy; print(platform.python_version(), numpy.__version__)']),
    loadAverageAtStart,
    loadAverageAtEnd: loadAverage(),
    totalSeconds: (performance.now() - t0) / 1000,
    points,
  };
}

function printPoint(p: Point): void {
  const images = p.wholeEpoch ? 'epoch' : int(p.imagesTimed);
  const ratio = `${p.ratio.toFixed(2)} (${p.ratioMin.toFixed(2)}–${p.ratioMax.toFixed(2)})`;
  const sn = `${p.scratchnet.gflops.toFixed(1)} (${(100 * p.peakFraction).toFixed(0)}%)`;
  console.log(
    `${label(p).padEnd(11)} ${hiddenText(p.hidden).padEnd(10)} ${String(p.batch).padStart(5)} ${images.padStart(7)}  ${int(p.scratchnet.median).padStart(12)} ${int(p.numpy.median).padStart(9)}  ` +
      `${ratio.padEnd(17)}  ${sn.padStart(18)}  ${p.numpy.gflops.toFixed(1).padStart(9)}  ${p.loadAverage[0].toFixed(1)}  ${p.threadPlan ? `${p.threadPlan.threads}t` : '  '}${p.sameAs ? `  (runs of ${p.sameAs})` : ''}${p.beyond ? '  beyond' : ''}`,
  );
}

/** The issue's goal, point by point, and the worst ratio in and beyond its range. */
function goalLines(s: Saved): string[] {
  const lines: string[] = [];
  for (const [beyond, goal, range] of [[false, GOAL, 'width 64–1024, batch 1–1024, depth 1–8'], [true, BEYOND_GOAL, 'beyond: width 4096']] as const) {
    const ps = s.points.filter((p) => p.beyond === beyond && !p.sameAs);
    if (ps.length === 0) continue;
    const miss = ps.filter((p) => p.ratio < goal);
    const worst = ps.reduce((a, b) => (b.ratio < a.ratio ? b : a));
    lines.push(
      `${range}: goal scratchnet ≥ ${goal}× numpy; ${ps.length - miss.length} of ${ps.length} points meet it` +
        `${miss.length > 0 ? `; below: ${miss.map((p) => `${label(p)} ${p.ratio.toFixed(2)}×`).join(', ')}` : ''}; worst ${label(worst)} ${worst.ratio.toFixed(2)}×`,
    );
  }
  return lines;
}

function report(s: Saved): void {
  const snPeak = s.points.filter((p) => !p.sameAs).reduce((a, b) => Math.max(a, b.peakFraction), 0);
  console.log();
  console.log(`images: training images per timed run ("epoch": a whole epoch of the CLI's 54,000-image training split). ratio: scratchnet median ÷ numpy median, (min–max) of the ${s.repeats} interleaved pairs.`);
  console.log(`GFLOPS: dense-equivalent training FLOPs (2·in·out forward, 4·in·out backward, 2·in·out for the first layer) × median images/s; the sparse first layer does fewer real FLOPs. % peak: of the ${s.peak.shape} GEMM at the start (${s.peak.gflops.toFixed(1)} GFLOPS, ${s.peak.gflopsAtEnd.toFixed(1)} at the end; highest point ${(100 * snPeak).toFixed(0)}%).`);
  console.log(`${s.threads} wasm thread(s); numpy ${s.numpy ?? '?'}; commit ${s.commit ?? '?'}${s.workingTreeDirty ? ' (dirty)' : ''}; load average ${s.loadAverageAtStart.join(' ')} → ${s.loadAverageAtEnd.join(' ')}; ${s.totalSeconds.toFixed(0)} s.`);
  const busy = Math.max(s.loadAverageAtStart[0], ...s.points.map((p) => p.loadAverage[0]));
  // the sweep's own threads keep the load average near their count; more means other processes
  if (busy > s.threads + 0.5) {
    console.log(`BUSY MACHINE: load average up to ${busy.toFixed(1)} at the points' starts (the sweep's own ${s.threads} thread(s) account for about ${s.threads}): other processes shared the cores; taking turns spreads a slow spell over both sides, but numpy's OpenBLAS threads can lose far more than scratchnet's to a busy core (its images/s fall several-fold), so single points may be off by that much. Rerun on a quiet machine.`);
  }
  console.log('Goal lines (from this run; no goal is asserted anywhere):');
  for (const g of goalLines(s)) console.log(`  ${g}`);
}

/** Three panels (width, batch, depth), log₂ x, log₁₀ images/s: scratchnet and numpy, drawn with the report's Vega-Lite. */
async function chart(points: Point[]): Promise<string> {
  const values = points.flatMap((p) => [
    { panel: PANELS[p.sweep], x: p.x, contender: 'scratchnet (wasm, sparse first layer)', imagesPerSecond: p.scratchnet.median },
    { panel: PANELS[p.sweep], x: p.x, contender: 'numpy from scratch (OpenBLAS)', imagesPerSecond: p.numpy.median },
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
        x: { field: 'x', type: 'quantitative', scale: { type: 'log', base: 2 }, axis: { values: [1, 2, 4, 8, 16, 64, 128, 256, 1024, 4096], grid: false, labelOverlap: 'greedy' }, title: null },
        y: { field: 'imagesPerSecond', type: 'quantitative', scale: { type: 'log' }, axis: { values: [100, 1000, 10000, 100000, 1000000], format: '~s' }, title: 'training images/s (log), median' },
        color: { field: 'contender', type: 'nominal', legend: { orient: 'bottom', title: null, labelLimit: 400 } },
      },
    },
    resolve: { scale: { x: 'independent' } },
  } as Spec);
}

/** A --save file, or a one-line error naming it. */
function readSaved(file: string): Saved {
  let s: Partial<Saved>;
  try {
    s = JSON.parse(readFileSync(file, 'utf8')) as Partial<Saved>;
  } catch (e) {
    throw new Error(`--from ${file}: cannot read it as JSON (${(e as Error).message})`);
  }
  if (s.benchmark !== 'scaling' || !Array.isArray(s.points)) throw new Error(`--from ${file}: expected a file written by bench/scaling.ts --save (benchmark "scaling", points[]), found ${s.benchmark === undefined ? 'another format (a run before 2026-12-07?)' : `benchmark ${JSON.stringify(s.benchmark)}`}`);
  return s as Saved;
}

async function main(): Promise<void> {
  if (flags.help) return void console.log(HELP);
  let saved: Saved;
  if (flags.from) {
    saved = readSaved(flags.from);
    console.log(`${flags.from}: ${saved.date}, ${saved.points.length} points`);
    for (const p of saved.points) printPoint(p);
  } else {
    saved = await measure();
  }
  report(saved);
  writeFileSync(flags.svg!, await chart(saved.points));
  console.log(`chart: ${flags.svg}`);
  if (flags.save && !flags.from) {
    writeFileSync(flags.save, `${JSON.stringify(saved, null, 2)}\n`);
    console.log(`table: ${flags.save}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${PROG}: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
