/**
 * The diabetes regression set of Efron, Hastie, Johnstone & Tibshirani, "Least Angle Regression"
 * (Annals of Statistics 2004), as scikit-learn ships it: 442 patients, 10 baseline measurements
 * (age, sex, body-mass index, mean blood pressure, six blood serum measurements), and a
 * quantitative measure of disease progression one year later (25 to 346).
 *
 * Read offline from the two files of Debian's `python3-sklearn` (raw, unscaled features), found by
 * {@link diabetesPlaces}, each checked by SHA-256 before it is parsed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Matrix } from '../../core/matrix.js';
import { Rng } from '../../core/random.js';
import { ConfigError, DataError } from '../../errors.js';
import { locateFiles, searchPlaces, verifyFiles, type Located, type SearchPlace } from './cache.js';
import { regressionDataset, splitValidation, type Dataset, type DatasetSplit } from '../../data/dataset.js';

export const DIABETES = 'diabetes';

export const DIABETES_FEATURES = ['age', 'sex', 'bmi', 'bp', 's1 tc', 's2 ldl', 's3 hdl', 's4 tch', 's5 ltg', 's6 glu'];

export const DIABETES_FILES = ['diabetes_data_raw.csv.gz', 'diabetes_target.csv.gz'];

/** SHA-256 of the files as scikit-learn 1.2 (Debian bookworm's python3-sklearn 1.2.1) ships them. */
export const DIABETES_SHA256: Record<string, readonly string[]> = {
  'diabetes_data_raw.csv.gz': ['fc08fc59c1cbfe65550d9ebb36321d505de9e8f004bf92c1566d2908962f08ff'],
  'diabetes_target.csv.gz': ['bf1ddd1f9d377278450a5f02c24b5e77b1501f2ad673fe9fdf4c4090d27eb5cc'],
};

/** Where Debian's python3-sklearn keeps its bundled data (any Python 3 version). */
export const SKLEARN_DATA_DIRS = ['/usr/lib/python3/dist-packages/sklearn/datasets/data'];

const ROWS = 442;
const MISSING_HINT = "'sudo apt-get install python3-sklearn' (Debian/Ubuntu: its sklearn/datasets/data holds the two files)";

export interface DiabetesOptions {
  /** Explicit directory (`--data-dir`), searched first: the files in `dir` or in `dir/diabetes`. */
  dir?: string;
  /** Environment for `SCRATCHNET_DATA` / `XDG_CACHE_HOME` (tests pass their own). */
  env?: Record<string, string | undefined>;
  /** scikit-learn's data directories (tests pass an empty list). */
  sklearnDirs?: string[];
  /** Seed of the train/test split (default 0). */
  seed?: number;
  /** Share held out for testing, in (0, 1) (default 0.2: 354 train / 88 test). */
  testFraction?: number;
}

/** The places searched, in order: --data-dir, $SCRATCHNET_DATA, the user cache, then scikit-learn's data directory. */
export function diabetesPlaces({ dir, env, sklearnDirs = SKLEARN_DATA_DIRS }: DiabetesOptions = {}): SearchPlace[] {
  const places = searchPlaces(DIABETES, { dir, env }).filter((p) => p.origin !== 'system (Debian package)');
  return [...places, ...sklearnDirs.map((d) => ({ dir: d, origin: 'python3-sklearn (Debian package)' }))];
}

export function locateDiabetes(opts: DiabetesOptions = {}): Located {
  return locateFiles(diabetesPlaces(opts), [DIABETES_FILES]);
}

/** Parses whitespace-separated numbers, `cols` a line; `what` names the file in messages. */
export function parseTable(text: string, cols: number, what: string): number[][] {
  const rows: number[][] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const cells = line.trim().split(/[\s,]+/).map(Number);
    if (cells.length !== cols || cells.some((v) => !Number.isFinite(v))) {
      throw new DataError(`${what}: line ${i + 1} holds '${line.slice(0, 80)}', expected ${cols} finite number${cols > 1 ? 's' : ''}`);
    }
    rows.push(cells);
  });
  return rows;
}

/** All 442 rows: x `[442, 10]` raw features, targets `[442, 1]`, in the files' order. */
export async function diabetesAll(opts: DiabetesOptions = {}): Promise<{ all: Dataset; dir: string }> {
  const found = locateDiabetes(opts);
  if (!found.dir) {
    const where = found.searched.map(({ place, present }) => `  ${place.dir} (${place.origin}): ${present === 0 ? 'not found' : `only ${present} of 2 files`}`);
    throw new DataError([`${DIABETES}: dataset not found; expected the files ${DIABETES_FILES.join(', ')} in one of:`, ...where, `get them with ${MISSING_HINT}`].join('\n'));
  }
  const dir = found.dir;
  await verifyFiles(DIABETES, dir, DIABETES_FILES, DIABETES_SHA256);
  const read = (f: string) => gunzipSync(readFileSync(join(dir, f)), { maxOutputLength: 1 << 20 }).toString('utf8');
  const features = parseTable(read(DIABETES_FILES[0]), DIABETES_FEATURES.length, join(dir, DIABETES_FILES[0]));
  const target = parseTable(read(DIABETES_FILES[1]), 1, join(dir, DIABETES_FILES[1]));
  if (features.length !== ROWS || target.length !== ROWS) {
    throw new DataError(`${DIABETES}: expected ${ROWS} rows in both files, found ${features.length} and ${target.length}`);
  }
  const all = regressionDataset({ name: DIABETES, x: Matrix.from(features), targets: Matrix.from(target), targetNames: ['disease progression'] });
  return { all, dir };
}

/**
 * Diabetes with a seeded train/test split: train x `[354, 10]`, test x `[88, 10]` by default, raw
 * features (a model standardises them in its first layer), targets `[n, 1]` in the original units.
 */
export async function loadDiabetes({ seed = 0, testFraction = 0.2, ...opts }: DiabetesOptions = {}): Promise<DatasetSplit> {
  if (!(testFraction > 0 && testFraction < 1)) throw new ConfigError(`diabetes: testFraction must be in (0, 1), found ${testFraction}`);
  const { all, dir } = await diabetesAll(opts);
  const { train, val } = splitValidation(all, testFraction, new Rng(seed, 'diabetes/split'));
  train.name = 'diabetes train';
  val.name = 'diabetes test';
  return {
    train,
    test: val,
    source: `scikit-learn's diabetes files in ${dir}, random split with seed ${seed}`,
    description: `Diabetes (Efron et al. 2004): ${train.x.rows} train / ${val.x.rows} test patients, 10 raw features, 1 real-valued target (disease progression)`,
  };
}
