import type { Matrix } from '../matrix.js';
import type { WasmExports } from './ops.js';
import type { Staging } from './staging.js';

// WasmKernels' fused losses (assembly/rows.ts, regression.ts): one staging for all,
// z, t → the loss, and the gradient into g when it is given.

const SOFTMAX_CE = 0;
const SIGMOID_CE = 1;
const SQUARED = 2;
const ABSOLUTE = 3;
const HUBER = 4;

export function softmaxCrossEntropy(ex: WasmExports, st: Staging, z: Matrix, t: Matrix, g: Matrix | null, scale: number): number {
  return fusedLoss(ex, st, SOFTMAX_CE, z, t, g, scale, 0);
}

export function sigmoidCrossEntropy(ex: WasmExports, st: Staging, z: Matrix, t: Matrix, g: Matrix | null, scale: number): number {
  return fusedLoss(ex, st, SIGMOID_CE, z, t, g, scale, 0);
}

export function squaredError(ex: WasmExports, st: Staging, p: Matrix, t: Matrix, g: Matrix | null, scale: number): number {
  return fusedLoss(ex, st, SQUARED, p, t, g, scale, 0);
}

export function absoluteError(ex: WasmExports, st: Staging, p: Matrix, t: Matrix, g: Matrix | null, scale: number): number {
  return fusedLoss(ex, st, ABSOLUTE, p, t, g, scale, 0);
}

export function huberError(ex: WasmExports, st: Staging, p: Matrix, t: Matrix, g: Matrix | null, scale: number, delta: number): number {
  return fusedLoss(ex, st, HUBER, p, t, g, scale, delta);
}

/** `which`: one of the constants above; `delta`: Huber's. */
function fusedLoss(ex: WasmExports, st: Staging, which: number, z: Matrix, t: Matrix, g: Matrix | null, scale: number, delta: number): number {
  const G = g?.data;
  const n = z.size;
  st.begin();
  const pz = st.ptr(z.data, n, 0);
  const pt = st.ptr(t.data, n, 1);
  const pg = G ? st.ptr(G, n, 2, false) : 0;
  const loss =
    which === SOFTMAX_CE
      ? ex.softmaxCrossEntropy(pz, pt, pg, z.rows, z.cols, scale)
      : which === SIGMOID_CE
        ? ex.sigmoidCrossEntropy(pz, pt, pg, n, scale)
        : which === SQUARED
          ? ex.squaredError(pz, pt, pg, n, scale)
          : which === ABSOLUTE
            ? ex.absoluteError(pz, pt, pg, n, scale)
            : ex.huberError(pz, pt, pg, n, scale, delta);
  if (G) st.flush(G, pg, n);
  return loss;
}
