import type { AdamArgs, Kernels } from '../../core/kernels.js';
import type { Param } from '../layer.js';
import type { AdamOptions, AdamSlots } from './adam.js';
import { BaseOptimizer, checkNonNegative, checkUnitInterval, type ParamState } from './optimizer.js';

/**
 * Adam with decoupled weight decay, as `torch.optim.AdamW` (amsgrad = false).
 *
 * @remarks
 * For each parameter θ with gradient g at step t (λ = weightDecay·param.decay; m, v start at 0):
 *
 *     θ ← θ·(1 − γ·λ)
 *     m ← β₁·m + (1 − β₁)·g
 *     v ← β₂·v + (1 − β₂)·g²
 *     m̂ ← m / (1 − β₁ᵗ),   v̂ ← v / (1 − β₂ᵗ)
 *     θ ← θ − γ·m̂ / (√v̂ + ε)
 *
 * Unlike Adam's coupled L2, the decay never passes through m and v, so it is not rescaled by
 * 1/√v̂; it is therefore not the gradient of a loss term, and `l2` is 0.
 *
 * https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html — Loshchilov & Hutter,
 * "Decoupled Weight Decay Regularization" (ICLR 2019), https://arxiv.org/abs/1711.05101
 */
export class AdamW extends BaseOptimizer<AdamSlots> {
  readonly name = 'adamw';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly l2 = 0;
  private readonly args: AdamArgs;

  constructor(params: readonly Param[], opts: AdamOptions = {}, kernels?: Kernels) {
    const { lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01 } = opts;
    super('AdamW', params, lr, kernels);
    checkUnitInterval('AdamW', 'beta1', beta1);
    checkUnitInterval('AdamW', 'beta2', beta2);
    checkNonNegative('AdamW', 'eps', eps);
    checkNonNegative('AdamW', 'weightDecay', weightDecay);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.args = { lr, beta1, beta2, eps, weightDecay, decoupled: true, step: 1 };
  }

  protected initSlots(p: Param, n: number): AdamSlots {
    return { expAvg: this.alloc(p, n), expAvgSq: this.alloc(p, n) };
  }

  protected update(p: Param, s: ParamState<AdamSlots>): void {
    const a = this.args;
    a.lr = this.lr;
    a.weightDecay = this.weightDecay * p.decay;
    a.step = s.step;
    this.kernels.adamStep(p.value.data, p.grad.data, s.slots.expAvg, s.slots.expAvgSq, a);
  }

  hyperparameters(): Record<string, number | boolean | string> {
    const { lr, beta1, beta2, eps, weightDecay } = this;
    return { lr, beta1, beta2, eps, weightDecay };
  }
}
