import type { Loss } from './loss.js';

/** What the registry needs to know of one loss name. */
export interface LossEntry<A extends readonly string[], O, L extends Loss> {
  /** Other names {@link createLoss} takes: Keras's and torch's spellings. */
  readonly aliases?: A;
  /** A new loss (options validated by its constructor). */
  make(opts: O): L;
}

/**
 * A registered loss: called, a new loss for `fit` (`huber({ delta: 0.5 })`); its fields, what
 * `createLoss`, `LOSSES` (the CLI's `--loss` choices, config checks) and model files read. Made by
 * {@link defineLoss} in the loss's own file; the registry (registry.ts) lists the files.
 */
export interface LossFactory<N extends string, A extends string, O extends object, L extends Loss = Loss> {
  (opts?: O): L;
  readonly lossName: N;
  readonly aliases: readonly A[];
}

const FACTORIES = new WeakSet<object>();

/** True for the factories made by {@link defineLoss} (how the registry finds them among a module's exports). */
export function isLossFactory(v: unknown): v is LossFactory<string, string, object> {
  return typeof v === 'function' && FACTORIES.has(v);
}

/** The factory of loss `name` (see {@link LossFactory}). */
export function defineLoss<N extends string, L extends Loss, const A extends readonly string[] = [], O extends object = object>(
  name: N,
  entry: LossEntry<A, O, L>,
): LossFactory<N, A[number], O, L> {
  const f = Object.assign((opts: O = {} as O) => entry.make(opts), { lossName: name, aliases: entry.aliases ?? [] });
  FACTORIES.add(f);
  return f;
}
