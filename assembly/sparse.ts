// Products with a sparse left operand (the first Dense layer's input: ~81% of MNIST pixels are 0):
//   forward       C = Ã·B (+ bias, ReLU)     Ã = A·diag(scale): [m, k],  B: [k, n]
//   weight grad   C = beta·C + Ãᵀ·B          Ã: [batch, k],  B (dY): [batch, n],  C (dW): [k, n]
// B is first packed into bands of 16 columns (packBands). For a group of rows of C, each row's
// non-zero entries of A (its row, or column with transA) are collected with their scaled values
// into a list in the thread's scratch; then, band by band, 4 f32x4 accumulators run down each
// row's list: one splat of the value and 4 loads of the band per entry.
//
// The k-blocks, their order and the stores are those of assembly/gemm.ts (kBlock; first block
// `C = t` or `beta·C + t`, later blocks `C = C + t`, the last adding bias then ReLU), and every
// element's sum runs over its terms in the same order with the same multiply-add: skipping a term
// x·b with x = 0 leaves an accumulator unchanged, so without `scale` the result has the bits of
// gemm's (unless B holds Inf or NaN, which 0·b would have spread). Threads split rows of C or, as
// gemmKHalf, the two k-halves (gemmReduce finishes C): the same bits on any thread count.

import { kBlock } from './gemm';

/**
 * Columns of C one pass of the accumulators covers: a band of B [kBlock, 16] (25 KiB for 392 rows)
 * stays in L1; 32 columns (8 accumulators) ran ~30% slower at MNIST's density.
 */
const JB: i32 = 16;
/** Rows whose lists are collected together (their lists take up to G·kBlock(k)·8 bytes of scratch). */
const G: i32 = 32;

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * Writes the non-zeros of A's row `row`, columns [p0, p1), into `list`: count entries of
 * (column i32, value·scale[column] f32). Returns count. Branch-free per value: every value is
 * written at the end of the list, which grows only past a non-zero one.
 */
function collectRow(a: usize, lda: i32, row: i32, p0: i32, p1: i32, scale: usize, list: usize): i32 {
  let n = 0;
  const src = a + <usize>row * lda * 4;
  let p = p0;
  for (; p + 4 <= p1; p += 4) {
    const v = v128.load(src + <usize>p * 4);
    // most groups of four pixels are all zero
    if (!v128.any_true(f32x4.ne(v, f32x4.splat(0)))) continue;
    for (let q = p; q < p + 4; q++) n = put1(list, n, q, load<f32>(src + <usize>q * 4), scale ? load<f32>(scale + <usize>q * 4) : 1, scale != 0);
  }
  for (; p < p1; p++) n = put1(list, n, p, load<f32>(src + <usize>p * 4), scale ? load<f32>(scale + <usize>p * 4) : 1, scale != 0);
  return n;
}

/**
 * The lists of A's columns [c0, c1) (the rows of C with transA), rows [p0, p1) of A: column c's
 * count at counts[c − c0], its entries (row i32, value·scale[c] f32) at lists + (c − c0)·listBytes.
 * A is read row by row (a column walk would touch a cache line per value), four columns at a time,
 * skipping all-zero groups; each list still runs down A's rows in order.
 */
function collectColumns(a: usize, lda: i32, c0: i32, c1: i32, p0: i32, p1: i32, scale: usize, counts: usize, lists: usize, listBytes: usize): void {
  for (let c = c0; c < c1; c++) store<i32>(counts + <usize>(c - c0) * 4, 0);
  const scaled = scale != 0;
  for (let i = p0; i < p1; i++) {
    const src = a + <usize>i * lda * 4;
    let c = c0;
    for (; c + 4 <= c1; c += 4) {
      if (!v128.any_true(f32x4.ne(v128.load(src + <usize>c * 4), f32x4.splat(0)))) continue;
      for (let q = c; q < c + 4; q++) putColumn(counts, lists, listBytes, q - c0, i, load<f32>(src + <usize>q * 4), scaled ? load<f32>(scale + <usize>q * 4) : 1, scaled);
    }
    for (; c < c1; c++) putColumn(counts, lists, listBytes, c - c0, i, load<f32>(src + <usize>c * 4), scaled ? load<f32>(scale + <usize>c * 4) : 1, scaled);
  }
}

/** {@link put1} onto the list of column r of a group (its count at counts[r]). */
// @ts-ignore: decorator
@inline function putColumn(counts: usize, lists: usize, listBytes: usize, r: i32, index: i32, x: f32, s: f32, scaled: bool): void {
  const cp = counts + <usize>r * 4;
  store<i32>(cp, put1(lists + <usize>r * listBytes, load<i32>(cp), index, x, s, scaled));
}

/** Writes entry (index, x·s) at list[n]; returns n + 1 if x ≠ 0, else n. */
// @ts-ignore: decorator
@inline function put1(list: usize, n: i32, index: i32, x: f32, s: f32, scaled: bool): i32 {
  const e = list + <usize>n * 8;
  store<i32>(e, index);
  store<f32>(e, scaled ? x * s : x, 4);
  return n + <i32>(x != 0);
}

/** Stores t into C as gemm's storeFullTile does (alpha = 1: alpha·t = t). */
// @ts-ignore: decorator
@inline function put(t: v128, cp: usize, beta: f32, first: bool, bp: usize, relu: bool): void {
  let v = t;
  if (!first) v = f32x4.add(v128.load(cp), v);
  else if (beta != 0) v = f32x4.add(f32x4.mul(f32x4.splat(beta), v128.load(cp)), v);
  if (bp) v = f32x4.add(v, v128.load(bp));
  if (relu) v = v128.and(v, f32x4.gt(v, f32x4.splat(0)));
  v128.store(cp, v);
}

/**
 * C[row, j0:j1] (j1 − j0 ≤ JB) from one k-block's list of `count` entries and B's band of columns
 * [j0, j0 + JB), rows `rowBytes` apart (packed: JB floats): JB columns at a time, or 4, then 1.
 */
function rowBlock(
  list: usize, count: i32, band: usize, rowBytes: usize, cp: usize, j0: i32, j1: i32, beta: f32, first: bool, bias: usize, relu: bool,
  ur: f32, v: usize,
): void {
  let j = j0;
  for (; j + JB <= j1; j += JB) {
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
    const bj = band + <usize>(j - j0) * 4;
    for (let q = 0; q < count; q++) {
      const e = list + <usize>q * 8;
      const a = v128.load32_splat(e, 4);
      const br = bj + <usize>load<i32>(e) * rowBytes;
      c0 = madd(a, v128.load(br), c0);
      c1 = madd(a, v128.load(br, 16), c1);
      c2 = madd(a, v128.load(br, 32), c2);
      c3 = madd(a, v128.load(br, 48), c3);
    }
    if (v) {
      // the rank-1 term u[row]·v[j], after the list's terms
      const a = f32x4.splat(ur);
      const vj = v + <usize>j * 4;
      c0 = madd(a, v128.load(vj), c0);
      c1 = madd(a, v128.load(vj, 16), c1);
      c2 = madd(a, v128.load(vj, 32), c2);
      c3 = madd(a, v128.load(vj, 48), c3);
    }
    const cj = cp + <usize>j * 4;
    const bpj: usize = bias ? bias + <usize>j * 4 : 0;
    put(c0, cj, beta, first, bpj, relu);
    put(c1, cj + 16, beta, first, bpj ? bpj + 16 : 0, relu);
    put(c2, cj + 32, beta, first, bpj ? bpj + 32 : 0, relu);
    put(c3, cj + 48, beta, first, bpj ? bpj + 48 : 0, relu);
  }
  for (; j + 4 <= j1; j += 4) {
    let c0 = f32x4.splat(0);
    const bj = band + <usize>(j - j0) * 4;
    for (let q = 0; q < count; q++) {
      const e = list + <usize>q * 8;
      c0 = madd(v128.load32_splat(e, 4), v128.load(bj + <usize>load<i32>(e) * rowBytes), c0);
    }
    if (v) c0 = madd(f32x4.splat(ur), v128.load(v + <usize>j * 4), c0);
    put(c0, cp + <usize>j * 4, beta, first, bias ? bias + <usize>j * 4 : 0, relu);
  }
  // last columns one at a time, through the same f32x4 multiply-add (fused or not alike); stored as storeEdgeTile does
  for (; j < j1; j++) {
    let c0 = f32x4.splat(0);
    const bj = band + <usize>(j - j0) * 4;
    for (let q = 0; q < count; q++) {
      const e = list + <usize>q * 8;
      c0 = madd(v128.load32_splat(e, 4), v128.load32_splat(bj + <usize>load<i32>(e) * rowBytes), c0);
    }
    if (v) c0 = madd(f32x4.splat(ur), v128.load32_splat(v + <usize>j * 4), c0);
    const o = cp + <usize>j * 4;
    let v = f32x4.extract_lane(c0, 0);
    if (!first) v = load<f32>(o) + v;
    else if (beta != 0) v = beta * load<f32>(o) + v;
    if (bias) v = v + load<f32>(bias + <usize>j * 4);
    if (relu && !(v > 0)) v = 0;
    store<f32>(o, v);
  }
}

/**
 * Rows [i0, i1) of C = op(Ã)·B (+ beta·C, bias, ReLU) over the k-blocks in [p0, p1) (block
 * boundaries): the block at p0 starts C, the one ending at k adds bias and ReLU. op(Ã): [m, k]
 * (A is [k, m] if transA, row stride lda); B: [k, n] packed by {@link packBands} (ldb = 0) or in
 * place with row stride ldb (a few rows of C: packing would cost more than it saves); C: [m, n], row stride n.
 * scale: [columns of A] or 0; bias: [n] or 0; u [m], v [n] (or v = 0): C += u·vᵀ, in the last block
 * after the list's terms, before bias. work: the thread's GEMM scratch (≥ 4·G + 8·G·kBlock(k) bytes).
 * Rows go in groups of G: their lists are collected first, then each band of JB columns runs over
 * every row of the group, so that band of B stays in cache from row to row (packed: B's rows
 * ldb ≥ 256 floats apart would map a band's lines onto a few sets of L1).
 */
function sparseRange(
  transA: bool, k: i32, n: i32, beta: f32, a: usize, lda: i32, b: usize, ldb: i32, c: usize,
  bias: usize, relu: bool, scale: usize, u: usize, v: usize, i0: i32, i1: i32, p0: i32, p1: i32, work: usize,
): void {
  const kb = kBlock(k);
  const rowBytes: usize = ldb ? <usize>ldb * 4 : <usize>JB * 4;
  const lists = work + <usize>G * 4;
  const listBytes = <usize>kb * 8;
  for (let g0 = i0; g0 < i1; g0 += G) {
    const g1 = min(g0 + G, i1);
    for (let pc = p0; pc < p1; pc += kb) {
      const pe = min(pc + kb, k);
      if (transA) collectColumns(a, lda, g0, g1, pc, pe, scale, work, lists, listBytes);
      else {
        for (let i = g0; i < g1; i++) {
          const r = <usize>(i - g0);
          store<i32>(work + r * 4, collectRow(a, lda, i, pc, pe, scale, lists + r * listBytes));
        }
      }
      const last = pe >= k;
      for (let j = 0; j < n; j += JB) {
        const j1 = min(j + JB, n);
        const band = ldb ? b + <usize>j * 4 : b + <usize>(j * k) * 4;
        for (let i = g0; i < g1; i++) {
          const r = <usize>(i - g0);
          const vl: usize = last ? v : 0;
          rowBlock(
            lists + r * listBytes, load<i32>(work + r * 4), band, rowBytes, c + <usize>i * n * 4, j, j1, beta, pc == p0, last ? bias : 0, last && relu,
            vl ? load<f32>(u + <usize>i * 4) : 0, vl,
          );
        }
      }
    }
  }
}

/** Rows [i0, i1) of the product, all of k (see {@link sparseRange}). Needs k ≥ 1. */
export function sparseGemm(
  transA: i32, k: i32, n: i32, beta: f32, a: usize, lda: i32, b: usize, ldb: i32, c: usize,
  bias: usize, relu: i32, scale: usize, u: usize, v: usize, i0: i32, i1: i32, work: usize,
): void {
  sparseRange(transA != 0, k, n, beta, a, lda, b, ldb, c, bias, relu != 0, scale, u, v, i0, i1, 0, k, work);
}

/**
 * Half `half` of a product whose k is exactly two blocks, as gemm.ts gemmKHalf: half 0 writes
 * `beta·C + (first block)` into C, half 1 `(second block)` into S (row stride n); gemmReduce then adds
 * S, bias and ReLU.
 */
export function sparseGemmKHalf(
  transA: i32, k: i32, n: i32, beta: f32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, s: usize,
  scale: usize, u: usize, v: usize, half: i32, i0: i32, i1: i32, work: usize,
): void {
  const kb = kBlock(k);
  if (half == 0) sparseRange(transA != 0, k, n, beta, a, lda, b, ldb, c, 0, false, scale, 0, 0, i0, i1, 0, kb, work);
  else sparseRange(transA != 0, k, n, 0, a, lda, b, ldb, s, 0, false, scale, u, v, i0, i1, kb, k, work);
}

/**
 * Packs rows [p0, p1) of B [k, n] (row stride ldb) into bands of JB columns: band j/JB holds
 * B[:, j:j+JB] as k rows of JB floats at dst + 4·j·k (the last band zero-padded).
 */
export function packBands(b: usize, ldb: i32, k: i32, n: i32, p0: i32, p1: i32, dst: usize): void {
  for (let j = 0; j < n; j += JB) {
    const cols = min(JB, n - j);
    const band = dst + <usize>(j * k) * 4;
    for (let p = p0; p < p1; p++) {
      const src = b + (<usize>p * ldb + j) * 4;
      const d = band + <usize>(p * JB) * 4;
      if (cols == JB) {
        for (let h = 0; h < JB * 4; h += 16) v128.store(d + h, v128.load(src + h));
      } else {
        for (let q = 0; q < JB; q++) store<f32>(d + <usize>q * 4, q < cols ? load<f32>(src + <usize>q * 4) : 0);
      }
    }
  }
}

/** Number of non-zero values (NaN counts) among x[0:n]. */
export function countNonZero(x: usize, n: i32): i32 {
  let acc = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) acc = i32x4.sub(acc, f32x4.ne(v128.load(x + <usize>i * 4), f32x4.splat(0)));
  let count = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  for (; i < n; i++) if (load<f32>(x + <usize>i * 4) != 0) count++;
  return count;
}

/** y[i, j] = x[i, j]·scale[j] (+ shift[j] if shift ≠ 0), rounded after each operation. x, y: [rows, cols]; y may alias x. */
export function affineCols(x: usize, scale: usize, shift: usize, y: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const o = <usize>i * cols * 4;
    for (let j = 0; j < c4; j += 4) {
      const jo = <usize>j * 4;
      let v = f32x4.mul(v128.load(x + o + jo), v128.load(scale + jo));
      if (shift) v = f32x4.add(v, v128.load(shift + jo));
      v128.store(y + o + jo, v);
    }
    for (let j = c4; j < cols; j++) {
      const jo = <usize>j * 4;
      let v = load<f32>(x + o + jo) * load<f32>(scale + jo);
      if (shift) v = v + load<f32>(shift + jo);
      store<f32>(y + o + jo, v);
    }
  }
}

/** Columns of a band of packed B (the host sizes the packed buffer with it). */
export function sparseBand(): i32 {
  return JB;
}
