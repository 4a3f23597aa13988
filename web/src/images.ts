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
  if (!res.ok) {
    // `scratchnet playground` says why in plain text (where the files are looked for); a static site has none
    const why = res.headers.get('Content-Type')?.startsWith('text/plain') ? (await res.text()).trim() : 'run npm run build:web to make the data files';
    throw new Error(`${url}: HTTP ${res.status} (${why})`);
  }
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

const short = (c: string) => c.slice(0, 7);

/** The first layer's weights [784, units] of the first 32 units as images. */
function drawWeights(gallery: HTMLElement, w: Float32Array, units: number): void {
  const shown = Math.min(32, units);
  if (gallery.childElementCount !== shown) gallery.replaceChildren(...Array.from({ length: shown }, (_, u) => el('canvas', { width: 28, height: 28, title: `unit ${u + 1}` })));
  gallery.querySelectorAll('canvas').forEach((c, u) => drawImage(c, w, u, units, true));
}

/** The confusion matrix of the test predictions `p` (rows true class, columns predicted). */
function drawConfusion(table: HTMLTableElement, set: ImageSet, p: Int32Array): void {
  const y = set.test.y;
  const m = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  for (let i = 0; i < y.length; i++) m[y[i]][p[i]]++;
  const max = Math.max(...m.flatMap((row, i) => row.filter((_, j) => j !== i)), 1);
  const cell = (v: number, i: number, j: number) =>
    el('td', { style: i === j ? 'background:#d7ecf7' : v ? `background:rgba(230,159,0,${(0.15 + (0.85 * v) / max).toFixed(2)})` : '' }, String(v));
  table.replaceChildren(
    el('tr', {}, el('th', {}, 'true \\ pred'), ...set.classes.map((c) => el('th', {}, short(c)))),
    ...m.map((row, i) => el('tr', {}, el('th', {}, short(set.classes[i])), ...row.map((v, j) => cell(v, i, j)))),
  );
}

/** The first 24 misclassified test images, captioned predicted / true. */
function drawMisclassified(gallery: HTMLElement, set: ImageSet, p: Int32Array): void {
  const y = set.test.y;
  const shown: HTMLElement[] = [];
  for (let i = 0; i < y.length && shown.length < 24; i++) {
    if (p[i] === y[i]) continue;
    const c = el('canvas', { width: 28, height: 28 });
    drawImage(c, set.test.x, i * 784);
    shown.push(el('figure', {}, c, el('figcaption', {}, `${short(set.classes[p[i]])} / ${short(set.classes[y[i]])}`)));
  }
  gallery.replaceChildren(...shown);
}

/** The mode's controls: the image set, then the run's options (URL keys behind an `i`); each change is saved to `state.images`. */
function imageControls(state: PlaygroundState, changed: () => void): { controls: HTMLElement; ds: HTMLSelectElement; run: Run } {
  const q = new URLSearchParams(state.images);
  const ds = select(SETS, SETS.includes(q.get('idata') as (typeof SETS)[number]) ? q.get('idata')! : 'mnist');
  const run = readRun(q, IMAGE_RUN, 'images', IMAGE_PREFIX);
  const save = () => {
    const w = new URLSearchParams({ idata: ds.value });
    writeRun(w, run, 'images', { base: IMAGE_RUN, prefix: IMAGE_PREFIX, changesOnly: true });
    state.images = Object.fromEntries(w);
    changed();
  };
  ds.onchange = save;
  const data = el('fieldset', {}, el('legend', {}, 'Data'));
  control(data, 'Dataset', ds, { text: 'A stated subset served with the app: the first 10 000 training and 2 000 test images, decoded in the page from IDX files.' });
  const controls = el('div', { className: 'controls' }, data, ...runFieldsets('images', run, { onChange: save, data, idSuffix: 'images' }));
  return { controls, ds, run };
}

interface Views {
  chart: LineChart;
  weights: HTMLElement;
  confusion: HTMLTableElement;
  wrong: HTMLElement;
}

function views(): Views {
  const chart = new LineChart(el('canvas', { width: 560, height: 220, 'aria-label': 'loss and accuracy curves' }));
  chart.onHover = (t) => announce(t, true);
  return {
    chart,
    weights: el('div', { className: 'gallery', role: 'group', 'aria-label': 'first-layer weights of each unit as 28×28 images' }),
    confusion: el('table', { className: 'confusion', 'aria-label': 'confusion matrix: rows true class, columns predicted' }),
    wrong: el('div', { className: 'gallery', role: 'group', 'aria-label': 'misclassified test images' }),
  };
}

/** The curves of `h`, and the weights, confusion matrix and misclassified images of the epoch `r`. */
function drawViews(v: Views, r: EpochReport, h: EpochReport[], set: ImageSet): void {
  v.chart.set([
    { name: 'train loss', color: PALETTE[0], values: h.map((e) => e.loss), axis: 'loss' },
    { name: 'test loss', color: PALETTE[5], dash: [5, 3], values: h.map((e) => e.testLoss), axis: 'loss' },
    { name: 'train acc', color: PALETTE[2], values: h.map((e) => e.accuracy), axis: 'accuracy' },
    { name: 'test acc', color: PALETTE[3], dash: [5, 3], values: h.map((e) => e.testAccuracy), axis: 'accuracy' },
  ]);
  if (r.firstWeights && r.firstUnits) drawWeights(v.weights, r.firstWeights, r.firstUnits);
  if (r.testPredictions) {
    drawConfusion(v.confusion, set, r.testPredictions);
    drawMisclassified(v.wrong, set, r.testPredictions);
  }
}

export interface ImagesHooks {
  /** Hand a trained MNIST model to the digit pad. */
  useInDigits(bytes: Uint8Array): void;
}

/** The mode's page: controls, buttons, curves and views over one training worker. */
class ImageMode {
  readonly trainer: Trainer;
  private set: ImageSet | null = null;
  private setName = '';
  private latest: EpochReport | null = null;
  private drawn = 0;
  private readonly ds: HTMLSelectElement;
  private readonly run: Run;
  private readonly v = views();
  private readonly status = el('p', { className: 'figures' });
  private readonly cmd = el('code', { className: 'cmd', hidden: true });
  private readonly b = {
    start: el('button', { className: 'primary' }, 'Train'),
    pause: el('button', {}, 'Pause'),
    step: el('button', {}, 'Step (1 epoch)'),
    reset: el('button', {}, 'Reset'),
    toPad: el('button', { disabled: true }, 'Use in the digit pad'),
    exp: el('button', {}, 'Export model'),
    cmd: el('button', { 'aria-expanded': 'false' }, 'CLI command'),
  };

  constructor(
    private readonly root: HTMLElement,
    state: PlaygroundState,
    changed: () => void,
    private readonly hooks: ImagesHooks,
  ) {
    const { controls, ds, run } = imageControls(state, changed);
    this.ds = ds;
    this.run = run;
    const { v, b } = this;
    root.append(
      el('div', { className: 'layout' }, el('div', {}, controls, el('div', { className: 'buttons' }, ...Object.values(b)), this.cmd, this.status), el('div', {}, el('h2', {}, 'Loss and accuracy (test dashed)'), v.chart.canvas)),
      el('div', { className: 'views' }, el('div', {}, el('h2', {}, 'First-layer weights (orange +, blue −)'), v.weights), el('div', {}, el('h2', {}, 'Confusion matrix (test; rows true, columns predicted)'), v.confusion)),
      el('h2', {}, 'Misclassified test images (predicted / true)'),
      v.wrong,
    );
    this.trainer = new Trainer({
      onReady: (m) => (this.status.textContent = `${m.parameters.toLocaleString('en')} parameters, ${m.threads} thread${m.threads === 1 ? '' : 's'}; training…`),
      onEpoch: (r) => {
        this.latest = r;
        requestAnimationFrame(() => this.render());
        announce(`Epoch ${r.epoch}: train loss ${r.loss.toFixed(4)}, test accuracy ${(r.testAccuracy * 100).toFixed(1)}%`);
      },
      onDone: () => {
        frames.stop();
        b.toPad.disabled = this.setName !== 'mnist';
        root.dataset.done = 'true';
        const r = this.trainer.history.at(-1)!;
        announce(`Done: test accuracy ${(r.testAccuracy * 100).toFixed(1)}%`, true);
      },
      onPaused: (epoch) => {
        b.pause.textContent = 'Resume';
        announce(`Paused after epoch ${epoch}`, true);
      },
      onError: (m) => announce(`Error: ${m}`, true),
    });
    this.wire();
  }

  private render(): void {
    const { latest: r, set } = this;
    if (!r || r.epoch === this.drawn || !set) return;
    this.drawn = r.epoch;
    this.status.textContent = `epoch ${r.epoch}: train loss ${r.loss.toFixed(4)}, test loss ${r.testLoss.toFixed(4)}, test accuracy ${(r.testAccuracy * 100).toFixed(2)}% (${set.test.y.length} test images), ${(r.seconds * 1000).toFixed(0)} ms/epoch`;
    drawViews(this.v, r, this.trainer.history, set);
  }

  private async start(): Promise<void> {
    const name = this.ds.value;
    this.root.dataset.done = 'false';
    this.b.toPad.disabled = true;
    try {
      if (!this.set || this.setName !== name) {
        this.status.textContent = `loading ${name}…`;
        this.set = await loadSet(name);
        this.setName = name;
      }
    } catch (e) {
      this.status.textContent = e instanceof Error ? e.message : String(e);
      return;
    }
    const copy = (d: DataArrays) => ({ ...d, x: d.x.slice(), y: d.y.slice() });
    this.drawn = 0;
    this.latest = null;
    frames.reset();
    frames.start();
    this.trainer.start({ type: 'start', config: pageConfig(this.run, name), train: copy(this.set.train), test: copy(this.set.test), images: true });
  }

  private wire(): void {
    const { b, trainer } = this;
    b.start.onclick = () => void this.start();
    // pause takes effect at the end of the current epoch; the label follows the worker's state
    const label = () => (b.pause.textContent = trainer.state === 'paused' ? 'Resume' : 'Pause');
    b.pause.onclick = () => {
      if (trainer.state === 'running') trainer.pause();
      else if (trainer.state === 'paused') trainer.resume();
      label();
    };
    b.step.onclick = () => {
      trainer.step();
      label();
    };
    b.reset.onclick = () => {
      trainer.reset();
      frames.stop();
      this.v.chart.set([]);
      this.status.textContent = '';
    };
    b.toPad.onclick = async () => this.hooks.useInDigits(await trainer.exportModel());
    b.exp.onclick = async () => {
      if (!trainer.active) return announce('Train a model first', true);
      download(await trainer.exportModel(), `playground-${this.setName}.safetensors`);
    };
    b.cmd.onclick = () => {
      // the CLI trains on the full 60 000 images (the page on a 10 000-image subset), so figures differ
      this.cmd.textContent = `${['npx scratchnet train', ...trainArgs(this.run, this.ds.value)].join(' ')}   # the CLI uses all 60 000 training images`;
      this.cmd.hidden = !this.cmd.hidden;
      b.cmd.setAttribute('aria-expanded', String(!this.cmd.hidden));
    };
  }
}

export function mountImages(root: HTMLElement, state: PlaygroundState, changed: () => void, hooks: ImagesHooks): void {
  const mode = new ImageMode(root, state, changed, hooks);
  Object.assign(window, { images: { trainer: mode.trainer } });
}
