import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsKernels } from '../src/core/kernels-js.js';
import { type DType, Matrix } from '../src/core/matrix.js';
import { ConfigError, ShapeError } from '../src/errors.js';
import type { Param } from '../src/nn/layer.js';
import {
  Adagrad,
  Adam,
  AdamW,
  Lion,
  adam,
  createOptimizer,
  defaultLr,
  l2Penalty,
  OPTIMIZER_NAMES,
  type Optimizer,
  type OptimizerName,
  type OptimizerOptions,
  RMSprop,
  SGD,
  sgd,
} from '../src/nn/optimizers/index.js';
import { TrackingKernels } from './helpers.js';

// Expected numbers below follow the update rules in torch.optim's docs, worked out step by step in
// the comments (rounded there; the literals are the exact float64 results of the same formulas).

const k = new JsKernels();

function param(name: string, values: number[], decay = 1, dtype: DType = 'float64'): Param {
  return { name, value: Matrix.from([values], dtype), grad: Matrix.zeros(1, values.length, dtype), decay, version: 0 };
}

/** Sets each param's gradient to grads[t][i] and steps; returns each param's values after every step. */
function run(opt: Optimizer, params: Param[], grads: number[][][]): number[][][] {
  return grads.map((perParam) => {
    params.forEach((p, i) => p.grad.data.set(perParam[i]));
    opt.step();
    return params.map((p) => Array.from(p.value.data));
  });
}

/** One parameter, one gradient list per step. */
function run1(opt: Optimizer, p: Param, grads: number[][]): number[][] {
  return run(opt, [p], grads.map((g) => [g])).map((s) => s[0]);
}

function close(actual: number[][], expected: number[][], tol = 1e-12): void {
  assert.equal(actual.length, expected.length, 'number of steps');
  actual.forEach((row, t) => {
    assert.equal(row.length, expected[t].length, `step ${t + 1}: length`);
    row.forEach((a, i) => {
      assert.ok(Math.abs(a - expected[t][i]) <= tol, `step ${t + 1}, element ${i}: expected ${expected[t][i]}, found ${a}`);
    });
  });
}

describe('SGD', () => {
  it('plain: θ ← θ − γ·g', () => {
    // γ = 0.1, g = [0.5, -1] every step: θ moves by [-0.05, +0.1] per step.
    const p = param('w', [1, 2]);
    const got = run1(new SGD([p], { lr: 0.1 }, k), p, [[0.5, -1], [0.5, -1], [0.5, -1]]);
    close(got, [[0.95, 2.1], [0.9, 2.2], [0.85, 2.3]]);
  });

  it('momentum: b ← g on step 1, then b ← μ·b + g', () => {
    // γ = 0.1, μ = 0.9, g = 1, 2, -1
    // t=1: b = 1                    θ = 1    − 0.1·1    = 0.9
    // t=2: b = 0.9·1 + 2    = 2.9   θ = 0.9  − 0.1·2.9  = 0.61
    // t=3: b = 0.9·2.9 − 1  = 1.61  θ = 0.61 − 0.1·1.61 = 0.449
    const p = param('w', [1]);
    close(run1(new SGD([p], { lr: 0.1, momentum: 0.9 }, k), p, [[1], [2], [-1]]), [[0.9], [0.61], [0.449]]);
  });

  it('dampening applies from step 2 (b ← g on step 1, undamped)', () => {
    // γ = 0.1, μ = 0.9, τ = 0.5, g = 1, 2, -1
    // t=1: b = 1                          θ = 1    − 0.1    = 0.9
    // t=2: b = 0.9·1 + 0.5·2     = 1.9    θ = 0.9  − 0.19   = 0.71
    // t=3: b = 0.9·1.9 + 0.5·(−1) = 1.21  θ = 0.71 − 0.121  = 0.589
    const p = param('w', [1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 }, k);
    close(run1(opt, p, [[1], [2], [-1]]), [[0.9], [0.71], [0.589]]);
  });

  it('nesterov: θ ← θ − γ·(g + μ·b)', () => {
    // γ = 0.1, μ = 0.9, g = 1, 2, -1 (b as in the momentum test: 1, 2.9, 1.61)
    // t=1: d = 1 + 0.9·1     = 1.9    θ = 1     − 0.19   = 0.81
    // t=2: d = 2 + 0.9·2.9   = 4.61   θ = 0.81  − 0.461  = 0.349
    // t=3: d = −1 + 0.9·1.61 = 0.449  θ = 0.349 − 0.0449 = 0.3041
    const p = param('w', [1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }, k);
    close(run1(opt, p, [[1], [2], [-1]]), [[0.81], [0.349], [0.3041]]);
  });

  it('coupled weight decay decays weights (decay 1), not biases (decay 0)', () => {
    // γ = 0.1, λ = 0.1, g = 0: d = λ·θ, so θ ← θ·(1 − γλ) = 0.99·θ: 2 → 1.98 → 1.9602 → 1.940598.
    const w = param('w', [2], 1);
    const b = param('b', [2], 0);
    const got = run(new SGD([w, b], { lr: 0.1, weightDecay: 0.1 }, k), [w, b], [[[0], [0]], [[0], [0]], [[0], [0]]]);
    close(got.map((s) => s[0]), [[1.98], [1.9602], [1.940598]]);
    close(got.map((s) => s[1]), [[2], [2], [2]]);
  });

  it('weight decay enters the momentum buffer', () => {
    // γ = 0.1, μ = 0.9, λ = 0.1, g = 1, 2, -1
    // t=1: d = 1 + 0.2 = 1.2;        b = 1.2                θ = 2 − 0.12 = 1.88
    // t=2: d = 2 + 0.188 = 2.188;    b = 1.08 + 2.188 = 3.268   θ = 1.88 − 0.3268 = 1.5532
    // t=3: d = −1 + 0.15532 = −0.84468; b = 2.9412 − 0.84468 = 2.09652  θ = 1.5532 − 0.209652 = 1.343548
    const p = param('w', [2]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.1 }, k);
    close(run1(opt, p, [[1], [2], [-1]]), [[1.88], [1.5532], [1.343548]]);
  });
});

describe('Adagrad', () => {
  it('lr decay and initial accumulator value', () => {
    // γ = 0.1, η = 0.5, sum₀ = 1, ε = 1e-10; element 0: g = 3, 4, 0; element 1: g = 0, 1, 2
    // γ̃ = 0.1/(1 + (t−1)·0.5) = 0.1, 0.0666667, 0.05
    // e0 t=1: sum = 10;  θ = 1 − 0.1·3/√10             = 0.9051317
    // e0 t=2: sum = 26;  θ = 0.9051317 − 0.0666667·4/√26 = 0.8528340
    // e0 t=3: g = 0 → unchanged
    // e1 t=1: sum = 1, g = 0 → θ = 2
    // e1 t=2: sum = 2;   θ = 2 − 0.0666667·1/√2          = 1.9528595
    // e1 t=3: sum = 6;   θ = 1.9528595 − 0.05·2/√6       = 1.9120347
    const p = param('w', [1, 2]);
    const opt = new Adagrad([p], { lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 1 }, k);
    close(run1(opt, p, [[3, 0], [4, 1], [0, 2]]), [
      [0.9051316701979486, 2],
      [0.8528340341621252, 1.95285954792423],
      [0.8528340341621252, 1.9120347188795104],
    ]);
  });

  it('coupled weight decay', () => {
    // γ = 0.1, λ = 0.1, g = 3, 4, 0
    // t=1: g = 3 + 0.1·1 = 3.1;            sum = 9.61;     θ = 1 − 0.1·3.1/(3.1 + 1e-10) = 0.9 + 3.2e-12
    // t=2: g = 4 + 0.09 = 4.09;            sum = 26.3381;  θ = 0.9 − 0.1·4.09/5.132066  = 0.8203050
    // t=3: g = 0 + 0.0820305 = 0.0820305;  sum = 26.34483; θ = 0.8203050 − 0.0015982   = 0.8187068
    const p = param('w', [1]);
    close(run1(new Adagrad([p], { lr: 0.1, weightDecay: 0.1 }, k), p, [[3], [4], [0]]), [
      [0.9000000000032258],
      [0.8203049978184538],
      [0.8187068105541098],
    ]);
  });
});

describe('RMSprop', () => {
  it('plain', () => {
    // γ = 0.01, α = 0.9, ε = 1e-8
    // e0: g = 3, 4, 0
    //   t=1: v = 0.1·9 = 0.9;            θ = 1 − 0.01·3/0.9486833   = 0.9683772
    //   t=2: v = 0.81 + 1.6 = 2.41;      θ −= 0.01·4/1.552417       → 0.9426110
    //   t=3: g = 0 → unchanged (v = 2.169)
    // e1: g = −1, 0.5, 2
    //   t=1: v = 0.1;    θ = −1 + 0.01/0.3162278        = −0.9683772
    //   t=2: v = 0.115;  θ −= 0.01·0.5/0.3391165        → −0.9831214
    //   t=3: v = 0.5035; θ −= 0.01·2/0.7095773          → −1.0113072
    const p = param('w', [1, -1]);
    close(run1(new RMSprop([p], { lr: 0.01, alpha: 0.9 }, k), p, [[3, -1], [4, 0.5], [0, 2]]), [
      [0.9683772237316496, -0.9683772243983162],
      [0.9426109588415914, -0.9831214195790233],
      [0.9426109588415914, -1.0113072121901165],
    ]);
  });

  it('centered with momentum', () => {
    // γ = 0.01, α = 0.9, μ = 0.5; ṽ = v − ḡ²; b ← μ·b + g/(√ṽ + ε); θ ← θ − γ·b
    // e0: g = 3, 4, 0
    //   t=1: v = 0.9,   ḡ = 0.3,   ṽ = 0.81,    b = 3/0.9                 = 3.333333  θ = 0.9666667
    //   t=2: v = 2.41,  ḡ = 0.67,  ṽ = 1.9611,  b = 1.666667 + 4/1.400393 = 4.523008  θ = 0.9214366
    //   t=3: v = 2.169, ḡ = 0.603, ṽ = 1.80539, b = 2.261504 + 0          = 2.261504  θ = 0.8988215
    // e1: g = −1, 0.5, 2
    //   t=1: v = 0.1,    ḡ = −0.1,  ṽ = 0.09,     b = −3.333333             θ = −0.9666667
    //   t=2: v = 0.115,  ḡ = −0.04, ṽ = 0.1134,   b = −1.666667 + 1.484785 = −0.181882  θ = −0.9648478
    //   t=3: v = 0.5035, ḡ = 0.164, ṽ = 0.476604, b = −0.090941 + 2.897018 = 2.806077   θ = −0.9929086
    const p = param('w', [1, -1]);
    const opt = new RMSprop([p], { lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true }, k);
    close(run1(opt, p, [[3, -1], [4, 0.5], [0, 2]]), [
      [0.9666666670370371, -0.9666666677777778],
      [0.9214365863076731, -0.964847847998662],
      [0.8988215459429911, -0.9929086150605163],
    ]);
  });

  it('coupled weight decay', () => {
    // γ = 0.01, α = 0.9, λ = 0.1, g = 3, 4, 0
    // t=1: g = 3.1,        v = 0.961,    θ = 1 − 0.01·3.1/0.980306 = 0.9683772
    // t=2: g = 4.0968377,  v = 2.543308, θ −= 0.0256891           → 0.9426881
    // t=3: g = 0.0942688,  v = 2.289866, θ −= 0.000623            → 0.9420651
    const p = param('w', [1]);
    close(run1(new RMSprop([p], { lr: 0.01, alpha: 0.9, weightDecay: 0.1 }, k), p, [[3], [4], [0]]), [
      [0.9683772237208969],
      [0.9426881002527839],
      [0.94206513617189],
    ]);
  });
});

describe('Adam and AdamW', () => {
  it('Adam with bias correction', () => {
    // γ = 0.1, β₁ = 0.9, β₂ = 0.999, ε = 1e-8; m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)
    // e0: g = 0.5, −1, 2
    //   t=1: m = 0.05,    v = 0.00025,    m̂ = 0.5,        v̂ = 0.25,     θ = 1 − 0.1·0.5/0.5 = 0.9 (+2e-9 from ε)
    //   t=2: m = −0.055,  v = 0.00124975, m̂ = −0.2894737, v̂ = 0.6251876, θ −= −0.0366104 → 0.9366104
    //   t=3: m = 0.1505,  v = 0.0052485,  m̂ = 0.5553506,  v̂ = 1.751251,  θ −= 0.0419656  → 0.8946448
    // e1: g = 0.1 every step: m̂ = 0.1, v̂ = 0.01, so each step is γ·0.1/(0.1 + ε) ≈ 0.1
    const p = param('w', [1, -2]);
    close(run1(new Adam([p], { lr: 0.1 }, k), p, [[0.5, 0.1], [-1, 0.1], [2, 0.1]]), [
      [0.900000002, -2.099999990000001],
      [0.9366103542405654, -2.199999980000001],
      [0.8946447927181046, -2.2999999700000022],
    ]);
  });

  it('Adam: coupled L2 (λ·θ added to g before the moments)', () => {
    // γ = 0.1, λ = 0.1, g = 0.5, −1, 2
    // t=1: g = 0.6,       m = 0.06,      v = 0.00036,     θ = 1 − 0.1·0.6/0.6 = 0.9
    // t=2: g = −0.91,     m = −0.037,    v = 0.00118774,  θ −= −0.0252635 → 0.9252635
    // t=3: g = 2.0925264, m = 0.1759526, v = 0.005565219, θ −= 0.0476463  → 0.8776173
    const p = param('w', [1]);
    close(run1(new Adam([p], { lr: 0.1, weightDecay: 0.1 }, k), p, [[0.5], [-1], [2]]), [
      [0.9000000016666666],
      [0.9252635194456061],
      [0.8776172608049325],
    ]);
  });

  it('AdamW: decoupled θ ← θ·(1 − γλ), differs from Adam; biases not decayed', () => {
    // γ = 0.1, λ = 0.1, g = 0.5, −1, 2 — the moments see g alone, as in the plain Adam test
    // t=1: θ = 1·0.99 = 0.99;           θ −= 0.1         → 0.89
    // t=2: θ = 0.89·0.99 = 0.8811;      θ −= −0.0366104  → 0.9177104
    // t=3: θ = 0.9177104·0.99 = 0.9085333; θ −= 0.0419656 → 0.8665677
    // The bias (decay 0) follows plain Adam: 0.9, 0.9366104, 0.8946448.
    const w = param('w', [1], 1);
    const b = param('b', [1], 0);
    const g = (x: number) => [[x], [x]];
    const got = run(new AdamW([w, b], { lr: 0.1, weightDecay: 0.1 }, k), [w, b], [g(0.5), g(-1), g(2)]);
    close(got.map((s) => s[0]), [[0.890000002], [0.9177103542205653], [0.8665676891558989]]);
    close(got.map((s) => s[1]), [[0.900000002], [0.9366103542405654], [0.8946447927181046]]);
  });
});

describe('Lion', () => {
  it('sign of the interpolated momentum, decoupled decay; m holds the β₂ average of g', () => {
    // γ = 0.1, β₁ = 0.9, β₂ = 0.99, λ = 0.1: θ ← θ·0.99; c = 0.9·m + 0.1·g; θ ← θ − 0.1·sign(c); m ← 0.99·m + 0.01·g
    // e0: g = 0.5, −1, 0.04
    //   t=1: θ = 0.99;     c = 0.05            → +1  θ = 0.89;     m = 0.005
    //   t=2: θ = 0.8811;   c = 0.0045 − 0.1    → −1  θ = 0.9811;   m = 0.00495 − 0.01 = −0.00505
    //   t=3: θ = 0.971289; c = −0.004545 + 0.004 → −1 (g > 0, yet the momentum wins)  θ = 1.071289; m = −0.0045995
    // e1: g = −1, 0.25, 0
    //   t=1: θ = −1.98;    c = −0.1            → −1  θ = −1.88;    m = −0.01
    //   t=2: θ = −1.8612;  c = −0.009 + 0.025  → +1  θ = −1.9612;  m = −0.0099 + 0.0025 = −0.0074
    //   t=3: θ = −1.941588; c = −0.00666       → −1  θ = −1.841588; m = −0.007326
    // e2: g = 0 always: c = 0, sign(0) = 0 (torch.sign), so θ only decays: 2 → 1.98 → 1.9602 → 1.940598
    const w = param('w', [1, -2, 2], 1);
    const b = param('b', [1, -2, 2], 0);
    const opt = new Lion([w, b], { lr: 0.1, weightDecay: 0.1 }, k);
    const g = [[0.5, -1, 0], [-1, 0.25, 0], [0.04, 0, 0]];
    const got = run(opt, [w, b], g.map((x) => [x, x]));
    close(got.map((s) => s[0]), [
      [0.89, -1.88, 1.98],
      [0.9811, -1.9612, 1.9602],
      [1.071289, -1.841588, 1.9405979999999998],
    ]);
    // the bias (decay 0): the same signs, no decay
    close(got.map((s) => s[1]), [[0.9, -1.9, 2], [1, -2, 2], [1.1, -1.9, 2]]);
    close([Array.from(opt.state().get(w)!.slots.expAvg)], [[-0.0045995, -0.007326, 0]]);
    assert.equal(opt.l2, 0);
  });

  it('defaults: lr 1e-4, β₁ 0.9, β₂ 0.99, no decay', () => {
    assert.deepEqual(createOptimizer('lion', [param('w', [1])], {}, k).hyperparameters(), { lr: 1e-4, beta1: 0.9, beta2: 0.99, weightDecay: 0 });
    assert.equal(defaultLr('lion'), 1e-4);
  });
});

describe('optimizer state', () => {
  // every registered optimizer, with the options that give it the most state
  const options: Partial<Record<OptimizerName, OptimizerOptions>> = {
    adagrad: { lrDecay: 0.1 },
    rmsprop: { lr: 0.01, momentum: 0.5, centered: true },
    adam: { weightDecay: 0.1 },
  };
  const makers = OPTIMIZER_NAMES.map((name): [string, (ps: Param[], kernels?: JsKernels) => Optimizer] => [
    `${name} ${JSON.stringify(options[name] ?? {})}`,
    (ps, kk = k) => createOptimizer(name, ps, { lr: 0.1, ...options[name] }, kk),
  ]);
  const gradsA = [[0.5, -1], [2, 0.25], [-1, 1]];
  const gradsB = [[3, 0], [0.1, 0.2], [-2, 4]];

  for (const [label, make] of makers) {
    it(`${label}: each parameter evolves as if alone, whatever the list order`, () => {
      const a = param('a', [1, -1]);
      const b = param('b', [0.5, 2]);
      // b listed first: state must follow the Param object, not its position
      const both = run(make([b, a]), [b, a], gradsA.map((ga, t) => [gradsB[t], ga]));
      const a1 = param('a', [1, -1]);
      const b1 = param('b', [0.5, 2]);
      const aloneA = run1(make([a1]), a1, gradsA);
      const aloneB = run1(make([b1]), b1, gradsB);
      close(both.map((s) => s[1]), aloneA, 0);
      close(both.map((s) => s[0]), aloneB, 0);
      assert.notDeepEqual(aloneA[2], [1, -1]);
    });

    it(`${label}: state is allocated once, on the first step, in the param's dtype`, () => {
      let allocs = 0;
      class Counting extends JsKernels {
        override alloc(n: number, dtype?: DType) {
          allocs++;
          return super.alloc(n, dtype);
        }
      }
      const p = param('w', [1, 2, 3], 1, 'float32');
      const counted = make([p], new Counting());
      assert.equal(counted.state().size, 0);
      p.grad.data.set([0.1, -0.2, 0.3]);
      counted.step();
      const after1 = allocs;
      assert.ok(after1 > 0);
      const s = counted.state().get(p);
      assert.ok(s);
      assert.equal(s.step, 1);
      const buffers = Object.values(s.slots);
      for (const buf of buffers) {
        assert.ok(buf instanceof Float32Array, 'state in the param dtype');
        assert.ok(buf.length === 3 || buf.length === 0);
      }
      counted.step();
      counted.step();
      assert.equal(allocs, after1, 'no allocation after the first step');
      const s3 = counted.state().get(p);
      assert.equal(s3, s);
      assert.equal(s3?.step, 3);
      Object.values(s3!.slots).forEach((buf, i) => assert.equal(buf, buffers[i], 'same buffer identity'));
    });
  }

  for (const [label, make] of makers) {
    it(`${label}: release() gives every state buffer back, and the next step starts again from step 1`, () => {
      const tracking = new TrackingKernels();
      const p = param('w', [1, 2, 3]);
      const opt = make([p], tracking);
      p.grad.data.set([0.1, -0.2, 0.3]);
      opt.step();
      opt.step();
      assert.ok(tracking.live.size > 0);
      opt.release();
      assert.equal(tracking.live.size, 0);
      assert.equal(opt.state().size, 0);
      const q = param('w', Array.from(p.value.data));
      const fresh = make([q]);
      p.grad.data.set([0.5, 0.5, -1]);
      q.grad.data.set([0.5, 0.5, -1]);
      opt.step();
      fresh.step();
      assert.equal(opt.state().get(p)?.step, 1);
      assert.deepEqual(Array.from(p.value.data), Array.from(q.value.data));
      opt.release();
    });
  }

  it('Adam state is keyed by Param: m holds (1 − β₁)·g after one step', () => {
    const a = param('a', [1, 1]);
    const b = param('b', [1, 1]);
    const opt = new Adam([a, b], { lr: 0.1 }, k);
    a.grad.data.set([1, 2]);
    b.grad.data.set([-3, 4]);
    opt.step();
    close([Array.from(opt.state().get(a)!.slots.expAvg)], [[0.1, 0.2]]);
    close([Array.from(opt.state().get(b)!.slots.expAvg)], [[-0.3, 0.4]]);
  });

  it('lr can be changed between steps (schedules)', () => {
    const p = param('w', [1]);
    const opt = new SGD([p], { lr: 0.1 }, k);
    p.grad.data.set([1]);
    opt.step();
    opt.lr = 0.01;
    opt.step();
    close([Array.from(p.value.data)], [[1 - 0.1 - 0.01]]);
  });

  it('zeroGrad clears every gradient', () => {
    const a = param('a', [1, 2]);
    const b = param('b', [3]);
    a.grad.data.set([1, 2]);
    b.grad.data.set([3]);
    new Adam([a, b], {}, k).zeroGrad();
    assert.deepEqual(Array.from(a.grad.data), [0, 0]);
    assert.deepEqual(Array.from(b.grad.data), [0]);
  });

  it('a parameter whose buffer is longer than its shape is a ShapeError', () => {
    const p: Param = { name: 'w', value: new Matrix(1, 2, new Float64Array(4)), grad: Matrix.zeros(1, 2, 'float64'), decay: 1, version: 0 };
    assert.throws(() => new SGD([p], {}, k).step(), ShapeError);
  });
});

describe('per-parameter weight decay', () => {
  // λ·param.decay reaches the kernel: a bias (decay 0) steps exactly as with weightDecay 0,
  // a weight (decay 1) does not.
  const grads = [[0.5, -1], [2, 0.25], [-1, 1]];
  for (const name of OPTIMIZER_NAMES) {
    it(`${name}: biases are not decayed, weights are`, () => {
      const opts = name === 'rmsprop' ? { momentum: 0.5, centered: true } : {};
      const run2 = (weightDecay: number, decay: number) => {
        const q = param('q', [1, -2], decay);
        return run1(createOptimizer(name, [q], { ...opts, lr: 0.1, weightDecay }, k), q, grads);
      };
      const plain = run2(0, 1);
      close(run2(0.1, 0), plain, 0);
      assert.notDeepEqual(run2(0.1, 1), plain);
    });
  }
});

describe('L2 penalty', () => {
  it('is ½·λ·Σ decay·‖w‖², and its gradient is the λ·decay·w that coupled decay adds', () => {
    // w = [1, 2] (decay 1), b = [3] (decay 0), λ = 0.1: ½·0.1·(1 + 4) = 0.25
    const w = param('w', [1, 2], 1);
    const b = param('b', [3], 0);
    assert.equal(l2Penalty([w, b], 0.1, k), 0.25);
    const opt = new SGD([w, b], { weightDecay: 0.1 }, k);
    assert.equal(opt.l2Penalty(), 0.25);
    assert.equal(new AdamW([w, b], { weightDecay: 0.1 }, k).l2Penalty(), 0);
    // d/dw₁ of the penalty by central differences = λ·w₁ = 0.2
    const h = 1e-6;
    w.value.data[1] = 2 + h;
    const up = l2Penalty([w, b], 0.1, k);
    w.value.data[1] = 2 - h;
    const down = l2Penalty([w, b], 0.1, k);
    assert.ok(Math.abs((up - down) / (2 * h) - 0.2) < 1e-8);
  });
});

describe('validation', () => {
  const p = () => [param('w', [1])];
  const cases: [string, () => unknown, string][] = [
    ['Adam lr', () => new Adam(p(), { lr: -1 }, k), 'Adam: lr must be > 0, found -1'],
    ['SGD lr 0', () => new SGD(p(), { lr: 0 }, k), 'SGD: lr must be > 0, found 0'],
    ['lr NaN', () => new SGD(p(), { lr: NaN }, k), 'SGD: lr must be a finite number, found NaN'],
    ['Adam beta1', () => new Adam(p(), { beta1: 1 }, k), 'Adam: beta1 must be in [0, 1), found 1'],
    ['AdamW beta2', () => new AdamW(p(), { beta2: -0.1 }, k), 'AdamW: beta2 must be in [0, 1), found -0.1'],
    ['Adam eps', () => new Adam(p(), { eps: -1e-8 }, k), 'Adam: eps must be >= 0, found -1e-8'],
    ['SGD momentum', () => new SGD(p(), { momentum: -0.5 }, k), 'SGD: momentum must be >= 0, found -0.5'],
    ['SGD weightDecay', () => new SGD(p(), { weightDecay: -1 }, k), 'SGD: weightDecay must be >= 0, found -1'],
    [
      'nesterov without momentum',
      () => new SGD(p(), { nesterov: true }, k),
      'SGD: nesterov requires momentum > 0 and dampening = 0, found momentum 0, dampening 0',
    ],
    [
      'nesterov with dampening',
      () => new SGD(p(), { momentum: 0.9, dampening: 0.5, nesterov: true }, k),
      'SGD: nesterov requires momentum > 0 and dampening = 0, found momentum 0.9, dampening 0.5',
    ],
    ['Lion beta2', () => new Lion(p(), { beta2: 1 }, k), 'Lion: beta2 must be in [0, 1), found 1'],
    ['Lion weightDecay', () => createOptimizer('lion', p(), { weightDecay: -0.1 }, k), 'Lion: weightDecay must be >= 0, found -0.1'],
    ['Lion takes no eps', () => createOptimizer('lion' as OptimizerName, p(), { eps: 1e-8 }, k), "optimizer 'lion': unknown option 'eps', expected one of lr, beta1, beta2, weightDecay"],
    ['RMSprop alpha', () => new RMSprop(p(), { alpha: 1 }, k), 'RMSprop: alpha must be in [0, 1), found 1'],
    ['RMSprop momentum', () => new RMSprop(p(), { momentum: -1 }, k), 'RMSprop: momentum must be >= 0, found -1'],
    ['Adagrad lrDecay', () => new Adagrad(p(), { lrDecay: -1 }, k), 'Adagrad: lrDecay must be >= 0, found -1'],
    [
      'Adagrad initial accumulator',
      () => new Adagrad(p(), { initialAccumulatorValue: -1 }, k),
      'Adagrad: initialAccumulatorValue must be >= 0, found -1',
    ],
    [
      'duplicate param',
      () => {
        const w = param('w', [1]);
        return new Adam([w, w], {}, k);
      },
      "Adam: parameter 'w' appears more than once in the list",
    ],
    [
      'unknown name',
      () => createOptimizer('adamax' as OptimizerName, p(), {}, k), // a name from a config file: checked at run time
      "optimizer: unknown name 'adamax', expected one of adagrad, adam, adamw, lion, momentum, nesterov, rmsprop, sgd",
    ],
    [
      'option the optimizer does not take',
      () => createOptimizer('sgd' as OptimizerName, p(), { beta1: 0.9 }, k), // compiles only for a name not known until run time
      "optimizer 'sgd': unknown option 'beta1', expected one of lr, momentum, dampening, weightDecay, nesterov",
    ],
    ['friendly factory validates now', () => adam({ lr: -1 }), 'Adam: lr must be > 0, found -1'],
  ];
  for (const [label, fn, message] of cases) {
    it(label, () => assert.throws(fn, (e: unknown) => e instanceof ConfigError && e.message === message));
  }
});

describe('createOptimizer', () => {
  const p = () => [param('w', [1])];

  it('knows every name, with default learning rates', () => {
    // the registry's names, in alphabetical order (registry.ts)
    assert.deepEqual([...OPTIMIZER_NAMES], ['adagrad', 'adam', 'adamw', 'lion', 'momentum', 'nesterov', 'rmsprop', 'sgd']);
    for (const name of OPTIMIZER_NAMES) {
      const opt = createOptimizer(name, p(), {}, k);
      assert.equal(opt.lr, defaultLr(name), name);
    }
    assert.equal(defaultLr('sgd'), 0.01);
    assert.equal(defaultLr('adam'), 1e-3);
  });

  it("'momentum' and 'nesterov' are SGD with momentum 0.9", () => {
    assert.deepEqual(createOptimizer('momentum', p(), {}, k).hyperparameters(), {
      lr: 0.01,
      momentum: 0.9,
      dampening: 0,
      nesterov: false,
      weightDecay: 0,
    });
    const n = createOptimizer('nesterov', p(), { momentum: 0.8, lr: 0.5 }, k);
    assert.equal(n.name, 'sgd');
    assert.deepEqual(n.hyperparameters(), { lr: 0.5, momentum: 0.8, dampening: 0, nesterov: true, weightDecay: 0 });
  });

  it('AdamW decays by 0.01 by default; Adam does not', () => {
    assert.equal(createOptimizer('adamw', p(), {}, k).hyperparameters().weightDecay, 0.01);
    assert.equal(createOptimizer('adam', p(), {}, k).hyperparameters().weightDecay, 0);
    assert.equal(createOptimizer('adam', p(), { weightDecay: 0.1 }, k).l2, 0.1);
    assert.equal(createOptimizer('adamw', p(), { weightDecay: 0.1 }, k).l2, 0);
  });

  it('undefined options take the defaults', () => {
    const o = createOptimizer('rmsprop' as OptimizerName, p(), { lr: undefined, beta1: undefined }, k);
    assert.equal(o.lr, 0.01);
  });

  it('specs create optimizers once the parameters exist', () => {
    const spec = sgd({ lr: 0.1, momentum: 0.9 });
    assert.equal(spec.name, 'sgd');
    const w = param('w', [1]);
    const opt = spec.create([w], k);
    close(run1(opt, w, [[1], [2], [-1]]), [[0.9], [0.61], [0.449]]);
  });
});
