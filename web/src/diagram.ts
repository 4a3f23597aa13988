/**
 * The network diagram of the 2-D mode: a column per layer (the inputs, each hidden layer, the
 * outputs), a node per unit drawing what it computes over the plane, and an edge per weight —
 * orange for a positive weight, blue for a negative one, thicker the larger |w| — redrawn with each
 * probe while the network trains. Hovering or focusing a node or an edge shows its value; clicking
 * a node (Enter or Space on it) lists its incoming weights. Tab reaches the diagram, the arrow keys
 * move between nodes (one tab stop: a roving tabindex), Escape clears the selection.
 */
import { drawUnit, PALETTE } from './plot';
import { weightsLength, type Structure } from './probe';
import { el } from './ui';
import './diagram.css';

/** Nodes drawn per layer: a wider layer shows its first MAX_SHOWN − 1 units and a "+n more" node. */
export const MAX_SHOWN = 16;
/** Edge thickness levels (and colour strengths), one precomputed attribute string each. */
const LEVELS = 16;
/** |w| at which an edge reaches 1 − 1/e of its full thickness. */
const WEIGHT_SCALE = 1;
const NODE = 26;
const ROW = 32;
const HEADER = 30;
/** Pointer distance (CSS px) within which an edge counts as hovered. */
const HIT = 4;

/** Units of a layer of `width` that get a node (and edges). */
export const shownUnits = (width: number): number => (width > MAX_SHOWN ? MAX_SHOWN - 1 : width);

/**
 * An edge's look as one small integer: the sign (LEVELS for negative) plus the thickness level
 * 0…LEVELS−1 of |w|, so that a redraw sets an edge's attributes only when its code changes and
 * builds no strings.
 */
export function edgeCode(w: number): number {
  const a = Math.abs(w);
  const q = a >= 0 ? Math.min(LEVELS - 1, Math.round((LEVELS - 1) * (1 - Math.exp(-a / WEIGHT_SCALE)))) : 0; // NaN: thinnest
  return (w < 0 ? LEVELS : 0) + q;
}

const hex = (c: number[]) => `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
const rgb = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
/** Stroke of each code: the sign's colour (blue negative, orange positive, as the unit thumbnails), paler when thin. */
const STROKES = [PALETTE[1], PALETTE[0]].flatMap((c) =>
  Array.from({ length: LEVELS }, (_, q) => {
    const a = 0.35 + (0.65 * q) / (LEVELS - 1);
    return hex(rgb(c).map((v) => 255 * (1 - a) + v * a));
  }),
);
const WIDTHS = Array.from({ length: LEVELS }, (_, q) => 0.6 + (q * 4.4) / (LEVELS - 1));

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(3).replace('-', '−') : String(v));

interface Node {
  /** Column (0: inputs) and unit. */
  layer: number;
  unit: number;
  button: HTMLButtonElement;
  canvas: HTMLCanvasElement;
  x: number;
  y: number;
}

/** What one draw shows: the probe's outputs and hidden activations over the grid, and the weights. */
export interface DiagramFrame {
  /** Output probabilities over the grid: [m, outputs]. */
  grid: Float32Array;
  /** Each hidden layer's activations over the grid: [m, units]. */
  hidden: Float32Array[];
  /** Every Dense layer's W [in, out] then b [out] (probe.ts's weightsOf). */
  weights?: Float32Array;
}

export class NetworkDiagram {
  readonly root = el('div', { className: 'diagram-wrap' });
  private readonly note = el('p', { className: 'note' }, 'The network appears here once a run starts.');
  private readonly scroll = el('div', { className: 'diagram-scroll' });
  private readonly box = el('div', { className: 'diagram', role: 'group', 'aria-label': 'network diagram: Tab to a node, arrow keys to move, Enter to list its incoming weights' });
  /** The edges, on one canvas under the nodes: a redraw strokes them all, no element per edge to restyle. */
  private readonly edges = el('canvas', { className: 'edges', 'aria-hidden': 'true' });
  private readonly tip = el('div', { className: 'diagram-tip', role: 'tooltip', id: 'diagram-tip', hidden: true });
  private readonly detail = el('div', { className: 'diagram-detail', hidden: true });
  private structure: Structure | null = null;
  private offsets: number[] = [];
  private nodes: Node[][] = [];
  /** Per edge: x1, y1, x2, y2 in CSS px. */
  private edgeXY = new Float32Array(0);
  /** Per edge: its weight's index in the frame's weights, and the code it is drawn with (255: none yet). */
  private edgeWeight = new Int32Array(0);
  private edgeCodes = new Uint8Array(0);
  /** Per edge: [from layer, from unit, to unit] (the edge goes into layer from + 1). */
  private edgeEnds = new Int32Array(0);
  private frame: DiagramFrame | null = null;
  /** Output probabilities minus chance, [m, outputs], reused: the output nodes' thumbnails. */
  private centred = new Float32Array(0);
  private focused: Node | null = null;
  private hovered: Node | number | null = null;
  private selected: Node | null = null;
  private detailValues: { value: HTMLElement; bar: HTMLElement }[] = [];
  /** The node whose aria-describedby names the tooltip. */
  private describedBy: HTMLElement | null = null;

  constructor(private readonly grid: number) {
    this.box.append(this.edges, this.tip);
    this.scroll.append(this.box);
    this.root.append(this.note, this.scroll, this.detail, el('p', { className: 'note' }, 'Nodes: each unit’s output over the plane (orange above 0, blue below). Edges: weights, orange positive, blue negative, thicker for larger |w|.'));
    this.scroll.hidden = true;
    this.box.addEventListener('keydown', (e) => this.onKey(e));
    this.box.addEventListener('pointermove', (e) => {
      const r = this.box.getBoundingClientRect();
      const hovered = this.nodeOf(e.target as Element) ?? this.edgeAt(e.clientX - r.left, e.clientY - r.top);
      if (hovered === this.hovered) return;
      this.hovered = hovered;
      this.showTip();
    });
    this.box.addEventListener('pointerleave', () => {
      this.hovered = null;
      this.showTip();
    });
  }

  /** Nothing to show (no run yet). */
  clear(): void {
    this.structure = null;
    this.frame = null;
    this.selected = this.focused = null;
    this.hovered = null;
    this.describedBy = null;
    this.nodes = [];
    this.edgeXY = new Float32Array(0);
    this.box.replaceChildren(this.edges, this.tip);
    this.tip.hidden = true;
    this.detail.hidden = true;
    this.scroll.hidden = true;
    this.note.hidden = false;
  }

  /** Lays out the nodes and edges of a model of `structure`; `inputs` are the grid points [m, 2] its input nodes draw. */
  setStructure(structure: Structure, inputs: Float32Array): void {
    this.clear();
    this.structure = structure;
    const { widths } = structure;
    this.offsets = [];
    for (let l = 1, at = 0; l < widths.length; l++) {
      this.offsets.push(at);
      at += (widths[l - 1] + 1) * widths[l];
    }
    const rows = Math.max(...widths.map((w) => (w > MAX_SHOWN ? MAX_SHOWN : w)));
    const pitch = Math.min(84, Math.max(56, 560 / widths.length));
    const [w, h] = [widths.length * pitch, HEADER + rows * ROW];
    Object.assign(this.box.style, { width: `${w}px`, height: `${h}px` });
    const dpr = Math.min(2, devicePixelRatio || 1);
    Object.assign(this.edges, { width: Math.round(w * dpr), height: Math.round(h * dpr) });
    Object.assign(this.edges.style, { width: `${w}px`, height: `${h}px` });
    this.edges.getContext('2d')!.setTransform(dpr, 0, 0, dpr, 0, 0);
    const last = widths.length - 1;
    widths.forEach((width, l) => {
      const x = (l + 0.5) * pitch;
      const shown = shownUnits(width);
      const slots = width > MAX_SHOWN ? MAX_SHOWN : width;
      const top = HEADER + ((rows - slots) * ROW) / 2;
      const label = l === 0 ? 'inputs' : l === last ? 'output' : `layer ${l}`;
      const sub = l === 0 || l === last ? '' : (structure.activations[l - 1] ?? '');
      this.box.append(el('span', { className: 'diagram-head', style: `left:${x - pitch / 2}px;width:${pitch}px` }, label, el('br'), sub));
      const col: Node[] = [];
      for (let u = 0; u < shown; u++) {
        const y = top + u * ROW + ROW / 2;
        const canvas = el('canvas', { width: this.grid, height: this.grid });
        const button = el('button', { className: 'node', type: 'button', tabIndex: -1, 'aria-label': this.nodeName(l, u), 'aria-pressed': 'false', style: `left:${x - NODE / 2}px;top:${y - NODE / 2}px` }, canvas);
        const node = { layer: l, unit: u, button, canvas, x, y };
        button.addEventListener('focus', () => {
          this.focused = node;
          this.nodes.flat().forEach((n) => (n.button.tabIndex = n === node ? 0 : -1));
          this.showTip();
        });
        button.addEventListener('blur', () => {
          if (this.focused === node) this.focused = null;
          this.showTip();
        });
        button.addEventListener('click', () => this.select(this.selected === node ? null : node));
        col.push(node);
        this.box.append(button);
      }
      if (shown < width) {
        const y = top + shown * ROW + ROW / 2;
        this.box.append(el('span', { className: 'node more', style: `left:${x - NODE / 2}px;top:${y - NODE / 2}px`, title: `${width - shown} more units of ${label}, not drawn` }, `+${width - shown}`));
      }
      this.nodes.push(col);
    });
    this.nodes[0][0].button.tabIndex = 0;
    this.box.append(this.tip);
    // edges under the nodes: from each shown unit of a layer to each shown unit of the next
    const [ends, index, xy]: number[][] = [[], [], []];
    for (let l = 0; l < last; l++) {
      const out = widths[l + 1];
      for (const a of this.nodes[l])
        for (const b of this.nodes[l + 1]) {
          xy.push(a.x + NODE / 2, a.y, b.x - NODE / 2, b.y);
          ends.push(l, a.unit, b.unit);
          index.push(this.offsets[l] + a.unit * out + b.unit); // W[a, b] of Dense layer l
        }
    }
    this.edgeXY = Float32Array.from(xy);
    this.edgeEnds = Int32Array.from(ends);
    this.edgeWeight = Int32Array.from(index);
    this.edgeCodes = new Uint8Array(index.length).fill(255);
    for (const n of this.nodes[0]) drawUnit(n.canvas, inputs, 2, n.unit, this.grid);
    this.note.hidden = true;
    this.scroll.hidden = false;
  }

  /** Redraws the nodes' thumbnails and the edges from a probe of the model the structure describes. */
  update(frame: DiagramFrame): void {
    const s = this.structure;
    if (!s) return;
    this.frame = frame;
    const n = this.grid * this.grid;
    this.nodes.forEach((col, l) => {
      if (l === 0 || l === this.nodes.length - 1) return;
      const acts = frame.hidden[l - 1];
      if (acts) for (const node of col) drawUnit(node.canvas, acts, acts.length / n, node.unit, this.grid);
    });
    // outputs: each output's probability minus chance (a sigmoid's p − ½: orange where class 1 is likelier)
    const outputs = frame.grid.length / n;
    if (this.centred.length !== frame.grid.length) this.centred = new Float32Array(frame.grid.length);
    const chance = 1 / Math.max(2, outputs);
    for (let i = 0; i < frame.grid.length; i++) this.centred[i] = frame.grid[i] - chance;
    for (const node of this.nodes[this.nodes.length - 1]) drawUnit(node.canvas, this.centred, outputs, node.unit, this.grid);
    const w = frame.weights;
    if (w && w.length === weightsLength(s.widths)) {
      let changed = false;
      for (let e = 0; e < this.edgeCodes.length; e++) {
        const code = edgeCode(w[this.edgeWeight[e]]);
        changed ||= code !== this.edgeCodes[e];
        this.edgeCodes[e] = code;
      }
      if (changed) this.drawEdges();
    }
    if (!this.tip.hidden) this.showTip();
    if (this.selected) this.updateDetail();
  }

  /** Strokes every edge in its code's colour and thickness; with a node selected, the others faint. */
  private drawEdges(): void {
    const ctx = this.edges.getContext('2d')!;
    const [xy, codes, ends] = [this.edgeXY, this.edgeCodes, this.edgeEnds];
    ctx.clearRect(0, 0, this.edges.width, this.edges.height);
    ctx.lineCap = 'round';
    const sel = this.selected;
    for (let e = 0; e < codes.length; e++) {
      if (codes[e] === 255) continue;
      const l = ends[3 * e];
      ctx.globalAlpha = sel === null || (sel.layer === 0 ? l === 0 && ends[3 * e + 1] === sel.unit : l + 1 === sel.layer && ends[3 * e + 2] === sel.unit) ? 1 : 0.15;
      ctx.strokeStyle = STROKES[codes[e]];
      ctx.lineWidth = WIDTHS[codes[e] % LEVELS];
      ctx.beginPath();
      ctx.moveTo(xy[4 * e], xy[4 * e + 1]);
      ctx.lineTo(xy[4 * e + 2], xy[4 * e + 3]);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  /** The edge nearest (x, y) in CSS px, if within HIT of it. */
  private edgeAt(x: number, y: number): number | null {
    const xy = this.edgeXY;
    let best = -1;
    let bestD = HIT * HIT;
    for (let e = 0; e < xy.length / 4; e++) {
      const x1 = xy[4 * e];
      const y1 = xy[4 * e + 1];
      const dx = xy[4 * e + 2] - x1;
      const dy = xy[4 * e + 3] - y1;
      const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy || 1)));
      const d = (x1 + t * dx - x) ** 2 + (y1 + t * dy - y) ** 2;
      if (d < bestD) (best = e), (bestD = d);
    }
    return best < 0 ? null : best;
  }

  private nodeName(l: number, u: number): string {
    const s = this.structure!;
    const last = s.widths.length - 1;
    if (l === 0) return `input ${'xy'[u] ?? u + 1}`;
    if (l === last) return s.widths[last] === 1 ? 'output: P(class 1)' : `output ${u + 1}: P(class ${u})`;
    return `layer ${l}, unit ${u + 1} (${s.activations[l - 1] ?? 'linear'})`;
  }

  private nodeOf(t: Element): Node | null {
    const b = t.closest('button.node');
    return b ? (this.nodes.flat().find((n) => n.button === b) ?? null) : null;
  }

  /** W[from, to] of the Dense layer into column `l`, and its bias b[to]. */
  private weight(l: number, from: number, to: number): number {
    const w = this.frame?.weights;
    return w ? w[this.offsets[l - 1] + from * this.structure!.widths[l] + to] : NaN;
  }

  private bias(l: number, to: number): number {
    const s = this.structure!;
    const w = this.frame?.weights;
    return w ? w[this.offsets[l - 1] + s.widths[l - 1] * s.widths[l] + to] : NaN;
  }

  /** The value a node or an edge shows: its name, bias and output range; an edge's weight. */
  describe(target: Node | number): string {
    const s = this.structure!;
    const name = (l: number, u: number) => (l === 0 ? `input ${'xy'[u]}` : l === s.widths.length - 1 ? `output ${u + 1}` : `layer ${l} unit ${u + 1}`);
    if (typeof target === 'number') {
      const [l, a, b] = [this.edgeEnds[3 * target], this.edgeEnds[3 * target + 1], this.edgeEnds[3 * target + 2]];
      return `weight ${name(l, a)} → ${name(l + 1, b)}: ${fmt(this.weight(l + 1, a, b))}`;
    }
    const { layer: l, unit: u } = target;
    const label = this.nodeName(l, u);
    if (l === 0) return `${label}: the point’s ${'xy'[u]} coordinate (standardised before the first layer)`;
    const acts = l === s.widths.length - 1 ? this.frame?.grid : this.frame?.hidden[l - 1];
    let range = '';
    if (acts) {
      const units = s.widths[l];
      let [lo, hi] = [Infinity, -Infinity];
      for (let i = u; i < acts.length; i += units) (lo = Math.min(lo, acts[i])), (hi = Math.max(hi, acts[i]));
      range = `, ${l === s.widths.length - 1 ? 'P' : 'output'} over the plane ${fmt(lo)} to ${fmt(hi)}`;
    }
    return `${label}: bias ${fmt(this.bias(l, u))}${range}; ${s.widths[l - 1]} incoming weights`;
  }

  /** The tooltip: the hovered node or edge, else the focused node. */
  private showTip(): void {
    const t = this.hovered ?? this.focused;
    // the node shown is described by the tooltip (set on a change only: a redraw updates the text)
    const described = t !== null && typeof t !== 'number' ? t.button : null;
    if (described !== this.describedBy) {
      this.describedBy?.removeAttribute('aria-describedby');
      described?.setAttribute('aria-describedby', this.tip.id);
      this.describedBy = described;
    }
    if (t === null || !this.structure) {
      this.tip.hidden = true;
      return;
    }
    this.tip.textContent = this.describe(t);
    let [x, y] = [0, 0];
    if (typeof t === 'number') {
      x = (this.edgeXY[4 * t] + this.edgeXY[4 * t + 2]) / 2;
      y = (this.edgeXY[4 * t + 1] + this.edgeXY[4 * t + 3]) / 2;
    } else {
      [x, y] = [t.x, t.y + NODE / 2]; // the node's bottom edge
    }
    // beside the target, inside the diagram (which clips): below it in the upper half, above it in the lower
    const [w, h] = [this.box.clientWidth, this.box.clientHeight];
    const below = y < h / 2;
    Object.assign(this.tip.style, { left: `${Math.max(0, Math.min(x - 90, w - 190))}px`, top: `${below ? y + 4 : y - NODE - 4}px`, transform: below ? '' : 'translateY(-100%)' });
    this.tip.hidden = false;
  }

  private onKey(e: KeyboardEvent): void {
    const at = this.focused;
    if (!at) return;
    if (e.key === 'Escape') {
      this.select(null);
      return;
    }
    const moves: Record<string, [number, number]> = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    const m = moves[e.key] ?? (e.key === 'Home' ? [0, -Infinity] : e.key === 'End' ? [0, Infinity] : null);
    if (!m) return;
    e.preventDefault();
    const l = Math.max(0, Math.min(this.nodes.length - 1, at.layer + m[0]));
    const col = this.nodes[l];
    const u = m[0] !== 0 ? Math.round((at.unit / Math.max(1, this.nodes[at.layer].length - 1)) * (col.length - 1)) : at.unit + m[1];
    col[Math.max(0, Math.min(col.length - 1, u))].button.focus();
  }

  /** Selects a node: its incoming edges stand out and the list below shows its incoming weights (an input's outgoing ones). */
  private select(node: Node | null): void {
    this.selected?.button.setAttribute('aria-pressed', 'false');
    this.selected = node;
    this.drawEdges();
    this.detail.hidden = node === null;
    this.detailValues = [];
    if (!node) return this.detail.replaceChildren();
    node.button.setAttribute('aria-pressed', 'true');
    const s = this.structure!;
    const rows = node.layer === 0 ? s.widths[1] : s.widths[node.layer - 1] + 1;
    const body = el('tbody');
    for (let r = 0; r < rows; r++) {
      const from = node.layer === 0 ? `→ ${this.nodeName(1, r)}` : r < rows - 1 ? (node.layer === 1 ? `input ${'xy'[r]}` : `layer ${node.layer - 1}, unit ${r + 1}`) : 'bias';
      const value = el('td');
      const bar = el('span', { className: 'bar' });
      body.append(el('tr', {}, el('th', { scope: 'row' }, from), value, el('td', {}, bar)));
      this.detailValues.push({ value, bar });
    }
    const title = `${this.nodeName(node.layer, node.unit)}: ${node.layer === 0 ? 'outgoing' : 'incoming'} weights`;
    const table = el('table', {}, el('caption', {}, title), el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, node.layer === 0 ? 'to' : 'from'), el('th', { scope: 'col' }, 'weight'), el('th', { scope: 'col' }, 'size'))), body);
    this.detail.replaceChildren(table);
    // a long list scrolls: focusable, so that the keyboard can scroll it
    if (rows > 12) this.detail.tabIndex = 0;
    else this.detail.removeAttribute('tabindex');
    this.detail.setAttribute('aria-label', title);
    this.detail.setAttribute('role', 'region');
    this.updateDetail();
  }

  /** The selected node's weights, as they are now. */
  private updateDetail(): void {
    const node = this.selected!;
    const values = this.detailValues;
    let max = 1e-9;
    const at = (r: number) => (node.layer === 0 ? this.weight(1, node.unit, r) : r < values.length - 1 ? this.weight(node.layer, r, node.unit) : this.bias(node.layer, node.unit));
    for (let r = 0; r < values.length; r++) max = Math.max(max, Math.abs(at(r)) || 0);
    for (let r = 0; r < values.length; r++) {
      const v = at(r);
      values[r].value.textContent = fmt(v);
      values[r].bar.style.width = `${(60 * Math.min(1, Math.abs(v) / max)) | 0}px`;
      values[r].bar.style.background = v < 0 ? PALETTE[0] : PALETTE[1];
    }
  }
}
