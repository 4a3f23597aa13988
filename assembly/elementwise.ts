// Element-wise kernels over n floats: activations forward/backward, mul, axpy, Σx², column sums.
// Cheap ones are f32x4 with a scalar tail; transcendental ones are scalar f32 (Mathf), except the
// exact GELU, evaluated in f64 (erfc has no f32 routine here) and rounded once.
import { erfc64 } from './erf';

const GELU_C: f32 = 0.7978845608028654; // √(2/π)
const GELU_K: f32 = 0.044715;
const GELU_3K: f32 = 3 * 0.044715;
const INV_SQRT_2PI: f64 = 0.3989422804014327; // 1/√(2π)

// Activation codes, matching KIND in src/core/wasm/kernels-wasm.ts.
const LINEAR = 0, SIGMOID = 1, TANH = 2, RELU = 3, LEAKY = 4, ELU = 5, GELU = 6, GELU_TANH = 7;

/** Φ(x) = ½·erfc(−x/√2), the standard normal CDF. */
// @ts-ignore: decorator
@inline function normalCdf(x: f64): f64 {
  return 0.5 * erfc64(-x * Math.SQRT1_2);
}

// @ts-ignore: decorator
@inline export function sigmoidf(z: f32): f32 {
  // branch keeps exp's argument ≤ 0, so no overflow for large |z|
  if (z >= 0) return 1 / (1 + Mathf.exp(-z));
  const e = Mathf.exp(z);
  return e / (1 + e);
}

/** y = f(x) over n elements; y may alias x. */
export function activation(kind: i32, x: usize, y: usize, n: i32, alpha: f32): void {
  const zero = f32x4.splat(0);
  const va = f32x4.splat(alpha);
  const n4 = n & ~3;
  if (kind == LINEAR) {
    if (x != y) memory.copy(y, x, <usize>n * 4);
  } else if (kind == RELU || kind == LEAKY) {
    const leaky = kind == LEAKY;
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
  } else {
    for (let i = 0; i < n; i++) {
      const v = load<f32>(x + <usize>i * 4);
      let r: f32;
      if (kind == SIGMOID) r = sigmoidf(v);
      else if (kind == TANH) r = Mathf.tanh(v);
      else if (kind == ELU) r = v > 0 ? v : alpha * Mathf.expm1(v);
      else if (kind == GELU) r = <f32>(<f64>v * normalCdf(v));
      else r = <f32>0.5 * v * (<f32>1 + Mathf.tanh(GELU_C * (v + GELU_K * v * v * v)));
      store<f32>(y + <usize>i * 4, r);
    }
  }
}

/** dx = dy ⊙ f'(x) given x and y = f(x); dx may alias dy. */
export function activationBackward(kind: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  const va = f32x4.splat(alpha);
  const n4 = n & ~3;
  if (kind == LINEAR) {
    if (dx != dy) memory.copy(dx, dy, <usize>n * 4);
    return;
  }
  if (kind == GELU) {
    // Φ(x) + x·φ(x), φ(x) = e^{−x²/2}/√(2π)
    for (let i = 0; i < n; i++) {
      const o = <usize>i * 4;
      const v = <f64>load<f32>(x + o);
      const d = normalCdf(v) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
      store<f32>(dx + o, <f32>(<f64>load<f32>(dy + o) * d));
    }
    return;
  }
  if (kind == GELU_TANH) {
    for (let i = 0; i < n; i++) {
      const o = <usize>i * 4;
      const v = load<f32>(x + o);
      const t = Mathf.tanh(GELU_C * (v + GELU_K * v * v * v));
      const dt = (<f32>1 - t * t) * GELU_C * (<f32>1 + GELU_3K * v * v);
      store<f32>(dx + o, load<f32>(dy + o) * (<f32>0.5 * (<f32>1 + t) + <f32>0.5 * v * dt));
    }
    return;
  }
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * 4;
    const d = v128.load(dy + o);
    let r: v128;
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
      else r = v128.bitselect(d, f32x4.mul(d, f32x4.add(v128.load(y + o), va)), pos); // ELU
    }
    v128.store(dx + o, r);
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i * 4;
    const d = load<f32>(dy + o);
    const v = load<f32>(x + o);
    const s = load<f32>(y + o);
    let r: f32;
    if (kind == SIGMOID) r = d * s * (1 - s);
    else if (kind == TANH) r = d * (1 - s * s);
    else if (kind == RELU) r = v > 0 ? d : 0;
    else if (kind == LEAKY) r = v > 0 ? d : alpha * d;
    else r = v > 0 ? d : d * (s + alpha);
    store<f32>(dx + o, r);
  }
}

/** out = a ⊙ b over n elements; out may alias a or b. */
export function mul(a: usize, b: usize, out: usize, n: i32): void {
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * 4;
    v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i * 4;
    store<f32>(out + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

/** y += alpha·x over n elements. */
export function axpy(alpha: f32, x: usize, y: usize, n: i32): void {
  const va = f32x4.splat(alpha);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * 4;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i * 4;
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

/** Σ x² over n elements, accumulated in f64. */
export function sumSquares(x: usize, n: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const v = v128.load(x + <usize>i * 4);
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
    s0 = f64x2.add(s0, f64x2.mul(lo, lo));
    s1 = f64x2.add(s1, f64x2.mul(hi, hi));
  }
  const t = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (let i = n4; i < n; i++) {
    const v = <f64>load<f32>(x + <usize>i * 4);
    s += v * v;
  }
  return s;
}

/** x[0:n] = value: `memory.fill` for zeros (~10× faster than TypedArray.fill on shared memory), else f32x4 stores. */
export function fill(x: usize, n: i32, value: f32): void {
  if (reinterpret<u32>(value) == 0) {
    memory.fill(x, 0, <usize>n * 4);
    return;
  }
  const v = f32x4.splat(value);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) v128.store(x + <usize>i * 4, v);
  for (let i = n4; i < n; i++) store<f32>(x + <usize>i * 4, value);
}

/**
 * Batch gather of columns [c0, c1): dst[i, c0:c1] = src[idx[i], c0:c1] for i < count, one
 * `memory.copy` per row; src, dst: [·, cols]; idx: i32[count]. Whole rows are c0 = 0, c1 = cols.
 */
export function gatherCols(src: usize, cols: i32, c0: i32, c1: i32, idx: usize, count: i32, dst: usize): void {
  const row = <usize>cols * 4;
  const off = <usize>c0 * 4;
  const bytes = <usize>(c1 - c0) * 4;
  for (let i = 0; i < count; i++) {
    memory.copy(dst + <usize>i * row + off, src + <usize>load<i32>(idx + <usize>i * 4) * row + off, bytes);
  }
}

/**
 * Index of the first NaN or ±Infinity among x[0:n], or -1. v − v is 0 for a finite v and NaN
 * otherwise, so each block of 1024 ORs the lanes' (v − v ≠ v − v) masks and only a block that has
 * one is scanned element by element.
 */
export function firstNonFinite(x: usize, n: i32): i32 {
  for (let b = 0; b < n; b += 1024) {
    const e = min(n, b + 1024);
    const e4 = b + ((e - b) & ~3);
    let bad = v128.splat<i32>(0);
    for (let i = b; i < e4; i += 4) {
      const v = v128.load(x + <usize>i * 4);
      const d = f32x4.sub(v, v);
      bad = v128.or(bad, f32x4.ne(d, d));
    }
    let found = v128.any_true(bad);
    for (let i = e4; i < e; i++) {
      const v = load<f32>(x + <usize>i * 4);
      if (v - v != 0) found = true;
    }
    if (found) {
      for (let i = b; i < e; i++) if (!isFinite<f32>(load<f32>(x + <usize>i * 4))) return i;
    }
  }
  return -1;
}

/** out[j] += Σ_i x[i, j]. x: [rows, cols], out: [cols]. */
export function sumRowsInto(x: usize, rows: i32, cols: i32, out: usize): void {
  const c4 = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const xr = x + <usize>(i * cols) * 4;
    for (let j = 0; j < c4; j += 4) {
      const o = <usize>j * 4;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(xr + o)));
    }
    for (let j = c4; j < cols; j++) {
      const o = <usize>j * 4;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(xr + o));
    }
  }
}
