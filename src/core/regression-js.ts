// The reference loops of the regression losses beside squared error, one element at a time in float64
// (what JsKernels runs, and what assembly/regression.ts is tested against, bit for bit).
import type { Matrix } from './matrix.js';

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
