/**
 * Type-level checks, compiled by `npm run typecheck` (never run): names of activations, optimizers,
 * losses and schedules are literal unions, so editors autocomplete them and a typo fails to compile.
 * Each `@ts-expect-error` line must be an error; if one compiles, tsc fails on the unused directive.
 */
import { activation, adam, createLoss, createOptimizer, dense, fit, sequential, type Dataset, type FitOptions } from '../src/index.js';
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

// A dataset's recipe (src/data/registry.ts, which imports nothing from the recipe) uses the
// training config's own keys and types.
const recipeFitsConfig: Partial<TrainConfig> = {} as Required<DatasetRecipe>;
void recipeFitsConfig;
