// Fused optimizer updates over n parameters, f32x4 with a scalar tail. Each is the rule of the
// same name in src/nn/optimizers/<name>.ts (the readable loop it is tested against), registered
// by src/core/wasm/optim-wasm.ts. Derived constants (1 − τ, 1 − α, 1 − β,
// bias corrections) are computed by the caller in float64 from the exact hyperparameters, as torch
// computes them in Python, and arrive rounded once to f32: `1 − β₂` taken here from an f32 β₂
// would be off by 1.3e-5 relative (β₂ = 0.999), and so would every v.

/** SGD with momentum/Nesterov; damp = 1 − dampening. buf: momentum buffer (untouched if momentum = 0). */
export function sgdStep(
  p: usize, g: usize, buf: usize, n: i32,
  lr: f32, momentum: f32, damp: f32, nesterov: bool, weightDecay: f32, firstStep: bool,
): void {
  const vlr = f32x4.splat(lr), vm = f32x4.splat(momentum), vwd = f32x4.splat(weightDecay);
  const vdamp = f32x4.splat(damp);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * 4;
    const pv = v128.load(p + o);
    let d = f32x4.add(v128.load(g + o), f32x4.mul(vwd, pv));
    if (momentum != 0) {
      const b = firstStep ? d : f32x4.add(f32x4.mul(vm, v128.load(buf + o)), f32x4.mul(vdamp, d));
      v128.store(buf + o, b);
      d = nesterov ? f32x4.add(d, f32x4.mul(vm, b)) : b;
    }
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(vlr, d)));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i * 4;
    const pv = load<f32>(p + o);
    let d = load<f32>(g + o) + weightDecay * pv;
    if (momentum != 0) {
      const b = firstStep ? d : momentum * load<f32>(buf + o) + damp * d;
      store<f32>(buf + o, b);
      d = nesterov ? d + momentum * b : b;
    }
    store<f32>(p + o, pv - lr * d);
  }
}

/** Adagrad; sum: running Σ g². */
export function adagradStep(p: usize, g: usize, sum: usize, n: i32, clr: f32, eps: f32, weightDecay: f32): void {
  const vlr = f32x4.splat(clr), veps = f32x4.splat(eps), vwd = f32x4.splat(weightDecay);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * 4;
    const pv = v128.load(p + o);
    const d = f32x4.add(v128.load(g + o), f32x4.mul(vwd, pv));
    const s = f32x4.add(v128.load(sum + o), f32x4.mul(d, d));
    v128.store(sum + o, s);
    v128.store(p + o, f32x4.sub(pv, f32x4.div(f32x4.mul(vlr, d), f32x4.add(f32x4.sqrt(s), veps))));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i * 4;
    const pv = load<f32>(p + o);
    const d = load<f32>(g + o) + weightDecay * pv;
    const s = load<f32>(sum + o) + d * d;
    store<f32>(sum + o, s);
    store<f32>(p + o, pv - (clr * d) / (Mathf.sqrt(s) + eps));
  }
}

/** RMSprop; beta = 1 − alpha. sq: square average, buf: momentum buffer, gAvg: mean gradient (centered). */
export function rmspropStep(
  p: usize, g: usize, sq: usize, buf: usize, gAvg: usize, n: i32,
  lr: f32, alpha: f32, beta: f32, eps: f32, weightDecay: f32, momentum: f32, centered: bool,
): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 4;
    const pv = load<f32>(p + o);
    const d = load<f32>(g + o) + weightDecay * pv;
    const s = alpha * load<f32>(sq + o) + beta * d * d;
    store<f32>(sq + o, s);
    let avg: f32;
    if (centered) {
      const ga = alpha * load<f32>(gAvg + o) + beta * d;
      store<f32>(gAvg + o, ga);
      avg = Mathf.sqrt(s - ga * ga) + eps;
    } else {
      avg = Mathf.sqrt(s) + eps;
    }
    if (momentum > 0) {
      const b = momentum * load<f32>(buf + o) + d / avg;
      store<f32>(buf + o, b);
      store<f32>(p + o, pv - lr * b);
    } else {
      store<f32>(p + o, pv - (lr * d) / avg);
    }
  }
}

/**
 * Adam/AdamW. From the caller: c1 = 1 − β₁, c2 = 1 − β₂, decay = 1 − lr·wd (decoupled),
 * step2 = lr/(1 − β₁ᵗ)·√(1 − β₂ᵗ), eps2 = ε·√(1 − β₂ᵗ):
 * γ/(1−β₁ᵗ)·m / (√v/√(1−β₂ᵗ) + ε) with numerator and denominator times √(1−β₂ᵗ), one division.
 */
export function adamStep(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  beta1: f32, beta2: f32, c1: f32, c2: f32, weightDecay: f32, decoupled: bool, decay: f32, step2: f32, eps2: f32,
): void {
  const vb1 = f32x4.splat(beta1), vb2 = f32x4.splat(beta2);
  const vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
  const vwd = f32x4.splat(weightDecay), vdecay = f32x4.splat(decay);
  const vstep2 = f32x4.splat(step2), veps2 = f32x4.splat(eps2);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * 4;
    let pv = v128.load(p + o);
    let d = v128.load(g + o);
    if (decoupled) pv = f32x4.mul(pv, vdecay);
    else d = f32x4.add(d, f32x4.mul(vwd, pv));
    const mv = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vc1, d));
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(f32x4.mul(vc2, d), d));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const den = f32x4.add(f32x4.sqrt(vv), veps2);
    v128.store(p + o, f32x4.sub(pv, f32x4.div(f32x4.mul(vstep2, mv), den)));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i * 4;
    let pv = load<f32>(p + o);
    let d = load<f32>(g + o);
    if (decoupled) pv *= decay;
    else d += weightDecay * pv;
    const mv = beta1 * load<f32>(m + o) + c1 * d;
    const vv = beta2 * load<f32>(v + o) + c2 * d * d;
    store<f32>(m + o, mv);
    store<f32>(v + o, vv);
    store<f32>(p + o, pv - (step2 * mv) / (Mathf.sqrt(vv) + eps2));
  }
}

/** Lanes 0, 1 (low) or 2, 3 (high) of an f32x4, as f64x2. */
@inline function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
@inline function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}
/** Two f32x4 whose lanes 0, 1 hold results (demote_f64x2_zero), joined into one. */
@inline function join(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(lo, hi, 0, 1, 4, 5);
}

/** Lion's θ for two lanes, in f64 (see {@link lionStep}); the result in lanes 0, 1 of an f32x4. */
@inline function lionP(p: v128, g: v128, m: v128, lr: v128, beta1: v128, c1: v128, decay: v128): v128 {
  const decayed = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.mul(p, decay)));
  const c = f64x2.add(f64x2.mul(beta1, m), f64x2.mul(c1, g));
  // sign(c): ±1, and c itself for ±0 and NaN (as Math.sign)
  const zero = f64x2.splat(0);
  const sign = v128.bitselect(f64x2.splat(1), v128.bitselect(f64x2.splat(-1), c, f64x2.lt(c, zero)), f64x2.gt(c, zero));
  return f32x4.demote_f64x2_zero(f64x2.sub(decayed, f64x2.mul(lr, sign)));
}

/**
 * Lion (src/nn/optimizers/lion.ts), computed in f64 as its loop is and rounded to f32 at the same
 * stores, so the result has the loop's bits: θ ← f32(θ·decay); c = β₁·m + c1·g;
 * θ ← f32(θ − lr·sign(c)); m ← f32(β₂·m + c2·g). From the caller, in f64: decay = 1 − lr·λ,
 * c1 = 1 − β₁, c2 = 1 − β₂. Four elements per iteration, as two f64x2 halves.
 */
export function lionStep(p: usize, g: usize, m: usize, n: i32, lr: f64, beta1: f64, beta2: f64, c1: f64, c2: f64, decay: f64): void {
  const vlr = f64x2.splat(lr), vb1 = f64x2.splat(beta1), vb2 = f64x2.splat(beta2);
  const vc1 = f64x2.splat(c1), vc2 = f64x2.splat(c2), vdecay = f64x2.splat(decay);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * 4;
    const p4 = v128.load(p + o), g4 = v128.load(g + o), m4 = v128.load(m + o);
    const gl = low(g4), gh = high(g4), ml = low(m4), mh = high(m4);
    v128.store(p + o, join(lionP(low(p4), gl, ml, vlr, vb1, vc1, vdecay), lionP(high(p4), gh, mh, vlr, vb1, vc1, vdecay)));
    const mLo = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(vb2, ml), f64x2.mul(vc2, gl)));
    const mHi = f32x4.demote_f64x2_zero(f64x2.add(f64x2.mul(vb2, mh), f64x2.mul(vc2, gh)));
    v128.store(m + o, join(mLo, mHi));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i * 4;
    const mv = <f64>load<f32>(m + o), gv = <f64>load<f32>(g + o);
    const decayed = <f64><f32>(<f64>load<f32>(p + o) * decay);
    const c = beta1 * mv + c1 * gv;
    const sign: f64 = c > 0 ? 1 : c < 0 ? -1 : c;
    store<f32>(p + o, <f32>(decayed - lr * sign));
    store<f32>(m + o, <f32>(beta2 * mv + c2 * gv));
  }
}
