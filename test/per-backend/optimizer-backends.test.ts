// Every optimizer and option set on float32 parameters, 150 steps, on the backend under test against
// the TypeScript reference (float64 arithmetic, float32 storage): after every step, parameters and
// every state buffer agree to float32 rounding. A constant derived in float32 instead of from the
// exact hyperparameter (1 − β₂ from an f32 β₂: 1.3e-5 relative) fails already at step 1.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kernels } from '../../src/core/backend.js';
import type { Kernels } from '../../src/core/kernels.js';
import { JsKernels } from '../../src/core/kernels-js.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import type { Param } from '../../src/nn/layer.js';
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerName, type OptimizerOptions } from '../../src/nn/optimizers/index.js';

const STEPS = 150;
const U = 2 ** -24;

const CASES: [OptimizerName, OptimizerOptions][] = [
  ['sgd', { lr: 0.05, weightDecay: 0.01 }],
  ['sgd', { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }],
  ['momentum', { lr: 0.05, dampening: 0.1 }],
  ['nesterov', { lr: 0.05, momentum: 0.8, weightDecay: 0.01 }],
  ['adagrad', { lr: 0.1, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1, eps: 1e-10 }],
  ['rmsprop', { lr: 0.01, alpha: 0.99, eps: 1e-8 }],
  ['rmsprop', { lr: 0.01, alpha: 0.9, eps: 1e-6, weightDecay: 0.01, momentum: 0.9, centered: true }],
  ['adam', { lr: 0.01 }],
  ['adam', { lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.05 }],
  ['adamw', { lr: 0.01, weightDecay: 0.05 }],
  ['adamw', { lr: 0.003, beta1: 0.5, beta2: 0.9999, eps: 1e-7, weightDecay: 0.1 }],
  ['lion', { lr: 0.01, weightDecay: 0.1 }],
  ['lion', { lr: 3e-4, beta1: 0.95, beta2: 0.98 }],
];

/** A weight (decay 1, 1031 values: SIMD lanes and a tail) and a bias (decay 0, 7 values), float32, in `k`'s memory. */
function params(k: Kernels, seed: number): Param[] {
  const rng = new Rng(seed, 'params');
  return [
    ['w', 1031, 1],
    ['b', 7, 0],
  ].map(([name, n, decay]) => {
    const value = new Matrix(1, n as number, k.alloc(n as number));
    for (let i = 0; i < value.size; i++) value.data[i] = rng.range(-1, 1);
    return { name: name as string, value, grad: new Matrix(1, n as number, k.alloc(n as number)), decay: decay as number, version: 0 };
  });
}

/** ‖a − b‖∞ / ‖b‖∞ (0 when both are 0). */
function normRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d === 0 ? 0 : d / m;
}

describe(`optimizers on ${kernels().name} agree with the TypeScript reference on every step (float32)`, () => {
  it('every registered optimizer has a case here', () => {
    for (const name of OPTIMIZER_NAMES) assert.ok(CASES.some(([n]) => n === name), `no case for '${name}'`);
  });

  for (const [name, opts] of CASES) {
    it(`${name} ${JSON.stringify(opts)}`, () => {
      const k = kernels(), ref = new JsKernels();
      const [pk, pr] = [params(k, 1), params(ref, 1)];
      const [ok, or] = [createOptimizer(name, pk, opts, k), createOptimizer(name, pr, opts, ref)];
      const rng = new Rng(2, name);
      let worst = 0;
      for (let t = 1; t <= STEPS; t++) {
        for (let j = 0; j < pk.length; j++) {
          for (let i = 0; i < pk[j].grad.size; i++) pk[j].grad.data[i] = pr[j].grad.data[i] = rng.range(-1, 1);
        }
        ok.step();
        or.step();
        // a few float32 roundings per step, accumulating at most linearly
        const tol = (8 + t) * U;
        for (let j = 0; j < pk.length; j++) {
          const sk = ok.state().get(pk[j])!.slots, sr = or.state().get(pr[j])!.slots;
          const pairs: [string, ArrayLike<number>, ArrayLike<number>][] = [['value', pk[j].value.data, pr[j].value.data]];
          for (const s of Object.keys(sr)) pairs.push([s, sk[s], sr[s]]);
          for (const [what, a, b] of pairs) {
            const e = normRel(a, b);
            worst = Math.max(worst, e / U);
            if (!(e <= tol)) assert.fail(`${name} step ${t}, ${pk[j].name}.${what}: relative difference ${e.toExponential(2)} > ${tol.toExponential(2)}`);
          }
        }
      }
      if (k.name === 'js') assert.equal(worst, 0, 'the reference against itself is bit-identical');
      ok.release();
      or.release();
      for (const p of pk) (k.release(p.value.data), k.release(p.grad.data));
    });
  }
});
