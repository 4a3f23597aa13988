/**
 * Values of the training options (src/recipe/options.ts): checked (`checkConfig`, study-spec
 * patches), read from text (flags, URLs) and written back as text (the equivalent command line).
 * Platform-neutral.
 */
import { ConfigError } from '../errors.js';
import { brief, clip } from '../io/json-guard.js';
import { createSchedule, SCHEDULE_NAMES, type ScheduleConfig } from '../nn/schedules.js';
import { RUN_OPTIONS, runOption, type OptionDecl, type OptionType, type TrainConfig } from './options.js';

/** `[0, 1)`, `> 0`, `≥ 0`: a number type's range as messages write it. */
function rangeText(t: Extract<OptionType, { kind: 'number' }>): string {
  const { min, max, minOpen, maxOpen } = t;
  if (min !== undefined && max !== undefined) return `in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`;
  if (min !== undefined) return `${minOpen ? '>' : '≥'} ${min}`;
  if (max !== undefined) return `${maxOpen ? '<' : '≤'} ${max}`;
  return 'finite';
}

function inRange(t: Extract<OptionType, { kind: 'number' }>, v: number): boolean {
  if (!Number.isFinite(v)) return false;
  if (t.min !== undefined && (t.minOpen ? !(v > t.min) : !(v >= t.min))) return false;
  if (t.max !== undefined && (t.maxOpen ? !(v < t.max) : !(v <= t.max))) return false;
  return true;
}

const isInt = (t: Extract<OptionType, { kind: 'int' }>, v: unknown): v is number =>
  Number.isSafeInteger(v) && (t.min === undefined || (v as number) >= t.min) && (t.max === undefined || (v as number) <= t.max);

type Widths = Extract<OptionType, { kind: 'widths' }>;
const isWidth = (t: Widths, w: unknown) => Number.isSafeInteger(w) && (w as number) > 0 && (w as number) <= t.max;
const areWidths = (t: Widths, v: unknown): v is number[] => Array.isArray(v) && v.length <= t.maxLayers && v.every((w) => isWidth(t, w));

/** `a positive integer`, `an integer in [1, 100000]`: what a value of an int type must be. */
function intText(t: Extract<OptionType, { kind: 'int' }>): string {
  if (t.min === undefined) return t.max === undefined ? 'an integer between -2^53 and 2^53' : `an integer ≤ ${t.max}`;
  if (t.max !== undefined) return `an integer in [${t.min}, ${t.max}]`;
  return t.min === 1 ? 'a positive integer' : `an integer ≥ ${t.min}`;
}

/** "a positive integer", "a number in [0, 1)", "one of adam, sgd": what a value of `o` must be. */
export function expectedText(o: OptionDecl): string {
  const t = o.type;
  switch (t.kind) {
    case 'int':
      return intText(t);
    case 'number':
      return `a number ${rangeText(t)}`;
    case 'boolean':
      return 'true or false';
    case 'choice':
      return `one of ${t.choices().join(', ')}`;
    case 'names':
      return `one of ${t.choices().join(', ')}, or an array of them (one per hidden layer)`;
    case 'widths':
      return `an array of at most ${t.maxLayers} integers in [1, ${t.max}]`;
    case 'schedule':
      return `one of ${SCHEDULE_NAMES.join(', ')} or a schedule object`;
    case 'string':
      return t.example ? `a string like '${t.example}'` : 'a string';
  }
}

/**
 * Why `v` is not a valid value of option `o` (a study-spec message's "expected …" part), or
 * undefined when it is valid. Choices are checked against the registries; strings and schedules
 * by their parsers.
 */
export function optionProblem(o: OptionDecl, v: unknown): string | undefined {
  const t = o.type;
  const bad = expectedText(o);
  switch (t.kind) {
    case 'int':
      return isInt(t, v) ? undefined : bad;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return 'a number';
      return inRange(t, v) ? undefined : bad;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : bad;
    case 'choice':
      return typeof v === 'string' && t.choices().includes(v) ? undefined : bad;
    case 'names': {
      const ok = (n: unknown) => typeof n === 'string' && (t.accepts ?? ((s: string) => t.choices().includes(s)))(n);
      return (Array.isArray(v) ? v.length > 0 && v.every(ok) : ok(v)) ? undefined : bad;
    }
    case 'widths':
      return areWidths(t, v) ? undefined : bad;
    case 'schedule':
      if (typeof v === 'string') return (SCHEDULE_NAMES as readonly string[]).includes(v) ? undefined : bad;
      try {
        createSchedule(v as ScheduleConfig);
        return undefined;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return `a valid schedule (${e.message})`;
      }
    case 'string':
      if (typeof v !== 'string') return bad;
      try {
        t.check?.(v);
        return undefined;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return `a valid ${o.label} (${e.message})`;
      }
  }
}

/** `v` as a config message shows it: briefly (a pasted megabyte stays one short line). */
const shown = (v: unknown) => (typeof v === 'string' ? clip(v, 80) : brief(v, 80));

/** The ConfigError of a bad value, in the config's words: `config: max norm must be > 0, found 0`. */
function valueError(o: OptionDecl, v: unknown): ConfigError {
  const t = o.type;
  switch (t.kind) {
    case 'int':
      return new ConfigError(`config: ${o.label} must be ${expectedText(o)}, found ${shown(v)}`);
    case 'number':
      return new ConfigError(`config: ${o.label} must be ${rangeText(t)}, found ${shown(v)}`);
    case 'boolean':
      return new ConfigError(`config: ${o.key} must be true or false, found ${JSON.stringify(v)}`);
    case 'choice':
      return new ConfigError(`config: unknown ${o.label} '${shown(v)}', expected one of ${t.choices().join(', ')}`);
    case 'names': {
      const first = Array.isArray(v) ? v.find((n) => optionProblem(o, n) !== undefined) : v;
      if (Array.isArray(v) && (v.length === 0 || first === undefined)) return new ConfigError(`config: ${o.label} must be ${expectedText(o)}, found []`);
      return new ConfigError(`config: unknown ${o.label} '${shown(first)}', expected one of ${t.choices().join(', ')}`);
    }
    case 'widths': {
      if (Array.isArray(v) && v.length > t.maxLayers) return new ConfigError(`config: at most ${t.maxLayers} hidden layers, found ${v.length}`);
      const w = Array.isArray(v) ? v.find((x) => !isWidth(t, x)) : v;
      return new ConfigError(`config: ${o.label} must be an integer in [1, ${t.max}], found ${shown(w)}`);
    }
    case 'schedule':
    case 'string':
      return new ConfigError(`config: ${o.label} must be ${clip(optionProblem(o, v) ?? expectedText(o), 300)}, found ${shown(v)}`);
  }
}

/** Checks every key of a config against the schema. @throws ConfigError naming the option, what it must be, what was found */
export function checkConfig(c: TrainConfig): void {
  for (const key of Object.keys(c)) {
    if (!runOption(key)) throw new ConfigError(`config: unknown option '${key}', expected one of ${RUN_OPTIONS.map((o) => o.key).join(', ')}`);
  }
  const values = c as Record<string, unknown>;
  for (const o of RUN_OPTIONS) {
    const v = values[o.key];
    if (v === undefined) {
      if (o.required) throw new ConfigError(`config: '${o.key}' is missing (${o.label}: ${expectedText(o)})`);
      continue;
    }
    if (optionProblem(o, v) !== undefined) throw valueError(o, v);
  }
  const acts = c.activation;
  if (Array.isArray(acts) && acts.length !== c.layers.length) {
    throw new ConfigError(`config: activation lists ${acts.length} names for ${c.layers.length} hidden layers, expected one name or ${c.layers.length}`);
  }
}

/** Quotes a flag's text in a message (a pasted megabyte stays one short line). */
const quoted = (v: string) => `'${clip(v, 40)}'`;

/**
 * The value of option `o` from its text, as a flag or a URL writes it (`0.1`, `256,128`, `relu,tanh`,
 * `cosine`; a boolean's text is `true`/`false` or `1`/`0`). A schedule stays a name.
 * @throws ConfigError `expected a number > 0, found '0'`
 */
export function parseOptionText(o: OptionDecl, text: string): unknown {
  const t = o.type;
  const fail = (expected: string, found = quoted(text)) => new ConfigError(`expected ${expected}, found ${found}`);
  switch (t.kind) {
    case 'int': {
      const n = Number(text);
      if (text.trim() === '' || !isInt(t, n)) throw fail(expectedText(o));
      return n;
    }
    case 'number': {
      const n = Number(text);
      if (text.trim() === '' || !inRange(t, n)) throw fail(expectedText(o));
      return n;
    }
    case 'boolean':
      if (!['true', 'false', '1', '0'].includes(text)) throw fail('true or false (1 or 0)');
      return text === 'true' || text === '1';
    case 'choice':
    case 'schedule': {
      const names = t.kind === 'choice' ? t.choices() : SCHEDULE_NAMES;
      if (!names.includes(text)) throw fail(`one of ${names.join(', ')}`);
      return text;
    }
    case 'names': {
      const names = text.split(',').map((s) => s.trim());
      for (const n of names) if (!t.choices().includes(n)) throw fail(`one of ${t.choices().join(', ')} (or one per hidden layer, comma-separated)`, `${quoted(n)} in ${quoted(text)}`);
      return names.length === 1 ? names[0] : names;
    }
    case 'widths':
      if (text === '' || text === 'none') return [];
      {
        const parts = text.split(',');
        if (parts.length > t.maxLayers) throw fail(`at most ${t.maxLayers} comma-separated widths`, `${parts.length} in ${quoted(text)}`);
        return parts.map((s) => {
          const n = s.trim() === '' ? NaN : Number(s);
          if (!isWidth(t, n)) throw fail(`comma-separated integers in [1, ${t.max}] like 256,128`, `${quoted(s)} in ${quoted(text)}`);
          return n;
        });
      }
    case 'string':
      return text;
  }
}

/** A value as its flag's text: `256,128`, `relu,tanh`, `0.001`; a schedule object has none (undefined). */
export function formatOptionText(o: OptionDecl, v: unknown): string | undefined {
  if (Array.isArray(v)) return o.type.kind === 'widths' && v.length === 0 ? 'none' : v.join(',');
  if (typeof v === 'object') return undefined;
  return String(v);
}

/** The flag's name without its value: `--max-norm <c>` → `--max-norm`. */
export function flagName(o: OptionDecl): string | undefined {
  return o.flag?.split(' ')[0];
}

/**
 * The `scratchnet train` arguments of a config: a flag for every value it holds (so that a dataset's
 * recipe, which the CLI applies to flags left out, changes nothing the config sets), booleans only
 * where they differ from their default; a schedule left out is `--schedule constant`. Values a flag
 * cannot write (a schedule object, an option without a flag) are listed in `unwritten`.
 */
export function configToArgs(config: Partial<TrainConfig>): { args: string[]; unwritten: string[] } {
  const args: string[] = [];
  const unwritten: string[] = [];
  const values = config as Record<string, unknown>;
  for (const o of RUN_OPTIONS) {
    const given = values[o.key];
    // left out: what that means, where the CLI would start from something else (the schedule)
    const v = given === undefined && o.start !== undefined ? o.default : given;
    if (v === undefined) continue;
    const flag = flagName(o);
    const text = formatOptionText(o, v);
    if (!flag || text === undefined) unwritten.push(o.key);
    else if (o.type.kind !== 'boolean') args.push(flag, text);
    else if (v !== (o.default ?? false)) args.push(flag);
  }
  return { args, unwritten };
}
