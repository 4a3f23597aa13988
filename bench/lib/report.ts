/** Plain-text tables of the epoch benchmark (bench/epoch.ts). */
import { stats, type ChildResult, type Stats } from './common.js';

export interface ContenderReport {
  id: string;
  label: string;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  /** One line on what ran (threads, extrapolation, ...). */
  note: string;
  repeats: number;
  wallSeconds: number;
  epochStats?: Stats;
  accuracyStats?: Stats;
  /** Base contender's median s/epoch ÷ this one's (below 1: scratchnet is faster). */
  ratio?: number;
  result?: ChildResult;
}

export function summarize(r: ChildResult): { epochStats: Stats; accuracyStats: Stats } {
  return { epochStats: stats(r.epochSeconds), accuracyStats: stats(r.testAccuracy) };
}

function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

const sec = (s: number) => (s >= 100 ? s.toFixed(1) : s >= 10 ? s.toFixed(2) : s.toFixed(3));
const rate = (n: number) => (n >= 1e5 ? `${(n / 1000).toFixed(0)}k` : n >= 1e4 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0));

export function trainingTable(reports: ContenderReport[], baseLabel: string | undefined): string {
  const rows = reports.map((r) => {
    if (r.status !== 'ok' || !r.epochStats || !r.accuracyStats) return [r.label, '—', '—', '—', '—', '—', `${r.status.toUpperCase()}: ${r.reason ?? ''}`];
    const e = r.epochStats;
    const acc = r.accuracyStats.median * 100;
    return [
      r.label,
      sec(e.median),
      `${sec(e.min)}–${sec(e.max)}`,
      String(r.repeats),
      `${acc.toFixed(2)}%${r.result?.extrapolated ? '*' : ''}`,
      r.ratio === undefined ? '—' : `${r.ratio.toFixed(r.ratio < 0.1 ? 3 : 2)}`,
      r.note,
    ];
  });
  const ratioHead = baseLabel ? `ratio` : 'ratio (no base)';
  return table(['contender', 's/epoch (median)', 'min–max', 'runs', 'test acc', ratioHead, 'notes'], rows, new Set([1, 2, 3, 4, 5]));
}

export function inferenceTable(reports: ContenderReport[]): string {
  const rows = reports
    .filter((r) => r.status === 'ok' && r.result?.inference)
    .map((r) => {
      const i = r.result!.inference!;
      return [r.label, sec(i.evaluateSeconds), rate(i.evaluateImagesPerSecond), sec(i.predictSeconds), rate(i.predictImagesPerSecond)];
    });
  return table(['contender', 'evaluate s', 'images/s', 'predict s', 'images/s'], rows, new Set([1, 2, 3, 4]));
}
