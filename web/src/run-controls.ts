/**
 * The run's controls, drawn from the core's option declarations (their playground hints): a
 * checkbox, a list, a number field (with a slider beside it, linear or logarithmic) or the hidden
 * layers' field, each with its "about" text: the option's doc line, and its formula and a link to its
 * section of docs/theory.md where the hint gives them. Each writes its value into the run on change;
 * a value the option does not take is refused with the core's message.
 */
import * as sn from 'scratchnet';
import { formatValue, optionsOf, setFromText, type PageOption, type Run, type RunMode, type Section } from './options';
import { announce, control, el, numberInput, select, type ControlHelp } from './ui';

type Field = HTMLInputElement | HTMLSelectElement;

/** The option's "about" text (default: its doc line), with its hint's formula and section of docs/theory.md where it has them. */
const about = (o: PageOption, text = `${o.doc}.`): ControlHelp => ({ text, formula: o.playground.formula, anchor: o.playground.theory });

const label = (o: PageOption) => {
  const l = o.playground.label ?? o.label;
  return l[0].toUpperCase() + l.slice(1);
};

/** The values a list offers: the hint's, else the type's choices (a value outside them is added, so that a URL's shows). */
function choices(o: PageOption, current: string): string[] {
  const t = o.type;
  const own = o.playground.values?.map(String) ?? ('choices' in t ? [...t.choices()] : t.kind === 'schedule' ? [...sn.SCHEDULE_NAMES] : []);
  return own.includes(current) ? own : [...own, current];
}

/** A range input beside the number field `n` of a slider hint (log-slider: the range moves log10 of the value). */
function slider(o: PageOption, n: HTMLInputElement): HTMLElement {
  const h = o.playground;
  const log = h.control === 'log-slider';
  const to = (v: number) => (log ? Math.log10(v) : v);
  const range = el('input', { type: 'range', min: String(to(h.min ?? 0)), max: String(to(h.max ?? 1)), step: String(h.step ?? 'any'), tabIndex: -1, 'aria-hidden': 'true' });
  const sync = () => (range.value = String(to(Number(n.value))));
  sync();
  n.addEventListener('change', sync);
  range.oninput = () => {
    const v = log ? 10 ** Number(range.value) : Number(range.value);
    n.value = String(Number(v.toPrecision(3)));
  };
  range.onchange = () => n.dispatchEvent(new Event('change'));
  return range;
}

/** The field of a plain option showing `v`, and the element to place (the field, or the field with its slider). */
function field(o: PageOption, v: unknown): { input: Field; box?: HTMLElement } {
  const h = o.playground;
  const text = formatValue(o, v);
  if (h.control === 'checkbox') return { input: el('input', { type: 'checkbox', checked: v === true }) };
  if (h.control === 'select') return { input: select(choices(o, text), text) };
  const n = numberInput(Number(text), { min: h.min, max: h.max, step: h.control === 'number' ? (h.step ?? 'any') : 'any' });
  n.value = text;
  if (h.control === 'number') return { input: n };
  const box = el('span', { className: 'slider' }, slider(o, n), n);
  return { input: n, box };
}

/** Sets option `o` of `r` from text as the field holds it; a value it does not take is announced and the field reset. */
function apply(o: sn.OptionDecl, r: Run, text: string, reset: () => void): boolean {
  try {
    setFromText(o, r, text);
    return true;
  } catch (e) {
    if (!(e instanceof sn.ConfigError)) throw e;
    announce(`${o.label}: ${e.message}`, true);
    reset();
    return false;
  }
}

/** The hidden layers' field (`16:relu, 8:tanh`): the widths option and the hidden activations' (kind `names`). */
function layersControl(parent: HTMLElement, o: PageOption, names: sn.OptionDecl | undefined, r: Run, onChange: (key: string) => void, id: string): void {
  const values = r as Record<string, unknown>;
  const show = () => {
    const widths = values[o.key] as number[];
    const act = names && values[names.key];
    return widths.map((w, i) => (act === undefined ? String(w) : `${w}:${Array.isArray(act) ? act[i] : act}`)).join(', ');
  };
  const input = el('input', { type: 'text', value: show() });
  if (id) input.id = id;
  input.onchange = () => {
    const parts = input.value.split(',').map((p) => p.trim()).filter(Boolean).map((p) => p.split(':'));
    const acts = parts.map((p) => p[1]?.trim() || String(names?.default));
    const reset = () => (input.value = show());
    if (!apply(o, r, parts.map((p) => p[0]).join(','), reset)) return;
    if (names && !apply(names, r, acts.every((a) => a === acts[0]) && acts.length > 0 ? acts[0] : acts.join(','), reset)) return;
    onChange(o.key);
  };
  const choices = names && 'choices' in names.type ? `; activations: ${names.type.choices().join(', ')}` : '';
  control(parent, 'Hidden layers', input, about(o, `Units${names ? ':activation' : ''} per hidden layer, comma-separated (e.g. 16:relu, 8:tanh)${choices}. ${o.doc}.`));
}

export interface RunControlsOptions {
  /** Called after the run changed, with the option's key. */
  onChange(key: string): void;
  /** Appended to each input's id (`lr-2d`). */
  idSuffix?: string;
}

/** Appends the controls of `options` to `parent`, showing `r`'s values; each writes its value into `r` on change. */
export function runControls(parent: HTMLElement, options: readonly PageOption[], r: Run, { onChange, idSuffix = '' }: RunControlsOptions): void {
  const values = r as Record<string, unknown>;
  const layers = options.find((o) => o.playground.control === 'layers');
  // the layers' field also edits the hidden activations
  const names = layers && options.find((o) => o.type.kind === 'names');
  for (const o of options) {
    const id = idSuffix && `${o.key}-${idSuffix}`;
    if (o === layers) {
      layersControl(parent, o, names, r, onChange, id);
      continue;
    }
    if (o === names) continue;
    const { input, box } = field(o, values[o.key]);
    if (id) input.id = id;
    input.addEventListener('change', () => {
      const text = input instanceof HTMLInputElement && input.type === 'checkbox' ? String(input.checked) : input.value;
      if (apply(o, r, text, () => (input.value = formatValue(o, values[o.key])))) onChange(o.key);
    });
    control(parent, label(o), input, about(o), box);
  }
}

const SECTIONS: Record<Section, string> = { data: 'Data', network: 'Network', training: 'Training', regularisation: 'Regularisation' };

/**
 * The options of `mode` in a fieldset per section (data, network, training, regularisation); the
 * data section's go into `data` (the mode's own data controls) where given.
 */
export function runFieldsets(mode: RunMode, r: Run, opts: RunControlsOptions & { data?: HTMLFieldSetElement }): HTMLFieldSetElement[] {
  const sets: HTMLFieldSetElement[] = [];
  for (const [section, legend] of Object.entries(SECTIONS) as [Section, string][]) {
    const options = optionsOf(mode, section);
    const set = section === 'data' && opts.data ? opts.data : el('fieldset', {}, el('legend', {}, legend));
    if (set !== opts.data) {
      if (options.length === 0) continue;
      sets.push(set);
    }
    runControls(set, options, r, opts);
  }
  return sets;
}
