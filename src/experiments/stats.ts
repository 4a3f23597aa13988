/**
 * Aggregates of results over seeds: per variation means and sample standard deviations, and
 * differences to the baseline paired by seed.
 */
import { BASELINE } from './grid.js';
import { isRegressionResult, type ResultLine } from './results.js';

export function mean(xs: number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample standard deviation (n − 1 in the denominator); NaN for fewer than two values. */
export function sampleStd(xs: number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** One test figure of a variation over its seeds: mean ± sample std, and the difference to the baseline paired by seed. */
export interface Figure {
  mean: number;
  std: number;
  /** Mean of (variation − baseline) over the seeds both have; NaN for the baseline itself. */
  deltaMean: number;
  deltaStd: number;
}

/** Figures of one variation of one dataset, over its seeds. */
export interface VariationStats {
  group: string;
  variation: string;
  seeds: number[];
  runs: ResultLine[];
  /** Runs of a regression dataset (their figures are r2, rmse, mae; accuracy is NaN). */
  regression: boolean;
  /** Runs that diverged (excluded from the means). */
  diverged: number;
  /** Test accuracy (fraction); NaN for regression. */
  accuracy: Figure;
  /** Regression test R², RMSE and MAE; NaN for classification. */
  r2: Figure;
  rmse: Figure;
  mae: Figure;
  /** Mean best validation accuracy, or R² for regression. */
  bestValMean: number;
  secondsPerEpochMean: number;
  trainSecondsMean: number;
  /** trainSecondsMean / baseline's. */
  costRatio: number;
  /** Mean over the runs that reached the target, and how many did. */
  epochsToTargetMean: number;
  reachedTarget: number;
}

/**
 * Keeps one line per run id (the last one seen), and one per (spec, dataset, group, variation,
 * seed): a later line with another id for the same slot (an edited spec) replaces the earlier.
 */
export function dedupe(results: ResultLine[]): { results: ResultLine[]; duplicates: number; replaced: number } {
  const byId = new Map<string, ResultLine>();
  for (const r of results) byId.set(r.id, r);
  const bySlot = new Map<string, ResultLine>();
  for (const r of byId.values()) bySlot.set(slotKey(r), r);
  return { results: [...bySlot.values()], duplicates: results.length - byId.size, replaced: byId.size - bySlot.size };
}

const slotKey = (r: ResultLine) => JSON.stringify([r.spec, r.dataset, r.group, r.variation, r.seed]);

/**
 * Stats of each variation of one dataset's results (one spec). The baseline comes first, then the
 * variations sorted by group, then name (merged shard files hold runs in no particular order).
 */
export function variationStats(results: ResultLine[]): VariationStats[] {
  const groups = new Map<string, ResultLine[]>();
  for (const r of [...results].sort((a, b) => a.seed - b.seed)) {
    const key = `${r.group}\u0000${r.variation}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const base = (groups.get(`${BASELINE}\u0000${BASELINE}`) ?? []).filter(ok);
  const baseSeconds = mean(base.map((r) => r.trainSeconds));
  const keys = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((key) => {
    const runs = groups.get(key)!;
    const good = runs.filter(ok);
    const figure = (pick: (r: ResultLine) => number | undefined) => figureOf(good, runs[0].group === BASELINE ? null : base, pick);
    const reached = good.map((r) => r.epochsToTarget).filter((e): e is number => e !== null && e !== undefined);
    const trainSecondsMean = mean(good.map((r) => r.trainSeconds));
    const regression = isRegressionResult(runs[0]);
    return {
      group: runs[0].group,
      variation: runs[0].variation,
      seeds: runs.map((r) => r.seed),
      runs,
      regression,
      diverged: runs.length - good.length,
      accuracy: figure((r) => r.testAccuracy ?? undefined),
      r2: figure((r) => r.testRegression?.r2),
      rmse: figure((r) => r.testRegression?.rmse),
      mae: figure((r) => r.testRegression?.mae),
      bestValMean: mean(good.map((r) => (regression ? r.bestValR2 : r.bestValAccuracy)).filter((v): v is number => typeof v === 'number')),
      secondsPerEpochMean: mean(good.map((r) => r.secondsPerEpoch)),
      trainSecondsMean,
      costRatio: trainSecondsMean / baseSeconds,
      epochsToTargetMean: mean(reached),
      reachedTarget: reached.length,
    };
  });
}

/** Mean ± std of a figure over `runs`, and its differences to `base` (null: this is the baseline) paired by seed. */
function figureOf(runs: ResultLine[], base: ResultLine[] | null, pick: (r: ResultLine) => number | undefined): Figure {
  const values = runs.map(pick).filter((v): v is number => typeof v === 'number');
  const baseBySeed = new Map((base ?? []).map((r) => [r.seed, pick(r)]));
  const deltas: number[] = [];
  for (const r of runs) {
    const [v, b] = [pick(r), baseBySeed.get(r.seed)];
    if (typeof v === 'number' && typeof b === 'number') deltas.push(v - b);
  }
  return { mean: mean(values), std: sampleStd(values), deltaMean: base ? mean(deltas) : NaN, deltaStd: base ? sampleStd(deltas) : NaN };
}

/** A run that finished with the figures of its task. */
const ok = (r: ResultLine) => r.status !== 'diverged' && (isRegressionResult(r) ? typeof r.testRegression === 'object' && r.testRegression !== null : typeof r.testAccuracy === 'number');
const rank = (key: string) => (key.startsWith(`${BASELINE}\u0000`) ? 0 : 1);

/** Mean of a per-epoch figure over runs, epoch by epoch (epochs some runs lack use the others). */
export function meanCurve(runs: ResultLine[], pick: (e: ResultLine['history'][number]) => number | undefined): { epoch: number; value: number }[] {
  const sums = new Map<number, number[]>();
  for (const r of runs) {
    for (const e of r.history ?? []) {
      const v = pick(e);
      if (typeof v === 'number' && Number.isFinite(v)) sums.set(e.epoch, [...(sums.get(e.epoch) ?? []), v]);
    }
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([epoch, vs]) => ({ epoch, value: mean(vs) }));
}
