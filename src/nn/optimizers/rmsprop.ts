import type { UpdateRule } from '../../core/fused.js';
import type { RmspropArgs, RmspropSlots } from '../../core/update-rules.js';
import type { Kernels } from '../../core/kernels.js';
import type { Param } from '../layer.js';
import { defineOptimizer } from './factory.js';
import { BaseOptimizer, checkBoolean, checkNonNegative, checkUnitInterval } from './optimizer.js';

export interface RmspropOptions {
  /** Learning rate γ (default 0.01, as torch). */
  lr?: number;
  /** Smoothing constant α in [0, 1) of the square average (default 0.99). */
  alpha?: number;
  /** ε ≥ 0 added to the root of the square average (default 1e-8). */
  eps?: number;
  /** Coupled L2 coefficient λ ≥ 0, scaled per parameter by `param.decay` (default 0). */
  weightDecay?: number;
  /** Momentum factor μ ≥ 0 (default 0). */
  momentum?: number;
  /** Divide by an estimate of the gradient's variance instead of its second moment (default false). */
  centered?: boolean;
}

/** The rule's slots and step scalars: the core's, shared with fused kernels. */
export type { RmspropArgs, RmspropSlots };

/** The rule below as a loop over one parameter, in float64 arithmetic (a backend may run a fused 'rmsprop'). */
export const rmspropRule: UpdateRule<RmspropSlots, RmspropArgs> = {
  name: 'rmsprop',
  loop(p, g, { squareAvg: v, momentumBuffer: b, gradAvg }, { lr, alpha, eps, weightDecay, momentum, centered }) {
    for (let i = 0; i < p.length; i++) {
      const d = g[i] + weightDecay * p[i];
      v[i] = alpha * v[i] + (1 - alpha) * d * d;
      let avg: number;
      if (centered) {
        gradAvg[i] = alpha * gradAvg[i] + (1 - alpha) * d;
        avg = Math.sqrt(v[i] - gradAvg[i] * gradAvg[i]) + eps;
      } else {
        avg = Math.sqrt(v[i]) + eps;
      }
      if (momentum > 0) {
        b[i] = momentum * b[i] + d / avg;
        p[i] -= lr * b[i];
      } else {
        p[i] -= (lr * d) / avg;
      }
    }
  },
};

/**
 * RMSprop, as `torch.optim.RMSprop`.
 *
 * @remarks
 * For each parameter θ with gradient g (λ = weightDecay·param.decay; v, ḡ, b start at 0):
 *
 *     g ← g + λ·θ
 *     v ← α·v + (1 − α)·g²
 *     ṽ ← v − ḡ², with ḡ ← α·ḡ + (1 − α)·g   if centered,  else  ṽ ← v
 *     if μ > 0:  b ← μ·b + g / (√ṽ + ε);   θ ← θ − γ·b
 *     else:      θ ← θ − γ·g / (√ṽ + ε)
 *
 * https://pytorch.org/docs/stable/generated/torch.optim.RMSprop.html — Hinton, Neural Networks for
 * Machine Learning, lecture 6e, https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf;
 * the centered form is Graves, "Generating Sequences With Recurrent Neural Networks" (2013),
 * https://arxiv.org/abs/1308.0850
 */
export class RMSprop extends BaseOptimizer<RmspropSlots, RmspropArgs> {
  readonly name = 'rmsprop';
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly centered: boolean;
  private readonly args: RmspropArgs;

  constructor(params: readonly Param[], opts: RmspropOptions = {}, kernels?: Kernels) {
    const { lr = 0.01, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false } = opts;
    super('RMSprop', params, lr, kernels, rmspropRule);
    checkUnitInterval('RMSprop', 'alpha', alpha);
    checkNonNegative('RMSprop', 'eps', eps);
    checkNonNegative('RMSprop', 'weightDecay', weightDecay);
    checkNonNegative('RMSprop', 'momentum', momentum);
    checkBoolean('RMSprop', 'centered', centered);
    this.alpha = alpha;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.momentum = momentum;
    this.centered = centered;
    this.args = { lr, alpha, eps, weightDecay, momentum, centered };
  }

  get l2(): number {
    return this.weightDecay;
  }

  protected initSlots(p: Param, n: number): RmspropSlots {
    return {
      squareAvg: this.alloc(p, n),
      momentumBuffer: this.alloc(p, this.momentum > 0 ? n : 0),
      gradAvg: this.alloc(p, this.centered ? n : 0),
    };
  }

  protected argsFor(p: Param): RmspropArgs {
    const a = this.args;
    a.lr = this.lr;
    a.weightDecay = this.weightDecay * p.decay;
    return a;
  }

  hyperparameters(): Record<string, number | boolean | string> {
    const { lr, alpha, eps, weightDecay, momentum, centered } = this;
    return { lr, alpha, eps, weightDecay, momentum, centered };
  }
}

/** torch.optim.RMSprop (default lr 0.01). */
export const rmsprop = defineOptimizer('rmsprop', {
  lr: 0.01,
  keys: ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered'],
  make: (p, o: RmspropOptions, k) => new RMSprop(p, o, k),
});
