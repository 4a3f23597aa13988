// SIMD kernels of the activations whose row in src/core/activations.ts has a `wasm` code (the codes
// below are those rows' codes; a row without one runs its TypeScript reference instead). Cheap ones
// are f32x4 with a scalar tail; transcendental ones are scalar f32 (Mathf), except SiLU (f32x4,
// simd-math.ts expf4) and the exact GELU, evaluated in f64 (erfc has no f32 routine here) and
// rounded once. An unknown code traps.
import { erfc64 } from './erf';
import { sigmoidf } from './elementwise';
import { expf4 } from './simd-math';

const LINEAR = 0, SIGMOID = 1, TANH = 2, RELU = 3, LEAKY = 4, ELU = 5, GELU = 6, GELU_TANH = 7, SILU = 8;

const GELU_C: f32 = 0.7978845608028654; // √(2/π)
const GELU_K: f32 = 0.044715;
const GELU_3K: f32 = 3 * 0.044715;
const INV_SQRT_2PI: f64 = 0.3989422804014327; // 1/√(2π)

/** Φ(x) = ½·erfc(−x/√2), the standard normal CDF. */
// @ts-ignore: decorator
@inline function normalCdf(x: f64): f64 {
  return 0.5 * erfc64(-x * Math.SQRT1_2);
}

/** y = f(x) over n elements; y may alias x. */
export function activation(kind: i32, x: usize, y: usize, n: i32, alpha: f32): void {
  switch (kind) {
    case LINEAR:
      if (x != y) memory.copy(y, x, <usize>n * 4);
      return;
    case RELU:
    case LEAKY:
      reluForward(x, y, n, kind == LEAKY, alpha);
      return;
    case SIGMOID:
      for (let i = 0; i < n; i++) {
        const o = <usize>i * 4;
        store<f32>(y + o, sigmoidf(load<f32>(x + o)));
      }
      return;
    case TANH:
      for (let i = 0; i < n; i++) {
        const o = <usize>i * 4;
        store<f32>(y + o, Mathf.tanh(load<f32>(x + o)));
      }
      return;
    case ELU:
      for (let i = 0; i < n; i++) {
        const o = <usize>i * 4;
        const v = load<f32>(x + o);
        store<f32>(y + o, v > 0 ? v : alpha * Mathf.expm1(v));
      }
      return;
    case GELU:
      for (let i = 0; i < n; i++) {
        const o = <usize>i * 4;
        const v = load<f32>(x + o);
        store<f32>(y + o, <f32>(<f64>v * normalCdf(v)));
      }
      return;
    case GELU_TANH:
      for (let i = 0; i < n; i++) {
        const o = <usize>i * 4;
        const v = load<f32>(x + o);
        store<f32>(y + o, <f32>0.5 * v * (<f32>1 + Mathf.tanh(GELU_C * (v + GELU_K * v * v * v))));
      }
      return;
    case SILU:
      siluForward(x, y, n);
      return;
    default:
      unreachable();
  }
}

/** y = x > 0 ? x : (leaky ? αx : 0). */
function reluForward(x: usize, y: usize, n: i32, leaky: bool, alpha: f32): void {
  const zero = f32x4.splat(0);
  const va = f32x4.splat(alpha);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * 4;
    const v = v128.load(x + o);
    const pos = f32x4.gt(v, zero);
    v128.store(y + o, leaky ? v128.bitselect(v, f32x4.mul(va, v), pos) : v128.and(v, pos));
  }
  for (let i = n4; i < n; i++) {
    const v = load<f32>(x + <usize>i * 4);
    store<f32>(y + <usize>i * 4, v > 0 ? v : leaky ? alpha * v : 0);
  }
}

/** dx = dy ⊙ f'(x) given x and y = f(x); dx may alias dy. */
export function activationBackward(kind: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  switch (kind) {
    case LINEAR:
      if (dx != dy) memory.copy(dx, dy, <usize>n * 4);
      return;
    case SIGMOID:
    case TANH:
    case RELU:
    case LEAKY:
    case ELU:
      simpleBackward(kind, x, y, dy, dx, n, alpha);
      return;
    case GELU:
      // Φ(x) + x·φ(x), φ(x) = e^{−x²/2}/√(2π)
      for (let i = 0; i < n; i++) {
        const o = <usize>i * 4;
        const v = <f64>load<f32>(x + o);
        const d = normalCdf(v) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
        store<f32>(dx + o, <f32>(<f64>load<f32>(dy + o) * d));
      }
      return;
    case GELU_TANH:
      for (let i = 0; i < n; i++) {
        const o = <usize>i * 4;
        const v = load<f32>(x + o);
        const t = Mathf.tanh(GELU_C * (v + GELU_K * v * v * v));
        const dt = (<f32>1 - t * t) * GELU_C * (<f32>1 + GELU_3K * v * v);
        store<f32>(dx + o, load<f32>(dy + o) * (<f32>0.5 * (<f32>1 + t) + <f32>0.5 * v * dt));
      }
      return;
    case SILU:
      siluBackward(x, dy, dx, n);
      return;
    default:
      unreachable();
  }
}

/** Backward of the kinds whose derivative is a select or a product of x, y: f32x4 with a scalar tail. */
function simpleBackward(kind: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const va = f32x4.splat(alpha);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * 4;
    const d = v128.load(dy + o);
    let r = zero;
    if (kind == SIGMOID) {
      const s = v128.load(y + o);
      r = f32x4.mul(f32x4.mul(d, s), f32x4.sub(one, s));
    } else if (kind == TANH) {
      const t = v128.load(y + o);
      r = f32x4.mul(d, f32x4.sub(one, f32x4.mul(t, t)));
    } else {
      const pos = f32x4.gt(v128.load(x + o), zero);
      if (kind == RELU) r = v128.and(d, pos);
      else if (kind == LEAKY) r = v128.bitselect(d, f32x4.mul(va, d), pos);
      else if (kind == ELU) r = v128.bitselect(d, f32x4.mul(d, f32x4.add(v128.load(y + o), va)), pos);
      else unreachable();
    }
    v128.store(dx + o, r);
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i * 4;
    const d = load<f32>(dy + o);
    const v = load<f32>(x + o);
    const s = load<f32>(y + o);
    let r: f32 = 0;
    if (kind == SIGMOID) r = d * s * (1 - s);
    else if (kind == TANH) r = d * (1 - s * s);
    else if (kind == RELU) r = v > 0 ? d : 0;
    else if (kind == LEAKY) r = v > 0 ? d : alpha * d;
    else if (kind == ELU) r = v > 0 ? d : d * (s + alpha);
    else unreachable();
    store<f32>(dx + o, r);
  }
}

/** SiLU y = x·σ(x) = x / (1 + e^{−x}), four lanes at a time (the tail one by one, in lane 0 of the same vector ops). */
function siluForward(x: usize, y: usize, n: i32): void {
  const one = f32x4.splat(1);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * 4;
    const v = v128.load(x + o);
    v128.store(y + o, f32x4.div(v, f32x4.add(one, expf4(f32x4.neg(v)))));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i * 4;
    const v = load<f32>(x + o);
    store<f32>(y + o, f32x4.extract_lane(f32x4.div(f32x4.splat(v), f32x4.add(one, expf4(f32x4.splat(-v)))), 0));
  }
}

/** dx = dy·σ(x)·(1 + x·(1 − σ(x))); dx may alias dy. */
function siluBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  const one = f32x4.splat(1);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * 4;
    v128.store(dx + o, siluGrad(v128.load(x + o), v128.load(dy + o), one));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i * 4;
    store<f32>(dx + o, f32x4.extract_lane(siluGrad(f32x4.splat(load<f32>(x + o)), f32x4.splat(load<f32>(dy + o)), one), 0));
  }
}

// @ts-ignore: decorator
@inline function siluGrad(v: v128, d: v128, one: v128): v128 {
  const s = f32x4.div(one, f32x4.add(one, expf4(f32x4.neg(v))));
  return f32x4.mul(f32x4.mul(d, s), f32x4.add(one, f32x4.mul(v, f32x4.sub(one, s))));
}
