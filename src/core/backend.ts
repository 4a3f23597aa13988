import { ConfigError } from '../errors.js';
import type { Kernels } from './kernels.js';
import { JsKernels } from './kernels-js.js';

/** Names accepted by `--backend` and the `SCRATCHNET_BACKEND` environment variable. */
export type BackendName = 'js' | 'wasm' | 'auto';

type Loader = () => Promise<Kernels | null>;

const loaders = new Map<string, Loader>([['js', async () => new JsKernels()]]);
let current: Kernels = new JsKernels();

/** Lets a backend module make itself available (the WASM backend registers here). */
export function registerBackend(name: string, loader: Loader): void {
  loaders.set(name, loader);
}

// Loaded on first use only; resolves to null (so `auto` falls back to js) where WebAssembly SIMD,
// shared memory or the build output is missing.
registerBackend('wasm', async () => (await import('./wasm/index.js')).loadWasmKernels());

/** The kernels new models use. Starts as the TypeScript reference until {@link useBackend} runs. */
export function kernels(): Kernels {
  return current;
}

/** Sets the kernels new models use. */
export function setKernels(k: Kernels): void {
  current = k;
}

/**
 * Loads and selects a backend: `js`, `wasm`, or `auto` (the fastest one that loads, trying `wasm`
 * then `js`). Without an argument, reads `SCRATCHNET_BACKEND` (default `auto`).
 */
export async function useBackend(name: string = process.env.SCRATCHNET_BACKEND ?? 'auto'): Promise<Kernels> {
  if (name === 'auto') {
    for (const candidate of ['wasm', 'js']) {
      const load = loaders.get(candidate);
      const k = load ? await load().catch(() => null) : null;
      if (k) return (current = k);
    }
  }
  const load = loaders.get(name);
  if (!load) throw new ConfigError(`backend: unknown backend '${name}', expected one of ${[...loaders.keys(), 'auto'].join(', ')}`);
  const k = await load();
  if (!k) throw new ConfigError(`backend: '${name}' could not be loaded on this runtime`);
  return (current = k);
}
