/**
 * `npx tsx bench/first-layer.ts [--rounds 2]`: one MNIST epoch (784-256-128-10 ReLU, batch 128,
 * Adam 1e-3, 2 threads) for each first-layer variant — with or without the Standardize layer, sparse
 * or dense products — taking turns, after one untimed warm-up epoch each: what the folded
 * standardisation costs the sparse path.
 */
import * as sn from '../src/node.js';

const i = process.argv.indexOf('--rounds');
const rounds = i > 0 ? Number(process.argv[i + 1]) : 2;
const k = await sn.createWasmKernels({ threads: 2 });
const { train: all, test } = await sn.loadDataset('mnist');
const train = sn.residentDataset(all, k);

async function epoch(standardize: boolean, sparse: boolean): Promise<{ seconds: number; accuracy: number }> {
  const model = sn.mlp({ hidden: [256, 128], outputs: 10, activation: 'relu', standardize }).build({ inputWidth: 784, batchSize: 128, seed: 1, kernels: k, sparse });
  const first = model.layers[0];
  if (first instanceof sn.Standardize) first.fit(train.x, { perFeature: false });
  const optimizer = sn.createOptimizer('adam', model.params(), { lr: 1e-3 }, k);
  const [log] = await sn.fit(model, train, { loss: 'softmax_cross_entropy', optimizer, epochs: 1, seed: 1 });
  const accuracy = sn.evaluate(model, test).accuracy;
  optimizer.release();
  model.release();
  return { seconds: log.seconds, accuracy };
}

const variants = [
  [false, true],
  [false, false],
  [true, true],
  [true, false],
] as const;
for (const [st, sp] of variants) await epoch(st, sp); // warm-up
for (let r = 1; r <= rounds; r++) {
  for (const [st, sp] of variants) {
    const { seconds, accuracy } = await epoch(st, sp);
    console.log(`round ${r}: ${st ? 'Standardize + ' : ''}${sp ? 'sparse' : 'dense'} first layer: ${seconds.toFixed(3)} s/epoch, test accuracy ${(100 * accuracy).toFixed(2)}%`);
  }
}
await k.dispose();
