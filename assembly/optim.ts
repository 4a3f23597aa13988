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
