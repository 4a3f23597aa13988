/**
 * TensorFlow.js contender, in its own process: `tsx bench/lib/tfjs-child.ts --backend wasm|cpu`.
 * The same MLP as a tf.sequential of dense layers (He-uniform hidden, Glorot-uniform output, seeded),
 * trained with `model.fit` (adam 1e-3, batch 128, one epoch, tfjs's own shuffle) on fused
 * softmax-cross-entropy from logits; data are scratchnet's MNIST arrays (same bytes, same scaling).
 * Prints one BENCH_RESULT line, or BENCH_SKIP + reason when the backend does not load.
 * With `--latency N`, instead times one-image predictions for bench/latency.ts (see latencyMode).
 */
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { loadMnist } from '../../src/node/data/mnist.js';
import { emitResult, log, skip, parseChildArgs, seconds, stats, stringFlag, WORKLOAD, type ChildResult } from './common.js';
import { latencyFlags, timeCalls, type LatencyResult } from './latency.js';

type Tf = typeof import('@tensorflow/tfjs');
type Tensor = import('@tensorflow/tfjs').Tensor;
type LayersModel = import('@tensorflow/tfjs').Sequential;

const require = createRequire(import.meta.url);

/** Loads tfjs and selects `backend`; for wasm, points it at the package's dist folder (a file path in Node). */
async function loadTf(backend: string): Promise<{ tf: Tf; info: Record<string, unknown> }> {
  let tf: Tf;
  try {
    tf = await import('@tensorflow/tfjs');
  } catch (e) {
    skip(`@tensorflow/tfjs does not load (${String(e)})`);
  }
  const info: Record<string, unknown> = { tfjsVersion: tf.version.tfjs };
  if (backend === 'wasm') {
    let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
    try {
      wasm = await import('@tensorflow/tfjs-backend-wasm');
    } catch (e) {
      skip(`@tensorflow/tfjs-backend-wasm does not load (${String(e)})`);
    }
    const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    wasm.setWasmPaths(`${dist}/`);
    if (!(await tf.setBackend('wasm'))) skip('tf.setBackend("wasm") failed (see stderr)');
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    Object.assign(info, {
      wasmDir: relative(process.cwd(), dist), // relative: the results name no path of this machine
      simd,
      multithread,
      threads: wasm.getThreadsCount(),
      wasmFile: `tfjs-backend-wasm${multithread ? '-threaded' : ''}${simd ? '-simd' : ''}.wasm`,
    });
  } else if (!(await tf.setBackend(backend))) {
    skip(`tf.setBackend("${backend}") failed`);
  }
  await tf.ready();
  if (tf.getBackend() !== backend) skip(`asked for tfjs backend '${backend}', got '${tf.getBackend()}'`);
  info.backend = tf.getBackend();
  return { tf, info };
}

function buildModel(tf: Tf): LayersModel {
  const model = tf.sequential();
  WORKLOAD.hidden.forEach((units, i) =>
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.heUniform({ seed: WORKLOAD.seed + i }),
        ...(i === 0 ? { inputShape: [784] } : {}),
      }),
    ),
  );
  model.add(tf.layers.dense({ units: WORKLOAD.outputs, kernelInitializer: tf.initializers.glorotUniform({ seed: WORKLOAD.seed + 9 }) }));
  model.compile({
    optimizer: tf.train.adam(WORKLOAD.lr),
    // Fused softmax + cross-entropy from logits, per example (tfjs-layers takes the batch mean).
    loss: (yTrue: Tensor, yPred: Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred, undefined, undefined, tf.Reduction.NONE),
    metrics: ['accuracy'],
  });
  return model;
}

async function trainOnce(tf: Tf, x: Tensor, y: Tensor): Promise<{ model: LayersModel; seconds: number }> {
  const model = buildModel(tf);
  const t0 = performance.now();
  await model.fit(x, y, { batchSize: WORKLOAD.batchSize, epochs: 1, shuffle: true, verbose: 0, yieldEvery: 'never' });
  return { model, seconds: seconds(t0) };
}

/** Frees the model's weights and its optimizer's slots (model.dispose() leaves the optimizer). */
function dispose(model: LayersModel): void {
  model.optimizer.dispose();
  model.dispose();
}

/** Test loss and accuracy via model.evaluate (read back to JS, so the work is done). */
function evaluate(model: LayersModel, x: Tensor, y: Tensor): number {
  const out = model.evaluate(x, y, { batchSize: WORKLOAD.batchSize }) as Tensor[];
  const [, acc] = out.map((t) => t.dataSync()[0]);
  out.forEach((t) => t.dispose());
  return acc;
}

/**
 * Softmax probabilities of every row of `x` ([n, 784] in JS memory), a batch at a time, read back to JS:
 * each batch becomes its own tensor, as scratchnet's predict copies each batch into its buffers.
 * (`model.predict(bigTensor, { batchSize })` slices the big tensor per batch, which is pathologically
 * slow on the wasm backend: see {@link predictBuiltin}.)
 */
function predict(tf: Tf, model: LayersModel, x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * WORKLOAD.outputs);
  for (let start = 0; start < n; start += WORKLOAD.batchSize) {
    const b = Math.min(WORKLOAD.batchSize, n - start);
    const p = tf.tidy(() => tf.softmax(model.predict(tf.tensor2d(x.subarray(start * 784, (start + b) * 784), [b, 784])) as Tensor));
    out.set(p.dataSync() as Float32Array, start * WORKLOAD.outputs);
    p.dispose();
  }
  return out;
}

/** tfjs's own batched predict over a tensor of all test images. */
function predictBuiltin(tf: Tf, model: LayersModel, x: Tensor): void {
  const p = tf.tidy(() => tf.softmax(model.predict(x, { batchSize: WORKLOAD.batchSize }) as Tensor));
  p.dataSync();
  p.dispose();
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const backend = stringFlag(argv, 'backend', 'wasm');
  const opts = parseChildArgs(argv);
  const { tf, info } = await loadTf(backend);

  const data = await loadMnist();
  const f32 = (a: Float32Array | Float64Array): Float32Array => {
    if (!(a instanceof Float32Array)) throw new Error('expected MNIST pixels as float32');
    return a;
  };
  const trainX = f32(data.train.x.data);
  const testX = f32(data.test.x.data);
  const latency = latencyFlags(argv);
  if (latency.calls > 0) return latencyMode(tf, info, testX, latency);
  const n = opts.trainImages;
  const xTrain = tf.tensor2d(trainX.subarray(0, n * 784), [n, 784]);
  const yTrain = tf.tidy(() => tf.oneHot(tf.tensor1d(data.train.y.subarray(0, n), 'int32'), 10).toFloat());
  const m = data.test.x.rows;
  const xTest = tf.tensor2d(testX, [m, 784]);
  const yTest = tf.tidy(() => tf.oneHot(tf.tensor1d(data.test.y, 'int32'), 10).toFloat());

  const warmImages = Math.min(opts.warmupBatches * WORKLOAD.batchSize, n);
  const t0 = performance.now();
  const [xw, yw, xwt, ywt] = [xTrain.slice(0, warmImages), yTrain.slice(0, warmImages), xTest.slice(0, 2048), yTest.slice(0, 2048)];
  const warm = await trainOnce(tf, xw, yw);
  evaluate(warm.model, xwt, ywt);
  predict(tf, warm.model, testX, 2048);
  dispose(warm.model);
  tf.dispose([xw, yw, xwt, ywt]);
  log(`warm-up: ${opts.warmupBatches} batches + evaluate/predict on 2048 test images (${seconds(t0).toFixed(2)} s)`);

  const epochSeconds: number[] = [];
  const testAccuracy: number[] = [];
  const evalSeconds: number[] = [];
  const predSeconds: number[] = [];
  for (let r = 0; r < opts.repeats; r++) {
    const { model, seconds: s } = await trainOnce(tf, xTrain, yTrain);
    let acc: number;
    if (r >= opts.repeats - opts.inferenceRepeats) {
      const te = performance.now();
      acc = evaluate(model, xTest, yTest);
      evalSeconds.push(seconds(te));
      const tp = performance.now();
      predict(tf, model, testX, m);
      predSeconds.push(seconds(tp));
      if (r === opts.repeats - 1 && backend === 'wasm') {
        const tb = performance.now();
        predictBuiltin(tf, model, xTest);
        info.builtinPredictSeconds = seconds(tb);
        info.builtinPredictNote = 'model.predict(all 10,000 test images as one tensor, {batchSize: 128}) once, after the last repeat: tfjs-wasm slices the big tensor per batch slowly';
      }
    } else {
      acc = evaluate(model, xTest, yTest);
    }
    dispose(model);
    const full = (s * WORKLOAD.trainImages) / n;
    epochSeconds.push(full);
    testAccuracy.push(acc);
    const part = n < WORKLOAD.trainImages ? ` (${s.toFixed(2)} s for ${n} images, extrapolated)` : '';
    log(`repeat ${r + 1}/${opts.repeats}: ${full.toFixed(3)} s/epoch${part}, test accuracy ${(100 * acc).toFixed(2)}%`);
  }
  const ev = stats(evalSeconds).median;
  const pr = stats(predSeconds).median;
  info.tensorsLeft = tf.memory().numTensors;
  const result: ChildResult = {
    epochSeconds,
    testAccuracy,
    trainedImages: n,
    extrapolated: n < WORKLOAD.trainImages,
    warmup: `${opts.warmupBatches} training batches + evaluate/predict on 2048 test images, throwaway model`,
    inference: { batchSize: WORKLOAD.batchSize, evaluateSeconds: ev, evaluateImagesPerSecond: m / ev, predictSeconds: pr, predictImagesPerSecond: m / pr },
    info,
  };
  emitResult(result);
}

/**
 * `--latency N`: the same (untrained) model on one test image per call, the next each time, as a
 * user would call it: a [1, 784] tensor from the JS array, `model.predict` and softmax inside
 * `tf.tidy`, `dataSync()` to read the probabilities back.
 */
async function latencyMode(tf: Tf, info: Record<string, unknown>, testX: Float32Array, { calls, warmup }: { calls: number; warmup: number }): Promise<void> {
  const model = buildModel(tf);
  const rows = Array.from({ length: testX.length / 784 }, (_, i) => testX.subarray(i * 784, (i + 1) * 784));
  const call = (i: number) => {
    const p = tf.tidy(() => tf.softmax(model.predict(tf.tensor2d(rows[i], [1, 784])) as Tensor));
    p.dataSync();
    p.dispose();
  };
  const timed = await timeCalls(calls, warmup, rows.length, call);
  info.tensorsLeft = tf.memory().numTensors;
  log(`${calls} calls after ${warmup} untimed, ${timed.gcDuringTimed} GC(s) during them`);
  emitResult({ latency: { ...timed, call: 'tf.tidy(softmax(model.predict(tensor2d(one image)))).dataSync()' }, info } satisfies LatencyResult);
}

main().catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
