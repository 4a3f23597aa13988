// The fused optimizer updates of the WebAssembly backend (assembly/optim.ts), registered under the
// names of the rules they implement: each takes that rule's slots and args (../update-rules.ts; the
// rule's loop is in src/nn/optimizers/<name>.ts) and is tested against its loop. Float64
// buffers are left to the loop (they return false); other Float32Arrays are staged in and out.
import type { FusedUpdates } from '../fused.js';
import type { AdagradArgs, AdagradSlots, AdamArgs, AdamSlots, LionArgs, LionSlots, RmspropArgs, RmspropSlots, SgdArgs, SgdSlots } from '../update-rules.js';
import type { Float } from '../matrix.js';
import { ADAM } from './job-args.js';
import type { Jobs } from './jobs.js';
import type { WasmExports } from './ops.js';
import type { Staging } from './staging.js';

const f64 = (x: Float): x is Float64Array => x instanceof Float64Array;

/** Registers sgd, adagrad, rmsprop, adam and lion in `fused`. Derived constants are computed here in float64 (see assembly/optim.ts). */
export function registerFusedUpdates(fused: FusedUpdates, ex: WasmExports, st: Staging, jobs: Jobs): void {
  fused.register<SgdSlots, SgdArgs>('sgd', (p, g, { momentumBuffer: buf }, a) => {
    if (f64(p) || f64(g) || f64(buf)) return false;
    const n = p.length;
    st.begin();
    const pp = st.ptr(p, n, 0);
    const pb = a.momentum !== 0 ? st.ptr(buf, n, 2) : 0;
    ex.sgdStep(pp, st.ptr(g, n, 1), pb, n, a.lr, a.momentum, 1 - a.dampening, +a.nesterov, a.weightDecay, +a.firstStep);
    st.flush(p, pp, n);
    if (a.momentum !== 0) st.flush(buf, pb, n);
    return true;
  });

  fused.register<AdagradSlots, AdagradArgs>('adagrad', (p, g, { sum }, a) => {
    if (f64(p) || f64(g) || f64(sum)) return false;
    const n = p.length;
    st.begin();
    const pp = st.ptr(p, n, 0);
    const ps = st.ptr(sum, n, 2);
    ex.adagradStep(pp, st.ptr(g, n, 1), ps, n, a.clr, a.eps, a.weightDecay);
    st.flush(p, pp, n);
    st.flush(sum, ps, n);
    return true;
  });

  fused.register<RmspropSlots, RmspropArgs>('rmsprop', (p, g, { squareAvg: sq, momentumBuffer: buf, gradAvg }, a) => {
    if (f64(p) || f64(g) || f64(sq) || f64(buf) || f64(gradAvg)) return false;
    const n = p.length;
    st.begin();
    const pp = st.ptr(p, n, 0);
    const ps = st.ptr(sq, n, 2);
    const pb = a.momentum > 0 ? st.ptr(buf, n, 3) : 0;
    const pa = a.centered ? st.ptr(gradAvg, n, 4) : 0;
    ex.rmspropStep(pp, st.ptr(g, n, 1), ps, pb, pa, n, a.lr, a.alpha, 1 - a.alpha, a.eps, a.weightDecay, a.momentum, +a.centered);
    st.flush(p, pp, n);
    st.flush(sq, ps, n);
    if (a.momentum > 0) st.flush(buf, pb, n);
    if (a.centered) st.flush(gradAvg, pa, n);
    return true;
  });

  // split over threads by element ranges (Jobs.adam): bit-identical for any thread count
  fused.register<AdamSlots, AdamArgs>('adam', (p, g, { expAvg: m, expAvgSq: v }, a) => {
    if (f64(p) || f64(g) || f64(m) || f64(v)) return false;
    const n = p.length;
    st.begin();
    const pp = st.ptr(p, n, 0);
    const pm = st.ptr(m, n, 2), pv = st.ptr(v, n, 3);
    // every derived constant in float64 from the exact hyperparameters, rounded once at the call (see assembly/optim.ts)
    const stepSize = a.lr / (1 - Math.pow(a.beta1, a.step)), bc2Sqrt = Math.sqrt(1 - Math.pow(a.beta2, a.step));
    const r = jobs.args, A = ADAM;
    r[A.beta1] = a.beta1; r[A.beta2] = a.beta2; r[A.c1] = 1 - a.beta1; r[A.c2] = 1 - a.beta2;
    r[A.weightDecay] = a.weightDecay; r[A.decoupled] = +a.decoupled;
    r[A.decay] = 1 - a.lr * a.weightDecay; r[A.step2] = stepSize * bc2Sqrt; r[A.eps2] = a.eps * bc2Sqrt;
    jobs.adam(pp, st.ptr(g, n, 1), pm, pv, n);
    st.flush(p, pp, n);
    st.flush(m, pm, n);
    st.flush(v, pv, n);
    return true;
  });

  // in f64, rounded at the loop's stores: the loop's bits (assembly/optim.ts lionStep)
  fused.register<LionSlots, LionArgs>('lion', (p, g, { expAvg: m }, a) => {
    if (f64(p) || f64(g) || f64(m)) return false;
    const n = p.length;
    st.begin();
    const pp = st.ptr(p, n, 0);
    const pm = st.ptr(m, n, 2);
    ex.lionStep(pp, st.ptr(g, n, 1), pm, n, a.lr, a.beta1, a.beta2, 1 - a.beta1, 1 - a.beta2, 1 - a.lr * a.weightDecay);
    st.flush(p, pp, n);
    st.flush(m, pm, n);
    return true;
  });
}
