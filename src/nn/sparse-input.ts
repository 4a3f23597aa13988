import type { Layer } from './layer.js';
import { Dense } from './layers/dense.js';
import { Dropout } from './layers/dropout.js';
import { Standardize } from './layers/standardize.js';

/**
 * A batch goes through the sparse products (Kernels.sparseGemm) when at most this fraction of its
 * values is non-zero. The WebAssembly kernels break even near 50–60% on random patterns and win at
 * Fashion-MNIST's ~50% (clustered pixels; one epoch 1.19–1.23× faster than --dense), 2.4× at
 * MNIST's ~19% (bench/sparse.ts, bench/README.md).
 */
export const SPARSE_BELOW = 0.6;

/**
 * Planned once when a model is built, before its layers build: the first Dense layer (the first
 * layer, or the one after a leading Standardize; an input Dropout may come before both) checks
 * each batch's density and, below {@link SPARSE_BELOW}, visits only the non-zero inputs in its
 * forward product and weight gradient.
 *
 * A Standardize before it would turn the zeros into −μ/σ, so it is folded into the Dense layer:
 * Standardize passes x through and the Dense layer computes, with s = μ/σ and x̃ = x·diag(1/σ),
 *   y = (x̃ − 1·sᵀ)·W + b = x̃·W + (b − sᵀW)
 *   dW = (x̃ − 1·sᵀ)ᵀ·dy = x̃ᵀ·dy − s·(Σ_rows dy)ᵀ      (still the gradient of the stored W)
 *   db = Σ_rows dy,   dx′ = dy·Wᵀ   (Standardize's backward then divides by σ as before)
 * where x̃ keeps x's zeros (docs/theory.md). `enabled = false` undoes the plan.
 */
export function planSparseInput(layers: readonly Layer[], enabled = true): void {
  for (const layer of layers) {
    if (layer instanceof Dense) layer.sparseInput = null;
    if (layer instanceof Standardize) layer.folded = false;
  }
  if (!enabled) return;
  // an input Dropout before them keeps zeros zero (and makes more): it does not change the plan
  const [first, second] = layers.slice(layers.findIndex((l) => !(l instanceof Dropout)));
  if (first instanceof Dense) first.sparseInput = { below: SPARSE_BELOW, fold: null };
  if (first instanceof Standardize && second instanceof Dense) {
    first.folded = true;
    second.sparseInput = { below: SPARSE_BELOW, fold: first };
  }
}
