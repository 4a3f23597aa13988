import { ConfigError } from '../../errors.js';
import { ThreadPool, threadCount } from '../threads.js';
import { WasmHeap } from './heap.js';
import { WasmKernels } from './kernels-wasm.js';
import { compileKernels } from './loader.js';
import type { WasmExports } from './ops.js';

export { WasmKernels } from './kernels-wasm.js';

export interface WasmKernelsOptions {
  /** Threads for big kernels, the caller's included (default: env `SCRATCHNET_THREADS`, else all cores). */
  threads?: number;
  /** Use the relaxed-SIMD build (fused multiply-add) where the runtime allows it (default true). */
  relaxed?: boolean;
  /** Initial memory in 64 KiB pages (default 256 = 16 MiB); it grows on demand. */
  initialPages?: number;
  /** Most memory in pages (default 65536 = 4 GiB, the wasm32 limit). */
  maximumPages?: number;
}

/**
 * Compiles and instantiates the WebAssembly kernels over a new shared memory and starts their worker
 * pool. Resolves to null when the runtime lacks WebAssembly SIMD or shared memory, or the build
 * output (build/*.wasm, written by `npm run build`) is missing. Worker threads are unref'd (they
 * do not keep the process alive); `dispose()` stops them.
 */
export async function createWasmKernels(opts: WasmKernelsOptions = {}): Promise<WasmKernels | null> {
  const { relaxed = true, initialPages = 256, maximumPages = 65536 } = opts;
  const threads = threadCount(opts.threads);
  const compiled = await compileKernels(relaxed);
  if (!compiled) return null;
  const memory = new WebAssembly.Memory({ initial: initialPages, maximum: maximumPages, shared: true });
  const instance = await WebAssembly.instantiate(compiled.module, { env: { memory } });
  const ex = instance.exports as unknown as WasmExports;
  const heap = new WasmHeap(memory, ex.heapBase());
  let pool: ThreadPool | null = null;
  if (threads > 1) {
    try {
      pool = await ThreadPool.create(compiled.module, memory, threads);
    } catch (e) {
      process.emitWarning(`scratchnet: wasm worker threads failed to start, using one thread (${String(e)})`);
    }
  }
  const size = pool ? pool.size : 1;
  const work: number[] = [];
  for (let t = 0; t < size; t++) work.push(heap.allocBytes(ex.gemmWorkBytes()));
  return new WasmKernels(ex, heap, pool, work, compiled.relaxed);
}

let shared: Promise<WasmKernels | null> | null = null;

/**
 * The process-wide WebAssembly backend (created once, with default options); null if unavailable.
 * A bad `SCRATCHNET_THREADS` is reported as a ConfigError rather than hidden.
 */
export function loadWasmKernels(): Promise<WasmKernels | null> {
  shared ??= createWasmKernels().catch((e: unknown) => {
    if (e instanceof ConfigError) throw e;
    return null;
  });
  return shared;
}
