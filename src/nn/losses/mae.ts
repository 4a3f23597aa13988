import type { LossRule } from '../../core/fused.js';
import { defineLoss } from './define.js';
import { BaseLoss } from './loss.js';

/** The loop over every element of p, t `[N, K]`: d = p − t, ℓ = |d|, g = scale·sign(d) (0 where d = 0). */
export const maeRule: LossRule<void> = {
  name: 'mae',
  loop(p, t, g, scale) {
    const P = p.data;
    const T = t.data;
    let loss = 0;
    for (let i = 0; i < p.size; i++) {
      const d = P[i] - T[i];
      loss += Math.abs(d);
      if (g) g.data[i] = d > 0 ? scale : d < 0 ? -scale : 0;
    }
    return loss;
  },
};

/**
 * Mean absolute error over every element (as torch's L1Loss).
 * @remarks L = (1/(N·K)) Σ |p − t|;  ∂L/∂p = sign(p − t)/(N·K) (0 where p = t, as torch).
 */
export class MeanAbsoluteError extends BaseLoss {
  readonly name = 'mae';
  readonly output = 'linear';

  constructor() {
    super(maeRule, undefined, 'elements');
  }
}

/** Mean absolute error; also named by torch's and Keras's spellings. */
export const mae = defineLoss('mae', {
  aliases: ['l1', 'mean_absolute_error'],
  make: () => new MeanAbsoluteError(),
});
