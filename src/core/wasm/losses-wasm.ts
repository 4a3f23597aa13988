import type { FusedLosses } from '../fused.js';
import type { Matrix } from '../matrix.js';
import type { WasmExports } from './ops.js';
import type { Staging } from './staging.js';

// The fused losses of the WebAssembly backend (assembly/rows.ts, regression.ts), registered under the
// names of the losses they implement (src/nn/losses/<name>.ts) and tested against their loops: z, t →
// the summed loss, and the gradient into g when it is given. Float64 matrices are left to the loop
// (they return undefined); other Float32Arrays are staged in and out, one staging for all.

const SOFTMAX_CE = 0;
const SIGMOID_CE = 1;
const SQUARED = 2;
const ABSOLUTE = 3;
const HUBER = 4;

/** Registers softmax_cross_entropy, sigmoid_cross_entropy, mse, mae and huber in `fused`. */
export function registerFusedLosses(fused: FusedLosses, ex: WasmExports, st: Staging): void {
  fused.register('softmax_cross_entropy', (z, t, g, scale) => fusedLoss(ex, st, SOFTMAX_CE, z, t, g, scale, 0));
  fused.register('sigmoid_cross_entropy', (z, t, g, scale) => fusedLoss(ex, st, SIGMOID_CE, z, t, g, scale, 0));
  fused.register('mse', (p, t, g, scale) => fusedLoss(ex, st, SQUARED, p, t, g, scale, 0));
  fused.register('mae', (p, t, g, scale) => fusedLoss(ex, st, ABSOLUTE, p, t, g, scale, 0));
  fused.register<{ delta: number }>('huber', (p, t, g, scale, { delta }) => fusedLoss(ex, st, HUBER, p, t, g, scale, delta));
}

/** `which`: one of the constants above; `delta`: Huber's. */
function fusedLoss(ex: WasmExports, st: Staging, which: number, z: Matrix, t: Matrix, g: Matrix | null, scale: number, delta: number): number | undefined {
  const G = g?.data;
  if (z.data instanceof Float64Array || t.data instanceof Float64Array || G instanceof Float64Array) return undefined;
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
