/** The backends in a browser: registers the WebAssembly kernels (fetched, threads as Web Workers). */
import { registerBackend } from '../core/backend.js';
import { loadWasmKernels } from './wasm.js';

registerBackend('wasm', loadWasmKernels);
