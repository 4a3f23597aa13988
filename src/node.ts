/**
 * scratchnet in Node — what `import … from 'scratchnet'` gives there: the core (./index.ts) plus
 * the WebAssembly kernels on worker threads, model files, datasets by name and the training recipe
 * the CLI runs.
 *
 * ```ts
 * import { useBackend, loadDataset, sequential, dense, createOptimizer, fit, evaluate } from 'scratchnet';
 * await useBackend();                                   // WebAssembly SIMD on all cores, else TypeScript
 * const { train, test } = await loadDataset('mnist');
 * const model = sequential([dense({ units: 256, activation: 'relu' }), dense({ units: 10 })])
 *   .build({ inputWidth: 784, batchSize: 128, seed: 1 });
 * const optimizer = createOptimizer('adam', model.params(), { lr: 1e-3 }, model.kernels);
 * await fit(model, train, { optimizer, epochs: 5 });
 * console.log(evaluate(model, test).accuracy);
 * ```
 */
import './node/backend.js';
import './node/gzip.js';
import './node/data/datasets.js';

export * from './index.js';
export { createWasmKernels, loadWasmKernels } from './node/wasm.js';
export { loadModel, saveModel } from './node/model-file.js';
export { loadSafetensorsFile, saveSafetensorsAtomic, writeFileAtomic } from './node/safetensors-file.js';
export { readIdx, writeIdx } from './node/idx-file.js';
export { datasetNames, loadDataset, registerDataset, type DatasetEntry, type LoadDatasetOptions } from './data/registry.js';
export { DEFAULT_CONFIG, runTraining, type RunResult, type TrainConfig } from './recipe.js';
