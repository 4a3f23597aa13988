import type { Kernels } from '../../core/kernels.js';
import { ConfigError } from '../../errors.js';
import type { Param } from '../layer.js';
import type { Optimizer } from './optimizer.js';

/**
 * An optimizer chosen before the model's parameters exist (`fit(model, data, { optimizer: adam({ lr: 3e-4 }) })`);
 * the trainer calls `create` with the built model's parameters and kernels.
 */
export interface OptimizerSpec<O extends object = object> {
  readonly name: string;
  readonly options: Readonly<O>;
  create(params: readonly Param[], kernels?: Kernels): Optimizer;
}

/** What the registry needs to know of one optimizer name. */
export interface OptimizerEntry<O, K extends string = keyof O & string> {
  /** Learning rate used when none is given. */
  readonly lr: number;
  /** The options it takes; any other is a ConfigError (and, from TypeScript, a compile error: see {@link defineOptimizer}). */
  readonly keys: readonly K[];
  /** The optimizer over `params` (options validated by its constructor). */
  make(params: readonly Param[], opts: O, kernels: Kernels | undefined): Optimizer;
}

/**
 * A registered optimizer: called, a spec for `fit` (`adam({ lr: 3e-4 })`, options validated now);
 * its fields, what {@link createOptimizer}, the CLI's `--optimizer` and configs read. Made by
 * {@link defineOptimizer} in the optimizer's own file; the registry (registry.ts) lists the files.
 */
export interface OptimizerFactory<N extends string, O extends object> extends OptimizerEntry<O> {
  (opts?: O): OptimizerSpec<O>;
  readonly optimizerName: N;
  /** The optimizer over `params`; an option it does not take (a typo, `beta1` for SGD) is a ConfigError. */
  create(params: readonly Param[], opts?: O, kernels?: Kernels): Optimizer;
}

const FACTORIES = new WeakSet<object>();

/** True for the factories made by {@link defineOptimizer} (how the registry finds them among a module's exports). */
export function isOptimizerFactory(v: unknown): v is OptimizerFactory<string, object> {
  return typeof v === 'function' && FACTORIES.has(v);
}

/**
 * The factory of optimizer `name` (see {@link OptimizerFactory}). Its options type is `O` cut to the
 * `keys` it takes (`momentum` takes SgdOptions without `nesterov`), so the types reject what
 * `create` rejects at run time.
 */
export function defineOptimizer<N extends string, O extends object, K extends string>(
  name: N,
  entry: OptimizerEntry<O, K> & { readonly keys: readonly (keyof O)[] },
): OptimizerFactory<N, Pick<O, K & keyof O>> {
  type Taken = Pick<O, K & keyof O>; // O's other options are optional, so a Taken is an O
  const create = (params: readonly Param[], opts: Taken = {} as O, kernels?: Kernels): Optimizer => {
    for (const [key, v] of Object.entries(opts)) {
      if (v !== undefined && !(entry.keys as readonly string[]).includes(key)) {
        throw new ConfigError(`optimizer '${name}': unknown option '${key}', expected one of ${entry.keys.join(', ')}`);
      }
    }
    return entry.make(params, opts as O, kernels);
  };
  const factory = (opts: Taken = {} as O): OptimizerSpec<Taken> => {
    const options = { ...opts };
    create([], options);
    return { name, options, create: (params, kernels) => create(params, options, kernels) };
  };
  const make = (params: readonly Param[], opts: Taken, kernels: Kernels | undefined) => entry.make(params, opts as O, kernels);
  const f = Object.assign(factory, { optimizerName: name, lr: entry.lr, keys: entry.keys as readonly (K & keyof O & string)[], make, create });
  FACTORIES.add(f);
  return f;
}
