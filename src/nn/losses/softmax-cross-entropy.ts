import type { LossRule } from '../../core/fused.js';
import { rowLogSumExp } from '../../core/rows-js.js';
import { defineLoss } from './define.js';
import { BaseLoss } from './loss.js';

/**
 * The loop over the rows of z, t `[N, K]` (t possibly soft): loss_i = Σ_j t_ij·(lse_i − z_ij) with
 * lse_i = log Σ_k e^{z_ik} (max-shifted: finite for logits of ±1e4), and g_ij = scale·(softmax(z_i)_j − t_ij),
 * which is ∂loss_i/∂z_ij = softmax(z_i)_j·Σ_k t_ik − t_ij for rows of t that sum to 1.
 */
export const softmaxCrossEntropyRule: LossRule<void> = {
  name: 'softmax_cross_entropy',
  loop(z, t, g, scale) {
    const Z = z.data;
    const T = t.data;
    const cols = z.cols;
    let loss = 0;
    for (let i = 0; i < z.rows; i++) {
      const o = i * cols;
      const lse = rowLogSumExp(Z, o, cols);
      for (let j = 0; j < cols; j++) {
        const tj = T[o + j];
        if (tj !== 0) loss += tj * (lse - Z[o + j]);
      }
      if (g) {
        const G = g.data;
        for (let j = 0; j < cols; j++) G[o + j] = scale * (Math.exp(Z[o + j] - lse) - T[o + j]);
      }
    }
    return loss;
  },
};

/**
 * Softmax + categorical cross-entropy from logits, fused (as torch's CrossEntropyLoss with
 * probability targets), averaged over the N rows.
 * @remarks
 * L = −(1/N) Σ_i Σ_j t_ij·log softmax(z_i)_j,  log softmax(z)_j = z_j − logΣ_k e^{z_k} (max-shifted);
 * ∂L/∂z_ij = (softmax(z_i)_j − t_ij) / N.
 */
export class SoftmaxCrossEntropy extends BaseLoss {
  readonly name = 'softmax_cross_entropy';
  readonly output = 'softmax';

  constructor() {
    super(softmaxCrossEntropyRule, undefined, 'rows');
  }
}

/** Softmax cross-entropy from logits; also named by Keras's and torch's spellings. */
export const softmaxCrossEntropy = defineLoss('softmax_cross_entropy', {
  aliases: ['cross_entropy', 'categorical_crossentropy'],
  make: () => new SoftmaxCrossEntropy(),
});
