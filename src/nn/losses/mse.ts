import type { LossRule } from '../../core/fused.js';
import { defineLoss } from './define.js';
import { BaseLoss } from './loss.js';

/** The loop over every element of p, t `[N, K]`: d = p − t, ℓ = d², g = scale·2d. */
export const mseRule: LossRule<void> = {
  name: 'mse',
  loop(p, t, g, scale) {
    const P = p.data;
    const T = t.data;
    const n = p.size;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const d = P[i] - T[i];
      loss += d * d;
      if (g) g.data[i] = scale * 2 * d;
    }
    return loss;
  },
};

/**
 * Mean squared error over every element (as torch's MSELoss).
 * @remarks L = (1/(N·K)) Σ (p − t)²;  ∂L/∂p = 2(p − t)/(N·K).
 */
export class MeanSquaredError extends BaseLoss {
  readonly name = 'mse';
  readonly output = 'linear';

  constructor() {
    super(mseRule, undefined, 'elements');
  }
}

/** Mean squared error; also named by Keras's spelling. */
export const mse = defineLoss('mse', {
  aliases: ['mean_squared_error'],
  make: () => new MeanSquaredError(),
});
