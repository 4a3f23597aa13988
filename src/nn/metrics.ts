// Summaries of finished predictions (one call per evaluation or report, over any ArrayLike the
// caller holds): plain loops, not per-step work, so not in the kernels.
import { ShapeError } from '../errors.js';

/** Fraction of `predicted[i] === labels[i]` over the first n entries. */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>, n = labels.length): number {
  if (predicted.length < n) throw new ShapeError(`accuracy: expected ${n} predictions, found ${predicted.length}`);
  let hits = 0;
  for (let i = 0; i < n; i++) if (predicted[i] === labels[i]) hits++;
  return n === 0 ? 0 : hits / n;
}

/** counts[true][predicted]: [classes, classes]. */
export function confusionMatrix(predicted: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][predicted[i]]++;
  return m;
}

export interface ClassReport {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Per-class precision, recall and F1 from a confusion matrix (rows = true class). */
export function classReport(confusion: number[][]): ClassReport[] {
  return confusion.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((s, v) => s + v, 0);
    const predicted = confusion.reduce((s, r) => s + r[c], 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support };
  });
}

/** Regression figures of outputs against real-valued targets. */
export interface RegressionMetrics {
  /** Root mean squared error over every element. */
  rmse: number;
  /** Mean absolute error over every element. */
  mae: number;
  /**
   * Coefficient of determination R² = 1 − Σ(t − p)² / Σ(t − t̄)², per output column, averaged over
   * the columns (sklearn's `r2_score`, 'uniform_average'). 1 is perfect; 0 is predicting the mean.
   */
  r2: number;
}

/** RMSE, MAE and R² of predictions `[n, outputs]` against targets `[n, outputs]`. */
export function regressionMetrics(predicted: { rows: number; cols: number; data: ArrayLike<number> }, target: { rows: number; cols: number; data: ArrayLike<number> }): RegressionMetrics {
  const { rows: n, cols: k } = target;
  if (predicted.rows !== n || predicted.cols !== k) {
    throw new ShapeError(`regressionMetrics: expected predictions [${n}, ${k}], found [${predicted.rows}, ${predicted.cols}]`);
  }
  let sq = 0;
  let abs = 0;
  let r2 = 0;
  for (let j = 0; j < k; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += target.data[i * k + j];
    mean /= Math.max(n, 1);
    let res = 0;
    let tot = 0;
    for (let i = 0; i < n; i++) {
      const t = target.data[i * k + j];
      const d = t - predicted.data[i * k + j];
      res += d * d;
      abs += Math.abs(d);
      tot += (t - mean) * (t - mean);
    }
    sq += res;
    // sklearn: a constant column scores 1 when predicted exactly, 0 otherwise
    r2 += tot > 0 ? 1 - res / tot : res === 0 ? 1 : 0;
  }
  const m = Math.max(n * k, 1);
  return { rmse: Math.sqrt(sq / m), mae: abs / m, r2: k === 0 ? NaN : r2 / k };
}
