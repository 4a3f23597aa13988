import {
  ADAM, BACKGROUND, CHUNK, FILL, GATHER, GEMM, OP, OP_ADAM, OP_FILL, OP_GATHER, OP_GEMM, OP_GEMM_K, OP_GEMV_K, OP_SPARSE, OP_SPARSE_K,
  MAX_CHUNKS, RECT, SPARSE, WORK,
} from './job-args.js';

/**
 * The exports of the AssemblyScript kernels (assembly/index.ts), and how the main thread and the
 * workers run the chunks of a job (its arguments: job-args.ts). Pointers are byte offsets into the shared memory.
 */
export interface WasmExports {
  heapBase(): number;
  gemmWorkBytes(): number;
  gemmRowTile(): number;
  gemmInPlaceMaxLd(): number;
  gemm(
    transA: number, transB: number, k: number, alpha: number, beta: number,
    a: number, lda: number, b: number, ldb: number, c: number, ldc: number, bias: number, relu: number, mask: number,
    i0: number, i1: number, j0: number, j1: number, work: number,
  ): void;
  activation(kind: number, x: number, y: number, n: number, alpha: number): void;
  activationBackward(kind: number, x: number, y: number, dy: number, dx: number, n: number, alpha: number): void;
  mul(a: number, b: number, out: number, n: number): void;
  axpy(alpha: number, x: number, y: number, n: number): void;
  sumSquares(x: number, n: number): number;
  firstNonFinite(x: number, n: number): number;
  fill(x: number, n: number, value: number): void;
  gatherCols(src: number, cols: number, c0: number, c1: number, idx: number, count: number, dst: number): void;
  kBlock(k: number): number;
  gemmKHalf(
    transA: number, transB: number, k: number, alpha: number, beta: number,
    a: number, lda: number, b: number, ldb: number, c: number, ldc: number, s: number, half: number,
    i0: number, i1: number, j0: number, j1: number, work: number,
  ): void;
  gemv(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, bias: number, relu: number): void;
  gemmReduce(c: number, ldc: number, s: number, bias: number, relu: number, mask: number, i0: number, i1: number, j0: number, j1: number): void;
  packBands(b: number, ldb: number, k: number, n: number, p0: number, p1: number, dst: number, transA: number): void;
  sparseBand(): number;
  sparseGemm(
    transA: number, m: number, k: number, n: number, beta: number, a: number, lda: number, b: number, ldb: number, c: number,
    bias: number, relu: number, scale: number, u: number, v: number, i0: number, i1: number, work: number,
  ): void;
  sparseGemmKHalf(
    transA: number, m: number, k: number, n: number, beta: number, a: number, lda: number, b: number, ldb: number, c: number, s: number,
    scale: number, u: number, v: number, half: number, i0: number, i1: number, work: number,
  ): void;
  countNonZero(x: number, n: number): number;
  affineCols(x: number, scale: number, shift: number, y: number, rows: number, cols: number): void;
  sumRowsInto(x: number, rows: number, cols: number, out: number): void;
  colMeanVar(x: number, rows: number, cols: number, mean: number, variance: number): void;
  colDot(a: number, b: number, rows: number, cols: number, out: number): void;
  centerScaleCols(x: number, center: number, scale: number, y: number, rows: number, cols: number): void;
  affinePairCols(x: number, a: number, z: number, b: number, c: number, y: number, rows: number, cols: number): void;
  softmaxRowsBackward(y: number, dy: number, dx: number, rows: number, cols: number): void;
  softmaxRows(x: number, y: number, rows: number, cols: number): void;
  logSumExpRows(x: number, rows: number, cols: number, out: number): void;
  softmaxCrossEntropy(z: number, t: number, dz: number, rows: number, cols: number, scale: number): number;
  sigmoidCrossEntropy(z: number, t: number, dz: number, n: number, scale: number): number;
  squaredError(p: number, t: number, dp: number, n: number, scale: number): number;
  absoluteError(p: number, t: number, dp: number, n: number, scale: number): number;
  huberError(p: number, t: number, dp: number, n: number, scale: number, delta: number): number;
  affine(x: number, n: number, a: number, b: number): void;
  renormCols(x: number, rows: number, cols: number, c: number): number;
  dropoutMask(state: number, keep: number, scale: number, out: number, n: number): void;
  sgdStep(
    p: number, g: number, buf: number, n: number,
    lr: number, momentum: number, damp: number, nesterov: number, weightDecay: number, firstStep: number,
  ): void;
  adagradStep(p: number, g: number, sum: number, n: number, clr: number, eps: number, weightDecay: number): void;
  rmspropStep(
    p: number, g: number, sq: number, buf: number, gAvg: number, n: number,
    lr: number, alpha: number, beta: number, eps: number, weightDecay: number, momentum: number, centered: number,
  ): void;
  adamStep(
    p: number, g: number, m: number, v: number, n: number, beta1: number, beta2: number, c1: number, c2: number,
    weightDecay: number, decoupled: number, decay: number, step2: number, eps2: number,
  ): void;
  lionStep(p: number, g: number, m: number, n: number, lr: number, beta1: number, beta2: number, c1: number, c2: number, decay: number): void;
}

/** Int32 slots of the shared sync block: the chunk ticket and the count of finished chunks. */
export const NEXT = 0;
export const DONE = 16;
/** An owned job's chunk-taken flags, one per chunk, from this slot (at most {@link MAX_OWNED} chunks). */
const CLAIM = 20;
export const MAX_OWNED = MAX_CHUNKS;
/** A sparse product's two pack states (0: to pack, 1: being packed, 2: packed), one per k-half. */
const PACKED = CLAIM + MAX_OWNED;
/** Int32 length of the sync block. */
export const SYNC_LENGTH = PACKED + 2;

/** Marks B of the next sparse product as not packed yet (before its job opens). */
export function resetPacked(sync: Int32Array): void {
  Atomics.store(sync, PACKED, 0);
  Atomics.store(sync, PACKED + 1, 0);
}

/**
 * Rows [p0, p1) of a sparse product's B packed into bands (args: job-args.ts SPARSE) before a chunk
 * reads them: the first thread to arrive packs them, one that arrives meanwhile waits (packing is a
 * copy: whoever does it, the bands are the same). Nothing to do when B is read in place.
 */
function ensurePacked(ex: WasmExports, args: Float64Array, sync: Int32Array, slot: number, p0: number, p1: number): void {
  const s = PACKED + slot;
  if (args[SPARSE.packed] === 0 || Atomics.load(sync, s) === 2) return;
  if (Atomics.compareExchange(sync, s, 0, 1) === 0) {
    ex.packBands(args[SPARSE.b], args[SPARSE.ldb], args[SPARSE.k], args[SPARSE.n], p0, p1, args[SPARSE.packed], args[SPARSE.transA]);
    Atomics.store(sync, s, 2);
    Atomics.notify(sync, s);
    return;
  }
  for (let spins = 0; Atomics.load(sync, s) !== 2; ) if (++spins > 1000) Atomics.wait(sync, s, 1, 1);
}
/** Ticket bit of an owned job: chunks belong to threads, which take their own first (see {@link openJob}). */
const OWNED = 1 << 30;

/**
 * Opens the job in `args` with `chunks` chunks. A plain job hands chunks out in order, from a ticket
 * word that packs (chunks << 16 | next index): a thread that takes a ticket knows from that one
 * atomic read whether it is a real chunk of the job now open (nothing is left of a finished one).
 * An `owned` job (owners = its thread count) gives each thread a run of consecutive chunks, thread t
 * the t-th of `owners` equal runs: every thread runs its own chunks first, in order, then takes the
 * chunks still untaken from the ends of the other threads' runs. Threads thus keep the same data from
 * job to job (the same half of a weight matrix in the forward GEMM, its gradient rows and its Adam
 * update, in their own core's cache), and a thread slowed down by the host leaves its last chunks to
 * the other. Each chunk is taken exactly once (a flag per chunk, compare-and-swap).
 */
export function openJob(sync: Int32Array, chunks: number, owners = 0): void {
  Atomics.store(sync, DONE, 0);
  if (owners > 0) {
    if (chunks > MAX_OWNED) throw new RangeError(`openJob: an owned job has at most ${MAX_OWNED} chunks, found ${chunks}`);
    // the ticket word first, then the flags: a thread that claims a flag of this job then reads
    // this job's ticket word (see take), even if it started runPart in an earlier job
    Atomics.store(sync, NEXT, OWNED | (chunks << 16) | owners);
    for (let c = 0; c < chunks; c++) Atomics.store(sync, CLAIM + c, 0);
  } else {
    Atomics.store(sync, NEXT, chunks << 16);
  }
}

/** First chunk of thread t's run in an owned job of `chunks` chunks over `owners` threads. */
function runStart(t: number, chunks: number, owners: number): number {
  return Math.floor((t * chunks) / owners);
}

/**
 * Thread `t`'s share of the open job: takes chunks until none is left, so a late or descheduled
 * thread just takes fewer. The same code runs on the main thread and in workers; which thread
 * computes a chunk does not change its bits.
 */
export function runPart(ex: WasmExports, args: Float64Array, sync: Int32Array, t: number): void {
  const head = Atomics.load(sync, NEXT);
  if (head & OWNED) {
    const chunks = (head >>> 16) & 0x3fff;
    const owners = head & 0xffff;
    // own run first, in order; then the others' runs from their ends
    for (let c = runStart(t, chunks, owners), end = runStart(t + 1, chunks, owners); c < end; c++) take(ex, args, sync, c, t);
    for (let o = 1; o < owners; o++) {
      const u = (t + o) % owners;
      for (let c = runStart(u + 1, chunks, owners) - 1, start = runStart(u, chunks, owners); c >= start; c--) take(ex, args, sync, c, t);
    }
    return;
  }
  for (;;) {
    const ticket = Atomics.add(sync, NEXT, 1);
    const chunks = (ticket >>> 16) & 0x3fff;
    const c = ticket & 0xffff;
    if (c >= chunks || ticket & OWNED) return;
    runChunk(ex, args, sync, c, t, chunks);
    if (Atomics.add(sync, DONE, 1) + 1 === chunks) Atomics.notify(sync, DONE);
  }
}

/**
 * Runs chunk c of an owned job unless another thread has taken it. The chunk count is read again
 * after the claim: a thread late from an earlier job may claim a chunk of the next one.
 */
function take(ex: WasmExports, args: Float64Array, sync: Int32Array, c: number, t: number): void {
  if (Atomics.load(sync, CLAIM + c) !== 0 || Atomics.compareExchange(sync, CLAIM + c, 0, 1) !== 0) return;
  const chunks = (Atomics.load(sync, NEXT) >>> 16) & 0x3fff;
  runChunk(ex, args, sync, c, t, chunks);
  if (Atomics.add(sync, DONE, 1) + 1 === chunks) Atomics.notify(sync, DONE);
}

function runChunk(ex: WasmExports, args: Float64Array, sync: Int32Array, c: number, t: number, chunks: number): void {
  const o = CHUNK + 4 * c;
  const i0 = args[o + RECT.i0], i1 = args[o + RECT.i1], j0 = args[o + RECT.j0], j1 = args[o + RECT.j1];
  const work = args[WORK + t];
  const op = args[OP];
  if (op === OP_GEMM || op === OP_GEMM_K) {
    const G = GEMM, transA = args[G.transA], transB = args[G.transB], k = args[G.k], alpha = args[G.alpha], beta = args[G.beta];
    if (op === OP_GEMM) {
      ex.gemm(
        transA, transB, k, alpha, beta, args[G.a], args[G.lda], args[G.b], args[G.ldb], args[G.c], args[G.ldc],
        args[G.bias], args[G.relu], args[G.mask], i0, i1, j0, j1, work,
      );
    } else {
      // the first half of the chunks computes the first k-half, the second half the second
      ex.gemmKHalf(
        transA, transB, k, alpha, beta, args[G.a], args[G.lda], args[G.b], args[G.ldb], args[G.c], args[G.ldc],
        args[G.s], c < chunks / 2 ? 0 : 1, i0, i1, j0, j1, work,
      );
    }
  } else if (op === OP_GEMV_K) {
    // rows [i0, i1), columns [j0, j1): the first half of the chunks sums over the first k-block into C, the second over the second into S (no bias, no ReLU: gemmReduce adds them)
    const G = GEMM, k = args[G.k], kb = ex.kBlock(k), lda = args[G.lda], ldb = args[G.ldb], ldc = args[G.ldc];
    const a = args[G.a] + 4 * i0 * lda, b = args[G.b] + 4 * j0, out = 4 * (i0 * ldc + j0);
    if (c < chunks / 2) ex.gemv(i1 - i0, j1 - j0, kb, a, lda, b, ldb, args[G.c] + out, ldc, 0, 0);
    else ex.gemv(i1 - i0, j1 - j0, k - kb, a + 4 * kb, lda, b + 4 * kb * ldb, ldb, args[G.s] + out, ldc, 0, 0);
  } else if (op === OP_SPARSE || op === OP_SPARSE_K) {
    const S = SPARSE, k = args[S.k], packed = args[S.packed];
    // packed B: bands, no row stride
    const b = packed || args[S.b], ldb = packed ? 0 : args[S.ldb];
    if (op === OP_SPARSE) {
      ensurePacked(ex, args, sync, 0, 0, k);
      ex.sparseGemm(
        args[S.transA], args[S.m], k, args[S.n], args[S.beta], args[S.a], args[S.lda], b, ldb, args[S.c], args[S.bias], args[S.relu],
        args[S.scale], args[S.u], args[S.v], i0, i1, work,
      );
    } else {
      const kb = ex.kBlock(k), half = c < chunks / 2 ? 0 : 1;
      if (half === 0) ensurePacked(ex, args, sync, 0, 0, kb);
      else ensurePacked(ex, args, sync, 1, kb, k);
      ex.sparseGemmKHalf(
        args[S.transA], args[S.m], k, args[S.n], args[S.beta], args[S.a], args[S.lda], b, ldb, args[S.c], args[S.s], args[S.scale],
        args[S.u], args[S.v], half, i0, i1, work,
      );
    }
  } else if (op === OP_GATHER) {
    // columns [i0, i1) of batch rows [j0, j1)
    const cols = args[GATHER.cols];
    ex.gatherCols(args[GATHER.src], cols, i0, i1, args[GATHER.idx] + 4 * j0, j1 - j0, args[GATHER.dst] + 4 * j0 * cols);
  } else if (op === OP_FILL) {
    ex.fill(args[FILL.x] + 4 * i0, i1 - i0, args[FILL.value]);
  } else if (op === OP_ADAM) {
    // element-wise: each element's update is the same whichever chunk holds it
    const A = ADAM, b = 4 * i0;
    ex.adamStep(
      args[A.p] + b, args[A.g] + b, args[A.m] + b, args[A.v] + b, i1 - i0,
      args[A.beta1], args[A.beta2], args[A.c1], args[A.c2], args[A.weightDecay], args[A.decoupled], args[A.decay], args[A.step2], args[A.eps2],
    );
  }
}

/** The background gather whose arguments are at BACKGROUND: whole rows, in order. */
export function runBackground(ex: WasmExports, args: Float64Array): void {
  const B = BACKGROUND, cols = args[B.cols];
  ex.gatherCols(args[B.src], cols, 0, cols, args[B.idx], args[B.count], args[B.dst]);
}
