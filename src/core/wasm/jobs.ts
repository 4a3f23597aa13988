import { ConfigError } from '../../errors.js';
import type { ThreadPool } from '../threads.js';
import { B_IN_PLACE_MAX_LD, PARALLEL_MIN_ELEMS, PARALLEL_MIN_MACS, splitElements, splitGemm } from './gemm-split.js';
import type { WasmHeap } from './heap.js';
import {
  ADAM, ARGS_LENGTH, BACKGROUND, CHUNK, FILL, GATHER, GEMM, OP, OP_ADAM, OP_FILL, OP_GATHER, OP_GEMM_K, OP_GEMV_K, OP_SPARSE, OP_SPARSE_K, RECT, SPARSE, WORK,
} from './job-args.js';
import { MAX_OWNED, SYNC_LENGTH, openJob, resetPacked, runPart, type WasmExports } from './ops.js';

/** A sparse product packs B into bands (assembly/sparse.ts) when C has at least this many rows. */
const SPARSE_PACK_MIN_ROWS = 8;
/**
 * While worker 1 is on the background gather, a 2-thread job below this many multiply-adds (GEMM)
 * or elements (fill) runs on this thread alone, as one chunk: the worker would come too late to help,
 * and this thread would run all the job's chunks, paying for each (measurements: bench/README.md,
 * "Tuning constants").
 */
const BUSY_MAX_MACS = 1 << 20;
const BUSY_MAX_FILL = 1 << 19;
/**
 * A product of a few rows is cut into its k-halves from this many multiply-adds: then halving its
 * work pays for the hand-over and the reduce (the folded first-layer bias, 1·784·256, is above it).
 */
const PARALLEL_MIN_GEMV = 1 << 17;
/**
 * ...and only within this many ms of the last job that woke the workers: less than their spin
 * (threads.ts SPIN), so they are still spinning, whereas waking one asleep costs more than the product.
 */
const WARM_MS = 0.3;
/** Gathers of at least this many values (a batch of 64 MNIST images) are split over the threads. */
const PARALLEL_MIN_GATHER = 1 << 15;
/**
 * Chunks per thread of an owned job (ops.ts openJob): each thread runs its own first; a thread
 * that the host slows down leaves its last ones to the others.
 */
export const OWNED_PER_THREAD = 4;

/**
 * How the WebAssembly kernels share work between threads: a job is written into the shared `args`
 * (layout in job-args.ts), cut into chunks, and run by this thread and the pool's workers. GEMMs are cut
 * into output tiles or, for the first layer's product, into its two k-halves; Adam, fills and batch
 * gathers into element, column or row ranges. Large jobs are "owned" (ops.ts openJob): each thread
 * first runs a run of chunks of its own, the same data from job to job, then helps with the rest.
 * Every cut gives the same bits as one thread.
 */
export class Jobs {
  /** Job arguments and sync block: the pool's shared ones, or local ones without a pool. */
  readonly args: Float64Array;
  private readonly sync: Int32Array;
  private active: number;
  /** Row indices of a batch gather; the second k-half of a GEMM; row indices of the background gather (its own: a gather on this thread may run meanwhile). */
  private readonly index: Scratch;
  private readonly half: Scratch;
  private readonly bgIndex: Scratch;
  /** B of a sparse product packed into bands (assembly/sparse.ts packBands). */
  private readonly bands: Scratch;
  private bgPending = false;
  /** performance.now() at the end of the last job run on more than one thread. */
  private lastParallel = -Infinity;
  private readonly cuts: number[] = new Array<number>(MAX_OWNED + 1).fill(0);
  /** Rows of the module's GEMM micro-tile: chunks of C's rows are cut at its multiples. */
  private readonly mr: number;

  /** @param work  GEMM scratch pointer of each thread, `[pool size]`. */
  constructor(
    private readonly ex: WasmExports,
    private readonly heap: WasmHeap,
    private readonly pool: ThreadPool | null,
    work: number[],
  ) {
    if (ex.gemmInPlaceMaxLd() !== B_IN_PLACE_MAX_LD) {
      throw new Error(`wasm kernels: the module's GEMM constant ${ex.gemmInPlaceMaxLd()} differs from gemm-split.ts's ${B_IN_PLACE_MAX_LD}: rebuild (npm run build:wasm)`);
    }
    this.mr = ex.gemmRowTile();
    this.args = pool ? pool.args : new Float64Array(ARGS_LENGTH);
    this.sync = pool ? pool.sync : new Int32Array(SYNC_LENGTH);
    work.forEach((w, t) => (this.args[WORK + t] = w));
    this.active = pool ? pool.size : 1;
    this.index = new Scratch(heap);
    this.half = new Scratch(heap);
    this.bgIndex = new Scratch(heap);
    this.bands = new Scratch(heap);
  }

  /** Threads big kernels use (the caller's included). */
  get threads(): number {
    return this.active;
  }

  set threads(n: number) {
    const max = this.pool ? this.pool.size : 1;
    if (!Number.isInteger(n) || n < 1 || n > max) throw new ConfigError(`setThreads: expected an integer in 1..${max} (the threads these kernels started with), found ${n}`);
    this.finishGather();
    this.active = n;
  }

  async dispose(): Promise<void> {
    this.finishGather();
    this.active = 1;
    await this.pool?.terminate();
  }

  /**
   * Runs the GEMM whose arguments are in args (job-args.ts GEMM):
   * on one thread, cut along k between 2 threads ({@link kSplits}), or cut into output tiles.
   */
  gemm(m: number, n: number, k: number, bInPlace: boolean): void {
    const args = this.args;
    const threads = m * n * k < BUSY_MAX_MACS ? this.free() : this.active;
    if (threads === 2 && this.kSplits(m, n, k)) {
      // each thread computes one k-half of the whole C (and reads only its half of B's rows)
      const half = this.half.bytes(4 * m * n);
      args[OP] = OP_GEMM_K;
      args[GEMM.s] = half;
      // each half in OWNED_PER_THREAD row ranges: thread t owns those of half t
      const ranges = this.halfChunks(m, n);
      this.run(2 * ranges, 2, true);
      this.ex.gemmReduce(args[GEMM.c], n, half, args[GEMM.bias], args[GEMM.relu], args[GEMM.mask], 0, m, 0, n);
      return;
    }
    const { chunks, owned } = splitGemm(m, n, k, threads, args, this.mr, bInPlace, OWNED_PER_THREAD);
    this.run(chunks, Math.min(chunks, threads), owned);
  }

  /**
   * Writes the chunks of a job cut into its two k-halves: each half's OWNED_PER_THREAD row ranges of
   * the m rows (half h's owned by thread h), with the column range [0, cols) when given.
   * @returns the row ranges per half
   */
  private halfChunks(m: number, cols?: number): number {
    const args = this.args;
    const ranges = this.rowRanges(m, OWNED_PER_THREAD);
    for (let h = 0; h < 2; h++) {
      for (let r = 0; r < ranges; r++) {
        const o = CHUNK + 4 * (h * ranges + r);
        args[o + RECT.i0] = this.cuts[r];
        args[o + RECT.i1] = this.cuts[r + 1];
        if (cols !== undefined) {
          args[o + RECT.j0] = 0;
          args[o + RECT.j1] = cols;
        }
      }
    }
    return ranges;
  }

  /**
   * Runs the sparse product whose arguments are in args (job-args.ts SPARSE) for
   * the m rows of C, inner size k, n columns; `macs` is the dense product's size m·n·k. On 2 threads
   * a forward product whose k is two blocks is cut into its k-halves (as {@link gemm}: each thread
   * keeps its half of the weights); a transposed one (the weight gradient) into row halves cut at
   * the k-block of m, so that each thread writes the gradient rows of its own half of the weights.
   */
  sparse(m: number, n: number, k: number, transA: boolean): void {
    const args = this.args;
    // a few rows (one image) stay on this thread: waking another costs more than their share of the work
    const parts = m * n * k < PARALLEL_MIN_MACS || m < SPARSE_PACK_MIN_ROWS ? 1 : this.active;
    const kSplit = !transA && parts === 2 && this.twoBlocks(k);
    // B packed into bands pays off over many rows of C; for a few (one image's prediction) B is read in place
    const pack = m >= SPARSE_PACK_MIN_ROWS;
    args[SPARSE.packed] = pack ? this.bands.bytes(4 * k * this.ex.sparseBand() * Math.ceil(n / this.ex.sparseBand())) : 0;
    // B is packed inside the job by the first thread that needs it: each k-half by itself (ops.ts ensurePacked)
    resetPacked(this.sync);
    if (parts === 1) {
      args[OP] = OP_SPARSE;
      args[CHUNK + RECT.i0] = 0;
      args[CHUNK + RECT.i1] = m;
      return this.run(1, 1);
    }
    if (kSplit) {
      const half = this.half.bytes(4 * m * n);
      args[OP] = OP_SPARSE_K;
      args[SPARSE.s] = half;
      const ranges = this.halfChunks(m);
      this.run(2 * ranges, 2, true);
      this.ex.gemmReduce(args[SPARSE.c], n, half, args[SPARSE.bias], args[SPARSE.relu], 0, 0, m, 0, n);
      return;
    }
    args[OP] = OP_SPARSE;
    // thread t owns rows [cut t, cut t+1), each in OWNED_PER_THREAD ranges
    const mb = this.ex.kBlock(m);
    let chunks = 0;
    for (let p = 0; p < parts; p++) {
      const r0 = parts === 2 && transA && mb < m ? p * mb : Math.floor((p * m) / parts);
      const r1 = parts === 2 && transA && mb < m ? (p === 0 ? mb : m) : Math.floor(((p + 1) * m) / parts);
      for (let q = 0; q < OWNED_PER_THREAD; q++) {
        const o = CHUNK + 4 * chunks++;
        args[o + RECT.i0] = r0 + Math.floor((q * (r1 - r0)) / OWNED_PER_THREAD);
        args[o + RECT.i1] = r0 + Math.floor(((q + 1) * (r1 - r0)) / OWNED_PER_THREAD);
      }
    }
    this.run(chunks, parts, true);
  }

  /**
   * C [m, n] = A [m, k]·B [k, n] (+ bias, ReLU) for a few rows (assembly/gemv.ts; pointers, strides
   * in floats). On 2 threads a large one whose k is two blocks is cut into its k-halves as
   * {@link gemm} does (each thread reads the half of B whose gradient rows and Adam update it ran),
   * if the workers ran a job within {@link WARM_MS} (a training step; not one image's lone
   * prediction). The same bits as one thread: each half's sum starts at 0 as gemv's blocks do,
   * gemmReduce adds them as gemv's last block does.
   */
  gemv(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, bias: number, relu: number): void {
    if (this.free() === 1 || m * n * k < PARALLEL_MIN_GEMV || !this.twoBlocks(k) || performance.now() - this.lastParallel > WARM_MS) {
      return this.ex.gemv(m, n, k, a, lda, b, ldb, c, ldc, bias, relu);
    }
    const args = this.args, G = GEMM;
    args[OP] = OP_GEMV_K;
    args[G.k] = k; args[G.a] = a; args[G.lda] = lda; args[G.b] = b; args[G.ldb] = ldb; args[G.c] = c; args[G.ldc] = ldc;
    const s = this.half.bytes(4 * m * ldc);
    args[G.s] = s;
    // k-half h of all of C, owned by thread h (a few rows: one range per half)
    this.run(2 * this.halfChunks(m, n), 2, true);
    this.ex.gemmReduce(c, ldc, s, bias, relu, 0, 0, m, 0, n);
  }

  /** Cuts rows [0, m) into at most `ranges` ranges of whole micro-tile rows, into this.cuts; returns how many. */
  private rowRanges(m: number, ranges: number): number {
    const tiles = Math.ceil(m / this.mr);
    const r = Math.max(1, Math.min(ranges, tiles));
    for (let i = 0; i <= r; i++) this.cuts[i] = Math.min(m, this.mr * Math.floor((i * tiles) / r));
    return r;
  }

  /**
   * Cut a product along k between 2 threads? When k is exactly two blocks and C is small next to B
   * (the MLP's first layer, 128·784·256): each thread then reads, and keeps in its own cache, the half
   * of the weights whose gradient rows and Adam update it also computes. Bit-identical to one thread.
   */
  private kSplits(m: number, n: number, k: number): boolean {
    return m * n * k >= PARALLEL_MIN_MACS && 2 * m <= k && this.twoBlocks(k);
  }

  /** Is k exactly two of gemm's k-blocks (the condition of every k-half job)? */
  private twoBlocks(k: number): boolean {
    const kb = this.ex.kBlock(k);
    return kb < k && 2 * kb >= k;
  }

  /**
   * Copies `count` rows, `rows[start..]`, of src [·, cols] into dst; a large batch on all threads by
   * column ranges (on 2 threads cut at the next GEMM's k-block), each in row ranges.
   */
  gather(src: number, cols: number, rows: Int32Array, start: number, count: number, dst: number): void {
    const index = this.stageRows(this.index, rows, start, count);
    // rows come from all over a large dataset: two cores fetch them faster than one
    const parts = count * cols >= PARALLEL_MIN_GATHER ? this.active : 1;
    if (parts === 1) return this.ex.gatherCols(src, cols, 0, cols, index, count, dst);
    const r = this.args;
    r[OP] = OP_GATHER; r[GATHER.src] = src; r[GATHER.cols] = cols; r[GATHER.idx] = index; r[GATHER.dst] = dst; r[GATHER.count] = count;
    // thread t owns the columns of x that its half of a k-split product reads (cut at the k-block
    // boundary of the next GEMM), in row ranges
    const cuts = this.cuts;
    for (let p = 0; p <= parts; p++) cuts[p] = Math.floor((p * cols) / parts);
    if (parts === 2 && this.ex.kBlock(cols) < cols) cuts[1] = this.ex.kBlock(cols);
    const per = OWNED_PER_THREAD;
    let c = 0;
    for (let p = 0; p < parts; p++) {
      for (let q = 0; q < per; q++, c++) {
        // columns [i0, i1) of batch rows [j0, j1)
        const o = CHUNK + 4 * c;
        r[o + RECT.i0] = cuts[p];
        r[o + RECT.i1] = cuts[p + 1];
        r[o + RECT.j0] = Math.floor((q * count) / per);
        r[o + RECT.j1] = Math.floor(((q + 1) * count) / per);
      }
    }
    this.run(c, parts, true);
  }

  /**
   * {@link gather} of whole rows on worker 1 while this thread goes on (ThreadPool.startBackground):
   * the next batch is copied while this one trains. Returns at once; {@link finishGather} waits.
   * Without a second thread, with a background gather still running, or for a small batch (below
   * PARALLEL_MIN_GATHER values: waking a worker that has gone to sleep costs more) it copies now.
   */
  gatherBackground(src: number, cols: number, rows: Int32Array, start: number, count: number, dst: number): void {
    if (!this.pool || this.active < 2 || this.bgPending || count * cols < PARALLEL_MIN_GATHER) {
      return this.gather(src, cols, rows, start, count, dst);
    }
    const index = this.stageRows(this.bgIndex, rows, start, count);
    const r = this.args, B = BACKGROUND;
    r[B.src] = src; r[B.cols] = cols; r[B.idx] = index; r[B.count] = count; r[B.dst] = dst;
    this.bgPending = true;
    this.pool.startBackground();
  }

  /** Copies `rows[start..start+count)` into `scratch` in the wasm heap; returns its pointer. */
  private stageRows(scratch: Scratch, rows: Int32Array, start: number, count: number): number {
    const ptr = scratch.bytes(4 * count);
    const i32 = this.heap.i32;
    for (let i = 0, o = ptr >> 2; i < count; i++) i32[o + i] = rows[start + i];
    return ptr;
  }

  /** Threads free to start a job now: the active ones, less worker 1 on 2 threads while it runs the background gather. */
  private free(): number {
    return this.active === 2 && this.bgPending && this.pool!.backgroundBusy() ? 1 : this.active;
  }

  /** Waits for the gather of {@link gatherBackground}, if one is running. */
  finishGather(): void {
    if (!this.bgPending) return;
    this.pool!.waitBackground();
    this.bgPending = false;
  }

  /** x[0:n] = value at pointer x; large fills in owned ranges (each thread zeroes the gradient rows it then computes). */
  fill(x: number, n: number, value: number): void {
    const parts = n < PARALLEL_MIN_ELEMS ? 1 : n < BUSY_MAX_FILL ? this.free() : this.active;
    if (parts === 1) return this.ex.fill(x, n, value);
    const r = this.args;
    r[OP] = OP_FILL; r[FILL.x] = x; r[FILL.value] = value;
    this.run(splitElements(n, this.ownedChunks(parts), r), parts, true);
  }

  /**
   * Adam over n elements, its scalars already in args (job-args.ts ADAM, beta1 … eps2): owned ranges, so a
   * weight matrix's halves stay with the threads that computed their gradients.
   */
  adam(p: number, g: number, m: number, v: number, n: number): void {
    const r = this.args;
    const A = ADAM;
    r[OP] = OP_ADAM; r[A.p] = p; r[A.g] = g; r[A.m] = m; r[A.v] = v;
    const parts = n >= PARALLEL_MIN_ELEMS ? this.active : 1;
    if (parts === 1) {
      return this.ex.adamStep(
        p, g, m, v, n, r[A.beta1], r[A.beta2], r[A.c1], r[A.c2], r[A.weightDecay], r[A.decoupled], r[A.decay], r[A.step2], r[A.eps2],
      );
    }
    this.run(splitElements(n, this.ownedChunks(parts), r), parts, true);
  }

  /** Chunks of an owned job on `parts` threads (at most MAX_PARTS · 4 = MAX_OWNED). */
  private ownedChunks(parts: number): number {
    return parts * OWNED_PER_THREAD;
  }

  /** Runs the job in args (its `chunks` chunks written) on `parts` threads, this one included. */
  private run(chunks: number, parts: number, owned = false): void {
    openJob(this.sync, chunks, owned ? parts : 0);
    if (parts > 1) this.pool!.wake(parts);
    runPart(this.ex, this.args, this.sync, 0);
    // always: a worker late from an earlier job may have taken a chunk of this one
    this.pool?.join(chunks);
    if (parts > 1) this.lastParallel = performance.now();
  }
}

/** A block of the wasm heap reused from call to call, grown (never shrunk) when a call needs more. */
class Scratch {
  private ptr = 0;
  private cap = 0;

  constructor(private readonly heap: WasmHeap) {}

  /** A pointer to at least `bytes` bytes (valid until the next call asks for more). */
  bytes(bytes: number): number {
    if (this.cap < bytes) {
      if (this.cap > 0) this.heap.freeBytes(this.ptr);
      this.ptr = this.heap.allocBytes(bytes);
      this.cap = bytes;
    }
    return this.ptr;
  }
}
