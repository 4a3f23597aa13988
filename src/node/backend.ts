/**
 * The backends in Node: registers the WebAssembly kernels (read from the package's build/ folder,
 * threads as worker_threads) and makes env `SCRATCHNET_BACKEND` the default of `useBackend()`.
 * Imported for its effect by the Node entry, the CLI, the tests and the benchmarks.
 */
import { configureBackends, registerBackend, useBackend } from '../core/backend.js';
import { loadWasmKernels } from './wasm.js';

registerBackend('wasm', loadWasmKernels);
configureBackends({ defaultName: process.env.SCRATCHNET_BACKEND || 'auto' });

export { useBackend };
