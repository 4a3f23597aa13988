import { ModelFileError } from '../../errors.js';
import type { Layer } from '../layer.js';
import { Activation, activationFromConfig, type ActivationArgs, type ActivationName } from './activation.js';
import { BatchNorm, type BatchNormArgs } from './batch-norm.js';
import { Dense, type DenseArgs } from './dense.js';
import { Dropout, type DropoutArgs } from './dropout.js';
import { Softmax } from './softmax.js';
import { Standardize } from './standardize.js';

export { Activation, activation, activationFromConfig, ACTIVATIONS, checkActivation, type ActivationArgs, type ActivationName, type GeluApproximate } from './activation.js';
export { BatchNorm, batchNorm, type BatchNormArgs } from './batch-norm.js';
export { Dense, type DenseArgs } from './dense.js';
export { Dropout, dropout } from './dropout.js';
export { Softmax, softmax } from './softmax.js';
export { Standardize } from './standardize.js';

/**
 * `dense({ units: 128 })` → a Dense layer; `dense({ units: 128, activation: 'relu' })` → the pair
 * [Dense, Activation] (Keras's `Dense(128, activation='relu')`), which `sequential` flattens and the
 * model's fusion then runs as one GEMM with the ReLU inside (src/nn/fusion.ts).
 */
export function dense(args: DenseArgs & { activation?: undefined }): Dense;
export function dense(args: DenseArgs & { activation: ActivationName | Omit<ActivationArgs, 'name'> }): [Dense, Activation];
export function dense(args: DenseArgs & { activation?: ActivationName | Omit<ActivationArgs, 'name'> }): Dense | [Dense, Activation];
export function dense({ activation: act, ...args }: DenseArgs & { activation?: ActivationName | Omit<ActivationArgs, 'name'> }): Dense | [Dense, Activation] {
  const layer = new Dense(args);
  return act === undefined ? layer : [layer, new Activation(typeof act === 'string' ? { kind: act } : act)];
}

type LayerFactory = (config: Record<string, unknown>) => Layer;

const FACTORIES = new Map<string, LayerFactory>([
  ['dense', (c) => new Dense(c as unknown as DenseArgs)],
  ['activation', activationFromConfig],
  ['dropout', (c) => new Dropout(c as unknown as DropoutArgs)],
  ['softmax', () => new Softmax()],
  ['standardize', () => new Standardize()],
  ['batch_norm', (c) => new BatchNorm(c as BatchNormArgs)],
]);

/** Makes a layer type loadable from model files (batch norm and others register here). */
export function registerLayer(type: string, factory: LayerFactory): void {
  FACTORIES.set(type, factory);
}

/** Recreates a layer from its `type` and `config()` (model files). */
export function layerFromConfig(type: string, config: Record<string, unknown>, where: string): Layer {
  const make = FACTORIES.get(type);
  if (!make) throw new ModelFileError(`${where}: unknown layer type '${type}', expected one of ${[...FACTORIES.keys()].join(', ')}`);
  return make(config);
}
