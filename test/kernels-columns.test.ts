// The column statistics, column-wise affine maps and softmax's backward (Kernels.colMeanVar, colDot,
// centerScaleCols, affinePairCols, softmaxRowsBackward): the TypeScript reference against hand-worked
// numbers, and the WebAssembly kernels against the reference, in and out of wasm memory, aliased.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { JsKernels } from '../src/core/kernels-js.js';
import type { Kernels } from '../src/core/kernels.js';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import { createWasmKernels } from '../src/node/wasm.js';

const js = new JsKernels();
const wasm = await createWasmKernels({ threads: 1 }).catch(() => null);
after(async () => wasm?.dispose());

describe('column kernels: the reference', () => {
  it('colMeanVar: mean and biased variance; colDot; centerScaleCols; affinePairCols (float64)', () => {
    const x = Matrix.from([[1, 2], [3, 8], [5, 5]], 'float64'); // means (3, 5), Σ(x − μ)² = (8, 18)
    const mean = new Float64Array(2), variance = new Float64Array(2);
    js.colMeanVar(x, mean, variance);
    assert.deepEqual([...mean, ...variance], [3, 5, 8 / 3, 6]);
    const dot = new Float64Array(2);
    js.colDot(x, x, dot);
    assert.deepEqual([...dot], [35, 93]);
    const y = Matrix.zeros(3, 2, 'float64');
    js.centerScaleCols(x, mean, Float64Array.of(1, 0.5), y);
    assert.deepEqual(Array.from(y.view()), [-2, -1.5, 0, 1.5, 2, 0]);
    js.affinePairCols(x, Float64Array.of(2, 1), y, Float64Array.of(1, -2), Float64Array.of(0, 10), y);
    assert.deepEqual(Array.from(y.view()), [0, 15, 6, 15, 12, 15]);
  });

  it('softmaxRowsBackward: y ⊙ (dy − ⟨dy, y⟩) per row', () => {
    const y = Matrix.from([[0.25, 0.75], [0.5, 0.5]], 'float64');
    const dy = Matrix.from([[1, 0], [2, -2]], 'float64');
    const dx = Matrix.zeros(2, 2, 'float64');
    js.softmaxRowsBackward(y, dy, dx);
    assert.deepEqual(Array.from(dx.view()), [0.25 * 0.75, 0.75 * -0.25, 1, -1]);
  });
});

/** [rows, cols] uniform in [lo, hi): in `k`'s memory or a plain Float32Array. */
function rand(k: Kernels | null, rows: number, cols: number, rng: Rng, lo = -1, hi = 1): Matrix {
  const m = new Matrix(rows, cols, k ? k.alloc(rows * cols) : new Float32Array(rows * cols));
  for (let i = 0; i < m.size; i++) m.data[i] = rng.range(lo, hi);
  return m;
}

function vec(k: Kernels | null, n: number, rng: Rng, lo = -1, hi = 1): Float32Array {
  const v = (k ? k.alloc(n) : new Float32Array(n)) as Float32Array;
  for (let i = 0; i < n; i++) v[i] = rng.range(lo, hi);
  return v;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 2e-6, abs = 1e-6): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= abs + rel * Math.abs(expected[i]))) assert.fail(`${what}[${i}]: reference ${expected[i]}, wasm ${actual[i]} (diff ${d})`);
  }
}

describe('column kernels: wasm vs reference', { skip: wasm ? false : 'no WebAssembly SIMD here' }, () => {
  for (const owned of [true, false]) {
    const where = owned ? 'wasm memory' : 'plain arrays';
    it(`colMeanVar, colDot, centerScaleCols, affinePairCols, softmaxRowsBackward (${where})`, () => {
      const k = wasm!;
      const mem = owned ? k : null;
      const rng = new Rng(21, where);
      for (const [r, c] of [[1, 1], [2, 3], [7, 4], [33, 13], [128, 100]]) {
        const shape = `${r}×${c}`;
        const x = rand(mem, r, c, rng, 90, 110); // a large mean: the two-pass variance must not cancel
        const m1 = vec(mem, c, rng), v1 = vec(mem, c, rng), m2 = new Float32Array(c), v2 = new Float32Array(c);
        k.colMeanVar(x, m1, v1);
        js.colMeanVar(x, m2, v2);
        assertClose(m1, m2, `colMeanVar mean ${shape}`);
        assertClose(v1, v2, `colMeanVar variance ${shape}`, 1e-5);
        const z = rand(mem, r, c, rng);
        const d1 = vec(mem, c, rng), d2 = new Float32Array(c);
        k.colDot(x, z, d1);
        js.colDot(x, z, d2);
        assertClose(d1, d2, `colDot ${shape}`, 1e-6, 1e-4);
        const a = vec(mem, c, rng), b = vec(mem, c, rng), cc = vec(mem, c, rng);
        const y1 = rand(mem, r, c, rng), y2 = y1.clone();
        k.centerScaleCols(x, m1, a, y1);
        js.centerScaleCols(x, m1, a, y2);
        assertClose(y1.data, y2.data, `centerScaleCols ${shape}`, 1e-6, 1e-5);
        k.affinePairCols(z, a, y1, b, cc, y1); // y aliases z's partner
        js.affinePairCols(z, a, y2, b, cc, y2);
        assertClose(y1.data, y2.data, `affinePairCols ${shape}`, 1e-6, 1e-5);
        const p = rand(mem, r, c, rng, 0, 1);
        const dy1 = rand(mem, r, c, rng), dy2 = dy1.clone();
        k.softmaxRowsBackward(p, dy1, dy1); // dx aliases dy
        js.softmaxRowsBackward(p, dy2, dy2);
        assertClose(dy1.data, dy2.data, `softmaxRowsBackward ${shape}`, 1e-5, 1e-6);
      }
    });
  }
});
