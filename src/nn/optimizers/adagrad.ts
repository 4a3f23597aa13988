import type { UpdateRule } from '../../core/fused.js';
import type { AdagradArgs, AdagradSlots } from '../../core/update-rules.js';
import type { Kernels } from '../../core/kernels.js';
import type { Param } from '../layer.js';
import { defineOptimizer } from './factory.js';
import { BaseOptimizer, checkNonNegative, type ParamState } from './optimizer.js';

export interface AdagradOptions {
  /** Learning rate γ (default 0.01). */
  lr?: number;
  /** Learning-rate decay η ≥ 0: the step size is γ / (1 + (t − 1)·η) (default 0). */
  lrDecay?: number;
  /** Coupled L2 coefficient λ ≥ 0, scaled per parameter by `param.decay` (default 0). */
  weightDecay?: number;
  /** Starting value ≥ 0 of the running sum of squared gradients (default 0). */
  initialAccumulatorValue?: number;
  /** ε ≥ 0 added to √sum (default 1e-10, as torch). */
  eps?: number;
}

/** The rule's slots and step scalars: the core's, shared with fused kernels. */
export type { AdagradArgs, AdagradSlots };

/** The rule below as a loop over one parameter, in float64 arithmetic (a backend may run a fused 'adagrad'). */
export const adagradRule: UpdateRule<AdagradSlots, AdagradArgs> = {
  name: 'adagrad',
  loop(p, g, { sum }, { clr, eps, weightDecay }) {
    for (let i = 0; i < p.length; i++) {
      const d = g[i] + weightDecay * p[i];
      sum[i] += d * d;
      p[i] -= (clr * d) / (Math.sqrt(sum[i]) + eps);
    }
  },
};

/**
 * Adagrad, as `torch.optim.Adagrad`.
 *
 * @remarks
 * For each parameter θ with gradient g at step t (λ = weightDecay·param.decay; `sum` starts at
 * initialAccumulatorValue):
 *
 *     γ̃ ← γ / (1 + (t − 1)·η)
 *     g ← g + λ·θ
 *     sum ← sum + g²
 *     θ ← θ − γ̃·g / (√sum + ε)
 *
 * https://pytorch.org/docs/stable/generated/torch.optim.Adagrad.html — Duchi, Hazan & Singer,
 * "Adaptive Subgradient Methods for Online Learning and Stochastic Optimization" (JMLR 2011),
 * https://jmlr.org/papers/v12/duchi11a.html
 */
export class Adagrad extends BaseOptimizer<AdagradSlots, AdagradArgs> {
  readonly name = 'adagrad';
  readonly lrDecay: number;
  readonly weightDecay: number;
  readonly initialAccumulatorValue: number;
  readonly eps: number;
  private readonly args: AdagradArgs;

  constructor(params: readonly Param[], opts: AdagradOptions = {}, kernels?: Kernels) {
    const { lr = 0.01, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10 } = opts;
    super('Adagrad', params, lr, kernels, adagradRule);
    checkNonNegative('Adagrad', 'lrDecay', lrDecay);
    checkNonNegative('Adagrad', 'weightDecay', weightDecay);
    checkNonNegative('Adagrad', 'initialAccumulatorValue', initialAccumulatorValue);
    checkNonNegative('Adagrad', 'eps', eps);
    this.lrDecay = lrDecay;
    this.weightDecay = weightDecay;
    this.initialAccumulatorValue = initialAccumulatorValue;
    this.eps = eps;
    this.args = { clr: lr, eps, weightDecay };
  }

  get l2(): number {
    return this.weightDecay;
  }

  protected initSlots(p: Param, n: number): AdagradSlots {
    const sum = this.alloc(p, n);
    if (this.initialAccumulatorValue !== 0) sum.fill(this.initialAccumulatorValue);
    return { sum };
  }

  protected argsFor(p: Param, s: ParamState<AdagradSlots>): AdagradArgs {
    const a = this.args;
    a.clr = this.lr / (1 + (s.step - 1) * this.lrDecay);
    a.weightDecay = this.weightDecay * p.decay;
    return a;
  }

  hyperparameters(): Record<string, number | boolean | string> {
    const { lr, lrDecay, weightDecay, initialAccumulatorValue, eps } = this;
    return { lr, lrDecay, weightDecay, initialAccumulatorValue, eps };
  }
}

/** torch.optim.Adagrad (default lr 0.01). */
export const adagrad = defineOptimizer('adagrad', {
  lr: 0.01,
  keys: ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'],
  make: (p, o: AdagradOptions, k) => new Adagrad(p, o, k),
});
