// The reference of dropout's mask (what JsKernels runs, and what assembly/dropout.ts is tested
// against, bit for bit): n draws of xoshiro128**, exactly n calls of Rng.uniform.
import type { Float } from './matrix.js';
import { xoshiroNext } from './random.js';

/** out[i] = u_i < keep ? scale : 0 for i < n, u_i = the next xoshiro128** draw from `state` `[4]` (updated) / 2³². */
export function dropoutMask(state: Uint32Array, keep: number, scale: number, out: Float, n: number): void {
  for (let i = 0; i < n; i++) out[i] = xoshiroNext(state) / 4294967296 < keep ? scale : 0;
}
