// The first layer's two products (128×784 inputs · 784×256 weights, and the weight gradient
// 784×128 · 128×256) by the dense and the sparse WebAssembly kernels, at input densities from 5%
// to 100% and on real MNIST batches: where the sparse kernel stops paying (Dense's sparseBelow).
//   npx tsx bench/sparse.ts [--threads N] [--time S]
import { parseArgs } from 'node:util';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import { createWasmKernels } from '../src/node/wasm.js';
import { loadMnist } from '../src/node/data/mnist.js';

const { values: flags } = parseArgs({ options: { threads: { type: 'string', default: '2' }, time: { type: 'string', default: '0.3' } } });
const loaded = await createWasmKernels({ threads: Number(flags.threads) });
if (!loaded) throw new Error('bench/sparse: the WebAssembly SIMD backend does not load here');
const k = loaded;
const seconds = Number(flags.time);
const [m, kk, n] = [128, 784, 256];
const rng = new Rng(1);
const mat = (r: number, c: number) => new Matrix(r, c, k.alloc(r * c));
const x = mat(m, kk), w = mat(kk, n), y = mat(m, n), dy = mat(m, n), dw = mat(kk, n);
for (const t of [w, dy]) for (let i = 0; i < t.size; i++) t.data[i] = rng.range(-1, 1);

/** Fastest single call of `f` over ~`seconds`, in µs. */
function time(f: () => void): number {
  for (let i = 0; i < 20; i++) f();
  const runs: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end || runs.length < 5) {
    const t0 = performance.now();
    f();
    runs.push((performance.now() - t0) * 1000);
  }
  return Math.min(...runs);
}

function row(label: string): void {
  const density = k.countNonZero(x.data, x.size) / x.size;
  const df = time(() => k.gemm(x, w, y, { relu: true }));
  const sf = time(() => k.sparseGemm(x, w, y, { relu: true }));
  const db = time(() => k.gemm(x, dy, dw, { transA: true }));
  const sb = time(() => k.sparseGemm(x, dy, dw, { transA: true }));
  const cells = [df, sf, db, sb].map((v) => v.toFixed(0).padStart(7));
  console.log(`${label.padEnd(16)} ${(100 * density).toFixed(1).padStart(6)}%  ${cells.join(' ')}   ${((df + db) / (sf + sb)).toFixed(2)}x`);
}

console.log(`wasm ${k.relaxed ? 'relaxed SIMD' : 'SIMD'}, ${k.threads} thread(s); µs per call (the fastest call: other jobs share the cores)`);
console.log(`${'input'.padEnd(16)} density  dense-fw sparse-fw dense-dW sparse-dW  dense/sparse`);
for (const d of [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1]) {
  for (let i = 0; i < x.size; i++) x.data[i] = rng.uniform() < d ? rng.uniform() : 0;
  row(`random ${d}`);
}
const mnist = await loadMnist();
for (const start of [0, 30000]) {
  x.data.set(mnist.train.x.data.subarray(start * kk, (start + m) * kk));
  row(`mnist @${start}`);
}
await k.dispose();
