/** Markdown tables of the report. Every number is formatted here, so the output is stable. */
import type { TrainConfig } from '../recipe.js';
import { BASELINE } from './grid.js';
import { canonicalJson } from './json.js';
import type { VariationStats } from './stats.js';

const dash = '—';

/** A fraction as a percentage with `d` decimals, or — for NaN. */
export function pct(v: number, d = 2): string {
  return Number.isFinite(v) ? (v * 100).toFixed(d) : dash;
}

/** A signed difference of fractions in percentage points. */
export function points(v: number, d = 2): string {
  return signed(v * 100, d);
}

/** `v` with `d` decimals, or — for NaN. */
export const num = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : dash);
/** A signed difference with `d` decimals (− for negative, as {@link points}). */
export const signed = (v: number, d: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(d)}` : dash);
/** Seconds: 2 decimals from 1 s up, 3 significant digits below (tiny sets train in microseconds). */
const secs = (v: number) => (!Number.isFinite(v) ? dash : v >= 1 ? v.toFixed(2) : v.toPrecision(3));
/** `mean ± std`, or the mean alone where the std is undefined (one seed). */
const pm = (m: string, sd: string) => (sd === dash ? m : `${m} ± ${sd}`);
const cell = (s: string) => s.replace(/\|/g, '\\|');

/** A Markdown table; cells are escaped. */
export function markdownTable(header: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const sep = header.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((r, i) => `| ${(i === 1 ? r : r.map(cell)).join(' | ')} |`).join('\n');
}

/** Fields that differ between two configs (seed aside), as `key=value` pairs sorted by key. */
export function configChange(config: TrainConfig, baseline: TrainConfig | undefined): string {
  if (!baseline) return '';
  const a = config as unknown as Record<string, unknown>;
  const b = baseline as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== 'seed').sort();
  return keys
    .filter((k) => canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null))
    .map((k) => `${k}=${a[k] === undefined ? 'unset' : typeof a[k] === 'object' ? canonicalJson(a[k]) : String(a[k])}`)
    .join(', ');
}

/** A config in one line, for the section header. */
export function describeConfig(c: TrainConfig): string {
  const { dataset: _d, seed: _s, ...rest } = c;
  return Object.entries(rest)
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([k, v]) => `${k}=${typeof v === 'object' ? canonicalJson(v) : String(v)}`)
    .join(', ');
}

/**
 * The table of one group: the baseline row first, then the group's variations. Accuracies are
 * test-set percentages, mean ± sample std over seeds; Δ is paired by seed; cost is the ratio of
 * mean training seconds to the baseline's.
 */
export function groupTable(stats: VariationStats[], group: string, target: number | null): string {
  const header = [
    'test acc % (mean ± std)',
    'Δ vs baseline (points)',
    'best val acc %',
    's/epoch',
    'cost ×',
    target === null ? 'epochs to target' : `epochs to ${pct(target, 1)}% val`,
  ];
  return table(stats, group, header, (s, isBase) => [
    pm(pct(s.accuracy.mean), pct(s.accuracy.std)),
    isBase ? dash : pm(points(s.accuracy.deltaMean), num(s.accuracy.deltaStd * 100, 2)),
    pct(s.bestValMean),
    secs(s.secondsPerEpochMean),
    num(s.costRatio, 2),
    target === null ? dash : `${num(s.epochsToTargetMean, 1)} (${s.reachedTarget}/${s.runs.length})`,
  ]);
}

/**
 * The table of one group of a regression dataset: test R² and RMSE (the targets' units) as mean ±
 * sample std over seeds with their Δ to the baseline paired by seed, MAE, best validation R², time.
 */
export function regressionTable(stats: VariationStats[], group: string): string {
  const header = ['test R² (mean ± std)', 'Δ R²', 'test RMSE (mean ± std)', 'Δ RMSE', 'test MAE', 'best val R²', 's/epoch', 'cost ×'];
  const base = stats.filter((s) => s.group === BASELINE);
  const d = decimals((base.length ? base : stats).map((s) => s.rmse.mean)); // the baseline's scale: an outlier does not cut its digits
  return table(stats, group, header, (s, isBase) => [
    pm(num(s.r2.mean, 4), num(s.r2.std, 4)),
    isBase ? dash : pm(signed(s.r2.deltaMean, 4), num(s.r2.deltaStd, 4)),
    pm(num(s.rmse.mean, d), num(s.rmse.std, d)),
    isBase ? dash : pm(signed(s.rmse.deltaMean, d), num(s.rmse.deltaStd, d)),
    pm(num(s.mae.mean, d), num(s.mae.std, d)),
    num(s.bestValMean, 4),
    secs(s.secondsPerEpochMean),
    num(s.costRatio, 2),
  ]);
}

/** The baseline row, then the variations of `group`: name, change, seeds, then `cells`. */
function table(stats: VariationStats[], group: string, header: string[], cells: (s: VariationStats, isBase: boolean) => string[]): string {
  const base = stats.find((s) => s.group === BASELINE);
  const rows = [...(base ? [base] : []), ...stats.filter((s) => s.group === group && s.group !== BASELINE)];
  const baseConfig = base?.runs[0]?.config;
  const body = rows.map((s) => {
    const isBase = s.group === BASELINE;
    return [
      isBase ? '**baseline**' : s.variation,
      isBase ? '' : configChange(s.runs[0].config, baseConfig),
      `${s.runs.length}${s.diverged ? ` (${s.diverged} diverged)` : ''}`,
      ...cells(s, isBase),
    ];
  });
  return markdownTable(['variation', 'change', 'seeds', ...header], body, ['l', 'l', 'r', ...header.map(() => 'r' as const)]);
}

/** Decimals that give the largest of `values` four significant digits (at most 6; 4 where there is none). */
export function decimals(values: number[]): number {
  const top = Math.max(0, ...values.filter(Number.isFinite).map(Math.abs));
  return top === 0 ? 4 : Math.min(6, Math.max(0, 3 - Math.floor(Math.log10(top))));
}

/** Confusion counts as a table: rows true class, columns predicted. */
export function confusionTable(confusion: number[][], classNames: string[]): string {
  const names = confusion.map((_, i) => classNames[i] ?? String(i));
  return markdownTable(
    ['true \\ predicted', ...names],
    confusion.map((row, i) => [`**${names[i]}**`, ...row.map(String)]),
    ['l', ...names.map(() => 'r' as const)],
  );
}
