import type { LossRule } from '../../core/fused.js';
import { ConfigError } from '../../errors.js';
import { defineLoss } from './define.js';
import { BaseLoss } from './loss.js';

export interface HuberOptions {
  /** δ > 0, where the loss turns from quadratic to linear (default 1, as torch). */
  delta?: number;
}

/** Huber's scalar. */
export type HuberArgs = { delta: number };

/**
 * The loop over every element of p, t `[N, K]`: d = p − t; ℓ = ½d² and g = scale·d where |d| < δ,
 * else ℓ = δ(|d| − ½δ) and g = scale·δ·sign(d).
 */
export const huberRule: LossRule<HuberArgs> = {
  name: 'huber',
  loop(p, t, g, scale, { delta }) {
    const P = p.data;
    const T = t.data;
    let loss = 0;
    for (let i = 0; i < p.size; i++) {
      const d = P[i] - T[i];
      const a = Math.abs(d);
      if (a < delta) {
        loss += 0.5 * d * d;
        if (g) g.data[i] = d * scale;
      } else {
        loss += delta * (a - 0.5 * delta);
        if (g) g.data[i] = (d > 0 ? delta : -delta) * scale;
      }
    }
    return loss;
  },
};

/**
 * Huber loss over every element, as torch's `HuberLoss(delta)` (mean reduction).
 * @remarks
 * d = p − t;  ℓ = ½d² if |d| < δ, else δ(|d| − ½δ);  ∂ℓ/∂p = d if |d| < δ, else δ·sign(d);
 * L = mean ℓ over N·K elements.
 */
export class HuberLoss extends BaseLoss<HuberArgs> {
  readonly name = 'huber';
  readonly output = 'linear';
  readonly delta: number;

  constructor({ delta = 1 }: HuberOptions = {}) {
    if (!(delta > 0 && Number.isFinite(delta))) throw new ConfigError(`HuberLoss: delta must be > 0, found ${delta}`);
    super(huberRule, { delta }, 'elements');
    this.delta = delta;
  }
}

/** Huber loss (`huber({ delta: 0.5 })`). */
export const huber = defineLoss('huber', {
  make: (opts: HuberOptions) => new HuberLoss(opts),
});
