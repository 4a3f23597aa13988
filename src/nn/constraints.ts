import { ConfigError } from '../errors.js';
import type { Param } from './layer.js';
import { Dense } from './layers/dense.js';
import type { Sequential } from './model.js';

/** The weights a max-norm constraint bounds: W [in, out] of every Dense layer but the last. */
export function maxNormWeights(model: Sequential): Param[] {
  const dense = model.layers.filter((l): l is Dense => l instanceof Dense);
  return dense.slice(0, -1).map((l) => l.params()[0]);
}

/**
 * Max-norm constraint (Srivastava et al. 2014, §5.1, https://jmlr.org/papers/v15/srivastava14a.html),
 * applied after each optimizer step: every hidden unit's incoming weight vector — a column of a
 * hidden Dense layer's W [in, out] — is rescaled onto the ball of radius c when it lies outside
 * (the kernels' renormCols). The output layer (the last Dense) is left free, as in the paper; biases
 * are never constrained. `weights`: {@link maxNormWeights}, found once per run.
 * @remarks w_:j ← w_:j · min(1, c / ‖w_:j‖₂)
 * @returns the number of columns rescaled
 */
export function applyMaxNorm(model: Sequential, c: number, weights: readonly Param[] = maxNormWeights(model)): number {
  if (!(c > 0 && Number.isFinite(c))) throw new ConfigError(`maxNorm: the norm bound must be > 0, found ${c}`);
  let clipped = 0;
  for (const w of weights) {
    clipped += model.kernels.renormCols(w.value, c);
    w.version++;
  }
  return clipped;
}

/** A bound on the weights, applied after each optimizer step (max-norm): the step's `constraint` (./train-step.ts). */
export interface WeightConstraint {
  apply(): void;
}

/** Max-norm c over `model`'s hidden weights as a step's constraint (the weights found once, here). */
export function maxNormConstraint(model: Sequential, c: number): WeightConstraint {
  const weights = maxNormWeights(model);
  return { apply: () => void applyMaxNorm(model, c, weights) };
}
