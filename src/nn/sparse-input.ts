import type { Layer } from './layer.js';
import { Dense } from './layers/dense.js';
import { Dropout } from './layers/dropout.js';
import { SparseInputDense } from './layers/sparse-input-dense.js';
import { Standardize } from './layers/standardize.js';

/**
 * A batch goes through the sparse products (Kernels.sparseGemm) when at most this fraction of its
 * values is non-zero. The WebAssembly kernels break even near 50–60% on random patterns and win at
 * Fashion-MNIST's ~50% (clustered pixels) and by far at MNIST's ~19% (bench/sparse.ts, bench/README.md).
 */
export const SPARSE_BELOW = 0.6;

/**
 * The layers as a model runs them: `layers` with the first Dense layer — the first layer, or the one
 * after a leading Standardize; an input Dropout may come before both, as it keeps zeros zero — and
 * that Standardize replaced by one {@link SparseInputDense} over the same parameters, which skips
 * the zeros of mostly-zero batches (below {@link SPARSE_BELOW}) and folds the standardisation into
 * its products (docs/theory.md). `enabled = false`, or no such Dense layer: `layers` as they are.
 * The declared layers stay in `Sequential.layers` (and model files) unchanged.
 */
export function planSparseInput(layers: readonly Layer[], enabled = true): Layer[] {
  const at = layers.findIndex((l) => !(l instanceof Dropout));
  const [first, second] = layers.slice(at);
  if (enabled && first instanceof Dense) return [...layers.slice(0, at), new SparseInputDense(first, null, SPARSE_BELOW), ...layers.slice(at + 1)];
  if (enabled && first instanceof Standardize && second instanceof Dense) {
    return [...layers.slice(0, at), new SparseInputDense(second, first, SPARSE_BELOW), ...layers.slice(at + 2)];
  }
  return [...layers];
}
