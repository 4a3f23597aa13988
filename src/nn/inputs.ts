/**
 * Inputs and labelled data as users hold them (nested arrays, typed arrays) turned into Matrices and
 * Datasets: copied once per call, before any batch runs (plain loops: the sources are not the kernels' buffers).
 */
import { Matrix } from '../core/matrix.js';
import type { Dataset } from '../data/dataset.js';
import { DataError, ShapeError } from '../errors.js';

/** Rows to predict on: a Matrix `[n, features]`, rows of numbers, or one flat array of n·features numbers. */
export type InputRows = Matrix | readonly ArrayLike<number>[] | ArrayLike<number>;

/** Labelled data as `evaluate` takes it: a Dataset, or inputs with class labels `y` or real-valued `targets`. */
export type DataArg = Dataset | { x: InputRows; y: ArrayLike<number>; numClasses?: number } | { x: InputRows; targets: InputRows | ArrayLike<number> };

/**
 * The one rule for empty inputs, whatever their format (a Matrix, arrays, an IDX or JSON file):
 * at least one row of at least one feature.
 * @throws DataError `rows.json: empty input, 0 rows of 4 features: expected at least one row of at least one feature`
 */
export function checkNotEmpty(rows: number, cols: number, where: string): void {
  if (rows < 1 || cols < 1) {
    throw new DataError(`${where}: empty input, ${rows} rows of ${cols} features: expected at least one row of at least one feature`);
  }
}

/** `x` as a Matrix of `cols` columns (a Matrix is returned as it is). @throws DataError if it has no rows or no features */
export function toMatrix(x: InputRows, cols: number, where: string): Matrix {
  if (x instanceof Matrix) {
    checkNotEmpty(x.rows, x.cols, where);
    return x;
  }
  const rows = x as ArrayLike<number | ArrayLike<number>>;
  if (rows.length > 0 && typeof rows[0] === 'object') {
    checkNotEmpty(rows.length, (rows[0] as ArrayLike<number>).length, where);
    const m = Matrix.zeros(rows.length, cols);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as ArrayLike<number>;
      if (r.length !== cols) throw new ShapeError(`${where}: row ${i} has ${r.length} values, expected ${cols}`);
      for (let j = 0; j < cols; j++) m.data[i * cols + j] = r[j];
    }
    return m;
  }
  const flat = rows as ArrayLike<number>;
  checkNotEmpty(flat.length === 0 ? 0 : Math.floor(flat.length / cols), cols, where);
  if (flat.length % cols !== 0) throw new ShapeError(`${where}: ${flat.length} values are not whole rows of ${cols}`);
  const m = Matrix.zeros(flat.length / cols, cols);
  for (let i = 0; i < flat.length; i++) m.data[i] = flat[i];
  return m;
}

/** A Dataset from a {@link DataArg} for a model of `inputWidth` inputs and `outputs` outputs. */
export function toDataset(d: DataArg, inputWidth: number, outputs: number, where: string): Dataset {
  if ('name' in d && 'classNames' in d) {
    checkNotEmpty(d.x.rows, d.x.cols, where);
    return d;
  }
  const x = toMatrix(d.x, inputWidth, where);
  if ('targets' in d) {
    const t = d.targets instanceof Matrix ? d.targets : toMatrix(d.targets as InputRows, outputs, `${where} (targets)`);
    return { name: where, x, y: new Int32Array(x.rows), numClasses: 0, classNames: [], targets: t };
  }
  const y = Int32Array.from(d.y);
  const numClasses = d.numClasses ?? (outputs === 1 ? 2 : outputs);
  return { name: where, x, y, numClasses, classNames: Array.from({ length: numClasses }, (_, i) => String(i)) };
}
