// The reference matrix products of JsKernels (see Kernels.gemm and Kernels.sparseGemm): plain loops,
// the ground truth of the WebAssembly GEMM and sparse kernels.
import { checkGemmShapes, type GemmOptions, type SparseGemmOptions } from './kernels.js';
import type { Matrix } from './matrix.js';

/** C = alpha·op(A)·op(B) + beta·C (+ bias, ReLU, mask): Kernels.gemm written to be read. */
export function gemm(a: Matrix, b: Matrix, c: Matrix, opts: GemmOptions = {}): void {
  const { transA = false, transB = false, alpha = 1, beta = 0, bias, relu = false, mask } = opts;
  checkGemmShapes(a, b, c, transA, transB, bias, mask);
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const n = transB ? b.rows : b.cols;
  const A = a.data;
  const B = b.data;
  const C = c.data;
  const lda = a.cols;
  const ldb = b.cols;
  for (let i = 0; i < m * n; i++) C[i] = beta === 0 ? 0 : beta * C[i];
  if (!transA && !transB) {
    // C[i, :] += alpha·A[i, p]·B[p, :] — the inner loop runs along rows of B and C
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const s = alpha * A[i * lda + p];
        if (s === 0) continue;
        const bp = p * ldb;
        for (let j = 0; j < n; j++) C[ci + j] += s * B[bp + j];
      }
    }
  } else if (!transA && transB) {
    // C[i, j] += alpha·(A[i, :] · B[j, :]) — both rows contiguous
    for (let i = 0; i < m; i++) {
      const ai = i * lda;
      for (let j = 0; j < n; j++) {
        const bj = j * ldb;
        let s = 0;
        for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
        C[i * n + j] += alpha * s;
      }
    }
  } else if (transA && !transB) {
    // C[i, :] += alpha·A[p, i]·B[p, :]
    for (let p = 0; p < k; p++) {
      const ap = p * lda;
      const bp = p * ldb;
      for (let i = 0; i < m; i++) {
        const s = alpha * A[ap + i];
        if (s === 0) continue;
        const ci = i * n;
        for (let j = 0; j < n; j++) C[ci + j] += s * B[bp + j];
      }
    }
  } else {
    // C[i, j] += alpha·Σ_p A[p, i]·B[j, p]
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[p * lda + i] * B[j * ldb + p];
        C[i * n + j] += alpha * s;
      }
    }
  }
  if (bias) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) C[i * n + j] += bias[j];
  }
  if (relu) for (let i = 0; i < m * n; i++) C[i] = C[i] > 0 ? C[i] : 0;
  if (mask) for (let i = 0; i < m * n; i++) C[i] = mask[i] > 0 ? C[i] : 0;
}

/** Kernels.sparseGemm: visits only the non-zero entries of A. */
export function sparseGemm(a: Matrix, b: Matrix, c: Matrix, opts: SparseGemmOptions = {}): void {
  const { transA = false, beta = 0, colScale, bias, relu = false, rank1 } = opts;
  checkGemmShapes(a, b, c, transA, false, bias);
  const n = c.cols;
  const A = a.data;
  const B = b.data;
  const C = c.data;
  const round = C instanceof Float32Array ? Math.fround : (v: number) => v;
  for (let i = 0; i < c.size; i++) C[i] = beta === 0 ? 0 : beta * C[i];
  // Ã[i, p] = A[i, p]·colScale[p]; only the non-zero A[i, p] are visited
  for (let i = 0; i < a.rows; i++) {
    for (let p = 0; p < a.cols; p++) {
      const x = A[i * a.cols + p];
      if (x === 0) continue;
      const s = colScale ? round(x * colScale[p]) : x;
      // C[i, :] += Ã[i, p]·B[p, :]   or, with transA,   C[p, :] += Ã[i, p]·B[i, :]
      const ci = (transA ? p : i) * n;
      const bi = (transA ? i : p) * n;
      for (let j = 0; j < n; j++) C[ci + j] += s * B[bi + j];
    }
  }
  if (rank1) for (let i = 0; i < c.size; i++) C[i] += rank1.u[Math.floor(i / n)] * rank1.v[i % n];
  if (bias) for (let i = 0; i < c.size; i++) C[i] += bias[i % n];
  if (relu) for (let i = 0; i < c.size; i++) C[i] = C[i] > 0 ? C[i] : 0;
}
