import { ConfigError } from '../../errors.js';
import type { BackendOptions } from '../backend.js';
import { checkThreads, ThreadPool } from '../threads.js';
import { relaxedMaddFuses } from './fma-probe.js';
import { WasmHeap } from './heap.js';
import { WasmKernels } from './kernels-wasm.js';
import type { WasmExports } from './ops.js';
import type { WasmPlatform } from './platform.js';

export { WasmKernels } from './kernels-wasm.js';
export type { CompiledKernels, PoolWorker, WasmPlatform, WorkerInit } from './platform.js';

export interface WasmKernelsOptions {
  /**
   * Threads for big kernels, the caller's included (default: the platform's — all cores, or in Node
   * env `SCRATCHNET_THREADS`). Asking for more than one where threads cannot run (a page that is
   * not cross-origin isolated) is an error; the default then falls back to one thread with a note.
   */
  threads?: number;
  /**
   * Use the relaxed-SIMD build where the engine fuses its multiply-add (V8 on a CPU with FMA):
   * faster, but its bits differ from other engines' and CPUs'. Default false: the plain-SIMD build,
   * whose results are the same bits in every engine. Where the engine does not fuse (JavaScriptCore,
   * or a CPU without FMA), the relaxed build would give the plain build's bits, so that one is used.
   */
  relaxed?: boolean;
  /** Initial memory in 64 KiB pages (default 256 = 16 MiB); it grows on demand. */
  initialPages?: number;
  /** Most memory in pages (default 65536 = 4 GiB, the wasm32 limit). */
  maximumPages?: number;
}

/**
 * Compiles and instantiates the WebAssembly kernels over a new shared memory and starts their worker
 * pool on `platform`. Throws an Error saying why when the runtime lacks WebAssembly SIMD or shared
 * memory or the build output is missing, and a ConfigError for a thread count it cannot honour.
 */
export async function createWasmKernels(platform: WasmPlatform, opts: WasmKernelsOptions = {}): Promise<WasmKernels> {
  const { relaxed = false, initialPages = 256, maximumPages = 65536 } = opts;
  let threads = opts.threads === undefined ? checkThreads(platform.defaultThreads(), 'threads') : checkThreads(opts.threads);
  const why = threads > 1 ? platform.threadsUnavailable() : null;
  if (why !== null) {
    if (opts.threads !== undefined) throw new ConfigError(`threads: ${threads} threads were asked for, but ${why}`);
    platform.note(`scratchnet: WebAssembly kernels on one thread (${why})`);
    threads = 1;
  }
  if (typeof WebAssembly !== 'object') throw new Error('this runtime has no WebAssembly');
  let compiled = await platform.compile(relaxed);
  if (compiled.relaxed && relaxedMaddFuses() !== true) {
    platform.note('scratchnet: relaxed SIMD asked for, but this engine does not fuse its multiply-add: using the plain SIMD kernels (the same bits)');
    compiled = await platform.compile(false);
  }
  const memory = new WebAssembly.Memory({ initial: initialPages, maximum: maximumPages, shared: true });
  const instance = await WebAssembly.instantiate(compiled.module, { env: { memory } });
  const ex = instance.exports as unknown as WasmExports;
  const heap = new WasmHeap(memory, ex.heapBase());
  let pool: ThreadPool | null = null;
  if (threads > 1) {
    try {
      pool = await ThreadPool.create(platform, compiled.module, memory, threads);
    } catch (e) {
      if (opts.threads !== undefined) throw new ConfigError(`threads: ${threads} threads were asked for, but the workers failed to start (${String(e)})`);
      platform.note(`scratchnet: WebAssembly worker threads failed to start, using one thread (${String(e)})`);
    }
  }
  const size = pool ? pool.size : 1;
  const work: number[] = [];
  for (let t = 0; t < size; t++) work.push(heap.allocBytes(ex.gemmWorkBytes()));
  return new WasmKernels(ex, heap, pool, work, compiled.relaxed);
}

/**
 * A platform's `loadWasmKernels`: the kernels of `create`, made once per `relaxed` setting and
 * shared (`relaxed` not given: `defaultRelaxed()`).
 */
export function sharedWasmKernels(
  create: (opts: WasmKernelsOptions) => Promise<WasmKernels>,
  defaultRelaxed: () => boolean = () => false,
): (opts?: BackendOptions) => Promise<WasmKernels> {
  const shared = new Map<boolean, Promise<WasmKernels>>();
  return ({ relaxed = defaultRelaxed() } = {}) => {
    let k = shared.get(relaxed);
    if (!k) shared.set(relaxed, (k = create({ relaxed })));
    return k;
  };
}
