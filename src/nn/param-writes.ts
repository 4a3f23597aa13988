/**
 * A count of writes of parameters and layer state made outside forward and backward — optimizer
 * steps, loaded or set weights, imported torch weights, max-norm, Standardize's fit — so that a layer
 * can cache what it derives from them (the folded first layer's bias b̃ = b + shiftᵀ·W,
 * src/nn/layers/sparse-input-dense.ts; Standardize's 1/σ and −μ/σ) and recompute it in evaluation only after a
 * write. One count for every model: a write to one model only costs the others a recomputation.
 * Code that writes `Param.value` or a layer buffer itself (through `namedParameters()`'s or
 * `buffers()`' views, say) calls {@link markParamsWritten} afterwards.
 */
let writes = 0;

/** Says that some parameter values have changed: caches derived from weights are stale. */
export function markParamsWritten(): void {
  writes++;
}

/** The number of {@link markParamsWritten} calls so far: a cache made at count c is valid while it stays c. */
export function paramWrites(): number {
  return writes;
}
