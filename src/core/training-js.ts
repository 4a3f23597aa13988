// The reference kernels of the training loop's own steps, one element at a time in float64 (what
// JsKernels runs, and what assembly/norms.ts, regression.ts and dropout.ts are tested against, bit for
// bit): gradient clipping and label smoothing (affine), max-norm (renormCols), the regression losses
// beside squared error, the hit counts of accuracy, and dropout's mask.
import type { Float, Matrix } from './matrix.js';
import { xoshiroNext } from './random.js';

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

/** Σ |p − t|; dpred = scale·sign(p − t), 0 where p = t. */
export function absoluteError(pred: Matrix, target: Matrix, dpred: Matrix | null, scale: number): number {
  const P = pred.data;
  const T = target.data;
  let loss = 0;
  for (let i = 0; i < pred.size; i++) {
    const d = P[i] - T[i];
    loss += Math.abs(d);
    if (dpred) dpred.data[i] = d > 0 ? scale : d < 0 ? -scale : 0;
  }
  return loss;
}

/** Σ ℓ(p − t), ℓ(d) = ½d² for |d| < δ, else δ(|d| − ½δ); dpred = scale·(d, or δ·sign(d)). */
export function huberError(pred: Matrix, target: Matrix, dpred: Matrix | null, scale: number, delta: number): number {
  const P = pred.data;
  const T = target.data;
  let loss = 0;
  for (let i = 0; i < pred.size; i++) {
    const d = P[i] - T[i];
    const a = Math.abs(d);
    if (a < delta) {
      loss += 0.5 * d * d;
      if (dpred) dpred.data[i] = d * scale;
    } else {
      loss += delta * (a - 0.5 * delta);
      if (dpred) dpred.data[i] = (d > 0 ? delta : -delta) * scale;
    }
  }
  return loss;
}

/** Number of i < n with a[i] === b[i]. */
export function countEqual(a: Int32Array, b: Int32Array, n: number): number {
  let hits = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) hits++;
  return hits;
}

/** out[offset + i] = x[i] > threshold ? 1 : 0 for i < n. */
export function greaterThan(x: Float, threshold: number, out: Int32Array, n: number, offset = 0): void {
  for (let i = 0; i < n; i++) out[offset + i] = x[i] > threshold ? 1 : 0;
}

/** out[i] = u_i < keep ? scale : 0 for i < n, u_i = the next xoshiro128** draw from `state` `[4]` (updated) / 2³². */
export function dropoutMask(state: Uint32Array, keep: number, scale: number, out: Float, n: number): void {
  for (let i = 0; i < n; i++) out[i] = xoshiroNext(state) / 4294967296 < keep ? scale : 0;
}
