// The layout of a job in the shared `Float64Array` args that the main thread and the workers read
// (ops.ts runChunk): which slot holds which argument, by name. Pointers are byte offsets into the
// wasm memory; flags are 0 or 1. A job writes args[OP] and its own named slots; its chunks are
// written at CHUNK + 4c (RECT); each thread's GEMM scratch pointer is at WORK + t.

/** Slot of the job's op code (OP_*). */
export const OP = 0;

/** C = alpha·op(A)·op(B) + beta·C (+ bias, ReLU, mask) (assembly/gemm.ts gemm); chunk c: the rectangle of C. */
export const OP_GEMM = 1;
/**
 * OP_GEMM whose k is two blocks, one per thread: GEMM.s holds S, the scratch of the second k-half;
 * the first half of the chunks computes k-half 0 over their rows, the second half k-half 1
 * (assembly/gemm.ts gemmKHalf).
 */
export const OP_GEMM_K = 4;
/** Adam over element ranges (assembly/optim.ts adamStep); chunk c: elements [i0, i1). */
export const OP_ADAM = 2;
/** Batch gather; chunk c: columns [i0, i1) of the batch rows [j0, j1). */
export const OP_GATHER = 3;
/** x[i0:i1] = value; chunk c: elements [i0, i1). */
export const OP_FILL = 5;
/**
 * A product with a sparse left operand (assembly/sparse.ts); chunk c: rows [i0, i1) of C and, for
 * OP_SPARSE_K, the k-half (the first half of the chunks computes k-half 0, as OP_GEMM_K). B is
 * packed into SPARSE.packed within the job (ops.ts ensurePacked).
 */
export const OP_SPARSE = 6;
export const OP_SPARSE_K = 7;
/**
 * A product of a few rows (assembly/gemv.ts) whose k is two blocks, in GEMM's slots: chunk 0 writes
 * the first k-block's sum into C, chunk 1 the second's into GEMM.s (gemmReduce then finishes C).
 */
export const OP_GEMV_K = 8;

/** Arguments of OP_GEMM, OP_GEMM_K and OP_GEMV_K. */
export const GEMM = {
  transA: 1, transB: 2, k: 3, alpha: 4, beta: 5, a: 6, lda: 7, b: 8, ldb: 9, c: 10, ldc: 11, bias: 12, relu: 13, mask: 14,
  /** OP_GEMM_K: scratch of the second k-half, [m, ldc]. */
  s: 15,
} as const;

/** Arguments of OP_ADAM; c1 = 1 − β₁, c2 = 1 − β₂, decay = 1 − lr·λ, step2, eps2: see assembly/optim.ts adamStep. */
export const ADAM = {
  p: 1, g: 2, m: 3, v: 4, beta1: 5, beta2: 6, c1: 7, c2: 8, weightDecay: 9, decoupled: 10, decay: 11, step2: 12, eps2: 13,
} as const;

/** Arguments of OP_GATHER: rows idx[0..count) (int32) of src [·, cols] into dst [count, cols]. */
export const GATHER = { src: 1, cols: 2, idx: 3, dst: 4, count: 5 } as const;

/** Arguments of OP_FILL. */
export const FILL = { x: 1, value: 2 } as const;

/** Each thread's GEMM scratch pointer: args[WORK + t]. */
export const WORK = 16;
/** Most threads a pool can have. */
export const MAX_PARTS = 64;
/** Chunk c's range at CHUNK + 4c: its slots, as offsets from there (meaning per op, above). */
export const CHUNK = WORK + MAX_PARTS;
export const RECT = { i0: 0, i1: 1, j0: 2, j1: 3 } as const;
export const MAX_CHUNKS = 256;

/**
 * A background batch gather, run by worker 1 alone while the main thread goes on with other jobs
 * (threads.ts startBackground), in slots of its own: rows idx[0..count) of src [·, cols] into dst.
 */
const BG = CHUNK + 4 * MAX_CHUNKS;
export const BACKGROUND = { src: BG, cols: BG + 1, idx: BG + 2, count: BG + 3, dst: BG + 4 } as const;

/** Arguments of OP_SPARSE and OP_SPARSE_K (u, v: the rank-1 term C += u·vᵀ, v = 0: none). */
export const SPARSE = {
  transA: 1, k: 2, n: 3, beta: 4, a: 5, lda: 6, b: 7, ldb: 8, c: 9, bias: 10, relu: 11, scale: 12,
  /** OP_SPARSE_K: scratch of the second k-half, [m, n]. */
  s: 13,
  /** B packed into bands (assembly/sparse.ts packBands), or 0: B read in place. */
  packed: 14,
  u: BG + 8,
  v: BG + 9,
  /** Rows of C (rows pair up as (2j, 2j + 1) whatever the chunks: assembly/sparse.ts). */
  m: BG + 10,
} as const;

export const ARGS_LENGTH = BG + 11;
