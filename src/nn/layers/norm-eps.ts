import { ConfigError } from '../../errors.js';

/**
 * Smallest ε a normalisation layer takes: float32's smallest normal number, 2^-126 ≈ 1.18e-38. Above
 * it 1/√(σ² + ε) is finite in float32 even for a constant feature (σ² = 0); below, x̂ = 0·∞ = NaN.
 */
export const MIN_EPS = 2 ** -126;

/** `eps` if it is a finite number ≥ {@link MIN_EPS}. @throws ConfigError naming the layer */
export function checkEps(eps: number, layer: string): number {
  if (!(eps >= MIN_EPS && Number.isFinite(eps))) {
    throw new ConfigError(`${layer}: eps must be a finite number ≥ ${MIN_EPS.toPrecision(3)} (float32's smallest normal number, so that 1/√eps is finite), found ${eps}`);
  }
  return eps;
}
