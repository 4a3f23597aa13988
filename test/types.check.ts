/**
 * Type-level checks, compiled by `npm run typecheck` (never run): names of activations, optimizers,
 * losses and schedules are literal unions, so editors autocomplete them and a typo fails to compile.
 * Each `@ts-expect-error` line must be an error; if one compiles, tsc fails on the unused directive.
 */
import {
  activation, adam, createLoss, createOptimizer, dense, fit, momentum, optimizerSpec, sequential, useBackend,
  type Dataset, type FitOptions, type Kernels, type OptimizerConfig, type OptimizerName,
} from '../src/index.js';
import type { DatasetRecipe } from '../src/data/registry.js';
import type { TrainConfig } from '../src/recipe.js';

declare const data: Dataset;
const model = sequential([dense({ units: 8, activation: 'relu' }), dense({ units: 3 })]).build({ inputWidth: 4 });

activation('relu');
activation('gelu-tanh');
// @ts-expect-error a misspelt activation
activation('rleu');
// @ts-expect-error a misspelt activation in dense()
dense({ units: 3, activation: 'rleu' });

createOptimizer('adam', model.params());
// @ts-expect-error a misspelt optimizer
createOptimizer('adma', model.params());
// @ts-expect-error an option the options type does not have
createOptimizer('adam', model.params(), { learningRate: 0.1 });

createLoss('huber');
// @ts-expect-error a misspelt loss
createLoss('mse2');

const ok: FitOptions[] = [
  { optimizer: 'adam', loss: 'softmax_cross_entropy' },
  { optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 }, schedule: { type: 'cosine', tMax: 10 } },
];
// @ts-expect-error a misspelt optimizer in fit
void fit(model, data, { optimizer: 'adma' });
// @ts-expect-error a misspelt loss in fit
void fit(model, data, { optimizer: 'adam', loss: 'categorical_cross_entropy' });
// @ts-expect-error a misspelt schedule type
void fit(model, data, { optimizer: 'adam', schedule: { type: 'cosin', tMax: 3 } });
void ok;
// the optimizer factories' own example (src/nn/optimizers/factory.ts)
void fit(model, data, { optimizer: adam({ lr: 3e-4 }) });
// @ts-expect-error an option Adam does not take
adam({ momentum: 0.9 });

// Optimizer options are a union discriminated by `name`, derived from the registry: each name takes
// its own optimizer's options only (what createOptimizer rejects at run time does not compile).
const configs: OptimizerConfig[] = [
  { name: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true },
  { name: 'adam', beta1: 0.8, beta2: 0.99, eps: 1e-7 },
  { name: 'rmsprop', alpha: 0.9, centered: true },
  { name: 'lion', beta1: 0.9, weightDecay: 0.1 },
];
void configs;
void fit(model, data, { optimizer: { name: 'adamw', lr: 1e-3, weightDecay: 0.05 } });
// @ts-expect-error beta1 is Adam's: SGD does not take it
void fit(model, data, { optimizer: { name: 'sgd', beta1: 0.9 } });
// @ts-expect-error `momentum` is SGD with momentum, never Nesterov
void fit(model, data, { optimizer: { name: 'momentum', nesterov: true } });
// @ts-expect-error Lion takes no eps
const lionEps: OptimizerConfig = { name: 'lion', eps: 1e-8 };
void lionEps;
createOptimizer('sgd', model.params(), { momentum: 0.9, nesterov: true });
// @ts-expect-error beta1 is not an SGD option in createOptimizer either
createOptimizer('sgd', model.params(), { beta1: 0.9 });
// @ts-expect-error nor in a spec by name
optimizerSpec('rmsprop', { beta1: 0.9 });
// @ts-expect-error nor in the factory of `momentum`
momentum({ nesterov: true });
// a name known only at run time takes any optimizer's options (checked when created)
declare const fromConfig: OptimizerName;
createOptimizer(fromConfig, model.params(), { beta1: 0.9 });

// useBackend takes a backend's name.
void useBackend();
void useBackend('wasm');
void useBackend('auto');
// @ts-expect-error not a backend
void useBackend('webgpu');
// @ts-expect-error any string is not a backend name
void useBackend('js' as string);

// Kernels declare what every backend has: the thread count and its setter, dispose.
declare const k: Kernels;
const threads: number = k.threads;
k.setThreads(threads);
void k.dispose();
// @ts-expect-error threads is read-only (setThreads checks the count)
k.threads = 2;

// A dataset's recipe (src/data/registry.ts, which imports nothing from the recipe) uses the
// training config's own keys and types.
const recipeFitsConfig: Partial<TrainConfig> = {} as Required<DatasetRecipe>;
void recipeFitsConfig;
