import { ConfigError } from '../errors.js';
import type { Kernels } from './kernels.js';
import { JsKernels } from './kernels-js.js';

/** Names accepted by `useBackend`, `--backend` and the `SCRATCHNET_BACKEND` environment variable. */
export type BackendName = 'js' | 'wasm' | 'auto';

/** How a backend is loaded (the second argument of {@link useBackend}). */
export interface BackendOptions {
  /**
   * WebAssembly's relaxed-SIMD kernels: a fused multiply-add where the engine and CPU have one (V8
   * on x86 with FMA, or ARM), faster, but the bits then differ between engines and CPUs. Default
   * false: kernels whose results are the same bits in every engine; in Node env
   * `SCRATCHNET_RELAXED=1` makes true the default. The TypeScript kernels ignore it.
   */
  relaxed?: boolean;
}

/** Loads a backend; throws an Error saying why it cannot load on this runtime. */
export type BackendLoader = (opts: BackendOptions) => Promise<Kernels>;

const loaders = new Map<string, BackendLoader>([['js', async () => new JsKernels()]]);
let current: Kernels = new JsKernels();
let defaultName: BackendName = 'auto';
let note: (message: string) => void = (m) => console.warn(m);

/**
 * Lets a backend make itself available. The platform entries (`scratchnet` in Node or in a browser)
 * register `wasm` with their own way of loading the module and starting threads.
 */
export function registerBackend(name: Exclude<BackendName, 'auto'>, loader: BackendLoader): void {
  loaders.set(name, loader);
}

/**
 * Platform defaults: the backend {@link useBackend} loads when called without a name (Node: env
 * `SCRATCHNET_BACKEND`, else `auto`) and where one-line notes go (default `console.warn`).
 */
export function configureBackends(opts: { defaultName?: BackendName; note?: (message: string) => void }): void {
  if (opts.defaultName !== undefined) defaultName = opts.defaultName;
  if (opts.note) note = opts.note;
}

/** The kernels new models use. Starts as the TypeScript reference until {@link useBackend} runs. */
export function kernels(): Kernels {
  return current;
}

/** Sets the kernels new models use. */
export function setKernels(k: Kernels): void {
  current = k;
}

/**
 * Loads and selects a backend: `js`, `wasm`, or `auto` (`wasm` where it loads, else `js`, saying so
 * in one line). Without an argument, the platform's default (in Node, env `SCRATCHNET_BACKEND`).
 * The name is checked at run time too (it may come from a flag, a file or the environment).
 * @throws ConfigError for an unknown name, or a backend asked for by name that cannot load here
 */
export async function useBackend(name: BackendName = defaultName, opts: BackendOptions = {}): Promise<Kernels> {
  if (name === 'auto') {
    const wasm = loaders.get('wasm');
    if (wasm) {
      try {
        return (current = await wasm(opts));
      } catch (e) {
        if (e instanceof ConfigError) throw e;
        note(`scratchnet: WebAssembly kernels unavailable (${e instanceof Error ? e.message : String(e)}); using the TypeScript kernels`);
      }
    }
    return (current = new JsKernels());
  }
  const load = loaders.get(name);
  if (!load) throw new ConfigError(`backend: unknown backend '${name}', expected one of ${[...loaders.keys(), 'auto'].join(', ')}`);
  try {
    return (current = await load(opts));
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`backend: '${name}' cannot be loaded on this runtime: ${e instanceof Error ? e.message : String(e)}`);
  }
}
