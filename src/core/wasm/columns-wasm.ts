import type { Float, Matrix } from '../matrix.js';
import type { WasmExports } from './ops.js';
import type { Staging } from './staging.js';

// WasmKernels' column statistics and column-wise affine maps (assembly/columns.ts, and the column sums
// of elementwise.ts): each stages its arrays (wasm views in place, others copied) and calls the export.

/** out[j] += Σ_i x[i, j] (bias gradients). */
export function sumRowsInto(ex: WasmExports, st: Staging, x: Matrix, out: Float): void {
  st.begin();
  const po = st.ptr(out, x.cols, 1);
  ex.sumRowsInto(st.ptr(x.data, x.size, 0), x.rows, x.cols, po);
  st.flush(out, po, x.cols);
}

export function colMeanVar(ex: WasmExports, st: Staging, x: Matrix, mean: Float, variance: Float): void {
  st.begin();
  const pm = st.ptr(mean, x.cols, 1, false);
  const pv = st.ptr(variance, x.cols, 2, false);
  ex.colMeanVar(st.ptr(x.data, x.size, 0), x.rows, x.cols, pm, pv);
  st.flush(mean, pm, x.cols);
  st.flush(variance, pv, x.cols);
}

export function colDot(ex: WasmExports, st: Staging, a: Matrix, b: Matrix, out: Float): void {
  st.begin();
  const po = st.ptr(out, a.cols, 2, false);
  ex.colDot(st.ptr(a.data, a.size, 0), st.ptr(b.data, a.size, 1), a.rows, a.cols, po);
  st.flush(out, po, a.cols);
}

export function centerScaleCols(ex: WasmExports, st: Staging, x: Matrix, center: Float, scale: Float, y: Matrix): void {
  const n = x.size, cols = x.cols;
  st.begin();
  const px = st.ptr(x.data, n, 0);
  const py = st.ptr(y.data, n, 1, false);
  ex.centerScaleCols(px, st.ptr(center, cols, 2), st.ptr(scale, cols, 3), py, x.rows, cols);
  st.flush(y.data, py, n);
}

export function affinePairCols(ex: WasmExports, st: Staging, x: Matrix, a: Float, z: Matrix, b: Float, c: Float, y: Matrix): void {
  const n = x.size, cols = x.cols;
  st.begin();
  const px = st.ptr(x.data, n, 0);
  const pz = st.ptr(z.data, n, 1);
  const py = st.ptr(y.data, n, 2, false);
  ex.affinePairCols(px, st.ptr(a, cols, 3), pz, st.ptr(b, cols, 4), st.ptr(c, cols, 5), py, x.rows, cols);
  st.flush(y.data, py, n);
}
