// Element-wise kernels over n floats: mul, axpy, Σx², fill, the scan for non-finite values, batch
// gathers, column sums (activations: activations.ts). f32x4 with a scalar tail.

// @ts-ignore: decorator
@inline export function sigmoidf(z: f32): f32 {
  // branch keeps exp's argument ≤ 0, so no overflow for large |z|
  if (z >= 0) return 1 / (1 + Mathf.exp(-z));
  const e = Mathf.exp(z);
  return e / (1 + e);
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

/** x[0:n] = value: `memory.fill` for zeros (one bulk instruction, much faster than a loop of stores), else f32x4 stores. */
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
