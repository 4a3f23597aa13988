// Latency of one prediction on one MNIST image (a digit pad, a server), scratchnet against numpy and
// TensorFlow.js in the same run: each contender in its own child process, one after another, each
// call on the next test image, after a warm-up; p50 / p99 / min in µs and the ratios of the p50s.
//   npm run bench:latency -- [--calls N] [--warmup N] [--only ids] [--skip ids] [--save FILE]
// See bench/README.md; `--help` lists the flags.
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import { WORKLOAD } from './lib/common.js';
import { isLatencyResult, latencyStats, type LatencyResult, type LatencyStats } from './lib/latency.js';
import { loadAverage, machine, numpyPeer, pickContenders, positiveInt, ROOT, scratchnetNote, type ContenderBase } from './lib/machine.js';
import { runChild } from './lib/run-child.js';

const PROG = 'bench:latency';
const HELP = `npm run bench:latency -- [options]   (or: npx tsx bench/latency.ts [options])

  --calls N            timed calls per contender (default 10000)
  --warmup N           untimed calls before them, in the same process (default 2000)
  --only IDS           comma-separated contender ids to run (default: all)
  --skip IDS           comma-separated contender ids to leave out
  --save FILE          also write the results as JSON to FILE
  --timeout S          seconds before a contender is killed and reported failed (default 300)
  --keep-openblas-env  keep OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for numpy (default: removed)
  --python CMD         Python interpreter (default python3)
  --quiet              do not echo the contenders' progress lines
  -h, --help

Contender ids: scratchnet-wasm, scratchnet-wasm-dense, scratchnet-wasm-1t, scratchnet-wasm-dense-1t, scratchnet-wasm-predict, scratchnet-js, numpy, numpy-1t, tfjs-wasm, tfjs-cpu. scratchnet runs the CLI's model (Standardize first layer, sparse unless -dense)
through Predictor.run (nothing allocated per call); scratchnet-wasm-predict through predict().`;

const { values: flags } = parseArgs({
  options: {
    calls: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '2000' },
    only: { type: 'string' },
    skip: { type: 'string' },
    save: { type: 'string' },
    timeout: { type: 'string', default: '300' },
    'keep-openblas-env': { type: 'boolean', default: false },
    python: { type: 'string', default: 'python3' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function contenders(): ContenderBase[] {
  const allThreads = String(Math.min(availableParallelism(), 64));
  // --expose-gc: the child measures the JS heap bytes a call leaves behind (lib/latency.ts)
  const tsx = (script: string, ...args: string[]) => ({ command: process.execPath, args: ['--expose-gc', '--import', 'tsx', join(ROOT, 'bench/lib', script), ...args] });
  const sn = (backend: string, threads: string | null, ...args: string[]) => ({
    ...tsx('scratchnet-child.ts', '--backend', backend, ...args),
    env: threads === null ? { ...process.env } : { ...process.env, SCRATCHNET_THREADS: threads },
    note: (i: Record<string, unknown>) => `${scratchnetNote(i)}; ${i.api === 'predict' ? 'predict()' : 'Predictor.run'}`,
  });
  const np = numpyPeer(flags.python!, flags['keep-openblas-env']!);
  const tfjs = (i: Record<string, unknown>) => `tfjs ${i.tfjsVersion} ${i.backend === 'wasm' ? `${i.wasmFile}, ${i.threads} thread(s)` : 'cpu (plain JS)'}`;
  const list: ContenderBase[] = [
    { id: 'scratchnet-wasm', label: 'scratchnet wasm', ...sn('wasm', allThreads) },
    { id: 'scratchnet-wasm-dense', label: 'scratchnet wasm --dense', ...sn('wasm', allThreads, '--dense') },
    { id: 'scratchnet-wasm-1t', label: 'scratchnet wasm 1t', ...sn('wasm', '1') },
    { id: 'scratchnet-wasm-dense-1t', label: 'scratchnet wasm --dense 1t', ...sn('wasm', '1', '--dense') },
    { id: 'scratchnet-wasm-predict', label: 'scratchnet wasm predict()', ...sn('wasm', allThreads, '--api', 'predict') },
    { id: 'scratchnet-js', label: 'scratchnet js', ...sn('js', null) },
    { id: 'numpy', label: 'numpy', command: flags.python!, args: np.args, env: np.env, note: np.note, skipReason: np.skipReason },
    {
      id: 'numpy-1t',
      label: 'numpy 1t',
      command: flags.python!,
      args: np.args,
      env: { ...np.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
      note: np.note,
      skipReason: np.skipReason,
    },
    { id: 'tfjs-wasm', label: 'tfjs-wasm', ...tsx('tfjs-child.ts', '--backend', 'wasm'), env: { ...process.env }, note: tfjs },
    { id: 'tfjs-cpu', label: 'tfjs-cpu', ...tsx('tfjs-child.ts', '--backend', 'cpu'), env: { ...process.env }, note: tfjs },
  ];
  return pickContenders(PROG, list, flags.only, flags.skip);
}

interface Report {
  id: string;
  label: string;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  note: string;
  stats?: LatencyStats;
  gcDuringTimed?: number | null;
  heapBytesPerCall?: number | null;
  call?: string;
  /** numpy's p50 ÷ this p50 (above 1: faster than numpy). */
  vsNumpy?: number;
  /** The fastest TF.js backend's p50 ÷ this p50 (above 1: faster). */
  vsTfjs?: number;
  info?: Record<string, unknown>;
}

function table(reports: Report[]): string {
  const us = (x: number) => (x >= 1000 ? x.toFixed(0) : x.toFixed(1));
  const ratio = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(x < 0.1 ? 3 : 2));
  const na = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : String(x));
  const head = ['contender', 'p50 µs', 'p99 µs', 'min µs', 'GCs', 'heap B/call', 'numpy p50 ÷', 'tfjs p50 ÷', 'notes'];
  const rows = reports.map((r) =>
    r.stats
      ? [r.label, us(r.stats.p50Us), us(r.stats.p99Us), us(r.stats.minUs), na(r.gcDuringTimed), na(r.heapBytesPerCall), ratio(r.vsNumpy), ratio(r.vsTfjs), r.note]
      : [r.label, '—', '—', '—', '—', '—', '—', '—', `${r.status.toUpperCase()}: ${r.reason ?? ''}`],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

async function main(): Promise<void> {
  if (flags.help) return void process.stdout.write(`${HELP}\n`);
  const calls = positiveInt(PROG, 'calls', flags.calls!);
  const warmup = positiveInt(PROG, 'warmup', flags.warmup!);
  const timeoutSeconds = positiveInt(PROG, 'timeout', flags.timeout!);
  const list = contenders();
  const info = machine(flags.python!);
  const say = (s: string) => process.stderr.write(`${s}\n`);
  const t0 = performance.now();
  const reports: Report[] = [];
  for (const c of list) {
    const base = { id: c.id, label: c.label, note: '' };
    if (c.skipReason) {
      say(`[${c.id}] skipped: ${c.skipReason}`);
      reports.push({ ...base, status: 'skipped', reason: c.skipReason });
      continue;
    }
    say(`[${c.id}] ${calls} calls after ${warmup} untimed`);
    const spec = { command: c.command, cwd: ROOT, env: c.env, timeoutSeconds, prefix: `  [${c.id}] `, echo: !flags.quiet };
    const out = await runChild({ ...spec, args: [...c.args, '--latency', String(calls), '--latency-warmup', String(warmup)] }, isLatencyResult);
    if (out.status !== 'ok') {
      say(`[${c.id}] ${out.status}: ${out.reason}`);
      reports.push({ ...base, status: out.status, reason: out.reason });
      continue;
    }
    const r: LatencyResult = out.result;
    reports.push({ ...base, status: 'ok', note: c.note(r.info), stats: latencyStats(r.latency.timesUs), gcDuringTimed: r.latency.gcDuringTimed, heapBytesPerCall: r.latency.heapBytesPerCall, call: r.latency.call, info: r.info });
  }
  const numpy = reports.find((r) => r.id === 'numpy')?.stats;
  const tfjsBest = reports.filter((r) => r.id.startsWith('tfjs') && r.stats).sort((a, b) => a.stats!.p50Us - b.stats!.p50Us)[0];
  for (const r of reports) {
    if (!r.stats) continue;
    if (numpy) r.vsNumpy = numpy.p50Us / r.stats.p50Us;
    if (tfjsBest) r.vsTfjs = tfjsBest.stats!.p50Us / r.stats.p50Us;
  }
  info.loadAverageAtEnd = loadAverage();
  const totalSeconds = (performance.now() - t0) / 1000;
  const ratios = `numpy p50 ÷ = numpy's p50 ÷ the row's p50, tfjs p50 ÷ = the fastest TF.js backend's (${tfjsBest?.label ?? 'none ran'}) p50 ÷ the row's p50: above 1, the row is faster`;

  if (flags.save) {
    const json = {
      benchmark: 'mnist-latency',
      date: new Date().toISOString(),
      command: process.argv.slice(2).map((a) => (isAbsolute(a) ? basename(a) : a)), // no path of this machine
      workload: { layers: [784, ...WORKLOAD.hidden, WORKLOAD.outputs], activation: 'relu', dtype: 'float32', output: 'softmax', input: 'one MNIST test image per call, the next each call' },
      calls,
      warmupCalls: warmup,
      percentiles: 'nearest rank over all timed calls, none dropped',
      ratioDefinition: ratios,
      machine: info,
      totalSeconds,
      contenders: reports,
    };
    writeFileSync(flags.save, `${JSON.stringify(json, null, 2)}\n`);
  }
  const print = (s = '') => process.stdout.write(`${s}\n`);
  print(`One prediction of one MNIST image: 784-256-128-10 ReLU MLP, fp32, softmax; ${calls.toLocaleString('en-US')} timed calls per contender after ${warmup.toLocaleString('en-US')} untimed, each on the next test image`);
  print(`${info.cpu}, ${info.cores} cores, Node ${info.node}, tfjs ${info.tfjs}, python/numpy ${info.python ?? 'n/a'}; load average ${(info.loadAverageAtStart as number[]).join(' ')} → ${(info.loadAverageAtEnd as number[]).join(' ')}`);
  print();
  print(table(reports));
  print();
  print(`${ratios}.`);
  print('GCs: V8 garbage collections during the timed calls; heap B/call: JS heap bytes one call leaves behind, over 1,000 calls after a full GC (n/a: not V8, or a GC ran).');
  print('Each process runs alone; percentiles are nearest-rank, nothing dropped.');
  print(`Total ${totalSeconds.toFixed(0)} s.`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
