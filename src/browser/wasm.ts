/**
 * The WebAssembly backend in a browser: the module fetched next to the package (`build/*.wasm`,
 * found through `import.meta.url`, which bundlers such as Vite resolve as assets), pool workers as
 * module Web Workers over the shared memory. Threads need a cross-origin isolated page (COOP/COEP
 * headers); elsewhere the kernels run on one thread and say so once on the console.
 */
import { createWasmKernels as create, sharedWasmKernels, type WasmKernelsOptions } from '../core/wasm/index.js';
import type { WasmKernels } from '../core/wasm/kernels-wasm.js';
import type { CompiledKernels, PoolWorker, WasmPlatform, WorkerInit } from '../core/wasm/platform.js';

/**
 * Where the two builds and the pool worker's module are. Vite (and anything that resolves
 * `new URL('…', import.meta.url)`) serves them from the package; elsewhere copy
 * `build/*.wasm` and `dist/browser/threads-worker.js` (with the `dist/` files it imports) and
 * point here with {@link setWasmUrls}.
 */
const urls = {
  relaxed: new URL('../../build/scratchnet-relaxed.wasm', import.meta.url).href,
  simd: new URL('../../build/scratchnet-simd.wasm', import.meta.url).href,
  worker: '',
};

/** Tells the backend where the `.wasm` files and the pool worker's module are served, if not beside the package. */
export function setWasmUrls(u: Partial<typeof urls>): void {
  Object.assign(urls, u);
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

async function compile(preferRelaxed: boolean): Promise<CompiledKernels> {
  const variants: Array<'relaxed' | 'simd'> = preferRelaxed ? ['relaxed', 'simd'] : ['simd'];
  const errors: string[] = [];
  for (const v of variants) {
    try {
      const bytes = await fetchBytes(urls[v]);
      if (!WebAssembly.validate(bytes)) {
        errors.push(`${urls[v]}: not supported by this browser`);
        continue;
      }
      return { module: await WebAssembly.compile(bytes), relaxed: v === 'relaxed', source: urls[v] };
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  throw new Error(`cannot compile the kernels: ${errors.join('; ')}`);
}

/** A browser's main thread may not block in `Atomics.wait`; a worker may. */
const onMainThread = typeof (globalThis as { document?: unknown }).document !== 'undefined';

function startWorker(init: WorkerInit): Promise<PoolWorker> {
  const name = `scratchnet-${init.index}`;
  const w = urls.worker ? new Worker(urls.worker, { type: 'module', name }) : new Worker(new URL('./threads-worker.js', import.meta.url), { type: 'module', name });
  return new Promise((resolve, reject) => {
    w.onmessage = () => {
      w.onmessage = null;
      w.onerror = null;
      resolve(w);
    };
    w.onerror = (e) => reject(new Error(`worker ${init.index} failed to start: ${e.message}`));
    w.postMessage(init);
  });
}

/** The browser platform of the WebAssembly backend. */
export const browserPlatform: WasmPlatform = {
  name: 'browser',
  compile,
  defaultThreads: () => Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 64)),
  threadsUnavailable: () =>
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated
      ? null
      : 'the page is not cross-origin isolated: serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp for threads',
  startWorker,
  canBlock: !onMainThread,
  note: (m) => console.info(m),
};

/** Compiles and instantiates the WebAssembly kernels in this page or worker (see the core `createWasmKernels`). */
export function createWasmKernels(opts: WasmKernelsOptions = {}): Promise<WasmKernels> {
  return create(browserPlatform, opts);
}

/** The page's (or worker's) WebAssembly backend, created once per `relaxed` setting (default false). */
export const loadWasmKernels = sharedWasmKernels(createWasmKernels);
