// Where a training step's time outside the kernels goes: the CLI's training (runTraining, wasm) with
// every WasmKernels method and fused update/loss timed as "kernel", and the step's parts (batch,
// forward, loss, backward, optimizer, metrics) timed exclusive of the kernel calls they make — their
// own JavaScript. Prints per step: the wall time, the kernels' time, the rest ("outside"), and the
// parts' JavaScript. Rounds after the first (the JIT's warm-up) are printed.
//   npx tsx bench/step-parts.ts [--layers 256,128] [--batch 128] [--threads N] [--rounds 3]
// The timing's own cost (two clock reads per call, ~40 calls a step) is in "outside".
import { parseArgs } from 'node:util';
import { Matrix } from '../src/core/matrix.js';
import { WasmKernels } from '../src/core/wasm/kernels-wasm.js';
import { BatchIterator } from '../src/data/batches.js';
import { residentDataset } from '../src/data/dataset.js';
import { loadMnist } from '../src/node/data/mnist.js';
import { useBackend } from '../src/node/backend.js';
import type { BatchLog } from '../src/nn/callbacks.js';
import { EpochMetrics } from '../src/nn/epoch-metrics.js';
import { BaseLoss } from '../src/nn/losses/loss.js';
import { Sequential } from '../src/nn/model.js';
import { BaseOptimizer } from '../src/nn/optimizers/optimizer.js';
import { scheduleFor } from '../src/nn/schedules.js';
import { DEFAULT_CONFIG, runTraining } from '../src/recipe.js';

const { values: flags } = parseArgs({
  options: {
    layers: { type: 'string', default: '256,128' }, batch: { type: 'string', default: '128' },
    threads: { type: 'string' }, rounds: { type: 'string', default: '3' },
  },
});
const k = (await useBackend('wasm')) as WasmKernels;
const threads = flags.threads === undefined ? k.threads : Number(flags.threads);
const batch = Number(flags.batch);
const data = await loadMnist();
const train = residentDataset(data.train, k);
// the end-of-training evaluation on one batch only
const test = { ...data.test, x: new Matrix(batch, 784, data.test.x.data.subarray(0, batch * 784)), y: data.test.y.subarray(0, batch) };

/** ms inside kernel calls so far (outermost calls only). */
let kernelMs = 0;
let depth = 0;
/** Each part's ms less the kernel time inside it, this round. */
const parts = new Map<string, number>();

function timeAsKernel<F extends (...a: never[]) => unknown>(f: F): F {
  return function (this: unknown, ...a: never[]) {
    if (depth > 0) return f.apply(this, a);
    depth++;
    const t = performance.now();
    try {
      return f.apply(this, a);
    } finally {
      depth--;
      kernelMs += performance.now() - t;
    }
  } as F;
}

function timeAsPart(proto: object, name: string, label: string): void {
  const f = (proto as Record<string, (...a: unknown[]) => unknown>)[name];
  (proto as Record<string, unknown>)[name] = function (this: unknown, ...a: unknown[]) {
    const t = performance.now();
    const k0 = kernelMs;
    try {
      return f.apply(this, a);
    } finally {
      parts.set(label, (parts.get(label) ?? 0) + performance.now() - t - (kernelMs - k0));
    }
  };
}

for (const name of Object.getOwnPropertyNames(WasmKernels.prototype)) {
  const d = Object.getOwnPropertyDescriptor(WasmKernels.prototype, name)!;
  if (name !== 'constructor' && typeof d.value === 'function') (WasmKernels.prototype as unknown as Record<string, unknown>)[name] = timeAsKernel(d.value);
}
for (const table of [k.fused, k.fusedLosses] as { get(rule: { name: string }): unknown }[]) {
  const get = table.get.bind(table);
  const wrapped = new Map<string, unknown>();
  table.get = (rule) => {
    if (!wrapped.has(rule.name)) {
      const u = get(rule) as ((...a: never[]) => unknown) | undefined;
      wrapped.set(rule.name, u && timeAsKernel(u));
    }
    return wrapped.get(rule.name);
  };
}
timeAsPart(BatchIterator.prototype, 'next', 'the next batch (targets, labels)');
timeAsPart(BatchIterator.prototype, 'prefetch', 'prefetch');
timeAsPart(Sequential.prototype, 'forward', 'model forward');
timeAsPart(Sequential.prototype, 'zeroGrad', 'zero gradients');
timeAsPart(Sequential.prototype, 'backward', 'model backward');
timeAsPart(BaseLoss.prototype, 'forward', 'loss forward');
timeAsPart(BaseLoss.prototype, 'backward', 'loss backward');
timeAsPart(BaseOptimizer.prototype, 'step', 'optimizer step');
timeAsPart(EpochMetrics.prototype, 'add', 'epoch metrics');

const config = { ...DEFAULT_CONFIG, layers: flags.layers.split(',').map(Number), batchSize: batch, epochs: 1, valSplit: 0, schedule: scheduleFor('cosine', 1) };
console.log(`wasm, ${threads} thread(s); layers ${flags.layers}, batch ${batch}; µs per step (steps 2…, the first step's set-up left out)`);
for (let r = 0; r < Number(flags.rounds); r++) {
  parts.clear();
  let wall = 0, inKernels = 0, last = 0, lastKernel = 0, steps = 0;
  const stepTimes = {
    onBatchEnd(b: BatchLog): void {
      const now = performance.now();
      if (b.step > 1) {
        wall += now - last;
        inKernels += kernelMs - lastKernel;
        steps++;
      }
      last = now;
      lastKernel = kernelMs;
    },
  };
  const { model } = await runTraining(config, { kernels: k, data: { ...data, train, test }, threads, callbacks: [stepTimes] });
  model.release();
  if (r === 0) continue; // the JIT's warm-up
  const us = (ms: number) => ((ms * 1000) / steps).toFixed(1).padStart(8);
  console.log(`round ${r}: step ${us(wall)}   kernels ${us(inKernels)}   outside ${us(wall - inKernels)}`);
  for (const [label, ms] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`  ${label.padEnd(34)} ${us(ms)}  (its JavaScript, without its kernel calls)`);
}
await k.dispose();
