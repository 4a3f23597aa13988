/** The run's controls, one per option of options.ts: a checkbox, a number field or a list, with its help. */
import * as sn from 'scratchnet';
import { hiddenText, OPTIONS, parseHidden, parseValue, type PlaygroundOption, type RunState, type Value } from './options';
import { control, el, numberInput, select } from './ui';

/** The input of option `o` showing `v`. */
function input(o: PlaygroundOption, v: Value): HTMLInputElement | HTMLSelectElement {
  if (o.type === 'boolean') return el('input', { type: 'checkbox', checked: v === true });
  if (o.type === 'choice') return select(o.choices!, String(v));
  return numberInput(Number(v), { min: o.min, max: o.max, step: o.step ?? (o.type === 'integer' ? 1 : 'any') });
}

/** The value an input holds (undefined: not a value of the option, e.g. an empty number field). */
const valueOf = (o: PlaygroundOption, i: HTMLInputElement | HTMLSelectElement): Value | undefined =>
  o.type === 'boolean' ? (i as HTMLInputElement).checked : parseValue(o, i.value);

export interface RunControlsOptions {
  /** Called after the run changed (`key`: the option's key, `layers` or `seed`). */
  onChange(key: string): void;
  /** Which options: those of this group (default all). */
  group?: PlaygroundOption['group'];
  /** Appended to each input's id (`lr-2d`). */
  idSuffix?: string;
}

/** Appends the controls of `r`'s options to `parent`; each writes its value into `r` on change. */
export function runControls(parent: HTMLElement, r: RunState, { onChange, group, idSuffix = '' }: RunControlsOptions): void {
  for (const o of OPTIONS) {
    if (group !== undefined && o.group !== group) continue;
    const i = input(o, r[o.key] as Value);
    if (idSuffix) i.id = `${o.key}-${idSuffix}`;
    i.addEventListener('change', () => {
      const v = valueOf(o, i);
      if (v === undefined) return;
      r[o.key] = v;
      onChange(o.key);
    });
    control(parent, o.label, i, o.help);
  }
}

/** The hidden layers' field: `units:activation` per layer. */
export function hiddenControl(parent: HTMLElement, r: RunState, onChange: (key: string) => void): void {
  const layers = el('input', { type: 'text', value: hiddenText(r.hidden, ', ', true) });
  layers.onchange = () => {
    r.hidden = parseHidden(layers.value);
    onChange('layers');
  };
  control(parent, 'Hidden layers', layers, {
    text: `Units:activation per hidden layer, comma-separated (e.g. 16:relu, 8:tanh); activations: ${sn.ACTIVATIONS.filter((a) => a !== 'linear').join(', ')}. Each is Dense → (batch norm) → activation → (dropout).`,
    formula: 'h = f(x·W + b)',
    anchor: '1-dense-layer--srcnnlayersdensets',
  });
}
