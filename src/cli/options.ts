import { InvalidArgumentError } from 'commander';
import { clip } from '../io/json-guard.js';

/** The flag's value as quoted in a message (a pasted megabyte stays one short line). */
const q = (v: string) => `'${clip(v, 40)}'`;

/** Commander argument parsers that reject bad values with a one-line message. */
export function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, found ${q(v)}`);
  return n;
}

export function nonNegativeNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number ≥ 0, found ${q(v)}`);
  return n;
}

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

export function fraction(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError(`expected a number in [0, 1), found ${q(v)}`);
  return n;
}

/** "256,128" → [256, 128]; "" or "none" → [] (no hidden layer). */
export function widthList(v: string): number[] {
  if (v === '' || v === 'none') return [];
  return v.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`expected comma-separated positive integers like 256,128, found ${q(s)} in ${q(v)}`);
    return n;
  });
}

export function oneOf(values: readonly string[]) {
  return (v: string): string => {
    if (!values.includes(v)) throw new InvalidArgumentError(`expected one of ${values.join(', ')}, found ${q(v)}`);
    return v;
  };
}
