/**
 * scratchnet's public API: fully-connected networks from scratch.
 *
 * ```ts
 * import { useBackend, loadDataset, sequential, dense, activation, createOptimizer, fit, evaluate } from 'scratchnet';
 * await useBackend();                                   // WebAssembly SIMD where it loads, else TypeScript
 * const { train, test } = await loadDataset('mnist');
 * const model = sequential([dense({ units: 256 }), activation('relu'), dense({ units: 10 })])
 *   .build({ inputWidth: 784, batchSize: 128, seed: 1 });
 * const optimizer = createOptimizer('adam', model.params(), { lr: 1e-3 }, model.kernels);
 * await fit(model, train, { optimizer, epochs: 5 });
 * console.log(evaluate(model, test).accuracy);
 * ```
 */
export { ConfigError, DataError, DivergenceError, ModelFileError, ScratchnetError, ShapeError } from './errors.js';

export { kernels, registerBackend, setKernels, useBackend, type BackendName } from './core/backend.js';
export type { ActivationKind, Kernels } from './core/kernels.js';
export { JsKernels } from './core/kernels-js.js';
export { Matrix, type DType, type Float } from './core/matrix.js';
export { Rng } from './core/random.js';

export type { BuildContext, Layer, Mode, Param } from './nn/layer.js';
export * from './nn/layers/index.js';
export { Sequential, sequential, type BuildOptions } from './nn/model.js';
export { mlp, type MlpArgs } from './nn/mlp.js';
export { createLoss, MeanSquaredError, SigmoidCrossEntropy, SoftmaxCrossEntropy, type Loss, type LossName } from './nn/losses.js';
export * from './nn/optimizers/index.js';
export * from './nn/schedules.js';
export { EarlyStopping, type BatchLog, type Callback, type EpochLog } from './nn/callbacks.js';
export { clipGradNorm, evaluate, fit, predict, type FitOptions, type Prediction } from './nn/train.js';
export { accuracy, classReport, confusionMatrix } from './nn/metrics.js';
export { gradcheck, type GradcheckResult } from './nn/gradcheck.js';
export { architectureOf, loadModel, saveModel, type Architecture } from './nn/io.js';
export { initialize, type InitKind } from './nn/init.js';

export { BatchIterator } from './data/batches.js';
export { oneHot, residentDataset, splitValidation, standardize, subset, validateDataset, type Dataset, type DatasetSplit } from './data/dataset.js';
export { datasetNames, loadDataset, registerDataset } from './data/registry.js';
export { decodeIdx, encodeIdx, readIdx, writeIdx } from './data/idx.js';
export { Augmenter, parseAugmentSpec } from './data/augment.js';

export { DEFAULT_CONFIG, runTraining, type RunResult, type TrainConfig } from './recipe.js';
