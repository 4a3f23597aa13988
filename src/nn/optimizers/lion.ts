import type { UpdateRule } from '../../core/fused.js';
import type { LionArgs, LionSlots } from '../../core/update-rules.js';
import type { Kernels } from '../../core/kernels.js';
import type { Param } from '../layer.js';
import { defineOptimizer } from './factory.js';
import { BaseOptimizer, checkNonNegative, checkUnitInterval } from './optimizer.js';

export interface LionOptions {
  /** Learning rate γ (default 1e-4: the sign update moves every weight by γ, so 3–10× below AdamW's). */
  lr?: number;
  /** Interpolation β₁ in [0, 1) between momentum and gradient for the update's sign (default 0.9). */
  beta1?: number;
  /** Decay β₂ in [0, 1) of the momentum (default 0.99). */
  beta2?: number;
  /** Decoupled weight decay λ ≥ 0, scaled per parameter by `param.decay` (default 0). */
  weightDecay?: number;
}

/** The rule's slots and step scalars: the core's, shared with fused kernels. */
export type { LionArgs, LionSlots };

/** The rule below as a loop over one parameter, in float64 arithmetic (a backend may run a fused 'lion'). */
export const lionRule: UpdateRule<LionSlots, LionArgs> = {
  name: 'lion',
  loop(p, g, { expAvg: m }, { lr, beta1, beta2, weightDecay }) {
    for (let i = 0; i < p.length; i++) {
      p[i] *= 1 - lr * weightDecay;
      const c = beta1 * m[i] + (1 - beta1) * g[i];
      p[i] -= lr * Math.sign(c);
      m[i] = beta2 * m[i] + (1 - beta2) * g[i];
    }
  },
};

/**
 * Lion (EvoLved Sign Momentum), as lucidrains/lion-pytorch.
 *
 * @remarks
 * For each parameter θ with gradient g (λ = weightDecay·param.decay; m starts at 0):
 *
 *     θ ← θ·(1 − γ·λ)
 *     c ← β₁·m + (1 − β₁)·g
 *     θ ← θ − γ·sign(c)           (sign(0) = 0, as torch.sign)
 *     m ← β₂·m + (1 − β₂)·g
 *
 * Every weight moves by ±γ per step whatever the gradient's scale; the decay is decoupled (as
 * AdamW's), so it is not a loss term and `l2` is 0. Chen et al., "Symbolic Discovery of
 * Optimization Algorithms" (2023), https://arxiv.org/abs/2302.06675 — Algorithm 2;
 * https://github.com/lucidrains/lion-pytorch
 */
export class Lion extends BaseOptimizer<LionSlots, LionArgs> {
  readonly name = 'lion';
  readonly beta1: number;
  readonly beta2: number;
  readonly weightDecay: number;
  private readonly args: LionArgs;

  constructor(params: readonly Param[], opts: LionOptions = {}, kernels?: Kernels) {
    const { lr = 1e-4, beta1 = 0.9, beta2 = 0.99, weightDecay = 0 } = opts;
    super('Lion', params, lr, kernels, lionRule);
    checkUnitInterval('Lion', 'beta1', beta1);
    checkUnitInterval('Lion', 'beta2', beta2);
    checkNonNegative('Lion', 'weightDecay', weightDecay);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.weightDecay = weightDecay;
    this.args = { lr, beta1, beta2, weightDecay };
  }

  /** Decoupled decay is not the gradient of a loss term. */
  get l2(): number {
    return 0;
  }

  protected initSlots(p: Param, n: number): LionSlots {
    return { expAvg: this.alloc(p, n) };
  }

  protected argsFor(p: Param): LionArgs {
    const a = this.args;
    a.lr = this.lr;
    a.weightDecay = this.weightDecay * p.decay;
    return a;
  }

  hyperparameters(): Record<string, number | boolean | string> {
    const { lr, beta1, beta2, weightDecay } = this;
    return { lr, beta1, beta2, weightDecay };
  }
}

/** Lion, decoupled weight decay (default lr 1e-4). */
export const lion = defineOptimizer('lion', {
  lr: 1e-4,
  keys: ['lr', 'beta1', 'beta2', 'weightDecay'],
  make: (p, o: LionOptions, k) => new Lion(p, o, k),
});
