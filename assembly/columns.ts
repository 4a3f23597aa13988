// Column statistics and column-wise affine maps over x: [rows, cols] row-major (batch norm,
// standardisation). Statistics are accumulated in f64 down each column, in row order, four columns
// at a time, so they are the same sums as the TypeScript reference's (src/core/columns-js.ts).

/** mean[j] = (1/rows)·Σ_i x[i, j];  variance[j] = (1/rows)·Σ_i (x[i, j] − mean[j])² (biased, two passes). */
export function colMeanVar(x: usize, rows: i32, cols: i32, mean: usize, variance: usize): void {
  const inv: f64 = 1 / <f64>rows;
  const ld = <usize>cols * 4;
  const c4 = cols & ~3;
  for (let j = 0; j < c4; j += 4) {
    const col = x + <usize>j * 4;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    for (let i = 0; i < rows; i++) {
      const v = v128.load(col + <usize>i * ld);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
    }
    const m0 = f64x2.mul(s0, f64x2.splat(inv)), m1 = f64x2.mul(s1, f64x2.splat(inv));
    let q0 = f64x2.splat(0), q1 = f64x2.splat(0);
    for (let i = 0; i < rows; i++) {
      const v = v128.load(col + <usize>i * ld);
      const d0 = f64x2.sub(f64x2.promote_low_f32x4(v), m0);
      const d1 = f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), m1);
      q0 = f64x2.add(q0, f64x2.mul(d0, d0));
      q1 = f64x2.add(q1, f64x2.mul(d1, d1));
    }
    store4(mean + <usize>j * 4, m0, m1);
    store4(variance + <usize>j * 4, f64x2.mul(q0, f64x2.splat(inv)), f64x2.mul(q1, f64x2.splat(inv)));
  }
  for (let j = c4; j < cols; j++) {
    const col = x + <usize>j * 4;
    let s: f64 = 0;
    for (let i = 0; i < rows; i++) s += <f64>load<f32>(col + <usize>i * ld);
    const m = s * inv;
    let q: f64 = 0;
    for (let i = 0; i < rows; i++) {
      const d = <f64>load<f32>(col + <usize>i * ld) - m;
      q += d * d;
    }
    store<f32>(mean + <usize>j * 4, <f32>m);
    store<f32>(variance + <usize>j * 4, <f32>(q * inv));
  }
}

/** out[j] = Σ_i a[i, j]·b[i, j] (each product in f32, summed in f64). a, b: [rows, cols]; out: [cols]. */
export function colDot(a: usize, b: usize, rows: i32, cols: i32, out: usize): void {
  const ld = <usize>cols * 4;
  const c4 = cols & ~3;
  for (let j = 0; j < c4; j += 4) {
    const o = <usize>j * 4;
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    for (let i = 0; i < rows; i++) {
      const p = f32x4.mul(v128.load(a + o + <usize>i * ld), v128.load(b + o + <usize>i * ld));
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(p));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(p, p, 2, 3, 0, 1)));
    }
    store4(out + o, s0, s1);
  }
  for (let j = c4; j < cols; j++) {
    const o = <usize>j * 4;
    let s: f64 = 0;
    for (let i = 0; i < rows; i++) s += <f64>(load<f32>(a + o + <usize>i * ld) * load<f32>(b + o + <usize>i * ld));
    store<f32>(out + o, <f32>s);
  }
}

/** y[i, j] = (x[i, j] − center[j])·scale[j]. x, y: [rows, cols]; center, scale: [cols]; y may alias x. */
export function centerScaleCols(x: usize, center: usize, scale: usize, y: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const o = <usize>i * cols * 4;
    for (let j = 0; j < c4; j += 4) {
      const jo = <usize>j * 4;
      v128.store(y + o + jo, f32x4.mul(f32x4.sub(v128.load(x + o + jo), v128.load(center + jo)), v128.load(scale + jo)));
    }
    for (let j = c4; j < cols; j++) {
      const jo = <usize>j * 4;
      store<f32>(y + o + jo, (load<f32>(x + o + jo) - load<f32>(center + jo)) * load<f32>(scale + jo));
    }
  }
}

/** y[i, j] = x[i, j]·a[j] + z[i, j]·b[j] + c[j]. x, z, y: [rows, cols]; a, b, c: [cols]; y may alias x or z. */
export function affinePairCols(x: usize, a: usize, z: usize, b: usize, c: usize, y: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const o = <usize>i * cols * 4;
    for (let j = 0; j < c4; j += 4) {
      const jo = <usize>j * 4;
      const xa = f32x4.mul(v128.load(x + o + jo), v128.load(a + jo));
      const zb = f32x4.mul(v128.load(z + o + jo), v128.load(b + jo));
      v128.store(y + o + jo, f32x4.add(f32x4.add(xa, zb), v128.load(c + jo)));
    }
    for (let j = c4; j < cols; j++) {
      const jo = <usize>j * 4;
      store<f32>(y + o + jo, load<f32>(x + o + jo) * load<f32>(a + jo) + load<f32>(z + o + jo) * load<f32>(b + jo) + load<f32>(c + jo));
    }
  }
}

/** Four f64 lanes (lo: lanes 0-1, hi: lanes 2-3) rounded to f32 and stored at p. */
// @ts-ignore: decorator
@inline function store4(p: usize, lo: v128, hi: v128): void {
  v128.store(p, i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
}
