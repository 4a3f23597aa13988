/**
 * Image mode: an MLP on a served subset of MNIST or Fashion-MNIST (made at build time by
 * web/scripts/make-data.ts), decoded in the page with the library's IDX decoder. Live curves, the
 * first layer's weights as images, the confusion matrix and the misclassified test images.
 */
import * as sn from 'scratchnet';
import { LineChart, PALETTE } from './plot';
import { pageConfig, readRun, trainArgs, writeRun, type Run } from './options';
import type { DataArrays, EpochReport } from './protocol';
import { runFieldsets } from './run-controls';
import { DEFAULT_RUN, IMAGE_PREFIX, type PlaygroundState } from './state';
import { Trainer } from './trainer';
import { announce, control, download, el, frames, select } from './ui';

const SETS = ['mnist', 'fashion-mnist'] as const;

/** Image mode's run before the URL's changes: a small, quick MLP; its keys in the URL take an `i` (`ilayers`, `iopt`). */
const IMAGE_RUN: Run = { ...DEFAULT_RUN, layers: [128], lr: 0.001, epochs: 5, batchSize: 128 };

interface ImageSet {
  train: DataArrays;
  test: DataArrays;
  classes: string[];
}

async function fetchIdx(url: string): Promise<sn.IdxTensor> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} (run npm run build:web to make the data files)`);
  return sn.decodeIdx(new Uint8Array(await res.arrayBuffer()), url);
}

/** Pixels scaled to [0, 1] as the Node loaders do. */
async function loadSet(name: string): Promise<ImageSet> {
  const base = new URL(`data/${name}/`, document.baseURI).href;
  const part = async (p: string): Promise<DataArrays> => {
    const [images, labels] = await Promise.all([fetchIdx(`${base}${p}-images.idx`), fetchIdx(`${base}${p}-labels.idx`)]);
    const px = images.data as Uint8Array;
    const x = new Float32Array(px.length);
    for (let i = 0; i < px.length; i++) x[i] = px[i] / 255;
    return { x, y: Int32Array.from(labels.data as Uint8Array), width: 784, numClasses: 10, imageShape: [28, 28] };
  };
  const [train, test, classes] = await Promise.all([part('train'), part('test'), fetch(`${base}classes.json`).then((r) => r.json() as Promise<string[]>)]);
  return { train, test, classes };
}

/** Grey image of 28×28 values into a canvas (scaled by its CSS size). */
function drawImage(canvas: HTMLCanvasElement, px: ArrayLike<number>, offset: number, stride = 1, signed = false): void {
  const img = new ImageData(28, 28);
  let max = 1e-9;
  if (signed) for (let i = 0; i < 784; i++) max = Math.max(max, Math.abs(px[offset + i * stride]));
  for (let i = 0; i < 784; i++) {
    const v = px[offset + i * stride];
    if (signed) {
      // blue negative, orange positive (colour-blind safe)
      const a = Math.min(1, Math.abs(v) / max);
      const c = v < 0 ? [0, 114, 178] : [230, 159, 0];
      img.data.set([255 - (255 - c[0]) * a, 255 - (255 - c[1]) * a, 255 - (255 - c[2]) * a, 255], i * 4);
    } else {
      const g = Math.round(255 * (1 - v));
      img.data.set([g, g, g, 255], i * 4);
    }
  }
  canvas.getContext('2d')!.putImageData(img, 0, 0);
}

export interface ImagesHooks {
  /** Hand a trained MNIST model to the digit pad. */
  useInDigits(bytes: Uint8Array): void;
}

export function mountImages(root: HTMLElement, state: PlaygroundState, changed: () => void, hooks: ImagesHooks): void {
  const q = new URLSearchParams(state.images);
  const ds = select(SETS, SETS.includes(q.get('idata') as (typeof SETS)[number]) ? q.get('idata')! : 'mnist');
  const run = readRun(q, IMAGE_RUN, 'images', IMAGE_PREFIX);
  const save = () => {
    const w = new URLSearchParams({ idata: ds.value });
    writeRun(w, run, 'images', IMAGE_PREFIX, IMAGE_RUN);
    state.images = Object.fromEntries(w);
    changed();
  };
  ds.onchange = save;
  const data = el('fieldset', {}, el('legend', {}, 'Data'));
  control(data, 'Dataset', ds, { text: 'A stated subset served with the app: the first 10 000 training and 2 000 test images, decoded in the page from IDX files.' });
  const controls = el('div', { className: 'controls' }, data, ...runFieldsets('images', run, { onChange: save, data, idSuffix: 'images' }));
  const start = el('button', { className: 'primary' }, 'Train');
  const pause = el('button', {}, 'Pause');
  const step = el('button', {}, 'Step (1 epoch)');
  const reset = el('button', {}, 'Reset');
  const toPad = el('button', { disabled: true }, 'Use in the digit pad');
  const exp = el('button', {}, 'Export model');
  const cmdButton = el('button', { 'aria-expanded': 'false' }, 'CLI command');
  const cmd = el('code', { className: 'cmd', hidden: true });
  const status = el('p', { className: 'figures' });
  const chart = new LineChart(el('canvas', { width: 560, height: 220, 'aria-label': 'loss and accuracy curves' }));
  chart.onHover = (t) => announce(t, true);
  const weights = el('div', { className: 'gallery', 'aria-label': 'first-layer weights of each unit as 28×28 images' });
  const confusion = el('table', { className: 'confusion', 'aria-label': 'confusion matrix: rows true class, columns predicted' });
  const wrong = el('div', { className: 'gallery', 'aria-label': 'misclassified test images' });
  root.append(
    el('div', { className: 'layout' }, el('div', {}, controls, el('div', { className: 'buttons' }, start, pause, step, reset, toPad, exp, cmdButton), cmd, status), el('div', {}, el('h2', {}, 'Loss and accuracy (test dashed)'), chart.canvas)),
    el('div', { className: 'views' }, el('div', {}, el('h2', {}, 'First-layer weights (orange +, blue −)'), weights), el('div', {}, el('h2', {}, 'Confusion matrix (test; rows true, columns predicted)'), confusion)),
    el('h2', {}, 'Misclassified test images (predicted / true)'),
    wrong,
  );

  let set: ImageSet | null = null;
  let setName = '';
  let latest: EpochReport | null = null;
  let drawn = 0;
  const trainer = new Trainer({
    onReady: (m) => (status.textContent = `${m.parameters.toLocaleString('en')} parameters, ${m.threads} thread${m.threads === 1 ? '' : 's'}; training…`),
    onEpoch: (r) => {
      latest = r;
      requestAnimationFrame(render);
      announce(`Epoch ${r.epoch}: train loss ${r.loss.toFixed(4)}, test accuracy ${(r.testAccuracy * 100).toFixed(1)}%`);
    },
    onDone: () => {
      frames.stop();
      toPad.disabled = setName !== 'mnist';
      root.dataset.done = 'true';
      const r = trainer.history.at(-1)!;
      announce(`Done: test accuracy ${(r.testAccuracy * 100).toFixed(1)}%`, true);
    },
    onPaused: (epoch) => {
      pause.textContent = 'Resume';
      announce(`Paused after epoch ${epoch}`, true);
    },
    onError: (m) => announce(`Error: ${m}`, true),
  });

  const render = () => {
    const r = latest;
    if (!r || r.epoch === drawn || !set) return;
    drawn = r.epoch;
    const h = trainer.history;
    chart.set([
      { name: 'train loss', color: PALETTE[0], values: h.map((e) => e.loss), axis: 'loss' },
      { name: 'test loss', color: PALETTE[5], dash: [5, 3], values: h.map((e) => e.testLoss), axis: 'loss' },
      { name: 'train acc', color: PALETTE[2], values: h.map((e) => e.accuracy), axis: 'accuracy' },
      { name: 'test acc', color: PALETTE[3], dash: [5, 3], values: h.map((e) => e.testAccuracy), axis: 'accuracy' },
    ]);
    status.textContent = `epoch ${r.epoch}: train loss ${r.loss.toFixed(4)}, test loss ${r.testLoss.toFixed(4)}, test accuracy ${(r.testAccuracy * 100).toFixed(2)}% (${set.test.y.length} test images), ${(r.seconds * 1000).toFixed(0)} ms/epoch`;
    if (r.firstWeights && r.firstUnits) {
      const units = Math.min(32, r.firstUnits);
      if (weights.childElementCount !== units) weights.replaceChildren(...Array.from({ length: units }, (_, u) => el('canvas', { width: 28, height: 28, title: `unit ${u + 1}` })));
      weights.querySelectorAll('canvas').forEach((c, u) => drawImage(c, r.firstWeights!, u, r.firstUnits, true));
    }
    if (r.testPredictions) {
      const p = r.testPredictions;
      const y = set.test.y;
      const m = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
      for (let i = 0; i < y.length; i++) m[y[i]][p[i]]++;
      const short = (c: string) => c.slice(0, 7);
      const max = Math.max(...m.flatMap((row, i) => row.filter((_, j) => j !== i)), 1);
      confusion.replaceChildren(
        el('tr', {}, el('th', {}, 'true \\ pred'), ...set.classes.map((c) => el('th', {}, short(c)))),
        ...m.map((row, i) =>
          el(
            'tr',
            {},
            el('th', {}, short(set!.classes[i])),
            ...row.map((v, j) => el('td', { style: i === j ? 'background:#d7ecf7' : v ? `background:rgba(230,159,0,${(0.15 + (0.85 * v) / max).toFixed(2)})` : '' }, String(v))),
          ),
        ),
      );
      const shown: HTMLElement[] = [];
      for (let i = 0; i < y.length && shown.length < 24; i++) {
        if (p[i] === y[i]) continue;
        const c = el('canvas', { width: 28, height: 28 });
        drawImage(c, set.test.x, i * 784);
        shown.push(el('figure', {}, c, el('figcaption', {}, `${short(set.classes[p[i]])} / ${short(set.classes[y[i]])}`)));
      }
      wrong.replaceChildren(...shown);
    }
  };

  const config = () => pageConfig(run, ds.value);

  start.onclick = async () => {
    root.dataset.done = 'false';
    toPad.disabled = true;
    try {
      if (!set || setName !== ds.value) {
        status.textContent = `loading ${ds.value}…`;
        set = await loadSet(ds.value);
        setName = ds.value;
      }
    } catch (e) {
      status.textContent = e instanceof Error ? e.message : String(e);
      return;
    }
    const copy = (d: DataArrays) => ({ ...d, x: d.x.slice(), y: d.y.slice() });
    drawn = 0;
    latest = null;
    frames.reset();
    frames.start();
    trainer.start({ type: 'start', config: config(), train: copy(set.train), test: copy(set.test), images: true });
  };
  // pause takes effect at the end of the current epoch; the label follows the worker's state
  const label = () => (pause.textContent = trainer.state === 'paused' ? 'Resume' : 'Pause');
  pause.onclick = () => {
    if (trainer.state === 'running') trainer.pause();
    else if (trainer.state === 'paused') trainer.resume();
    label();
  };
  step.onclick = () => {
    trainer.step();
    label();
  };
  reset.onclick = () => {
    trainer.reset();
    frames.stop();
    chart.set([]);
    status.textContent = '';
  };
  toPad.onclick = async () => hooks.useInDigits(await trainer.exportModel());
  exp.onclick = async () => {
    if (!trainer.active) return announce('Train a model first', true);
    download(await trainer.exportModel(), `playground-${setName}.safetensors`);
  };
  cmdButton.onclick = () => {
    // the CLI trains on the full 60 000 images (the page on a 10 000-image subset), so figures differ
    cmd.textContent = `${['npx scratchnet train', ...trainArgs(run, ds.value)].join(' ')}   # the CLI uses all 60 000 training images`;
    cmd.hidden = !cmd.hidden;
    cmdButton.setAttribute('aria-expanded', String(!cmd.hidden));
  };
  Object.assign(window, { images: { trainer } });
}
