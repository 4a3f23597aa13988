import { ConfigError } from '../errors.js';

/** A generator's whole state, as plain JSON-safe data (checkpoints): xoshiro's four words and the spare normal. */
export interface RngState {
  /** s0..s3 as unsigned 32-bit integers. */
  s: [number, number, number, number];
  /** The second normal of the last Box–Muller pair, or null when none is waiting. */
  spare: number | null;
}

/**
 * Seeded pseudo-random numbers. Every random draw of a run comes from an {@link Rng}; one seed is
 * split into independent named streams (`init`, `shuffle`, `dropout`, `augment`, ...) so that
 * turning one component on or off does not shift the numbers another component sees.
 *
 * Generator: xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/), state seeded by
 * SplitMix32 from a 32-bit hash of (seed, stream name).
 */
export class Rng {
  /** xoshiro's state s0..s3. */
  private readonly s = new Uint32Array(4);
  private spare = NaN; // second normal of the last Box–Muller pair

  constructor(readonly seed: number, readonly streamName = '') {
    let h = hashString(`${seed}:${streamName}`);
    const next = () => {
      // SplitMix32
      h = (h + 0x9e3779b9) | 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.s[i] = next();
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** An independent stream derived from this generator's seed and a name. */
  stream(name: string): Rng {
    return new Rng(this.seed, this.streamName ? `${this.streamName}/${name}` : name);
  }

  /** A copy of the state: {@link setState} with it makes this generator repeat every later draw. */
  getState(): RngState {
    return { s: [this.s[0], this.s[1], this.s[2], this.s[3]], spare: Number.isNaN(this.spare) ? null : this.spare };
  }

  /** Puts back a state from {@link getState} (of this stream or another). */
  setState({ s, spare }: RngState): void {
    if (!Array.isArray(s) || s.length !== 4 || s.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff) || (s[0] | s[1] | s[2] | s[3]) === 0) {
      throw new ConfigError(`Rng '${this.streamName}': invalid state ${JSON.stringify(s)}, expected four 32-bit unsigned integers, not all 0`);
    }
    if (spare !== null && typeof spare !== 'number') throw new ConfigError(`Rng '${this.streamName}': invalid spare normal ${JSON.stringify(spare)}`);
    this.s.set(s);
    this.spare = spare ?? NaN;
  }

  /**
   * Copies xoshiro's four words into `out` `[4]` (no allocation): a kernel that draws from this stream
   * (Kernels.dropoutMask) takes them, advances them, and {@link readWords} puts them back.
   */
  writeWords(out: Uint32Array): void {
    out.set(this.s);
  }

  /** Takes back the four words from {@link writeWords}, advanced by a kernel; the spare normal is kept. */
  readWords(words: Uint32Array): void {
    this.s.set(words);
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return xoshiroNext(this.s);
  }

  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal N(0, 1) by the Box–Muller transform. */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fills `out` with a uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number, out: Int32Array | Uint32Array = new Int32Array(n)): Int32Array | Uint32Array {
    for (let i = 0; i < n; i++) out[i] = i;
    this.shuffle(out, n);
    return out;
  }

  /** Shuffles the first `n` entries of `a` in place (Fisher–Yates). */
  shuffle(a: { [i: number]: number; length: number }, n = a.length): void {
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

/**
 * One step of xoshiro128** on the state `s` `[4]` (updated): the generator of {@link Rng}, and of the
 * reference kernels that draw from an Rng's words (assembly/dropout.ts is the same step in WebAssembly).
 */
export function xoshiroNext(s: Uint32Array): number {
  const s1 = s[1];
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  s[2] ^= s[0];
  s[3] ^= s1;
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** FNV-1a, 32 bits. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
