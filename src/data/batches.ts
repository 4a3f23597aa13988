/**
 * Mini-batches gathered into preallocated buffers: per epoch one seeded permutation, then each
 * batch copies its rows of `x` and their targets into the same two matrices (with `prefetch`, `x`
 * alternates between two, the next batch being copied on another thread while this one trains).
 * Nothing is allocated after construction.
 */
import type { Kernels } from '../core/kernels.js';
import { JsKernels } from '../core/kernels-js.js';
import { Matrix, type DType, type Float } from '../core/matrix.js';
import type { Rng, RngState } from '../core/random.js';
import { ConfigError, DataError } from '../errors.js';

const REFERENCE = new JsKernels();

/**
 * Targets written per batch: `'one-hot'` `[batch, numClasses]`, `'binary'` `[batch, 1]` (label 0/1,
 * for sigmoid-BCE), or `'real'` `[batch, outputs]`: the rows of the dataset's real-valued `targets`.
 */
export type TargetKind = 'one-hot' | 'binary' | 'real';

export interface BatchIteratorOptions {
  /** Rows per batch (the last batch of an epoch may be smaller). */
  batchSize: number;
  /** Draw a new permutation each epoch (training); false keeps the dataset order (evaluation). Default true. */
  shuffle?: boolean;
  /** Source of the permutations; required when `shuffle` is true. Use a dedicated stream (`rng.stream('shuffle')`). */
  rng?: Rng;
  /**
   * Kernels that allocate the batch buffers (so batches live in their memory) and gather the rows
   * ({@link Kernels.gatherRows}: inside WebAssembly memory when the dataset is there too, see
   * `residentDataset`). Default: plain arrays and a copy loop.
   */
  kernels?: Kernels;
  /** Allocates the batch buffers; overrides the kernels' `alloc` and `dtype`. Default `new Float32Array`. */
  alloc?: (length: number) => Float;
  /** Element type of `x` and `target`: a float64 model gets float64 batches (smoothed targets stay exact). Default float32. */
  dtype?: DType;
  /** Default `'one-hot'`. */
  targets?: TargetKind;
  /**
   * Allow {@link BatchIterator.prefetch}: a second `x` buffer, into which the next batch is copied
   * in the background (on a worker thread of the WebAssembly backend) while the current one is in
   * use. Same batches, same bits. Default false.
   */
  prefetch?: boolean;
}

/** Where an epoch stands (checkpoints): enough to serve the rest of it again, batch for batch. */
export interface BatchPosition {
  /** State of the shuffle stream just before this epoch's permutation was drawn (null without shuffling). */
  epochStart: RngState | null;
  /** Rows of the epoch already served. */
  rows: number;
}

/** The parts of a dataset a BatchIterator reads. */
export interface BatchSource {
  /** `[n, features]` */
  x: Matrix;
  /** `[n]` labels in `[0, numClasses)` */
  y: Int32Array;
  numClasses: number;
  /** `[n, outputs]` real-valued targets (for `targets: 'real'`). */
  targets?: Matrix;
}

/**
 * Iterates a dataset in mini-batches:
 * ```ts
 * const it = new BatchIterator(train, { batchSize: 64, rng: rng.stream('shuffle'), alloc: (n) => k.alloc(n) });
 * for (let epoch = 0; epoch < epochs; epoch++) {
 *   it.reset();                       // new permutation
 *   while (it.next()) step(it.x, it.target, it.labels);
 * }
 * ```
 * `x`, `target` and `labels` are the same objects on every step; only their row count changes
 * (`setRows`) for the last, smaller batch. With `prefetch: true`, `x` alternates between two
 * matrices: a training loop calls `prefetch()` once it has started on a batch (after its forward
 * pass), and the next `next()` takes the batch copied meanwhile.
 */
export class BatchIterator {
  /** Targets of the current batch: `[b, numClasses]` one-hot or `[b, 1]` binary. */
  readonly target: Matrix;
  /** Labels of the current batch: the first `b` entries of `[batchSize]` are live. */
  readonly labels: Int32Array;
  readonly batchSize: number;
  /** Rows in the dataset. */
  readonly n: number;
  /** Dataset row of each position of the epoch `[n]`, reused every epoch. */
  private readonly order: Int32Array;
  /**
   * The label of each position of the epoch `[n]` (empty for real targets), read in order by each
   * batch: the dataset's labels in a random order would be a cache miss a row, the kernels between
   * two batches having pushed them out of the cache.
   */
  private readonly epochLabels: Int32Array;
  private readonly shuffle: boolean;
  private readonly rng: Rng | undefined;
  private readonly targetKind: TargetKind;
  private readonly gather: Pick<Kernels, 'gatherRows' | 'gatherRowsBackground' | 'finishGather'>;
  private owner: Kernels | null;
  private pos = 0;
  private started = false;
  private epochStart: RngState | null = null;
  /** The `x` buffers: one, or two with `prefetch` (`xs[cur]` is the current batch). */
  private readonly xs: Matrix[];
  private cur = 0;
  /** Epoch position of the batch being copied into the other buffer, or -1. */
  private pending = -1;

  constructor(
    readonly source: BatchSource,
    { batchSize, shuffle = true, rng, kernels, alloc, dtype = 'float32', targets = 'one-hot', prefetch = false }: BatchIteratorOptions,
  ) {
    const { x, y, numClasses } = source;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ConfigError(`BatchIterator: batchSize must be a positive integer, found ${batchSize}`);
    }
    if (shuffle && !rng) throw new ConfigError(`BatchIterator: shuffle needs an rng (pass rng.stream('shuffle'))`);
    if (y.length !== x.rows) throw new DataError(`BatchIterator: expected ${x.rows} labels (one per row), found ${y.length}`);
    if (targets === 'binary' && numClasses !== 2) {
      throw new ConfigError(`BatchIterator: binary targets need 2 classes, found ${numClasses}`);
    }
    if (targets === 'real' && source.targets?.rows !== x.rows) {
      throw new DataError(`BatchIterator: real-valued targets need one target row per input row (${x.rows}), found ${source.targets?.rows ?? 'none'}`);
    }
    for (let i = 0; i < y.length && targets !== 'real'; i++) {
      if (!(y[i] >= 0 && y[i] < numClasses)) {
        throw new DataError(`BatchIterator: label at index ${i} is ${y[i]}, expected an integer in [0, ${numClasses - 1}]`);
      }
    }
    this.n = x.rows;
    this.batchSize = Math.min(batchSize, Math.max(this.n, 1));
    this.shuffle = shuffle;
    this.rng = rng;
    this.targetKind = targets;
    this.gather = kernels ?? REFERENCE;
    const tcols = targets === 'binary' ? 1 : targets === 'real' ? source.targets!.cols : numClasses;
    // buffers from the kernels go back to them in release(); a caller's `alloc` keeps its own
    this.owner = alloc ? null : (kernels ?? null);
    const make = alloc ?? (kernels ? (len: number) => kernels.alloc(len, dtype) : (len: number) => (dtype === 'float64' ? new Float64Array(len) : new Float32Array(len)));
    this.xs = [];
    for (let i = prefetch ? 2 : 1; i > 0; i--) this.xs.push(new Matrix(this.batchSize, x.cols, make(this.batchSize * x.cols)));
    this.target = new Matrix(this.batchSize, tcols, make(this.batchSize * tcols));
    this.labels = new Int32Array(this.batchSize);
    this.order = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) this.order[i] = i;
    this.epochLabels = new Int32Array(targets === 'real' ? 0 : this.n);
  }

  /** Inputs of the current batch `[b, features]`, `b ≤ batchSize`. */
  get x(): Matrix {
    return this.xs[this.cur];
  }

  /** Gives `x` and `target` back to the kernels that allocated them (nothing for a caller's `alloc`); the iterator is unusable after. */
  release(): void {
    this.cancelPrefetch();
    if (!this.owner) return;
    for (const x of this.xs) this.owner.release(x.data);
    this.owner.release(this.target.data);
    this.owner = null;
  }

  /** Batches per epoch, `ceil(n / batchSize)`. */
  get numBatches(): number {
    return Math.ceil(this.n / this.batchSize);
  }

  /** Starts an epoch: draws a new permutation (when shuffling) and rewinds. */
  reset(): void {
    this.cancelPrefetch();
    if (this.shuffle) {
      this.epochStart = this.rng!.getState();
      this.rng!.permutation(this.n, this.order);
    }
    const { y } = this.source, order = this.order, labels = this.epochLabels;
    for (let i = 0; i < labels.length; i++) labels[i] = y[order[i]];
    this.pos = 0;
    this.started = true;
  }

  /** The current epoch's position; see {@link resumeAt}. */
  position(): BatchPosition {
    return { epochStart: this.epochStart, rows: this.started ? this.pos : 0 };
  }

  /**
   * Continues an epoch saved by {@link position} (possibly by another iterator over the same data):
   * redraws its permutation from the saved stream state — leaving the stream where that epoch left
   * it — and skips the rows already served.
   */
  resumeAt({ epochStart, rows }: BatchPosition): void {
    if (!Number.isInteger(rows) || rows < 0 || rows > this.n) {
      throw new ConfigError(`BatchIterator: cannot resume at row ${rows} of an epoch of ${this.n} rows`);
    }
    if (this.shuffle) {
      if (!epochStart) throw new ConfigError('BatchIterator: resuming a shuffled epoch needs the state of the shuffle stream at its start');
      this.rng!.setState(epochStart);
    }
    this.reset();
    this.pos = rows;
  }

  /**
   * Fills `x`, `target` and `labels` with the next batch.
   * @returns false (and leaves the buffers as they were) when the epoch is done
   */
  next(): boolean {
    if (!this.started) this.reset();
    const start = this.pos;
    if (start >= this.n) return false;
    const b = Math.min(this.batchSize, this.n - start);
    this.pos = start + b;
    const { x } = this.source;
    if (this.pending === start) {
      this.gather.finishGather();
      this.pending = -1;
      this.cur = 1 - this.cur;
    } else {
      this.gather.gatherRows(x, this.order, start, this.x.setRows(b));
    }
    const t = this.target.setRows(b);
    const tcols = t.cols;
    const td = t.data;
    if (this.targetKind === 'real') {
      const src = this.source.targets!.data;
      for (let i = 0; i < b; i++) {
        const r = this.order[start + i];
        this.labels[i] = 0;
        for (let j = 0; j < tcols; j++) td[i * tcols + j] = src[r * tcols + j];
      }
      return true;
    }
    const labels = this.epochLabels;
    this.labels.set(labels.subarray(start, start + b));
    if (this.targetKind === 'one-hot') {
      td.fill(0, 0, b * tcols);
      for (let i = 0; i < b; i++) td[i * tcols + labels[start + i]] = 1;
    } else {
      for (let i = 0; i < b; i++) td[i] = labels[start + i];
    }
    return true;
  }

  /**
   * Starts copying the epoch's next batch into the other `x` buffer (on a worker thread where the
   * kernels have one) and returns; the next {@link next} takes it. Does nothing without `prefetch`,
   * at the end of the epoch, or if that batch is already on its way. The current batch stays as it is.
   */
  prefetch(): void {
    if (this.xs.length < 2 || !this.started || this.pending >= 0 || this.pos >= this.n) return;
    const start = this.pos;
    const b = Math.min(this.batchSize, this.n - start);
    this.pending = start;
    this.gather.gatherRowsBackground(this.source.x, this.order, start, this.xs[1 - this.cur].setRows(b));
  }

  /** Waits for a prefetch still running and forgets it (a new permutation, or buffers given back). */
  private cancelPrefetch(): void {
    if (this.pending < 0) return;
    this.gather.finishGather();
    this.pending = -1;
  }

  /** Dataset row of position `i` of the current batch. */
  rowIndex(i: number): number {
    return this.order[this.pos - this.x.rows + i];
  }
}
