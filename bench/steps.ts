// Per-step times of the reference MNIST training (the CLI's model through runTraining), sparse and
// --dense, taking turns: the fastest steps say what a step costs when no other job has the cores,
// which whole-epoch medians cannot on a shared machine.
//   npx tsx bench/steps.ts [--steps N] [--rounds R]
import { parseArgs } from 'node:util';
import { useBackend } from '../src/node/backend.js';
import { Matrix } from '../src/core/matrix.js';
import { residentDataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/node/data/mnist.js';
import type { BatchLog, Callback } from '../src/nn/callbacks.js';
import { scheduleFor } from '../src/nn/schedules.js';
import { DEFAULT_CONFIG, runTraining, type TrainConfig } from '../src/recipe.js';

const { values: flags } = parseArgs({ options: { steps: { type: 'string', default: '300' }, rounds: { type: 'string', default: '3' } } });
const steps = Number(flags.steps);
const k = await useBackend('wasm');
const data = await loadMnist();
const rows = Math.min(steps * 128, data.train.x.rows);
const train = residentDataset({ ...data.train, x: new Matrix(rows, 784, data.train.x.data.subarray(0, rows * 784)), y: data.train.y.subarray(0, rows) }, k);

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
const all: Record<string, number[]> = { sparse: [], dense: [] };
for (let r = 0; r < Number(flags.rounds); r++) {
  for (const dense of [false, true]) {
    const cb = new StepTimes();
    const { model } = await runTraining(config(dense), { kernels: k, data: { ...data, train }, callbacks: [cb] });
    model.release();
    // the first round warms the JIT up
    if (r > 0) all[dense ? 'dense' : 'sparse'].push(...cb.times);
  }
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))] * 1000;
console.log(`wasm ${'threads' in k ? (k as { threads: number }).threads : 1} thread(s); ms per step over ${all.sparse.length} steps each`);
for (const [name, xs] of Object.entries(all)) {
  console.log(`${name.padEnd(7)} p10 ${pct(xs, 0.1).toFixed(3)}  p25 ${pct(xs, 0.25).toFixed(3)}  median ${pct(xs, 0.5).toFixed(3)}  → epoch of 469 steps at p10: ${(pct(xs, 0.1) * 0.469).toFixed(3)} s`);
}
await (k as { dispose?: () => Promise<void> }).dispose?.();
