// Mutation arbitraries: hostile variants of sound inputs (bytes, JSON values, JSON text).
import fc from 'fast-check';

/** Values that break naive readers: wrong types, huge, negative, fractional, nested, empty. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 0.5, -0, 2 ** 25, 2 ** 30, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 64, 1e300, -1e300, 1e39, -1e39, 3.4e38, '', 'x', 'F16', 'I64', 'constant', [], {}, [null], [-1], [2 ** 30, 2 ** 30], { type: null }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 1, max: 200 }).map((n) => nest(n)),
);

/** `[[[...]]]` nested n deep. */
export function nest(n: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < n; i++) v = [v];
  return v;
}

/** Every path (keys and indices) inside a JSON value, the root included. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function setAt(root: unknown, path: (string | number)[], f: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  const copy = structuredClone(root);
  if (path.length === 0) return copy;
  let p = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) {
    p = p[k] as Record<string | number, unknown>;
    if (p === null || typeof p !== 'object') return copy; // an earlier mutation removed the path
  }
  f(p, path[path.length - 1]);
  return copy;
}

/**
 * A JSON value with 1-3 of: a member replaced by a hostile value, a member deleted, an unknown key
 * added, the whole value replaced.
 */
export function mutateJson(seed: unknown): fc.Arbitrary<unknown> {
  const all = paths(seed);
  const one = fc.tuple(fc.nat(all.length - 1), fc.nat(3), hostileValue, fc.string({ maxLength: 8 })).map(
    ([i, op, value, key]) => (v: unknown) => {
      const path = all[i];
      if (path.length === 0) return op === 0 ? value : v;
      if (v === null || typeof v !== 'object') return v;
      return setAt(v, path, (parent, k) => {
        if (op === 0 || op === 3) parent[k] = value;
        else if (op === 1) {
          if (Array.isArray(parent)) parent.splice(k as number, 1);
          else delete parent[k];
        } else if (!Array.isArray(parent)) parent[key] = value;
        else parent.push(value);
      });
    },
  );
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((ops) => ops.reduce((v, op) => op(v), seed));
}

/** Nesting depths: shallow, near the readers' limit, and far past any recursion's stack. */
const deepLevels = fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constantFrom(63, 64, 65, 5_000, 200_000));

/** JSON text mutations: truncation, a duplicated key, nesting wrappers, a byte swapped. */
export function mutateText(text: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.nat(text.length).map((n) => text.slice(0, n)),
    fc.tuple(fc.nat(text.length), fc.jsonValue({ maxDepth: 2 })).map(([i, v]) => {
      const open = text.indexOf('{', i);
      if (open < 0) return text;
      const key = /"([^"\\]*)"\s*:/.exec(text.slice(open))?.[1] ?? 'k';
      return `${text.slice(0, open + 1)}${JSON.stringify(key)}:${JSON.stringify(v)},${text.slice(open + 1)}`;
    }),
    deepLevels.map((n) => '['.repeat(n) + text + ']'.repeat(n)),
    fc.tuple(fc.nat(text.length), deepLevels).map(([i, n]) => {
      // a member's value replaced by a nesting n deep (deeper than any JS recursion survives)
      const colon = text.indexOf(':', i);
      if (colon < 0) return text;
      const end = colon + 1 + (/^("(\\.|[^"\\])*"|-?[\d.eE+-]+|true|false|null)/.exec(text.slice(colon + 1))?.[0].length ?? 0);
      return `${text.slice(0, colon + 1)}${'['.repeat(n)}${']'.repeat(n)}${text.slice(end)}`;
    }),
    fc.tuple(fc.nat(Math.max(0, text.length - 1)), fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '\\', '\u0000', 'é', '9')).map(([i, c]) => text.slice(0, i) + c + text.slice(i + 1)),
  );
}

/** Byte mutations: truncation, bit flips, a run of bytes overwritten, random bytes. */
export function mutateBytes(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = seed.length;
  return fc.oneof(
    fc.nat(n).map((k) => seed.slice(0, k)),
    fc.array(fc.tuple(fc.nat(n - 1), fc.nat(7)), { minLength: 1, maxLength: 8 }).map((flips) => {
      const b = seed.slice();
      for (const [i, bit] of flips) b[i] ^= 1 << bit;
      return b;
    }),
    fc.tuple(fc.nat(n - 1), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([i, bytes]) => {
      const b = seed.slice();
      b.set(bytes.subarray(0, n - i), i);
      return b;
    }),
    fc.uint8Array({ maxLength: 64 }).map((tail) => {
      const b = new Uint8Array(n + tail.length);
      b.set(seed);
      b.set(tail, n);
      return b;
    }),
    fc.uint8Array({ maxLength: 256 }),
  );
}

// ---- structure-aware: values at the edges of their types ------------------------------------------

/** Numbers at the edges of their types: zero, signs, float32's and int32's and 2^53's limits, the smallest double. */
export const EDGE_NUMBERS = [0, -0, 1, -1, 1.5, 9, 10, 11, 255, 256, 65_535, 65_536, 65_537, 100_000, 100_001, 400_000, 10_000_000, 10_000_001, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53) - 2, 3.4e38, 3.5e38, 1e308, -1e308, 5e-324];

/** Number literals as JSON text may write them: beyond double's range (`1e999` parses to Infinity), long digit runs, 2^53 + 1 exactly. */
const EDGE_LITERALS = ['1e999', '-1e999', '1e-999', '9007199254740993', '123456789012345678901234567890', '0.0000000000000000000001', '-0', '1E+2', '0e0'];

/** Strings that look like numbers, or are huge: NaN-ish, a number as text, 100 KB of one character. */
export const EDGE_STRINGS = ['NaN', 'Infinity', '-Infinity', '1e308', '400000', '', ' ', '0x10', 'null', 'x'.repeat(100_000), '9'.repeat(400_000), 'rotate=' + '9'.repeat(100_000), 'é'.repeat(1000)];

/** One edge value: a number, or a string (JSON values only: literals need {@link edgeLiteral}). */
export const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...EDGE_NUMBERS), weight: 4 },
  { arbitrary: fc.constantFrom(...EDGE_STRINGS), weight: 2 },
  { arbitrary: fc.constantFrom<unknown>(null, true, [], {}, [0], [2 ** 31], Array(65).fill(1)), weight: 1 },
);

/** JSON text of an edge value, literals past what JSON.stringify writes included. */
export const edgeLiteral: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: edgeValue.map((v) => JSON.stringify(v)), weight: 3 },
  { arbitrary: fc.constantFrom(...EDGE_LITERALS), weight: 1 },
);

/**
 * `seed` as JSON text with 1–3 of the members at `paths` (keys and indices) written as an edge
 * literal — the structure kept, so that the value reaches the check of that one field.
 */
export function mutateAtPaths(seed: unknown, paths: readonly (readonly (string | number)[])[]): fc.Arbitrary<string> {
  const one = fc.tuple(fc.nat(paths.length - 1), edgeLiteral);
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((edits) => {
    const copy = structuredClone(seed) as Record<string | number, unknown>;
    const literals: string[] = [];
    for (const [i, literal] of edits) {
      const path = paths[i];
      let p = copy;
      path.slice(0, -1).forEach((k, j) => {
        // an earlier edit may have put a value where this path goes on: a container again
        if (p[k] === null || typeof p[k] !== 'object') p[k] = typeof path[j + 1] === 'number' ? [] : {};
        p = p[k] as Record<string | number, unknown>;
      });
      p[path[path.length - 1]] = `\u0000${literals.length}\u0000`; // a placeholder, replaced by the literal's text
      literals.push(literal);
    }
    return JSON.stringify(copy).replace(/"\\u0000(\d+)\\u0000"/g, (_m, n: string) => literals[Number(n)]);
  });
}
