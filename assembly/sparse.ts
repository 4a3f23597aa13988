// Products with a sparse left operand (the first Dense layer's input: ~81% of MNIST pixels are 0):
//   forward       C = Ã·B (+ bias, ReLU)     Ã = A·diag(scale): [m, k],  B: [k, n]
//   weight grad   C = beta·C + Ãᵀ·B          Ã: [batch, k],  B (dY): [batch, n],  C (dW): [k, n]
// B is packed into bands (packBands; a few rows of C read it in place). For a group of rows of C,
// lists of A's non-zeros — B's row offset and the scaled value — are collected into the thread's
// scratch; then, band by band, f32x4 accumulators run down each list.
// - Forward: a list per row of C (its image's non-zero pixels, found 16 at a time by a bit mask),
//   24 columns a pass: 6 accumulators, one splat and 6 loads of B's band per entry. Without fused
//   multiply-add V8 multiplies into the loaded register, so that is 13 of the 15 allocatable x64
//   vector registers (V8 loads all of an entry's B vectors first: 8 accumulators, 32 columns, need 17
//   and spill an accumulator, whose chain then runs through memory). Bands of 48 columns: two passes.
// - Weight gradient (transA): rows of C go in pairs (2j, 2j + 1), neighbouring pixels, whose list
//   holds the batch rows where either pixel is non-zero (1.7× shorter than two lists), 16 columns a
//   pass: 8 accumulators, two splats and 4 loads per entry, shared by both rows (15 registers with
//   the product's). Its lists are short (~28 entries), so a list per row would double the per-list
//   costs; bands of 16 columns (48 measured slower there).
// A pair of random images (the forward's rows) shares fewer pixels: its union was 1.3× shorter
// than two lists, so a third of a pair's multiply-adds were by zeros; one row per list does none.
//
// The k-blocks, their order and the stores are those of assembly/gemm.ts (kBlock; first block
// `C = t` or `beta·C + t`, later blocks `C = C + t`, the last adding bias then ReLU), and every
// element's sum runs over its terms in the same order with the same multiply-add: skipping a term
// x·b with x = 0 (or adding it, for a pair's partner's sake) leaves an accumulator unchanged, so without
// `scale` the result has the bits of gemm's (unless B holds Inf or NaN, which 0·b would have spread).
// Threads split rows of C or, as gemmKHalf, the two k-halves (gemmReduce finishes C); a row's list
// and pairs are fixed by the row index, not by a thread's range: the same bits on any thread count.

import { kBlock } from './gemm';

/**
 * Columns of a band of packed B [kBlock, JB] without transA (rows 192 bytes apart): two passes of a
 * row's 24 columns. A pass's columns of the band (~50 KiB for 392 rows, of which a group's lists
 * touch the rows of the pixels that are ever non-zero) stay in cache from row to row.
 */
const JB: i32 = 48;
/** With transA: a pair's pass covers 16 columns, and so does a band (wider bands measured slower there). */
const JB_PAIR: i32 = 16;

/** Columns of a band of packed B (rows of packed B are that many floats apart). */
// @ts-ignore: decorator
@inline function bandWidth(transA: bool): i32 {
  return transA ? JB_PAIR : JB;
}
/** Rows whose lists are collected together (G rows or G/2 pairs: up to 8·G·kBlock(k) bytes of scratch). Even. */
const G: i32 = 32;

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Bytes of a pair list's entry: B's row offset (i32: row·rowBytes), then the two rows' values (f32). */
const PAIR_ENTRY: usize = 12;

/**
 * Writes the entry (offset, x0·s0, x1·s1) at list[n]; returns n + 1 if x0 or x1 is non-zero (NaN
 * counts), else n. Branch-free: every entry is written at the end of the list, which grows only past a kept one.
 */
// @ts-ignore: decorator
@inline function putPair(list: usize, n: i32, offset: i32, x0: f32, x1: f32, s0: f32, s1: f32, scaled: bool): i32 {
  const e = list + <usize>n * PAIR_ENTRY;
  store<i32>(e, offset);
  store<f32>(e, scaled ? x0 * s0 : x0, 4);
  store<f32>(e, scaled ? x1 * s1 : x1, 8);
  return n + (<i32>(x0 != 0) | <i32>(x1 != 0));
}

/**
 * With transA, the pair lists of A's columns [c0, c1) (c0 even: pairs (c0, c0 + 1), …; an odd c1
 * leaves the last column without a partner), rows [p0, p1) of A: pair q's count at counts[q], its
 * entries at lists + q·listBytes. A is read row by row (a column walk would touch a cache line per
 * value), four columns a vector, skipping all-zero groups; each list still runs down A's rows in order.
 */
function collectColumnPairs(
  a: usize, lda: i32, c0: i32, c1: i32, p0: i32, p1: i32, scale: usize, counts: usize, lists: usize, listBytes: usize, rowBytes: i32,
): void {
  for (let c = c0; c < c1; c += 2) store<i32>(counts + <usize>((c - c0) >> 1) * 4, 0);
  const scaled = scale != 0;
  for (let i = p0; i < p1; i++) {
    const src = a + <usize>i * lda * 4;
    const off = i * rowBytes;
    let c = c0;
    for (; c + 4 <= c1; c += 4) {
      if (!v128.any_true(f32x4.ne(v128.load(src + <usize>c * 4), f32x4.splat(0)))) continue;
      putColumnPair(counts, lists, listBytes, (c - c0) >> 1, off, src, c, true, scale, scaled);
      putColumnPair(counts, lists, listBytes, ((c - c0) >> 1) + 1, off, src, c + 2, true, scale, scaled);
    }
    for (; c < c1; c += 2) putColumnPair(counts, lists, listBytes, (c - c0) >> 1, off, src, c, c + 1 < c1, scale, scaled);
  }
}

/** {@link putPair} of columns c and c + 1 (if `two`) of A's row at src onto pair list q (its count at counts[q]). */
// @ts-ignore: decorator
@inline function putColumnPair(
  counts: usize, lists: usize, listBytes: usize, q: i32, off: i32, src: usize, c: i32, two: bool, scale: usize, scaled: bool,
): void {
  const cp = counts + <usize>q * 4;
  const co = <usize>c * 4;
  const s0: f32 = scaled ? load<f32>(scale + co) : 1;
  const s1: f32 = scaled && two ? load<f32>(scale + co + 4) : 1;
  store<i32>(cp, putPair(lists + <usize>q * listBytes, load<i32>(cp), off, load<f32>(src + co), two ? load<f32>(src + co + 4) : 0, s0, s1, scaled));
}

/** Bytes of a list's entry: B's row offset (i32: row·rowBytes), then the scaled value (f32). */
const ENTRY: usize = 8;

/** Bits 0–15: which of the 16 floats at p are non-zero (NaN counts). */
// @ts-ignore: decorator
@inline function nonZero16(p: usize): i32 {
  const zero = f32x4.splat(0);
  return (
    i32x4.bitmask(f32x4.ne(v128.load(p), zero)) |
    (i32x4.bitmask(f32x4.ne(v128.load(p, 16), zero)) << 4) |
    (i32x4.bitmask(f32x4.ne(v128.load(p, 32), zero)) << 8) |
    (i32x4.bitmask(f32x4.ne(v128.load(p, 48), zero)) << 12)
  );
}

/** Writes the entry (offset, x·s, or x if not `scaled`) at e. */
// @ts-ignore: decorator
@inline function putEntry(e: usize, offset: i32, x: f32, s: usize, scaled: bool): void {
  store<i32>(e, offset);
  store<f32>(e, scaled ? x * load<f32>(s) : x, 4);
}

/**
 * The list of A's row r, columns [p0, p1): an entry for every non-zero (NaN counts), in column
 * order. Sixteen columns a step: a bit mask of the non-zeros, whose set bits are visited in order
 * (no branch per value). Returns the count.
 */
function collectRow(a: usize, lda: i32, r: i32, p0: i32, p1: i32, scale: usize, list: usize, rowBytes: i32): i32 {
  const src = a + <usize>r * lda * 4;
  const scaled = scale != 0;
  let e = list;
  let p = p0;
  for (; p + 16 <= p1; p += 16) {
    for (let bits = nonZero16(src + <usize>p * 4); bits != 0; bits &= bits - 1) {
      const q = p + ctz(bits);
      const qo = <usize>q * 4;
      putEntry(e, q * rowBytes, load<f32>(src + qo), scale + qo, scaled);
      e += ENTRY;
    }
  }
  for (; p < p1; p++) {
    const qo = <usize>p * 4;
    const x = load<f32>(src + qo);
    if (x != 0) {
      putEntry(e, p * rowBytes, x, scale + qo, scaled);
      e += ENTRY;
    }
  }
  return <i32>((e - list) / ENTRY);
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

/** {@link put} of four vectors: C's 16 columns at cp (bias at bp, or 0). */
// @ts-ignore: decorator
@inline function put4(t0: v128, t1: v128, t2: v128, t3: v128, cp: usize, beta: f32, first: bool, bp: usize, relu: bool): void {
  put(t0, cp, beta, first, bp, relu);
  put(t1, cp + 16, beta, first, bp ? bp + 16 : 0, relu);
  put(t2, cp + 32, beta, first, bp ? bp + 32 : 0, relu);
  put(t3, cp + 48, beta, first, bp ? bp + 48 : 0, relu);
}

/** Stores lane 0 of t into C as gemm's storeEdgeTile does. */
// @ts-ignore: decorator
@inline function put1(t: v128, o: usize, beta: f32, first: bool, bp: usize, relu: bool): void {
  let v = f32x4.extract_lane(t, 0);
  if (!first) v = load<f32>(o) + v;
  else if (beta != 0) v = beta * load<f32>(o) + v;
  if (bp) v = v + load<f32>(bp);
  if (relu && !(v > 0)) v = 0;
  store<f32>(o, v);
}

/**
 * Two rows of C, columns [j0, j1) (at most a band: JB_PAIR), from one k-block's pair list of `count`
 * entries and B's band of columns from j0, rows `rowBytes` apart (packed: JB_PAIR floats apart): 16
 * columns at a time (eight accumulators, B's four vectors loaded once for both rows), or 4, then 1. Row 0 is
 * stored at c0 and row 1 at c1 unless that pointer is 0. ur0, ur1, v: the rank-1 term u[row]·v[j]
 * (v = 0: none), added after the list's terms.
 */
function rowPair(
  list: usize, count: i32, band: usize, c0: usize, c1: usize, j0: i32, j1: i32, beta: f32, first: bool, bias: usize, relu: bool,
  ur0: f32, ur1: f32, v: usize,
): void {
  const end = list + <usize>count * PAIR_ENTRY;
  let j = j0;
  for (; j + 16 <= j1; j += 16) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
    const bj = band + <usize>(j - j0) * 4;
    for (let e = list; e < end; e += PAIR_ENTRY) {
      const br = bj + <usize>load<u32>(e);
      const x0 = v128.load32_splat(e, 4), x1 = v128.load32_splat(e, 8);
      const w0 = v128.load(br), w1 = v128.load(br, 16), w2 = v128.load(br, 32), w3 = v128.load(br, 48);
      a0 = madd(x0, w0, a0);
      a1 = madd(x0, w1, a1);
      a2 = madd(x0, w2, a2);
      a3 = madd(x0, w3, a3);
      b0 = madd(x1, w0, b0);
      b1 = madd(x1, w1, b1);
      b2 = madd(x1, w2, b2);
      b3 = madd(x1, w3, b3);
    }
    if (v) {
      const vj = v + <usize>j * 4;
      const w0 = v128.load(vj), w1 = v128.load(vj, 16), w2 = v128.load(vj, 32), w3 = v128.load(vj, 48);
      const x0 = f32x4.splat(ur0), x1 = f32x4.splat(ur1);
      a0 = madd(x0, w0, a0);
      a1 = madd(x0, w1, a1);
      a2 = madd(x0, w2, a2);
      a3 = madd(x0, w3, a3);
      b0 = madd(x1, w0, b0);
      b1 = madd(x1, w1, b1);
      b2 = madd(x1, w2, b2);
      b3 = madd(x1, w3, b3);
    }
    const bp: usize = bias ? bias + <usize>j * 4 : 0;
    const jo = <usize>j * 4;
    if (c0) put4(a0, a1, a2, a3, c0 + jo, beta, first, bp, relu);
    if (c1) put4(b0, b1, b2, b3, c1 + jo, beta, first, bp, relu);
  }
  // the last columns 4 at a time, then one at a time (B's value splat: the same f32x4 multiply-add)
  while (j < j1) {
    const one = j + 4 > j1;
    let a0 = f32x4.splat(0), b0 = f32x4.splat(0);
    const bj = band + <usize>(j - j0) * 4;
    for (let e = list; e < end; e += PAIR_ENTRY) {
      const wp = bj + <usize>load<u32>(e);
      const w = one ? v128.load32_splat(wp) : v128.load(wp);
      a0 = madd(v128.load32_splat(e, 4), w, a0);
      b0 = madd(v128.load32_splat(e, 8), w, b0);
    }
    const o = <usize>j * 4;
    if (v) {
      const w = one ? v128.load32_splat(v + o) : v128.load(v + o);
      a0 = madd(f32x4.splat(ur0), w, a0);
      b0 = madd(f32x4.splat(ur1), w, b0);
    }
    const bp: usize = bias ? bias + o : 0;
    if (one) {
      if (c0) put1(a0, c0 + o, beta, first, bp, relu);
      if (c1) put1(b0, c1 + o, beta, first, bp, relu);
    } else {
      if (c0) put(a0, c0 + o, beta, first, bp, relu);
      if (c1) put(b0, c1 + o, beta, first, bp, relu);
    }
    j += one ? 1 : 4;
  }
}

/**
 * One row of C, columns [j0, j1) (at most a band: JB), stored at cr, from one k-block's list of `count`
 * entries and B's band of columns from j0, rows `rowBytes` apart (packed: JB floats apart):
 * 24 columns at a time (six accumulators: a splat of the entry's value and six loads of B's row
 * per entry), then 16 (four), 4, then 1. ur, v: the rank-1 term ur·v[j] (v = 0: none), added after
 * the list's terms.
 */
function rowOne(
  list: usize, count: i32, band: usize, cr: usize, j0: i32, j1: i32, beta: f32, first: bool, bias: usize, relu: bool, ur: f32, v: usize,
): void {
  const end = list + <usize>count * ENTRY;
  let j = j0;
  for (; j + 24 <= j1; j += 24) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0), a4 = f32x4.splat(0), a5 = f32x4.splat(0);
    const bj = band + <usize>(j - j0) * 4;
    for (let e = list; e < end; e += ENTRY) {
      const br = bj + <usize>load<u32>(e);
      const x = v128.load32_splat(e, 4);
      a0 = madd(x, v128.load(br), a0);
      a1 = madd(x, v128.load(br, 16), a1);
      a2 = madd(x, v128.load(br, 32), a2);
      a3 = madd(x, v128.load(br, 48), a3);
      a4 = madd(x, v128.load(br, 64), a4);
      a5 = madd(x, v128.load(br, 80), a5);
    }
    const jo = <usize>j * 4;
    if (v) {
      const vj = v + jo;
      const x = f32x4.splat(ur);
      a0 = madd(x, v128.load(vj), a0);
      a1 = madd(x, v128.load(vj, 16), a1);
      a2 = madd(x, v128.load(vj, 32), a2);
      a3 = madd(x, v128.load(vj, 48), a3);
      a4 = madd(x, v128.load(vj, 64), a4);
      a5 = madd(x, v128.load(vj, 80), a5);
    }
    const bp: usize = bias ? bias + jo : 0;
    put4(a0, a1, a2, a3, cr + jo, beta, first, bp, relu);
    put(a4, cr + jo + 64, beta, first, bp ? bp + 64 : 0, relu);
    put(a5, cr + jo + 80, beta, first, bp ? bp + 80 : 0, relu);
  }
  if (j + 16 <= j1) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    const bj = band + <usize>(j - j0) * 4;
    for (let e = list; e < end; e += ENTRY) {
      const br = bj + <usize>load<u32>(e);
      const x = v128.load32_splat(e, 4);
      a0 = madd(x, v128.load(br), a0);
      a1 = madd(x, v128.load(br, 16), a1);
      a2 = madd(x, v128.load(br, 32), a2);
      a3 = madd(x, v128.load(br, 48), a3);
    }
    const jo = <usize>j * 4;
    if (v) {
      const vj = v + jo;
      const x = f32x4.splat(ur);
      a0 = madd(x, v128.load(vj), a0);
      a1 = madd(x, v128.load(vj, 16), a1);
      a2 = madd(x, v128.load(vj, 32), a2);
      a3 = madd(x, v128.load(vj, 48), a3);
    }
    put4(a0, a1, a2, a3, cr + jo, beta, first, bias ? bias + jo : 0, relu);
    j += 16;
  }
  // the last columns 4 at a time, then one at a time (B's value splat: the same f32x4 multiply-add)
  while (j < j1) {
    const one = j + 4 > j1;
    let a0 = f32x4.splat(0);
    const bj = band + <usize>(j - j0) * 4;
    for (let e = list; e < end; e += ENTRY) {
      const wp = bj + <usize>load<u32>(e);
      a0 = madd(v128.load32_splat(e, 4), one ? v128.load32_splat(wp) : v128.load(wp), a0);
    }
    const o = <usize>j * 4;
    if (v) a0 = madd(f32x4.splat(ur), one ? v128.load32_splat(v + o) : v128.load(v + o), a0);
    const bp: usize = bias ? bias + o : 0;
    if (one) put1(a0, cr + o, beta, first, bp, relu);
    else put(a0, cr + o, beta, first, bp, relu);
    j += one ? 1 : 4;
  }
}

/**
 * Rows [i0, i1) of C = op(Ã)·B (+ beta·C, bias, ReLU) over the k-blocks in [p0, p1) (block
 * boundaries): the block at p0 starts C, the one ending at k adds bias and ReLU. op(Ã): [m, k]
 * (A is [k, m] if transA, row stride lda); B: [k, n] packed by {@link packBands} (ldb = 0) or in
 * place with row stride ldb (a few rows of C: packing would cost more than it saves); C: [m, n], row stride n.
 * scale: [columns of A] or 0; bias: [n] or 0; u [m], v [n] (or v = 0): C += u·vᵀ, in the last block
 * after the list's terms, before bias. work: the thread's GEMM scratch (≥ 4·G + 8·G·kBlock(k) bytes).
 * Rows go in groups of G (with transA in pairs (2j, 2j + 1), fixed by m, not by the thread's range:
 * every row's terms are the same on any thread count): their lists are collected first, then each
 * band (bandWidth columns) runs over every row (or pair) of the group, so that band of B stays in cache from
 * one to the next (packed: B's rows ldb ≥ 256 floats apart would map a band's lines onto a few sets of L1).
 */
function sparseRange(
  transA: bool, m: i32, k: i32, n: i32, beta: f32, a: usize, lda: i32, b: usize, ldb: i32, c: usize,
  bias: usize, relu: bool, scale: usize, u: usize, v: usize, i0: i32, i1: i32, p0: i32, p1: i32, work: usize,
): void {
  const kb = kBlock(k);
  const jb = bandWidth(transA);
  const rowBytes: usize = ldb ? <usize>ldb * 4 : <usize>jb * 4;
  const lists = work + <usize>G * 4;
  const listBytes = <usize>kb * (transA ? PAIR_ENTRY : ENTRY);
  for (let g0 = transA ? i0 & ~1 : i0; g0 < i1; g0 += G) {
    const g1 = min(g0 + G, i1);
    // with transA, the columns whose values the group's pair lists hold: the last one's partner too, if C has it
    const gEnd = transA ? min(g1 + (g1 & 1), m) : g1;
    for (let pc = p0; pc < p1; pc += kb) {
      const pe = min(pc + kb, k);
      if (transA) collectColumnPairs(a, lda, g0, gEnd, pc, pe, scale, work, lists, listBytes, <i32>rowBytes);
      else {
        for (let r = g0; r < g1; r++) {
          const q = <usize>(r - g0);
          store<i32>(work + q * 4, collectRow(a, lda, r, pc, pe, scale, lists + q * listBytes, <i32>rowBytes));
        }
      }
      const last = pe >= k;
      const vl: usize = last ? v : 0;
      const lb = last ? bias : 0;
      for (let j = 0; j < n; j += jb) {
        const j1 = min(j + jb, n);
        const band = ldb ? b + <usize>j * 4 : b + <usize>(j * k) * 4;
        if (transA) {
          for (let r = g0; r < g1; r += 2) {
            const q = <usize>((r - g0) >> 1);
            const cr = c + <usize>r * n * 4;
            rowPair(
              lists + q * listBytes, load<i32>(work + q * 4), band, r >= i0 ? cr : 0, r + 1 < g1 ? cr + <usize>n * 4 : 0, j, j1, beta, pc == p0,
              lb, last && relu, vl ? load<f32>(u + <usize>r * 4) : 0, vl && r + 1 < m ? load<f32>(u + <usize>r * 4 + 4) : 0, vl,
            );
          }
        } else {
          for (let r = g0; r < g1; r++) {
            const q = <usize>(r - g0);
            rowOne(
              lists + q * listBytes, load<i32>(work + q * 4), band, c + <usize>r * n * 4, j, j1, beta, pc == p0,
              lb, last && relu, vl ? load<f32>(u + <usize>r * 4) : 0, vl,
            );
          }
        }
      }
    }
  }
}

/** Rows [i0, i1) of the product, all of k (see {@link sparseRange}); m: rows of C. Needs k ≥ 1. */
export function sparseGemm(
  transA: i32, m: i32, k: i32, n: i32, beta: f32, a: usize, lda: i32, b: usize, ldb: i32, c: usize,
  bias: usize, relu: i32, scale: usize, u: usize, v: usize, i0: i32, i1: i32, work: usize,
): void {
  sparseRange(transA != 0, m, k, n, beta, a, lda, b, ldb, c, bias, relu != 0, scale, u, v, i0, i1, 0, k, work);
}

/**
 * Half `half` of a product whose k is exactly two blocks, as gemm.ts gemmKHalf: half 0 writes
 * `beta·C + (first block)` into C, half 1 `(second block) + u·vᵀ` into S (row stride n); gemmReduce
 * then adds S, bias and ReLU.
 */
export function sparseGemmKHalf(
  transA: i32, m: i32, k: i32, n: i32, beta: f32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, s: usize,
  scale: usize, u: usize, v: usize, half: i32, i0: i32, i1: i32, work: usize,
): void {
  const kb = kBlock(k);
  if (half == 0) sparseRange(transA != 0, m, k, n, beta, a, lda, b, ldb, c, 0, false, scale, 0, 0, i0, i1, 0, kb, work);
  else sparseRange(transA != 0, m, k, n, 0, a, lda, b, ldb, s, 0, false, scale, u, v, i0, i1, kb, k, work);
}

/**
 * Packs rows [p0, p1) of B [k, n] (row stride ldb) into bands of bandWidth(transA) columns (jb): band j/jb holds
 * B[:, j:j+jb] as k rows of jb floats at dst + 4·j·k (the last band zero-padded).
 */
export function packBands(b: usize, ldb: i32, k: i32, n: i32, p0: i32, p1: i32, dst: usize, transA: i32): void {
  const jb = bandWidth(transA != 0);
  for (let j = 0; j < n; j += jb) {
    const cols = min(jb, n - j);
    const band = dst + <usize>(j * k) * 4;
    for (let p = p0; p < p1; p++) {
      const src = b + (<usize>p * ldb + j) * 4;
      const d = band + <usize>(p * jb) * 4;
      // whole vectors, then the last columns one by one, then zeros
      let q = 0;
      for (; q + 4 <= cols; q += 4) v128.store(d + <usize>q * 4, v128.load(src + <usize>q * 4));
      for (; q < cols; q++) store<f32>(d + <usize>q * 4, load<f32>(src + <usize>q * 4));
      for (; q & 3; q++) store<f32>(d + <usize>q * 4, 0);
      for (; q < jb; q += 4) v128.store(d + <usize>q * 4, f32x4.splat(0));
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

/** Columns of the widest band of packed B (the host sizes the packed buffer with it: bands of JB_PAIR fit in it too). */
export function sparseBand(): i32 {
  return JB;
}
