import type { Kernels } from '../../core/kernels.js';
import type { Param } from '../layer.js';
import { adam, Adam, type AdamOptions } from './adam.js';
import { defineOptimizer } from './factory.js';

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
export class AdamW extends Adam {
  override readonly name: string = 'adamw';

  constructor(params: readonly Param[], opts: AdamOptions = {}, kernels?: Kernels) {
    super(params, opts, kernels, true);
  }
}

/** torch.optim.AdamW, decoupled weight decay 0.01 (default lr 1e-3). */
export const adamw = defineOptimizer('adamw', { lr: 1e-3, keys: adam.keys, make: (p, o: AdamOptions, k) => new AdamW(p, o, k) });
