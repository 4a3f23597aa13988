/**
 * What the WebAssembly backend needs from the platform it runs on — the only parts of it that differ
 * between Node (src/node/wasm.ts) and the browser (src/browser/wasm.ts). Everything else in
 * `core/wasm` is platform-neutral.
 */

/** The compiled kernels and which build they are. */
export interface CompiledKernels {
  module: WebAssembly.Module;
  /** True if the micro-kernel uses `f32x4.relaxed_madd` (fused multiply-add where the CPU has it). */
  relaxed: boolean;
  /** Where the bytes came from (a path or URL), for messages. */
  source: string;
}

/** What a pool worker receives: the compiled module (never bytes), the memory and the shared blocks. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: SharedArrayBuffer;
  args: SharedArrayBuffer;
  sync: SharedArrayBuffer;
  index: number;
}

/** A started pool worker (a `worker_threads` Worker or a Web Worker). */
export interface PoolWorker {
  terminate(): unknown;
}

export interface WasmPlatform {
  /** `'node'` or `'browser'`, for messages. */
  readonly name: string;
  /**
   * Compiles the kernels: the relaxed-SIMD build when `preferRelaxed` and the runtime accepts it,
   * else plain SIMD. Throws an Error saying why when neither can be compiled.
   */
  compile(preferRelaxed: boolean): Promise<CompiledKernels>;
  /** Threads to use when none is asked for (all cores), validated by the caller. */
  defaultThreads(): number;
  /**
   * Why worker threads cannot share the memory here (e.g. a page that is not cross-origin isolated),
   * or null when they can.
   */
  threadsUnavailable(): string | null;
  /** Starts one worker that runs `runPoolWorker(init, ready)`; resolves once it is ready. */
  startWorker(init: WorkerInit): Promise<PoolWorker>;
  /** Whether this thread may block in `Atomics.wait` (not a browser's main thread). */
  readonly canBlock: boolean;
  /** Reports a one-line note (a fallback taken). */
  note(message: string): void;
}
