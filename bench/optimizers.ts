// One optimizer step over the reference MLP's parameters (784-256-128-10: 235,146 values) on the
// wasm backend, every registered optimizer on 1 thread (CPU time of this process: steady on a busy
// machine) and 2 threads (wall time); then each fused update of the backend against its rule's loop
// on the same buffers (CPU time). Rounds interleave; the best round counts.
//   npx tsx bench/optimizers.ts [--rounds R]
import { parseArgs } from 'node:util';
import type { UpdateRule } from '../src/core/fused.js';
import { Matrix } from '../src/core/matrix.js';
import type { Param } from '../src/nn/layer.js';
import * as optimizers from '../src/nn/optimizers/index.js';
import { createWasmKernels } from '../src/node/wasm.js';

const { values: flags } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const rounds = Number(flags.rounds);
const STEPS = 50;
const k = await createWasmKernels({ threads: 2 });
const params: Param[] = [[784, 256], [1, 256], [256, 128], [1, 128], [128, 10], [1, 10]].map(([r, c], i) => {
  const value = new Matrix(r, c, k.alloc(r * c)), grad = new Matrix(r, c, k.alloc(r * c));
  for (let j = 0; j < r * c; j++) [value.data[j], grad.data[j]] = [Math.sin(j), 1e-2 * Math.cos(j)];
  return { name: `p${i}`, value, grad, decay: r > 1 ? 1 : 0, version: 0 };
});

/** µs since `t0` (from `clock(0)`): CPU time of this process, or wall time. */
const cpu = (t0: number) => { const c = process.cpuUsage(); return c.user + c.system - t0; };
const wall = (t0: number) => performance.now() * 1000 - t0;

/** Best mean time of one call of each `f`, in µs, over `rounds` rounds of STEPS calls, rounds interleaved across `fs`. */
function best(fs: Record<string, () => void>, clock: (t0: number) => number): Record<string, number> {
  const t: Record<string, number> = Object.fromEntries(Object.keys(fs).map((name) => [name, Infinity]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, f] of Object.entries(fs)) {
      const t0 = clock(0);
      for (let i = 0; i < STEPS; i++) f();
      t[name] = Math.min(t[name], clock(t0) / STEPS);
    }
  }
  return t;
}

for (const threads of [1, 2]) {
  k.setThreads(threads);
  const opts = optimizers.OPTIMIZER_NAMES.map((name) => optimizers.createOptimizer(name, params, {}, k));
  for (let i = 0; i < 20; i++) for (const o of opts) o.step(); // warm-up
  const t = best(Object.fromEntries(opts.map((o, i) => [optimizers.OPTIMIZER_NAMES[i], () => o.step()])), threads === 1 ? cpu : wall);
  console.log(`${threads} thread(s), µs ${threads === 1 ? 'CPU' : 'wall'} per step: ${Object.entries(t).map(([n, v]) => `${n} ${v.toFixed(0)}`).join(', ')}`);
  for (const o of opts) o.release();
}

// each fused update against its rule's loop (one parameter: the first layer's weights)
const rules = (Object.values(optimizers) as unknown[]).filter((v): v is UpdateRule<never, never> => typeof v === 'object' && v !== null && 'loop' in v && 'name' in v);
k.setThreads(1);
const [w, g] = [params[0].value.data, params[0].grad.data];
for (const rule of 'fused' in k ? rules : []) {
  const fused = k.fused.get(rule);
  if (!fused) continue;
  const slots = Object.fromEntries(['momentumBuffer', 'sum', 'squareAvg', 'gradAvg', 'expAvg', 'expAvgSq'].map((s) => [s, k.alloc(w.length)]));
  const args = { lr: 1e-4, clr: 1e-4, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0.01, firstStep: false, alpha: 0.99, eps: 1e-8, centered: true, beta1: 0.9, beta2: 0.99, decoupled: true, step: 10 };
  const t = best({ fused: () => fused(w, g, slots as never, args as never), loop: () => rule.loop(w, g, slots as never, args as never) }, cpu);
  for (const s of Object.values(slots)) k.release(s);
  console.log(`${rule.name.padEnd(8)} ${w.length} values: fused ${t.fused.toFixed(0)} µs, loop ${t.loop.toFixed(0)} µs CPU (${(t.loop / t.fused).toFixed(1)}×)`);
}
await k.dispose();
