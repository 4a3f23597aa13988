import { ShapeError } from '../errors.js';
import type { FusedLosses, FusedUpdates } from './fused.js';
import type { ActivationKind } from './activations.js';
import type { DType, Float, Matrix } from './matrix.js';

export type { ActivationKind } from './activations.js';

export interface GemmOptions {
  /** Use Aᵀ instead of A. */
  transA?: boolean;
  /** Use Bᵀ instead of B. */
  transB?: boolean;
  /** Scale of the product (default 1). */
  alpha?: number;
  /** Scale of C's old value (default 0: C is overwritten, its old contents ignored, NaN included). */
  beta?: number;
  /** Optional row vector `[n]` added to every row of C after the product. */
  bias?: Float;
  /** Then `C = max(C, 0)` (ReLU fused into the store: a Dense layer followed by ReLU). NaN becomes 0. */
  relu?: boolean;
  /**
   * Then `C[i, j] = 0` wherever `mask[i·n + j] ≤ 0` (or NaN): ReLU's backward fused into the input
   * gradient of the layer after it, `mask` being that ReLU's output `[m, n]`.
   */
  mask?: Float;
}

/** A product whose left operand is mostly zeros (see {@link Kernels.sparseGemm}). */
export interface SparseGemmOptions {
  /** C = Ãᵀ·B instead of Ã·B (the weight gradient xᵀ·dy). */
  transA?: boolean;
  /** Scale of C's old value (default 0: overwritten). */
  beta?: number;
  /** Ã = A·diag(colScale): each column p of A times colScale[p] (a folded standardisation's 1/σ). */
  colScale?: Float;
  /** Row vector `[n]` added to every row of C after the product. */
  bias?: Float;
  /** Then `C = max(C, 0)`. */
  relu?: boolean;
  /** Adds the rank-1 term u·vᵀ (u `[m]`, v `[n]`) after the product, before bias: a folded standardisation's shift in dW. */
  rank1?: { u: Float; v: Float };
}

/**
 * Every hot loop of scratchnet goes through this interface. `kernels-js.ts` is the readable
 * reference; faster backends (WebAssembly SIMD) implement the same contract and are tested against
 * it. Matrices are row-major `[rows, cols]`; kernels touch only the first `rows * cols` elements of a
 * matrix's buffer. Outputs may alias inputs only where a kernel says so.
 *
 * Buffers from {@link alloc} can be used by the backend without copying; a backend must also accept
 * other buffers of the right length (it may copy them).
 */
export interface Kernels {
  readonly name: string;
  /**
   * Optimizer updates this backend runs fused, by rule name (empty for the TypeScript reference:
   * each optimizer then runs the plain loop of its own file).
   */
  readonly fused: FusedUpdates;
  /**
   * Losses this backend runs fused, by loss name (empty for the TypeScript reference: each loss then
   * runs the plain loop of its own file, src/nn/losses/<name>.ts).
   */
  readonly fusedLosses: FusedLosses;

  /**
   * The kernels for matrices of `dtype`: this backend, or the TypeScript reference where it has none
   * (WebAssembly is float32 only). A model takes them when it is built, so every kernel it calls gets
   * buffers of one precision; kernels given another precision throw.
   */
  forDtype(dtype: DType): Kernels;
  /** Threads the large kernels are split over, the caller's included (1 for the TypeScript reference). */
  readonly threads: number;
  /**
   * Uses at most `n` threads, 1 ≤ n ≤ the threads the backend started with (the TypeScript
   * reference: 1). Results are the same bits on any count.
   * @throws ConfigError for another `n`
   */
  setThreads(n: number): void;
  /** Stops the backend's worker threads (its kernels keep working, on one thread); the TypeScript reference has none. */
  dispose(): Promise<void>;
  /** A zero-filled buffer of `length` elements owned by this backend (lives as long as the backend). */
  alloc(length: number, dtype?: DType): Float;
  /** Returns a buffer from {@link alloc} for reuse; using it afterwards is an error. */
  release(buf: Float): void;
  /**
   * True if kernels use `buf` in place, without copying it in and out: any array for the
   * TypeScript reference; views of the module's memory (from {@link alloc}) for WebAssembly.
   */
  owns(buf: Float): boolean;

  /**
   * Mini-batch gather: `dst[i, :] = src[rows[start + i], :]` for `i < dst.rows`. src and dst have
   * the same number of columns; the caller keeps every index in `[0, src.rows)`.
   */
  gatherRows(src: Matrix, rows: Int32Array, start: number, dst: Matrix): void;
  /**
   * {@link gatherRows} that may run on another thread while the caller goes on (the WebAssembly
   * backend with a worker pool); `dst` is ready after {@link finishGather}. Otherwise it gathers now.
   */
  gatherRowsBackground(src: Matrix, rows: Int32Array, start: number, dst: Matrix): void;
  /** Waits for the last {@link gatherRowsBackground}, if it is still running. */
  finishGather(): void;
  /** `x[0:n] = value` (`zeroGrad`). */
  fill(x: Float, value: number, n: number): void;
  /** Index of the first NaN or ±Infinity among the first `n` elements of `x`, or -1 if all are finite. */
  firstNonFinite(x: Float, n: number): number;

  /** C = alpha·op(A)·op(B) + beta·C (+ bias on each row). op(A): [m, k], op(B): [k, n], C: [m, n]. */
  gemm(a: Matrix, b: Matrix, c: Matrix, opts?: GemmOptions): void;

  /**
   * {@link gemm} with a sparse left operand, visiting only A's non-zero entries:
   * `C = Ã·B + beta·C (+ u·vᵀ, bias, ReLU)`, or with transA `C = Ãᵀ·B + beta·C (+ u·vᵀ)`, where `Ã = A·diag(colScale)`.
   * A: [m, k] (or [k, m] with transA), B: [k, n], C: [m, n]. Equal to gemm on Ã within float32
   * rounding (the WebAssembly kernel: the same bits, see assembly/sparse.ts).
   */
  sparseGemm(a: Matrix, b: Matrix, c: Matrix, opts?: SparseGemmOptions): void;
  /** Number of non-zero values (NaN included) among the first `n` elements of `x`. */
  countNonZero(x: Float, n: number): number;
  /**
   * `y[i, j] = x[i, j]·scale[j] + shift[j]` (no shift if null), each operation rounded to the
   * matrix's precision. scale, shift: [cols]; y may alias x.
   */
  affineCols(x: Matrix, scale: Float, shift: Float | null, y: Matrix): void;

  /** Per-column mean and biased variance of x: [rows, cols] (two passes, sums in float64). mean, variance: [cols]. */
  colMeanVar(x: Matrix, mean: Float, variance: Float): void;
  /** out[j] = Σ_i a[i, j]·b[i, j] (sums in float64). a, b: [rows, cols]; out: [cols]. */
  colDot(a: Matrix, b: Matrix, out: Float): void;
  /** `y[i, j] = (x[i, j] − center[j])·scale[j]` (no cancellation when |center| ≫ the spread). center, scale: [cols]; y may alias x. */
  centerScaleCols(x: Matrix, center: Float, scale: Float, y: Matrix): void;
  /** `y[i, j] = x[i, j]·a[j] + z[i, j]·b[j] + c[j]`. x, z, y: [rows, cols]; a, b, c: [cols]; y may alias x or z. */
  affinePairCols(x: Matrix, a: Float, z: Matrix, b: Float, c: Float, y: Matrix): void;

  /** y = f(x) element-wise, f a row of ACTIVATION_TABLE (src/core/activations.ts); `alpha` its parameter. y may alias x. */
  activation(kind: ActivationKind, x: Matrix, y: Matrix, alpha: number): void;
  /**
   * dx = dy ⊙ f'(x), given the pre-activation x and the output y = f(x) (kernels use whichever is
   * cheaper). dx may alias dy.
   */
  activationBackward(kind: ActivationKind, x: Matrix, y: Matrix, dy: Matrix, dx: Matrix, alpha: number): void;

  /** out[j] += Σ_i x[i, j]  (bias gradients). out: [cols]. */
  sumRowsInto(x: Matrix, out: Float): void;
  /** Row-wise softmax: y[i, :] = exp(x[i, :] - lse_i); y may alias x. */
  softmaxRows(x: Matrix, y: Matrix): void;
  /** Softmax's backward from its output y: dx[i, :] = y[i, :] ⊙ (dy[i, :] − Σ_j dy[i, j]·y[i, j]); dx may alias dy. */
  softmaxRowsBackward(y: Matrix, dy: Matrix, dx: Matrix): void;
  /** out[i] = log Σ_j exp(x[i, j]) computed stably. out: [rows]. */
  logSumExpRows(x: Matrix, out: Float): void;
  /** out[offset + i] = index of the largest x[i, j] (first one on ties); offset defaults to 0. */
  argmaxRows(x: Matrix, out: Int32Array, offset?: number): void;

  /** out = a ⊙ b element-wise over the first `n` elements; out may alias a or b. */
  mul(a: Float, b: Float, out: Float, n: number): void;
  /** y += alpha·x over the first `n` elements. */
  axpy(alpha: number, x: Float, y: Float, n: number): void;
  /** Returns Σ x² over the first `n` elements. */
  sumSquares(x: Float, n: number): number;
  /**
   * x = a·x + b in place over the first `n` elements, each computed in float64 and rounded once
   * (b = 0: scaling, as gradient clipping does).
   */
  affine(x: Float, a: number, b: number, n: number): void;
  /**
   * Rescales every column of x `[rows, cols]` whose L2 norm is above c onto the ball of radius c,
   * x[:, j] ← x[:, j]·c/‖x[:, j]‖ (torch.renorm(x, 2, 1, c) without its 1e-7), in place; returns how
   * many columns it rescaled. The column sums of squares are float64, in row order.
   */
  renormCols(x: Matrix, c: number): number;
  /** Number of i < n with a[i] === b[i] (hits of predicted classes against labels). */
  countEqual(a: Int32Array, b: Int32Array, n: number): number;
  /**
   * out[offset + i] = x[i] > threshold ? 1 : 0 for i < n (the class of a single sigmoid output:
   * threshold 0 on the logit); offset defaults to 0.
   */
  greaterThan(x: Float, threshold: number, out: Int32Array, n: number, offset?: number): void;
  /**
   * Inverted dropout's mask: `out[i] = u_i < keep ? scale : 0` for i < n, where u_i = next()/2³² are
   * the next n draws of xoshiro128** from `state` (s0..s3 of an Rng, `Rng.writeWords`), which is
   * advanced by n draws: exactly n calls of Rng.uniform, on every backend.
   */
  dropoutMask(state: Uint32Array, keep: number, scale: number, out: Float, n: number): void;
}

/**
 * Checks the shapes of C = op(A)·op(B) (+ bias) for every backend: op(A) [m, k], op(B) [k, n],
 * C [m, n], bias ≥ n values, mask ≥ m·n values. Throws a ShapeError naming all three shapes.
 */
export function checkGemmShapes(a: Matrix, b: Matrix, c: Matrix, transA: boolean, transB: boolean, bias?: Float, mask?: Float): void {
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const kb = transB ? b.cols : b.rows;
  const n = transB ? b.rows : b.cols;
  if (k !== kb || c.rows !== m || c.cols !== n) {
    throw new ShapeError(
      `gemm: op(A) is [${m}, ${k}], op(B) is [${kb}, ${n}], C is ${c.shapeString()}; expected C [${m}, ${n}] and equal inner sizes`,
    );
  }
  if (bias && bias.length < n) throw new ShapeError(`gemm: bias has ${bias.length} values, expected ${n}`);
  if (mask && mask.length < m * n) throw new ShapeError(`gemm: mask has ${mask.length} values, expected ${m * n} (C is [${m}, ${n}])`);
}
