/**
 * The run options as the playground shows them: one control and one URL key each, in the order
 * and groups of the page. Each mode, the URL and the compare mode read this list.
 */
import * as sn from 'scratchnet';
import type { HiddenSpec, RunConfig } from './protocol';
import type { ControlHelp } from './ui';

export type Value = number | boolean | string;

export interface PlaygroundOption {
  /** The option's key in the run config. */
  key: string;
  /** Its key in the URL's query. */
  url: string;
  label: string;
  group: 'network' | 'training';
  type: 'boolean' | 'number' | 'integer' | 'choice';
  choices?: readonly string[];
  min?: number;
  max?: number;
  step?: number;
  help?: ControlHelp;
  default: Value;
}

const INITS = ['he_uniform', 'he_normal', 'glorot_uniform', 'glorot_normal'];

export const OPTIONS: readonly PlaygroundOption[] = [
  { key: 'init', url: 'init', label: 'Init', group: 'network', type: 'choice', choices: INITS, default: 'he_uniform', help: { text: 'Initial weights: He for ReLU-like units, Glorot for tanh/sigmoid.', formula: 'He: U(±√(6/fan_in)); Glorot: U(±√(6/(fan_in+fan_out)))', anchor: '6-initialisation--srcnninitts' } },
  { key: 'batchNorm', url: 'bn', label: 'Batch norm', group: 'network', type: 'boolean', default: false, help: { text: 'Normalise each unit over the batch before its activation, then scale and shift.', formula: 'y = γ·(x − μ_B)/√(σ²_B + ε) + β', anchor: '4-batch-normalisation--srcnnlayersbatch-normts' } },
  { key: 'dropout', url: 'drop', label: 'Dropout', group: 'network', type: 'number', min: 0, max: 0.9, step: 0.05, default: 0, help: { text: 'Inverted dropout after each hidden activation while training.', formula: 'y = x·m/(1−p), m ~ Bernoulli(1−p)', anchor: '3-dropout-inverted--srcnnlayersdropoutts' } },
  { key: 'standardize', url: 'std', label: 'Standardise', group: 'network', type: 'boolean', default: true, help: { text: 'A first layer that subtracts the training mean and divides by the std per feature (as the CLI does).', formula: 'x′ = (x − μ)/σ' } },
  { key: 'optimizer', url: 'opt', label: 'Optimizer', group: 'training', type: 'choice', choices: sn.OPTIMIZER_NAMES, default: 'adam', help: { text: 'Update rules as PyTorch documents them.', formula: 'Adam: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η·m̂/(√v̂ + ε)', anchor: '7-optimizers--srcnnoptimizers' } },
  { key: 'lr', url: 'lr', label: 'Learning rate', group: 'training', type: 'number', min: 0, step: 0.001, default: 0.01, help: { text: 'Step size η; changes apply to a running run from its next epoch (that run then no longer replays from the URL).', formula: 'θ ← θ − η·g', anchor: '10-training-step--srcnntraints' } },
  { key: 'schedule', url: 'sched', label: 'Schedule', group: 'training', type: 'choice', choices: sn.SCHEDULE_NAMES, default: 'constant', help: { text: 'Learning rate per epoch over the run.', formula: 'cosine: η_t = ½η(1 + cos(πt/T))', anchor: '8-schedules-and-constraints--srcnnschedulests-srcnntraints' } },
  { key: 'batchSize', url: 'batch', label: 'Batch size', group: 'training', type: 'integer', min: 1, max: 1024, step: 1, default: 32, help: { text: 'Points per gradient step; the loss is the mean over the batch.' } },
  { key: 'epochs', url: 'epochs', label: 'Epochs', group: 'training', type: 'integer', min: 1, max: 5000, step: 1, default: 200 },
  { key: 'l2', url: 'l2', label: 'L2', group: 'training', type: 'number', min: 0, step: 0.0001, default: 0, help: { text: 'Penalty on the weights added to the loss (biases excluded), reported in the training loss.', formula: 'L = L_data + ½λΣ‖W‖²', anchor: '7-optimizers--srcnnoptimizers' } },
  { key: 'weightDecay', url: 'wd', label: 'Weight decay', group: 'training', type: 'number', min: 0, step: 0.0001, default: 0, help: { text: "The optimizer's weight_decay: added to the gradient (decoupled for AdamW).", formula: 'g ← g + λθ | AdamW: θ ← θ − ηλθ', anchor: '7-optimizers--srcnnoptimizers' } },
];

/** A run as the page holds it: the hidden layers (units and activation each), the seed and each option's value by its key. */
export interface RunState {
  hidden: HiddenSpec[];
  seed: number;
  [key: string]: Value | HiddenSpec[];
}

/** The value of `text` for option `o`, or undefined when it is not one (a bad URL or field keeps the old value). */
export function parseValue(o: PlaygroundOption, text: string): Value | undefined {
  if (o.type === 'boolean') return text === '1' || text === 'true' ? true : text === '0' || text === 'false' ? false : undefined;
  if (o.type === 'choice') return o.choices!.includes(text) ? text : undefined;
  const t = text.trim();
  let v = Number(t);
  if (t === '' || !Number.isFinite(v)) return undefined;
  if (o.type === 'integer') v = Math.round(v);
  if (o.min !== undefined) v = Math.max(o.min, v);
  if (o.max !== undefined) v = Math.min(o.max, v);
  return v;
}

export function formatValue(o: PlaygroundOption, v: Value): string {
  return o.type === 'boolean' ? (v ? '1' : '0') : String(v);
}

export const defaultValues = (): Record<string, Value> => Object.fromEntries(OPTIONS.map((o) => [o.key, o.default]));

/** `hidden` as the URL writes it, `16,8:tanh` (relu unsaid), or with every activation said. */
export const hiddenText = (h: HiddenSpec[], sep = ',', explicit = false): string =>
  h.map((l) => `${l.units}${l.activation === 'relu' && !explicit ? '' : `:${l.activation}`}`).join(sep);

export function parseHidden(text: string): HiddenSpec[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [u, a = 'relu'] = s.split(':');
      return { units: Math.max(1, Math.min(256, Math.round(Number(u)) || 1)), activation: a };
    });
}

/** The URL keys of a run. */
export const RUN_KEYS: readonly string[] = ['layers', 'seed', ...OPTIONS.map((o) => o.url)];

/** Writes the run to `q`, each key behind `prefix`; given `base`, only the values that differ from it. */
export function writeRun(q: URLSearchParams, r: RunState, prefix = '', base?: RunState): void {
  const set = (key: string, text: string, baseText?: string) => text !== baseText && q.set(prefix + key, text);
  set('layers', hiddenText(r.hidden), base && hiddenText(base.hidden));
  for (const o of OPTIONS) set(o.url, formatValue(o, r[o.key] as Value), base && formatValue(o, base[o.key] as Value));
  set('seed', String(r.seed), base && String(base.seed));
}

/** The run of `q` over `base` (keys behind `prefix`; a missing or bad value keeps base's). */
export function readRun(q: URLSearchParams, base: RunState, prefix = ''): RunState {
  const r: RunState = { ...base };
  for (const o of OPTIONS) {
    const text = q.get(prefix + o.url);
    const v = text === null ? undefined : parseValue(o, text);
    if (v !== undefined) r[o.key] = v;
  }
  const layers = q.get(`${prefix}layers`);
  if (layers !== null) r.hidden = parseHidden(layers);
  const seed = Number(q.get(`${prefix}seed`));
  if (q.has(`${prefix}seed`) && Number.isFinite(seed)) r.seed = Math.round(seed);
  return r;
}

/** The worker's config of a run. */
export function runConfig(r: RunState): RunConfig {
  return structuredClone(r) as unknown as RunConfig;
}
