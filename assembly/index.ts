// Entry of the WebAssembly SIMD kernels. All pointers are byte offsets into the imported (shared)
// memory; the TypeScript side owns allocation (src/core/wasm/heap.ts), so this module never
// allocates.

export { gemm, gemmInPlaceMaxLd, gemmKHalf, gemmReduce, gemmRowTile, gemmWorkBytes, kBlock } from './gemm';
export * from './elementwise';
export { activation, activationBackward } from './activations';
export * from './rows';
export { affinePairCols, centerScaleCols, colDot, colMeanVar } from './columns';
export * from './optim';
export { affine, renormCols } from './norms';
export { absoluteError, huberError } from './regression';
export { dropoutMask } from './dropout';
export { gemv } from './gemv';
export { affineCols, countNonZero, packBands, sparseBand, sparseGemm, sparseGemmKHalf } from './sparse';

/** First byte after this module's static data; the TypeScript heap starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
