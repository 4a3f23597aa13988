// Dropout's mask kernel (Kernels.dropoutMask): the reference equals n calls of Rng.uniform, and the
// WebAssembly kernel gives the same mask bits and the same generator state after (so training with
// dropout gives the same weights on both backends), in and out of wasm memory.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { JsKernels } from '../src/core/kernels-js.js';
import { Rng } from '../src/core/random.js';
import { createWasmKernels } from '../src/node/wasm.js';

const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
const simd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
const wasmSkip = simd ? false : 'WebAssembly SIMD is unavailable on this runtime';

const js = new JsKernels();
const wasm = simd ? await createWasmKernels({ threads: 2 }) : null;
after(async () => {
  await wasm?.dispose();
});

const SIZES = [0, 1, 3, 4, 5, 17, 784 * 3 + 1];
const KEEPS = [0.5, 0.8, 1];

/** Mask of n draws from a fresh `dropout` stream through `k`, and the stream's next draw after it. */
function viaKernel(k: { dropoutMask: JsKernels['dropoutMask'] }, out: Float32Array | Float64Array, keep: number, n: number, seed: number) {
  const rng = new Rng(seed, 'dropout');
  rng.uniform(); // a stream already in use
  const words = new Uint32Array(4);
  rng.writeWords(words);
  k.dropoutMask(words, keep, 1 / keep, out, n);
  rng.readWords(words);
  return { mask: Array.from(out.subarray(0, n)), next: rng.nextUint32(), state: rng.getState() };
}

describe('dropoutMask (reference)', () => {
  it('is n calls of Rng.uniform: u < keep ? 1/keep : 0, and the stream goes on from there', () => {
    for (const keep of KEEPS) {
      for (const n of SIZES) {
        const rng = new Rng(5, 'dropout');
        rng.uniform();
        const want = Array.from({ length: n }, () => (rng.uniform() < keep ? Math.fround(1 / keep) : 0));
        const got = viaKernel(js, new Float32Array(n + 2), keep, n, 5);
        assert.deepEqual(got.mask, want, `keep ${keep}, n ${n}`);
        assert.equal(got.next, rng.nextUint32(), `keep ${keep}, n ${n}: the state after`);
      }
    }
  });

  it('keeps about a fraction keep; float64 masks hold 1/keep exactly; keep 1 keeps all; only the first n are written', () => {
    const n = 20_000;
    const got = viaKernel(js, new Float64Array(n), 0.8, n, 9);
    const kept = got.mask.filter((m) => m === 1 / 0.8).length;
    assert.equal(kept + got.mask.filter((m) => m === 0).length, n);
    assert.ok(Math.abs(kept / n - 0.8) < 0.01, `kept ${kept / n}`);
    assert.deepEqual(viaKernel(js, new Float32Array(7), 1, 7, 9).mask, [1, 1, 1, 1, 1, 1, 1]);
    const tail = new Float32Array(5).fill(-1);
    js.dropoutMask(new Uint32Array([1, 2, 3, 4]), 0.5, 2, tail, 3);
    assert.deepEqual([...tail.subarray(3)], [-1, -1]);
  });
});

describe('dropoutMask: wasm vs reference', { skip: wasmSkip }, () => {
  it('the same mask bits and the same state after, for n not a multiple of 4, in and out of wasm memory', () => {
    const k = wasm!;
    for (const keep of KEEPS) {
      for (const n of SIZES) {
        const want = viaKernel(js, new Float32Array(n), keep, n, 11);
        const owned = k.alloc(n + 1) as Float32Array;
        owned[n] = -1;
        assert.deepEqual(viaKernel(k, owned, keep, n, 11), want, `keep ${keep}, n ${n}, wasm memory`);
        assert.equal(owned[n], -1, 'only the first n are written');
        k.release(owned);
        assert.deepEqual(viaKernel(k, new Float32Array(n), keep, n, 11), want, `keep ${keep}, n ${n}, plain array`);
      }
    }
  });
});
