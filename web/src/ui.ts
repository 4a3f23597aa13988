/** Small DOM helpers: labelled controls with a short explanation, the live announcer, frame timing. */

const THEORY = 'https://github.com/scratchnet/scratchnet/blob/main/docs/theory.md';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, unknown> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith('aria-') || k.startsWith('data-') || k === 'style' || k === 'role') e.setAttribute(k, String(v));
    else (e as unknown as Record<string, unknown>)[k] = v;
  }
  e.append(...children);
  return e;
}

let uid = 0;

/** A link's text to a section of docs/theory.md: `theory § 7` (its heading's number), else `theory`. */
function theoryLink(anchor: string): string {
  const n = /^(\d+[a-z]?)-/.exec(anchor)?.[1];
  return n ? `theory § ${n}` : 'theory';
}

export interface ControlHelp {
  /** One sentence. */
  text: string;
  /** The formula, in plain text. */
  formula?: string;
  /** Anchor in docs/theory.md (GitHub's anchor of the section's heading: `7-optimizers--srcnnoptimizers`). */
  anchor?: string;
}

/** A label, its input (placed inside `box` where given) and a collapsible explanation, in one grid row. */
export function control(parent: HTMLElement, label: string, input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, help?: ControlHelp, box: HTMLElement = input): void {
  input.id ||= `c${++uid}`;
  const row = el('div', { className: 'control' }, el('label', { htmlFor: input.id }, label), box);
  if (help) {
    const d = el('details', { className: 'help' }, el('summary', {}, `about ${label.toLowerCase()}`), help.text + ' ');
    if (help.formula) d.append(el('code', {}, help.formula), ' ');
    if (help.anchor) d.append(el('a', { href: `${THEORY}#${help.anchor}`, target: '_blank', rel: 'noopener' }, theoryLink(help.anchor)));
    input.setAttribute('aria-describedby', (d.id = `${input.id}-help`));
    row.append(d);
  }
  parent.append(row);
}

export function select(options: readonly string[], value: string): HTMLSelectElement {
  const s = el('select');
  for (const o of options) s.append(el('option', { value: o }, o));
  s.value = value;
  return s;
}

export function numberInput(value: number, { min, max, step }: { min?: number; max?: number; step?: number | 'any' } = {}): HTMLInputElement {
  const i = el('input', { type: 'number', value: String(value) });
  if (min !== undefined) i.min = String(min);
  if (max !== undefined) i.max = String(max);
  i.step = String(step ?? 'any');
  return i;
}

let lastAnnounce = 0;

/** The aria-live line: at most one update every 1.5 s unless `force` (screen readers queue every change). */
export function announce(text: string, force = false): void {
  const now = performance.now();
  if (!force && now - lastAnnounce < 1500) return;
  lastAnnounce = now;
  document.getElementById('announce')!.textContent = text;
}

export const reducedMotion = () => matchMedia('(prefers-reduced-motion: reduce)').matches;

/** requestAnimationFrame deltas while something trains: the page's responsiveness. */
export class FrameMeter {
  private deltas: number[] = [];
  private last = 0;
  private on = false;

  start(): void {
    if (this.on) return;
    this.on = true;
    this.last = 0;
    const tick = (t: number) => {
      if (!this.on) return;
      if (this.last > 0) this.deltas.push(t - this.last);
      this.last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  stop(): void {
    this.on = false;
  }

  reset(): void {
    this.deltas = [];
  }

  /** { p50, p95, frames } of the deltas so far, ms. */
  stats(): { p50: number; p95: number; frames: number } {
    const s = [...this.deltas].sort((a, b) => a - b);
    const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN);
    return { p50: at(0.5), p95: at(0.95), frames: s.length };
  }
}

export const frames = new FrameMeter();

/** Downloads bytes as a file. */
export function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
