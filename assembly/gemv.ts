// Small-row product (1–5 rows: one image's prediction): C = A·B (+ bias, ReLU), A [m, k], B [k, n]
// read in place (no packing), C [m, n]. Row by row: 32 columns at a time in 8 f32x4 accumulators
// (8 independent multiply-add chains hide their latency), then 4, then one column in lane 0.
// The arithmetic is gemm's (assembly/gemm.ts) to the bit: k is cut into the same blocks (kBlock),
// each block's sum starts at 0 and goes through the same multiply-adds, the first block's sum is
// stored, later ones added to C, and the last adds bias and applies ReLU. So a row has the same
// bits here as inside a batch's GEMM, on any thread count (this kernel runs on the calling thread).
import { kBlock } from './gemm';

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * Stores a block's sum v at c as gemm's storeFullTile does (alpha = 1, beta = 0): the first block
 * `C = v`, later ones `C = C + v`; the last adds bias (if not 0) and applies ReLU as an and-mask (NaN → 0).
 */
// @ts-ignore: decorator
@inline function store4(c: usize, v: v128, first: bool, bias: usize, relu: bool): void {
  if (!first) v = f32x4.add(v128.load(c), v);
  if (bias) v = f32x4.add(v, v128.load(bias));
  if (relu) v = v128.and(v, f32x4.gt(v, f32x4.splat(0)));
  v128.store(c, v);
}

/** C[i, j:j+32] over one k-block of kc steps: a → A[i, p0], b → B[p0, j], c → C[i, j], bias → bias[j] (or 0). */
function block32(kc: i32, a: usize, b: usize, ldb: usize, c: usize, first: bool, bias: usize, relu: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const x = v128.load32_splat(a);
    c0 = madd(x, v128.load(b), c0);
    c1 = madd(x, v128.load(b, 16), c1);
    c2 = madd(x, v128.load(b, 32), c2);
    c3 = madd(x, v128.load(b, 48), c3);
    c4 = madd(x, v128.load(b, 64), c4);
    c5 = madd(x, v128.load(b, 80), c5);
    c6 = madd(x, v128.load(b, 96), c6);
    c7 = madd(x, v128.load(b, 112), c7);
    a += 4;
    b += ldb;
  }
  store4(c, c0, first, bias, relu);
  store4(c + 16, c1, first, bias ? bias + 16 : 0, relu);
  store4(c + 32, c2, first, bias ? bias + 32 : 0, relu);
  store4(c + 48, c3, first, bias ? bias + 48 : 0, relu);
  store4(c + 64, c4, first, bias ? bias + 64 : 0, relu);
  store4(c + 80, c5, first, bias ? bias + 80 : 0, relu);
  store4(c + 96, c6, first, bias ? bias + 96 : 0, relu);
  store4(c + 112, c7, first, bias ? bias + 112 : 0, relu);
}

/** C[i, j:j+4] over one k-block (pointers as {@link block32}). */
function block4(kc: i32, a: usize, b: usize, ldb: usize, c: usize, first: bool, bias: usize, relu: bool): void {
  let c0 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    c0 = madd(v128.load32_splat(a), v128.load(b), c0);
    a += 4;
    b += ldb;
  }
  store4(c, c0, first, bias, relu);
}

/** C[i, j] over one k-block, in lane 0 of the same multiply-adds; scalar f32 ops round as the lanes do. */
function column(kc: i32, a: usize, b: usize, ldb: usize, c: usize, first: bool, bias: usize, relu: bool): void {
  let c0 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    c0 = madd(v128.load32_splat(a), v128.load32_splat(b), c0);
    a += 4;
    b += ldb;
  }
  let v = f32x4.extract_lane(c0, 0);
  if (!first) v = load<f32>(c) + v;
  if (bias) v = v + load<f32>(bias);
  if (relu && !(v > 0)) v = 0;
  store<f32>(c, v);
}

/**
 * C = A·B (+ bias[n] on each row), then ReLU if `relu` (NaN → 0). A: [m, k] with row stride lda,
 * B: [k, n] with row stride ldb, C: [m, n] with row stride ldc; bias = 0 means none. Any m ≥ 0
 * (meant for m ≤ 5: B is read once per row), k ≥ 1, n ≥ 1.
 */
export function gemv(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, bias: usize, relu: bool): void {
  const sb = <usize>ldb * 4;
  const kb = kBlock(k);
  for (let i = 0; i < m; i++) {
    const ci = c + <usize>i * <usize>ldc * 4;
    for (let p0 = 0; p0 < k; p0 += kb) {
      const kc = min(kb, k - p0);
      const first = p0 == 0;
      const last = p0 + kc >= k;
      const bl: usize = last ? bias : 0;
      const rl = last && relu;
      const ap = a + (<usize>i * <usize>lda + <usize>p0) * 4;
      const bp = b + <usize>p0 * sb;
      let j = 0;
      for (; j + 32 <= n; j += 32) block32(kc, ap, bp + <usize>j * 4, sb, ci + <usize>j * 4, first, bl ? bl + <usize>j * 4 : 0, rl);
      for (; j + 4 <= n; j += 4) block4(kc, ap, bp + <usize>j * 4, sb, ci + <usize>j * 4, first, bl ? bl + <usize>j * 4 : 0, rl);
      for (; j < n; j++) column(kc, ap, bp + <usize>j * 4, sb, ci + <usize>j * 4, first, bl ? bl + <usize>j * 4 : 0, rl);
    }
  }
}
