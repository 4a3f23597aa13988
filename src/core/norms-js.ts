// The reference loops of scaling in place and column norms, one element at a time in float64 (what
// JsKernels runs, and what assembly/norms.ts is tested against, bit for bit): gradient clipping and
// label smoothing (affine), max-norm (renormCols).
import type { Float, Matrix } from './matrix.js';

/** x = a·x + b over the first n elements. */
export function affine(x: Float, a: number, b: number, n: number): void {
  for (let i = 0; i < n; i++) x[i] = a * x[i] + b;
}

/** Columns of x [rows, cols] with Σ_i x_ij² > c² scaled by c/‖x_:j‖; returns how many. */
export function renormCols(x: Matrix, c: number): number {
  const X = x.data;
  const { rows, cols } = x;
  let scaled = 0;
  for (let j = 0; j < cols; j++) {
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += X[i * cols + j] * X[i * cols + j];
    if (ss <= c * c) continue;
    const s = c / Math.sqrt(ss);
    for (let i = 0; i < rows; i++) X[i * cols + j] *= s;
    scaled++;
  }
  return scaled;
}
