// The WebAssembly SIMD backend against the TypeScript reference, kernel by kernel, on random shapes
// (odd sizes, m/n/k = 1, transposes, alpha/beta, bias, aliasing), with buffers both in wasm memory
// and plain Float32Arrays; plus thread determinism and the allocator.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { ActivationKind, GemmOptions, Kernels } from '../src/core/kernels.js';
import { JsKernels } from '../src/core/kernels-js.js';
import { ConfigError, ShapeError } from '../src/errors.js';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import type { WasmKernels } from '../src/core/wasm/index.js';
import { relaxedMaddFuses } from '../src/core/wasm/fma-probe.js';
import { createWasmKernels, relaxedFromEnv } from '../src/node/wasm.js';
import { residentDataset, type Dataset } from '../src/data/dataset.js';
import { ACTIVATIONS } from '../src/nn/layers/index.js';
import { mlp } from '../src/nn/mlp.js';
import { Adam } from '../src/nn/optimizers/index.js';
import { evaluate, fit } from '../src/nn/train.js';

// Smallest module using a v128 (as wasm-feature-detect's SIMD probe).
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
const simd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
const skip = simd ? false : 'WebAssembly SIMD is unavailable on this runtime';

const js = new JsKernels();
const wasm = simd ? await createWasmKernels({ threads: 2, relaxed: true }) : null;
const plain = simd ? await createWasmKernels({ threads: 1 }) : null;
after(async () => {
  await wasm?.dispose();
  await plain?.dispose();
});

function need(k: WasmKernels | null): WasmKernels {
  assert.ok(k, 'WebAssembly SIMD works here but the wasm backend did not load: run `npm run build:wasm`');
  return k;
}

/** A [rows, cols] matrix of uniform values in [lo, hi): in `k`'s memory, or a plain Float32Array. */
function rand(k: Kernels | null, rows: number, cols: number, rng: Rng, lo = -1, hi = 1): Matrix {
  const m = new Matrix(rows, cols, k ? k.alloc(rows * cols) : new Float32Array(rows * cols));
  for (let i = 0; i < m.size; i++) m.data[i] = rng.range(lo, hi);
  return m;
}

function f64(m: Matrix): Matrix {
  return m.clone('float64');
}

function assertNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: (i: number) => number, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= tol(i))) assert.fail(`${what}[${i}]: expected ${expected[i]}, found ${actual[i]} (diff ${d}, tol ${tol(i)})`);
  }
}

/** Relative closeness for float32 results of float32 inputs. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 2e-6, abs = 1e-6): void {
  assertNear(actual, expected, (i) => abs + rel * Math.abs(expected[i]), what);
}

const abs = (m: Matrix): Matrix => {
  const r = f64(m);
  for (let i = 0; i < r.size; i++) r.data[i] = Math.abs(r.data[i]);
  return r;
};

/** Runs one GEMM on `k` and checks it against the float64 reference with a float32 error bound. */
function checkGemm(k: WasmKernels, rng: Rng, m: number, n: number, kk: number, o: GemmOptions, owned: boolean): void {
  const mem = owned ? k : null;
  const a = o.transA ? rand(mem, kk, m, rng) : rand(mem, m, kk, rng);
  const b = o.transB ? rand(mem, n, kk, rng) : rand(mem, kk, n, rng);
  const c = rand(mem, m, n, rng);
  if (!o.beta) c.data.fill(NaN); // beta = 0 must ignore C entirely
  const bias = o.bias ? (owned ? (k.alloc(n) as Float32Array) : new Float32Array(n)) : undefined;
  if (bias) for (let j = 0; j < n; j++) bias[j] = rng.range(-1, 1);
  const mask = o.mask ? (owned ? (k.alloc(m * n) as Float32Array) : new Float32Array(m * n)) : undefined;
  if (mask) for (let i = 0; i < m * n; i++) mask[i] = [rng.range(-1, 1), 0, NaN][rng.int(3)];
  const opts: GemmOptions = { ...o, bias, mask };
  const want = f64(c);
  js.gemm(f64(a), f64(b), want, { ...opts, bias: bias && Float64Array.from(bias), mask: mask && Float64Array.from(mask) });
  // bound: |error| ≲ k·u·(|alpha|·Σ|a||b| + |beta·c|) + |bias| terms, u = 2^-24
  const mag = Matrix.zeros(m, n, 'float64');
  js.gemm(abs(a), abs(b), mag, { transA: o.transA, transB: o.transB, alpha: Math.abs(o.alpha ?? 1) });
  k.gemm(a, b, c, opts);
  const name = `gemm ${m}×${kk}×${n} ${JSON.stringify(o)} ${owned ? 'wasm memory' : 'plain arrays'}`;
  const u = 2 ** -24;
  assertNear(c.data, want.data, (i) => (kk + 4) * u * (mag.data[i] + Math.abs(want.data[i])) + 1e-7, name);
  for (const x of [a, b, c]) k.release(x.data);
  if (mask) k.release(mask);
}

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17, 31, 33, 64, 65, 100];

describe('wasm gemm vs reference', { skip }, () => {
  for (const [label, get] of [['relaxed SIMD, 2 threads', () => wasm], ['plain SIMD, 1 thread', () => plain]] as const) {
    test(`random shapes, all transposes (${label})`, () => {
      const k = need(get());
      const rng = new Rng(1, label);
      for (let t = 0; t < 160; t++) {
        const pick = () => SIZES[rng.int(SIZES.length)];
        const opts: GemmOptions = {
          transA: (t & 1) === 1,
          transB: (t & 2) === 2,
          alpha: [1, 0.7, -2][rng.int(3)],
          beta: [0, 0, 1, 0.5, -1.5][rng.int(5)],
          bias: rng.uniform() < 0.4 ? new Float32Array(0) : undefined,
          relu: rng.uniform() < 0.3,
          mask: rng.uniform() < 0.3 ? new Float32Array(0) : undefined, // a random mask is made in checkGemm
        };
        checkGemm(k, rng, pick(), pick(), pick(), opts, t % 3 !== 0);
      }
    });

    test(`k and n across the cache blocks, bias, big enough to split (${label})`, () => {
      const k = need(get());
      const rng = new Rng(2, label);
      for (let t = 0; t < 4; t++) {
        const o = { transA: (t & 1) === 1, transB: (t & 2) === 2 };
        checkGemm(k, rng, 67, 129, 515, { ...o, beta: 0.5, bias: new Float32Array(0), relu: true }, true);
        checkGemm(k, rng, 128, 256, 784, { ...o, mask: new Float32Array(0) }, true);
        checkGemm(k, rng, 130, 1030, 9, { ...o, alpha: 0.5 }, t === 0);
      }
    });
  }

  test('k = 0 leaves beta·C + bias; m or n = 0 is a no-op', () => {
    const k = need(wasm);
    const rng = new Rng(3);
    const c = rand(k, 3, 5, rng);
    const want = f64(c);
    const bias = Float32Array.from([1, 2, 3, 4, 5]);
    k.gemm(rand(k, 3, 0, rng), rand(k, 0, 5, rng), c, { beta: 2, bias });
    js.gemm(Matrix.zeros(3, 0, 'float64'), Matrix.zeros(0, 5, 'float64'), want, { beta: 2, bias: Float64Array.from(bias) });
    assertClose(c.data, want.data, 'k = 0');
    const mask = Float32Array.from({ length: 15 }, (_, i) => i % 3 - 1);
    const c2 = rand(k, 3, 5, rng);
    const want2 = f64(c2);
    k.gemm(rand(k, 3, 0, rng), rand(k, 0, 5, rng), c2, { beta: -1, bias, relu: true, mask });
    js.gemm(Matrix.zeros(3, 0, 'float64'), Matrix.zeros(0, 5, 'float64'), want2, { beta: -1, bias: Float64Array.from(bias), relu: true, mask: Float64Array.from(mask) });
    assertClose(c2.data, want2.data, 'k = 0 with relu and mask');
    k.gemm(rand(k, 0, 4, rng), rand(k, 4, 5, rng), new Matrix(0, 5, k.alloc(1)));
  });

  test('rejects mismatched shapes like the reference', () => {
    const k = need(wasm);
    const rng = new Rng(4);
    assert.throws(() => k.gemm(rand(k, 2, 3, rng), rand(k, 4, 2, rng), rand(k, 2, 2, rng)), /gemm: op\(A\) is \[2, 3\]/);
  });

  test("a row of C has the same bits whatever rows surround it (edge tiles of 1–5 rows; full tiles of 6 rows relaxed, 5 plain)", () => {
    for (const k of [need(wasm), need(plain)]) {
      const rng = new Rng(8);
      for (const transA of [false, true]) {
        const [m, kk, n] = [12, 300, 19];
        const a = transA ? rand(k, kk, m, rng) : rand(k, m, kk, rng);
        const b = rand(k, kk, n, rng);
        const full = new Matrix(m, n, k.alloc(m * n));
        k.gemm(a, b, full, { transA, bias: k.alloc(n).fill(0.5) });
        for (const rows of [1, 2, 3, 4, 5, 6]) {
          // the first `rows` rows of op(A) alone: one edge tile instead of part of two full ones
          const part = transA ? new Matrix(kk, rows, k.alloc(kk * rows)) : new Matrix(rows, kk, a.data.subarray(0, rows * kk));
          if (transA) for (let p = 0; p < kk; p++) for (let i = 0; i < rows; i++) part.data[p * rows + i] = a.data[p * m + i];
          const c = new Matrix(rows, n, k.alloc(rows * n));
          k.gemm(part, b, c, { transA, bias: k.alloc(n).fill(0.5) });
          const got = new Uint32Array(c.data.buffer, c.data.byteOffset, rows * n);
          const want = new Uint32Array(full.data.buffer, full.data.byteOffset, rows * n);
          assert.deepEqual(got, want, `${k.relaxed ? 'relaxed' : 'plain'}, transA ${transA}, ${rows} rows`);
        }
      }
    }
  });

  test('float64 is the TypeScript reference, chosen when a model is built; a float64 matrix given to wasm kernels throws', () => {
    const k = need(wasm);
    assert.ok(k.forDtype('float64') instanceof JsKernels);
    assert.equal(k.forDtype('float32'), k);
    const rng = new Rng(5);
    const a = f64(rand(null, 7, 9, rng));
    const b = f64(rand(null, 9, 5, rng));
    assert.throws(() => k.gemm(a, b, Matrix.zeros(7, 5, 'float64')), (e) => e instanceof ShapeError && /Float64Array/.test(e.message));
    const model = mlp({ hidden: [3], outputs: 2 }).build({ inputWidth: 4, kernels: k, dtype: 'float64' });
    assert.ok(model.kernels instanceof JsKernels && model.paramArena instanceof Float64Array);
    assert.equal(mlp({ hidden: [3], outputs: 2 }).build({ inputWidth: 4, kernels: k }).kernels, k);
  });
});

describe('wasm threads', { skip }, () => {
  test('gemm is bit-identical on 1 and 2 threads', () => {
    const k = need(wasm);
    assert.equal(k.threads, 2, 'the pool should have 2 threads');
    const rng = new Rng(6);
    for (const [m, kk, n] of [[300, 700, 500], [128, 784, 256], [784, 128, 256], [129, 257, 1031], [1000, 33, 9]]) {
      for (let t = 0; t < 4; t++) {
        const o: GemmOptions = { transA: (t & 1) === 1, transB: (t & 2) === 2, beta: 0.5, alpha: 1.25, bias: k.alloc(n).fill(0.25), relu: t === 1 };
        const a = o.transA ? rand(k, kk, m, rng) : rand(k, m, kk, rng);
        const b = o.transB ? rand(k, n, kk, rng) : rand(k, kk, n, rng);
        const c0 = rand(k, m, n, rng);
        const c1 = new Matrix(m, n, k.alloc(m * n));
        const c2 = new Matrix(m, n, k.alloc(m * n));
        c1.data.set(c0.data);
        c2.data.set(c0.data);
        k.setThreads(1);
        k.gemm(a, b, c1, o);
        k.setThreads(2);
        k.gemm(a, b, c2, o);
        const u1 = new Uint32Array(c1.data.buffer, c1.data.byteOffset, m * n);
        const u2 = new Uint32Array(c2.data.buffer, c2.data.byteOffset, m * n);
        const diff = u1.findIndex((v, i) => v !== u2[i]);
        assert.equal(diff, -1, `${m}×${kk}×${n} ${JSON.stringify({ ...o, bias: 0.25 })}: element ${diff} differs`);
        for (const x of [a, b, c0, c1, c2]) k.release(x.data);
      }
    }
  });

  test('a fill split over 2 threads writes every element once', () => {
    const k = need(wasm);
    for (const [n, value] of [[50_001, 0], [200_704, 1.5]] as const) {
      const x = k.alloc(n + 7) as Float32Array;
      x.fill(-3);
      k.fill(x, value, n);
      assert.ok(x.subarray(0, n).every((v) => v === value), `fill ${n} with ${value}`);
      assert.ok(x.subarray(n).every((v) => v === -3), 'nothing past n');
      k.release(x);
    }
  });

  test('small GEMMs and fills while worker 1 runs a background gather (they then stay on this thread): the bits of 1 thread', () => {
    const k = need(wasm);
    const rng = new Rng(14);
    const src = rand(k, 2048, 784, rng);
    const rows = Int32Array.from({ length: 512 }, () => rng.int(2048));
    const batch = new Matrix(512, 784, k.alloc(512 * 784));
    const [a, b] = [rand(k, 128, 128, rng), rand(k, 128, 10, rng)];
    const run = (threads: number, background: boolean) => {
      k.setThreads(threads);
      const c = new Matrix(128, 10, k.alloc(1280));
      const g = k.alloc(200_704) as Float32Array;
      g.fill(2);
      if (background) k.gatherRowsBackground(src, rows, 0, batch);
      k.gemm(a, b, c, { transA: true });
      k.fill(g, 0, 200_704);
      k.finishGather();
      const out = { c: Uint32Array.from(new Uint32Array(c.data.buffer, c.data.byteOffset, 1280)), zeros: g.every((v) => v === 0) };
      k.release(c.data);
      k.release(g);
      return out;
    };
    const one = run(1, false);
    for (let r = 0; r < 3; r++) {
      const two = run(2, true);
      assert.deepEqual(two.c, one.c);
      assert.ok(two.zeros, 'the fill wrote every element');
    }
    const want = Matrix.zeros(512, 784);
    js.gatherRows(src, rows, 0, want);
    assert.deepEqual(batch.data, want.data, 'the background gather copied the rows');
    for (const x of [src, batch, a, b]) k.release(x.data);
  });

  test('a batch gather split over 2 threads copies the same rows', () => {
    const k = need(wasm);
    const rng = new Rng(13);
    const src = rand(k, 1000, 784, rng);
    const rows = Int32Array.from({ length: 300 }, () => rng.int(1000));
    for (const count of [128, 67]) {
      const dst = new Matrix(count, 784, k.alloc(count * 784));
      const want = Matrix.zeros(count, 784);
      k.gatherRows(src, rows, 3, dst);
      js.gatherRows(src, rows, 3, want);
      assert.deepEqual(dst.data, want.data);
      k.release(dst.data);
    }
    k.release(src.data);
  });
});

describe('wasm training', { skip }, () => {
  /** 1536 noisy copies of 10 random 784-pixel prototypes: big enough for every split (k-split first layer, background batch copies). */
  function prototypes(): Dataset {
    const rng = new Rng(21);
    const [n, d, classes] = [1536, 784, 10];
    const protos = Array.from({ length: classes }, () => Float32Array.from({ length: d }, () => rng.range(0, 1)));
    const x = Matrix.zeros(n, d);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rng.int(classes);
      for (let j = 0; j < d; j++) x.data[i * d + j] = protos[y[i]][j] * rng.range(0.2, 1);
    }
    return { name: 'prototypes', x, y, numClasses: classes, classNames: Array.from({ length: classes }, (_, c) => String(c)) };
  }

  /** Trains a 784-64-32-10 ReLU MLP with Adam for 2 epochs of batch 128; returns its weights and training accuracy. */
  async function train(k: Kernels, data: Dataset): Promise<{ weights: Float32Array; accuracy: number }> {
    const ds = residentDataset(data, k);
    const model = mlp({ hidden: [64, 32], outputs: 10, activation: 'relu' }).build({ inputWidth: 784, batchSize: 128, seed: 3, kernels: k });
    const optimizer = new Adam(model.params(), { lr: 1e-3 }, k);
    await fit(model, ds, { optimizer, epochs: 2, seed: 4 });
    const result = { weights: model.getWeights(), accuracy: evaluate(model, ds).accuracy };
    optimizer.release();
    model.release();
    if (ds !== data) k.release(ds.x.data);
    return result;
  }

  test('fit gives bit-identical weights on 1 and 2 threads, and the accuracy of the TypeScript reference', async () => {
    const k = need(wasm);
    const data = prototypes();
    k.setThreads(1);
    const one = await train(k, data);
    k.setThreads(2);
    const two = await train(k, data);
    const u1 = new Uint32Array(one.weights.buffer);
    const u2 = new Uint32Array(two.weights.buffer);
    assert.equal(u1.findIndex((v, i) => v !== u2[i]), -1, 'weights differ between 1 and 2 threads');
    const ref = await train(js, data);
    assert.ok(ref.accuracy > 0.5, `the reference should learn the prototypes (accuracy ${ref.accuracy})`);
    assert.ok(Math.abs(two.accuracy - ref.accuracy) <= 0.01, `wasm ${two.accuracy} vs reference ${ref.accuracy}`);
  });
});

describe('wasm allocator', { skip }, () => {
  test('release lets alloc reuse the block, zero-filled', () => {
    const k = need(wasm);
    const a = k.alloc(1000) as Float32Array;
    a.fill(7);
    const off = a.byteOffset;
    k.release(a);
    const b = k.alloc(1000) as Float32Array;
    assert.equal(b.byteOffset, off);
    assert.ok(b.every((v) => v === 0));
    const c = k.alloc(10) as Float32Array;
    assert.notEqual(c.byteOffset, b.byteOffset);
    assert.equal(b.byteOffset % 16, 0);
    k.release(b);
    k.release(c);
  });

  test('a block spanning reused and never-used memory comes back all zeros', () => {
    const k = need(wasm);
    const a = k.alloc(4 << 20) as Float32Array; // bigger than any free block: it goes on top
    a.fill(9);
    k.release(a); // the top block: the heap's top moves back down over dirty memory
    const b = k.alloc((4 << 20) + 20000) as Float32Array; // reuses a's bytes, then never-used ones
    assert.equal(b.byteOffset, a.byteOffset);
    assert.ok(b.every((v) => v === 0));
    k.release(b);
  });

  test('memory grows and earlier buffers stay valid; foreign arrays are not ours', () => {
    const k = need(wasm);
    const before = k.alloc(16) as Float32Array;
    before.fill(3);
    const big = k.alloc(12 << 20) as Float32Array; // 48 MiB > the initial 16 MiB
    big[big.length - 1] = 1;
    assert.ok(before.every((v) => v === 3));
    assert.ok(k.heap.ptrOf(before) >= 0 && k.heap.ptrOf(big) >= 0);
    assert.equal(k.heap.ptrOf(new Float32Array(16)), -1);
    // a kernel on a buffer issued before the grow still sees its data
    assert.equal(k.sumSquares(before, 16), 16 * 9);
    k.release(big);
    k.release(before);
  });
});

const KINDS: readonly ActivationKind[] = ACTIVATIONS;

describe('wasm element-wise and row kernels vs reference', { skip }, () => {
  for (const owned of [true, false]) {
    const where = owned ? 'wasm memory' : 'plain arrays';
    const mem = (k: WasmKernels) => (owned ? k : null);

    test(`activations forward/backward, y aliasing x (${where})`, () => {
      const k = need(wasm);
      const rng = new Rng(7, where);
      for (const kind of KINDS) {
        for (const [r, c] of [[1, 1], [3, 7], [17, 33], [64, 129]]) {
          const x = rand(mem(k), r, c, rng, -6, 6);
          x.data[0] = 0;
          const dy = rand(mem(k), r, c, rng);
          const y = rand(mem(k), r, c, rng);
          const dx = rand(mem(k), r, c, rng);
          const yr = y.clone(), dxr = dx.clone();
          k.activation(kind, x, y, 0.1);
          js.activation(kind, x, yr, 0.1);
          assertClose(y.data, yr.data, `${kind} forward ${r}×${c}`, 4e-6);
          k.activationBackward(kind, x, yr, dy, dx, 0.1);
          js.activationBackward(kind, x, yr, dy, dxr, 0.1);
          assertClose(dx.data, dxr.data, `${kind} backward ${r}×${c}`, 4e-6);
          // aliasing: y = x and dx = dy
          const xr = x.clone(), dyr = dy.clone();
          k.activationBackward(kind, x, yr, dy, dy, 0.1);
          js.activationBackward(kind, xr, yr, dyr, dyr, 0.1);
          assertClose(dy.data, dyr.data, `${kind} backward in place`, 4e-6);
          k.activation(kind, x, x, 0.1);
          js.activation(kind, xr, xr, 0.1);
          assertClose(x.data, xr.data, `${kind} forward in place`, 4e-6);
        }
      }
    });

    test(`row sums, softmax, log-sum-exp, argmax (${where})`, () => {
      const k = need(wasm);
      const rng = new Rng(8, where);
      for (const [r, c] of [[1, 1], [5, 3], [33, 10], [128, 17]]) {
        const x = rand(mem(k), r, c, rng, -8, 8);
        if (r > 2) x.data.fill(1e4, c, 2 * c); // huge logits stay finite
        const out = Float32Array.from({ length: c }, () => rng.range(-1, 1));
        const outW = owned ? (k.alloc(c) as Float32Array) : new Float32Array(c);
        outW.set(out);
        k.sumRowsInto(x, outW);
        js.sumRowsInto(x, out);
        assertClose(outW, out, `sumRowsInto ${r}×${c}`);
        const y = rand(mem(k), r, c, rng);
        const yr = y.clone();
        k.softmaxRows(x, y);
        js.softmaxRows(x, yr);
        assertClose(y.data, yr.data, `softmaxRows ${r}×${c}`, 1e-5, 1e-7);
        const lse = new Float32Array(r), lser = new Float32Array(r);
        k.logSumExpRows(x, lse);
        js.logSumExpRows(x, lser);
        assertClose(lse, lser, `logSumExpRows ${r}×${c}`);
        const am = new Int32Array(r), amr = new Int32Array(r);
        k.argmaxRows(x, am);
        js.argmaxRows(x, amr);
        assert.deepEqual(am, amr);
        const xr = x.clone();
        k.softmaxRows(x, x);
        js.softmaxRows(xr, xr);
        assertClose(x.data, xr.data, `softmaxRows in place ${r}×${c}`, 1e-5, 1e-7);
      }
    });

    test(`gatherRows, fill, firstNonFinite, owns (${where})`, () => {
      const k = need(wasm);
      const rng = new Rng(11, where);
      assert.equal(k.owns(rand(mem(k), 2, 2, rng).data), owned);
      for (const [n, cols] of [[1, 1], [10, 3], [300, 784]]) {
        const src = rand(mem(k), n, cols, rng);
        const rows = new Int32Array(n + 5);
        for (let i = 0; i < rows.length; i++) rows[i] = rng.int(n);
        for (const start of [0, 5]) {
          const count = Math.min(n, 7);
          const dst = new Matrix(count, cols, owned ? k.alloc(count * cols) : new Float32Array(count * cols));
          const want = Matrix.zeros(count, cols);
          k.gatherRows(src, rows, start, dst);
          js.gatherRows(src, rows, start, want);
          assertClose(dst.data, want.data, `gatherRows ${n}×${cols} from ${start}`, 0, 0);
        }
        assert.equal(k.firstNonFinite(src.data, n * cols), -1);
        for (const bad of [NaN, Infinity, -Infinity]) {
          for (const at of [0, n * cols - 1, Math.floor((n * cols) / 2), 1023, 1024, 4097]) {
            if (at >= n * cols) continue;
            const keep = src.data[at];
            src.data[at] = bad;
            assert.equal(k.firstNonFinite(src.data, n * cols), at, `${bad} at ${at} of ${n * cols}`);
            assert.equal(js.firstNonFinite(src.data, n * cols), at);
            // only the first n values are looked at
            assert.equal(k.firstNonFinite(src.data, at), -1);
            src.data[at] = keep;
          }
        }
      }
      for (const [n, value] of [[1, 0], [7, 2.5], [1001, 0], [1001, -0.75]] as const) {
        const x = rand(mem(k), 1, n + 3, rng).data;
        const want = Float32Array.from(x);
        k.fill(x, value, n);
        js.fill(want, value, n);
        assertClose(x, want, `fill ${n} with ${value}`, 0, 0);
      }
      const huge = owned ? (k.alloc(4) as Float32Array) : new Float32Array(4);
      huge.set([3.4e38, -3.4e38, 3.4e38, 1]); // finite extremes: no overflow into a false alarm
      assert.equal(k.firstNonFinite(huge, 4), -1);
    });

    test(`mul, axpy, sumSquares (${where})`, () => {
      const k = need(wasm);
      const rng = new Rng(10, where);
      for (const n of [1, 3, 4, 5, 31, 1000]) {
        const a = rand(mem(k), 1, n, rng).data as Float32Array;
        const b = rand(mem(k), 1, n, rng).data as Float32Array;
        const out = owned ? (k.alloc(n) as Float32Array) : new Float32Array(n);
        const outR = new Float32Array(n);
        k.mul(a, b, out, n);
        js.mul(a, b, outR, n);
        assertClose(out, outR, `mul ${n}`, 0, 0);
        const aR = a.slice();
        k.mul(a, b, a, n); // out aliasing a
        js.mul(aR, b, aR, n);
        assertClose(a, aR, `mul in place ${n}`, 0, 0);
        const y = b.slice(), yR = b.slice();
        k.axpy(-0.3, a, y, n);
        js.axpy(-0.3, a, yR, n);
        assertClose(y, yR, `axpy ${n}`);
        assertClose([k.sumSquares(a, n)], [js.sumSquares(a, n)], `sumSquares ${n}`, 1e-12);
      }
    });
  }
});

describe('wasm builds: plain SIMD by default, relaxed SIMD opted in', { skip }, () => {
  test('the relaxed build is loaded where the engine fuses its multiply-add (the probe), the plain one by default', () => {
    assert.equal(need(plain).relaxed, false);
    // V8 fuses on a CPU with FMA; test/runtimes.test.ts also runs engines that do not
    assert.equal(need(wasm).relaxed, relaxedMaddFuses() === true);
  });

  test('SCRATCHNET_RELAXED: 1 or true opts in, 0, false or unset not; anything else is a ConfigError', () => {
    const saved = process.env.SCRATCHNET_RELAXED;
    try {
      for (const [v, want] of [['1', true], ['true', true], ['0', false], ['false', false], ['', false]] as const) {
        process.env.SCRATCHNET_RELAXED = v;
        assert.equal(relaxedFromEnv(), want, JSON.stringify(v));
      }
      delete process.env.SCRATCHNET_RELAXED;
      assert.equal(relaxedFromEnv(), false);
      process.env.SCRATCHNET_RELAXED = 'yes';
      assert.throws(relaxedFromEnv, (e: Error) => e instanceof ConfigError && e.message === 'SCRATCHNET_RELAXED: expected 1, true, 0 or false, found "yes"');
    } finally {
      if (saved === undefined) delete process.env.SCRATCHNET_RELAXED;
      else process.env.SCRATCHNET_RELAXED = saved;
    }
  });
});
