import { CHUNK, MAX_CHUNKS, RECT } from './job-args.js';

/** Columns of the AssemblyScript GEMM's micro-tile (assembly/gemm.ts); its rows, `mr`, are the module's `gemmRowTile()` (6 or 5, by build). */
const NR = 8;
/** A non-transposed B with at most this many columns is read in place by the micro-kernel (assembly/gemm.ts, checked against `gemmInPlaceMaxLd()`). */
export const B_IN_PLACE_MAX_LD = 256;
/**
 * Below this many multiply-adds a GEMM stays on one thread: a second thread saves its share of the
 * work but costs a job hand-over. Small enough that the MLP's output-layer GEMMs (128·128·10) are
 * split (measurements: bench/README.md, "Tuning constants").
 */
export const PARALLEL_MIN_MACS = 1 << 14;
/**
 * A GEMM that repacks an operand per chunk gets more chunks than threads only while each chunk keeps
 * at least this many multiply-adds: below it the extra repack costs more than the balancing saves
 * (a B read in place repacks nothing and is cut finer: {@link splitGemm}; measurements:
 * bench/README.md, "Tuning constants").
 */
const CHUNK_MACS = 1 << 25;

/**
 * Cuts C [m, n] into chunks of whole micro-tiles along one output dimension — never along k — and
 * writes them into `args` (layout in job-args.ts): each C element is then computed by the same
 * instructions whichever thread takes its chunk, so results are bit-identical for any thread count.
 * It cuts the dimension whose split repacks less (columns: each chunk repacks A, m·k; rows: each
 * chunk repacks B, k·n — or nothing when `bInPlace`, B being read in place: see
 * {@link B_IN_PLACE_MAX_LD}). Rows over a B read in place cost nothing to cut finer, so they make an
 * owned job of `ownedPerThread` chunks per thread (ops.ts openJob: each thread runs its own first,
 * a slowed-down thread leaves its last ones to the others). Otherwise products of more than
 * {@link CHUNK_MACS} per chunk get up to 2 chunks per thread, so that a thread that starts late
 * takes fewer, at the cost of one more repack per chunk.
 * Returns the number of chunks (at most that many threads are worth waking) and whether the job is owned.
 */
export function splitGemm(
  m: number, n: number, k: number, threads: number, args: Float64Array, mr: number, bInPlace = false, ownedPerThread = 1,
): { chunks: number; owned: boolean } {
  const macs = m * n * k;
  const rowTiles = Math.ceil(m / mr);
  const colTiles = Math.ceil(n / NR);
  const parts = macs < PARALLEL_MIN_MACS ? 1 : threads;
  // a B read in place is never repacked, so cutting rows costs no packing (columns would repack A)
  const byCols = bInPlace ? rowTiles < parts : colTiles >= parts && (m <= n || rowTiles < parts);
  const tiles = byCols ? colTiles : rowTiles;
  const owned = parts > 1 && bInPlace && !byCols;
  const want = owned
    ? parts * ownedPerThread
    : Math.min(Math.max(Math.floor(macs / CHUNK_MACS), parts), parts * 2);
  const chunks = parts === 1 ? 1 : Math.max(1, Math.min(tiles, want, MAX_CHUNKS));
  for (let c = 0; c < chunks; c++) {
    const t0 = Math.floor((c * tiles) / chunks);
    const t1 = Math.floor(((c + 1) * tiles) / chunks);
    const o = CHUNK + 4 * c;
    if (byCols) {
      args[o + RECT.i0] = 0;
      args[o + RECT.i1] = m;
      args[o + RECT.j0] = t0 * NR;
      args[o + RECT.j1] = Math.min(n, t1 * NR);
    } else {
      args[o + RECT.i0] = t0 * mr;
      args[o + RECT.i1] = Math.min(m, t1 * mr);
      args[o + RECT.j0] = 0;
      args[o + RECT.j1] = n;
    }
  }
  return { chunks, owned: owned && chunks > 1 };
}

/** Element-wise updates (Adam) of at least this many elements are split over the threads. */
export const PARALLEL_MIN_ELEMS = 1 << 14;

/** Cuts [0, n) into `chunks` ranges [i0, i1) with i0 a multiple of 16, written at CHUNK + 4c of args. */
export function splitElements(n: number, chunks: number, args: Float64Array): number {
  const blocks = Math.ceil(n / 16);
  for (let c = 0; c < chunks; c++) {
    args[CHUNK + 4 * c + RECT.i0] = 16 * Math.floor((c * blocks) / chunks);
    args[CHUNK + 4 * c + RECT.i1] = Math.min(n, 16 * Math.floor(((c + 1) * blocks) / chunks));
  }
  return chunks;
}
