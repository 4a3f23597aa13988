/**
 * The digit pad: draw a digit; it is preprocessed as MNIST was (ink box scaled into 20×20, centre of
 * mass at the centre of a 28×28 field) and classified by a model file — the one shipped with the
 * app (trained by `scratchnet train`) or one you load — on the page's thread with the TypeScript
 * kernels (one 784-256-128-10 forward pass is well under a millisecond).
 */
import * as sn from 'scratchnet';
import { announce, el } from './ui';

const shippedUrl = () => new URL('models/mnist.safetensors', document.baseURI).href;

/** MNIST-style 28×28 input in [0, 1] from the pad's pixels (white ink on black); null if blank. */
export function preprocess(pad: HTMLCanvasElement): Float32Array | null {
  const { width: w, height: h } = pad;
  const src = pad.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, w, h).data;
  let [x0, y0, x1, y1] = [w, h, -1, -1];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (src[(y * w + x) * 4] > 12) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
  if (x1 < 0) return null;
  const [bw, bh] = [x1 - x0 + 1, y1 - y0 + 1];
  const s = 20 / Math.max(bw, bh);
  const [sw, sh] = [Math.max(1, Math.round(bw * s)), Math.max(1, Math.round(bh * s))];
  // the ink box scaled (anti-aliased) to fit 20×20, aspect ratio kept
  const box = new OffscreenCanvas(sw, sh);
  const bctx = box.getContext('2d', { willReadFrequently: true })!;
  bctx.imageSmoothingQuality = 'high';
  bctx.drawImage(pad, x0, y0, bw, bh, 0, 0, sw, sh);
  const px = bctx.getImageData(0, 0, sw, sh).data;
  let [m, mx, my] = [0, 0, 0];
  for (let y = 0; y < sh; y++)
    for (let x = 0; x < sw; x++) {
      const v = px[(y * sw + x) * 4] / 255;
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  // shift so the centre of mass lands on the field's centre (14, 14)
  const ox = Math.round(14 - mx / m);
  const oy = Math.round(14 - my / m);
  const out = new Float32Array(784);
  for (let y = 0; y < sh; y++)
    for (let x = 0; x < sw; x++) {
      const [tx, ty] = [x + ox, y + oy];
      if (tx >= 0 && tx < 28 && ty >= 0 && ty < 28) out[ty * 28 + tx] = px[(y * sw + x) * 4] / 255;
    }
  return out;
}

export interface DigitsApi {
  predictions(): number[];
  /** Classify with these model bytes from now on. */
  use(bytes: Uint8Array, name: string): void;
  clear(): void;
  ready: Promise<void>;
}

/** Strokes of white ink on the pad (pointer, pen or touch): `onStroke` at most once a frame while drawing, `onEnd` when a stroke ends. */
function drawOn(pad: HTMLCanvasElement, onStroke: () => void, onEnd: () => void): void {
  const ctx = pad.getContext('2d', { willReadFrequently: true })!;
  let drawing = false;
  let last: [number, number] = [0, 0];
  let queued = false;
  const at = (e: PointerEvent): [number, number] => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * pad.width, ((e.clientY - r.top) / r.height) * pad.height];
  };
  const line = (a: [number, number], b: [number, number]) => {
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 24;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(...a);
    ctx.lineTo(...b);
    ctx.stroke();
    if (!queued) {
      queued = true;
      requestAnimationFrame(() => ((queued = false), onStroke()));
    }
  };
  pad.addEventListener('pointerdown', (e) => {
    drawing = true;
    pad.setPointerCapture(e.pointerId);
    last = at(e);
    line(last, last);
  });
  pad.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const p = at(e);
    line(last, p);
    last = p;
  });
  const end = () => {
    if (drawing) onEnd();
    drawing = false;
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
}

/** One line about a model file: size, parameters, layers, and its test accuracy and command where it says them. */
function describe(saved: ReturnType<typeof sn.decodeModel>, bytes: number, name: string): string {
  const t = saved.training as { testAccuracy?: number; config?: { dataset?: string; layers?: number[]; epochs?: number } };
  const first = saved.architecture.layers[0]?.type;
  return (
    `${name}: ${(bytes / 1024).toFixed(0)} KiB, ${saved.model.parameterCount.toLocaleString('en')} parameters, ` +
    `layers ${saved.architecture.layers.map((l) => l.type).join(' → ')}` +
    (t.testAccuracy !== undefined ? `; test accuracy ${(t.testAccuracy * 100).toFixed(2)}% (MNIST, 10 000 images)` : '') +
    (t.config ? `; trained by scratchnet train --dataset ${t.config.dataset} --layers ${t.config.layers?.join(',')} --epochs ${t.config.epochs}` : '') +
    (first === 'standardize' ? '; its first layer standardises the pixels.' : '.')
  );
}

/** The pad, the 28×28 field, a probability bar per digit and the model's line and buttons, appended to `root`. */
function layout(root: HTMLElement) {
  const pad = el('canvas', { className: 'pad', width: 280, height: 280, tabIndex: 0, 'aria-label': 'drawing pad: draw a digit with the mouse, a pen or a finger' });
  const field = el('canvas', { className: 'mnist', width: 28, height: 28, 'aria-label': 'the 28×28 input the model sees' });
  const bars = el('div', { className: 'bars', role: 'list', 'aria-label': 'probability of each digit' });
  const about = el('p', { className: 'note' });
  const clear = el('button', { className: 'primary' }, 'Clear');
  const load = el('input', { type: 'file', accept: '.safetensors', 'aria-label': 'load a model file (.safetensors)' });
  const shipped = el('button', {}, 'Use the shipped model');
  root.append(
    el('p', { className: 'note' }, 'Draw a digit (0–9). It is cropped to its ink, scaled into a 20×20 box and centred by its centre of mass in a 28×28 field, as MNIST was made. Keys: Delete or C clears.'),
    el(
      'div',
      { className: 'digits' },
      el('div', {}, el('h2', {}, 'Draw'), pad, el('div', { className: 'buttons' }, clear)),
      el('div', {}, el('h2', {}, 'What the model sees'), field),
      el('div', {}, el('h2', {}, 'Probabilities'), bars),
    ),
    el('h2', {}, 'Model'),
    about,
    el('div', { className: 'buttons' }, shipped, el('label', {}, 'Load a model file: ', load)),
  );
  const rows = Array.from({ length: 10 }, (_, d) => {
    const bar = el('div', { className: 'bar', style: 'width: 0px' });
    const val = el('span', {}, '–');
    bars.append(el('span', { role: 'listitem' }, String(d)), el('div', {}, bar), val);
    return { bar, val };
  });
  return { pad, field, about, clear, load, shipped, rows };
}

export function mountDigits(root: HTMLElement): DigitsApi {
  const { pad, field, about, clear, load, shipped, rows } = layout(root);
  let model: sn.Sequential | null = null;
  let probs: number[] = [];
  const kernels = new sn.JsKernels();
  const ctx = pad.getContext('2d', { willReadFrequently: true })!;
  const wipe = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, pad.width, pad.height);
    field.getContext('2d')!.clearRect(0, 0, 28, 28);
    probs = [];
    rows.forEach((r) => ((r.bar.style.width = '0px'), (r.val.textContent = '–'), r.bar.classList.remove('top')));
  };
  wipe();

  /** `final`: the stroke ended (announced at once; while drawing, at most every 1.5 s). */
  const classify = (final = false) => {
    const x = preprocess(pad);
    if (!x) return;
    const img = new ImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = Math.round(x[i] * 255);
      img.data.set([v, v, v, 255], i * 4);
    }
    field.getContext('2d')!.putImageData(img, 0, 0);
    if (!model) return;
    const p = sn.predict(model, new sn.Matrix(1, 784, x), 'softmax').probabilities.data;
    probs = Array.from(p);
    const top = probs.indexOf(Math.max(...probs));
    rows.forEach((r, d) => {
      r.bar.style.width = `${Math.round(probs[d] * 200)}px`;
      r.bar.classList.toggle('top', d === top);
      r.val.textContent = `${(probs[d] * 100).toFixed(1)}%`;
    });
    announce(`Looks like a ${top} (${(probs[top] * 100).toFixed(0)}%)`, final);
  };

  drawOn(pad, () => classify(), () => classify(true));
  pad.addEventListener('keydown', (e) => {
    if (e.key === 'Delete' || e.key === 'c' || e.key === 'C') wipe();
  });
  clear.onclick = wipe;

  const use = (bytes: Uint8Array, name: string) => {
    const saved = sn.decodeModel(bytes, { batchSize: 1, kernels }, name);
    if (saved.architecture.inputWidth !== 784 || saved.architecture.outputWidth !== 10) {
      throw new sn.ModelFileError(`${name}: the digit pad needs a model of 784 inputs and 10 classes, found ${saved.architecture.inputWidth} → ${saved.architecture.outputWidth}`);
    }
    model?.release();
    model = saved.model;
    about.textContent = describe(saved, bytes.length, name);
    classify();
  };
  const loadShipped = async () => {
    const res = await fetch(shippedUrl());
    if (!res.ok) throw new Error(`models/mnist.safetensors: HTTP ${res.status}`);
    use(new Uint8Array(await res.arrayBuffer()), 'mnist.safetensors (shipped)');
  };
  shipped.onclick = () => void loadShipped().catch((e) => announce(String(e), true));
  load.onchange = async () => {
    const f = load.files?.[0];
    if (!f) return;
    try {
      use(new Uint8Array(await f.arrayBuffer()), f.name);
    } catch (e) {
      announce(e instanceof Error ? e.message : String(e), true);
    }
  };
  const ready = loadShipped().catch((e) => {
    about.textContent = `could not load the shipped model: ${e instanceof Error ? e.message : e}`;
  });
  const api: DigitsApi = { predictions: () => probs, clear: wipe, ready, use };
  Object.assign(window, { digits: api });
  return api;
}
