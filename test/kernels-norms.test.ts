// The kernels of gradient clipping, label smoothing and max-norm (affine, renormCols) and the class
// counts (countEqual, greaterThan): hand-computed numbers on the reference, and the WebAssembly
// kernels against it bit for bit (both work in float64 and round once), with buffers in wasm memory
// and plain Float32Arrays. The regression losses' fused kernels: test/fused-losses.test.ts.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Kernels } from '../src/core/kernels.js';
import { JsKernels } from '../src/core/kernels-js.js';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import { createWasmKernels } from '../src/node/wasm.js';
import { assertClose } from './helpers.js';

const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
const simd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
const skip = simd ? false : 'WebAssembly SIMD is unavailable on this runtime';

const js = new JsKernels();
const wasm = simd ? await createWasmKernels({ threads: 2 }) : null;
after(async () => {
  await wasm?.dispose();
});

/** [rows, cols] of uniform values in [lo, hi): in `k`'s memory, or a plain Float32Array (k null). */
function rand(k: Kernels | null, rows: number, cols: number, rng: Rng, lo = -1, hi = 1): Matrix {
  const m = new Matrix(rows, cols, k ? k.alloc(rows * cols) : new Float32Array(rows * cols));
  for (let i = 0; i < m.size; i++) m.data[i] = rng.range(lo, hi);
  return m;
}

/** The same values in a second buffer of the kind `k` gives (null: plain). */
function copy(m: Matrix, k: Kernels | null): Matrix {
  const c = new Matrix(m.rows, m.cols, k ? k.alloc(m.size) : new Float32Array(m.size));
  c.data.set(m.data);
  return c;
}

describe('affine, renormCols (reference)', () => {
  it('affine: x = a·x + b; b = 0 scales', () => {
    const x = Float64Array.from([1, -2, 0.5]);
    js.affine(x, 0.9, 0.1 / 3, 3);
    assert.deepEqual([...x], [0.9 + 0.1 / 3, -1.8 + 0.1 / 3, 0.45 + 0.1 / 3]);
    js.affine(x, 2, 0, 2);
    assert.deepEqual([...x], [2 * (0.9 + 0.1 / 3), 2 * (-1.8 + 0.1 / 3), 0.45 + 0.1 / 3]);
  });

  it('renormCols: only columns above c, onto the sphere; a column at c stays', () => {
    // columns (3, 4) → (0.6, 0.8); (1, 0) has norm 1: kept; (0, −2) → (0, −1)
    const w = new Matrix(2, 3, Float64Array.from([3, 1, 0, 4, 0, -2]));
    assert.equal(js.renormCols(w, 1), 2);
    assertClose(w.data, [0.6, 1, 0, 0.8, 0, -1], 1e-15, 'W');
  });
});

describe('affine, renormCols: wasm vs reference', { skip }, () => {
  const k = wasm!;
  it('affine: the same bits, SIMD body and scalar tail, in and out of wasm memory', () => {
    const rng = new Rng(1);
    for (const n of [1, 3, 4, 17, 1000]) {
      for (const mem of [k, null]) {
        for (const [a, b] of [[0.7, 0], [0.9, 0.1 / 7], [1 / 3, -2.5]]) {
          const x = rand(mem, 1, n, rng, -3, 3);
          const ref = Float32Array.from(x.data);
          js.affine(ref, a, b, n);
          k.affine(x.data, a, b, n);
          assert.deepEqual(x.data, ref, `n ${n}, a ${a}, b ${b}, ${mem ? 'wasm memory' : 'plain'}`);
        }
      }
    }
  });

  it('renormCols: the same bits and count, 8-column blocks and the rest, in and out of wasm memory', () => {
    const rng = new Rng(2);
    for (const [rows, cols] of [[1, 1], [5, 7], [9, 8], [64, 13], [33, 40], [784, 33]]) {
      for (const mem of [k, null]) {
        const w = rand(mem, rows, cols, rng);
        // about half the columns above the bound
        const c = Math.sqrt(rows / 3);
        const ref = copy(w, null);
        const expected = js.renormCols(ref, c);
        assert.equal(k.renormCols(w, c), expected, `[${rows}, ${cols}] count`);
        assert.ok(cols < 8 || (expected > 0 && expected < cols), `[${rows}, ${cols}]: some columns rescaled, not all (${expected})`);
        assert.deepEqual(w.data.subarray(0, w.size), ref.data, `[${rows}, ${cols}], ${mem ? 'wasm memory' : 'plain'}`);
      }
    }
  });

  it('renormCols: a column holding NaN becomes NaN and counts, as in the reference', () => {
    const w = rand(k, 4, 9, new Rng(3));
    w.data[2 * 9 + 5] = NaN;
    const ref = copy(w, null);
    assert.equal(k.renormCols(w, 10), js.renormCols(ref, 10));
    assert.deepEqual(w.data.subarray(0, w.size), ref.data);
  });
});

describe('countEqual, greaterThan', () => {
  for (const [name, k] of [['js', js], ['wasm', wasm]] as const) {
    it(`${name}: hits over the first n; 0/1 classes written at an offset`, { skip: k ? false : skip }, () => {
      const a = Int32Array.from([1, 2, 3, 4, 5]);
      const b = Int32Array.from([1, 0, 3, 4, 0]);
      assert.equal(k!.countEqual(a, b, 5), 3);
      assert.equal(k!.countEqual(a, b, 2), 1);
      const out = new Int32Array(5).fill(7);
      k!.greaterThan(Float32Array.from([0.5, -0.1, 0, 3]), 0, out, 3, 1);
      assert.deepEqual([...out], [7, 1, 0, 0, 7]);
    });
  }
});
