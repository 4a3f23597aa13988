/**
 * Compare mode: 2–4 runs that differ in one component train side by side, each in its own worker,
 * on the same data from the same seed; overlaid test curves and a table of the final figures.
 */
import { makeData } from './data2d';
import { LineChart, PALETTE } from './plot';
import { optionsOf, pageConfig, parseValue, type Run } from './options';
import type { EpochReport } from './protocol';
import { COMPARE_KEYS, type PlaygroundState } from './state';
import { Trainer } from './trainer';
import { announce, control, el, frames, select } from './ui';

/** The run with option `key` set to `value` (text as a flag writes it; a value the option does not take keeps the base's). */
function variant(base: Run, key: string, value: string): Run {
  const r = structuredClone(base) as Record<string, unknown>;
  const o = optionsOf('2d').find((o) => o.key === key);
  const v = o && parseValue(o, value);
  if (v !== undefined) r[key] = v;
  return r as Run;
}

/** The runs' test curves on `chart`, their final figures in `table` (a row per run, labelled by its value of `key`). */
function drawRuns(chart: LineChart, table: HTMLTableElement, key: string, labels: string[], trainers: Trainer[]): void {
  chart.set(
    trainers.flatMap((t, i) => [
      { name: `${labels[i]} test loss`, color: PALETTE[i], values: t.history.map((e) => e.testLoss), axis: 'loss' as const },
      { name: `${labels[i]} test acc`, color: PALETTE[i], dash: [5, 3], values: t.history.map((e) => e.testAccuracy), axis: 'accuracy' as const },
    ]),
  );
  const row = (cells: string[], head = false) => el('tr', {}, ...cells.map((c) => el(head ? 'th' : 'td', {}, c)));
  table.replaceChildren(
    row([key, 'epochs', 'final test accuracy', 'final test loss', 'time per epoch (ms)', 'state'], true),
    ...trainers.map((t, i) => {
      const h: EpochReport[] = t.history;
      const last = h.at(-1);
      const ms = h.length ? (1000 * h.reduce((s, e) => s + e.seconds, 0)) / h.length : NaN;
      return row([labels[i], String(h.length), last ? `${(last.testAccuracy * 100).toFixed(1)}%` : '–', last ? last.testLoss.toFixed(4) : '–', Number.isFinite(ms) ? ms.toFixed(2) : '–', t.state]);
    }),
  );
}

export function mountCompare(root: HTMLElement, state: PlaygroundState, changed: () => void): void {
  const key = select(COMPARE_KEYS, state.compare.key);
  const values = el('input', { type: 'text', value: state.compare.values.join(state.compare.values.some((v) => v.includes(',')) ? ' | ' : ', ') });
  const run = el('button', { className: 'primary' }, 'Run comparison');
  const stop = el('button', {}, 'Stop');
  const chart = new LineChart(el('canvas', { width: 640, height: 260, 'aria-label': 'test loss and accuracy of each configuration' }));
  const table = el('table');
  chart.onHover = (t) => announce(t, true);
  const controls = el('div', { className: 'controls' });
  control(controls, 'Component', key, { text: 'The one setting that differs between the runs; everything else is the 2-D mode’s configuration, data and seed.' });
  control(controls, 'Values', values, { text: '2 to 4 values, comma-separated (e.g. adam, sgd or 0.1, 0.01), or separated by | where a value has commas (hidden layers: 16,16 | 64).' });
  root.append(
    el('p', { className: 'note' }, 'Runs the 2-D mode’s set-up several times, changing one component; each run trains in its own worker with the same seed and data.'),
    controls,
    el('div', { className: 'buttons' }, run, stop),
    el('h2', {}, 'Test loss (solid) and test accuracy (dashed)'),
    chart.canvas,
    el('div', { className: 'scroll', role: 'region', tabIndex: 0, 'aria-label': 'final figures of each run (scrolls sideways)' }, table),
  );
  let trainers: Trainer[] = [];
  let labels: string[] = [];
  const save = () => {
    state.compare = { key: key.value, values: values.value.split(values.value.includes('|') ? '|' : ',').map((v) => v.trim()).filter(Boolean).slice(0, 4) };
    changed();
  };
  key.onchange = save;
  values.onchange = save;

  const redraw = () => drawRuns(chart, table, state.compare.key, labels, trainers);

  run.onclick = async () => {
    save();
    trainers.forEach((t) => t.reset());
    const vals = state.compare.values;
    if (vals.length < 2) return announce('Compare needs 2 to 4 values', true);
    const data = await makeData(state);
    labels = vals;
    let pending = vals.length;
    frames.reset();
    frames.start();
    trainers = vals.map(
      () =>
        new Trainer({
          onEpoch: () => requestAnimationFrame(redraw),
          onDone: () => {
            redraw();
            if (--pending === 0) {
              frames.stop();
              announce(`Comparison done: ${trainers.map((t, i) => `${labels[i]} ${((t.history.at(-1)?.testAccuracy ?? 0) * 100).toFixed(1)}%`).join(', ')}`, true);
              root.dataset.done = 'true';
            }
          },
          onError: (m) => announce(`Error: ${m}`, true),
        }),
    );
    root.dataset.done = 'false';
    trainers.forEach((t, i) =>
      t.start({
        type: 'start',
        config: pageConfig(variant(state.run, state.compare.key, vals[i]), state.dataset),
        train: { ...data.train, x: data.train.x.slice(), y: data.train.y.slice() },
        test: { ...data.test, x: data.test.x.slice(), y: data.test.y.slice() },
        // side by side: the cores shared out (the same bits on any thread count)
        threads: crossOriginIsolated ? Math.max(1, Math.floor((navigator.hardwareConcurrency || 1) / vals.length)) : 1,
      }),
    );
    announce(`Comparing ${state.compare.key}: ${vals.join(' vs ')}`, true);
  };
  stop.onclick = () => {
    trainers.forEach((t) => t.reset());
    frames.stop();
    redraw();
  };
  Object.assign(window, { compare: { trainers: () => trainers } });
}
