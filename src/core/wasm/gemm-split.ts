import { PART, PART_STRIDE } from './ops.js';

/** Micro-tile of the AssemblyScript GEMM (assembly/gemm.ts): MR rows × NR columns. */
const MR = 4;
const NR = 8;
/** Below this many multiply-adds a GEMM stays on one thread (a wake-up costs more than it saves). */
export const PARALLEL_MIN_MACS = 1 << 18;

/**
 * Splits C [m, n] between up to `threads` parts and writes each part's range and scratch into
 * `args` (layout in ops.ts). Splits whole micro-tiles along one output dimension only — never k — so
 * each C element is computed by the same instructions for any thread count (bit-identical results).
 * It cuts the dimension whose split repacks less (columns: each part repacks A, m·k; rows: each
 * part repacks B, k·n). Returns the number of parts.
 *
 * @param work  scratch pointer of each thread, `[threads]`.
 */
export function splitGemm(m: number, n: number, k: number, threads: number, work: number[], args: Float64Array): number {
  const rowTiles = Math.ceil(m / MR);
  const colTiles = Math.ceil(n / NR);
  let parts = m * n * k < PARALLEL_MIN_MACS ? 1 : threads;
  const byCols = colTiles >= parts && (m <= n || rowTiles < parts);
  const tiles = byCols ? colTiles : rowTiles;
  parts = Math.max(1, Math.min(parts, tiles));
  for (let p = 0; p < parts; p++) {
    const t0 = Math.floor((p * tiles) / parts);
    const t1 = Math.floor(((p + 1) * tiles) / parts);
    const o = PART + PART_STRIDE * p;
    if (byCols) {
      args[o] = 0;
      args[o + 1] = m;
      args[o + 2] = t0 * NR;
      args[o + 3] = Math.min(n, t1 * NR);
    } else {
      args[o] = t0 * MR;
      args[o + 1] = Math.min(m, t1 * MR);
      args[o + 2] = 0;
      args[o + 3] = n;
    }
    args[o + 4] = work[p];
  }
  return parts;
}
