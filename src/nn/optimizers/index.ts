import type { Kernels } from '../../core/kernels.js';
import { ConfigError } from '../../errors.js';
import type { Param } from '../layer.js';
import { isOptimizerFactory, type OptimizerFactory, type OptimizerSpec } from './factory.js';
import type { Optimizer } from './optimizer.js';
import * as registry from './registry.js';

export * from './registry.js';
export { defineOptimizer, type OptimizerEntry, type OptimizerFactory, type OptimizerSpec } from './factory.js';
export { BaseOptimizer, type Optimizer, type ParamState } from './optimizer.js';
export { l2Penalty } from './weight-decay.js';

type Registry = typeof registry;
type Factories = { [K in keyof Registry]: Registry[K] extends OptimizerFactory<string, object> ? Registry[K] : never }[keyof Registry];
type OptionsByName = { [F in Factories as F['optimizerName']]: F extends OptimizerFactory<string, infer O> ? O : never };

/** Every registered name (`momentum` is SGD with momentum 0.9, `nesterov` SGD with Nesterov momentum 0.9). */
export type OptimizerName = Factories['optimizerName'];

/** The options optimizer `N` takes (`'sgd'`: SgdOptions; `'momentum'`: the same without `nesterov`). */
export type OptimizerOptionsOf<N extends OptimizerName> = OptionsByName[N];

/**
 * The options of one optimizer, whichever: for a name known only at run time ({@link createOptimizer}
 * rejects those the named one does not take). With the name written out, use {@link OptimizerOptionsOf}.
 */
export type OptimizerOptions = OptionsByName[OptimizerName];

/**
 * An optimizer as an options object with its name, discriminated by `name`: `{ name: 'sgd', lr: 0.1,
 * momentum: 0.9 }` compiles, `{ name: 'sgd', beta1: 0.9 }` does not (SGD takes no `beta1`).
 */
export type OptimizerConfig = { [N in OptimizerName]: { name: N } & OptionsByName[N] }[OptimizerName];

const FACTORIES = new Map<string, OptimizerFactory<string, object>>();
for (const v of Object.values(registry)) {
  if (!isOptimizerFactory(v)) continue;
  if (FACTORIES.has(v.optimizerName)) throw new Error(`optimizer registry: two optimizers are named '${v.optimizerName}'`);
  FACTORIES.set(v.optimizerName, v);
}

/** Names accepted by {@link createOptimizer}, `--optimizer` and experiment configs. */
export const OPTIMIZER_NAMES = [...FACTORIES.keys()] as readonly OptimizerName[];

function factory(name: OptimizerName): OptimizerFactory<string, object> {
  const f = FACTORIES.get(name);
  if (!f) throw new ConfigError(`optimizer: unknown name '${name}', expected one of ${OPTIMIZER_NAMES.join(', ')}`);
  return f;
}

/** Learning rate used when none is given. */
export function defaultLr(name: OptimizerName): number {
  return factory(name).lr;
}

/**
 * An optimizer by name, for configs and the CLI. Options left `undefined` take the optimizer's
 * defaults; an option the optimizer does not take (a typo, `beta1` for SGD) is a ConfigError.
 * `kernels` defaults to the current backend; pass the model's.
 */
export function createOptimizer<N extends OptimizerName>(name: N, params: readonly Param[], opts: OptimizerOptionsOf<N> = {}, kernels?: Kernels): Optimizer {
  return factory(name).create(params, opts, kernels);
}

/** A spec by name (as the factory of that name, `adam({ lr: 3e-4 })`); options are validated now. */
export function optimizerSpec<N extends OptimizerName>(name: N, options: OptimizerOptionsOf<N> = {}): OptimizerSpec {
  return factory(name)(options);
}
