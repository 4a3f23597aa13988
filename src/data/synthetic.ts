/**
 * Two-class toy sets in the plane, generated from a seed: two interleaved spirals and two moons.
 * Both have 2 features and `numClasses: 2` (one sigmoid output + BCE in the trainer), equal class
 * sizes, and a stratified train/test split drawn from the same seed.
 */
import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/random.js';
import { ConfigError } from '../errors.js';
import { splitValidation, type Dataset, type DatasetSplit } from './dataset.js';

export interface SyntheticOptions {
  /** Seed of the points, the noise and the split. Default 0. */
  seed?: number;
  /** Total number of points (both classes, train + test), ≥ 10. Default 1000. */
  samples?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. Default: spirals 0.05, moons 0.1. */
  noise?: number;
  /** Share of each class held out for testing, in (0, 1). Default 0.2. */
  testFraction?: number;
}

/** Generates point `i` of `m` of class `c` (noise-free): writes 2 coordinates to `out`. */
type Curve = (c: 0 | 1, i: number, m: number, out: Float64Array) => void;

/** Two spirals of 2 turns each, radius 0.1 → 1; class 1 is class 0 rotated by π (Lang & Witbrock 1988). */
const spiral: Curve = (c, i, m, out) => {
  const s = m > 1 ? i / (m - 1) : 0;
  const r = 0.1 + 0.9 * s;
  const theta = 2 * Math.PI * 2 * s;
  const sign = c === 0 ? 1 : -1;
  out[0] = sign * r * Math.cos(theta);
  out[1] = sign * r * Math.sin(theta);
};

/** sklearn's `make_moons`: class 0 the upper half circle, class 1 the lower one shifted by (1, −0.5). */
const moon: Curve = (c, i, m, out) => {
  const t = m > 1 ? (Math.PI * i) / (m - 1) : 0;
  if (c === 0) {
    out[0] = Math.cos(t);
    out[1] = Math.sin(t);
  } else {
    out[0] = 1 - Math.cos(t);
    out[1] = 0.5 - Math.sin(t);
  }
};

function generate(name: string, curve: Curve, classNames: string[], defaultNoise: number, opts: SyntheticOptions): DatasetSplit {
  const { seed = 0, samples = 1000, noise = defaultNoise, testFraction = 0.2 } = opts;
  if (!(Number.isInteger(samples) && samples >= 10)) {
    throw new ConfigError(`${name}: samples must be an integer ≥ 10, found ${samples}`);
  }
  if (!(Number.isFinite(noise) && noise >= 0)) throw new ConfigError(`${name}: noise must be a number ≥ 0, found ${noise}`);
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new ConfigError(`${name}: testFraction must be in (0, 1), found ${testFraction}`);
  }
  const root = new Rng(seed, name);
  const rng = root.stream('points');
  const x = Matrix.zeros(samples, 2, 'float32'); // [samples, 2]
  const y = new Int32Array(samples);
  const sizes = [Math.ceil(samples / 2), Math.floor(samples / 2)];
  const p = new Float64Array(2);
  let row = 0;
  for (const c of [0, 1] as const) {
    for (let i = 0; i < sizes[c]; i++, row++) {
      curve(c, i, sizes[c], p);
      x.data[row * 2] = p[0] + noise * rng.normal();
      x.data[row * 2 + 1] = p[1] + noise * rng.normal();
      y[row] = c;
    }
  }
  const all: Dataset = { name, x, y, numClasses: 2, classNames };
  const { train, val } = splitValidation(all, testFraction, root.stream('split'), { stratified: true });
  train.name = `${name} train`;
  val.name = `${name} test`;
  return {
    train,
    test: val,
    source: `generated: ${name}, seed ${seed}, ${samples} samples, noise ${noise}`,
    description: `${name}: ${train.x.rows} train / ${val.x.rows} test points in 2-D, 2 classes (seed ${seed}, noise ${noise})`,
  };
}

/**
 * Two interleaved spirals: x `[samples, 2]` in about [−1, 1]², y in {0, 1}, classes of equal size
 * (±1 for an odd count), split 80/20 per class by default.
 */
export async function loadSpirals(opts: SyntheticOptions = {}): Promise<DatasetSplit> {
  return generate('spirals', spiral, ['spiral A', 'spiral B'], 0.05, opts);
}

/** Two interleaving half circles (as sklearn's `make_moons`): x `[samples, 2]`, y in {0, 1}. */
export async function loadMoons(opts: SyntheticOptions = {}): Promise<DatasetSplit> {
  return generate('moons', moon, ['upper moon', 'lower moon'], 0.1, opts);
}
