// Scaling in place and column norms: gradient clipping (x ← s·x), label smoothing (x ← a·x + b),
// max-norm (each column onto the ball of radius c). Arithmetic in f64, each result rounded once to
// f32, in the reference's order (src/core/norms-js.ts): the same bits as the TypeScript kernels.

/** Two f32x4 halves promoted to f64x2: the low pair, the high pair. */
// @ts-ignore: decorator
@inline function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

/** The f32x4 of two f64x2 (lo: lanes 0-1, hi: lanes 2-3), each lane rounded once. */
// @ts-ignore: decorator
@inline function demote(lo: v128, hi: v128): v128 {
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}

/** x[i] = a·x[i] + b over n floats, in f64 (mul, add), rounded once. */
export function affine(x: usize, n: i32, a: f64, b: f64): void {
  const va = f64x2.splat(a);
  const vb = f64x2.splat(b);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const p = x + <usize>i * 4;
    const v = v128.load(p);
    const lo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v), va), vb);
    const hi = f64x2.add(f64x2.mul(high(v), va), vb);
    v128.store(p, demote(lo, hi));
  }
  for (let i = n4; i < n; i++) {
    const p = x + <usize>i * 4;
    store<f32>(p, <f32>(a * <f64>load<f32>(p) + b));
  }
}

/**
 * Each column j of x [rows, cols] with Σ_i x_ij² > c² is scaled by c/‖x_:j‖. Columns are taken 8 at
 * a time (two f32x4 per row, four f64x2 sums, each summed down the rows in order as the reference
 * does), the rest one by one. Returns the number of columns scaled.
 */
export function renormCols(x: usize, rows: i32, cols: i32, c: f64): i32 {
  const c2 = c * c;
  const ld = <usize>cols * 4;
  let scaled = 0;
  const c8 = cols & ~7;
  for (let j = 0; j < c8; j += 8) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let p = x + <usize>j * 4;
    for (let i = 0; i < rows; i++, p += ld) {
      const u = v128.load(p);
      const w = v128.load(p, 16);
      const a = f64x2.promote_low_f32x4(u), b = high(u), e = f64x2.promote_low_f32x4(w), f = high(w);
      s0 = f64x2.add(s0, f64x2.mul(a, a));
      s1 = f64x2.add(s1, f64x2.mul(b, b));
      s2 = f64x2.add(s2, f64x2.mul(e, e));
      s3 = f64x2.add(s3, f64x2.mul(f, f));
    }
    // lanes to scale: not ss ≤ c² (as the reference: a NaN sum scales its column too)
    const vc2 = f64x2.splat(c2);
    const m0 = v128.not(f64x2.le(s0, vc2)), m1 = v128.not(f64x2.le(s1, vc2));
    const m2 = v128.not(f64x2.le(s2, vc2)), m3 = v128.not(f64x2.le(s3, vc2));
    const n = popcnt(i64x2.bitmask(m0) | (i64x2.bitmask(m1) << 2) | (i64x2.bitmask(m2) << 4) | (i64x2.bitmask(m3) << 6));
    if (n == 0) continue;
    scaled += n;
    const f0 = factors(s0, m0, c), f1 = factors(s1, m1, c), f2 = factors(s2, m2, c), f3 = factors(s3, m3, c);
    p = x + <usize>j * 4;
    for (let i = 0; i < rows; i++, p += ld) {
      const u = v128.load(p);
      const w = v128.load(p, 16);
      v128.store(p, demote(f64x2.mul(f64x2.promote_low_f32x4(u), f0), f64x2.mul(high(u), f1)));
      v128.store(p, demote(f64x2.mul(f64x2.promote_low_f32x4(w), f2), f64x2.mul(high(w), f3)), 16);
    }
  }
  for (let j = c8; j < cols; j++) {
    let ss: f64 = 0;
    let p = x + <usize>j * 4;
    for (let i = 0; i < rows; i++, p += ld) {
      const v = <f64>load<f32>(p);
      ss += v * v;
    }
    if (ss <= c2) continue;
    scaled++;
    const s = c / Math.sqrt(ss);
    p = x + <usize>j * 4;
    for (let i = 0; i < rows; i++, p += ld) store<f32>(p, <f32>(<f64>load<f32>(p) * s));
  }
  return scaled;
}

/** Per lane: c/√ss where the mask is set, else 1 (x·1 rounds to x: the column is unchanged). */
// @ts-ignore: decorator
@inline function factors(ss: v128, mask: v128, c: f64): v128 {
  return v128.bitselect(f64x2.div(f64x2.splat(c), f64x2.sqrt(ss)), f64x2.splat(1), mask);
}
