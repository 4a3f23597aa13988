/** Canvas drawing: decision-boundary heat maps, unit thumbnails, line charts with hover values. */

/** Okabe–Ito: distinguishable with every common colour-vision deficiency. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#999999', '#7a4a00'];

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** Square plot domain [lo, hi]² holding every point, padded. */
export interface Domain {
  lo: number;
  hi: number;
}

export function domainOf(xs: Float32Array[]): Domain {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) for (const v of x) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  if (!Number.isFinite(lo)) return { lo: -1.2, hi: 1.2 };
  const pad = 0.1 * (hi - lo) + 0.05;
  return { lo: lo - pad, hi: hi + pad };
}

/** Grid centres, row 0 at the top (largest y): [n·n, 2]. */
export function gridPoints(n: number, d: Domain): Float32Array {
  const g = new Float32Array(n * n * 2);
  const step = (d.hi - d.lo) / n;
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      g[(r * n + c) * 2] = d.lo + (c + 0.5) * step;
      g[(r * n + c) * 2 + 1] = d.hi - (r + 0.5) * step;
    }
  return g;
}

/**
 * Paints the class regions: each cell gets its predicted class's colour, paler where the model is
 * less sure. probs: [n·n, outputs] (outputs 1: sigmoid p of class 1).
 */
export function drawBoundary(canvas: HTMLCanvasElement, probs: Float32Array, outputs: number, n: number): void {
  const img = scratchImage(n);
  const cols = PALETTE.map(rgb);
  for (let i = 0; i < n * n; i++) {
    let best = 0;
    let p = 0;
    if (outputs === 1) {
      best = probs[i] > 0.5 ? 1 : 0;
      p = best === 1 ? probs[i] : 1 - probs[i];
    } else {
      for (let q = 0; q < outputs; q++) if (probs[i * outputs + q] > p) (p = probs[i * outputs + q]), (best = q);
    }
    const k = outputs === 1 ? 2 : outputs;
    const a = Math.max(0, Math.min(1, (p - 1 / k) / (1 - 1 / k))) * 0.65; // 0 at chance, 0.65 when sure
    const c = cols[best];
    for (let ch = 0; ch < 3; ch++) img.data[i * 4 + ch] = Math.round(255 * (1 - a) + c[ch] * a);
    img.data[i * 4 + 3] = 255;
  }
  const off = scratch(n);
  off.getContext('2d')!.putImageData(img, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
}

/** Train points filled, test points as rings; x [n, 2], y [n]. */
export function drawPoints(canvas: HTMLCanvasElement, x: Float32Array, y: Int32Array, d: Domain, test: boolean): void {
  const ctx = canvas.getContext('2d')!;
  const s = canvas.width / (d.hi - d.lo);
  ctx.lineWidth = 1.5;
  for (let i = 0; i < y.length; i++) {
    const px = (x[2 * i] - d.lo) * s;
    const py = (d.hi - x[2 * i + 1]) * s;
    ctx.beginPath();
    ctx.arc(px, py, test ? 3.5 : 3, 0, 2 * Math.PI);
    if (test) {
      ctx.strokeStyle = PALETTE[y[i]];
      ctx.stroke();
    } else {
      ctx.fillStyle = PALETTE[y[i]];
      ctx.fill();
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 0.75;
      ctx.stroke();
      ctx.lineWidth = 1.5;
    }
  }
}

/** One hidden unit over the plane: blue for negative, white at 0, orange for positive (scaled to its max |a|). */
export function drawUnit(canvas: HTMLCanvasElement, acts: Float32Array, units: number, unit: number, n: number): void {
  let max = 1e-6;
  for (let i = 0; i < n * n; i++) max = Math.max(max, Math.abs(acts[i * units + unit]));
  const img = scratchImage(n);
  const [neg, pos] = [rgb(PALETTE[0]), rgb(PALETTE[1])];
  for (let i = 0; i < n * n; i++) {
    const v = acts[i * units + unit] / max;
    const c = v < 0 ? neg : pos;
    const a = Math.min(1, Math.abs(v));
    for (let ch = 0; ch < 3; ch++) img.data[i * 4 + ch] = Math.round(255 * (1 - a) + c[ch] * a);
    img.data[i * 4 + 3] = 255;
  }
  if (canvas.width === n && canvas.height === n) canvas.getContext('2d')!.putImageData(img, 0, 0);
  else {
    const off = scratch(n);
    off.getContext('2d')!.putImageData(img, 0, 0);
    canvas.getContext('2d')!.drawImage(off, 0, 0, canvas.width, canvas.height);
  }
}

let scratchCanvas: OffscreenCanvas | null = null;
let scratchPixels: ImageData | null = null;

/** One reused n×n ImageData (putImageData copies it): a frame of thumbnails allocates no pixels. */
function scratchImage(n: number): ImageData {
  if (!scratchPixels || scratchPixels.width !== n) scratchPixels = new ImageData(n, n);
  return scratchPixels;
}

/** One reused n×n offscreen canvas (no allocation per frame). */
function scratch(n: number): OffscreenCanvas {
  if (!scratchCanvas || scratchCanvas.width !== n) scratchCanvas = new OffscreenCanvas(n, n);
  return scratchCanvas;
}

export interface Series {
  name: string;
  color: string;
  dash?: number[];
  values: number[];
  /** Which y axis: loss (left, from 0) or accuracy (right, 0..1). */
  axis: 'loss' | 'accuracy';
}

/** Loss and accuracy against epoch; hovering shows every series' value at the nearest epoch. */
export class LineChart {
  private series: Series[] = [];
  private hover = -1;

  constructor(readonly canvas: HTMLCanvasElement) {
    canvas.addEventListener('pointermove', (e) => {
      const r = canvas.getBoundingClientRect();
      const n = this.length();
      if (n === 0) return;
      const fx = (e.clientX - r.left) / r.width;
      const x0 = (40 * this.scale()) / canvas.width;
      const x1 = 1 - x0;
      this.hover = Math.max(0, Math.min(n - 1, Math.round(((fx - x0) / (x1 - x0)) * (n - 1))));
      this.draw();
    });
    canvas.addEventListener('pointerleave', () => {
      this.hover = -1;
      this.draw();
    });
    // keyboard: arrows (Shift: 10×), Home and End move the hover line; its values go to onHover
    canvas.tabIndex = 0;
    canvas.addEventListener('keydown', (e) => {
      const n = this.length();
      const d = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity }[e.key];
      if (d === undefined || n === 0) return;
      e.preventDefault();
      const from = this.hover < 0 ? n - 1 : this.hover;
      this.hover = Math.max(0, Math.min(n - 1, from + d * (e.shiftKey ? 10 : 1)));
      this.draw();
      this.onHover?.(this.hoverText().join(', '));
    });
    canvas.addEventListener('blur', () => {
      this.hover = -1;
      this.draw();
    });
  }

  /** Called with the hovered epoch's values when the keyboard moves the hover line (the page announces them). */
  onHover?: (text: string) => void;

  private hoverText(): string[] {
    return [`epoch ${this.hover + 1}`, ...this.series.map((s) => `${s.name}: ${fmt(s.values[this.hover], s.axis)}`)];
  }

  /** Canvas pixels per CSS pixel where the page shrinks the canvas (a narrow screen), so that text and margins keep their size on screen. */
  private scale(): number {
    return Math.max(1, this.canvas.width / (this.canvas.clientWidth || this.canvas.width));
  }

  private length(): number {
    return Math.max(0, ...this.series.map((s) => s.values.length));
  }

  set(series: Series[]): void {
    this.series = series;
    this.draw();
  }

  draw(): void {
    const { canvas } = this;
    const ctx = canvas.getContext('2d')!;
    const [w, h] = [canvas.width, canvas.height];
    const k = this.scale();
    ctx.clearRect(0, 0, w, h);
    ctx.font = `${11 * k}px system-ui, sans-serif`;
    // legend above the plot, in as many rows as the width needs: a line sample (solid or dashed) and the name of each series
    const legend: { s: Series; x: number; y: number }[] = [];
    let [lx, ly] = [40 * k, 12 * k];
    for (const s of this.series.slice(0, 8)) {
      const iw = 22 * k + ctx.measureText(s.name).width;
      if (lx + iw > w && legend.length) [lx, ly] = [40 * k, ly + 14 * k];
      legend.push({ s, x: lx, y: ly });
      lx += iw + 8 * k;
    }
    const [l, r, t, b] = [40 * k, w - 40 * k, ly + 12 * k, h - 22 * k];
    ctx.fillStyle = '#333';
    ctx.strokeStyle = '#bbb';
    ctx.lineWidth = 1;
    ctx.strokeRect(l, t, r - l, b - t);
    const n = this.length();
    let maxLoss = 1e-9;
    for (const s of this.series) if (s.axis === 'loss') for (const v of s.values) if (Number.isFinite(v)) maxLoss = Math.max(maxLoss, v);
    ctx.textAlign = 'right';
    ctx.fillText(maxLoss.toPrecision(2), l - 3 * k, t + 8 * k);
    ctx.fillText('0', l - 3 * k, b);
    ctx.textAlign = 'left';
    ctx.fillText('100%', r + 3 * k, t + 8 * k);
    ctx.fillText('0%', r + 3 * k, b);
    ctx.textAlign = 'center';
    ctx.fillText(n > 0 ? `epoch (1–${n})` : 'epoch', (l + r) / 2, h - 6 * k);
    ctx.textAlign = 'left';
    for (const { s, x, y } of legend) {
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 2 * k;
      ctx.setLineDash((s.dash ?? []).map((d) => d * k));
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x + 18 * k, y);
      ctx.stroke();
      ctx.fillStyle = '#333';
      ctx.fillText(s.name, x + 22 * k, y + 4 * k);
    }
    ctx.setLineDash([]);
    const xAt = (i: number) => l + (n > 1 ? (i / (n - 1)) * (r - l) : 0);
    for (const s of this.series) {
      const yAt = (v: number) => (s.axis === 'loss' ? b - (v / maxLoss) * (b - t) : b - v * (b - t));
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 2 * k;
      ctx.setLineDash((s.dash ?? []).map((d) => d * k));
      ctx.beginPath();
      // at most ~one point per pixel column
      const stride = Math.max(1, Math.floor(s.values.length / (r - l)));
      for (let i = 0; i < s.values.length; i += stride) (i === 0 ? ctx.moveTo(xAt(i), yAt(s.values[i])) : ctx.lineTo(xAt(i), yAt(s.values[i])));
      const last = s.values.length - 1;
      if (last > 0 && last % stride !== 0) ctx.lineTo(xAt(last), yAt(s.values[last]));
      ctx.stroke();
    }
    ctx.setLineDash([]);
    if (this.hover >= 0 && this.hover < n) {
      const x = xAt(this.hover);
      ctx.strokeStyle = '#666';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, t);
      ctx.lineTo(x, b);
      ctx.stroke();
      const lines = this.hoverText();
      const bw = Math.max(...lines.map((s) => ctx.measureText(s).width)) + 10 * k;
      const bx = x + bw + 8 * k > r ? x - bw - 4 * k : x + 4 * k;
      ctx.fillStyle = 'rgba(255,255,255,0.92)';
      ctx.fillRect(bx, t + 2 * k, bw, (lines.length * 14 + 4) * k);
      ctx.textAlign = 'left';
      lines.forEach((s, i) => {
        ctx.fillStyle = i === 0 ? '#000' : this.series[i - 1].color;
        ctx.fillText(s, bx + 5 * k, t + (15 + i * 14) * k);
      });
    }
  }
}

function fmt(v: number | undefined, axis: Series['axis']): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return axis === 'accuracy' ? `${(v * 100).toFixed(1)}%` : v.toFixed(4);
}
