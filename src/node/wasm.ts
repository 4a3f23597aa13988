/**
 * The WebAssembly backend in Node: the module's bytes read from the package's `build/` folder, pool
 * workers as `worker_threads`, threads from env `SCRATCHNET_THREADS` or all cores.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { checkThreads } from '../core/threads.js';
import { ConfigError } from '../errors.js';
import { createWasmKernels as create, sharedWasmKernels, type WasmKernelsOptions } from '../core/wasm/index.js';
import type { WasmKernels } from '../core/wasm/kernels-wasm.js';
import type { CompiledKernels, PoolWorker, WasmPlatform, WorkerInit } from '../core/wasm/platform.js';

/** The build writes both variants here (see `build:wasm` in package.json). */
export const WASM_FILES = { relaxed: 'build/scratchnet-relaxed.wasm', simd: 'build/scratchnet-simd.wasm' } as const;
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

/**
 * Walks up from this file to the package root, the first folder holding the build output; works
 * from `src/node` (tsx) and `dist/node` (compiled) alike.
 */
export function findBuildRoot(start: string = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = start, i = 0; i < 8; i++) {
    if (existsSync(join(dir, WASM_FILES.simd))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/**
 * Compiles the kernels: the relaxed-SIMD variant when the runtime accepts it (Node 20 needs V8's
 * `--experimental-wasm-relaxed-simd`, set here at run time before compiling; the flag is
 * process-wide, so worker threads inherit it), else plain SIMD.
 */
async function compile(preferRelaxed: boolean): Promise<CompiledKernels> {
  if (typeof SharedArrayBuffer !== 'function') throw new Error('this runtime has no SharedArrayBuffer');
  const root = findBuildRoot();
  if (!root) throw new Error(`the kernels' build output (${WASM_FILES.simd}) is missing: run npm run build`);
  const variants: Array<keyof typeof WASM_FILES> = preferRelaxed ? ['relaxed', 'simd'] : ['simd'];
  for (const v of variants) {
    const path = join(root, WASM_FILES[v]);
    if (!existsSync(path)) continue;
    const bytes = readFileSync(path);
    if (v === 'relaxed' && !WebAssembly.validate(bytes)) {
      try {
        setFlagsFromString(RELAXED_FLAG);
      } catch {
        continue;
      }
    }
    if (!WebAssembly.validate(bytes)) continue;
    return { module: await WebAssembly.compile(bytes), relaxed: v === 'relaxed', source: path };
  }
  throw new Error('this runtime does not validate the kernels (WebAssembly SIMD and threads are needed)');
}

/** Starts a pool worker on threads-worker.js, or threads-worker.ts when running from TypeScript sources. */
function startWorker(init: WorkerInit): Promise<PoolWorker> {
  const ts = import.meta.url.endsWith('.ts');
  const url = new URL(`./threads-worker${ts ? '.ts' : '.js'}`, import.meta.url);
  let w: Worker;
  if (!ts) {
    w = new Worker(url, { workerData: init });
  } else {
    // Node 20 does not carry tsx's module hooks into workers: register them first.
    const api = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(api)}).then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`;
    w = new Worker(code, { eval: true, workerData: init });
  }
  return new Promise((resolve, reject) => {
    w.once('message', () => {
      w.removeAllListeners();
      w.on('error', (e) => process.emitWarning(`scratchnet: wasm worker failed: ${String(e)}`));
      w.unref();
      resolve(w);
    });
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`worker ${init.index} exited with code ${code}`)));
  });
}

/** The Node platform of the WebAssembly backend. */
export const nodePlatform: WasmPlatform = {
  name: 'node',
  compile,
  defaultThreads() {
    const env = process.env.SCRATCHNET_THREADS;
    if (env === undefined || env === '') return availableParallelism();
    return checkThreads(Number(env), `SCRATCHNET_THREADS=${JSON.stringify(env).slice(0, 40)}`);
  },
  threadsUnavailable: () => null,
  startWorker,
  canBlock: true,
  note: (m) => console.warn(m),
};

/**
 * Compiles and instantiates the WebAssembly kernels in Node (see the core `createWasmKernels`).
 * Worker threads are unref'd (they do not keep the process alive); `dispose()` stops them.
 */
export function createWasmKernels(opts: WasmKernelsOptions = {}): Promise<WasmKernels> {
  return create(nodePlatform, opts);
}

/**
 * `SCRATCHNET_RELAXED`: `1` or `true` makes the relaxed-SIMD kernels the default, `0`, `false` or
 * unset the same-bits ones.
 * @throws ConfigError for any other value
 */
export function relaxedFromEnv(): boolean {
  const env = process.env.SCRATCHNET_RELAXED;
  if (env === undefined || env === '' || env === '0' || env === 'false') return false;
  if (env === '1' || env === 'true') return true;
  throw new ConfigError(`SCRATCHNET_RELAXED: expected 1, true, 0 or false, found ${JSON.stringify(env).slice(0, 40)}`);
}

/** The process-wide WebAssembly backend, created once per `relaxed` setting (default: env `SCRATCHNET_RELAXED`). */
export const loadWasmKernels = sharedWasmKernels(createWasmKernels, relaxedFromEnv);
