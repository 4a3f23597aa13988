import { InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../errors.js';
import { clip } from '../io/json-guard.js';
import { SCHEDULE_NAMES } from '../nn/schedules.js';
import { RUN_OPTIONS, type OptionDecl } from '../recipe/options.js';
import { parseOptionText } from '../recipe/values.js';

/** The flag's value as quoted in a message (a pasted megabyte stays one short line). */
const q = (v: string) => `'${clip(v, 40)}'`;

/** Commander argument parsers that reject bad values with a one-line message (the training options': the schema's). */
export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, found ${q(v)}`);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a positive integer below 2^53, found ${q(v)}`);
  return n;
}

export function integer(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected an integer between -2^53 and 2^53, found ${q(v)}`);
  return n;
}

/** A commander parser of flag text by the schema's option `o` (its range, its message). */
export function schemaParser(o: OptionDecl): (v: string) => unknown {
  return (v: string) => {
    try {
      return parseOptionText(o, v);
    } catch (e) {
      throw e instanceof ConfigError ? new InvalidArgumentError(e.message) : e;
    }
  };
}

/** `--batch-size` of predict and evaluate: rows per forward pass, in the training option's range. */
export const batchSizeFlag = schemaParser(RUN_OPTIONS.find((o) => o.key === 'batchSize')!) as (v: string) => number;

/**
 * The commander Option of a training option of the schema (src/recipe/options.ts): its flag, help,
 * choices, parser and the value the CLI starts from.
 */
export function schemaOption(o: OptionDecl): Option {
  const t = o.type;
  const choices = t.kind === 'choice' ? t.choices() : t.kind === 'schedule' ? SCHEDULE_NAMES : undefined;
  const listed = t.kind === 'names' ? ` (choices: ${t.choices().map((c) => JSON.stringify(c)).join(', ')})` : '';
  const opt = new Option(o.flag!, o.help + listed);
  if (choices) opt.choices(choices);
  else if (t.kind !== 'boolean') opt.argParser(schemaParser(o));
  const start = o.start ?? (o.required ? o.default : undefined);
  if (start !== undefined) opt.default(start);
  return opt;
}

/** The config's options from parsed flags: each option given, or with a start value; booleans only where they differ from their default. */
export function configFromFlags(flags: Record<string, unknown>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const o of RUN_OPTIONS) {
    const v = flags[o.key];
    if (!o.flag || v === undefined || (o.type.kind === 'boolean' && v === (o.default ?? false))) continue;
    config[o.key] = v;
  }
  return config;
}
