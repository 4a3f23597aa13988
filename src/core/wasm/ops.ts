/**
 * The exports of the AssemblyScript kernels (assembly/index.ts) and the layout of a job that the
 * main thread and the workers split between them. Pointers are byte offsets into the shared memory.
 */
export interface WasmExports {
  heapBase(): number;
  gemmWorkBytes(): number;
  gemm(
    transA: number, transB: number, k: number, alpha: number, beta: number,
    a: number, lda: number, b: number, ldb: number, c: number, ldc: number, bias: number,
    i0: number, i1: number, j0: number, j1: number, work: number,
  ): void;
  activation(kind: number, x: number, y: number, n: number, alpha: number): void;
  activationBackward(kind: number, x: number, y: number, dy: number, dx: number, n: number, alpha: number): void;
  mul(a: number, b: number, out: number, n: number): void;
  axpy(alpha: number, x: number, y: number, n: number): void;
  sumSquares(x: number, n: number): number;
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

/**
 * Job layout in the shared `Float64Array` args: [op, transA, transB, k, alpha, beta, a, lda, b, ldb,
 * c, ldc, bias], then per part p at PART + 5p: [i0, i1, j0, j1, work].
 */
export const PART = 16;
export const PART_STRIDE = 5;
/** Most parts (threads) a job can have. */
export const MAX_PARTS = 64;
export const ARGS_LENGTH = PART + PART_STRIDE * MAX_PARTS;

/** Runs part `p` of the job in `args`; the same code runs on the main thread and in workers. */
export function runPart(ex: WasmExports, args: Float64Array, p: number): void {
  const o = PART + PART_STRIDE * p;
  if (args[0] === OP_GEMM) {
    ex.gemm(
      args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8], args[9], args[10], args[11], args[12],
      args[o], args[o + 1], args[o + 2], args[o + 3], args[o + 4],
    );
  }
}
