// Fused optimizer updates: how an optimizer picks its backend's fused update or its own loop, and
// every fused update of the WebAssembly backend against the loop of the rule it is registered under
// (three steps, SIMD lanes and tails, buffers in wasm memory and plain Float32Arrays, float64 left
// to the loop), Adam bit-identical on 1 and 2 threads.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { UpdateRule } from '../src/core/fused.js';
import { JsKernels } from '../src/core/kernels-js.js';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import type { Param } from '../src/nn/layer.js';
import { Adam, adamRule, adagradRule, lionRule, rmspropRule, sgdRule } from '../src/nn/optimizers/index.js';
import { createWasmKernels } from '../src/node/wasm.js';
import { assertClose } from './helpers.js';

describe('an optimizer and its fused update', () => {
  const param = (): Param => ({ name: 'w', value: Matrix.from([[1, -2, 3]]), grad: Matrix.from([[0.5, 0.5, -1]]), decay: 1, version: 0 });

  for (const takes of [true, false]) {
    test(`uses the backend's fused update of its rule's name${takes ? '' : ', and its own loop where the fused one declines'}`, () => {
      const k = new JsKernels();
      let calls = 0;
      k.fused.register('adam', () => (calls++, takes));
      const [p, q] = [param(), param()];
      const opt = new Adam([p], { lr: 0.1 }, k);
      const ref = new Adam([q], { lr: 0.1 }, new JsKernels());
      opt.step();
      opt.step();
      ref.step();
      ref.step();
      assert.equal(calls, 2);
      if (takes) assert.deepEqual(Array.from(p.value.data), [1, -2, 3], 'the fused update did the step (here: nothing)');
      else assert.deepEqual(Array.from(p.value.data), Array.from(q.value.data));
    });
  }

  test('a name is registered once', () => {
    const k = new JsKernels();
    k.fused.register('adam', () => true);
    assert.throws(() => k.fused.register('adam', () => true), /already registered/);
  });
});

const wasm = await createWasmKernels({ threads: 2 });
after(() => wasm?.dispose());

/**
 * A fused update against its rule's loop: the value range each slot starts in, the args of step t;
 * `exact`: the same bits as the loop (computed in f64 as the loop is), else within float32 rounding.
 */
interface Case {
  rule: UpdateRule<never, never>;
  slots: Record<string, [number, number]>;
  variants: ((t: number) => object)[];
  exact?: boolean;
}
const fusedCase = <S, A>(rule: UpdateRule<S, A>, slots: Record<keyof S, [number, number]>, variants: ((t: number) => A)[], exact = false): Case =>
  ({ rule, slots, variants, exact }) as unknown as Case;

const CASES: Case[] = [
  fusedCase(sgdRule, { momentumBuffer: [-1, 1] }, [
    (t) => ({ lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0.01, firstStep: t === 1 }),
    (t) => ({ lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 0.01, firstStep: t === 1 }),
    (t) => ({ lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0.01, firstStep: t === 1 }),
  ]),
  fusedCase(adagradRule, { sum: [0, 1] }, [(t) => ({ clr: 0.1 / (1 + (t - 1) * 0.01), eps: 1e-10, weightDecay: 0.01 })]),
  fusedCase(rmspropRule, { squareAvg: [0.5, 1], momentumBuffer: [-1, 1], gradAvg: [-0.1, 0.1] }, [
    () => ({ lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0.01, momentum: 0, centered: false }),
    () => ({ lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0.01, momentum: 0.9, centered: true }),
  ]),
  fusedCase(adamRule, { expAvg: [-1, 1], expAvgSq: [0, 1] }, [
    (t) => ({ lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, decoupled: false, step: t }),
    (t) => ({ lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, decoupled: true, step: t }),
  ]),
  fusedCase(lionRule, { expAvg: [-1, 1] }, [
    () => ({ lr: 0.01, beta1: 0.9, beta2: 0.99, weightDecay: 0.1 }),
    () => ({ lr: 3e-4, beta1: 0.5, beta2: 0.999, weightDecay: 0 }),
  ], true),
];

describe('wasm fused updates vs the loops of their rules', () => {
  const k = wasm!;

  test('every fused update of the backend has a case here', () => {
    assert.deepEqual(k.fused.names().sort(), CASES.map((c) => c.rule.name).sort());
  });

  for (const owned of [true, false]) {
    const where = owned ? 'wasm memory' : 'plain arrays';
    for (const { rule, slots, variants, exact } of CASES) {
      test(`${rule.name}: three steps (${where})`, () => {
        const fused = k.fused.get(rule)!;
        const rng = new Rng(11, `${rule.name} ${where}`);
        const vec = (n: number, [lo, hi]: [number, number]) => {
          const v = owned ? (k.alloc(n) as Float32Array) : new Float32Array(n);
          for (let i = 0; i < n; i++) v[i] = rng.range(lo, hi);
          return v;
        };
        for (const n of [1, 7, 64, 1001]) {
          for (const [j, args] of variants.entries()) {
            const p = vec(n, [-1, 1]), g = vec(n, [-1, 1]);
            const s = Object.fromEntries(Object.entries(slots).map(([name, range]) => [name, vec(n, range)]));
            const pR = p.slice(), sR = Object.fromEntries(Object.entries(s).map(([name, x]) => [name, x.slice()]));
            for (let t = 1; t <= 3; t++) {
              assert.equal(fused(p, g, s as never, args(t) as never), true);
              rule.loop(pR, g, sR as never, args(t) as never);
            }
            const tol = exact ? 0 : 1e-5;
            assertClose(p, pR, tol, `${rule.name} #${j} p (n = ${n})`);
            for (const name of Object.keys(s)) assertClose(s[name], sR[name], tol, `${rule.name} #${j} ${name} (n = ${n})`);
            if (owned) for (const x of [p, g, ...Object.values(s)]) k.release(x);
          }
        }
        // float64 is the loop's
        const d = new Float64Array(3);
        const s64 = Object.fromEntries(Object.keys(slots).map((name) => [name, new Float64Array(3)]));
        assert.equal(fused(d, d, s64 as never, variants[0](1) as never), false);
      });
    }
  }

  test("lion: zeros, signed zeros, NaN and huge values give the loop's bits", () => {
    const lion = k.fused.get(lionRule)!;
    const values = [0, -0, 1, -1, NaN, 3e38, -3e38, 1e-45, 0.5];
    const n = values.length ** 2;
    const [p, g, m] = [k.alloc(n), k.alloc(n), k.alloc(n)] as Float32Array[];
    for (let i = 0; i < n; i++) [p[i], g[i], m[i]] = [values[i % values.length], values[Math.floor(i / values.length)], values[i % values.length]];
    const [pR, mR] = [p.slice(), m.slice()];
    const args = { lr: 0.01, beta1: 0.9, beta2: 0.99, weightDecay: 0.1 };
    assert.equal(lion(p, g, { expAvg: m }, args), true);
    lionRule.loop(pR, g, { expAvg: mR }, args);
    assert.deepEqual(new Uint32Array(p.buffer, p.byteOffset, n), new Uint32Array(pR.buffer, pR.byteOffset, n));
    assert.deepEqual(new Uint32Array(m.buffer, m.byteOffset, n), new Uint32Array(mR.buffer, mR.byteOffset, n));
    for (const x of [p, g, m]) k.release(x);
  });

  test('adam split over threads is bit-identical on 1 and 2 threads', () => {
    const adam = k.fused.get(adamRule)!;
    const rng = new Rng(12);
    for (const n of [16384, 200_704 + 3, 50_001]) {
      const init = Array.from({ length: 4 }, () => Float32Array.from({ length: n }, () => rng.range(-1, 1)));
      const runs = [1, 2].map((threads) => {
        const [p, g, m, v] = init.map((x) => {
          const y = k.alloc(n) as Float32Array;
          y.set(x);
          return y;
        });
        v.forEach((x, i) => (v[i] = x * x));
        k.setThreads(threads);
        for (let t = 1; t <= 3; t++) {
          adam(p, g, { expAvg: m, expAvgSq: v }, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: t === 2, step: t });
        }
        k.release(g);
        return [p, m, v];
      });
      k.setThreads(2);
      for (let b = 0; b < 3; b++) {
        const u1 = new Uint32Array(runs[0][b].buffer, runs[0][b].byteOffset, n);
        const u2 = new Uint32Array(runs[1][b].buffer, runs[1][b].byteOffset, n);
        assert.equal(u1.findIndex((x, i) => x !== u2[i]), -1, `n = ${n}, buffer ${b} differs`);
      }
      for (const x of runs.flat()) k.release(x);
    }
  });
});
