/**
 * `npx tsx bench/accumulate.ts [--steps 10] [--rounds 40] [--threads 2]`: what writing the gradients in
 * backward (`backward(dy, false)`, no zeroing pass) saves over zeroing them and adding
 * (`zeroGrad(); backward(dy)`), on the CLI's MNIST model (Standardize, sparse first layer,
 * 784-512-256-10 ReLU, batch 128, Adam). The two take turns in blocks of `steps` steps (ABBA order), on
 * the same model; each step is timed alone and the medians compared, so load from other jobs falls on both.
 * Then the zeroGrad call alone: within those steps, and called back to back.
 */
import * as sn from '../src/node.js';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const steps = arg('steps', 10);
const rounds = arg('rounds', 40);
const k = await sn.createWasmKernels({ threads: arg('threads', 2) });
const { train: all } = await sn.loadDataset('mnist');
const train = sn.residentDataset(all, k);
const model = sn.mlp({ hidden: [512, 256], outputs: 10, activation: 'relu', standardize: true }).build({ inputWidth: 784, batchSize: 128, seed: 1, kernels: k });
(model.layers[0] as sn.Standardize).fit(all.x, { perFeature: false });
const optimizer = sn.createOptimizer('adam', model.params(), { lr: 1e-3 }, k);
const loss = sn.createLoss('softmax_cross_entropy');
loss.build(10, 128, k);
const batches = new sn.BatchIterator(train, { batchSize: 128, rng: new sn.Rng(1), kernels: k, targets: 'one-hot' });

const times: Record<'write' | 'zero+add', number[]> = { write: [], 'zero+add': [] };
/** Per round: the block of zero+add over the block of write, the two run back to back. */
const ratios: number[] = [];
/** The zeroGrad call of each zero+add step, alone. */
const zeroInStep: number[] = [];
function block(write: boolean, record: boolean): number {
  let total = 0;
  for (let s = 0; s < steps; s++) {
    if (!batches.next()) {
      batches.reset();
      batches.next();
    }
    const t0 = performance.now();
    const logits = model.forward(batches.x, 'train');
    loss.forward(logits, batches.target);
    if (write) {
      model.backward(loss.backward(), false);
    } else {
      const z0 = performance.now();
      model.zeroGrad();
      if (record) zeroInStep.push(performance.now() - z0);
      model.backward(loss.backward(), true);
    }
    optimizer.step();
    const t = performance.now() - t0;
    total += t;
    if (record) times[write ? 'write' : 'zero+add'].push(t);
  }
  return total;
}
block(true, false); // warm-up
block(false, false);
for (let r = 0; r < rounds; r++) {
  const first = r % 2 === 0;
  const a = block(first, true);
  const b = block(!first, true);
  ratios.push(first ? b / a : a / b);
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];
console.log(`wasm ${k.threads} thread(s), ${rounds} rounds of ${steps} steps per variant; ms per step`);
for (const [name, xs] of Object.entries(times)) {
  console.log(`${name.padEnd(9)} p10 ${pct(xs, 0.1).toFixed(3)}  p25 ${pct(xs, 0.25).toFixed(3)}  median ${pct(xs, 0.5).toFixed(3)}`);
}
console.log(`zero+add / write: ${(pct(times['zero+add'], 0.5) / pct(times.write, 0.5)).toFixed(3)} (medians), ${pct(ratios, 0.5).toFixed(3)} (median of the ${rounds} paired block ratios, p25 ${pct(ratios, 0.25).toFixed(3)}, p75 ${pct(ratios, 0.75).toFixed(3)})`);
console.log(`zeroGrad within the zero+add steps: p10 ${pct(zeroInStep, 0.1).toFixed(3)}  median ${pct(zeroInStep, 0.5).toFixed(3)} ms`);
const zero: number[] = [];
for (let i = 0; i < 400; i++) {
  const t0 = performance.now();
  model.zeroGrad();
  zero.push(performance.now() - t0);
}
console.log(`zeroGrad alone (${model.parameterCount} values): p10 ${pct(zero, 0.1).toFixed(3)}  median ${pct(zero, 0.5).toFixed(3)} ms`);
await k.dispose();
