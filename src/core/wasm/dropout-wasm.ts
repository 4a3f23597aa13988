import type { Float } from '../matrix.js';
import type { WasmHeap } from './heap.js';
import type { WasmExports } from './ops.js';
import type { Staging } from './staging.js';

/**
 * WasmKernels' dropout mask (assembly/dropout.ts): the draws are one sequence (one thread);
 * xoshiro's four words `state` pass through the 16 bytes at `words` in the module's memory, in and
 * back out. The output is staged (a wasm view in place, another array copied back).
 */
export function dropoutMask(
  ex: WasmExports, heap: WasmHeap, st: Staging, words: number, state: Uint32Array, keep: number, scale: number, out: Float, n: number,
): void {
  st.begin();
  const po = st.ptr(out, n, 0, false);
  const w = words >> 2;
  for (let i = 0; i < 4; i++) heap.i32[w + i] = state[i];
  ex.dropoutMask(words, keep, scale, po, n);
  for (let i = 0; i < 4; i++) state[i] = heap.i32[w + i];
  st.flush(out, po, n);
}
