/**
 * What a training step does to the gradients and targets besides following the loss: L2 on the
 * gradient, clipping of its norm, label smoothing of the targets. Max-norm, a bound applied to the
 * weights after the update, lives with the other weight constraints (./constraints.ts).
 */
import type { Kernels } from '../core/kernels.js';
import type { Matrix } from '../core/matrix.js';
import { ConfigError } from '../errors.js';
import type { Loss } from './losses/index.js';
import type { Sequential } from './model.js';

/**
 * Adds the gradient of the L2 penalty ½·λ·Σ decay·‖w‖² to every parameter's gradient (decay: 1 for
 * weights, 0 for biases) — as a term of the loss would, so it is clipped with the rest.
 * @remarks g ← g + λ·decay·w
 */
export function addL2Gradient(model: Sequential, lambda: number): void {
  const k = model.kernels;
  for (const p of model.params()) if (p.decay !== 0) k.axpy(lambda * p.decay, p.value.data, p.grad.data, p.value.size);
}

/**
 * Scales all gradients so their global L2 norm is at most `c` (torch's `clip_grad_norm_`);
 * returns the norm before.
 * @remarks ‖g‖ = √Σ g²;  g ← g·c/(‖g‖ + 1e-6) when ‖g‖ > c.
 */
export function clipGradNorm(model: Sequential, c: number): number {
  const g = model.gradArena;
  const k = model.kernels;
  const norm = Math.sqrt(k.sumSquares(g, g.length));
  if (norm > c) k.affine(g, c / (norm + 1e-6), 0, g.length);
  return norm;
}

/**
 * Label smoothing in place (Szegedy et al. 2016, https://arxiv.org/abs/1512.00567), over the live rows.
 * @remarks t ← (1−ε)·t + ε/K.   target: [batch, classes]
 */
export function smoothLabels(k: Kernels, target: Matrix, eps: number, classes: number = target.cols): void {
  k.affine(target.data, 1 - eps, eps / classes, target.size);
}

/** K of the smoothing rule t = (1−ε)·t + ε/K: the class count for softmax, 2 for sigmoid outputs. */
export function smoothingClassCount(loss: Loss, eps: number, outputWidth: number): number {
  if (!(eps >= 0 && eps < 1)) throw new ConfigError(`fit: labelSmoothing must be in [0, 1), found ${eps}`);
  if (loss.output === 'linear') throw new ConfigError(`fit: labelSmoothing needs a cross-entropy loss, found ${loss.name}`);
  return loss.name === 'softmax_cross_entropy' ? outputWidth : 2;
}
