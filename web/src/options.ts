/**
 * The run options as the playground shows them: the core's declarations (sn.RUN_OPTIONS) that carry
 * a playground hint, in their order. The controls, the URL and compare mode read this list, so an
 * option declared with a hint appears in each of them; nothing here names an option.
 */
import * as sn from 'scratchnet';

/** An option the page shows. */
export type PageOption = sn.OptionDecl & { playground: sn.PlaygroundHint };
export type RunMode = '2d' | 'images';
export type Section = NonNullable<sn.PlaygroundHint['section']>;

export const PAGE_OPTIONS: readonly PageOption[] = sn.RUN_OPTIONS.filter((o): o is PageOption => o.playground !== undefined);

/** The options shown in `mode` (a hint without modes: every mode), optionally of one section. */
export const optionsOf = (mode: RunMode, section?: Section): PageOption[] =>
  PAGE_OPTIONS.filter((o) => (o.playground.modes ?? [mode]).includes(mode) && (section === undefined || (o.playground.section ?? 'training') === section));

/** A run as the page holds it: a training config of the core (the dataset and split are the page's). */
export type Run = sn.TrainConfig;

/** The value of `text` for `o` (as a flag or the URL writes it), or undefined when it is not one of its values. */
export function parseValue(o: sn.OptionDecl, text: string): unknown {
  try {
    return sn.parseOptionText(o, text);
  } catch (e) {
    if (e instanceof sn.ConfigError) return undefined;
    throw e;
  }
}

/** A value as the fields write it (`16,16`, `relu,tanh`, `0.01`, `true`; none: empty). */
export const formatValue = (o: sn.OptionDecl, v: unknown): string => (v === undefined ? '' : (sn.formatOptionText(o, v) ?? ''));

/** A value as the URL writes it: as a field does, a boolean as 1 or 0. */
const urlText = (o: sn.OptionDecl, v: unknown): string => (typeof v === 'boolean' ? (v ? '1' : '0') : formatValue(o, v));

/** The option's key in the URL: its hint's short key (`batch`), else its own. */
export const urlKey = (o: PageOption): string => o.playground.url ?? o.key;

/** An option a config may leave out (the CLI then takes its own default): the URL and its field write it as empty. */
const optional = (o: sn.OptionDecl) => !o.required && o.default === undefined;

export interface RunQuery {
  /** Where the reader of the URL starts (`readRun`'s base). */
  base: Run;
  /** Before each key (image mode's `i`). */
  prefix?: string;
  /** Only the values that differ from `base` (default: every value). */
  changesOnly?: boolean;
}

/** Writes the run's options shown in `mode` to `q`, each under its URL key (an option left out where `base` has it: empty). */
export function writeRun(q: URLSearchParams, r: Run, mode: RunMode, { base, prefix = '', changesOnly = false }: RunQuery): void {
  const values = r as Record<string, unknown>;
  const baseValues = base as Record<string, unknown>;
  for (const o of optionsOf(mode)) {
    const [v, b] = [values[o.key], baseValues[o.key]];
    if (v === undefined && b === undefined) continue;
    const text = urlText(o, v);
    if (!changesOnly || text !== urlText(o, b)) q.set(prefix + urlKey(o), text);
  }
}

/** The run of `q` over `base`: each option shown in `mode` whose URL key (behind `prefix`) holds one of its values, or nothing (empty) where it may be left out. */
export function readRun(q: URLSearchParams, base: Run, mode: RunMode, prefix = ''): Run {
  const r = structuredClone(base) as Record<string, unknown>;
  for (const o of optionsOf(mode)) {
    const text = q.get(prefix + urlKey(o));
    if (text === '' && optional(o)) delete r[o.key];
    const v = text === null || text === '' ? undefined : parseValue(o, text);
    if (v !== undefined) r[o.key] = v;
  }
  return r as Run;
}

/** Sets option `o` of `r` from text as a field holds it (empty: left out, where it may be). @throws ConfigError for a value it does not take */
export function setFromText(o: sn.OptionDecl, r: Run, text: string): void {
  const values = r as Record<string, unknown>;
  if (text.trim() === '' && optional(o)) delete values[o.key];
  else values[o.key] = sn.parseOptionText(o, text);
}

/** The config of a run of the page on `dataset`: its test split is the page's, no validation split. */
export const pageConfig = (r: Run, dataset: string): sn.TrainConfig => ({ ...structuredClone(r), dataset, valSplit: 0 });

/** The `scratchnet train` arguments of a run of the page on `dataset` (the core writes them from the config). */
export const trainArgs = (r: Run, dataset: string): string[] => sn.configToArgs(pageConfig(r, dataset)).args;

/** `r` with each option the page shows that `r` leaves out at its default (where it has one), so that every control shows a value. */
export function withDefaults(r: Run): Run {
  const c = { ...r } as Record<string, unknown>;
  for (const o of PAGE_OPTIONS) if (c[o.key] === undefined && o.default !== undefined) c[o.key] = structuredClone(o.default);
  return c as Run;
}
