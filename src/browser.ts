/**
 * scratchnet in a browser — what `import … from 'scratchnet'` gives there (and under any runtime that
 * is not Node): the core (./index.ts) plus the WebAssembly kernels, fetched beside the package and
 * run on Web Workers over shared memory when the page is cross-origin isolated, and model files as
 * bytes, Blobs and URLs.
 *
 * ```ts
 * import { useBackend, loadSpirals, sequential, dense, createOptimizer, fit, evaluate } from 'scratchnet';
 * await useBackend();   // WebAssembly SIMD (threads when crossOriginIsolated), else TypeScript
 * ```
 * Train in a Web Worker: a page's main thread cannot block, so it would freeze while training.
 */
import './browser/backend.js';

export * from './index.js';
export { createWasmKernels, loadWasmKernels, setWasmUrls } from './browser/wasm.js';
export { fetchModel, modelBlob } from './browser/model-file.js';
