/**
 * scratchnet's platform-neutral core: fully-connected networks from scratch. Imports nothing from
 * Node or the DOM. The package entry `scratchnet` adds the platform's parts on top of it —
 * `src/node.ts` in Node (files, datasets on disk, worker_threads), `src/browser.ts` in a browser
 * (fetch, Web Workers) — and `scratchnet/core` is this module alone (TypeScript kernels only,
 * unless a backend is registered with {@link registerBackend}).
 */
export { ConfigError, DataError, DivergenceError, InterruptedError, ModelFileError, ScratchnetError, ShapeError } from './errors.js';

export { configureBackends, kernels, registerBackend, setKernels, useBackend, type BackendLoader, type BackendName, type BackendOptions } from './core/backend.js';
export type { Kernels } from './core/kernels.js';
export { ACTIVATION_TABLE, activationDef, activationKindOf, type ActivationDef, type ActivationKind } from './core/activations.js';
export { JsKernels } from './core/kernels-js.js';
export { Matrix, type DType, type Float } from './core/matrix.js';
export { Rng } from './core/random.js';
export type { WasmKernels, WasmKernelsOptions } from './core/wasm/index.js';

export type { BuildContext, Layer, Mode, Param } from './nn/layer.js';
export * from './nn/layers/index.js';
export { Sequential, sequential, type BuildOptions } from './nn/model.js';
export { mlp, type MlpArgs } from './nn/mlp.js';
export * from './nn/losses/index.js';
export * from './nn/optimizers/index.js';
export * from './nn/schedules.js';
export { EarlyStopping, LearningRateLogger, ModelCheckpoint, type BatchLog, type Callback, type EpochLog } from './nn/callbacks.js';
export { clipGradNorm, evaluate, fit, predict, resolveOptimizer, type EvaluateResult, type FitOptions, type OptimizerArg, type Prediction, type ScheduleArg } from './nn/train.js';
export { prepareStep, trainStep, type Batch, type TrainStep } from './nn/train-step.js';
export { clearThreadChoices, describeThreads, type ThreadChoice, type ThreadsOption } from './nn/thread-plan.js';
export * from './nn/constraints.js';   // max-norm and other weight constraints
export { Predictor, type PredictorOptions } from './nn/predictor.js';
export { toDataset, toMatrix, type DataArg, type InputRows } from './nn/inputs.js';
export { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointOptions } from './nn/checkpoint.js';
export { accuracy, classReport, confusionMatrix, regressionMetrics, type RegressionMetrics } from './nn/metrics.js';
export { gradcheck, type GradcheckResult } from './nn/gradcheck.js';
export { architectureOf, decodeModel, encodeModel, type Architecture, type DecodeModelOptions, type SavedModel } from './nn/io.js';
export { decodeSafetensors, encodeSafetensors, type NamedTensor, type SafetensorsContents } from './io/safetensors.js';
export { initialize, type InitKind } from './nn/init.js';

export { BatchIterator } from './data/batches.js';
export { isRegression, oneHot, regressionDataset, residentDataset, splitValidation, subset, validateDataset, type Dataset, type DatasetSplit } from './data/dataset.js';
export { loadCircle, loadClusters, loadMoons, loadSpirals, loadXor, SYNTHETIC_SETS, type ClustersOptions, type SyntheticOptions, type SyntheticSet } from './data/synthetic.js';
export { decodeIdx, encodeIdx, setGzipCodec, type GzipCodec, type IdxTensor } from './data/idx.js';
export { Augmenter, parseAugmentSpec } from './data/augment.js';
export { parsePointsCsv, type Point2d } from './data/points-csv.js';
export { formatTorchArch, fromTorchStateDict, parseTorchArch, toTorchStateDict, type TorchModule } from './nn/torch.js';
export { ONNX_OPSET, toOnnx, type ToOnnxOptions } from './nn/onnx.js';
// the training options (one schema) and config → model + fit options: what the CLI and the playground share
export * from './recipe/options.js';
export * from './recipe/values.js';
export * from './recipe/build.js';
