/**
 * Canonical JSON (sorted keys, no undefined) and short content hashes: run ids and result lines
 * must not depend on the order in which a config object happened to be built.
 */
import { sha256Hex } from './sha256.js';

/** `value` with object keys sorted recursively; `undefined` members dropped (as JSON.stringify does). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** JSON with sorted keys, on one line: the same data always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** First `length` hex digits of the SHA-256 of the canonical JSON of `value`. */
export function contentHash(value: unknown, length = 16): string {
  return sha256Hex(canonicalJson(value)).slice(0, length);
}

/** Describes a JSON value for "found ..." messages: `"abc"`, `12`, `an array`, `an object`, `null`. */
export function describeJson(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array (${JSON.stringify(v).slice(0, 40)})`;
  if (v !== null && typeof v === 'object') return 'an object';
  return JSON.stringify(v);
}
