import { ConfigError } from '../errors.js';
import type { Matrix } from '../core/matrix.js';
import type { Rng } from '../core/random.js';

/**
 * Weight initialisations for a weight `[fanIn, fanOut]`:
 * - Glorot (Xavier): Var(w) = 2 / (fanIn + fanOut); uniform limit √(6 / (fanIn + fanOut)).
 * - He (Kaiming, fan-in): Var(w) = 2 / fanIn; uniform limit √(6 / fanIn).
 * Normal variants draw N(0, Var); uniform variants U(-limit, limit). `zeros` for biases.
 */
export type InitKind = 'glorot_uniform' | 'glorot_normal' | 'he_uniform' | 'he_normal' | 'zeros';

export const INIT_KINDS: readonly InitKind[] = ['glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'zeros'];

export function checkInit(kind: string, where: string): InitKind {
  if (!(INIT_KINDS as readonly string[]).includes(kind)) {
    throw new ConfigError(`${where}: unknown initializer '${kind}', expected one of ${INIT_KINDS.join(', ')}`);
  }
  return kind as InitKind;
}

/** Fills `w` ([fanIn, fanOut]) in place. */
export function initialize(w: Matrix, kind: InitKind, rng: Rng): void {
  const fanIn = w.rows;
  const fanOut = w.cols;
  const n = w.size;
  const d = w.data;
  const variance = kind.startsWith('glorot') ? 2 / (fanIn + fanOut) : 2 / fanIn;
  switch (kind) {
    case 'zeros':
      d.fill(0, 0, n);
      return;
    case 'glorot_uniform':
    case 'he_uniform': {
      const limit = Math.sqrt(3 * variance);
      // once per parameter at build, one draw after another from the seeded stream
      for (let i = 0; i < n; i++) d[i] = rng.range(-limit, limit);
      return;
    }
    case 'glorot_normal':
    case 'he_normal': {
      const std = Math.sqrt(variance);
      for (let i = 0; i < n; i++) d[i] = std * rng.normal();
      return;
    }
  }
}
