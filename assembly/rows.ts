// Row-wise kernels (softmax, log-sum-exp) and the fused losses. Loss sums and log-sum-exp are
// accumulated in f64; element results are f32.

import { sigmoidf } from './elementwise';

/** log Σ_j exp(x[j]) over one row of n floats, shifted by the max; -∞ for an all -∞ row. */
function rowLse(x: usize, n: i32): f64 {
  let max: f32 = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = load<f32>(x + <usize>j * 4);
    if (v > max) max = v;
  }
  if (max == -Infinity) return -Infinity;
  let s: f64 = 0;
  for (let j = 0; j < n; j++) s += <f64>Mathf.exp(load<f32>(x + <usize>j * 4) - max);
  return <f64>max + Math.log(s);
}

/** y[i, :] = exp(x[i, :] - lse_i). x, y: [rows, cols]; y may alias x. */
export function softmaxRows(x: usize, y: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const o = <usize>(i * cols) * 4;
    const lse = rowLse(x + o, cols);
    for (let j = 0; j < cols; j++) {
      const p = o + <usize>j * 4;
      store<f32>(y + p, Mathf.exp(<f32>(<f64>load<f32>(x + p) - lse)));
    }
  }
}

/** out[i] = log Σ_j exp(x[i, j]). x: [rows, cols], out: [rows]. */
export function logSumExpRows(x: usize, rows: i32, cols: i32, out: usize): void {
  for (let i = 0; i < rows; i++) store<f32>(out + <usize>i * 4, <f32>rowLse(x + <usize>(i * cols) * 4, cols));
}

/** Σ_i Σ_j t_ij·(lse_i - z_ij); dz = scale·(softmax(z) - t) if dz ≠ 0. z, t, dz: [rows, cols]. */
export function softmaxCrossEntropy(z: usize, t: usize, dz: usize, rows: i32, cols: i32, scale: f32): f64 {
  let loss: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const o = <usize>(i * cols) * 4;
    const lse = rowLse(z + o, cols);
    for (let j = 0; j < cols; j++) {
      const p = o + <usize>j * 4;
      const tv = load<f32>(t + p);
      const zv = <f64>load<f32>(z + p);
      if (tv != 0) loss += <f64>tv * (lse - zv);
      if (dz) store<f32>(dz + p, scale * (Mathf.exp(<f32>(zv - lse)) - tv));
    }
  }
  return loss;
}

/** Σ max(z,0) - z·t + log(1 + e^{-|z|}); dz = scale·(σ(z) - t) if dz ≠ 0. Over n elements. */
export function sigmoidCrossEntropy(z: usize, t: usize, dz: usize, n: i32, scale: f32): f64 {
  let loss: f64 = 0;
  for (let i = 0; i < n; i++) {
    const p = <usize>i * 4;
    const zv = load<f32>(z + p);
    const tv = load<f32>(t + p);
    loss += <f64>max<f32>(zv, 0) - <f64>zv * <f64>tv + <f64>Mathf.log1p(Mathf.exp(-Mathf.abs(zv)));
    if (dz) store<f32>(dz + p, scale * (sigmoidf(zv) - tv));
  }
  return loss;
}

/** Σ (p - t)²; dp = scale·2·(p - t) if dp ≠ 0. Over n elements. */
export function squaredError(pr: usize, t: usize, dp: usize, n: i32, scale: f32): f64 {
  let loss: f64 = 0;
  const s2 = scale * 2;
  for (let i = 0; i < n; i++) {
    const p = <usize>i * 4;
    const d = load<f32>(pr + p) - load<f32>(t + p);
    loss += <f64>d * <f64>d;
    if (dp) store<f32>(dp + p, s2 * d);
  }
  return loss;
}

/** dx[i, :] = y[i, :] ⊙ (dy[i, :] − Σ_j dy[i, j]·y[i, j]) (the dot in f64). y, dy, dx: [rows, cols]; dx may alias dy. */
export function softmaxRowsBackward(y: usize, dy: usize, dx: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    const o = <usize>(i * cols) * 4;
    let dot: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const p = o + <usize>j * 4;
      dot += <f64>(load<f32>(dy + p) * load<f32>(y + p));
    }
    const d = <f32>dot;
    for (let j = 0; j < cols; j++) {
      const p = o + <usize>j * 4;
      store<f32>(dx + p, load<f32>(y + p) * (load<f32>(dy + p) - d));
    }
  }
}
