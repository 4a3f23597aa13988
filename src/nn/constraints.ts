import { ConfigError } from '../errors.js';
import type { Float } from '../core/matrix.js';
import { Dense } from './layers/dense.js';
import type { Sequential } from './model.js';
import { markParamsWritten } from './param-writes.js';

/**
 * Max-norm constraint (Srivastava et al. 2014, §5.1, https://jmlr.org/papers/v15/srivastava14a.html),
 * applied after each optimizer step: every hidden unit's incoming weight vector — a column of a
 * hidden Dense layer's W [in, out] — is rescaled onto the ball of radius c when it lies outside.
 * The output layer (the last Dense) is left free, as in the paper; biases are never constrained.
 * @remarks w_:j ← w_:j · min(1, c / ‖w_:j‖₂)
 * @returns the number of columns rescaled
 */
export function applyMaxNorm(model: Sequential, c: number): number {
  if (!(c > 0 && Number.isFinite(c))) throw new ConfigError(`maxNorm: the norm bound must be > 0, found ${c}`);
  const dense = model.layers.filter((l): l is Dense => l instanceof Dense);
  let clipped = 0;
  markParamsWritten();
  for (let l = 0; l < dense.length - 1; l++) {
    const w = dense[l].params()[0].value; // [in, out]
    clipped += maxNormColumns(w.data, w.rows, w.cols, c);
  }
  return clipped;
}

/** Rescales each column of the row-major `[rows, cols]` matrix `w` to L2 norm ≤ c, in place. */
export function maxNormColumns(w: Float, rows: number, cols: number, c: number): number {
  let clipped = 0;
  for (let j = 0; j < cols; j++) {
    let ss = 0;
    for (let i = j; i < rows * cols; i += cols) ss += w[i] * w[i];
    if (ss <= c * c) continue;
    const s = c / Math.sqrt(ss);
    for (let i = j; i < rows * cols; i += cols) w[i] *= s;
    clipped++;
  }
  return clipped;
}
