// Single-input predict latency of the CLI's MNIST model (Standardize → 784-256-128-10 ReLU MLP),
// sparse first layer and --dense: p50 / p99 over many calls of `predict(model, one image)`, each on
// the next test image, after a warm-up.
//   npx tsx bench/latency.ts [--calls N]
import { parseArgs } from 'node:util';
import { useBackend } from '../src/core/backend.js';
import { Matrix } from '../src/core/matrix.js';
import { loadMnist } from '../src/data/mnist.js';
import { Standardize } from '../src/nn/layers/index.js';
import { mlp } from '../src/nn/mlp.js';
import { predict } from '../src/nn/train.js';

const { values: flags } = parseArgs({ options: { calls: { type: 'string', default: '3000' } } });
const calls = Number(flags.calls);
const k = await useBackend(process.env.SCRATCHNET_BACKEND ?? 'wasm');
const data = await loadMnist();
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];
console.log(`${k.name}${'threads' in k ? `, ${(k as { threads: number }).threads} thread(s)` : ''}; µs per predict of one image, ${calls} calls after ${calls / 3} untimed`);
for (const sparse of [true, false]) {
  const model = mlp({ hidden: [256, 128], outputs: 10, standardize: true }).build({ inputWidth: 784, batchSize: 128, seed: 1, kernels: k, sparse });
  (model.layers[0] as Standardize).fit(data.train.x, { perFeature: false });
  const times: number[] = [];
  for (let c = -Math.floor(calls / 3); c < calls; c++) {
    const i = (c + calls) % data.test.x.rows;
    const x = new Matrix(1, 784, data.test.x.data.subarray(i * 784, (i + 1) * 784));
    const t0 = performance.now();
    predict(model, x);
    if (c >= 0) times.push((performance.now() - t0) * 1000);
  }
  model.release();
  console.log(`${sparse ? 'sparse' : 'dense '}  p50 ${pct(times, 0.5).toFixed(1)}  p99 ${pct(times, 0.99).toFixed(1)}  min ${pct(times, 0).toFixed(1)}`);
}
await (k as { dispose?: () => Promise<void> }).dispose?.();
