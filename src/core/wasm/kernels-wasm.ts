import {
  checkGemmShapes,
  type ActivationKind,
  type GemmOptions,
  type Kernels,
  type SparseGemmOptions,
} from '../kernels.js';
import { ShapeError } from '../../errors.js';
import { JsKernels } from '../kernels-js.js';
import { activationBackward, activationDef, activationForward } from '../activations.js';
import type { DType, Float, Matrix } from '../matrix.js';
import type { ThreadPool } from '../threads.js';
import { B_IN_PLACE_MAX_LD } from './gemm-split.js';
import { smallGemm } from './gemv.js';
import type { WasmHeap } from './heap.js';
import { firstNonFiniteBlocks } from '../finite.js';
import { FusedLosses, FusedUpdates } from '../fused.js';
import { Jobs } from './jobs.js';
import { registerFusedLosses } from './losses-wasm.js';
import { registerFusedUpdates } from './optim-wasm.js';
import { GEMM, OP, OP_GEMM, SPARSE } from './job-args.js';
import type { WasmExports } from './ops.js';
import { Staging } from './staging.js';
import * as columns from './columns-wasm.js';
import * as rowwise from './rows-wasm.js';
import * as norms from './norms-wasm.js';
import * as dropout from './dropout-wasm.js';

const NO_OPTS: GemmOptions = Object.freeze({});
const NO_SPARSE_OPTS: SparseGemmOptions = Object.freeze({});

/**
 * The WebAssembly SIMD kernels (assembly/). Float32 buffers from {@link alloc} are views of the
 * module's shared memory and are used in place; other Float32Arrays are copied into scratch and
 * back. **Float64 matrices** (gradient checks) are delegated to the TypeScript reference
 * ({@link JsKernels}), as is `argmaxRows` (it writes an Int32Array and is not a hot loop).
 * Large GEMMs (by output tiles) and fused Adam updates (by element ranges) are split over a {@link ThreadPool},
 * so results are bit-identical for any thread count. The fast path allocates nothing per call.
 */
export class WasmKernels implements Kernels {
  readonly name: string = 'wasm';
  /** sgd, adagrad, rmsprop, adam and lion (optim-wasm.ts). */
  readonly fused = new FusedUpdates();
  /** Every loss of src/nn/losses/ (losses-wasm.ts). */
  readonly fusedLosses = new FusedLosses();
  private readonly js = new JsKernels();
  private readonly stage: Staging;
  private readonly jobs: Jobs;
  /** xoshiro's four words for {@link dropoutMask} (dropout-wasm.ts): 16 bytes of the module's memory. */
  private readonly rngWords: number;

  /**
   * @param work  GEMM scratch pointer of each thread, `[pool size]`.
   * @param relaxed  whether the module uses relaxed-SIMD fused multiply-add.
   */
  constructor(
    private readonly ex: WasmExports,
    readonly heap: WasmHeap,
    pool: ThreadPool | null,
    work: number[],
    readonly relaxed: boolean,
  ) {
    this.jobs = new Jobs(ex, heap, pool, work);
    this.stage = new Staging(heap);
    this.rngWords = heap.allocBytes(16);
    registerFusedUpdates(this.fused, ex, this.stage, this.jobs);
    registerFusedLosses(this.fusedLosses, ex, this.stage);
  }

  /** Threads big kernels use (the caller's included). */
  get threads(): number {
    return this.jobs.threads;
  }

  /** Uses at most `n` threads (1 ≤ n ≤ the pool's size), e.g. to compare 1 and 2 threads. */
  setThreads(n: number): void {
    this.jobs.threads = n;
  }

  /** Stops the worker threads; kernels keep working on one thread. */
  async dispose(): Promise<void> {
    await this.jobs.dispose();
  }

  /** float32 here; float64 on the TypeScript reference. */
  forDtype(dtype: DType): Kernels {
    return dtype === 'float64' ? this.js : this;
  }

  alloc(length: number, dtype: DType = 'float32'): Float {
    return dtype === 'float64' ? new Float64Array(length) : this.heap.alloc(length);
  }

  release(buf: Float): void {
    if (buf instanceof Float32Array) this.heap.release(buf);
  }

  owns(buf: Float): boolean {
    return buf instanceof Float32Array && this.heap.ptrOf(buf) >= 0;
  }

  /**
   * Rows of a dataset in wasm memory are copied inside it (a `memory.copy` per row, after the
   * batch's row indices are staged); other sources go through the reference loop.
   */
  gatherRows(src: Matrix, rows: Int32Array, start: number, dst: Matrix): void {
    if (!this.owns(src.data) || !this.owns(dst.data)) return this.js.gatherRows(src, rows, start, dst);
    this.jobs.gather(this.heap.ptrOf(src.data), src.cols, rows, start, dst.rows, this.heap.ptrOf(dst.data));
  }

  /** {@link gatherRows} on a worker thread while this one goes on (see Jobs.gatherBackground); {@link finishGather} waits for it. */
  gatherRowsBackground(src: Matrix, rows: Int32Array, start: number, dst: Matrix): void {
    if (!this.owns(src.data) || !this.owns(dst.data)) return this.js.gatherRows(src, rows, start, dst);
    this.jobs.gatherBackground(this.heap.ptrOf(src.data), src.cols, rows, start, dst.rows, this.heap.ptrOf(dst.data));
  }

  finishGather(): void {
    this.jobs.finishGather();
  }

  fill(x: Float, value: number, n: number): void {
    if (this.owns(x)) this.jobs.fill(this.heap.ptrOf(x), n, value);
    else x.fill(value, 0, n);
  }

  firstNonFinite(x: Float, n: number): number {
    if (this.owns(x)) return this.ex.firstNonFinite(this.heap.ptrOf(x), n);
    return firstNonFiniteBlocks(x, n);
  }

  gemm(a: Matrix, b: Matrix, c: Matrix, opts: GemmOptions = NO_OPTS): void {
    const A = a.data, B = b.data, C = c.data, bias = opts.bias, mask = opts.mask;
    const transA = opts.transA === true;
    const transB = opts.transB === true;
    const alpha = opts.alpha ?? 1;
    const beta = opts.beta ?? 0;
    checkGemmShapes(a, b, c, transA, transB, bias, mask);
    if (smallGemm(this.jobs, this.stage, a, b, c, opts)) return; // 1–5 rows (gemv.ts)
    const m = transA ? a.cols : a.rows;
    const k = transA ? a.rows : a.cols;
    const n = transB ? b.rows : b.cols;
    const st = this.stage;
    st.begin();
    const args = this.jobs.args, G = GEMM;
    args[OP] = OP_GEMM;
    args[G.transA] = transA ? 1 : 0;
    args[G.transB] = transB ? 1 : 0;
    args[G.k] = k;
    args[G.alpha] = alpha;
    args[G.beta] = beta;
    args[G.a] = st.ptr(A, a.size, 0);
    args[G.lda] = a.cols;
    args[G.b] = st.ptr(B, b.size, 1);
    args[G.ldb] = b.cols;
    const pc = st.ptr(C, m * n, 2, beta !== 0);
    args[G.c] = pc;
    args[G.ldc] = n;
    args[G.bias] = bias ? st.ptr(bias, n, 3) : 0;
    args[G.relu] = opts.relu === true ? 1 : 0;
    args[G.mask] = mask ? st.ptr(mask, m * n, 4) : 0;
    this.jobs.gemm(m, n, k, !transB && b.cols <= B_IN_PLACE_MAX_LD);
    st.flush(C, pc, m * n);
  }

  /** Split over threads by rows of C or k-halves (Jobs.sparse); the same bits as {@link gemm} on Ã. */
  sparseGemm(a: Matrix, b: Matrix, c: Matrix, opts: SparseGemmOptions = NO_SPARSE_OPTS): void {
    const A = a.data, B = b.data, C = c.data, bias = opts.bias, scale = opts.colScale, u = opts.rank1?.u, v = opts.rank1?.v;
    const transA = opts.transA === true;
    const beta = opts.beta ?? 0;
    checkGemmShapes(a, b, c, transA, false, bias);
    const m = c.rows, n = c.cols;
    if (scale && scale.length < a.cols) throw new ShapeError(`sparseGemm: colScale has ${scale.length} values, expected ${a.cols}`);
    if (u && v && (u.length < m || v.length < n)) throw new ShapeError(`sparseGemm: rank1 has u [${u.length}], v [${v.length}], expected [${m}], [${n}]`);
    const k = transA ? a.rows : a.cols;
    if (k === 0 || m === 0 || n === 0) return this.js.sparseGemm(a, b, c, opts);
    const st = this.stage;
    st.begin();
    const args = this.jobs.args, S = SPARSE; // the op: Jobs.sparse
    args[S.transA] = transA ? 1 : 0;
    args[S.m] = m;
    args[S.k] = k;
    args[S.n] = n;
    args[S.beta] = beta;
    args[S.a] = st.ptr(A, a.size, 0);
    args[S.lda] = a.cols;
    args[S.b] = st.ptr(B, b.size, 1);
    args[S.ldb] = n;
    const pc = st.ptr(C, m * n, 2, beta !== 0);
    args[S.c] = pc;
    args[S.bias] = bias ? st.ptr(bias, n, 3) : 0;
    args[S.relu] = opts.relu === true ? 1 : 0;
    args[S.scale] = scale ? st.ptr(scale, a.cols, 4) : 0;
    args[S.u] = u && v ? st.ptr(u, m, 5) : 0;
    args[S.v] = u && v ? st.ptr(v, n, 6) : 0;
    this.jobs.sparse(m, n, k, transA);
    st.flush(C, pc, m * n);
  }

  countNonZero(x: Float, n: number): number {
    if (!this.owns(x)) return this.js.countNonZero(x, n);
    return this.ex.countNonZero(this.heap.ptrOf(x), n);
  }

  affineCols(x: Matrix, scale: Float, shift: Float | null, y: Matrix): void {
    const X = x.data, Y = y.data;
    const n = x.size;
    const st = this.stage;
    st.begin();
    const px = st.ptr(X, n, 0);
    const py = st.ptr(Y, n, 1, false);
    this.ex.affineCols(px, st.ptr(scale, x.cols, 2), shift ? st.ptr(shift, x.cols, 3) : 0, py, x.rows, x.cols);
    st.flush(Y, py, n);
  }

  colMeanVar(x: Matrix, mean: Float, variance: Float): void {
    columns.colMeanVar(this.ex, this.stage, x, mean, variance);
  }

  colDot(a: Matrix, b: Matrix, out: Float): void {
    columns.colDot(this.ex, this.stage, a, b, out);
  }

  centerScaleCols(x: Matrix, center: Float, scale: Float, y: Matrix): void {
    columns.centerScaleCols(this.ex, this.stage, x, center, scale, y);
  }

  affinePairCols(x: Matrix, a: Float, z: Matrix, b: Float, c: Float, y: Matrix): void {
    columns.affinePairCols(this.ex, this.stage, x, a, z, b, c, y);
  }

  softmaxRowsBackward(y: Matrix, dy: Matrix, dx: Matrix): void {
    rowwise.softmaxRowsBackward(this.ex, this.stage, y, dy, dx);
  }

  activation(kind: ActivationKind, x: Matrix, y: Matrix, alpha: number): void {
    const X = x.data, Y = y.data;
    const n = x.size;
    const def = activationDef(kind);
    // a row without a SIMD kernel: its TypeScript reference, on the arrays as they are (wasm views or not)
    if (def.wasm === undefined) return activationForward(def, X, Y, n, alpha);
    const st = this.stage;
    st.begin();
    const px = st.ptr(X, n, 0);
    const py = st.ptr(Y, n, 1, false);
    this.ex.activation(def.wasm, px, py, n, alpha);
    st.flush(Y, py, n);
  }

  activationBackward(kind: ActivationKind, x: Matrix, y: Matrix, dy: Matrix, dx: Matrix, alpha: number): void {
    const X = x.data, Y = y.data, D = dy.data, O = dx.data;
    const n = x.size;
    const def = activationDef(kind);
    if (def.wasm === undefined) return activationBackward(def, X, Y, D, O, n, alpha);
    const st = this.stage;
    st.begin();
    const px = st.ptr(X, n, 0);
    const py = st.ptr(Y, n, 1);
    const pd = st.ptr(D, n, 2);
    const po = st.ptr(O, n, 3, false);
    this.ex.activationBackward(def.wasm, px, py, pd, po, n, alpha);
    st.flush(O, po, n);
  }

  sumRowsInto(x: Matrix, out: Float): void {
    columns.sumRowsInto(this.ex, this.stage, x, out);
  }

  softmaxRows(x: Matrix, y: Matrix): void {
    rowwise.softmaxRows(this.ex, this.stage, x, y);
  }

  logSumExpRows(x: Matrix, out: Float): void {
    rowwise.logSumExpRows(this.ex, this.stage, x, out);
  }

  argmaxRows(x: Matrix, out: Int32Array, offset = 0): void {
    this.js.argmaxRows(x, out, offset);
  }

  mul(a: Float, b: Float, out: Float, n: number): void {
    const st = this.stage;
    st.begin();
    const pa = st.ptr(a, n, 0);
    const pb = st.ptr(b, n, 1);
    const po = st.ptr(out, n, 2, false);
    this.ex.mul(pa, pb, po, n);
    st.flush(out, po, n);
  }

  axpy(alpha: number, x: Float, y: Float, n: number): void {
    const st = this.stage;
    st.begin();
    const px = st.ptr(x, n, 0);
    const py = st.ptr(y, n, 1);
    this.ex.axpy(alpha, px, py, n);
    st.flush(y, py, n);
  }

  sumSquares(x: Float, n: number): number {
    this.stage.begin();
    return this.ex.sumSquares(this.stage.ptr(x, n, 0), n);
  }

  affine(x: Float, a: number, b: number, n: number): void {
    norms.affine(this.ex, this.stage, x, a, b, n);
  }

  renormCols(x: Matrix, c: number): number {
    return norms.renormCols(this.ex, this.stage, x, c);
  }

  /** Int32 arrays of a batch's rows (not in the module's memory): the reference loop. */
  countEqual(a: Int32Array, b: Int32Array, n: number): number {
    return this.js.countEqual(a, b, n);
  }

  greaterThan(x: Float, threshold: number, out: Int32Array, n: number, offset = 0): void {
    this.js.greaterThan(x, threshold, out, n, offset);
  }

  dropoutMask(state: Uint32Array, keep: number, scale: number, out: Float, n: number): void {
    dropout.dropoutMask(this.ex, this.heap, this.stage, this.rngWords, state, keep, scale, out, n);
  }
}
