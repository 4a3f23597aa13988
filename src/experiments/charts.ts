/**
 * The report's charts as Vega-Lite specs, rendered to SVG in Node (`renderer: 'none'`, no canvas,
 * no browser). Data rows are built in a fixed order, so the same results give the same SVG.
 */
import type * as VegaLite from 'vega-lite';
import type { ResultLine } from './results.js';
import { ConfigError } from '../errors.js';
import { BASELINE } from './grid.js';
import { meanCurve, type Figure, type VariationStats } from './stats.js';

export type Spec = VegaLite.TopLevelSpec;

const WIDTH = 420;
const HEIGHT = 260;
const label = (s: VariationStats) => (s.group === BASELINE ? BASELINE : `${s.group}/${s.variation}`);

/** The test figure a chart shows: how to read it from the stats, its axis name, and the factor it is drawn at. */
export interface ChartMetric {
  figure: (s: VariationStats) => Figure;
  /** Axis name, e.g. `test accuracy %`. */
  title: string;
  /** Unit of its differences, e.g. `points` ('' where it has none). */
  deltaUnit: string;
  /** Drawn values are figure × scale (100 for percentages). */
  scale: number;
}

export const ACCURACY_METRIC: ChartMetric = { figure: (s) => s.accuracy, title: 'test accuracy %', deltaUnit: 'points', scale: 100 };
export const R2_METRIC: ChartMetric = { figure: (s) => s.r2, title: 'test R²', deltaUnit: '', scale: 1 };

/**
 * The report's charting stack, loaded on first use: `vega` and `vega-lite` are optional peer
 * dependencies (~40 MB), needed by `scratchnet report` alone.
 */
async function chartingStack(): Promise<{ vega: typeof import('vega'); vegaLite: typeof import('vega-lite') }> {
  try {
    const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
    return { vega, vegaLite };
  } catch (e) {
    throw new ConfigError(
      `report: the charting packages are not installed (${(e as Error).message.split('\n')[0]}); run: npm install vega@5 vega-lite@5`,
    );
  }
}

/** One colour per group, the same in every chart: baseline first, then groups sorted. */
function groupColor(stats: VariationStats[]) {
  const groups = [...new Set(stats.map((s) => s.group))].sort((a, b) => (a === BASELINE ? -1 : b === BASELINE ? 1 : a < b ? -1 : 1));
  return { field: 'group', type: 'nominal' as const, sort: null, scale: { domain: groups, scheme: 'tableau10' } };
}

/** Compiles a Vega-Lite spec and renders it to an SVG document. */
export async function renderSvg(spec: Spec): Promise<string> {
  const { vega, vegaLite } = await chartingStack();
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Validation accuracy (mean over seeds) against epoch for the baseline and the variations of
 * `group`; the training accuracy where runs had no validation split.
 */
export function learningCurvesSpec(stats: VariationStats[], group: string, title: string): Spec | null {
  const hasVal = hasEpochFigure(stats, group, 'valAccuracy');
  return curvesSpec(stats, group, title, {
    pick: (e) => (hasVal ? e.valAccuracy : e.accuracy),
    scale: 100,
    yTitle: `${hasVal ? 'validation' : 'training'} accuracy % (mean over seeds)`,
  });
}

/**
 * Regression: validation RMSE (mean over seeds, the targets' units) against epoch for the baseline
 * and the variations of `group`; the training data loss where runs had no validation split.
 */
export function lossCurvesSpec(stats: VariationStats[], group: string, title: string): Spec | null {
  const hasVal = hasEpochFigure(stats, group, 'valRmse');
  return curvesSpec(stats, group, title, {
    pick: (e) => (hasVal ? e.valRmse : e.dataLoss),
    scale: 1,
    yTitle: hasVal ? 'validation RMSE (mean over seeds)' : 'training data loss (mean over seeds)',
  });
}

type EpochFigure = ResultLine['history'][number];

const hasEpochFigure = (stats: VariationStats[], group: string, key: 'valAccuracy' | 'valRmse') =>
  stats.some((s) => (s.group === BASELINE || s.group === group) && s.runs.some((r) => r.history?.some((e) => typeof e[key] === 'number')));

/** A per-epoch figure (mean over seeds) against epoch, one line for the baseline and each variation of `group`. */
function curvesSpec(stats: VariationStats[], group: string, title: string, y: { pick: (e: EpochFigure) => number | undefined; scale: number; yTitle: string }): Spec | null {
  const chosen = stats.filter((s) => s.group === BASELINE || s.group === group);
  // The baseline is named by its value of the component (e.g. `adam (baseline)`) where the config has it.
  const baseName = (s: VariationStats) => {
    const v = (s.runs[0].config as unknown as Record<string, unknown>)[group];
    return typeof v === 'string' ? `${v} (baseline)` : BASELINE;
  };
  const values = chosen.flatMap((s) =>
    meanCurve(s.runs, y.pick).map((p) => ({ variation: s.group === BASELINE ? baseName(s) : s.variation, epoch: p.epoch, value: p.value * y.scale })),
  );
  if (values.length === 0) return null;
  const lastEpoch = values.reduce((m, v) => Math.max(m, v.epoch), -Infinity);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { values: epochTicks(lastEpoch), format: 'd' } },
      y: { field: 'value', type: 'quantitative', title: y.yTitle, scale: { zero: false } },
      color: { field: 'variation', type: 'nominal', title: group, sort: null, legend: { labelLimit: 320 } },
    },
  };
}

/** Whole-epoch axis ticks, at most about ten: 1, then multiples of a step. */
function epochTicks(last: number): number[] {
  const step = [1, 2, 5, 10, 20, 25, 50, 100].find((s) => last / s <= 10) ?? Math.ceil(last / 10);
  const ticks = [1];
  for (let e = step; e <= last; e += step) if (e > 1) ticks.push(e);
  return ticks;
}

/** Variations labelled in the time-accuracy chart besides the baseline: the most accurate few (the rest are in the tables). */
const LABELLED = 3;

/**
 * Test accuracy (or `metric`) against training seconds: one point per variation at its means over
 * seeds, with a ±1 std bar; the baseline and the {@link LABELLED} best variations are named,
 * alternately above and below their point so that neighbours' names do not overlap.
 */
export function timeAccuracySpec(stats: VariationStats[], title: string, metric: ChartMetric = ACCURACY_METRIC): Spec {
  const finite = stats.filter((s) => Number.isFinite(metric.figure(s).mean));
  const best = [...finite].filter((s) => s.group !== BASELINE).sort((a, b) => metric.figure(b).mean - metric.figure(a).mean).slice(0, LABELLED);
  const named = new Set([...finite.filter((s) => s.group === BASELINE), ...best]);
  const values = finite.map((s) => {
    const f = metric.figure(s);
    const [m, sd] = [f.mean * metric.scale, Number.isFinite(f.std) ? f.std * metric.scale : 0];
    return { run: label(s), group: s.group, seconds: s.trainSecondsMean, accuracy: m, lo: m - sd, hi: m + sd, name: named.has(s) ? s.variation : '' };
  });
  const labels = values.filter((v) => v.name !== '').sort((a, b) => a.seconds - b.seconds);
  const x = { field: 'seconds', type: 'quantitative' as const, title: 'training seconds (mean over seeds)', scale: { zero: false } };
  const y = { field: 'accuracy', type: 'quantitative' as const, title: `${metric.title} (mean ± std over seeds)`, scale: { zero: false } };
  const text = (rows: typeof labels, dy: number) => ({
    data: { values: rows },
    mark: { type: 'text' as const, align: 'center' as const, dy, fontSize: 10 },
    encoding: { x, y, text: { field: 'name' } },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      { data: { values }, mark: { type: 'rule', opacity: 0.5 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: groupColor(stats) } },
      { data: { values }, mark: { type: 'point', filled: true, size: 60, opacity: 0.9 }, encoding: { x, y, color: groupColor(stats), tooltip: [{ field: 'run' }, { field: 'accuracy' }, { field: 'seconds' }] } },
      text(labels.filter((_, i) => i % 2 === 0), -10),
      text(labels.filter((_, i) => i % 2 === 1), 14),
    ],
  };
}

/** Δ test accuracy (or `metric`) vs baseline, paired by seed, per variation, with ±1 std error bars. */
export function effectsSpec(stats: VariationStats[], title: string, metric: ChartMetric = ACCURACY_METRIC): Spec | null {
  const values = stats
    .filter((s) => s.group !== BASELINE && Number.isFinite(metric.figure(s).deltaMean))
    .map((s) => {
      const f = metric.figure(s);
      const [d, sd] = [f.deltaMean * metric.scale, Number.isFinite(f.deltaStd) ? f.deltaStd * metric.scale : 0];
      return { run: label(s), group: s.group, delta: d, lo: d - sd, hi: d + sd };
    });
  if (values.length === 0) return null;
  const yAxis = { field: 'run', type: 'nominal' as const, title: null, sort: values.map((v) => v.run), axis: { labelLimit: 260 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: WIDTH,
    height: Math.max(80, 18 * values.length),
    data: { values },
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: yAxis,
          x: { field: 'delta', type: 'quantitative', title: `Δ ${metric.title.replace(/ %$/, '')} vs baseline (${metric.deltaUnit ? `${metric.deltaUnit}, ` : ''}mean ± std over seeds)` },
          color: groupColor(stats),
        },
      },
      { mark: { type: 'rule', color: 'black' }, encoding: { y: yAxis, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
    ],
  };
}

/** Confusion counts as a heatmap (rows true class, columns predicted), counts written in the cells. */
export function confusionSpec(confusion: number[][], classNames: string[], title: string): Spec {
  const names = confusion.map((_, i) => classNames[i] ?? String(i));
  const values = confusion.flatMap((row, t) => row.map((count, p) => ({ truth: names[t], predicted: names[p], count })));
  const max = Math.max(1, ...values.map((v) => v.count));
  const size = Math.max(120, Math.min(440, 34 * names.length));
  const x = { field: 'predicted', type: 'ordinal' as const, sort: names, title: 'predicted' };
  const y = { field: 'truth', type: 'ordinal' as const, sort: names, title: 'true' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: size,
    height: size,
    data: { values },
    layer: [
      { mark: 'rect', encoding: { x, y, color: { field: 'count', type: 'quantitative', scale: { type: 'sqrt', scheme: 'blues' }, title: 'count' } } },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          x,
          y,
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.count > ${max / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}
