import type { UpdateRule } from '../../core/fused.js';
import type { AdamArgs, AdamSlots } from '../../core/update-rules.js';
import type { Kernels } from '../../core/kernels.js';
import type { Param } from '../layer.js';
import { defineOptimizer } from './factory.js';
import { BaseOptimizer, checkNonNegative, checkUnitInterval, type ParamState } from './optimizer.js';

export interface AdamOptions {
  /** Learning rate γ (default 1e-3). */
  lr?: number;
  /** Decay β₁ in [0, 1) of the first-moment estimate (default 0.9). */
  beta1?: number;
  /** Decay β₂ in [0, 1) of the second-moment estimate (default 0.999). */
  beta2?: number;
  /** ε ≥ 0 added to the root of the corrected second moment (default 1e-8). */
  eps?: number;
  /**
   * Weight decay λ ≥ 0, scaled per parameter by `param.decay`. Coupled L2 (added to the gradient)
   * for Adam (default 0); decoupled for AdamW (default 0.01).
   */
  weightDecay?: number;
}

/** Adam's slots (torch's `exp_avg` m, `exp_avg_sq` v) and step scalars: the core's, shared with fused kernels. */
export type { AdamArgs, AdamSlots };

/**
 * The rule below (and AdamW's) as a loop over one parameter, in float64 arithmetic (a backend may
 * run a fused 'adam'): γ·m̂/(√v̂ + ε) = (γ/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε), as torch computes it.
 */
export const adamRule: UpdateRule<AdamSlots, AdamArgs> = {
  name: 'adam',
  loop(p, g, { expAvg: m, expAvgSq: v }, { lr, beta1, beta2, eps, weightDecay, decoupled, step }) {
    const stepSize = lr / (1 - Math.pow(beta1, step));
    const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    for (let i = 0; i < p.length; i++) {
      let d = g[i];
      if (decoupled) p[i] *= 1 - lr * weightDecay;
      else d += weightDecay * p[i];
      m[i] = beta1 * m[i] + (1 - beta1) * d;
      v[i] = beta2 * v[i] + (1 - beta2) * d * d;
      p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + eps);
    }
  },
};

/**
 * Adam with coupled L2 weight decay, as `torch.optim.Adam` (amsgrad = false).
 *
 * @remarks
 * For each parameter θ with gradient g at step t (λ = weightDecay·param.decay; m, v start at 0):
 *
 *     g ← g + λ·θ
 *     m ← β₁·m + (1 − β₁)·g
 *     v ← β₂·v + (1 − β₂)·g²
 *     m̂ ← m / (1 − β₁ᵗ),   v̂ ← v / (1 − β₂ᵗ)
 *     θ ← θ − γ·m̂ / (√v̂ + ε)
 *
 * https://pytorch.org/docs/stable/generated/torch.optim.Adam.html — Kingma & Ba, "Adam: A Method
 * for Stochastic Optimization" (ICLR 2015), https://arxiv.org/abs/1412.6980
 */
export class Adam extends BaseOptimizer<AdamSlots, AdamArgs> {
  readonly name: string = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly args: AdamArgs;

  /** `decoupled` is AdamW's switch (use the AdamW class); it also makes weightDecay default to 0.01. */
  constructor(params: readonly Param[], opts: AdamOptions = {}, kernels?: Kernels, decoupled = false) {
    const where = decoupled ? 'AdamW' : 'Adam';
    const { lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = decoupled ? 0.01 : 0 } = opts;
    super(where, params, lr, kernels, adamRule);
    checkUnitInterval(where, 'beta1', beta1);
    checkUnitInterval(where, 'beta2', beta2);
    checkNonNegative(where, 'eps', eps);
    checkNonNegative(where, 'weightDecay', weightDecay);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.args = { lr, beta1, beta2, eps, weightDecay, decoupled, step: 1 };
  }

  /** Coupled L2 coefficient; AdamW's decoupled decay is not the gradient of a loss term, so 0. */
  get l2(): number {
    return this.args.decoupled ? 0 : this.weightDecay;
  }

  protected initSlots(p: Param, n: number): AdamSlots {
    return { expAvg: this.alloc(p, n), expAvgSq: this.alloc(p, n) };
  }

  protected argsFor(p: Param, s: ParamState<AdamSlots>): AdamArgs {
    const a = this.args;
    a.lr = this.lr;
    a.weightDecay = this.weightDecay * p.decay;
    a.step = s.step;
    return a;
  }

  hyperparameters(): Record<string, number | boolean | string> {
    const { lr, beta1, beta2, eps, weightDecay } = this;
    return { lr, beta1, beta2, eps, weightDecay };
  }
}

/** torch.optim.Adam, coupled L2 (default lr 1e-3). */
export const adam = defineOptimizer('adam', {
  lr: 1e-3,
  keys: ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'],
  make: (p, o: AdamOptions, k) => new Adam(p, o, k),
});
