import type { UpdateRule } from '../../core/fused.js';
import type { SgdArgs, SgdSlots } from '../../core/update-rules.js';
import type { Kernels } from '../../core/kernels.js';
import { ConfigError } from '../../errors.js';
import type { Param } from '../layer.js';
import { defineOptimizer } from './factory.js';
import { BaseOptimizer, checkBoolean, checkNonNegative, type ParamState } from './optimizer.js';

export interface SgdOptions {
  /** Learning rate γ (default 0.01). */
  lr?: number;
  /** Momentum factor μ ≥ 0 (default 0: plain SGD). */
  momentum?: number;
  /** Dampening τ in [0, 1] of the gradient added to the momentum buffer (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false); needs momentum > 0 and dampening = 0. */
  nesterov?: boolean;
  /** Coupled L2 coefficient λ ≥ 0, scaled per parameter by `param.decay` (default 0). */
  weightDecay?: number;
}

/** The rule's slots and step scalars: the core's, shared with fused kernels. */
export type { SgdArgs, SgdSlots };

/** The rule below as a loop over one parameter, in float64 arithmetic (a backend may run a fused 'sgd'). */
export const sgdRule: UpdateRule<SgdSlots, SgdArgs> = {
  name: 'sgd',
  loop(p, g, { momentumBuffer: b }, { lr, momentum, dampening, nesterov, weightDecay, firstStep }) {
    for (let i = 0; i < p.length; i++) {
      let d = g[i] + weightDecay * p[i];
      if (momentum !== 0) {
        b[i] = firstStep ? d : momentum * b[i] + (1 - dampening) * d;
        d = nesterov ? d + momentum * b[i] : b[i];
      }
      p[i] -= lr * d;
    }
  },
};

/**
 * Stochastic gradient descent with momentum and Nesterov momentum, as `torch.optim.SGD`.
 *
 * @remarks
 * For each parameter θ with gradient g at step t (λ = weightDecay·param.decay):
 *
 *     g ← g + λ·θ
 *     if μ ≠ 0:  b ← g                      (t = 1)
 *                b ← μ·b + (1 − τ)·g        (t > 1)
 *                g ← g + μ·b   if nesterov, else  g ← b
 *     θ ← θ − γ·g
 *
 * https://pytorch.org/docs/stable/generated/torch.optim.SGD.html — Nesterov as in Sutskever et al.,
 * "On the importance of initialization and momentum in deep learning" (ICML 2013),
 * http://proceedings.mlr.press/v28/sutskever13.html
 */
export class SGD extends BaseOptimizer<SgdSlots, SgdArgs> {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  private readonly args: SgdArgs;

  constructor(params: readonly Param[], opts: SgdOptions = {}, kernels?: Kernels) {
    const { lr = 0.01, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 } = opts;
    super('SGD', params, lr, kernels, sgdRule);
    checkNonNegative('SGD', 'momentum', momentum);
    checkNonNegative('SGD', 'dampening', dampening);
    if (dampening > 1) throw new ConfigError(`SGD: dampening must be in [0, 1], found ${dampening}`);
    checkBoolean('SGD', 'nesterov', nesterov);
    checkNonNegative('SGD', 'weightDecay', weightDecay);
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new ConfigError(
        `SGD: nesterov requires momentum > 0 and dampening = 0, found momentum ${momentum}, dampening ${dampening}`,
      );
    }
    this.momentum = momentum;
    this.dampening = dampening;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
    this.args = { lr, momentum, dampening, nesterov, weightDecay, firstStep: true };
  }

  get l2(): number {
    return this.weightDecay;
  }

  protected initSlots(p: Param, n: number): SgdSlots {
    return { momentumBuffer: this.alloc(p, this.momentum !== 0 ? n : 0) };
  }

  protected argsFor(p: Param, s: ParamState<SgdSlots>): SgdArgs {
    const a = this.args;
    a.lr = this.lr;
    a.weightDecay = this.weightDecay * p.decay;
    a.firstStep = s.step === 1;
    return a;
  }

  hyperparameters(): Record<string, number | boolean | string> {
    const { lr, momentum, dampening, nesterov, weightDecay } = this;
    return { lr, momentum, dampening, nesterov, weightDecay };
  }
}

const SGD_KEYS = ['lr', 'momentum', 'dampening', 'weightDecay'] as const;

/** torch.optim.SGD, with momentum/nesterov if asked (default lr 0.01). */
export const sgd = defineOptimizer('sgd', { lr: 0.01, keys: [...SGD_KEYS, 'nesterov'], make: (p, o: SgdOptions, k) => new SGD(p, o, k) });
/** SGD with momentum 0.9 (default lr 0.01). */
export const momentum = defineOptimizer('momentum', {
  lr: 0.01,
  keys: SGD_KEYS,
  make: (p, o: SgdOptions, k) => new SGD(p, { ...o, momentum: o.momentum ?? 0.9, nesterov: false }, k),
});
/** SGD with Nesterov momentum 0.9 (default lr 0.01). */
export const nesterov = defineOptimizer('nesterov', {
  lr: 0.01,
  keys: SGD_KEYS,
  make: (p, o: SgdOptions, k) => new SGD(p, { ...o, momentum: o.momentum ?? 0.9, nesterov: true }, k),
});
