/**
 * The in-memory dataset every part of scratchnet consumes, and its preprocessing helpers
 * (one-hot targets, validation, validation splits, subsets; standardisation is the model's Standardize layer).
 */
import { firstNonFiniteBlocks } from '../core/finite.js';
import type { Kernels } from '../core/kernels.js';
import { Matrix } from '../core/matrix.js';
import type { Rng } from '../core/random.js';
import { ConfigError, DataError, ShapeError } from '../errors.js';

/**
 * A labelled dataset: classification (integer labels `y`), or regression (real-valued `targets`;
 * then `numClasses` is 0, `classNames` empty and `y` zeros — see {@link regressionDataset}).
 */
export interface Dataset {
  name: string;
  /** Inputs `[n, features]`, float32. */
  x: Matrix;
  /** Class labels `[n]`, integers in `[0, numClasses)` (zeros for regression). */
  y: Int32Array;
  /** 0 for regression. */
  numClasses: number;
  /** `classNames.length === numClasses`. */
  classNames: string[];
  /** Real-valued targets `[n, outputs]` of a regression set (fit with an MSE, MAE or Huber loss). */
  targets?: Matrix;
  /** Names of the target columns (regression), e.g. `['disease progression']`. */
  targetNames?: string[];
  /** `[height, width]` for image sets (`height * width === features`), e.g. `[28, 28]`. */
  imageShape?: [number, number];
}

/** Whether `ds` has real-valued targets (regression) rather than class labels. */
export function isRegression(ds: Pick<Dataset, 'targets'>): boolean {
  return ds.targets !== undefined;
}

/**
 * A regression dataset from inputs and real-valued targets.
 * @param x        `[n, features]` (a Matrix, or rows of numbers)
 * @param targets  `[n, outputs]` (a Matrix, rows of numbers, or `[n]` numbers for one output)
 */
export function regressionDataset({ name = 'data', x, targets, targetNames }: {
  name?: string;
  x: Matrix | ArrayLike<number>[];
  targets: Matrix | ArrayLike<number>[] | ArrayLike<number>;
  targetNames?: string[];
}): Dataset {
  const xm = x instanceof Matrix ? x : Matrix.from(x.map((r) => Array.from(r)));
  let tm: Matrix;
  if (targets instanceof Matrix) tm = targets;
  else if (targets.length > 0 && typeof targets[0] === 'number') tm = Matrix.from(Array.from(targets as ArrayLike<number>, (v) => [v]));
  else tm = Matrix.from((targets as ArrayLike<number>[]).map((r) => Array.from(r)));
  if (tm.rows !== xm.rows) throw new ShapeError(`${name}: expected one target row per input row (${xm.rows}), found ${tm.rows}`);
  return { name, x: xm, y: new Int32Array(xm.rows), numClasses: 0, classNames: [], targets: tm, ...(targetNames ? { targetNames } : {}) };
}

/** The official train/test split of a dataset. */
export interface DatasetSplit {
  train: Dataset;
  test: Dataset;
  /** Where the data came from (package, files, generator + seed). */
  source: string;
  /** One line for humans (`scratchnet data`, reports). */
  description: string;
}

/**
 * One-hot targets: `out[i, labels[i]] = 1`, all else 0.
 * @param labels  `[n]`
 * @param out     optional `[≥n rows, numClasses]`; its row count is set to `n` (no allocation)
 * @returns `[n, numClasses]`
 */
export function oneHot(labels: ArrayLike<number>, numClasses: number, out?: Matrix): Matrix {
  const n = labels.length;
  const m = out ?? Matrix.zeros(n, numClasses);
  if (m.cols !== numClasses) throw new ShapeError(`oneHot: out must have ${numClasses} columns, found ${m.cols}`);
  m.setRows(n);
  m.data.fill(0, 0, n * numClasses);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!(Number.isInteger(c) && c >= 0 && c < numClasses)) {
      throw new DataError(`oneHot: label at index ${i} is ${c}, expected an integer in [0, ${numClasses - 1}]`);
    }
    m.data[i * numClasses + c] = 1;
  }
  return m;
}

/**
 * Checks a dataset at an API boundary: shapes agree, inputs finite, labels integers in range.
 * @param where  context for messages (e.g. `'mnist train'`)
 * @param kernels  scans the inputs with its {@link Kernels.firstNonFinite} (the WebAssembly one is
 *   SIMD where the data lives in its memory); default a plain loop
 * @throws DataError naming the row/column of a non-finite input, or the index and value of a bad label
 */
export function validateDataset(ds: Dataset, where: string = ds.name, kernels?: Pick<Kernels, 'firstNonFinite'>): void {
  const { x, y, numClasses } = ds;
  if (y.length !== x.rows) {
    throw new DataError(`${where}: expected one label per input row (${x.rows}), found ${y.length} labels`);
  }
  if (ds.targets) {
    validateTargets(ds.targets, x.rows, where);
  } else if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new DataError(`${where}: numClasses must be a positive integer, found ${numClasses}`);
  }
  if (ds.classNames.length !== numClasses) {
    throw new DataError(`${where}: expected ${numClasses} class names, found ${ds.classNames.length}`);
  }
  if (ds.imageShape && ds.imageShape[0] * ds.imageShape[1] !== x.cols) {
    throw new DataError(`${where}: imageShape [${ds.imageShape.join(', ')}] does not match ${x.cols} features`);
  }
  const d = x.data;
  const size = x.rows * x.cols;
  const i = kernels ? kernels.firstNonFinite(d, size) : firstNonFiniteBlocks(d, size);
  if (i >= 0) {
    const r = Math.floor(i / x.cols);
    throw new DataError(`${where}: input row ${r}, column ${i - r * x.cols} is ${d[i]}, expected a finite number`);
  }
  if (ds.targets) return;
  for (let i = 0; i < y.length; i++) {
    // Int32Array holds integers only, but a caller may pass a plain array typed as one.
    const v = y[i];
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new DataError(`${where}: label at index ${i} is ${v}, expected an integer in [0, ${numClasses - 1}]`);
    }
  }
}

/** Real-valued targets `[n, outputs]`: one row per input row, at least one column, every value finite. */
function validateTargets(t: Matrix, rows: number, where: string): void {
  if (t.rows !== rows) throw new DataError(`${where}: expected one target row per input row (${rows}), found ${t.rows}`);
  if (t.cols < 1) throw new DataError(`${where}: targets need at least one column, found ${t.cols}`);
  const i = firstNonFiniteBlocks(t.data, t.size);
  if (i >= 0) {
    const r = Math.floor(i / t.cols);
    throw new DataError(`${where}: target row ${r}, column ${i - r * t.cols} is ${t.data[i]}, expected a finite number`);
  }
}

/**
 * `ds` with its inputs in the kernels' own memory, so that training gathers batches and checks
 * inputs there without copying: for WebAssembly a copy in the module's heap (made once; free it
 * with `kernels.release(result.x.data)` when done). Returns `ds` itself when the kernels already use
 * its array in place (always for the TypeScript reference; float64 data stays where it is).
 */
export function residentDataset(ds: Dataset, kernels: Kernels): Dataset {
  if (ds.x.dtype === 'float64' || kernels.owns(ds.x.data)) return ds;
  const data = kernels.alloc(ds.x.size, ds.x.dtype);
  data.set(ds.x.data.subarray(0, ds.x.size));
  return { ...ds, x: new Matrix(ds.x.rows, ds.x.cols, data) };
}

/**
 * The rows `indices` of `ds`, copied into a new dataset (same classes and image shape).
 * @param indices  `[m]` row numbers in `[0, n)`
 */
export function subset(ds: Dataset, indices: ArrayLike<number>, name: string = ds.name): Dataset {
  const { cols } = ds.x;
  const m = indices.length;
  const x = Matrix.zeros(m, cols, ds.x.dtype);
  const y = new Int32Array(m);
  const t = ds.targets;
  const targets = t && Matrix.zeros(m, t.cols, t.dtype);
  for (let i = 0; i < m; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= ds.x.rows) {
      throw new DataError(`subset of ${ds.name}: index ${i} is ${r}, expected a row in [0, ${ds.x.rows - 1}]`);
    }
    x.data.set(ds.x.data.subarray(r * cols, (r + 1) * cols), i * cols);
    y[i] = ds.y[r];
    if (t) targets!.data.set(t.data.subarray(r * t.cols, (r + 1) * t.cols), i * t.cols);
  }
  return { ...ds, name, x, y, ...(targets ? { targets } : {}) };
}

export interface SplitOptions {
  /** Keep each class's share equal in both parts (for small sets such as Iris). Default false. */
  stratified?: boolean;
}

/**
 * Holds out a seeded random `fraction` of `ds` for validation.
 * Without `stratified`, `round(n * fraction)` rows go to `val`; with it, `round(n_c * fraction)`
 * rows of each class `c`. Both parts keep the shuffled order.
 * @param fraction  in (0, 1)
 * @param rng       e.g. `rng.stream('split')`; the same seed gives the same split
 */
export function splitValidation(
  ds: Dataset,
  fraction: number,
  rng: Rng,
  { stratified = false }: SplitOptions = {},
): { train: Dataset; val: Dataset } {
  if (!(fraction > 0 && fraction < 1)) {
    throw new ConfigError(`splitValidation: fraction must be in (0, 1), found ${fraction}`);
  }
  const n = ds.x.rows;
  const perm = rng.permutation(n);
  const trainIdx: number[] = [];
  const valIdx: number[] = [];
  if (stratified && !ds.targets) {
    const byClass: number[][] = Array.from({ length: ds.numClasses }, () => []);
    for (let i = 0; i < n; i++) {
      const rows = byClass[ds.y[perm[i]]];
      if (!rows) throw new DataError(`splitValidation of ${ds.name}: label at index ${perm[i]} is ${ds.y[perm[i]]}, expected an integer in [0, ${ds.numClasses - 1}]`);
      rows.push(perm[i]);
    }
    for (const rows of byClass) {
      const k = Math.round(rows.length * fraction);
      // a loop, not push(...rows): a spread passes every row as an argument (the stack's limit)
      for (let i = 0; i < rows.length; i++) (i < k ? valIdx : trainIdx).push(rows[i]);
    }
    // Interleave classes again so the parts are not sorted by class.
    rng.shuffle(valIdx);
    rng.shuffle(trainIdx);
  } else {
    const k = Math.round(n * fraction);
    for (let i = 0; i < n; i++) (i < k ? valIdx : trainIdx).push(perm[i]);
  }
  if (valIdx.length === 0 || trainIdx.length === 0) {
    throw new ConfigError(
      `splitValidation: fraction ${fraction} of ${n} rows leaves ${trainIdx.length} train and ${valIdx.length} validation rows; both must be non-empty`,
    );
  }
  return { train: subset(ds, trainIdx, `${ds.name} (train)`), val: subset(ds, valIdx, `${ds.name} (val)`) };
}
