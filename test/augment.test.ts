import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import { ConfigError, ShapeError } from '../src/errors.js';
import {
  Augmenter,
  MNIST_AUGMENT,
  parseAugmentSpec,
  warpAffine,
  type AugmentOptions,
} from '../src/data/augment.js';
import { augmentPreview } from '../src/node/augment-preview.js';

const W = 28;
const H = 28;

/** A batch of `rows` random-blob images [rows, w*h] with values in [0, 1]. */
function images(rows: number, w = W, h = H, seed = 1): Matrix {
  const rng = new Rng(seed, 'test-images');
  const m = Matrix.zeros(rows, w * h);
  for (let r = 0; r < rows; r++) {
    // a thick stroke between two random points, like a digit fragment
    const x0 = rng.range(5, w - 5), y0 = rng.range(5, h - 5), x1 = rng.range(5, w - 5), y1 = rng.range(5, h - 5);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const t = Math.max(0, Math.min(1, ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2 + 1e-9)));
        const d = Math.hypot(x - (x0 + t * (x1 - x0)), y - (y0 + t * (y1 - y0)));
        m.data[r * w * h + y * w + x] = Math.max(0, Math.min(1, 2.5 - d));
      }
    }
  }
  return m;
}

function bytes(m: Matrix): Buffer {
  const v = m.view();
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

const full: AugmentOptions = { width: W, height: H, translate: 2, rotate: 10, scale: 0.1, elastic: { alpha: 34, sigma: 4 } };

describe('Augmenter', () => {
  it('is deterministic: same seed gives the same bytes, another seed differs', () => {
    const x = images(16);
    const a = new Augmenter(full);
    const out1 = Matrix.zeros(16, W * H);
    const out2 = Matrix.zeros(16, W * H);
    const out3 = Matrix.zeros(16, W * H);
    a.apply(x, out1, new Rng(42, 'augment'));
    new Augmenter(full).apply(x, out2, new Rng(42, 'augment'));
    a.apply(x, out3, new Rng(43, 'augment'));
    assert.ok(bytes(out1).equals(bytes(out2)), 'same seed must give identical output');
    assert.ok(!bytes(out1).equals(bytes(out3)), 'another seed must give another output');
    assert.ok(!bytes(out1).equals(bytes(x)), 'augmentation must change the images');
  });

  it('is the exact identity when every magnitude is 0', () => {
    const x = images(8);
    for (const opts of [
      { width: W, height: H },
      { width: W, height: H, translate: 0, rotate: 0, scale: 0, elastic: { alpha: 0, sigma: 4 } },
      { ...full, probability: 0 },
    ]) {
      const out = Matrix.zeros(8, W * H);
      new Augmenter(opts).apply(x, out, new Rng(1));
      assert.ok(bytes(out).equals(bytes(x)), `identity expected for ${JSON.stringify(opts)}`);
    }
  });

  it('samples exactly with a zero rotation and unit zoom (the full sampling path)', () => {
    const x = images(1);
    const out = new Float32Array(W * H);
    warpAffine(x.data, out, W, H, { tx: 0, ty: 0, degrees: 0, zoom: 1 });
    assert.deepEqual(Array.from(out), Array.from(x.view()));
  });

  it('moves a known pattern exactly by an integer translation', () => {
    const w = 6;
    const h = 5;
    const src = new Float32Array(w * h);
    for (let i = 0; i < src.length; i++) src[i] = (i + 1) / 64; // every pixel distinct
    const dst = new Float32Array(w * h).fill(-1);
    warpAffine(src, dst, w, h, { tx: 2, ty: -1, degrees: 0, zoom: 1 });
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const sx = x - 2;
        const sy = y + 1;
        const expected = sx >= 0 && sy < h ? src[sy * w + sx] : 0;
        assert.equal(dst[y * w + x], expected, `pixel (${x}, ${y})`);
      }
    }
    // spot checks: content moved right by 2 and up by 1
    assert.equal(dst[0 * w + 2], src[1 * w + 0]);
    assert.equal(dst[0 * w + 0], 0);
    assert.equal(dst[(h - 1) * w + 5], 0);
  });

  it('rotates counterclockwise on screen for positive angles', () => {
    const n = 5; // odd, so the centre (2, 2) is a pixel
    const src = new Float32Array(n * n);
    src[0 * n + 2] = 1; // top centre
    const dst = new Float32Array(n * n);
    warpAffine(src, dst, n, n, { tx: 0, ty: 0, degrees: 90, zoom: 1 });
    for (let i = 0; i < n * n; i++) {
      const expected = i === 2 * n + 0 ? 1 : 0; // left centre
      assert.ok(Math.abs(dst[i] - expected) < 1e-6, `pixel ${i}: expected ${expected}, found ${dst[i]}`);
    }
  });

  it('draws affine maps that it then applies exactly as warpAffine does', () => {
    const x = images(1);
    const a = new Augmenter({ width: W, height: H, translate: 3, rotate: 15, scale: 0.2 });
    const out = Matrix.zeros(1, W * H);
    a.apply(x, out, new Rng(5));
    const { tx, ty, degrees, zoom } = a.last;
    assert.ok(Math.abs(tx) <= 3 && Math.abs(ty) <= 3 && Math.abs(degrees) <= 15 && Math.abs(zoom - 1) <= 0.2);
    assert.ok(tx !== 0 && degrees !== 0 && zoom !== 1);
    const ref = new Float32Array(W * H);
    warpAffine(x.data, ref, W, H, a.last);
    assert.deepEqual(Array.from(out.view()), Array.from(ref));
  });

  it('elastic distortion keeps values in [0, 1], changes every image, and roughly keeps the ink', () => {
    const x = images(32);
    const out = Matrix.zeros(32, W * H);
    new Augmenter({ width: W, height: H, elastic: { alpha: 34, sigma: 4 } }).apply(x, out, new Rng(9));
    let min = Infinity;
    let max = -Infinity;
    for (const v of out.view()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assert.ok(min >= 0 && max <= 1, `values out of [0, 1]: [${min}, ${max}]`);
    let inkX = 0;
    let inkOut = 0;
    for (let r = 0; r < 32; r++) {
      const a = x.data.subarray(r * W * H, (r + 1) * W * H);
      const b = out.data.subarray(r * W * H, (r + 1) * W * H);
      let diff = 0;
      for (let i = 0; i < a.length; i++) {
        diff += Math.abs(a[i] - b[i]);
        inkX += a[i];
        inkOut += b[i];
      }
      assert.ok(diff > 0, `image ${r} unchanged`);
    }
    // a smooth field thins some strokes and thickens others; over a batch the ink roughly balances
    assert.ok(Math.abs(inkOut - inkX) < 0.1 * inkX, `total ink ${inkX} → ${inkOut}`);
  });

  it('elastic field matches a naive 2-D Gaussian convolution of the same noise', () => {
    const w = 11;
    const h = 9;
    const alpha = 6;
    const sigma = 1.5;
    const x = images(1, w, h, 7);
    const out = Matrix.zeros(1, w * h);
    new Augmenter({ width: w, height: h, elastic: { alpha, sigma } }).apply(x, out, new Rng(21));

    // same draws: per pixel one 32-bit number, high half → u_x, low half → u_y, in (-1, 1)
    const rng = new Rng(21);
    const ux = new Float64Array(w * h);
    const uy = new Float64Array(w * h);
    for (let i = 0; i < w * h; i++) {
      const u = rng.nextUint32();
      ux[i] = (Math.floor(u / 65536) + 0.5) / 32768 - 1;
      uy[i] = ((u % 65536) + 0.5) / 32768 - 1;
    }
    const rad = Math.ceil(3 * sigma); // 5
    let norm = 0;
    for (let j = -rad; j <= rad; j++) norm += Math.exp((-j * j) / (2 * sigma * sigma));
    const g = (j: number) => Math.exp((-j * j) / (2 * sigma * sigma)) / norm;
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        let dx = 0;
        let dy = 0;
        for (let j = -rad; j <= rad; j++) {
          for (let i = -rad; i <= rad; i++) {
            const sx = xx + i;
            const sy = y + j;
            if (sx < 0 || sy < 0 || sx >= w || sy >= h) continue; // zero padding
            dx += g(i) * g(j) * ux[sy * w + sx];
            dy += g(i) * g(j) * uy[sy * w + sx];
          }
        }
        // bilinear sample at (x + α dx, y + α dy), zero outside
        const px = xx + alpha * dx;
        const py = y + alpha * dy;
        const x0 = Math.floor(px);
        const y0 = Math.floor(py);
        const at = (cx: number, cy: number) => (cx >= 0 && cy >= 0 && cx < w && cy < h ? x.data[cy * w + cx] : 0);
        const fx = px - x0;
        const fy = py - y0;
        const expected =
          (1 - fx) * (1 - fy) * at(x0, y0) + fx * (1 - fy) * at(x0 + 1, y0) + (1 - fx) * fy * at(x0, y0 + 1) + fx * fy * at(x0 + 1, y0 + 1);
        const found = out.data[y * w + xx];
        assert.ok(Math.abs(found - expected) < 1e-6, `pixel (${xx}, ${y}): expected ${expected}, found ${found}`);
      }
    }
  });

  it('works in place (out === x) exactly as into another matrix', () => {
    const x = images(8);
    const separate = Matrix.zeros(8, W * H);
    const a = new Augmenter(full);
    a.apply(x, separate, new Rng(3));
    const inPlace = x.clone();
    a.apply(inPlace, inPlace, new Rng(3));
    assert.ok(bytes(inPlace).equals(bytes(separate)));
  });

  it('handles a smaller last batch (buffer longer than rows*cols) and float64 data', () => {
    const x = images(5);
    const out = Matrix.zeros(8, W * H);
    new Augmenter(full).apply(x, out, new Rng(4));
    assert.equal(out.rows, 5);
    assert.ok(out.data.subarray(5 * W * H).every((v) => v === 0), 'rows past x.rows must be untouched');

    const x64 = x.clone('float64');
    const out64 = Matrix.zeros(5, W * H, 'float64');
    new Augmenter(full).apply(x64, out64, new Rng(4));
    const f32 = Float32Array.from(out64.view());
    assert.ok(Buffer.from(f32.buffer).equals(bytes(out)), 'float64 and float32 data agree to float32 precision');
  });

  it('augments about `probability` of the images and copies the rest', () => {
    const x = images(200, W, H, 2);
    const out = Matrix.zeros(200, W * H);
    new Augmenter({ ...full, probability: 0.5 }).apply(x, out, new Rng(11));
    let same = 0;
    for (let r = 0; r < 200; r++) {
      const a = x.data.subarray(r * W * H, (r + 1) * W * H);
      const b = out.data.subarray(r * W * H, (r + 1) * W * H);
      if (a.every((v, i) => v === b[i])) same++;
    }
    assert.ok(same > 70 && same < 130, `expected about 100 unchanged images, found ${same}`);
  });

  it('allocates nothing per call: scratch buffers are fixed and no typed array is created', () => {
    const a = new Augmenter(full);
    const x = images(16);
    const out = Matrix.zeros(16, W * H);
    const rng = new Rng(8);
    const fields = ['src', 'dx', 'dy', 'tmpX', 'tmpY', 'lineA', 'lineB', 'kernel', 'inv', 'last'] as const;
    const internals = a as unknown as Record<(typeof fields)[number], object>;
    const before = fields.map((f) => internals[f]);
    a.apply(x, out, rng);

    const g = globalThis as Record<string, unknown>;
    const originals = { Float32Array, Float64Array, Array, Uint8Array };
    let created = 0;
    for (const [name, Ctor] of Object.entries(originals)) {
      g[name] = new Proxy(Ctor, {
        construct(target, args, newTarget) {
          created++;
          return Reflect.construct(target, args, newTarget);
        },
        apply(target, self, args) {
          created++;
          return Reflect.apply(target as (...a: unknown[]) => unknown, self, args);
        },
      });
    }
    try {
      for (let i = 0; i < 5; i++) a.apply(x, out, rng);
      a.apply(out, out, rng);
    } finally {
      Object.assign(g, originals);
    }
    assert.equal(created, 0, 'apply must not construct arrays');
    fields.forEach((f, i) => assert.equal(internals[f], before[i], `scratch '${f}' was replaced`));
    assert.equal((internals.src as Float64Array).length, W * H);
    assert.equal((internals.kernel as Float64Array).length, 2 * 12 + 1, 'σ = 4 truncated at 3σ: 25 taps');
  });

  it('validates its options and shapes', () => {
    const bad: [Partial<AugmentOptions>, RegExp][] = [
      [{ width: 0 }, /width must be a positive integer, found 0/],
      [{ height: 2.5 }, /height/],
      [{ translate: -1 }, /translate must be a non-negative number, found -1/],
      [{ rotate: -5 }, /rotate/],
      [{ rotate: 270 }, /at most 180/],
      [{ scale: 1 }, /scale is relative and must be below 1/],
      [{ scale: NaN }, /scale/],
      [{ probability: 1.5 }, /probability must be in \[0, 1\], found 1.5/],
      [{ elastic: { alpha: -1, sigma: 4 } }, /elastic.alpha/],
      [{ elastic: { alpha: 34, sigma: 0 } }, /elastic.sigma must be a positive number, found 0/],
    ];
    for (const [patch, message] of bad) {
      assert.throws(() => new Augmenter({ width: W, height: H, ...patch }), (e: unknown) => {
        assert.ok(e instanceof ConfigError, `${JSON.stringify(patch)} should throw a ConfigError`);
        assert.match((e as Error).message, message);
        return true;
      });
    }
    const a = new Augmenter({ width: W, height: H, translate: 1 });
    assert.throws(() => a.apply(Matrix.zeros(2, 100), Matrix.zeros(2, W * H), new Rng(1)), ShapeError);
    assert.throws(() => a.apply(Matrix.zeros(4, W * H), Matrix.zeros(2, W * H), new Rng(1)), ShapeError);
  });

  it('supports rectangular images', () => {
    const w = 12;
    const h = 7;
    const x = images(3, w, h);
    const out = Matrix.zeros(3, w * h);
    new Augmenter({ width: w, height: h, translate: 1, rotate: 5, elastic: { alpha: 8, sigma: 3 } }).apply(x, out, new Rng(2));
    assert.ok(out.view().every((v) => v >= 0 && v <= 1));
    assert.ok(!bytes(out).equals(bytes(x)));
  });
});

describe('parseAugmentSpec', () => {
  it('parses every key', () => {
    assert.deepEqual(parseAugmentSpec('translate=2,rotate=10,scale=0.1,elastic=34:4'), {
      translate: 2,
      rotate: 10,
      scale: 0.1,
      elastic: { alpha: 34, sigma: 4 },
    });
    assert.deepEqual(parseAugmentSpec(' p=0.5 , translate = 1 '), { probability: 0.5, translate: 1 });
    assert.deepEqual(parseAugmentSpec(''), {});
    assert.deepEqual(parseAugmentSpec('none'), {});
  });

  it('expands the MNIST preset and lets later tokens override it', () => {
    assert.deepEqual(parseAugmentSpec('mnist'), { ...MNIST_AUGMENT, elastic: { ...MNIST_AUGMENT.elastic! } });
    const s = parseAugmentSpec('mnist,rotate=5,elastic=off');
    assert.equal(s.rotate, 5);
    assert.equal(s.elastic, undefined);
    assert.equal(s.translate, MNIST_AUGMENT.translate);
    // the preset builds a working augmenter
    assert.ok(new Augmenter({ width: W, height: H, ...parseAugmentSpec('mnist') }).enabled);
  });

  it('names the bad token', () => {
    const cases: [string, RegExp][] = [
      ['translate=2,rotat=10', /'rotat=10'.*unknown key 'rotat'/],
      ['translate=-2', /'translate=-2'.*negative/],
      ['rotate=abc', /'rotate=abc'.*not a number/],
      ['scale=1.5', /'scale=1.5'.*below 1/],
      ['elastic=34', /'elastic=34'.*alpha:sigma/],
      ['elastic=34:0', /'elastic=34:0'.*sigma must be positive/],
      ['elastic=34:x', /'elastic=34:x'.*not a number/],
      ['p=2', /'p=2'.*\[0, 1\]/],
      ['translate', /'translate'.*key=value/],
      ['translate=1,translate=2', /'translate=2'.*twice/],
      ['rotate=', /'rotate='.*not a number/],
    ];
    for (const [spec, message] of cases) {
      assert.throws(() => parseAugmentSpec(spec), (e: unknown) => {
        assert.ok(e instanceof ConfigError, `${spec}: expected a ConfigError`);
        assert.match((e as Error).message, message);
        return true;
      });
    }
  });
});

describe('augmentPreview', () => {
  it('writes one grid row per sample: the original, then the variants', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scratchnet-preview-'));
    try {
      const outPath = join(dir, 'preview.png');
      const x = images(5);
      const res = augmentPreview({
        images: x, width: W, height: H, count: 3, variants: 4,
        augmenter: new Augmenter(full), rng: new Rng(1), outPath, scale: 2, padding: 1,
      });
      // 5 columns × 56 px + 6 paddings; 3 rows × 56 px + 4 paddings
      assert.deepEqual(res, { path: outPath, width: 5 * 56 + 6, height: 3 * 56 + 4 });
      const png = readFileSync(outPath);
      assert.equal(png.readUInt32BE(16), 5 * 56 + 6);
      assert.equal(png.readUInt32BE(20), 3 * 56 + 4);
      assert.throws(
        () => augmentPreview({ images: x, width: W, height: H, count: 9, variants: 1, augmenter: new Augmenter(full), rng: new Rng(1), outPath }),
        /sample 5 is out of range, the data has 5 rows/,
      );
      assert.deepEqual(Array.from(x.view()), Array.from(images(5).view()), 'the source images are left alone');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
