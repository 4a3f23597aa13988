import { ResourceError } from '../../errors.js';

const PAGE = 65536;
/** Block alignment in bytes (a cache line; v128 loads need only 16). */
const ALIGN = 64;

/**
 * A first-fit allocator over the kernels' shared `WebAssembly.Memory`, run from the main thread.
 * Buffers are `Float32Array` views; their `byteOffset` is the pointer the kernels take. The memory
 * grows on demand; because it is shared, views made before a grow stay valid (each grow yields a new
 * `SharedArrayBuffer` object over the same storage, so all of them are remembered to recognise
 * buffers as ours).
 */
export class WasmHeap {
  /** Views of the whole memory, refreshed after each grow. */
  f32: Float32Array;
  i32: Int32Array;
  private buffer: ArrayBufferLike;
  private readonly issued = new WeakSet<ArrayBufferLike>();
  /** Free blocks sorted by address: ptrs[i], sizes[i] in bytes. */
  private readonly freePtr: number[] = [];
  private readonly freeSize: number[] = [];
  /** Size in bytes of each live block, by pointer. */
  private readonly live = new Map<number, number>();
  private top: number;
  /** Bytes from here up have never been handed out: still the zeros of a fresh or grown memory. */
  private pristine: number;

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.top = align(base);
    this.pristine = this.top;
    this.buffer = memory.buffer;
    this.issued.add(this.buffer);
    this.f32 = new Float32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  /** Bytes in use by live blocks. */
  get used(): number {
    let s = 0;
    for (const b of this.live.values()) s += b;
    return s;
  }

  /** Byte offset of `arr` in this memory, or -1 if `arr` is not a view of it. */
  ptrOf(arr: ArrayBufferView): number {
    const b = arr.buffer;
    return b === this.buffer || this.issued.has(b) ? arr.byteOffset : -1;
  }

  /** A zero-filled `[length]` view into the memory. */
  alloc(length: number): Float32Array {
    const ptr = this.allocBytes(length * 4);
    return new Float32Array(this.buffer, ptr, length);
  }

  /** Frees the block of a view from {@link alloc}; views of other memory are ignored. */
  release(arr: Float32Array): void {
    const ptr = this.ptrOf(arr);
    if (ptr >= 0) this.freeBytes(ptr);
  }

  /** Reserves `bytes` (zero-filled, 64-byte aligned); returns the pointer. */
  allocBytes(bytes: number): number {
    const size = Math.max(ALIGN, align(bytes));
    let ptr = -1;
    for (let i = 0; i < this.freePtr.length; i++) {
      if (this.freeSize[i] < size) continue;
      ptr = this.freePtr[i];
      if (this.freeSize[i] === size) {
        this.freePtr.splice(i, 1);
        this.freeSize.splice(i, 1);
      } else {
        this.freePtr[i] += size;
        this.freeSize[i] -= size;
      }
      break;
    }
    if (ptr < 0) {
      ptr = this.top;
      this.ensure(ptr + size);
      this.top += size;
    }
    this.live.set(ptr, size);
    // zero only what was used before (a big dataset's block then costs no second pass over it)
    const dirtyEnd = Math.min(ptr + size, this.pristine);
    if (dirtyEnd > ptr) this.f32.fill(0, ptr >> 2, dirtyEnd >> 2);
    this.pristine = Math.max(this.pristine, ptr + size);
    return ptr;
  }

  /** Returns a block to the free list, merging it with free neighbours. */
  freeBytes(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new Error(`WasmHeap: release of ${ptr}, which is not a live block`);
    this.live.delete(ptr);
    let i = 0;
    while (i < this.freePtr.length && this.freePtr[i] < ptr) i++;
    this.freePtr.splice(i, 0, ptr);
    this.freeSize.splice(i, 0, size);
    if (i + 1 < this.freePtr.length && ptr + size === this.freePtr[i + 1]) {
      this.freeSize[i] += this.freeSize[i + 1];
      this.freePtr.splice(i + 1, 1);
      this.freeSize.splice(i + 1, 1);
    }
    if (i > 0 && this.freePtr[i - 1] + this.freeSize[i - 1] === ptr) {
      this.freeSize[i - 1] += this.freeSize[i];
      this.freePtr.splice(i, 1);
      this.freeSize.splice(i, 1);
      i--;
    }
    const last = this.freePtr.length - 1;
    if (last >= 0 && this.freePtr[last] + this.freeSize[last] === this.top) {
      this.top = this.freePtr[last];
      this.freePtr.pop();
      this.freeSize.pop();
    }
  }

  /** Grows the memory (at least doubling it) until it holds `end` bytes. */
  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.max(Math.ceil((end - have) / PAGE), Math.ceil(have / PAGE));
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
        throw new ResourceError(
          `WebAssembly memory full: ${mib(this.used)} in use, a block needs ${mib(end - have)} more than its ${mib(have)}, ` +
            'and it cannot grow that far (at most 4 GiB): use a smaller model, batch or dataset',
        );
      }
    }
    this.buffer = this.memory.buffer;
    this.issued.add(this.buffer);
    this.f32 = new Float32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
