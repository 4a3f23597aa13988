/**
 * The backends in Node: registers the WebAssembly kernels (read from the package's build/ folder,
 * threads as worker_threads) and makes env `SCRATCHNET_BACKEND` the default of `useBackend()`.
 * Imported for its effect by the Node entry, the CLI, the tests and the benchmarks.
 */
import { configureBackends, registerBackend, useBackend, type BackendName } from '../core/backend.js';
import { loadWasmKernels } from './wasm.js';

registerBackend('wasm', loadWasmKernels);
// a name from the environment: useBackend checks it when it runs
configureBackends({ defaultName: (process.env.SCRATCHNET_BACKEND || 'auto') as BackendName });

export { useBackend };
