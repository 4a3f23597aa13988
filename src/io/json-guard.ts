/**
 * JSON from outside (model headers, inputs, specs, results lines) read without recursion on its
 * depth: the nesting is measured on the text before it is parsed, and error messages quote values
 * briefly (a bounded walk), never whole.
 */

/** Deepest nesting of arrays and objects accepted in any JSON scratchnet reads. */
export const MAX_JSON_DEPTH = 64;

/** Deepest `[`/`{` nesting of JSON text (brackets inside strings do not count); one linear scan. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * `JSON.parse` after checking the nesting depth, so that no later walk over the value can overflow
 * the stack. Errors are made by `fail` (the caller's typed error, naming its file).
 */
export function parseJsonGuarded(text: string, fail: (message: string) => Error, maxDepth = MAX_JSON_DEPTH): unknown {
  const depth = jsonDepth(text);
  if (depth > maxDepth) throw fail(`JSON nested ${depth} levels deep, expected at most ${maxDepth}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw fail(`not valid JSON (${brief((e as Error).message, 100)})`);
  }
}

/**
 * A short description of any value for "found ..." messages: JSON-like, at most `max` characters,
 * nested values past the second level shown as `[…]`/`{…}`. Never throws, never recurses deeply.
 */
export function brief(value: unknown, max = 60): string {
  const text = show(value, 0, max + 1);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `text` cut to at most `max` characters (names, paths and lists quoted in messages). */
export function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function show(v: unknown, level: number, budget: number): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > budget ? v.slice(0, budget) : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v !== 'object' || v === null) return String(v);
  const isArray = Array.isArray(v);
  if (level >= 2) return isArray ? '[…]' : '{…}';
  const parts: string[] = [];
  let used = 2;
  const add = (key: string | null, x: unknown): boolean => {
    if (used > budget) {
      parts.push('…');
      return false;
    }
    const s = (key === null ? '' : `${JSON.stringify(key.slice(0, budget))}:`) + show(x, level + 1, budget - used);
    parts.push(s);
    used += s.length + 1;
    return true;
  };
  if (isArray) {
    for (const x of v as unknown[]) if (!add(null, x)) break;
  } else {
    for (const k in v) if (Object.hasOwn(v, k) && !add(k, (v as Record<string, unknown>)[k])) break;
  }
  return isArray ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}
