// The seeded generator every random draw goes through: pinned bits, independent named streams,
// and the distributions it promises (checked on fixed seeds, so nothing here is flaky).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../src/core/random.js';


describe('Rng (xoshiro128**)', () => {
  it('gives the same bits for the same seed and stream, pinned against a change of algorithm', () => {
    const draw = (r: Rng) => Array.from({ length: 4 }, () => r.nextUint32());
    assert.deepEqual(draw(new Rng(1, 'test')), [1800666154, 3874838433, 1419490167, 1661933616]);
    assert.deepEqual(draw(new Rng(1, 'test')), draw(new Rng(1, 'test')));
  });

  it('splits one seed into independent named streams (another stream or seed gives other numbers)', () => {
    const root = new Rng(7);
    const a = root.stream('shuffle');
    const b = root.stream('dropout');
    assert.equal(a.streamName, 'shuffle');
    assert.equal(a.stream('x').streamName, 'shuffle/x');
    const seqA = Array.from({ length: 8 }, () => a.nextUint32());
    const seqB = Array.from({ length: 8 }, () => b.nextUint32());
    assert.notDeepEqual(seqA, seqB);
    assert.deepEqual(seqA, Array.from({ length: 8 }, ((r) => () => r.nextUint32())(new Rng(7, 'shuffle'))));
    assert.notDeepEqual(seqA, Array.from({ length: 8 }, ((r) => () => r.nextUint32())(new Rng(8, 'shuffle'))));
    // drawing from one stream does not move another
    const c1 = new Rng(7).stream('init');
    const c2 = new Rng(7).stream('init');
    for (let i = 0; i < 1000; i++) a.uniform();
    assert.equal(c1.uniform(), c2.uniform());
  });

  it('uniform: in [0, 1), mean 1/2 and variance 1/12; range and int stay in bounds', () => {
    const r = new Rng(3, 'u');
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      assert.ok(u >= 0 && u < 1);
      s += u;
      s2 += u * u;
    }
    const mean = s / n;
    assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
    assert.ok(Math.abs(s2 / n - mean * mean - 1 / 12) < 0.002, `variance ${s2 / n - mean * mean}`);
    for (let i = 0; i < 1000; i++) {
      const v = r.range(-2, 3);
      assert.ok(v >= -2 && v < 3);
      const k = r.int(7);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
    }
  });

  it('int: every value equally likely (chi-square, 9 degrees of freedom)', () => {
    const r = new Rng(5, 'chi');
    const counts = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[r.int(10)]++;
    const chi2 = counts.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
    assert.ok(chi2 < 27.9, `chi-square ${chi2.toFixed(1)} (p = 0.001 at 27.9)`);
  });

  it('normal: mean 0, standard deviation 1, symmetric tails', () => {
    const r = new Rng(11, 'n');
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    assert.ok(Math.abs(s / n) < 0.01, `mean ${s / n}`);
    assert.ok(Math.abs(Math.sqrt(s2 / n) - 1) < 0.01, `std ${Math.sqrt(s2 / n)}`);
    assert.ok(Math.abs(beyond2 / n - 0.0455) < 0.003, `P(|z| > 2) = ${beyond2 / n}`);
  });

  it('permutation: each of 0..n-1 exactly once, and every position visited by every value', () => {
    const r = new Rng(2, 'perm');
    const p = r.permutation(1000);
    assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
    const first = new Array<number>(4).fill(0);
    for (let t = 0; t < 4000; t++) first[r.permutation(4)[0]]++;
    for (const c of first) assert.ok(c > 850 && c < 1150, `first-position counts ${first}`);
    const out = new Int32Array(6);
    assert.equal(r.permutation(6, out), out, 'fills the buffer it is given');
  });
});
