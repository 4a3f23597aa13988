// Fused optimizer updates over n parameters, f32x4 with a scalar tail; the rules of torch.optim
// (see src/core/kernels-js.ts for the readable versions).

/** SGD with momentum/Nesterov. buf: momentum buffer (untouched if momentum = 0). */
export function sgdStep(
  p: usize, g: usize, buf: usize, n: i32,
  lr: f32, momentum: f32, dampening: f32, nesterov: bool, weightDecay: f32, firstStep: bool,
): void {
  const vlr = f32x4.splat(lr), vm = f32x4.splat(momentum), vwd = f32x4.splat(weightDecay);
  const vdamp = f32x4.splat(1 - dampening);
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
  const damp: f32 = 1 - dampening;
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

/** RMSprop; sq: square average, buf: momentum buffer, gAvg: mean gradient (centered). */
export function rmspropStep(
  p: usize, g: usize, sq: usize, buf: usize, gAvg: usize, n: i32,
  lr: f32, alpha: f32, eps: f32, weightDecay: f32, momentum: f32, centered: bool,
): void {
  const beta: f32 = 1 - alpha;
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
 * Adam/AdamW: stepSize = lr / (1 - β1^t), bc2Sqrt = √(1 - β2^t), decay = 1 - lr·wd (decoupled)
 * are computed by the caller.
 */
export function adamStep(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  beta1: f32, beta2: f32, eps: f32, weightDecay: f32, decoupled: bool, decay: f32, stepSize: f32, bc2Sqrt: f32,
): void {
  const vb1 = f32x4.splat(beta1), vb2 = f32x4.splat(beta2);
  const vc1 = f32x4.splat(1 - beta1), vc2 = f32x4.splat(1 - beta2);
  const veps = f32x4.splat(eps), vwd = f32x4.splat(weightDecay), vdecay = f32x4.splat(decay);
  const vstep2 = f32x4.splat(stepSize * bc2Sqrt), veps2 = f32x4.splat(eps * bc2Sqrt);
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
    // γ/(1−β₁ᵗ)·m / (√v/√(1−β₂ᵗ) + ε), with numerator and denominator times √(1−β₂ᵗ): one division
    const den = f32x4.add(f32x4.sqrt(vv), veps2);
    v128.store(p + o, f32x4.sub(pv, f32x4.div(f32x4.mul(vstep2, mv), den)));
  }
  const c1: f32 = 1 - beta1, c2: f32 = 1 - beta2;
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
    store<f32>(p + o, pv - (stepSize * bc2Sqrt * mv) / (Mathf.sqrt(vv) + eps * bc2Sqrt));
  }
}
