import type { Float, Matrix } from './matrix.js';

// The reference loops of row-wise softmax, its backward and log-sum-exp (Kernels.softmaxRows,
// softmaxRowsBackward, logSumExpRows), the counterparts of assembly/rows.ts; softmax cross-entropy
// (src/nn/losses/softmax-cross-entropy.ts) takes its log-sum-exp from here. x, y: [rows, cols].

/** log Σ_j exp(x[o + j]) for j < n, shifted by the max so it stays finite for logits of ±1e4. */
export function rowLogSumExp(x: Float, o: number, n: number): number {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (x[o + j] > max) max = x[o + j];
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (let j = 0; j < n; j++) s += Math.exp(x[o + j] - max);
  return max + Math.log(s);
}

/** y_ij = exp(x_ij − lse_i), lse_i = log Σ_j exp(x_ij); y may alias x. */
export function softmaxRows(x: Matrix, y: Matrix): void {
  const X = x.data;
  const Y = y.data;
  const cols = x.cols;
  for (let i = 0; i < x.rows; i++) {
    const o = i * cols;
    const lse = rowLogSumExp(X, o, cols);
    for (let j = 0; j < cols; j++) Y[o + j] = Math.exp(X[o + j] - lse);
  }
}

/** dx_ij = y_ij·(dy_ij − Σ_k dy_ik·y_ik): softmax's backward from its output.  y, dy, dx: [N, cols]; dx may alias dy. */
export function softmaxRowsBackward(y: Matrix, dy: Matrix, dx: Matrix): void {
  const { rows, cols, data: Y } = y;
  const D = dy.data;
  const O = dx.data;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += D[o + j] * Y[o + j];
    for (let j = 0; j < cols; j++) O[o + j] = Y[o + j] * (D[o + j] - dot);
  }
}

/** out[i] = log Σ_j exp(x_ij).  out: [rows]. */
export function logSumExpRows(x: Matrix, out: Float): void {
  for (let i = 0; i < x.rows; i++) out[i] = rowLogSumExp(x.data, i * x.cols, x.cols);
}
