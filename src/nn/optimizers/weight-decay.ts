import type { Kernels } from '../../core/kernels.js';
import type { Param } from '../layer.js';

/**
 * The L2 penalty that coupled weight decay minimises: ½·λ·Σ_p decay_p·‖w_p‖².
 *
 * @remarks
 * PyTorch's coupled `weight_decay` λ (SGD, Adagrad, RMSprop, Adam) adds λ·w to the gradient before
 * the update: g ← g + λ·w. That is the gradient of (λ/2)·‖w‖², so training with `weightDecay: λ`
 * minimises  data loss + (λ/2)·Σ decay·‖w‖²  — this function returns the second term, which a trainer
 * reports as its own loss value (the data loss then stays comparable across runs). `decay` is each
 * parameter's multiplier (1 for weights, 0 for biases), matching the λ·decay the optimizers pass to
 * their kernels. AdamW's decoupled decay w ← w·(1 − lr·λ) is not the gradient of any loss term
 * under Adam's per-coordinate scaling, so AdamW reports `l2 = 0`.
 */
export function l2Penalty(params: readonly Param[], lambda: number, kernels: Kernels): number {
  if (lambda === 0) return 0;
  let s = 0;
  for (const p of params) if (p.decay !== 0) s += p.decay * kernels.sumSquares(p.value.data, p.value.size);
  return 0.5 * lambda * s;
}
