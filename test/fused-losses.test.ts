// Fused losses: how a loss picks its backend's fused kernel or its own loop, each loop on hand-worked
// numbers, and every fused loss of the WebAssembly backend against the loop of the loss it is
// registered under (shapes with SIMD tails, buffers in wasm memory and plain Float32Arrays, with and
// without the gradient, float64 left to the loop).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { LossRule } from '../src/core/fused.js';
import { JsKernels } from '../src/core/kernels-js.js';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import {
  createLoss,
  huberRule,
  LOSSES,
  maeRule,
  mseRule,
  sigmoidCrossEntropyRule,
  softmaxCrossEntropyRule,
} from '../src/nn/losses/index.js';
import { createWasmKernels } from '../src/node/wasm.js';

describe('a loss and its fused kernel', () => {
  const z = Matrix.from([[1, -2, 3]]);
  const t = Matrix.from([[0, 0, 1]]);

  for (const takes of [true, false]) {
    test(`uses the backend's fused loss of its name${takes ? '' : ', and its own loop where the fused one declines'}`, () => {
      const k = new JsKernels();
      let calls = 0;
      k.fusedLosses.register('softmax_cross_entropy', (_z, _t, g) => (calls++, takes ? (g?.data.fill(7), 6) : undefined));
      const loss = createLoss('softmax_cross_entropy');
      const ref = createLoss('softmax_cross_entropy');
      loss.build(3, 1, k);
      ref.build(3, 1, new JsKernels());
      const value = loss.forward(z, t);
      const want = ref.forward(z, t);
      assert.equal(calls, 1);
      if (takes) {
        assert.equal(value, 6, 'the fused sum, divided by the batch');
        assert.deepEqual(Array.from(loss.backward().data), [7, 7, 7]);
      } else {
        assert.equal(value, want);
        assert.deepEqual(Array.from(loss.backward().data), Array.from(ref.backward().data));
      }
    });
  }

  test('a name is registered once', () => {
    const k = new JsKernels();
    k.fusedLosses.register('mse', () => 0);
    assert.throws(() => k.fusedLosses.register('mse', () => 0), /already registered/);
  });
});

describe('mae and huber loops', () => {
  test('hand-computed sums and gradients (ties at p = t and |d| = δ)', () => {
    const p = Matrix.from([[1, 2, 3, -1]], 'float64');
    const t = Matrix.from([[1, 0, 3.5, 1]], 'float64');
    const g = Matrix.zeros(1, 4, 'float64');
    assert.equal(maeRule.loop(p, t, g, 0.25), 0 + 2 + 0.5 + 2);
    assert.deepEqual([...g.data], [0, 0.25, -0.25, -0.25]);
    // δ = 2: d = (0, 2, −0.5, −2) → ℓ = (0, 2·(2 − 1), ½·0.25, 2·(2 − 1))
    assert.equal(huberRule.loop(p, t, g, 0.5, { delta: 2 }), 0 + 2 + 0.125 + 2);
    assert.deepEqual([...g.data], [0, 1, -0.25, -1]);
  });
});

const wasm = await createWasmKernels({ threads: 2 });
after(() => wasm.dispose());

/**
 * A fused loss against its loss's loop: the range of the outputs z, the targets ('soft': rows of
 * [0, 1) summing to 1; 'near': z plus a little, with ties d = 0 and d = 1), the args variants;
 * `exact`: the same bits as the loop (the kernel works in f64 as the loop does), else within float32
 * rounding (loss 1e-5 relative + 1e-6; gradient 3e-6 relative + 2e-7).
 */
interface Case {
  rule: LossRule<never>;
  z: [number, number];
  targets: 'soft' | 'near';
  variants: object[];
  exact: boolean;
}
const lossCase = <A>(rule: LossRule<A>, z: [number, number], targets: Case['targets'], variants: A[], exact = false): Case =>
  ({ rule, z, targets, variants, exact }) as unknown as Case;

const CASES: Case[] = [
  lossCase(softmaxCrossEntropyRule, [-10, 10], 'soft', [undefined]),
  lossCase(sigmoidCrossEntropyRule, [-10, 10], 'soft', [undefined]),
  lossCase(mseRule, [-10, 10], 'soft', [undefined]),
  lossCase(maeRule, [-2, 2], 'near', [undefined], true),
  lossCase(huberRule, [-2, 2], 'near', [{ delta: 1 }, { delta: 0.3 }], true),
];

describe('wasm fused losses vs the loops of their losses', () => {
  const k = wasm;

  test('every fused loss of the backend has a case here, each under the name of a registered loss', () => {
    assert.deepEqual(k.fusedLosses.names().sort(), CASES.map((c) => c.rule.name).sort());
    for (const name of k.fusedLosses.names()) assert.ok((LOSSES as readonly string[]).includes(name), `${name} is a loss`);
  });

  for (const owned of [true, false]) {
    const where = owned ? 'wasm memory' : 'plain arrays';
    const matrix = (r: number, c: number) => new Matrix(r, c, owned ? k.alloc(r * c) : new Float32Array(r * c));
    for (const { rule, z: [lo, hi], targets, variants, exact } of CASES) {
      test(`${rule.name} (${where})`, () => {
        const fused = k.fusedLosses.get(rule)!;
        const rng = new Rng(9, `${rule.name} ${where}`);
        for (const [r, c] of [[1, 1], [4, 3], [32, 10], [100, 7], [129, 3]]) {
          const z = matrix(r, c), t = matrix(r, c), g = matrix(r, c);
          for (let i = 0; i < z.size; i++) z.data[i] = rng.range(lo, hi);
          if (targets === 'soft') {
            for (let i = 0; i < t.size; i++) t.data[i] = rng.range(0, 1);
            for (let i = 0; i < r; i++) {
              let s = 0;
              for (let j = 0; j < c; j++) s += t.data[i * c + j];
              for (let j = 0; j < c; j++) t.data[i * c + j] /= s; // soft targets, rows sum to 1
            }
          } else {
            for (let i = 0; i < t.size; i++) t.data[i] = rng.range(lo, hi);
            z.data[0] = t.data[0]; // d = 0
            if (z.size > 1) z.data[1] = t.data[1] + 1; // |d| = δ
          }
          for (let i = 0; i < g.size; i++) g.data[i] = rng.range(-1, 1);
          const gR = new Matrix(r, c, new Float32Array(g.size));
          const scale = 1 / (targets === 'soft' ? r : r * c);
          for (const [j, args] of variants.entries()) {
            const what = `${rule.name} #${j} ${r}×${c}`;
            const loss = fused(z, t, g, scale, args as never)!;
            const lossR = rule.loop(z, t, gR, scale, args as never);
            const lossNoGrad = fused(z, t, null, scale, args as never)!;
            if (exact) {
              assert.equal(loss, lossR, `${what} loss`);
              assert.equal(lossNoGrad, lossR, `${what} loss without gradient`);
              assert.deepEqual(g.data.subarray(0, g.size), gR.data, `${what} gradient`);
            } else {
              near([loss], [lossR], 1e-5, 1e-6, `${what} loss`);
              near([lossNoGrad], [lossR], 1e-5, 1e-6, `${what} loss without gradient`);
              near(g.data, gR.data, 3e-6, 2e-7, `${what} gradient`);
            }
          }
          if (owned) for (const m of [z, t, g]) k.release(m.data);
        }
        // float64 is the loop's
        const d = Matrix.zeros(2, 2, 'float64');
        assert.equal(fused(d, d, d, 1, variants[0] as never), undefined);
      });
    }
  }
});

/** |a − b| ≤ abs + rel·|b|, element by element. */
function near(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, abs: number, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= abs + rel * Math.abs(expected[i]))) assert.fail(`${what}[${i}]: expected ${expected[i]}, found ${actual[i]} (diff ${d})`);
  }
}
