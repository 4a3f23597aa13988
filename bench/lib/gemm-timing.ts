/**
 * Timing one GEMM shape on a set of kernels: what bench/gemm.ts (the micro-benchmark) and
 * bench/scaling.ts (the WASM SIMD peak its sweep is measured against) share.
 */
import { performance } from 'node:perf_hooks';
import type { GemmOptions, Kernels } from '../../src/core/kernels.js';
import { Matrix } from '../../src/core/matrix.js';

/** C[m, n] = op(A)·op(B), op(A) [m, k], op(B) [k, n]. */
export interface GemmShape {
  label: string;
  m: number;
  k: number;
  n: number;
  transA?: boolean;
  transB?: boolean;
}

/** The large square product the sweep takes as the kernels' peak. */
export const SQUARE_512: GemmShape = { label: 'square 512³', m: 512, k: 512, n: 512 };

export interface GemmTiming {
  gflops: number;
  medianMs: number;
  runs: number;
}

/** Median seconds per call of `f`, timing single calls for about `budget` seconds after a warm-up of a fifth of it. */
export function medianTime(f: () => void, budget: number): { median: number; runs: number } {
  const warm = performance.now();
  do f();
  while (performance.now() - warm < budget * 200);
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start < budget * 1000 && times.length < 500)) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  return { median: times[times.length >> 1] / 1000, runs: times.length };
}

/** Random operands of `s` in the kernels' memory: [A, B, C]. */
function operands(k: Kernels, s: GemmShape): [Matrix, Matrix, Matrix] {
  const mat = (rows: number, cols: number): Matrix => {
    const m = new Matrix(rows, cols, k.alloc(rows * cols));
    for (let i = 0; i < m.size; i++) m.data[i] = Math.random() * 2 - 1;
    return m;
  };
  const a = s.transA ? mat(s.k, s.m) : mat(s.m, s.k);
  const b = s.transB ? mat(s.n, s.k) : mat(s.k, s.n);
  return [a, b, mat(s.m, s.n)];
}

/** `k.gemm` at shape `s` on the kernels' current thread count: GFLOPS (2·m·k·n per call) of the median call over about `budget` seconds. */
export function timeGemm(k: Kernels, s: GemmShape, budget: number): GemmTiming {
  const [a, b, c] = operands(k, s);
  const opts: GemmOptions = { transA: s.transA, transB: s.transB };
  const { median, runs } = medianTime(() => k.gemm(a, b, c, opts), budget);
  for (const m of [a, b, c]) k.release(m.data);
  return { gflops: (2 * s.m * s.k * s.n) / median / 1e9, medianMs: median * 1e3, runs };
}
