import type { ActivationKind, GemmOptions, Kernels, SparseGemmOptions } from './kernels.js';
import type { DType, Float, Matrix } from './matrix.js';
import { ConfigError } from '../errors.js';
import { activationBackward, activationDef, activationForward } from './activations.js';
import { argmaxRows, countEqual, greaterThan } from './classes-js.js';
import { affinePairCols, centerScaleCols, colDot, colMeanVar } from './columns-js.js';
import { dropoutMask } from './dropout-js.js';
import { FusedLosses, FusedUpdates } from './fused.js';
import { gemm, sparseGemm } from './gemm-js.js';
import { affine, renormCols } from './norms-js.js';
import { logSumExpRows, softmaxRows, softmaxRowsBackward } from './rows-js.js';

/**
 * The reference kernels: plain TypeScript written to be read. They are the ground truth that
 * faster backends are tested against, and they also handle float64 matrices (gradient checks).
 */
export class JsKernels implements Kernels {
  readonly name: string = 'js';
  /** None: every optimizer runs its own loop. */
  readonly fused = new FusedUpdates();
  /** None: every loss runs its own loop. */
  readonly fusedLosses = new FusedLosses();

  /** Both precisions: these. */
  forDtype(_dtype: DType): Kernels {
    return this;
  }

  /** One: the calling thread. */
  readonly threads = 1;

  setThreads(n: number): void {
    if (n !== 1) throw new ConfigError(`setThreads: the TypeScript kernels run on one thread; expected 1, found ${n}`);
  }

  async dispose(): Promise<void> {}

  alloc(length: number, dtype: DType = 'float32'): Float {
    return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
  }

  release(_buf: Float): void {}

  owns(_buf: Float): boolean {
    return true;
  }

  gatherRows(src: Matrix, rows: Int32Array, start: number, dst: Matrix): void {
    const cols = src.cols;
    const s = src.data;
    const d = dst.data;
    for (let i = 0; i < dst.rows; i++) {
      // element loop, not d.set(s.subarray(...)): a subarray is an allocation per row
      for (let c = 0, from = rows[start + i] * cols, to = i * cols; c < cols; c++) d[to + c] = s[from + c];
    }
  }

  /** No second thread here: gathers now. */
  gatherRowsBackground(src: Matrix, rows: Int32Array, start: number, dst: Matrix): void {
    this.gatherRows(src, rows, start, dst);
  }

  finishGather(): void {}

  fill(x: Float, value: number, n: number): void {
    x.fill(value, 0, n);
  }

  firstNonFinite(x: Float, n: number): number {
    for (let i = 0; i < n; i++) if (!Number.isFinite(x[i])) return i;
    return -1;
  }

  gemm(a: Matrix, b: Matrix, c: Matrix, opts: GemmOptions = {}): void {
    gemm(a, b, c, opts);
  }

  sparseGemm(a: Matrix, b: Matrix, c: Matrix, opts: SparseGemmOptions = {}): void {
    sparseGemm(a, b, c, opts);
  }

  countNonZero(x: Float, n: number): number {
    let count = 0;
    for (let i = 0; i < n; i++) if (x[i] !== 0) count++;
    return count;
  }

  affineCols(x: Matrix, scale: Float, shift: Float | null, y: Matrix): void {
    const X = x.data;
    const Y = y.data;
    const cols = x.cols;
    const round = Y instanceof Float32Array ? Math.fround : (v: number) => v;
    for (let i = 0; i < x.size; i++) {
      const j = i % cols;
      Y[i] = shift ? round(X[i] * scale[j]) + shift[j] : X[i] * scale[j];
    }
  }

  colMeanVar(x: Matrix, mean: Float, variance: Float): void {
    colMeanVar(x, mean, variance);
  }

  colDot(a: Matrix, b: Matrix, out: Float): void {
    colDot(a, b, out);
  }

  centerScaleCols(x: Matrix, center: Float, scale: Float, y: Matrix): void {
    centerScaleCols(x, center, scale, y);
  }

  affinePairCols(x: Matrix, a: Float, z: Matrix, b: Float, c: Float, y: Matrix): void {
    affinePairCols(x, a, z, b, c, y);
  }

  softmaxRowsBackward(y: Matrix, dy: Matrix, dx: Matrix): void {
    softmaxRowsBackward(y, dy, dx);
  }

  activation(kind: ActivationKind, x: Matrix, y: Matrix, alpha: number): void {
    activationForward(activationDef(kind), x.data, y.data, x.size, alpha);
  }

  activationBackward(kind: ActivationKind, x: Matrix, y: Matrix, dy: Matrix, dx: Matrix, alpha: number): void {
    activationBackward(activationDef(kind), x.data, y.data, dy.data, dx.data, x.size, alpha);
  }

  sumRowsInto(x: Matrix, out: Float): void {
    const X = x.data;
    const cols = x.cols;
    for (let i = 0; i < x.rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) out[j] += X[o + j];
    }
  }

  softmaxRows(x: Matrix, y: Matrix): void {
    softmaxRows(x, y);
  }

  logSumExpRows(x: Matrix, out: Float): void {
    logSumExpRows(x, out);
  }

  argmaxRows(x: Matrix, out: Int32Array, offset = 0): void {
    argmaxRows(x, out, offset);
  }

  mul(a: Float, b: Float, out: Float, n: number): void {
    for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
  }

  axpy(alpha: number, x: Float, y: Float, n: number): void {
    for (let i = 0; i < n; i++) y[i] += alpha * x[i];
  }

  sumSquares(x: Float, n: number): number {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i] * x[i];
    return s;
  }

  affine(x: Float, a: number, b: number, n: number): void {
    affine(x, a, b, n);
  }

  renormCols(x: Matrix, c: number): number {
    return renormCols(x, c);
  }

  countEqual(a: Int32Array, b: Int32Array, n: number): number {
    return countEqual(a, b, n);
  }

  greaterThan(x: Float, threshold: number, out: Int32Array, n: number, offset = 0): void {
    greaterThan(x, threshold, out, n, offset);
  }

  dropoutMask(state: Uint32Array, keep: number, scale: number, out: Float, n: number): void {
    dropoutMask(state, keep, scale, out, n);
  }
}
