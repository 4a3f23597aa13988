import { DivergenceError } from '../errors.js';
import type { Sequential } from './model.js';

/**
 * Divergence rollback for `fit`: keeps the weights of the end of the last good epoch (the initial
 * ones during the first) and, when a step's loss is NaN or ±Inf, puts them back and throws.
 */
export class DivergenceRollback {
  /** The weights to go back to (the model's getWeights layout). */
  readonly lastGood: Float32Array;

  constructor(private readonly model: Sequential) {
    this.lastGood = model.getWeights();
  }

  /** At an epoch's end: its weights become the ones to go back to. */
  keep(): void {
    this.model.getWeights(this.lastGood);
  }

  /** After step `step` (1-based) of epoch `epoch`: a DivergenceError, the weights put back, unless `loss` is finite. */
  check(loss: number, epoch: number, step: number): void {
    if (Number.isFinite(loss)) return;
    this.model.setWeights(this.lastGood);
    throw new DivergenceError(
      `training diverged: the loss became ${loss} at epoch ${epoch}, step ${step}; ` +
        `weights restored to the ${epoch === 1 ? 'initial values' : `end of epoch ${epoch - 1}`} (try a lower learning rate)`,
      epoch,
      step,
    );
  }
}
