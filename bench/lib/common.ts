/**
 * What the epoch benchmark's parent (bench/epoch.ts) and its child processes (one per contender)
 * share: the reference workload, the result record, the one-line result protocol, and statistics.
 */

/** The reference workload: one epoch of MNIST through a 784-256-128-10 ReLU MLP. */
export const WORKLOAD = {
  hidden: [256, 128],
  outputs: 10,
  batchSize: 128,
  lr: 1e-3,
  seed: 1,
  trainImages: 60000,
  testImages: 10000,
} as const;

/** A child prints exactly one stdout line starting with this, followed by its ChildResult as JSON. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

/** Inference on the 10,000 test images of the trained model; seconds are medians over repeats. */
export interface InferenceResult {
  /** Batch size of the inference passes. */
  batchSize: number;
  /** Loss + accuracy over the test set. */
  evaluateSeconds: number;
  evaluateImagesPerSecond: number;
  /** Class probabilities (softmax) of every test image. */
  predictSeconds: number;
  predictImagesPerSecond: number;
}

/** What a contender's child process reports. */
export interface ChildResult {
  /** Seconds per epoch of each repeat (extrapolated to the full epoch when `extrapolated`). */
  epochSeconds: number[];
  /** Test accuracy after each repeat's training (after a partial epoch when `extrapolated`). */
  testAccuracy: number[];
  /** Training images actually run per repeat. */
  trainedImages: number;
  /** True when only `trainedImages` of the epoch ran and the time was scaled to 60,000 images. */
  extrapolated: boolean;
  /** What was run before timing, e.g. "20 training batches + one evaluate/predict pass on a throwaway model". */
  warmup: string;
  inference?: InferenceResult;
  /** Backend facts: threads, SIMD, BLAS, versions, ... */
  info: Record<string, unknown>;
}

/** Writes the result line (a ChildResult, or a latency result: lib/latency.ts); everything else a child says goes to stderr. */
export function emitResult(result: object): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** A child that cannot run its contender (a backend or package that does not load) says so and exits 0. */
export const SKIP_PREFIX = 'BENCH_SKIP ';

export function skip(reason: string): never {
  process.stdout.write(`${SKIP_PREFIX}${reason.replace(/\s+/g, ' ')}\n`);
  process.exit(0);
}

/** Progress for humans, on stderr (the parent indents and forwards it). */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

export interface Stats {
  min: number;
  median: number;
  max: number;
}

/** Min, median (mean of the middle two for an even count) and max; nothing is dropped. */
export function stats(values: readonly number[]): Stats {
  if (values.length === 0) throw new Error('stats: no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { min: s[0], median, max: s[s.length - 1] };
}

/** Reads `--name value` flags of a child: positive integers only. */
export function intFlag(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: expected a positive integer, found ${argv[i + 1]}`);
  return v;
}

/** Reads a `--name value` string flag. */
export function stringFlag(argv: readonly string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i < 0 || argv[i + 1] === undefined ? fallback : argv[i + 1];
}

/** Options every child takes (see {@link childArgs}). */
export interface ChildOptions {
  repeats: number;
  /** Training images per repeat: 60000 for the full epoch, fewer to extrapolate. */
  trainImages: number;
  /** Training batches of the warm-up run. */
  warmupBatches: number;
  /** Inference is measured after the last this-many repeats (≤ repeats; slow backends use 1). */
  inferenceRepeats: number;
}

export function childArgs(o: ChildOptions): string[] {
  return [
    ...['--repeats', String(o.repeats), '--train-images', String(o.trainImages)],
    ...['--warmup-batches', String(o.warmupBatches), '--inference-repeats', String(o.inferenceRepeats)],
  ];
}

export function parseChildArgs(argv: readonly string[]): ChildOptions {
  const repeats = intFlag(argv, 'repeats', 3);
  return {
    repeats,
    inferenceRepeats: Math.min(intFlag(argv, 'inference-repeats', repeats), repeats),
    trainImages: Math.min(intFlag(argv, 'train-images', WORKLOAD.trainImages), WORKLOAD.trainImages),
    warmupBatches: intFlag(argv, 'warmup-batches', 100),
  };
}

export const seconds = (t0: number): number => (performance.now() - t0) / 1000;
