/**
 * Toy sets in the plane, generated from a seed: two interleaved spirals, two moons, a disc inside a
 * ring, XOR quadrants (2 classes: one sigmoid output + BCE in the trainer) and K Gaussian clusters.
 * All have 2 features, class sizes equal (±1), and a stratified train/test split from the same seed.
 */
import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/random.js';
import { ConfigError } from '../errors.js';
import { splitValidation, type Dataset, type DatasetSplit } from './dataset.js';

/** Fewest points of a generated set (both parts of the split need some of each class). */
export const MIN_SYNTHETIC_SAMPLES = 10;
/**
 * Most points of a generated set: about 100 bytes each while generated and split (the points, the
 * labels, the permutation and both parts), so 10 million take about 1 GB.
 */
export const MAX_SYNTHETIC_SAMPLES = 10_000_000;
/** Largest noise (the points lie in [−1, 1]²: noise 10 is already all noise). */
export const MAX_SYNTHETIC_NOISE = 10;

export interface SyntheticOptions {
  /** Seed of the points, the noise and the split. Default 0. */
  seed?: number;
  /** Total number of points (both classes, train + test), in [10, 10⁷]. Default 1000. */
  samples?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate, in [0, 10]. Default: spirals 0.05, moons 0.1. */
  noise?: number;
  /** Share of each class held out for testing, in (0, 1). Default 0.2. */
  testFraction?: number;
}

export interface ClustersOptions extends SyntheticOptions {
  /** Number of clusters = classes, 2..10. Default 3. */
  classes?: number;
}

/**
 * Generates point `i` of `m` of class `c` before the noise: writes 2 coordinates to `out`. Random
 * draws come from `rng` (the stream the noise is drawn from next).
 */
type Curve = (c: number, i: number, m: number, out: Float64Array, rng: Rng) => void;

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

/** TF playground's circle: class 0 uniform in the disc r ≤ 0.5, class 1 in the ring 0.7 ≤ r ≤ 1. */
const circle: Curve = (c, _i, _m, out, rng) => {
  const r = c === 0 ? 0.5 * Math.sqrt(rng.uniform()) : Math.sqrt(0.49 + 0.51 * rng.uniform()); // uniform in area
  const theta = 2 * Math.PI * rng.uniform();
  out[0] = r * Math.cos(theta);
  out[1] = r * Math.sin(theta);
};

/** XOR: |x|, |y| uniform in [0.05, 1]; class 0 where x and y have the same sign, class 1 otherwise. */
const xor: Curve = (c, _i, _m, out, rng) => {
  const s = rng.uniform() < 0.5 ? -1 : 1;
  out[0] = s * (0.05 + 0.95 * rng.uniform());
  out[1] = (c === 0 ? s : -s) * (0.05 + 0.95 * rng.uniform());
};

/** Cluster k of K centred at 0.65·(cos φ, sin φ), φ = π/2 + 2πk/K; its spread is the noise. */
const cluster = (classes: number): Curve => (c, _i, _m, out) => {
  const phi = Math.PI / 2 + (2 * Math.PI * c) / classes;
  out[0] = 0.65 * Math.cos(phi);
  out[1] = 0.65 * Math.sin(phi);
};

/** Noise of each set when none is given. */
const NOISE = { spirals: 0.05, moons: 0.1, circle: 0.05, xor: 0.05, clusters: 0.15 };

function generate(name: string, curve: Curve, classNames: string[], defaultNoise: number, opts: SyntheticOptions): DatasetSplit {
  const { seed = 0, samples = 1000, noise = defaultNoise, testFraction = 0.2 } = opts;
  if (!(Number.isInteger(samples) && samples >= MIN_SYNTHETIC_SAMPLES && samples <= MAX_SYNTHETIC_SAMPLES)) {
    throw new ConfigError(`${name}: samples must be an integer in [${MIN_SYNTHETIC_SAMPLES}, ${MAX_SYNTHETIC_SAMPLES}], found ${samples}`);
  }
  if (!(Number.isFinite(noise) && noise >= 0 && noise <= MAX_SYNTHETIC_NOISE)) {
    throw new ConfigError(`${name}: noise must be a number in [0, ${MAX_SYNTHETIC_NOISE}], found ${noise}`);
  }
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new ConfigError(`${name}: testFraction must be in (0, 1), found ${testFraction}`);
  }
  const root = new Rng(seed, name);
  const rng = root.stream('points');
  const x = Matrix.zeros(samples, 2, 'float32'); // [samples, 2]
  const y = new Int32Array(samples);
  const k = classNames.length;
  const sizes = classNames.map((_, c) => Math.floor(samples / k) + (c < samples % k ? 1 : 0));
  const p = new Float64Array(2);
  let row = 0;
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < sizes[c]; i++, row++) {
      curve(c, i, sizes[c], p, rng);
      x.data[row * 2] = p[0] + noise * rng.normal();
      x.data[row * 2 + 1] = p[1] + noise * rng.normal();
      y[row] = c;
    }
  }
  const all: Dataset = { name, x, y, numClasses: k, classNames };
  const { train, val } = splitValidation(all, testFraction, root.stream('split'), { stratified: true });
  train.name = `${name} train`;
  val.name = `${name} test`;
  return {
    train,
    test: val,
    source: `generated: ${name}, seed ${seed}, ${samples} samples, noise ${noise}`,
    description: `${name}: ${train.x.rows} train / ${val.x.rows} test points in 2-D, ${k} classes (seed ${seed}, noise ${noise})`,
  };
}

/**
 * Two interleaved spirals: x `[samples, 2]` in about [−1, 1]², y in {0, 1}, classes of equal size
 * (±1 for an odd count), split 80/20 per class by default.
 */
export async function loadSpirals(opts: SyntheticOptions = {}): Promise<DatasetSplit> {
  return generate('spirals', spiral, ['spiral A', 'spiral B'], NOISE.spirals, opts);
}

/** Two interleaving half circles (as sklearn's `make_moons`): x `[samples, 2]`, y in {0, 1}. */
export async function loadMoons(opts: SyntheticOptions = {}): Promise<DatasetSplit> {
  return generate('moons', moon, ['upper moon', 'lower moon'], NOISE.moons, opts);
}

/** A disc (class 0, r ≤ 0.5) inside a ring (class 1, 0.7 ≤ r ≤ 1), as TF playground's circle; noise 0.05. */
export async function loadCircle(opts: SyntheticOptions = {}): Promise<DatasetSplit> {
  return generate('circle', circle, ['disc', 'ring'], NOISE.circle, opts);
}

/** XOR quadrants in [−1, 1]²: class 0 where x·y > 0, class 1 where x·y < 0 (before noise, default 0.05). */
export async function loadXor(opts: SyntheticOptions = {}): Promise<DatasetSplit> {
  return generate('xor', xor, ['same sign', 'opposite signs'], NOISE.xor, opts);
}

/**
 * K isotropic Gaussian clusters, one per class, centres evenly on the circle of radius 0.65;
 * `noise` is each cluster's standard deviation (default 0.15).
 */
export async function loadClusters(opts: ClustersOptions = {}): Promise<DatasetSplit> {
  const { classes = 3, ...rest } = opts;
  if (!(Number.isInteger(classes) && classes >= 2 && classes <= 10)) {
    throw new ConfigError(`clusters: classes must be an integer in 2..10, found ${classes}`);
  }
  const names = Array.from({ length: classes }, (_, c) => `cluster ${c + 1}`);
  return generate('clusters', cluster(classes), names, NOISE.clusters, rest);
}

/** A generated set as a list entry: its loader, default noise and whether its class count is an option. */
export interface SyntheticSet {
  load(opts?: ClustersOptions): Promise<DatasetSplit>;
  /** The noise when none is given. */
  noise: number;
  /** Takes `classes` (2..10, default 3). */
  classes?: boolean;
}

/** The generated 2-D sets by name, in the order a list shows them (the playground's, for one). */
export const SYNTHETIC_SETS: Readonly<Record<string, SyntheticSet>> = {
  spirals: { load: loadSpirals, noise: NOISE.spirals },
  moons: { load: loadMoons, noise: NOISE.moons },
  circle: { load: loadCircle, noise: NOISE.circle },
  xor: { load: loadXor, noise: NOISE.xor },
  clusters: { load: loadClusters, noise: NOISE.clusters, classes: true },
};
