// The plain-TypeScript SHA-256 that names study runs (src/experiments/sha256.ts), against node:crypto's.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { Rng } from '../src/core/random.js';
import { sha256Hex } from '../src/experiments/sha256.js';
import { contentHash } from '../src/experiments/json.js';

const reference = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sha256Hex', () => {
  it('the FIPS 180-4 examples', () => {
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('equals node:crypto at every padding boundary (lengths 0..200) and on long text', () => {
    for (let n = 0; n <= 200; n++) {
      const text = 'x'.repeat(n);
      assert.equal(sha256Hex(text), reference(text), `length ${n}`);
    }
    const long = 'scratchnet '.repeat(10_000);
    assert.equal(sha256Hex(long), reference(long));
  });

  it('hashes the UTF-8 bytes, as node:crypto does with a string (accents, emoji, a lone surrogate)', () => {
    const rng = new Rng(7, 'sha256');
    for (const text of ['é', '€ 1,00', '😀', 'a\ud800b', '{"lr":0.001,"name":"naïve"}']) assert.equal(sha256Hex(text), reference(text), text);
    for (let i = 0; i < 200; i++) {
      const codes = Array.from({ length: rng.int(120) }, () => rng.int(0xd800));
      const text = String.fromCharCode(...codes);
      assert.equal(sha256Hex(text), reference(text));
    }
  });

  it('run ids: contentHash is the first hex digits of the canonical JSON hash', () => {
    assert.equal(contentHash({ b: 1, a: [2, 'é'] }), reference('{"a":[2,"é"],"b":1}').slice(0, 16));
    assert.equal(contentHash({ a: 1 }, 8), reference('{"a":1}').slice(0, 8));
  });
});
