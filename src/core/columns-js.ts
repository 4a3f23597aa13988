import type { Float, Matrix } from './matrix.js';

// The reference loops of the column statistics and column-wise affine maps (Kernels.colMeanVar,
// colDot, centerScaleCols, affinePairCols): sums in float64 (JS numbers) down each column in row
// order, as the WebAssembly kernels (assembly/columns.ts) sum them.

/** Column sums in float64, reused from call to call (no garbage per batch-norm step). */
let sums = new Float64Array(0);

/**
 * mean[j] = (1/N)·Σ_i x_ij;  variance[j] = (1/N)·Σ_i (x_ij − mean_j)²  (biased; two passes). x: [N, cols].
 * Each pass sweeps x row by row — a column walk would stride the whole matrix once per column
 * (bench/README.md, "Tuning constants") — and every column still sums in row order.
 */
export function colMeanVar(x: Matrix, mean: Float, variance: Float): void {
  const { rows, cols, data: X } = x;
  if (sums.length < 2 * cols) sums = new Float64Array(2 * cols);
  const s = sums.subarray(0, cols), q = sums.subarray(cols, 2 * cols);
  s.fill(0);
  q.fill(0);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) s[j] += X[o + j];
  }
  for (let j = 0; j < cols; j++) s[j] /= rows;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const d = X[o + j] - s[j];
      q[j] += d * d;
    }
  }
  for (let j = 0; j < cols; j++) {
    mean[j] = s[j];
    variance[j] = q[j] / rows;
  }
}

/** out[j] = Σ_i a_ij·b_ij.  a, b: [N, cols]; out: [cols]. */
export function colDot(a: Matrix, b: Matrix, out: Float): void {
  const { rows, cols, data: A } = a;
  const B = b.data;
  const round = A instanceof Float32Array ? Math.fround : (v: number) => v;
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += round(A[i * cols + j] * B[i * cols + j]);
    out[j] = s;
  }
}

/** y_ij = (x_ij − center_j)·scale_j.  x, y: [N, cols]; center, scale: [cols]; y may alias x. */
export function centerScaleCols(x: Matrix, center: Float, scale: Float, y: Matrix): void {
  const { cols, data: X } = x;
  const Y = y.data;
  for (let i = 0; i < x.size; i++) {
    const j = i % cols;
    Y[i] = (X[i] - center[j]) * scale[j];
  }
}

/** y_ij = x_ij·a_j + z_ij·b_j + c_j.  x, z, y: [N, cols]; a, b, c: [cols]; y may alias x or z. */
export function affinePairCols(x: Matrix, a: Float, z: Matrix, b: Float, c: Float, y: Matrix): void {
  const { cols, data: X } = x;
  const Z = z.data;
  const Y = y.data;
  for (let i = 0; i < x.size; i++) {
    const j = i % cols;
    Y[i] = X[i] * a[j] + Z[i] * b[j] + c[j];
  }
}
