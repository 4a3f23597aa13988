import type { Float } from './matrix.js';

/**
 * Index of the first NaN or ±Infinity among x[0:n], or -1: the WASM backend's firstNonFinite for
 * arrays outside its memory, and validateDataset's default. v − v is 0 for a finite v and NaN
 * otherwise, so a sum of them over a block is NaN exactly when the block holds a NaN or ±Infinity;
 * only such a block is scanned: a subtraction and an addition per element instead of a call of
 * `Number.isFinite` (bench/README.md, "Tuning constants").
 */
export function firstNonFiniteBlocks(x: Float, n: number): number {
  for (let b = 0; b < n; b += 4096) {
    const e = Math.min(n, b + 4096);
    let s0 = 0, s1 = 0;
    let i = b;
    for (; i + 1 < e; i += 2) {
      s0 += x[i] - x[i];
      s1 += x[i + 1] - x[i + 1];
    }
    if (i < e) s0 += x[i] - x[i];
    if (s0 + s1 !== 0) {
      for (let j = b; j < e; j++) if (!Number.isFinite(x[j])) return j;
    }
  }
  return -1;
}
