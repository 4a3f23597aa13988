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
