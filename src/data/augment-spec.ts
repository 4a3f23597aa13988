import { ConfigError } from '../errors.js';
import { clip } from '../io/json-guard.js';

/** Elastic distortion (Simard, Steinkraus & Platt 2003): a smoothed random displacement field. */
export interface ElasticOptions {
  /** Scale of the displacement field, in pixels per unit of smoothed noise (Simard: 34 on 28×28). */
  alpha: number;
  /** Standard deviation of the Gaussian that smooths the noise, in pixels (Simard: 4). */
  sigma: number;
}

/** What to do to each training image; every magnitude defaults to 0 (off). */
export interface AugmentSpec {
  /** Largest shift in pixels; each image shifts by (tx, ty) ~ U[-translate, translate]². */
  translate?: number;
  /** Largest rotation in degrees; angle ~ U[-rotate, rotate], positive = counterclockwise on screen. */
  rotate?: number;
  /** Largest relative zoom; factor ~ 1 + U[-scale, scale], so `scale` must be below 1. */
  scale?: number;
  /** Elastic distortion; off when absent or when `alpha` is 0. */
  elastic?: ElasticOptions;
  /** Chance that an image is augmented at all; the others are copied unchanged. Default 1. */
  probability?: number;
}



/** A sensible MNIST setting (28×28 digits): small affine jitter plus Simard's elastic field. */
export const MNIST_AUGMENT: Readonly<AugmentSpec> = Object.freeze({
  translate: 2,
  rotate: 10,
  scale: 0.1,
  elastic: Object.freeze({ alpha: 34, sigma: 4 }),
  probability: 1,
});

/**
 * Parses a comma-separated spec such as `translate=2,rotate=10,scale=0.1,elastic=34:4,p=0.5`.
 * `mnist` (or `default`) expands to {@link MNIST_AUGMENT}, later tokens override it; `none` or an
 * empty string gives `{}` (no augmentation); `elastic=0` turns elastic off. Throws a ConfigError
 * naming the bad token. Values are range-checked here too, so a bad spec fails before training.
 */
export function parseAugmentSpec(spec: string): AugmentSpec {
  const out: AugmentSpec = {};
  const seen = new Set<string>();
  const trimmed = spec.trim();
  if (trimmed === '' || trimmed === 'none') return out;
  for (const raw of trimmed.split(',')) {
    const token = raw.trim();
    if (token === 'mnist' || token === 'default') {
      Object.assign(out, MNIST_AUGMENT, { elastic: { ...MNIST_AUGMENT.elastic! } });
      continue;
    }
    const eq = token.indexOf('=');
    const bad = (why: string) =>
      new ConfigError(
        `augment spec: bad token '${clip(token, 40)}' in '${clip(spec, 80)}': ${why} ` +
          `(expected e.g. 'translate=2,rotate=10,scale=0.1,elastic=34:4,p=1', or 'mnist')`,
      );
    if (eq <= 0) throw bad('expected key=value');
    const key = token.slice(0, eq).trim();
    const value = token.slice(eq + 1).trim();
    const canonical = key === 'p' ? 'probability' : key;
    if (seen.has(canonical)) throw bad(`${canonical} given twice`);
    seen.add(canonical);
    const num = (s: string): number => {
      const v = s === '' ? NaN : Number(s);
      if (!Number.isFinite(v)) throw bad(`'${clip(s, 40)}' is not a number`);
      if (v < 0) throw bad(`must not be negative`);
      return v;
    };
    switch (canonical) {
      case 'translate':
        out.translate = num(value);
        break;
      case 'rotate':
        out.rotate = num(value);
        if (out.rotate > 180) throw bad('rotate is in degrees, at most 180');
        break;
      case 'scale':
        out.scale = num(value);
        if (out.scale >= 1) throw bad('scale is relative, must be below 1');
        break;
      case 'probability':
        out.probability = num(value);
        if (out.probability > 1) throw bad('probability must be in [0, 1]');
        break;
      case 'elastic': {
        if (value === '0' || value === 'off') {
          delete out.elastic;
          break;
        }
        const parts = value.split(':');
        if (parts.length !== 2) throw bad('elastic takes alpha:sigma, e.g. elastic=34:4');
        const alpha = num(parts[0]);
        const sigma = num(parts[1]);
        if (sigma === 0) throw bad('sigma must be positive');
        out.elastic = { alpha, sigma };
        break;
      }
      default:
        throw bad(`unknown key '${clip(key, 40)}'`);
    }
  }
  return out;
}
