// sparseGemm (a product whose left operand is mostly zeros), countNonZero and affineCols: the
// TypeScript reference against its own dense gemm, and the WebAssembly kernel against the dense
// WebAssembly gemm bit for bit (each build: plain and relaxed SIMD), on 1 and 2 threads, on sparse
// and dense inputs and edge cases.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Kernels, SparseGemmOptions } from '../src/core/kernels.js';
import { JsKernels } from '../src/core/kernels-js.js';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import { createWasmKernels } from '../src/node/wasm.js';

const js = new JsKernels();
const builds = { 'plain SIMD': await createWasmKernels({ threads: 2 }), 'relaxed SIMD': await createWasmKernels({ threads: 2, relaxed: true }) };
after(async () => {
  for (const k of Object.values(builds)) await k.dispose();
});

/** [rows, cols] with a fraction `density` of non-zero values in [-1, 1) (`k`'s memory). */
function sparse(k: Kernels, rows: number, cols: number, density: number, rng: Rng): Matrix {
  const m = new Matrix(rows, cols, k.alloc(rows * cols));
  for (let i = 0; i < m.size; i++) m.data[i] = rng.uniform() < density ? rng.range(-1, 1) : 0;
  return m;
}

const bits = (m: Matrix) => new Uint32Array(m.data.buffer, m.data.byteOffset, m.size);

/**
 * [m, k, n, density]: the MNIST first layer, all zeros, no zeros, one row, odd widths, a k of three
 * blocks, and k = 790: the weight gradient's 2-thread split at kBlock(790) = 395 hands threads
 * ranges of rows of C that start on odd rows (rows pair up as (2j, 2j + 1) whatever the ranges).
 */
const CASES: [number, number, number, number][] = [
  [128, 784, 256, 0.19],
  [128, 784, 256, 0],
  [128, 784, 256, 1],
  [1, 784, 256, 0.2],
  [5, 784, 256, 0.2],
  [37, 61, 45, 0.3],
  [20, 1100, 10, 0.5],
  [7, 3, 3, 0.6],
  [96, 790, 40, 0.2],
];

/** The dense product on Ã = A·diag(scale), by the same kernels. */
function denseReference(k: Kernels, a: Matrix, b: Matrix, c: Matrix, o: SparseGemmOptions): void {
  let as = a;
  if (o.colScale) {
    as = new Matrix(a.rows, a.cols, k.alloc(a.size));
    k.affineCols(a, o.colScale, null, as);
  }
  k.gemm(as, b, c, { transA: o.transA, beta: o.beta, bias: o.bias, relu: o.relu });
}

/** Runs every case through sparseGemm and the dense reference; `check` compares the two outputs. */
function eachCase(k: Kernels, check: (sparseOut: Matrix, denseOut: Matrix, label: string) => void, run = (f: () => void) => f()): void {
  const rng = new Rng(11);
  for (const [m, kk, n, density] of CASES) {
    for (let t = 0; t < 4; t++) {
      const transA = (t & 1) === 1;
      const scaled = (t & 2) === 2;
      const a = sparse(k, m, kk, density, rng);
      // forward: B [k, n], C [m, n]; weight gradient: B [m, n] (dY), C [k, n] (dW)
      const b = sparse(k, transA ? m : kk, n, 1, rng);
      const rows = transA ? kk : m;
      const c0 = sparse(k, rows, n, 1, rng);
      const scale = scaled ? k.alloc(kk).map(() => rng.range(0.5, 2)) : undefined;
      const o: SparseGemmOptions = transA
        ? { transA, beta: t === 1 ? 0 : 1, colScale: scale }
        : { bias: k.alloc(n).map(() => rng.range(-0.5, 0.5)), relu: t === 0, colScale: scale };
      const cs = new Matrix(rows, n, k.alloc(rows * n));
      const cd = new Matrix(rows, n, k.alloc(rows * n));
      cs.data.set(c0.data);
      cd.data.set(c0.data);
      run(() => k.sparseGemm(a, b, cs, o));
      denseReference(k, a, b, cd, o);
      check(cs, cd, `${m}×${kk}×${n} density ${density} ${JSON.stringify({ transA, beta: o.beta, relu: o.relu, scaled })}`);
    }
  }
}

describe('sparseGemm: TypeScript reference', () => {
  test('equals the dense gemm on Ã within float32 rounding', () => {
    eachCase(js, (s, d, label) => {
      for (let i = 0; i < s.size; i++) {
        const tol = 1e-5 * (1 + Math.abs(d.data[i]));
        assert.ok(Math.abs(s.data[i] - d.data[i]) <= tol, `${label}: element ${i}: ${s.data[i]} vs ${d.data[i]}`);
      }
    });
  });

  test('float64 (gradient checks) runs the same rule', () => {
    const a = new Matrix(2, 3, Float64Array.from([0, 2, 0, 1, 0, 3]));
    const b = new Matrix(3, 2, Float64Array.from([1, 2, 3, 4, 5, 6]));
    const c = new Matrix(2, 2, new Float64Array(4));
    js.sparseGemm(a, b, c, { colScale: Float64Array.from([1, 0.5, 2]), bias: Float64Array.from([1, -100]) });
    // row 0: 2·0.5·[3, 4] + [1, -100];  row 1: 1·[1, 2] + 3·2·[5, 6] + [1, -100]
    assert.deepEqual([...c.data], [4, -96, 32, -62]);
  });

  test('countNonZero and affineCols', () => {
    assert.equal(js.countNonZero(Float32Array.from([0, 1, -0, NaN, 2]), 5), 3);
    assert.equal(js.countNonZero(Float32Array.from([0, 1, 2]), 1), 0);
    const y = new Matrix(2, 2, new Float32Array(4));
    js.affineCols(new Matrix(2, 2, Float32Array.from([1, 2, 3, 4])), Float32Array.from([2, 3]), Float32Array.from([-1, 0.5]), y);
    assert.deepEqual([...y.data], [1, 6.5, 5, 12.5]);
  });
});

/** C = Ãᵀ·B + u·vᵀ (the folded weight gradient) by `k`, for 1 or 2 threads. */
function rank1Case(k: Kernels, seed: number): Matrix {
  const rng = new Rng(seed);
  const a = sparse(k, 128, 784, 0.2, rng), b = sparse(k, 128, 70, 1, rng);
  const u = k.alloc(784).map(() => rng.range(-1, 1)), v = k.alloc(70).map(() => rng.range(-1, 1));
  const c = new Matrix(784, 70, k.alloc(784 * 70));
  k.sparseGemm(a, b, c, { transA: true, colScale: k.alloc(784).fill(0.5), rank1: { u, v } });
  return c;
}

describe('sparseGemm: rank-1 term', () => {
  test('the reference adds u·vᵀ to the product', () => {
    const a = new Matrix(2, 2, Float32Array.from([0, 1, 2, 0])), b = new Matrix(2, 2, Float32Array.from([1, 2, 3, 4]));
    const c = new Matrix(2, 2, new Float32Array(4));
    js.sparseGemm(a, b, c, { transA: true, rank1: { u: Float32Array.from([1, -1]), v: Float32Array.from([10, 20]) } });
    // Aᵀ·B = [[0·1 + 2·3, 0·2 + 2·4], [1·1 + 0·3, 1·2 + 0·4]] = [[6, 8], [1, 2]]
    assert.deepEqual([...c.data], [16, 28, -9, -18]);
  });
});

for (const [build, wasm] of Object.entries(builds)) {
  describe(`sparseGemm: WebAssembly, ${build}`, () => {
    test('has the bits of the dense WebAssembly gemm on Ã, on 2 threads', () => {
      const k = wasm!;
      assert.equal(k.threads, 2);
      eachCase(k, (s, d, label) => {
        const diff = bits(s).findIndex((v, i) => v !== bits(d)[i]);
        assert.equal(diff, -1, `${label}: element ${diff}: ${s.data[diff]} vs ${d.data[diff]}`);
      });
    });

    test('is bit-identical on 1 and 2 threads, and to the TypeScript reference within rounding', () => {
      const k = wasm!;
      const one: Matrix[] = [];
      k.setThreads(1);
      eachCase(k, (s) => one.push(s));
      k.setThreads(2);
      let c = 0;
      eachCase(k, (s, _d, label) => {
        const diff = bits(s).findIndex((v, i) => v !== bits(one[c])[i]);
        assert.equal(diff, -1, `${label}: element ${diff} differs between 1 and 2 threads`);
        c++;
      });
      // plain Float32Arrays are staged through the heap: the same results as buffers in wasm memory
      const rng = new Rng(3);
      const a = sparse(js, 9, 50, 0.2, rng), b = sparse(js, 50, 12, 1, rng);
      const cw = new Matrix(9, 12, new Float32Array(108));
      const cj = new Matrix(9, 12, new Float32Array(108));
      const scale = new Float32Array(50).fill(0.5);
      k.sparseGemm(a, b, cw, { colScale: scale, relu: true });
      js.sparseGemm(a, b, cj, { colScale: scale, relu: true });
      for (let i = 0; i < 108; i++) assert.ok(Math.abs(cw.data[i] - cj.data[i]) <= 1e-5 * (1 + Math.abs(cj.data[i])), `element ${i}`);
    });

    test('the rank-1 term: the reference within rounding, the same bits on 1 and 2 threads', () => {
      const k = wasm!;
      k.setThreads(1);
      const one = rank1Case(k, 4);
      k.setThreads(2);
      const two = rank1Case(k, 4);
      const ref = rank1Case(js, 4);
      assert.equal(bits(one).findIndex((v, i) => v !== bits(two)[i]), -1);
      for (let i = 0; i < ref.size; i++) assert.ok(Math.abs(two.data[i] - ref.data[i]) <= 1e-5 * (1 + Math.abs(ref.data[i])), `element ${i}`);
    });

    test('countNonZero and affineCols match the reference', () => {
      const k = wasm!;
      const rng = new Rng(5);
      for (const n of [0, 1, 5, 1003]) {
        const x = sparse(k, 1, n, 0.3, rng);
        assert.equal(k.countNonZero(x.data, n), js.countNonZero(x.data, n));
      }
      for (const [rows, cols] of [[3, 7], [128, 784], [1, 1]]) {
        const x = sparse(k, rows, cols, 0.5, rng);
        const scale = k.alloc(cols).map(() => rng.range(0.1, 3));
        const shift = k.alloc(cols).map(() => rng.range(-1, 1));
        for (const sh of [shift, null]) {
          const yw = new Matrix(rows, cols, k.alloc(rows * cols));
          const yj = new Matrix(rows, cols, new Float32Array(rows * cols));
          k.affineCols(x, scale, sh, yw);
          js.affineCols(x, scale, sh, yj);
          assert.deepEqual([...yw.data], [...yj.data]);
        }
      }
    });
  });
}
