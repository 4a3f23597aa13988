// Per-step times of the reference MNIST training (the CLI's model through runTraining), sparse and
// --dense (or, with --relaxed, the default plain-SIMD kernels and the opt-in relaxed ones), taking
// turns: the fastest steps say what a step costs when no other job has the cores, which whole-epoch
// medians cannot on a shared machine.
//   npx tsx bench/steps.ts [--steps N] [--rounds R] [--relaxed]
import { parseArgs } from 'node:util';
import { useBackend } from '../src/node/backend.js';
import { Matrix } from '../src/core/matrix.js';
import type { Kernels } from '../src/core/kernels.js';
import { residentDataset, type Dataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/node/data/mnist.js';
import type { BatchLog, Callback } from '../src/nn/callbacks.js';
import { scheduleFor } from '../src/nn/schedules.js';
import { DEFAULT_CONFIG, runTraining, type TrainConfig } from '../src/recipe.js';

const { values: flags } = parseArgs({
  options: { steps: { type: 'string', default: '300' }, rounds: { type: 'string', default: '3' }, relaxed: { type: 'boolean', default: false } },
});
const steps = Number(flags.steps);
const data = await loadMnist();
const rows = Math.min(steps * 128, data.train.x.rows);
const resident = new Map<Kernels, Dataset>();
/** The first `rows` training images in `k`'s memory, copied there once. */
function firstRows(k: Kernels): Dataset {
  let d = resident.get(k);
  if (!d) resident.set(k, (d = residentDataset({ ...data.train, x: new Matrix(rows, 784, data.train.x.data.subarray(0, rows * 784)), y: data.train.y.subarray(0, rows) }, k)));
  return d;
}

/** The variants taking turns: each its kernels, the training rows in their memory, and the first layer. */
interface Variant {
  name: string;
  k: Kernels;
  train: Dataset;
  dense: boolean;
}
const variant = async (name: string, relaxed: boolean, dense: boolean): Promise<Variant> => {
  const k = await useBackend('wasm', { relaxed });
  return { name, k, train: firstRows(k), dense };
};
const variants = flags.relaxed
  ? [await variant('plain', false, false), await variant('relaxed', true, false)]
  : [await variant('sparse', false, false), await variant('dense', false, true)];

/** Seconds of each step, from the callbacks' running clock. */
class StepTimes implements Callback {
  times: number[] = [];
  private last = 0;
  onBatchEnd(b: BatchLog): void {
    if (b.step === 1) this.last = 0;
    this.times.push(b.seconds - this.last);
    this.last = b.seconds;
  }
}

const config = (dense: boolean): TrainConfig => ({
  ...DEFAULT_CONFIG, layers: [256, 128], epochs: 1, valSplit: 0, schedule: scheduleFor('cosine', 1), ...(dense ? { dense: true } : {}),
});
const all: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
for (let r = 0; r < Number(flags.rounds); r++) {
  for (const { name, k, train, dense } of variants) {
    const cb = new StepTimes();
    const { model } = await runTraining(config(dense), { kernels: k, data: { ...data, train }, callbacks: [cb], threads: k.threads });
    model.release();
    // the first round warms the JIT up
    if (r > 0) all[name].push(...cb.times);
  }
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))] * 1000;
const k = variants[0].k;
console.log(`wasm ${'threads' in k ? (k as { threads: number }).threads : 1} thread(s); ms per step over ${all[variants[0].name].length} steps each`);
for (const [name, xs] of Object.entries(all)) {
  console.log(`${name.padEnd(7)} p10 ${pct(xs, 0.1).toFixed(3)}  p25 ${pct(xs, 0.25).toFixed(3)}  median ${pct(xs, 0.5).toFixed(3)}  → epoch of 469 steps at p10: ${(pct(xs, 0.1) * 0.469).toFixed(3)} s`);
}
for (const v of new Set(variants.map((x) => x.k))) await (v as { dispose?: () => Promise<void> }).dispose?.();
