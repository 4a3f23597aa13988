/**
 * The exports of the AssemblyScript kernels (assembly/index.ts) and the layout of a job that the
 * main thread and the workers split between them. Pointers are byte offsets into the shared memory.
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
  gatherRows(src: number, cols: number, idx: number, count: number, dst: number): void;
  sumRowsInto(x: number, rows: number, cols: number, out: number): void;
  softmaxRows(x: number, y: number, rows: number, cols: number): void;
  logSumExpRows(x: number, rows: number, cols: number, out: number): void;
  softmaxCrossEntropy(z: number, t: number, dz: number, rows: number, cols: number, scale: number): number;
  sigmoidCrossEntropy(z: number, t: number, dz: number, n: number, scale: number): number;
  squaredError(p: number, t: number, dp: number, n: number, scale: number): number;
  sgdStep(
    p: number, g: number, buf: number, n: number,
    lr: number, momentum: number, dampening: number, nesterov: number, weightDecay: number, firstStep: number,
  ): void;
  adagradStep(p: number, g: number, sum: number, n: number, clr: number, eps: number, weightDecay: number): void;
  rmspropStep(
    p: number, g: number, sq: number, buf: number, gAvg: number, n: number,
    lr: number, alpha: number, eps: number, weightDecay: number, momentum: number, centered: number,
  ): void;
  adamStep(
    p: number, g: number, m: number, v: number, n: number, beta1: number, beta2: number, eps: number,
    weightDecay: number, decoupled: number, decay: number, stepSize: number, bc2Sqrt: number,
  ): void;
}

export const OP_GEMM = 1;
/** Adam over element ranges: args [op, p, g, m, v, beta1, beta2, eps, wd, decoupled, decay, stepSize, bc2Sqrt]; chunk c: [i0, i1]. */
export const OP_ADAM = 2;
/** Row gather: args [op, src, cols, idx, dst]; chunk c: rows [i0, i1] of the batch. */
export const OP_GATHER = 3;

/**
 * Job layout in the shared `Float64Array` args: [op, transA, transB, k, alpha, beta, a, lda, b, ldb,
 * c, ldc, bias, relu, mask]; at WORK + t the GEMM scratch pointer of thread t; at CHUNK + 4c the output
 * rectangle [i0, i1, j0, j1] of chunk c.
 */
export const WORK = 16;
/** Most threads a pool can have. */
export const MAX_PARTS = 64;
export const CHUNK = WORK + MAX_PARTS;
export const MAX_CHUNKS = 256;
export const ARGS_LENGTH = CHUNK + 4 * MAX_CHUNKS;

/** Int32 slots of the shared sync block: the chunk ticket and the count of finished chunks. */
export const NEXT = 0;
export const DONE = 16;

/**
 * Opens the job in `args` with `chunks` chunks: the ticket word packs (chunks << 16 | next index),
 * so a thread that takes a ticket knows, from that one atomic read, whether it is a real chunk of
 * the job that was open — a thread that wakes late for a finished job takes nothing.
 */
export function openJob(sync: Int32Array, chunks: number): void {
  Atomics.store(sync, DONE, 0);
  Atomics.store(sync, NEXT, chunks << 16);
}

/**
 * Thread `t`'s share of the open job: takes chunks until none is left, so a late or descheduled
 * thread just takes fewer. The same code runs on the main thread and in workers; which thread
 * computes a chunk does not change its bits.
 */
export function runPart(ex: WasmExports, args: Float64Array, sync: Int32Array, t: number): void {
  const work = args[WORK + t];
  for (;;) {
    const ticket = Atomics.add(sync, NEXT, 1);
    const chunks = ticket >>> 16;
    const c = ticket & 0xffff;
    if (c >= chunks) return;
    const o = CHUNK + 4 * c;
    const op = args[0];
    if (op === OP_GEMM) {
      ex.gemm(
        args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8], args[9], args[10], args[11], args[12],
        args[13], args[14], args[o], args[o + 1], args[o + 2], args[o + 3], work,
      );
    } else if (op === OP_GATHER) {
      const i0 = args[o], cols = args[2];
      ex.gatherRows(args[1], cols, args[3] + 4 * i0, args[o + 1] - i0, args[4] + 4 * i0 * cols);
    } else if (op === OP_ADAM) {
      // element-wise: each element's update is the same whichever chunk holds it
      const i0 = args[o], b = 4 * i0;
      ex.adamStep(
        args[1] + b, args[2] + b, args[3] + b, args[4] + b, args[o + 1] - i0,
        args[5], args[6], args[7], args[8], args[9], args[10], args[11], args[12],
      );
    }
    if (Atomics.add(sync, DONE, 1) + 1 === chunks) Atomics.notify(sync, DONE);
  }
}
