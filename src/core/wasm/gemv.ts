import type { GemmOptions } from '../kernels.js';
import type { Matrix } from '../matrix.js';
import type { Jobs } from './jobs.js';
import type { Staging } from './staging.js';

/**
 * Products of at most this many rows that {@link smallGemm} takes: for so few rows the GEMM's 6-row
 * micro-tiles, its packing of A and its thread hand-over cost more than the rows' work
 * (measurements: bench/README.md, "Tuning constants").
 */
export const GEMV_MAX_ROWS = 5;

/**
 * Computes `C = A·B (+ bias, ReLU)` of at most {@link GEMV_MAX_ROWS} rows with assembly/gemv.ts
 * (Jobs.gemv: the same bits for any thread count) and returns true; returns false,
 * computing nothing, for any other product (transposes, alpha ≠ 1, beta ≠ 0, a mask, more rows).
 * float32 operands, shapes already checked (checkGemmShapes); `stage` is the backend's, not begun.
 */
export function smallGemm(jobs: Jobs, stage: Staging, a: Matrix, b: Matrix, c: Matrix, opts: GemmOptions): boolean {
  const m = c.rows, n = c.cols, k = a.cols;
  if (m > GEMV_MAX_ROWS || m === 0 || n === 0 || k === 0 || opts.transA === true || opts.transB === true || opts.mask) return false;
  if ((opts.alpha ?? 1) !== 1 || (opts.beta ?? 0) !== 0) return false;
  const A = a.data as Float32Array, B = b.data as Float32Array, C = c.data as Float32Array, bias = opts.bias as Float32Array | undefined;
  stage.begin();
  const pa = stage.ptr(A, a.size, 0);
  const pb = stage.ptr(B, b.size, 1);
  const pc = stage.ptr(C, m * n, 2, false);
  const pbias = bias ? stage.ptr(bias, n, 3) : 0;
  jobs.gemv(m, n, k, pa, a.cols, pb, b.cols, pc, n, pbias, opts.relu === true ? 1 : 0);
  stage.flush(C, pc, m * n);
  return true;
}
