/** A built model's values in and out (Sequential's loadStateDict, getWeights/setWeights, summary). */
import { Matrix, type Float } from '../core/matrix.js';
import { ConfigError, ShapeError } from '../errors.js';
import type { Layer, Param } from './layer.js';

/**
 * Copies values into parameters by name (a value may be a Matrix or a flat array), bumping each one's
 * version. With `strict` (default true) every parameter must be given and no other name; otherwise
 * missing names keep their values.
 * @throws ShapeError naming the parameter whose size differs; ConfigError for a missing or unknown name
 */
export function loadStateDict(
  params: readonly Param[],
  values: Map<string, Matrix | ArrayLike<number>> | Record<string, Matrix | ArrayLike<number>>,
  { strict = true }: { strict?: boolean } = {},
): void {
  const entries = values instanceof Map ? [...values.entries()] : Object.entries(values);
  const byName = new Map(params.map((p) => [p.name, p]));
  for (const [name, v] of entries) {
    const p = byName.get(name);
    if (!p) {
      if (strict) throw new ConfigError(`Sequential.loadStateDict: unknown parameter '${name}', expected one of ${[...byName.keys()].join(', ')}`);
      continue;
    }
    const data = v instanceof Matrix ? v.view() : v;
    if (v instanceof Matrix && (v.rows !== p.value.rows || v.cols !== p.value.cols)) {
      throw new ShapeError(`Sequential.loadStateDict: '${name}' must be [${p.value.rows}, ${p.value.cols}], found [${v.rows}, ${v.cols}]`);
    }
    if (data.length !== p.value.size) throw new ShapeError(`Sequential.loadStateDict: '${name}' needs ${p.value.size} values, found ${data.length}`);
    p.value.data.set(data);
    p.version++;
  }
  if (strict) {
    const given = new Set(entries.map(([n]) => n));
    const missing = [...byName.keys()].filter((n) => !given.has(n));
    if (missing.length > 0) throw new ConfigError(`Sequential.loadStateDict: missing parameters ${missing.join(', ')} (pass { strict: false } to keep their values)`);
  }
}

/**
 * The flat weights: the parameter arena followed by the non-trainable state buffers. `get` copies
 * them into `flat`, `set` copies `flat` back; returns `flat`.
 * @throws ShapeError when `flat` is not exactly that long
 */
export function copyWeights(arena: Float, state: readonly Float[], flat: Float32Array, direction: 'get' | 'set'): Float32Array {
  const total = arena.length + state.reduce((s, b) => s + b.length, 0);
  if (flat.length !== total) {
    const what = direction === 'get' ? `an output of ${total} values` : `${total} values`;
    throw new ShapeError(`Sequential.${direction}Weights: expected ${what}, found ${flat.length}`);
  }
  let offset = 0;
  for (const b of [arena, ...state]) {
    if (direction === 'get') flat.set(b, offset);
    else b.set(flat.subarray(offset, offset + b.length));
    offset += b.length;
  }
  return flat;
}

/** A table of layers with output shapes and parameter counts, then one line per choice of the build plan. */
export function summaryTable(layers: readonly Layer[], inputWidth: number, parameterCount: number, plan: readonly string[] = []): string {
  const rows: string[][] = [['layer', 'type', 'output', 'params']];
  let width = inputWidth;
  for (const layer of layers) {
    const n = layer.params().reduce((s, p) => s + p.value.size, 0);
    const out = layer.params()[0]?.value.cols ?? width;
    width = layer.type === 'dense' ? out : width;
    rows.push([layer.name, layer.type, `[batch, ${width}]`, String(n)]);
  }
  rows.push(['total', '', '', String(parameterCount)]);
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const table = rows.map((r) => r.map((s, c) => s.padEnd(w[c])).join('  ').trimEnd());
  return [...table, ...plan.map((line) => `plan: ${line}`)].join('\n');
}
