// The small-row product (assembly/gemv.ts, src/core/wasm/gemv.ts) against the TypeScript reference:
// 1–5 rows, n and k not multiples of 4 (or 32), bias and ReLU, buffers in wasm memory or not, on both
// builds (relaxed fused multiply-add and plain SIMD); the same bits as inside a batch's GEMM, on 1 and 2 threads.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { GemmOptions, Kernels } from '../src/core/kernels.js';
import { JsKernels } from '../src/core/kernels-js.js';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import { GEMV_MAX_ROWS } from '../src/core/wasm/gemv.js';
import { createWasmKernels } from '../src/node/wasm.js';

const relaxed = await createWasmKernels({ threads: 2, relaxed: true });
const plain = await createWasmKernels({ threads: 1 });
after(async () => {
  await relaxed?.dispose();
  await plain?.dispose();
});
const js = new JsKernels();

/** [rows, cols] uniform in [-1, 1): in `k`'s memory, or a plain Float32Array when k is null. */
function rand(k: Kernels | null, rows: number, cols: number, rng: Rng): Matrix {
  const m = new Matrix(rows, cols, k ? k.alloc(rows * cols) : new Float32Array(rows * cols));
  for (let i = 0; i < m.size; i++) m.data[i] = rng.range(-1, 1);
  return m;
}

/** The float64 reference product of float32 operands. */
function reference(a: Matrix, b: Matrix, opts: GemmOptions): Float64Array {
  const c = Matrix.zeros(a.rows, b.cols, 'float64');
  js.gemm(a.clone('float64'), b.clone('float64'), c, { ...opts, bias: opts.bias ? Float64Array.from(opts.bias) : undefined });
  return c.data as Float64Array;
}

describe('small-row product (gemv) against the reference', () => {
  const shapes: [number, number, number][] = []; // [m, k, n]
  for (let m = 1; m <= GEMV_MAX_ROWS; m++) for (const [k, n] of [[1, 1], [3, 5], [4, 4], [7, 10], [33, 31], [64, 32], [130, 67], [784, 256], [256, 128], [128, 10]]) shapes.push([m, k, n]);

  for (const [name, get] of [['relaxed', () => relaxed!], ['plain SIMD', () => plain!]] as const) {
    test(`${name}: ${shapes.length} shapes × bias/ReLU, in and out of wasm memory`, () => {
      const k = get();
      const rng = new Rng(7);
      for (const [m, kk, n] of shapes) {
        for (const owned of [true, false]) {
          const own = owned ? k : null;
          const a = rand(own, m, kk, rng), b = rand(own, kk, n, rng), c = rand(own, m, n, rng); // C's old values must not matter
          const bias = rand(own, 1, n, rng).data;
          for (const opts of [{}, { bias }, { bias, relu: true }, { relu: true }] as GemmOptions[]) {
            k.gemm(a, b, c, opts);
            const want = reference(a, b, opts);
            for (let i = 0; i < m * n; i++) {
              const tol = 1e-6 * (1 + kk); // float32 sums of kk products of values in [-1, 1)
              assert.ok(Math.abs(c.data[i] - want[i]) <= tol, `[${m}, ${kk}]·[${kk}, ${n}] ${JSON.stringify(Object.keys(opts))} owned=${owned} [${i}]: ${c.data[i]} vs ${want[i]}`);
            }
          }
        }
      }
    });
  }

  test('a large product of 1–5 rows, cut into its k-halves on 2 threads: the bits of 1 thread', () => {
    const k = relaxed!;
    const rng = new Rng(9);
    const busy = k.alloc(1 << 17); // a 2-thread fill just before: the workers are warm, so the product is cut
    for (const [kk, n] of [[784, 256], [700, 301]]) {
      const a = rand(k, 5, kk, rng), b = rand(k, kk, n, rng), bias = rand(k, 1, n, rng).data;
      for (let m = 1; m <= GEMV_MAX_ROWS; m++) {
        const rows = new Matrix(m, kk, a.data.subarray(0, m * kk));
        const bits = (threads: number) => {
          k.setThreads(threads);
          const c = new Matrix(m, n, k.alloc(m * n));
          k.fill(busy, 0, busy.length);
          k.gemm(rows, b, c, { bias, relu: true });
          return Uint32Array.from(new Uint32Array(c.data.buffer, c.data.byteOffset, m * n));
        };
        assert.deepEqual(bits(2), bits(1), `[${m}, ${kk}]·[${kk}, ${n}]`);
      }
    }
  });

  test('ReLU turns NaN into 0, as the GEMM does', () => {
    const k = relaxed!;
    const a = new Matrix(1, 2, k.alloc(2)), b = new Matrix(2, 37, k.alloc(74)), c = new Matrix(1, 37, k.alloc(37));
    a.data.set([NaN, 1]);
    k.gemm(a, b, c, { relu: true });
    assert.deepEqual([...c.data], new Array<number>(37).fill(0));
  });

  test('1–5 rows: the same bits as those rows inside a 12-row GEMM (both builds, 1 and 2 threads)', () => {
    const rng = new Rng(8);
    for (const k of [relaxed!, plain!]) {
      for (const [kk, n] of [[784, 10], [784, 257], [300, 19], [1100, 33]]) {
        const a = rand(k, 12, kk, rng), b = rand(k, kk, n, rng), bias = rand(k, 1, n, rng).data;
        const full = new Matrix(12, n, k.alloc(12 * n));
        k.gemm(a, b, full, { bias, relu: true });
        const want = new Uint32Array(full.data.buffer, full.data.byteOffset, 5 * n);
        for (const threads of k.threads > 1 ? [1, 2] : [1]) {
          k.setThreads(threads);
          for (let m = 1; m <= GEMV_MAX_ROWS; m++) {
            const c = new Matrix(m, n, k.alloc(m * n));
            k.gemm(new Matrix(m, kk, a.data.subarray(0, m * kk)), b, c, { bias, relu: true });
            assert.deepEqual(new Uint32Array(c.data.buffer, c.data.byteOffset, m * n), want.subarray(0, m * n), `[${m}, ${kk}]·[${kk}, ${n}] on ${threads} thread(s)`);
          }
        }
      }
    }
  });
});
