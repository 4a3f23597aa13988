import { sigmoid } from '../../core/activations.js';
import type { LossRule } from '../../core/fused.js';
import { defineLoss } from './define.js';
import { BaseLoss } from './loss.js';

/**
 * The loop over every element of z, t `[N, K]`: ℓ = max(z, 0) − z·t + log(1 + e^{−|z|}) (finite for
 * any z), then g = scale·(σ(z) − t).
 */
export const sigmoidCrossEntropyRule: LossRule<void> = {
  name: 'sigmoid_cross_entropy',
  loop(z, t, g, scale) {
    const Z = z.data;
    const T = t.data;
    const n = z.size;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const zi = Z[i];
      loss += Math.max(zi, 0) - zi * T[i] + Math.log1p(Math.exp(-Math.abs(zi)));
    }
    if (g) {
      const G = g.data;
      for (let i = 0; i < n; i++) G[i] = scale * (sigmoid(Z[i]) - T[i]);
    }
    return loss;
  },
};

/**
 * Sigmoid + binary cross-entropy from logits, fused, averaged over every element (as torch's
 * BCEWithLogitsLoss).
 * @remarks
 * ℓ(z, t) = −t·log σ(z) − (1 − t)·log(1 − σ(z)) = max(z, 0) − z·t + log(1 + e^{−|z|});
 * ∂ℓ/∂z = σ(z) − t;  L = mean ℓ over N·K elements.
 */
export class SigmoidCrossEntropy extends BaseLoss {
  readonly name = 'sigmoid_cross_entropy';
  readonly output = 'sigmoid';

  constructor() {
    super(sigmoidCrossEntropyRule, undefined, 'elements');
  }
}

/** Binary cross-entropy from logits; also named by Keras's and torch's spellings. */
export const sigmoidCrossEntropy = defineLoss('sigmoid_cross_entropy', {
  aliases: ['bce', 'binary_crossentropy'],
  make: () => new SigmoidCrossEntropy(),
});
