// Per-kernel times of the reference MNIST training step (the CLI's model through runTraining, as
// bench/steps.ts): every Kernels call is timed by name and shape, and each row gives its calls per
// step and the median (and p25) µs of one call, so that a machine busy in bursts moves the rows
// little. Thread counts take turns in one process (setThreads), each round a fresh model:
//   npx tsx bench/kernel-times.ts [--threads 1,2] [--steps N] [--rounds R]
// The pool has SCRATCHNET_THREADS threads (default: all cores); a count above it is an error.
import { parseArgs } from 'node:util';
import { useBackend } from '../src/node/backend.js';
import type { Kernels } from '../src/core/kernels.js';
import type { BatchLog, Callback } from '../src/nn/callbacks.js';
import { Matrix } from '../src/core/matrix.js';
import { residentDataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/node/data/mnist.js';
import { scheduleFor } from '../src/nn/schedules.js';
import { DEFAULT_CONFIG, runTraining } from '../src/recipe.js';

const { values: flags } = parseArgs({
  options: {
    threads: { type: 'string', default: '1,2' }, steps: { type: 'string', default: '300' }, rounds: { type: 'string', default: '3' },
    layers: { type: 'string', default: '256,128' }, batch: { type: 'string', default: '128' },
  },
});
const counts = flags.threads.split(',').map(Number);
const steps = Number(flags.steps);
const k0 = await useBackend('wasm');
const pool = k0 as Kernels & { threads: number; setThreads(n: number): void; dispose(): Promise<void> };
const data = await loadMnist();
const batch = Number(flags.batch);
const layers = flags.layers.split(',').map(Number);
const rows = Math.min(steps * batch, data.train.x.rows);
// the end-of-training evaluation on one batch only: the rows are the training step's
const test = { ...data.test, x: new Matrix(batch, 784, data.test.x.data.subarray(0, batch * 784)), y: data.test.y.subarray(0, batch) };
const train = residentDataset({ ...data.train, x: new Matrix(rows, 784, data.train.x.data.subarray(0, rows * 784)), y: data.train.y.subarray(0, rows) }, k0);

/** Durations (ms) of the calls, by key, for the thread count being run. */
let times = new Map<string, number[]>();
let depth = 0;
/** ms spent in timed calls so far (for each step's time outside the kernels). */
let inKernels = 0;
const shape = (m: unknown) => (m instanceof Matrix ? `${m.rows}x${m.cols}` : ArrayBuffer.isView(m) ? `[${(m as Float32Array).length}]` : '');

/** A call's key: the kernel, its operands' shapes and its flags (transA/transB/relu/bias). */
function keyOf(name: string, args: unknown[]): string {
  if (name === 'gemm' || name === 'sparseGemm') {
    const o = (args[3] ?? {}) as Record<string, unknown>;
    const f = ['transA', 'transB', 'relu'].filter((x) => o[x] === true).concat(o.bias ? ['bias'] : []);
    return `${name} ${shape(args[0])}·${shape(args[1])} ${f.join(',')}`;
  }
  if (name === 'fill') return `fill n${String(args[2])}`;
  return name;
}

/** Times `f` as `key` unless it runs inside another timed call (a kernel calling kernels). */
function timed(key: (args: unknown[]) => string, f: (...a: unknown[]) => unknown, self: unknown) {
  return (...args: unknown[]) => {
    if (depth > 0) return f.apply(self, args);
    depth++;
    const t = performance.now();
    try {
      return f.apply(self, args);
    } finally {
      const d = performance.now() - t;
      depth--;
      inKernels += d;
      const k = key(args);
      const xs = times.get(k);
      if (xs) xs.push(d);
      else times.set(k, [d]);
    }
  };
}

/** The fused updates or losses, each timed as `fused <name> <shape of its first argument>` (one wrapper per rule). */
function fusedProxy<T extends { get(rule: { name: string }): unknown }>(table: T): T {
  const wrapped = new Map<string, unknown>();
  return new Proxy(table, {
    get(t, p) {
      if (p !== 'get') return Reflect.get(t, p, t);
      return (rule: { name: string }) => {
        if (!wrapped.has(rule.name)) {
          const u = t.get(rule);
          wrapped.set(rule.name, u && timed((a) => `fused ${rule.name} ${shape(a[0])}`, u as (...a: unknown[]) => unknown, undefined));
        }
        return wrapped.get(rule.name);
      };
    },
  });
}

/** `target` with every method timed by {@link keyOf} (one wrapper per method, made at its first use). */
function instrument<T extends object>(target: T): T {
  const wrapped = new Map<string | symbol, unknown>();
  const fused = 'fused' in target ? fusedProxy((target as unknown as Kernels).fused) : undefined;
  const fusedLosses = 'fusedLosses' in target ? fusedProxy((target as unknown as Kernels).fusedLosses) : undefined;
  const proxy: T = new Proxy(target, {
    get(t, p) {
      const v = Reflect.get(t, p, t) as unknown;
      if (p === 'fused') return fused;
      if (p === 'fusedLosses') return fusedLosses;
      if (p === 'forDtype') return (d: unknown) => (((v as (d: unknown) => unknown).call(t, d) === t ? proxy : (v as (d: unknown) => unknown).call(t, d)));
      if (typeof v !== 'function') return v;
      if (!wrapped.has(p)) wrapped.set(p, timed((a) => keyOf(String(p), a), v as (...a: unknown[]) => unknown, t));
      return wrapped.get(p);
    },
  });
  return proxy;
}
const kernels: Kernels = instrument(k0);

const STEP = 'step (wall)', OUTSIDE = 'step outside the kernels', PLAIN = 'step, kernels not timed';
/** Each step's wall time and its part outside the timed calls (layers' JS, the loop, waits), as two more keys. */
class StepTimes implements Callback {
  private last = 0;
  private kernelsAt = 0;
  constructor(private readonly plain = false) {}
  onBatchEnd(b: BatchLog): void {
    if (b.step === 1) this.last = 0;
    const d = b.seconds * 1000 - this.last;
    if (this.plain) {
      times.get(PLAIN)!.push(d);
      this.last = b.seconds * 1000;
      return;
    }
    times.get(STEP)!.push(d);
    times.get(OUTSIDE)!.push(d - (inKernels - this.kernelsAt));
    this.last = b.seconds * 1000;
    this.kernelsAt = inKernels;
  }
}

const config = { ...DEFAULT_CONFIG, layers, batchSize: batch, epochs: 1, valSplit: 0, schedule: scheduleFor('cosine', 1) };
const pooled = new Map<number, Map<string, number[]>>(counts.map((n) => [n, new Map()]));
const stepsRun = Math.ceil(rows / batch);
for (let r = 0; r < Number(flags.rounds); r++) {
  for (const n of counts) {
    pool.setThreads(n);
    times = new Map([[STEP, []], [OUTSIDE, []], [PLAIN, []]]);
    inKernels = 0;
    const { model } = await runTraining(config, { kernels, data: { ...data, train, test }, callbacks: [new StepTimes()], threads: n });
    model.release();
    // the same run with the kernels untimed: the wrappers' own cost (keys, clock, bookkeeping) falls
    // outside the intervals they time, so the step's time outside the kernels is this run's step less the kernels' medians
    const plain = await runTraining(config, { kernels: k0, data: { ...data, train, test }, callbacks: [new StepTimes(true)], threads: n });
    plain.model.release();
    // the first round warms the JIT up
    if (r === 0) continue;
    const into = pooled.get(n)!;
    for (const [key, xs] of times) into.set(key, (into.get(key) ?? []).concat(xs));
  }
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))] * 1000;
const rounds = Number(flags.rounds) - 1;
const keys = [...pooled.get(counts[0])!.keys()].filter((k) => k !== STEP && k !== OUTSIDE && k !== PLAIN);
const perStep = (n: number, key: string) => {
  const xs = pooled.get(n)!.get(key) ?? [];
  return { calls: xs.length / (rounds * stepsRun), p25: xs.length ? pct(xs, 0.25) : NaN, med: xs.length ? pct(xs, 0.5) : NaN };
};
keys.sort((a, b) => perStep(counts[0], b).calls * perStep(counts[0], b).med - perStep(counts[0], a).calls * perStep(counts[0], a).med);
console.log(`wasm, ${stepsRun} steps × ${rounds} rounds per thread count; µs per call (median, p25) and µs per step (median × calls/step)`);
console.log('kernel'.padEnd(44) + 'calls/step' + counts.map((n) => `  │ ${n}t med    p25  /step`).join(''));
const totals = counts.map(() => 0);
for (const key of keys) {
  const cells = counts.map((n, i) => {
    const s = perStep(n, key);
    totals[i] += s.calls * s.med;
    return `  │ ${s.med.toFixed(1).padStart(6)} ${s.p25.toFixed(1).padStart(6)} ${(s.calls * s.med).toFixed(0).padStart(5)}`;
  });
  const calls = perStep(counts[0], key).calls;
  if (calls * perStep(counts[0], key).med < 0.5) continue;
  console.log(key.slice(0, 43).padEnd(44) + calls.toFixed(2).padStart(10) + cells.join(''));
}
console.log('sum of medians'.padEnd(54) + totals.map((t) => `  │ ${''.padStart(13)} ${t.toFixed(0).padStart(5)}`).join(''));
for (const key of [STEP, OUTSIDE, PLAIN]) {
  console.log(key.padEnd(54) + counts.map((n) => `  │ ${perStep(n, key).med.toFixed(1).padStart(6)} ${perStep(n, key).p25.toFixed(1).padStart(6)}      `).join(''));
}
const p25Totals = counts.map((n) => keys.reduce((s, key) => s + perStep(n, key).calls * perStep(n, key).p25, 0));
console.log(
  'outside the kernels: untimed step − the kernels\''.padEnd(54) +
    counts.map((n, i) => `  │ ${(perStep(n, PLAIN).med - totals[i]).toFixed(1).padStart(6)} ${(perStep(n, PLAIN).p25 - p25Totals[i]).toFixed(1).padStart(6)}      `).join(''),
);
console.log('(median: untimed step\'s median − Σ calls × median; p25: the same with 25th percentiles)');
await pool.dispose();
