import type { Float, Matrix } from '../matrix.js';
import type { WasmExports } from './ops.js';
import type { Staging } from './staging.js';

// WasmKernels' row-wise softmax, its backward and log-sum-exp (assembly/rows.ts): each stages its
// arrays (wasm views in place, others copied) and calls the export.

export function softmaxRows(ex: WasmExports, st: Staging, x: Matrix, y: Matrix): void {
  st.begin();
  const px = st.ptr(x.data, x.size, 0);
  const py = st.ptr(y.data, x.size, 1, false);
  ex.softmaxRows(px, py, x.rows, x.cols);
  st.flush(y.data, py, x.size);
}

export function softmaxRowsBackward(ex: WasmExports, st: Staging, y: Matrix, dy: Matrix, dx: Matrix): void {
  const n = y.size;
  st.begin();
  const py = st.ptr(y.data, n, 0);
  const pd = st.ptr(dy.data, n, 1);
  const po = st.ptr(dx.data, n, 2, false);
  ex.softmaxRowsBackward(py, pd, po, y.rows, y.cols);
  st.flush(dx.data, po, n);
}

export function logSumExpRows(ex: WasmExports, st: Staging, x: Matrix, out: Float): void {
  st.begin();
  const po = st.ptr(out, x.rows, 1, false);
  ex.logSumExpRows(st.ptr(x.data, x.size, 0), x.rows, x.cols, po);
  st.flush(out, po, x.rows);
}
