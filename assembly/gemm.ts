// GEMM: C[i0:i1, j0:j1] = alpha·op(A)·op(B) + beta·C (+ bias), GotoBLAS-style.
//
// op(B) is packed into panels of NR = 8 columns ([kc, 8], zero-padded), op(A) into panels of
// MR = 4 rows ([kc, 4], zero-padded); a 4×8 micro-kernel keeps 8 f32x4 accumulators in registers
// and broadcasts A with `v128.load32_splat`. Every C element sees the same instruction sequence
// whatever tile, block or thread range holds it (k is blocked at fixed KC boundaries and never
// split), so any partition of [i0, i1) × [j0, j1) gives bit-identical results.

export const MR: i32 = 4;
export const NR: i32 = 8;
export const KC: i32 = 256;
export const MC: i32 = 64;
export const NC: i32 = 1024;

/** Bytes of scratch one thread needs: packed B block, packed A block, one 4×8 tile. */
export function gemmWorkBytes(): i32 {
  return (KC * NC + KC * MC + MR * NR) * 4;
}

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** tile[4, 8] = Σ_p pa[p, 0:4]ᵀ · pb[p, 0:8] over kc steps. pa: [kc, 4], pb: [kc, 8]. */
function micro(kc: i32, pa: usize, pb: usize, tile: usize): void {
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
    pa += 16;
    pb += 32;
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

/**
 * Writes a tile into C: first k-block `C = beta·C + alpha·t` (or `alpha·t` if beta = 0), later
 * blocks `C = C + alpha·t`, last block also `+ bias`. Scalar f32 ops on partial tiles round exactly
 * as the f32x4 lanes do on full ones.
 */
function storeTile(
  tile: usize, c: usize, ldc: i32, rows: i32, cols: i32,
  alpha: f32, beta: f32, first: bool, bias: usize,
): void {
  if (rows == MR && cols == NR) {
    const va = f32x4.splat(alpha);
    const vb = f32x4.splat(beta);
    for (let r = 0; r < MR; r++) {
      const cr = c + <usize>(r * ldc) * 4;
      const tr = tile + <usize>(r * NR) * 4;
      for (let h = 0; h < 32; h += 16) {
        let v = f32x4.mul(va, v128.load(tr + h));
        if (!first) v = f32x4.add(v128.load(cr + h), v);
        else if (beta != 0) v = f32x4.add(f32x4.mul(vb, v128.load(cr + h)), v);
        if (bias) v = f32x4.add(v, v128.load(bias + h));
        v128.store(cr + h, v);
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const cr = c + <usize>(r * ldc) * 4;
    const tr = tile + <usize>(r * NR) * 4;
    for (let j = 0; j < cols; j++) {
      const o = <usize>j * 4;
      let v = alpha * load<f32>(tr + o);
      if (!first) v = load<f32>(cr + o) + v;
      else if (beta != 0) v = beta * load<f32>(cr + o) + v;
      if (bias) v = v + load<f32>(bias + o);
      store<f32>(cr + o, v);
    }
  }
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

/** Packs op(A)[ic:ic+mc, pc:pc+kc] into ⌈mc/4⌉ panels [kc, 4]. A is [m, k] (or [k, m] if transA). */
function packA(transA: bool, a: usize, lda: i32, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const panel = dst + <usize>(ir * kc) * 4;
    if (transA) {
      // op(A)[i, p] = A[p, i]: four rows of op(A) at step p are contiguous in A
      let src = a + (<usize>pc * lda + ic + ir) * 4;
      if (rows == MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(panel + <usize>p * 16, v128.load(src));
          src += <usize>lda * 4;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const d = panel + <usize>p * 16;
          for (let r = 0; r < MR; r++) store<f32>(d + <usize>r * 4, r < rows ? load<f32>(src + <usize>r * 4) : 0);
          src += <usize>lda * 4;
        }
      }
    } else if (rows == MR) {
      const s0 = a + (<usize>(ic + ir) * lda + pc) * 4;
      const s1 = s0 + <usize>lda * 4;
      const s2 = s1 + <usize>lda * 4;
      const s3 = s2 + <usize>lda * 4;
      let p = 0;
      // 4×4 transposes: rows r0..r3 at p..p+3 → columns
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p * 4;
        const r0 = v128.load(s0 + o), r1 = v128.load(s1 + o);
        const r2 = v128.load(s2 + o), r3 = v128.load(s3 + o);
        const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
        const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const d = panel + <usize>p * 16;
        v128.store(d, i64x2.shuffle(t0, t1, 0, 2), 0);
        v128.store(d, i64x2.shuffle(t0, t1, 1, 3), 16);
        v128.store(d, i64x2.shuffle(t2, t3, 0, 2), 32);
        v128.store(d, i64x2.shuffle(t2, t3, 1, 3), 48);
      }
      for (; p < kc; p++) {
        const o = <usize>p * 4;
        const d = panel + <usize>p * 16;
        store<f32>(d, load<f32>(s0 + o), 0);
        store<f32>(d, load<f32>(s1 + o), 4);
        store<f32>(d, load<f32>(s2 + o), 8);
        store<f32>(d, load<f32>(s3 + o), 12);
      }
    } else {
      for (let r = 0; r < MR; r++) {
        const d = panel + <usize>r * 4;
        if (r < rows) {
          const src = a + (<usize>(ic + ir + r) * lda + pc) * 4;
          for (let p = 0; p < kc; p++) store<f32>(d + <usize>p * 16, load<f32>(src + <usize>p * 4));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(d + <usize>p * 16, 0);
        }
      }
    }
  }
}

/** C = beta·C (+ bias) on the range, for k = 0. */
function scaleOnly(c: usize, ldc: i32, i0: i32, i1: i32, j0: i32, j1: i32, beta: f32, bias: usize): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      const cp = c + (<usize>i * ldc + j) * 4;
      let v: f32 = beta == 0 ? 0 : beta * load<f32>(cp);
      if (bias) v = v + load<f32>(bias + <usize>j * 4);
      store<f32>(cp, v);
    }
  }
}

/**
 * C[i0:i1, j0:j1] of C = alpha·op(A)·op(B) + beta·C (+ bias[n] on each row).
 * op(A): [m, k] (A is [k, m] if transA, row stride lda), op(B): [k, n] (B is [n, k] if transB),
 * C: [m, n] with row stride ldc. bias = 0 means none. work: gemmWorkBytes() bytes of scratch.
 */
export function gemm(
  transA: bool, transB: bool, k: i32, alpha: f32, beta: f32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, bias: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, work: usize,
): void {
  if (i1 <= i0 || j1 <= j0) return;
  if (k == 0) {
    scaleOnly(c, ldc, i0, i1, j0, j1, beta, bias);
    return;
  }
  const pbBuf = work;
  const paBuf = work + <usize>(KC * NC) * 4;
  const tile = paBuf + <usize>(KC * MC) * 4;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const first = pc == 0;
      const biasHere: usize = bias != 0 && pc + kc >= k ? bias : 0;
      packB(transB, b, ldb, pc, kc, jc, nc, pbBuf);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        packA(transA, a, lda, ic, mc, pc, kc, paBuf);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const pb = pbBuf + <usize>(jr * kc) * 4;
          const bj: usize = biasHere ? biasHere + <usize>(jc + jr) * 4 : 0;
          for (let ir = 0; ir < mc; ir += MR) {
            micro(kc, paBuf + <usize>(ir * kc) * 4, pb, tile);
            const cp = c + (<usize>(ic + ir) * ldc + jc + jr) * 4;
            storeTile(tile, cp, ldc, min(MR, mc - ir), cols, alpha, beta, first, bj);
          }
        }
      }
    }
  }
}
