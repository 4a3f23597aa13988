import { ShapeError } from '../../errors.js';
import type { Float } from '../matrix.js';
import type { WasmHeap } from './heap.js';

/** Staging slots a single kernel call may use. */
const SLOTS = 8;

/**
 * Gives kernels a pointer for any `Float32Array` (and a ShapeError for a Float64Array): a view of the wasm memory maps to its byteOffset
 * (the zero-copy fast path); any other array is copied into a per-slot scratch block that is kept
 * and grown as needed, and copied back by {@link flush} if it is an output. Arrays staged earlier in
 * the same call share their slot, so allowed aliasing (`y` = `x`) keeps working.
 */
export class Staging {
  private readonly arrays: (Float32Array | null)[] = new Array<Float32Array | null>(SLOTS).fill(null);
  private readonly ptrs = new Array<number>(SLOTS).fill(0);
  private readonly caps = new Array<number>(SLOTS).fill(0);

  constructor(private readonly heap: WasmHeap) {}

  /** Forgets the arrays of the previous call; call once at the start of each kernel. */
  begin(): void {
    for (let s = 0; s < SLOTS; s++) this.arrays[s] = null;
  }

  /** Pointer to the first `n` elements of `arr`, copying them in (if `copy`) when not in wasm memory. */
  ptr(arr: Float, n: number, slot: number, copy = true): number {
    const p = this.heap.ptrOf(arr);
    if (p >= 0) return p;
    // float64 models are built on the TypeScript kernels (Kernels.forDtype); never round them silently
    if (!(arr instanceof Float32Array)) throw new ShapeError(`wasm kernels: a ${arr.constructor.name} of ${n} values, expected a Float32Array (a float64 model runs on the kernels of kernels.forDtype('float64'))`);
    for (let s = 0; s < slot; s++) if (this.arrays[s] === arr) return this.ptrs[s];
    if (this.caps[slot] < n) {
      if (this.caps[slot] > 0) this.heap.freeBytes(this.ptrs[slot]);
      this.ptrs[slot] = this.heap.allocBytes(n * 4);
      this.caps[slot] = n;
    }
    const ptr = this.ptrs[slot];
    if (copy) this.heap.f32.set(n === arr.length ? arr : arr.subarray(0, n), ptr >> 2);
    this.arrays[slot] = arr;
    return ptr;
  }

  /** Copies `n` results at `ptr` back into `arr` if `arr` was staged. */
  flush(arr: Float, ptr: number, n: number): void {
    if (this.heap.ptrOf(arr) >= 0) return;
    arr.set(this.heap.f32.subarray(ptr >> 2, (ptr >> 2) + n));
  }
}
