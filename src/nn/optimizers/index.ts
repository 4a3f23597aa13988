import type { Kernels } from '../../core/kernels.js';
import { ConfigError } from '../../errors.js';
import type { Param } from '../layer.js';
import { Adagrad, type AdagradOptions } from './adagrad.js';
import { Adam, type AdamOptions } from './adam.js';
import { AdamW } from './adamw.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop, type RmspropOptions } from './rmsprop.js';
import { SGD, type SgdOptions } from './sgd.js';

export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions, type AdamSlots } from './adam.js';
export { AdamW } from './adamw.js';
export { BaseOptimizer, type Optimizer, type ParamState } from './optimizer.js';
export { RMSprop, type RmspropOptions } from './rmsprop.js';
export { SGD, type SgdOptions } from './sgd.js';
export { l2Penalty } from './weight-decay.js';

/** `momentum` is SGD with momentum 0.9; `nesterov` is SGD with Nesterov momentum 0.9. */
export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw';

/** Every option of every optimizer; {@link createOptimizer} rejects those the named one does not take. */
export interface OptimizerOptions extends SgdOptions, AdagradOptions, RmspropOptions, AdamOptions {}

interface Entry {
  lr: number;
  keys: readonly (keyof OptimizerOptions)[];
  make(params: readonly Param[], o: OptimizerOptions, k: Kernels | undefined): Optimizer;
}

const SGD_KEYS = ['lr', 'momentum', 'dampening', 'weightDecay'] as const;
const ADAM_KEYS = ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const;

const REGISTRY: Record<OptimizerName, Entry> = {
  sgd: { lr: 0.01, keys: [...SGD_KEYS, 'nesterov'], make: (p, o, k) => new SGD(p, o, k) },
  momentum: { lr: 0.01, keys: SGD_KEYS, make: (p, o, k) => new SGD(p, { ...o, momentum: o.momentum ?? 0.9, nesterov: false }, k) },
  nesterov: { lr: 0.01, keys: SGD_KEYS, make: (p, o, k) => new SGD(p, { ...o, momentum: o.momentum ?? 0.9, nesterov: true }, k) },
  adagrad: {
    lr: 0.01,
    keys: ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'],
    make: (p, o, k) => new Adagrad(p, o, k),
  },
  rmsprop: {
    lr: 0.01,
    keys: ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered'],
    make: (p, o, k) => new RMSprop(p, o, k),
  },
  adam: { lr: 1e-3, keys: ADAM_KEYS, make: (p, o, k) => new Adam(p, o, k) },
  adamw: { lr: 1e-3, keys: ADAM_KEYS, make: (p, o, k) => new AdamW(p, o, k) },
};

/** Names accepted by {@link createOptimizer}, `--optimizer` and experiment configs. */
export const OPTIMIZER_NAMES = Object.keys(REGISTRY) as readonly OptimizerName[];

/** Learning rate used when none is given. */
export function defaultLr(name: OptimizerName): number {
  return REGISTRY[name].lr;
}

/**
 * An optimizer by name, for configs and the CLI. Options left `undefined` take the optimizer's
 * defaults; an option the optimizer does not take (a typo, `beta1` for SGD) is a ConfigError.
 * `kernels` defaults to the current backend; pass the model's.
 */
export function createOptimizer(
  name: OptimizerName,
  params: readonly Param[],
  opts: OptimizerOptions = {},
  kernels?: Kernels,
): Optimizer {
  const entry = Object.hasOwn(REGISTRY, name) ? REGISTRY[name as OptimizerName] : undefined;
  if (!entry) {
    throw new ConfigError(`optimizer: unknown name '${name}', expected one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
  for (const [key, v] of Object.entries(opts)) {
    if (v !== undefined && !(entry.keys as readonly string[]).includes(key)) {
      throw new ConfigError(`optimizer '${name}': unknown option '${key}', expected one of ${entry.keys.join(', ')}`);
    }
  }
  return entry.make(params, opts, kernels);
}

/**
 * An optimizer chosen before the model's parameters exist (`fit({ optimizer: adam({ lr: 3e-4 }) })`);
 * the trainer calls `create` with the built model's parameters and kernels.
 */
export interface OptimizerSpec {
  readonly name: OptimizerName;
  readonly options: Readonly<OptimizerOptions>;
  create(params: readonly Param[], kernels?: Kernels): Optimizer;
}

/** A spec by name; options are validated now (a bad `lr` throws here, not at the first step). */
export function optimizerSpec(name: OptimizerName, options: OptimizerOptions = {}): OptimizerSpec {
  createOptimizer(name, [], options);
  const opts = { ...options };
  return { name: name as OptimizerName, options: opts, create: (params, k) => createOptimizer(name, params, opts, k) };
}

/** torch.optim.SGD, with momentum/nesterov if asked (default lr 0.01). */
export const sgd = (opts: SgdOptions = {}): OptimizerSpec => optimizerSpec('sgd', opts);
/** torch.optim.Adagrad (default lr 0.01). */
export const adagrad = (opts: AdagradOptions = {}): OptimizerSpec => optimizerSpec('adagrad', opts);
/** torch.optim.RMSprop (default lr 0.01). */
export const rmsprop = (opts: RmspropOptions = {}): OptimizerSpec => optimizerSpec('rmsprop', opts);
/** torch.optim.Adam, coupled L2 (default lr 1e-3). */
export const adam = (opts: AdamOptions = {}): OptimizerSpec => optimizerSpec('adam', opts);
/** torch.optim.AdamW, decoupled weight decay 0.01 (default lr 1e-3). */
export const adamw = (opts: AdamOptions = {}): OptimizerSpec => optimizerSpec('adamw', opts);
