// One epoch of MNIST (784-256-128-10 ReLU MLP, batch 128, Adam 1e-3, fp32, softmax-CE) for scratchnet
// and its peers in one run, each contender in its own process, one after another.
//   npm run bench -- [--repeats N] [--json] [--with-js] [--full-cpu] [--only ids] [--skip ids] ...
// See bench/README.md; `--help` lists the flags.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { childArgs, stats, WORKLOAD, type ChildOptions, type ChildResult } from './lib/common.js';
import { loadAverage, machine, numpyPeer, pickContenders, positiveInt, ROOT, scratchnetNote, type ContenderBase } from './lib/machine.js';
import { inferenceTable, summarize, trainingTable, type ContenderReport } from './lib/report.js';
import { runChild } from './lib/run-child.js';
import { describeThreads, type ThreadChoice } from '../src/nn/thread-plan.js';

const PROG = 'bench';
const HELP = `npm run bench -- [options]   (or: npx tsx bench/epoch.ts [options])

  --repeats N          timed epochs per contender process, each on a fresh model (default 3)
  --rounds N           run the whole list N times, contenders taking turns, and pool the epochs
                       (default 1): a slow spell of a noisy machine then hits every contender
  --json               print one JSON object (results + machine info) instead of the tables
  --with-js            run scratchnet js for all repeats (default: 1 repeat, it takes ~20 s)
  --full-cpu           run tfjs-cpu on the full epoch, 1 repeat (~2 min); default: --cpu-batches, extrapolated
  --cpu-batches N      batches tfjs-cpu trains per repeat before extrapolating (default 50)
  --batches N          every contender trains only N batches per repeat and extrapolates (quick check)
  --warmup-batches N   batches of the untimed warm-up run in each process (default 100)
  --only IDS           comma-separated contender ids to run (default: all)
  --skip IDS           comma-separated contender ids to leave out
  --timeout S          seconds before a contender is killed and reported failed (default 1800)
  --keep-openblas-env  keep OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for numpy (default: removed)
  --python CMD         Python interpreter (default python3)
  --gemm-time S        seconds per case of the GEMM micro-benchmark run after the epochs (default 0.5)
  --skip-gemm          leave out the GEMM micro-benchmark (bench/gemm.ts)
  --save FILE          also write the --json object to FILE
  --quiet              do not echo the contenders' progress lines
  --scaling            instead: the scaling sweep vs numpy (bench/scaling.ts: hidden width, batch size,
                       depth; a table, bench/scaling.svg and bench/scaling.json); the other flags go to
                       it (--repeats, --quick, --only, --save, --from, ...: npm run bench -- --scaling --help)
  -h, --help

Contender ids: scratchnet-wasm, scratchnet-wasm-dense, scratchnet-wasm-relaxed, scratchnet-wasm-1t, scratchnet-js,
scratchnet-cli, tfjs-wasm, tfjs-cpu, numpy, numpy-1t. The scratchnet contenders train what \`scratchnet train\` trains (src/recipe.ts:
Standardize first layer, sparse unless -dense); scratchnet-cli runs the CLI itself, end to end, for
3 epochs per repeat (needs an up-to-date dist/: npm run build).`;

// --scaling hands the run to bench/scaling.ts with the other flags (its own), saving to bench/scaling.json unless told
if (process.argv.includes('--scaling')) {
  const args = process.argv.slice(2).filter((a) => a !== '--scaling');
  const save = args.some((a) => ['--save', '--from', '--help', '-h'].includes(a) || a.startsWith('--save=')) ? [] : ['--save', join(ROOT, 'bench/scaling.json')];
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/scaling.ts'), ...args, ...save], { cwd: ROOT, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const { values: flags } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    'with-js': { type: 'boolean', default: false },
    'full-cpu': { type: 'boolean', default: false },
    'cpu-batches': { type: 'string', default: '50' },
    batches: { type: 'string' },
    'warmup-batches': { type: 'string', default: '100' },
    only: { type: 'string' },
    skip: { type: 'string' },
    timeout: { type: 'string', default: '1800' },
    'keep-openblas-env': { type: 'boolean', default: false },
    python: { type: 'string', default: 'python3' },
    quiet: { type: 'boolean', default: false },
    save: { type: 'string' },
    'gemm-time': { type: 'string', default: '0.5' },
    'skip-gemm': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

interface Contender extends ContenderBase {
  opts: ChildOptions;
}

const images = (n: number) => n.toLocaleString('en-US');
const batchesOf = (n: number) => Math.ceil(n / WORKLOAD.batchSize);

function extrapolation(o: ChildOptions): string {
  return o.trainImages < WORKLOAD.trainImages ? `; EXTRAPOLATED from ${batchesOf(o.trainImages)} batches (${images(o.trainImages)} images)` : '';
}

function contenders(): Contender[] {
  const repeats = positiveInt(PROG, 'repeats', flags.repeats!);
  const warmupBatches = positiveInt(PROG, 'warmup-batches', flags['warmup-batches']!);
  const limit = flags.batches === undefined ? WORKLOAD.trainImages : Math.min(positiveInt(PROG, 'batches', flags.batches) * WORKLOAD.batchSize, WORKLOAD.trainImages);
  const cpuImages = flags['full-cpu'] ? WORKLOAD.trainImages : Math.min(positiveInt(PROG, 'cpu-batches', flags['cpu-batches']!) * WORKLOAD.batchSize, limit);
  const base: ChildOptions = { repeats, trainImages: limit, warmupBatches, inferenceRepeats: repeats };
  const tsx = (script: string, backend: string) => ({ command: process.execPath, args: ['--import', 'tsx', join(ROOT, 'bench/lib', script), '--backend', backend] });
  const allThreads = Math.min(availableParallelism(), 64);

  const python = flags.python!;
  const { env: pyEnv, args: numpyArgs, skipReason: noNumpy, note: numpyNote } = numpyPeer(python, flags['keep-openblas-env']!);
  const sn = scratchnetNote;

  const list: Contender[] = [
    { id: 'scratchnet-wasm', label: 'scratchnet wasm', ...tsx('scratchnet-child.ts', 'wasm'), env: { ...process.env, SCRATCHNET_THREADS: String(allThreads) }, opts: base, note: sn },
    {
      id: 'scratchnet-wasm-dense',
      label: 'scratchnet wasm --dense',
      command: process.execPath,
      args: [...tsx('scratchnet-child.ts', 'wasm').args, '--dense'],
      env: { ...process.env, SCRATCHNET_THREADS: String(allThreads) },
      opts: base,
      note: sn,
    },
    {
      id: 'scratchnet-wasm-relaxed',
      label: 'scratchnet wasm --relaxed',
      ...tsx('scratchnet-child.ts', 'wasm'),
      env: { ...process.env, SCRATCHNET_THREADS: String(allThreads), SCRATCHNET_RELAXED: '1' },
      opts: base,
      note: sn,
    },
    { id: 'scratchnet-wasm-1t', label: 'scratchnet wasm 1t', ...tsx('scratchnet-child.ts', 'wasm'), env: { ...process.env, SCRATCHNET_THREADS: '1' }, opts: base, note: sn },
    {
      id: 'scratchnet-cli',
      label: 'scratchnet CLI',
      command: process.execPath,
      args: ['--import', 'tsx', join(ROOT, 'bench/lib/cli-child.ts')],
      env: { ...process.env, SCRATCHNET_THREADS: String(allThreads) },
      opts: { ...base, repeats: 1, inferenceRepeats: 1 },
      note: (i) => `the CLI end to end, 3 epochs: ${(i.endToEndMedian as number).toFixed(1)} s wall; accuracy after 3 epochs`,
    },
    {
      id: 'scratchnet-js',
      label: 'scratchnet js',
      ...tsx('scratchnet-child.ts', 'js'),
      env: { ...process.env },
      opts: { ...base, repeats: flags['with-js'] ? repeats : 1, inferenceRepeats: 1 },
      note: (i) => sn(i) + (flags['with-js'] ? '' : '; 1 repeat (--with-js for more)'),
    },
    {
      id: 'tfjs-wasm',
      label: 'tfjs-wasm',
      ...tsx('tfjs-child.ts', 'wasm'),
      env: { ...process.env },
      opts: base,
      note: (i) => `tfjs ${i.tfjsVersion} ${i.wasmFile}, ${i.threads} thread(s)`,
    },
    {
      id: 'tfjs-cpu',
      label: 'tfjs-cpu',
      ...tsx('tfjs-child.ts', 'cpu'),
      env: { ...process.env },
      opts: { ...base, trainImages: cpuImages, repeats: flags['full-cpu'] ? 1 : repeats, inferenceRepeats: 1 },
      note: (i) => `tfjs ${i.tfjsVersion} cpu (plain JS)`,
    },
    { id: 'numpy', label: 'numpy', command: python, args: numpyArgs, env: pyEnv, opts: base, note: numpyNote, skipReason: noNumpy },
    {
      id: 'numpy-1t',
      label: 'numpy 1t',
      command: python,
      args: numpyArgs,
      env: { ...pyEnv, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
      opts: base,
      note: numpyNote,
      skipReason: noNumpy,
    },
  ];
  return pickContenders(PROG, list, flags.only, flags.skip);
}

/** One result from the rounds of a contender: epochs and accuracies pooled, inference times the median of the rounds' medians. */
function pool(results: ChildResult[]): ChildResult {
  if (results.length === 1) return results[0];
  const [first] = results;
  const inf = results.map((r) => r.inference).filter((i) => i !== undefined);
  const median = (xs: number[]) => stats(xs).median;
  return {
    ...first,
    epochSeconds: results.flatMap((r) => r.epochSeconds),
    testAccuracy: results.flatMap((r) => r.testAccuracy),
    inference:
      inf.length === 0
        ? undefined
        : {
            batchSize: inf[0].batchSize,
            evaluateSeconds: median(inf.map((i) => i.evaluateSeconds)),
            evaluateImagesPerSecond: median(inf.map((i) => i.evaluateImagesPerSecond)),
            predictSeconds: median(inf.map((i) => i.predictSeconds)),
            predictImagesPerSecond: median(inf.map((i) => i.predictImagesPerSecond)),
          },
  };
}

async function main(): Promise<void> {
  if (flags.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const list = contenders();
  const timeoutSeconds = positiveInt(PROG, 'timeout', flags.timeout!);
  const info = machine(flags.python!);
  const say = (s: string) => process.stderr.write(`${s}\n`);
  say(`bench: ${list.length} contenders, one process each, one at a time; load average ${(info.loadAverageAtStart as number[]).join(' ')} on ${info.cores} cores`);
  const t0 = performance.now();
  const rounds = positiveInt(PROG, 'rounds', flags.rounds!);
  /** Per contender: its child results so far, or why it did not run. */
  const runs = new Map<string, { results: ChildResult[]; wallSeconds: number; failure?: { status: 'skipped' | 'failed'; reason: string } }>();
  for (const c of list) runs.set(c.id, { results: [], wallSeconds: 0 });
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) say(`round ${round}/${rounds}`);
    for (const c of list) {
      const run = runs.get(c.id)!;
      if (run.failure) continue;
      if (c.skipReason) {
        say(`[${c.id}] skipped: ${c.skipReason}`);
        run.failure = { status: 'skipped', reason: c.skipReason };
        continue;
      }
      say(`[${c.id}] ${c.opts.repeats} repeat(s) of ${images(c.opts.trainImages)} images${extrapolation(c.opts)}`);
      const out = await runChild({
        command: c.command,
        args: [...c.args, ...childArgs(c.opts)],
        cwd: ROOT,
        env: c.env,
        timeoutSeconds,
        prefix: `  [${c.id}] `,
        echo: !flags.quiet,
      });
      run.wallSeconds += out.wallSeconds;
      if (out.status !== 'ok') {
        say(`[${c.id}] ${out.status}: ${out.reason}`);
        run.failure = { status: out.status, reason: out.reason };
        continue;
      }
      run.results.push(out.result);
    }
  }
  const reports: ContenderReport[] = list.map((c) => {
    const run = runs.get(c.id)!;
    const base = { id: c.id, label: c.label, repeats: c.opts.repeats * Math.max(1, run.results.length), wallSeconds: run.wallSeconds };
    if (run.failure) return { ...base, status: run.failure.status, reason: run.failure.reason, note: '' };
    const result = pool(run.results);
    return { ...base, status: 'ok', note: c.note(result.info) + extrapolation(c.opts), result, ...summarize(result) };
  });

  const gemm = flags['skip-gemm'] ? null : gemmBench(say);
  const baseReport = reports.find((r) => r.id === 'scratchnet-wasm' && r.status === 'ok') ?? reports.find((r) => r.id.startsWith('scratchnet') && r.status === 'ok');
  if (baseReport) for (const r of reports) if (r.epochStats) r.ratio = baseReport.epochStats!.median / r.epochStats.median;
  info.loadAverageAtEnd = loadAverage();
  const totalSeconds = (performance.now() - t0) / 1000;
  const warmup = `each process first runs ${flags['warmup-batches']} training batches and one evaluate/predict pass on 2048 test images with a throwaway model (JIT, wasm compile and tier-up, BLAS init), untimed`;

  {
    const json = {
      benchmark: 'mnist-epoch',
      date: new Date().toISOString(),
      command: process.argv.slice(2),
      workload: { ...WORKLOAD, layers: [784, ...WORKLOAD.hidden, WORKLOAD.outputs], activation: 'relu', optimizer: 'adam', loss: 'softmax_cross_entropy', dtype: 'float32' },
      warmup,
      base: baseReport?.id ?? null,
      ratioDefinition: 'base median s/epoch ÷ this contender’s median s/epoch (below 1: scratchnet is faster)',
      machine: info,
      totalSeconds,
      contenders: reports.map(({ result, ...r }) => ({ ...r, ...(result ?? {}) })),
      gemm,
    };
    const text = `${JSON.stringify(json, null, 2)}\n`;
    if (flags.save) writeFileSync(flags.save, text);
    if (flags.json) return void process.stdout.write(text);
  }

  const print = (s = '') => process.stdout.write(`${s}\n`);
  print(`MNIST, one epoch: 784-256-128-10 ReLU MLP, batch ${WORKLOAD.batchSize}, Adam ${WORKLOAD.lr}, fp32, softmax-CE; 60,000 train / 10,000 test images`);
  print(`${info.cpu}, ${info.cores} cores, Node ${info.node}, tfjs ${info.tfjs}, python/numpy ${info.python ?? 'n/a'}; load average ${(info.loadAverageAtStart as number[]).join(' ')} → ${(info.loadAverageAtEnd as number[]).join(' ')}`);
  print();
  print(trainingTable(reports, baseReport?.label));
  print();
  print(`ratio = ${baseReport ? `${baseReport.label} median ÷ the row's median (below 1: scratchnet is faster)` : 'n/a (no scratchnet contender ran)'}.`);
  print(`s/epoch: wall-clock seconds of one training epoch on a fresh model, median of the runs (none dropped)${rounds > 1 ? `, pooled over ${rounds} rounds in which the contenders took turns` : ''}.`);
  print(`Warm-up: ${warmup}.`);
  const goals = goalLines(reports);
  if (goals.length > 0) {
    print();
    print('Goals (issue 15), from this run\'s medians:');
    for (const g of goals) print(`  ${g}`);
  }
  for (const r of reports) {
    const plan = r.result?.info.threadPlan as ThreadChoice | undefined;
    if (plan) print(`Thread plan, ${r.label}: ${describeThreads(plan)} (timed in the warm-up, cached for the timed epochs)`);
  }
  for (const r of reports) {
    const rss = r.result?.info.rssMiB as number[] | undefined;
    if (!rss || rss.length < 2) continue;
    const growth = rss[rss.length - 1] - rss[0];
    print(`Memory, ${r.label}: RSS after each epoch ${rss.map((m) => m.toFixed(0)).join(' → ')} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MiB${Math.abs(growth) > 0.05 * rss[0] ? ': GROWING, look for a leak' : ', flat'})`);
  }
  if (reports.some((r) => r.result?.extrapolated)) print(`EXTRAPOLATED rows time only their first batches and scale to 60,000 images; * marks their test accuracy, which is after that partial epoch.`);
  print();
  print(`Inference on the 10,000 test images, batch ${WORKLOAD.batchSize}, with each trained model (median over repeats; tfjs-cpu and scratchnet js: last repeat only):`);
  print(inferenceTable(reports));
  const tfw = reports.find((r) => r.id === 'tfjs-wasm')?.result?.info;
  if (tfw?.builtinPredictSeconds !== undefined) {
    print(`(tfjs-wasm predict feeds one tensor per batch; its own model.predict(all images, {batchSize: 128}) took ${(tfw.builtinPredictSeconds as number).toFixed(2)} s.)`);
  }
  if (gemm) {
    print();
    print(`GEMM micro-benchmark (bench/gemm.ts, ${flags['gemm-time']} s per case), GFLOPS:`);
    print(gemmTable(gemm));
  }
  print();
  print(`Total ${totalSeconds.toFixed(0)} s. Numbers are noisy where other jobs share the cores: compare medians, and rerun.`);
}

/** The issue's goals as ratios of this run's medians (only for the contenders that ran). */
function goalLines(reports: ContenderReport[]): string[] {
  const med = (id: string) => reports.find((r) => r.id === id && r.epochStats)?.epochStats!.median;
  const acc = (id: string) => reports.find((r) => r.id === id && r.accuracyStats)?.accuracyStats!.median;
  const [sparse, dense, cli, numpy, tfjs] = ['scratchnet-wasm', 'scratchnet-wasm-dense', 'scratchnet-cli', 'numpy', 'tfjs-wasm'].map(med);
  const pct = (a: number | undefined) => (a === undefined ? '?' : `${(100 * a).toFixed(2)}%`);
  const lines: string[] = [];
  if (sparse && numpy) lines.push(`sparse vs numpy: ${(numpy / sparse).toFixed(2)}x faster (goal ≥ 1.5x); test accuracy ${pct(acc('scratchnet-wasm'))} vs ${pct(acc('numpy'))}`);
  if (dense && numpy) lines.push(`dense (--dense) vs numpy: ${(numpy / dense).toFixed(2)}x faster; test accuracy ${pct(acc('scratchnet-wasm-dense'))}`);
  if (sparse && tfjs) lines.push(`sparse vs tfjs-wasm: ${(tfjs / sparse).toFixed(1)}x faster (goal ≥ 20x)`);
  if (cli && sparse) lines.push(`CLI epoch ÷ benchmark epoch: ${(cli / sparse).toFixed(3)} (goal ≤ 1.05; the CLI's median epoch of its 3, the first with the JIT warm-up)`);
  return lines;
}

interface GemmRow {
  shape: string;
  backend: string;
  threads: number;
  gflops: number;
}
type GemmResult = { rows: GemmRow[]; relaxedSimd: boolean | null; numpySkipped: string | null } | { error: string };

/** Runs bench/gemm.ts --json in its own process after the epochs: the GEMM figures of the same run. */
function gemmBench(say: (s: string) => void): GemmResult {
  const seconds = Number(flags['gemm-time']);
  say(`[gemm] bench/gemm.ts, ${seconds} s per case`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/gemm.ts'), '--json', '--time', String(seconds), '--python', flags.python!], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: Number(flags.timeout) * 1000,
  });
  if (r.status !== 0) {
    const error = r.error?.message ?? r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`;
    say(`[gemm] failed: ${error}`);
    return { error };
  }
  return JSON.parse(r.stdout) as GemmResult;
}

/** One row per shape, one column per backend × threads. */
function gemmTable(g: GemmResult): string {
  if ('error' in g) return `failed: ${g.error}`;
  const cols = [...new Set(g.rows.map((r) => `${r.backend}${r.backend === 'js' ? '' : ` ×${r.threads}`}`))];
  const shapes = [...new Set(g.rows.map((r) => r.shape))];
  const cell = (shape: string, col: string) => {
    const r = g.rows.find((x) => x.shape === shape && `${x.backend}${x.backend === 'js' ? '' : ` ×${x.threads}`}` === col);
    return r ? r.gflops.toFixed(1) : '—';
  };
  const width = Math.max(...shapes.map((s) => s.length));
  const lines = [['shape'.padEnd(width), ...cols.map((c) => c.padStart(9))].join('  ')];
  for (const s of shapes) lines.push([s.padEnd(width), ...cols.map((c) => cell(s, c).padStart(9))].join('  '));
  if (g.numpySkipped) lines.push(`numpy: skipped, ${g.numpySkipped}`);
  return lines.join('\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
