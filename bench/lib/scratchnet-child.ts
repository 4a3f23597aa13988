/**
 * One scratchnet contender, in its own process: `tsx bench/lib/scratchnet-child.ts --backend wasm|js`.
 * The wasm thread count comes from env SCRATCHNET_THREADS (set by the parent), so each variant gets
 * a fresh backend and worker pool. Prints one BENCH_RESULT line (see common.ts).
 */
import { useBackend } from '../../src/node/backend.js';
import type { Kernels } from '../../src/core/kernels.js';
import { Matrix } from '../../src/core/matrix.js';
import { residentDataset, type Dataset } from '../../src/data/dataset.js';
import { loadMnist } from '../../src/data/mnist.js';
import { mlp } from '../../src/nn/mlp.js';
import type { Sequential } from '../../src/nn/model.js';
import { Adam } from '../../src/nn/optimizers/index.js';
import { evaluate, fit, predict, type EvaluateResult } from '../../src/nn/train.js';
import { emitResult, log, skip, parseChildArgs, seconds, stats, stringFlag, WORKLOAD, type ChildResult } from './common.js';

/** The first `n` rows of `ds`, as views (no copy). */
function head(ds: Dataset, n: number): Dataset {
  if (n >= ds.x.rows) return ds;
  const cols = ds.x.cols;
  return { ...ds, x: new Matrix(n, cols, ds.x.data.subarray(0, n * cols)), y: ds.y.subarray(0, n) };
}

function buildModel(k: Kernels): Sequential {
  return mlp({ hidden: [...WORKLOAD.hidden], outputs: WORKLOAD.outputs, activation: 'relu' }).build({
    inputWidth: 784,
    batchSize: WORKLOAD.batchSize,
    seed: WORKLOAD.seed,
    kernels: k,
  });
}

/** One epoch of `train` on a fresh model; returns the model and the wall-clock seconds of `fit`. */
async function trainOnce(k: Kernels, train: Dataset): Promise<{ model: Sequential; seconds: number }> {
  const model = buildModel(k);
  const optimizer = new Adam(model.params(), { lr: WORKLOAD.lr }, k);
  const t0 = performance.now();
  await fit(model, train, { loss: 'softmax_cross_entropy', optimizer, epochs: 1, seed: WORKLOAD.seed });
  return { model, seconds: seconds(t0) };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const backend = stringFlag(argv, 'backend', 'wasm');
  const opts = parseChildArgs(argv);
  let k: Kernels;
  try {
    k = await useBackend(backend);
  } catch (e) {
    return skip(`scratchnet backend '${backend}' does not load: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (k.name !== backend && backend !== 'auto') return skip(`asked for backend '${backend}', got '${k.name}'`);
  const info: Record<string, unknown> = { backend: k.name };
  if ('threads' in k) info.threads = (k as { threads: number }).threads;
  if ('relaxed' in k) info.relaxedSimd = (k as { relaxed: boolean }).relaxed;
  info.envThreads = process.env.SCRATCHNET_THREADS ?? null;

  const data = await loadMnist();
  // Inputs in the backend's memory, as the CLI does (numpy and tfjs also hold their arrays before timing).
  const train = residentDataset(head(data.train, opts.trainImages), k);
  const test = residentDataset(data.test, k);

  const warmImages = Math.min(opts.warmupBatches * WORKLOAD.batchSize, train.x.rows);
  const t0 = performance.now();
  const warm = await trainOnce(k, head(train, warmImages));
  evaluate(warm.model, head(test, 2048));
  predict(warm.model, head(test, 2048).x);
  warm.model.release();
  log(`warm-up: ${opts.warmupBatches} batches + evaluate/predict on 2048 test images (${seconds(t0).toFixed(2)} s)`);

  const epochSeconds: number[] = [];
  const testAccuracy: number[] = [];
  const evalSeconds: number[] = [];
  const predSeconds: number[] = [];
  for (let r = 0; r < opts.repeats; r++) {
    const { model, seconds: s } = await trainOnce(k, train);
    let result: EvaluateResult;
    if (r >= opts.repeats - opts.inferenceRepeats) {
      const te = performance.now();
      result = evaluate(model, test);
      evalSeconds.push(seconds(te));
      const tp = performance.now();
      predict(model, test.x);
      predSeconds.push(seconds(tp));
    } else {
      result = evaluate(model, test);
    }
    model.release();
    const full = (s * WORKLOAD.trainImages) / train.x.rows;
    epochSeconds.push(full);
    testAccuracy.push(result.accuracy);
    log(`repeat ${r + 1}/${opts.repeats}: ${full.toFixed(3)} s/epoch, test accuracy ${(100 * result.accuracy).toFixed(2)}%`);
  }
  const n = test.x.rows;
  const ev = stats(evalSeconds).median;
  const pr = stats(predSeconds).median;
  const result: ChildResult = {
    epochSeconds,
    testAccuracy,
    trainedImages: train.x.rows,
    extrapolated: train.x.rows < WORKLOAD.trainImages,
    warmup: `${opts.warmupBatches} training batches + evaluate/predict on 2048 test images, throwaway model`,
    inference: {
      batchSize: WORKLOAD.batchSize,
      evaluateSeconds: ev,
      evaluateImagesPerSecond: n / ev,
      predictSeconds: pr,
      predictImagesPerSecond: n / pr,
    },
    info,
  };
  emitResult(result);
  await (k as { dispose?: () => Promise<void> }).dispose?.();
}

main().catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
