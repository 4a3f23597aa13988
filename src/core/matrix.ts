import { ShapeError } from '../errors.js';

/** Storage of a matrix: float32 for training, float64 for gradient checks. */
export type Float = Float32Array | Float64Array;
export type DType = 'float32' | 'float64';

/**
 * A dense row-major matrix `[rows, cols]`; a batch is rows (`[batch, features]`).
 *
 * `data` may be longer than `rows * cols`: a buffer planned for the largest batch is reused for a
 * smaller last batch by lowering `rows` (see {@link setRows}), so no step allocates. Kernels read
 * and write only the first `rows * cols` elements.
 */
export class Matrix {
  /** Largest number of rows `data` can hold. */
  readonly capacity: number;

  constructor(
    public rows: number,
    readonly cols: number,
    readonly data: Float,
  ) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new ShapeError(`Matrix: shape must be non-negative integers, found [${rows}, ${cols}]`);
    }
    if (data.length < rows * cols) {
      throw new ShapeError(`Matrix: [${rows}, ${cols}] needs ${rows * cols} elements, buffer has ${data.length}`);
    }
    this.capacity = cols === 0 ? rows : Math.floor(data.length / cols);
  }

  static zeros(rows: number, cols: number, dtype: DType = 'float32'): Matrix {
    const n = rows * cols;
    return new Matrix(rows, cols, dtype === 'float64' ? new Float64Array(n) : new Float32Array(n));
  }

  /** A matrix from nested arrays (handy in tests). */
  static from(rows: number[][], dtype: DType = 'float32'): Matrix {
    const m = Matrix.zeros(rows.length, rows[0]?.length ?? 0, dtype);
    rows.forEach((r, i) => {
      if (r.length !== m.cols) throw new ShapeError(`Matrix.from: row ${i} has ${r.length} values, expected ${m.cols}`);
      m.data.set(r, i * m.cols);
    });
    return m;
  }

  get dtype(): DType {
    return this.data instanceof Float64Array ? 'float64' : 'float32';
  }

  /** Number of live elements, `rows * cols`. */
  get size(): number {
    return this.rows * this.cols;
  }

  /** Use the first `rows` rows of the buffer (a smaller last batch); no allocation. */
  setRows(rows: number): this {
    if (rows > this.capacity) {
      throw new ShapeError(`Matrix: cannot hold ${rows} rows, capacity is ${this.capacity}`);
    }
    this.rows = rows;
    return this;
  }

  get(r: number, c: number): number {
    return this.data[r * this.cols + c];
  }

  set(r: number, c: number, v: number): void {
    this.data[r * this.cols + c] = v;
  }

  /** The live elements as a view (no copy). */
  view(): Float {
    return this.data.subarray(0, this.rows * this.cols);
  }

  /** A new matrix with its own copy of the live elements. */
  clone(dtype: DType = this.dtype): Matrix {
    const m = Matrix.zeros(this.rows, this.cols, dtype);
    m.data.set(this.view());
    return m;
  }

  toArray(): number[][] {
    const out: number[][] = [];
    for (let r = 0; r < this.rows; r++) out.push(Array.from(this.data.subarray(r * this.cols, (r + 1) * this.cols)));
    return out;
  }

  shapeString(): string {
    return `[${this.rows}, ${this.cols}]`;
  }
}

/** Throws a ShapeError unless `m` is `[rows, cols]` (`-1` matches any count). */
export function expectShape(m: Matrix, rows: number, cols: number, where: string): void {
  if ((rows !== -1 && m.rows !== rows) || (cols !== -1 && m.cols !== cols)) {
    const e = `[${rows === -1 ? 'batch' : rows}, ${cols === -1 ? 'any' : cols}]`;
    throw new ShapeError(`${where}: expected shape ${e}, found ${m.shapeString()}`);
  }
}
