import type { Float, Matrix } from '../matrix.js';
import type { WasmExports } from './ops.js';
import type { Staging } from './staging.js';

// WasmKernels' scaling in place and column norms (assembly/norms.ts): gradient clipping and label
// smoothing (affine), max-norm (renormCols). Each runs on one thread and stages its arrays (wasm
// views in place, others copied).

/** Clipping scales the gradient arena once per step, a fraction of the step's time: one thread is enough. */
export function affine(ex: WasmExports, st: Staging, x: Float, a: number, b: number, n: number): void {
  st.begin();
  const px = st.ptr(x, n, 0);
  ex.affine(px, n, a, b);
  st.flush(x, px, n);
}

export function renormCols(ex: WasmExports, st: Staging, x: Matrix, c: number): number {
  st.begin();
  const px = st.ptr(x.data, x.size, 0);
  const scaled = ex.renormCols(px, x.rows, x.cols, c);
  st.flush(x.data, px, x.size);
  return scaled;
}
