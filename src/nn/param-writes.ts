/**
 * A count of parameter writes made outside forward and backward — optimizer steps, loaded or set
 * weights, imported torch weights, max-norm — so that a layer can cache what it derives from its
 * weights (the folded first layer's bias b̃ = b + shiftᵀ·W, src/nn/layers/dense.ts) and recompute it
 * only after a write. One count for every model: a write to one model only costs the others a
 * recomputation. Code that writes `Param.value` itself (through `namedParameters()`'s views, say)
 * calls {@link markParamsWritten} afterwards.
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
