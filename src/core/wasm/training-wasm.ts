import type { Float, Matrix } from '../matrix.js';
import type { WasmHeap } from './heap.js';
import type { WasmExports } from './ops.js';
import type { Staging } from './staging.js';

// WasmKernels' kernels of the training loop's own steps (assembly/norms.ts, dropout.ts), the
// counterparts of src/core/norms-js.ts and dropout-js.ts: gradient clipping and label smoothing (affine), max-norm
// (renormCols), dropout's mask. Each runs on one thread and stages its arrays (wasm views in place,
// others copied).

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

/**
 * The draws are one sequence (one thread); xoshiro's four words `state` pass through the 16 bytes at
 * `words` in the module's memory, in and back out.
 */
export function dropoutMask(
  ex: WasmExports, heap: WasmHeap, st: Staging, words: number, state: Uint32Array, keep: number, scale: number, out: Float, n: number,
): void {
  st.begin();
  const po = st.ptr(out, n, 0, false);
  const w = words >> 2;
  for (let i = 0; i < 4; i++) heap.i32[w + i] = state[i];
  ex.dropoutMask(words, keep, scale, po, n);
  for (let i = 0; i < 4; i++) state[i] = heap.i32[w + i];
  st.flush(out, po, n);
}
