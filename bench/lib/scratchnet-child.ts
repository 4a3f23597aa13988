/**
 * One scratchnet contender, in its own process: `tsx bench/lib/scratchnet-child.ts --backend wasm|js [--dense]`.
 * It trains what `scratchnet train` trains, through the same code (src/recipe.ts runTraining): the
 * CLI's model (its Standardize first layer, fitted on the training images; sparse first layer
 * unless --dense), optimizer and schedule, validation off. s/epoch is the epoch's seconds as the CLI
 * reports them (fit's steps; the Standardize fit and the data copy come before). The wasm thread
 * count comes from env SCRATCHNET_THREADS (set by the parent), so each variant gets a fresh backend
 * and worker pool. Prints one BENCH_RESULT line (see common.ts). With `--latency N`, instead times
 * one-image predictions for bench/latency.ts (see latencyMode).
 */
import { useBackend } from '../../src/node/backend.js';
import type { Kernels } from '../../src/core/kernels.js';
import type { BackendName } from '../../src/core/backend.js';
import { Matrix } from '../../src/core/matrix.js';
import { residentDataset, type Dataset, type DatasetSplit } from '../../src/data/dataset.js';
import { loadMnist } from '../../src/node/data/mnist.js';
import type { Sequential } from '../../src/nn/model.js';
import { scheduleFor } from '../../src/nn/schedules.js';
import { Predictor } from '../../src/nn/predictor.js';
import { describeThreads, type ThreadChoice } from '../../src/nn/thread-plan.js';
import { evaluate, predict, type EvaluateResult } from '../../src/nn/train.js';
import { DEFAULT_CONFIG, runTraining, type TrainConfig } from '../../src/recipe.js';
import { emitResult, log, skip, parseChildArgs, seconds, stats, stringFlag, WORKLOAD, type ChildResult } from './common.js';
import { latencyFlags, timeCalls, type LatencyResult } from './latency.js';

/** The first `n` rows of `ds`, as views (no copy). */
function head(ds: Dataset, n: number): Dataset {
  if (n >= ds.x.rows) return ds;
  const cols = ds.x.cols;
  return { ...ds, x: new Matrix(n, cols, ds.x.data.subarray(0, n * cols)), y: ds.y.subarray(0, n) };
}

/** The reference command's config: `scratchnet train --dataset mnist --layers 256,128 --optimizer adam --lr 0.001 --batch-size 128 --seed 1 --val-split 0`, one epoch. */
function cliConfig(dense: boolean): TrainConfig {
  return {
    ...DEFAULT_CONFIG,
    dataset: 'mnist',
    layers: [...WORKLOAD.hidden],
    optimizer: 'adam',
    lr: WORKLOAD.lr,
    epochs: 1,
    batchSize: WORKLOAD.batchSize,
    seed: WORKLOAD.seed,
    valSplit: 0,
    schedule: scheduleFor('cosine', 1),
    ...(dense ? { dense: true } : {}),
  };
}

/**
 * One epoch of `train` on a fresh model, as the CLI runs it; returns the model, the epoch's seconds
 * and the thread plan's choice (the warm-up's run times it; later runs of the shape take it from the cache).
 */
async function trainOnce(k: Kernels, data: DatasetSplit, train: Dataset, dense: boolean): Promise<{ model: Sequential; seconds: number; threads?: ThreadChoice }> {
  const { model, history, threads } = await runTraining(cliConfig(dense), { kernels: k, data: { ...data, train } });
  return { model, seconds: history[0].seconds, threads };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const backend = stringFlag(argv, 'backend', 'wasm');
  const opts = parseChildArgs(argv);
  const dense = argv.includes('--dense');
  let k: Kernels;
  try {
    k = await useBackend(backend as BackendName); // checked by useBackend
  } catch (e) {
    return skip(`scratchnet backend '${backend}' does not load: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (k.name !== backend && backend !== 'auto') return skip(`asked for backend '${backend}', got '${k.name}'`);
  const info: Record<string, unknown> = { backend: k.name };
  if ('threads' in k) info.threads = (k as { threads: number }).threads;
  if ('relaxed' in k) info.relaxedSimd = (k as { relaxed: boolean }).relaxed;
  info.envThreads = process.env.SCRATCHNET_THREADS ?? null;
  info.firstLayer = dense ? 'dense (--dense)' : 'sparse';

  const data = await loadMnist();
  const latency = latencyFlags(argv);
  if (latency.calls > 0) return latencyMode(k, info, data, dense, latency, stringFlag(argv, 'api', 'predictor'));
  // Inputs in the backend's memory, as the CLI does (numpy and tfjs also hold their arrays before timing).
  const train = residentDataset(head(data.train, opts.trainImages), k);
  const test = residentDataset(data.test, k);

  const warmImages = Math.min(opts.warmupBatches * WORKLOAD.batchSize, train.x.rows);
  const t0 = performance.now();
  const warm = await trainOnce(k, data, head(train, warmImages), dense);
  evaluate(warm.model, head(test, 2048));
  predict(warm.model, head(test, 2048).x);
  warm.model.release();
  log(`warm-up: ${opts.warmupBatches} batches + evaluate/predict on 2048 test images (${seconds(t0).toFixed(2)} s)`);
  if (warm.threads) {
    info.threadPlan = warm.threads;
    log(describeThreads(warm.threads));
  }

  const epochSeconds: number[] = [];
  const testAccuracy: number[] = [];
  const evalSeconds: number[] = [];
  const predSeconds: number[] = [];
  // resident set size after each repeat: a leak in the kernels' memory or the JS heap shows as growth
  const rssMiB: number[] = [];
  for (let r = 0; r < opts.repeats; r++) {
    const { model, seconds: s, threads } = await trainOnce(k, data, train, dense);
    if (threads) info.stepThreads = threads.threads;
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
    rssMiB.push(process.memoryUsage().rss / 2 ** 20);
    const full = (s * WORKLOAD.trainImages) / train.x.rows;
    epochSeconds.push(full);
    testAccuracy.push(result.accuracy);
    log(`repeat ${r + 1}/${opts.repeats}: ${full.toFixed(3)} s/epoch, test accuracy ${(100 * result.accuracy).toFixed(2)}%, RSS ${rssMiB[r].toFixed(0)} MiB`);
  }
  info.rssMiB = rssMiB;
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

/**
 * `--latency N`: the CLI's model (runTraining's, trained on one batch: the weights do not change the
 * work) on one test image per call, the next each time, from JS memory as a digit pad hands it over.
 * `--api predictor` (default): `Predictor.run`, nothing allocated per call; `--api predict`: `predict(model, x)`.
 */
async function latencyMode(k: Kernels, info: Record<string, unknown>, data: DatasetSplit, dense: boolean, { calls, warmup }: { calls: number; warmup: number }, api: string): Promise<void> {
  const { model } = await trainOnce(k, data, head(data.train, WORKLOAD.batchSize), dense);
  const x = data.test.x.data;
  // the images' views made before timing: the timed loop allocates only what the call does
  const rows = Array.from({ length: data.test.x.rows }, (_, i) => x.subarray(i * 784, (i + 1) * 784));
  let call: (i: number) => void;
  if (api === 'predictor') {
    const p = new Predictor(model);
    call = (i) => p.run(rows[i]);
  } else if (api === 'predict') {
    call = (i) => predict(model, new Matrix(1, 784, rows[i]));
  } else {
    throw new Error(`--api: expected predictor or predict, found ${api}`);
  }
  const timed = await timeCalls(calls, warmup, data.test.x.rows, call);
  info.api = api;
  log(`${calls} calls after ${warmup} untimed, ${timed.gcDuringTimed} GC(s) during them`);
  const what = api === 'predictor' ? 'Predictor.run(one image): probabilities and class' : 'predict(model, one image): probabilities and classes';
  emitResult({ latency: { ...timed, call: what }, info } satisfies LatencyResult);
  model.release();
  await (k as { dispose?: () => Promise<void> }).dispose?.();
}

main().catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
