// GEMM: C[i0:i1, j0:j1] = alpha·op(A)·op(B) + beta·C (+ bias), GotoBLAS-style.
//
// op(B) is packed into panels of NR = 8 columns ([kc, 8], zero-padded; a narrow row-major B is
// read in place instead, its last partial panel packed), op(A) into panels of
// MR rows ([kc, MR], zero-padded); an MR×8 micro-kernel keeps 2·MR f32x4 accumulators in registers
// and broadcasts A with `v128.load32_splat`. In the relaxed build (FMA) MR = 6: 12 accumulators,
// the two B vectors and one broadcast A value use 15 of V8's 15 allocatable xmm registers on x64,
// and 12 independent accumulators hide the multiply-adds' latency better than 8. In the plain build
// MR = 5 (see MR). (Measurements: bench/README.md, "Tuning constants".)
// A tile at the bottom edge with ≤ 4 or ≤ 2 rows runs a 4×8 or 2×8 variant instead of computing MR.
// Every C element sees the same instruction sequence whatever tile, block or thread range holds it
// (k is cut into blocks that depend on k alone), so any partition of [i0, i1) × [j0, j1) gives
// bit-identical results. When k is exactly two blocks, two threads may instead split k itself, one
// block each (gemmKHalf, the second block into scratch); gemmReduce then adds the second block as
// gemm's last block does, so that split gives the same bits too.

/**
 * Rows of the micro-tile. 6 where a multiply-add is one instruction (the relaxed build's FMA): 12
 * accumulators, two B vectors and one A value fill V8's 15 x64 vector registers. 5 in the plain
 * build, where `c + a·b` is two instructions and the product needs a register of its own: 10
 * accumulators, two B, one A and the product take 14 (6 rows would need 16 and spill inside the
 * loop; 4 rows leave a register and an eighth of the loop's work unused). Measurements:
 * bench/README.md, "Tuning constants".
 */
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
export const NR: i32 = 8;
/** Longest k-block; k is cut into ⌈k / KC⌉ blocks of equal length (a multiple of 4, the last one shorter). */
export const KC: i32 = 512;
/** Rows of A packed at a time: a multiple of MR (12 and 16 tiles). */
export const MC: i32 = ASC_FEATURE_RELAXED_SIMD ? 72 : 80;
export const NC: i32 = 1024;

/** Widest row (in floats) of a non-transposed B that the micro-kernel reads in place. */
const DIRECT_B_MAX_LD: i32 = 256;

/** {@link DIRECT_B_MAX_LD}, for the thread split (src/core/wasm/gemm-split.ts). */
export function gemmInPlaceMaxLd(): i32 {
  return DIRECT_B_MAX_LD;
}

/** Bytes of scratch one thread needs: packed B block, packed A block, one MR×NR tile. */
export function gemmWorkBytes(): i32 {
  return (KC * NC + KC * MC + MR * NR) * 4;
}

/** Rows of the micro-tile: thread partitions cut C at multiples of it (src/core/wasm/gemm-split.ts). */
export function gemmRowTile(): i32 {
  return MR;
}

/** Length of the k-blocks for inner dimension k: 784 → 392 + 392, 1024 → 512 + 512, 600 → 300 + 300. */
export function kBlock(k: i32): i32 {
  const blocks = (k + KC - 1) / KC;
  return min(KC, (((k + blocks - 1) / blocks + 3) >> 2) << 2);
}

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * The relaxed build's full tile: tile[6, 8] = Σ_p pa[p, 0:6]ᵀ · pb[p, 0:8] over kc steps. pa: a
 * packed panel [kc, 6]; pb: 8 floats per step, `bStep` bytes apart (32 in a packed panel, B's row
 * stride when read in place).
 */
function micro(kc: i32, pa: usize, pb: usize, bStep: usize, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    a = v128.load32_splat(pa, 16);
    c40 = madd(a, b0, c40);
    c41 = madd(a, b1, c41);
    a = v128.load32_splat(pa, 20);
    c50 = madd(a, b0, c50);
    c51 = madd(a, b1, c51);
    pa += MR * 4;
    pb += bStep;
  }
  v128.store(tile, c00, 0);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  v128.store(tile, c40, 128);
  v128.store(tile, c41, 144);
  v128.store(tile, c50, 160);
  v128.store(tile, c51, 176);
}

/** {@link micro} for 5 rows (the plain build's full tile): 10 accumulators, 2 B, 1 A, 1 product = 14 registers. */
function micro5(kc: i32, pa: usize, pb: usize, bStep: usize, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    a = v128.load32_splat(pa, 16);
    c40 = madd(a, b0, c40);
    c41 = madd(a, b1, c41);
    pa += MR * 4;
    pb += bStep;
  }
  v128.store(tile, c00, 0);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  v128.store(tile, c40, 128);
  v128.store(tile, c41, 144);
}

/**
 * {@link micro} for an edge tile of at most 4 rows (the tile's other rows are left as they are):
 * each element sees the same multiply-adds in the same order, so the bits are those of `micro` and `micro5`.
 * The MLP's batch of 128 rows ends in an edge tile: 2 rows after 21 of 6 (relaxed), 3 after 25 of 5 (plain).
 */
function micro4(kc: i32, pa: usize, pb: usize, bStep: usize, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += MR * 4;
    pb += bStep;
  }
  v128.store(tile, c00, 0);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
}

/** {@link micro4} for an edge tile of at most 2 rows. */
function micro2(kc: i32, pa: usize, pb: usize, bStep: usize, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    pa += MR * 4;
    pb += bStep;
  }
  v128.store(tile, c00, 0);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
}

/**
 * Writes a full MR×NR tile into C: first k-block `C = beta·C + alpha·t` (or `alpha·t` if beta = 0),
 * later blocks `C = C + alpha·t`; the last block then adds `bias` (if not 0), applies ReLU (if
 * `relu`) and zeroes C where `mask` (if not 0; row stride ldc) is ≤ 0 — ReLU as an and-mask, as in
 * elementwise.ts, so NaN becomes 0.
 */
function storeFullTile(
  tile: usize, c: usize, ldc: i32, alpha: f32, beta: f32, first: bool, bias: usize, relu: bool, mask: usize,
): void {
  const va = f32x4.splat(alpha);
  const vb = f32x4.splat(beta);
  const zero = f32x4.splat(0);
  for (let r = 0; r < MR; r++) {
    const cr = c + <usize>(r * ldc) * 4;
    const tr = tile + <usize>(r * NR) * 4;
    for (let h = 0; h < 32; h += 16) {
      let v = f32x4.mul(va, v128.load(tr + h));
      if (!first) v = f32x4.add(v128.load(cr + h), v);
      else if (beta != 0) v = f32x4.add(f32x4.mul(vb, v128.load(cr + h)), v);
      if (bias) v = f32x4.add(v, v128.load(bias + h));
      if (relu) v = v128.and(v, f32x4.gt(v, zero));
      if (mask) v = v128.and(v, f32x4.gt(v128.load(mask + <usize>(r * ldc) * 4 + h), zero));
      v128.store(cr + h, v);
    }
  }
}

/** {@link storeFullTile} for the `rows × cols` corner of a tile at the edge of C: scalar f32 ops round as the f32x4 lanes do. */
function storeEdgeTile(
  tile: usize, c: usize, ldc: i32, rows: i32, cols: i32,
  alpha: f32, beta: f32, first: bool, bias: usize, relu: bool, mask: usize,
): void {
  for (let r = 0; r < rows; r++) {
    const cr = c + <usize>(r * ldc) * 4;
    const tr = tile + <usize>(r * NR) * 4;
    for (let j = 0; j < cols; j++) {
      const o = <usize>j * 4;
      let v = alpha * load<f32>(tr + o);
      if (!first) v = load<f32>(cr + o) + v;
      else if (beta != 0) v = beta * load<f32>(cr + o) + v;
      if (bias) v = v + load<f32>(bias + o);
      if (relu && !(v > 0)) v = 0;
      if (mask && !(load<f32>(mask + <usize>(r * ldc) * 4 + o) > 0)) v = 0;
      store<f32>(cr + o, v);
    }
  }
}

/**
 * The 4×4 block of four rows of B (at s, rows `row` bytes apart; 4 floats each) transposed into four
 * panel rows at d, 32 bytes apart (4 floats each): d[r][q] = s[q][r].
 */
// @ts-ignore: decorator
@inline function transpose4(s: usize, row: usize, d: usize): void {
  const v0 = v128.load(s), v1 = v128.load(s + row), v2 = v128.load(s + 2 * row), v3 = v128.load(s + 3 * row);
  const a = i32x4.shuffle(v0, v1, 0, 4, 1, 5), b = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
  const c = i32x4.shuffle(v2, v3, 0, 4, 1, 5), e = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
  v128.store(d, i32x4.shuffle(a, c, 0, 1, 4, 5));
  v128.store(d + 32, i32x4.shuffle(a, c, 2, 3, 6, 7));
  v128.store(d + 64, i32x4.shuffle(b, e, 0, 1, 4, 5));
  v128.store(d + 96, i32x4.shuffle(b, e, 2, 3, 6, 7));
}

/** Packs op(B)[pc:pc+kc, jc:jc+nc] into ⌈nc/8⌉ panels [kc, 8]. B is [k, n] (or [n, k] if transB). */
function packB(transB: bool, b: usize, ldb: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const panel = dst + <usize>(jr * kc) * 4;
    if (!transB) {
      let src = b + (<usize>pc * ldb + jc + jr) * 4;
      if (cols == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(panel + <usize>p * 32, v128.load(src));
          v128.store(panel + <usize>p * 32, v128.load(src, 16), 16);
          src += <usize>ldb * 4;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const d = panel + <usize>p * 32;
          for (let q = 0; q < NR; q++) store<f32>(d + <usize>q * 4, q < cols ? load<f32>(src + <usize>q * 4) : 0);
          src += <usize>ldb * 4;
        }
      }
    } else if (cols == NR) {
      // op(B)[p, j] = B[j, p]: 4×4 blocks of B's rows transposed in registers (4 p at a time)
      const src = b + (<usize>(jc + jr) * ldb + pc) * 4;
      const row = <usize>ldb * 4;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const s = src + <usize>p * 4;
        const d = panel + <usize>p * 32;
        transpose4(s, row, d);
        transpose4(s + 4 * row, row, d + 16);
      }
      for (; p < kc; p++) {
        const d = panel + <usize>p * 32;
        for (let q = 0; q < NR; q++) store<f32>(d + <usize>q * 4, load<f32>(src + <usize>q * row + <usize>p * 4));
      }
    } else {
      // op(B)[p, j] = B[j, p]: each panel column is a contiguous run of one row of B
      for (let q = 0; q < NR; q++) {
        const d = panel + <usize>q * 4;
        if (q < cols) {
          const src = b + (<usize>(jc + jr + q) * ldb + pc) * 4;
          for (let p = 0; p < kc; p++) store<f32>(d + <usize>p * 32, load<f32>(src + <usize>p * 4));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(d + <usize>p * 32, 0);
        }
      }
    }
  }
}

/**
 * Four steps of four rows of A (at a0..a3, 4 floats each) transposed into four panel steps at d,
 * `step` bytes apart: d[q·step + 4r] = a_r[q].
 */
// @ts-ignore: decorator
@inline function transposeRows4(a0: usize, a1: usize, a2: usize, a3: usize, d: usize, step: usize): void {
  const r0 = v128.load(a0), r1 = v128.load(a1), r2 = v128.load(a2), r3 = v128.load(a3);
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(d + step, i64x2.shuffle(t0, t1, 1, 3));
  v128.store(d + 2 * step, i64x2.shuffle(t2, t3, 0, 2));
  v128.store(d + 3 * step, i64x2.shuffle(t2, t3, 1, 3));
}

/** Packs op(A)[ic:ic+mc, pc:pc+kc] into ⌈mc/MR⌉ panels [kc, MR]. A is [m, k] (or [k, m] if transA). */
function packA(transA: bool, a: usize, lda: i32, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  const step = <usize>MR * 4; // bytes per k-step of a panel
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const panel = dst + <usize>(ir * kc) * 4;
    if (transA) {
      // op(A)[i, p] = A[p, i]: the six rows of op(A) at step p are contiguous in A
      let src = a + (<usize>pc * lda + ic + ir) * 4;
      if (rows == MR) {
        for (let p = 0; p < kc; p++) {
          const d = panel + <usize>p * step;
          v128.store(d, v128.load(src));
          if (MR == 6) store<u64>(d, load<u64>(src, 16), 16);
          if (MR == 5) store<f32>(d, load<f32>(src, 16), 16);
          src += <usize>lda * 4;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const d = panel + <usize>p * step;
          for (let r = 0; r < MR; r++) store<f32>(d + <usize>r * 4, r < rows ? load<f32>(src + <usize>r * 4) : 0);
          src += <usize>lda * 4;
        }
      }
    } else if (rows == MR) {
      const s0 = a + (<usize>(ic + ir) * lda + pc) * 4;
      const s1 = s0 + <usize>lda * 4;
      const s2 = s1 + <usize>lda * 4;
      const s3 = s2 + <usize>lda * 4;
      const s4 = s3 + <usize>lda * 4;
      const s5 = s4 + <usize>lda * 4;
      let p = 0;
      // steps p..p+3: a 4×4 transpose of rows 0..3, and (MR = 6) rows 4, 5 interleaved in pairs
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p * 4;
        const d = panel + <usize>p * step;
        transposeRows4(s0 + o, s1 + o, s2 + o, s3 + o, d, step);
        if (MR == 6) {
          const r4 = v128.load(s4 + o), r5 = v128.load(s5 + o);
          const u0 = i32x4.shuffle(r4, r5, 0, 4, 1, 5);
          const u1 = i32x4.shuffle(r4, r5, 2, 6, 3, 7);
          v128.store64_lane(d, u0, 0, 16);
          v128.store64_lane(d, u0, 1, 40);
          v128.store64_lane(d, u1, 0, 64);
          v128.store64_lane(d, u1, 1, 88);
        }
        if (MR == 5) {
          const r4 = v128.load(s4 + o);
          v128.store32_lane(d, r4, 0, 16);
          v128.store32_lane(d, r4, 1, 36);
          v128.store32_lane(d, r4, 2, 56);
          v128.store32_lane(d, r4, 3, 76);
        }
      }
      for (; p < kc; p++) {
        const o = <usize>p * 4;
        const d = panel + <usize>p * step;
        store<f32>(d, load<f32>(s0 + o), 0);
        store<f32>(d, load<f32>(s1 + o), 4);
        store<f32>(d, load<f32>(s2 + o), 8);
        store<f32>(d, load<f32>(s3 + o), 12);
        if (MR >= 5) store<f32>(d, load<f32>(s4 + o), 16);
        if (MR == 6) store<f32>(d, load<f32>(s5 + o), 20);
      }
    } else {
      for (let r = 0; r < MR; r++) {
        const d = panel + <usize>r * 4;
        if (r < rows) {
          const src = a + (<usize>(ic + ir + r) * lda + pc) * 4;
          for (let p = 0; p < kc; p++) store<f32>(d + <usize>p * step, load<f32>(src + <usize>p * 4));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(d + <usize>p * step, 0);
        }
      }
    }
  }
}

/** C = beta·C (+ bias, ReLU, mask) on the range, for k = 0. */
function scaleOnly(
  c: usize, ldc: i32, i0: i32, i1: i32, j0: i32, j1: i32, beta: f32, bias: usize, relu: bool, mask: usize,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      const o = (<usize>i * ldc + j) * 4;
      const cp = c + o;
      let v: f32 = beta == 0 ? 0 : beta * load<f32>(cp);
      if (bias) v = v + load<f32>(bias + <usize>j * 4);
      if (relu && !(v > 0)) v = 0;
      if (mask && !(load<f32>(mask + o) > 0)) v = 0;
      store<f32>(cp, v);
    }
  }
}

/**
 * C[i0:i1, j0:j1] of C = alpha·op(A)·op(B) + beta·C (+ bias[n] on each row), then ReLU if `relu`,
 * then zero where mask[m, n] (row stride ldc) is ≤ 0 if `mask` is not 0.
 * op(A): [m, k] (A is [k, m] if transA, row stride lda), op(B): [k, n] (B is [n, k] if transB),
 * C: [m, n] with row stride ldc. bias = 0 means none. work: gemmWorkBytes() bytes of scratch.
 */
export function gemm(
  transA: bool, transB: bool, k: i32, alpha: f32, beta: f32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, bias: usize, relu: bool, mask: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, work: usize,
): void {
  if (i1 <= i0 || j1 <= j0) return;
  if (k == 0) {
    scaleOnly(c, ldc, i0, i1, j0, j1, beta, bias, relu, mask);
    return;
  }
  gemmRange(transA, transB, k, alpha, beta, a, lda, b, ldb, c, ldc, bias, relu, mask, i0, i1, j0, j1, work, 0, k);
}

/**
 * Half `half` (0 or 1) of a product whose k is cut into exactly two blocks (KC < k ≤ 2·KC), for two
 * threads that each keep one half of B's rows (and of A's columns) in their own cache: half 0 writes
 * `beta·C + alpha·(first block)` into C, half 1 writes `alpha·(second block)` into S (row stride ldc);
 * {@link gemmReduce} then finishes C exactly as {@link gemm}'s last block does, so the result is
 * bit-identical to gemm's.
 */
export function gemmKHalf(
  transA: bool, transB: bool, k: i32, alpha: f32, beta: f32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, s: usize, half: i32,
  i0: i32, i1: i32, j0: i32, j1: i32, work: usize,
): void {
  const kb = kBlock(k);
  if (half == 0) gemmRange(transA, transB, k, alpha, beta, a, lda, b, ldb, c, ldc, 0, false, 0, i0, i1, j0, j1, work, 0, kb);
  else gemmRange(transA, transB, k, alpha, 0, a, lda, b, ldb, s, ldc, 0, false, 0, i0, i1, j0, j1, work, kb, k);
}

/** C = C + S, then + bias, ReLU, mask, over rows [i0, i1) and columns [j0, j1): the last k-block's store of gemm. */
export function gemmReduce(
  c: usize, ldc: i32, s: usize, bias: usize, relu: bool, mask: usize, i0: i32, i1: i32, j0: i32, j1: i32,
): void {
  const zero = f32x4.splat(0);
  const j4 = j0 + ((j1 - j0) & ~3);
  for (let i = i0; i < i1; i++) {
    const row = <usize>i * ldc;
    for (let j = j0; j < j4; j += 4) {
      const o = (row + j) * 4;
      let v = f32x4.add(v128.load(c + o), v128.load(s + o));
      if (bias) v = f32x4.add(v, v128.load(bias + <usize>j * 4));
      if (relu) v = v128.and(v, f32x4.gt(v, zero));
      if (mask) v = v128.and(v, f32x4.gt(v128.load(mask + o), zero));
      v128.store(c + o, v);
    }
    for (let j = j4; j < j1; j++) {
      const o = (row + j) * 4;
      let v = load<f32>(c + o) + load<f32>(s + o);
      if (bias) v = v + load<f32>(bias + <usize>j * 4);
      if (relu && !(v > 0)) v = 0;
      if (mask && !(load<f32>(mask + o) > 0)) v = 0;
      store<f32>(c + o, v);
    }
  }
}

/**
 * The k-blocks of gemm that lie in [p0, p1) (p0, p1 on block boundaries): the block at p0 starts C
 * (`beta·C + alpha·t`), later ones add, and the one ending at k adds bias, ReLU and mask.
 */
function gemmRange(
  transA: bool, transB: bool, k: i32, alpha: f32, beta: f32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, bias: usize, relu: bool, mask: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, work: usize, p0: i32, p1: i32,
): void {
  const pbBuf = work;
  const paBuf = work + <usize>(KC * NC) * 4;
  const tile = paBuf + <usize>(KC * MC) * 4;
  const kb = kBlock(k);
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = p0; pc < p1; pc += kb) {
      const kc = min(kb, k - pc);
      const first = pc == p0;
      const last = pc + kc >= k;
      const biasHere: usize = last ? bias : 0;
      const reluHere = last && relu;
      const maskHere: usize = last ? mask : 0;
      // A row-major B with rows ≤ 1 KiB apart is read in place, 8 columns at a time (no packing,
      // faster at the MLP's shapes); wider rows alias in L1 and run slower in place (bench/README.md).
      const directB = !transB && ldb <= DIRECT_B_MAX_LD;
      const fullCols = directB ? nc & ~(NR - 1) : 0;
      if (fullCols < nc) packB(transB, b, ldb, pc, kc, jc + fullCols, nc - fullCols, pbBuf);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        packA(transA, a, lda, ic, mc, pc, kc, paBuf);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          let pb: usize, bStep: usize;
          if (jr < fullCols) {
            pb = b + (<usize>pc * ldb + jc + jr) * 4;
            bStep = <usize>ldb * 4;
          } else {
            pb = pbBuf + <usize>((jr - fullCols) * kc) * 4;
            bStep = 32;
          }
          const bj: usize = biasHere ? biasHere + <usize>(jc + jr) * 4 : 0;
          for (let ir = 0; ir < mc; ir += MR) {
            const pa = paBuf + <usize>(ir * kc) * 4;
            const cp = c + (<usize>(ic + ir) * ldc + jc + jr) * 4;
            const mp: usize = maskHere ? maskHere + (<usize>(ic + ir) * ldc + jc + jr) * 4 : 0;
            const rows = min(MR, mc - ir);
            // Two call sites keep `micro` a function of its own (binaryen inlines a single-caller
            // function, and inlined into this loop nest its 15 vector registers spill).
            if (rows == MR && cols == NR) {
              if (MR == 6) micro(kc, pa, pb, bStep, tile);
              else micro5(kc, pa, pb, bStep, tile);
              storeFullTile(tile, cp, ldc, alpha, beta, first, bj, reluHere, mp);
            } else {
              if (rows <= 2) micro2(kc, pa, pb, bStep, tile);
              else if (rows <= 4) micro4(kc, pa, pb, bStep, tile);
              else if (MR == 6) micro(kc, pa, pb, bStep, tile);
              else micro5(kc, pa, pb, bStep, tile);
              storeEdgeTile(tile, cp, ldc, rows, cols, alpha, beta, first, bj, reluHere, mp);
            }
          }
        }
      }
    }
  }
}
