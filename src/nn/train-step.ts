/**
 * One step of training: forward → loss → backward → regularise → update. `fit` (./train.ts) runs
 * it once a batch; everything around it (epochs, metrics, checkpoints, abort, rollback) is there.
 */
import type { Matrix } from '../core/matrix.js';
import type { WeightConstraint } from './constraints.js';
import type { Loss } from './losses/index.js';
import type { Sequential } from './model.js';
import type { Optimizer } from './optimizers/optimizer.js';
import { addL2Gradient, clipGradNorm } from './regularisers.js';

/** A mini-batch as the step reads it (a BatchIterator is one). */
export interface Batch {
  /** x: [batch, in] */
  readonly x: Matrix;
  /** t: [batch, out] */
  readonly target: Matrix;
  /** Starts copying the next batch while this one trains (or does nothing). */
  prefetch(): void;
}

/** What a step works with, built once per run: the step itself allocates nothing. */
export interface TrainStep {
  readonly model: Sequential;
  readonly loss: Loss;
  readonly optimizer: Optimizer;
  /** L2 λ on the gradient (0: none). */
  readonly l2: number;
  /** Bound c on the gradient's global norm (undefined: none). */
  readonly clipNorm: number | undefined;
  /** Applied to the weights after each update (max-norm, ./constraints.ts), or null. */
  readonly constraint: WeightConstraint | null;
  /** The last step's outputs y: [batch, out] (logits for classifiers), for the epoch's accuracy. */
  output: Matrix | null;
}

/** The {@link TrainStep} of a model, loss and optimizer with these regularisers. */
export function prepareStep(
  model: Sequential,
  loss: Loss,
  optimizer: Optimizer,
  { l2 = 0, clipNorm, constraint = null }: { l2?: number; clipNorm?: number; constraint?: WeightConstraint | null } = {},
): TrainStep {
  return { model, loss, optimizer, l2, clipNorm, constraint, output: null };
}

/**
 * One step of mini-batch gradient descent on `batch`, the parameters θ updated in place.
 * @remarks
 * ```
 * y = f(x; θ)                        forward in training mode (dropout draws its masks)
 * L = (1/B)·Σᵢ ℓ(yᵢ, tᵢ)             the loss, mean over the batch's B rows
 * g = ∂L/∂θ                          gradients cleared, then each layer's backward adds its part
 * g ← g + λ·decay·θ                  L2 (decay 1 for weights, 0 for biases)
 * g ← g·c/(‖g‖ + 1e-6) if ‖g‖ > c    clipping of the global norm
 * θ ← update(θ, g)                   the optimizer's rule (SGD: θ ← θ − lr·g)
 * w_:j ← w_:j·min(1, m/‖w_:j‖)       max-norm of each hidden unit's incoming weights
 * ```
 * A loss that is not finite (NaN, ±Inf) ends the step before the backward pass, θ untouched;
 * `fit` then rolls back and stops (./rollback.ts).
 * @returns L
 */
export function trainStep(s: TrainStep, batch: Batch): number {
  const { model, loss, optimizer } = s;
  const y = model.forward(batch.x, 'train');
  s.output = y;
  batch.prefetch(); // with the wasm backend a worker thread copies the next batch meanwhile
  const L = loss.forward(y, batch.target);
  if (!Number.isFinite(L)) return L;
  model.zeroGrad();
  model.backward(loss.backward());
  if (s.l2 > 0) addL2Gradient(model, s.l2);
  if (s.clipNorm !== undefined) clipGradNorm(model, s.clipNorm);
  optimizer.step();
  if (s.constraint) s.constraint.apply();
  return L;
}
