import type { Float, Matrix } from './matrix.js';

// From outputs to predicted classes, and the hits of accuracy (Kernels.argmaxRows, greaterThan,
// countEqual): the reference, which the WebAssembly backend also runs (Int32Array outputs, not hot loops).

/** out[offset + i] = index of the largest x_ij (the first one on ties).  x: [rows, cols]. */
export function argmaxRows(x: Matrix, out: Int32Array, offset = 0): void {
  const X = x.data;
  const cols = x.cols;
  for (let i = 0; i < x.rows; i++) {
    const o = i * cols;
    let best = 0;
    for (let j = 1; j < cols; j++) if (X[o + j] > X[o + best]) best = j;
    out[offset + i] = best;
  }
}

/** out[offset + i] = x[i] > threshold ? 1 : 0 for i < n. */
export function greaterThan(x: Float, threshold: number, out: Int32Array, n: number, offset = 0): void {
  for (let i = 0; i < n; i++) out[offset + i] = x[i] > threshold ? 1 : 0;
}

/** Number of i < n with a[i] === b[i]. */
export function countEqual(a: Int32Array, b: Int32Array, n: number): number {
  let hits = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) hits++;
  return hits;
}
