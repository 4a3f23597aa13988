import { ConfigError, ShapeError } from '../errors.js';
import type { Float, Matrix } from '../core/matrix.js';
import type { Rng } from '../core/random.js';
import { affineInverse, bilinear, type AffineParams } from './affine.js';
import type { AugmentSpec, ElasticOptions } from './augment-spec.js';

export { affineInverse, warpAffine, type AffineParams } from './affine.js';
export { MNIST_AUGMENT, parseAugmentSpec, type AugmentSpec, type ElasticOptions } from './augment-spec.js';

export interface AugmentOptions extends AugmentSpec {
  /** Image width in pixels; a row of the data holds `width * height` pixels, row-major. */
  width: number;
  height: number;
}


/** The Gaussian is truncated at this many standard deviations (and at the image size). */
const TRUNCATE = 3;

/**
 * Seeded augmentation of grey images stored as matrix rows (`[batch, width*height]`, values in
 * [0, 1], row-major pixels). Meant for training batches only.
 *
 * Each image gets one random affine map — translation, rotation about the centre and zoom — and,
 * if enabled, an elastic displacement field; both are composed into a single inverse map and
 * sampled once with bilinear interpolation (zero outside the image):
 *
 *   out(p) = in(A⁻¹(p + α·(G_σ ∗ u)(p))),   u ~ U[-1, 1] per pixel and axis,  A(p) = c + s·R(θ)(p − c) + t
 *
 * where A is centred at c = ((width−1)/2, (height−1)/2) and G_σ is a normalised Gaussian truncated
 * at 3σ, zero-padded at the borders (like the usual reference code's
 * `scipy.ndimage.gaussian_filter(u, σ, mode='constant')`) and applied separably.
 * Paper: Simard, Steinkraus & Platt, "Best Practices for Convolutional Neural Networks Applied to
 * Visual Document Analysis", ICDAR 2003, https://doi.org/10.1109/ICDAR.2003.1227801
 *
 * Every scratch buffer is allocated in the constructor; {@link apply} allocates nothing. All random
 * draws come from the `rng` given to `apply`, so one seed reproduces the output bit for bit.
 */
export class Augmenter {
  readonly width: number;
  readonly height: number;
  readonly translate: number;
  /** Largest rotation in degrees. */
  readonly rotate: number;
  readonly scale: number;
  readonly elastic: Readonly<ElasticOptions> | null;
  readonly probability: number;

  /** One source image, copied so that `out` may alias `x`. (height*width) */
  private readonly src: Float64Array;
  /** Displacement fields along x and y. (height*width) */
  private readonly dx: Float64Array;
  private readonly dy: Float64Array;
  /** First-pass results of the separable blur, transposed. (width*height) */
  private readonly tmpX: Float64Array;
  private readonly tmpY: Float64Array;
  /** One row or column of each field with `radius` zeros on both sides. (max(width, height) + 2·radius) */
  private readonly lineA: Float64Array;
  private readonly lineB: Float64Array;
  /** Gaussian taps k[j + radius], j in [-radius, radius]; normalised over the 3σ window. */
  private readonly kernel: Float64Array;
  private readonly radius: number;
  /** Inverse affine map of the current image: sx = m0·x + m1·y + m2, sy = m3·x + m4·y + m5. */
  private readonly inv = new Float64Array(6);
  /** Affine parameters drawn for the last augmented image (reused, for inspection and tests). */
  readonly last: AffineParams = { tx: 0, ty: 0, degrees: 0, zoom: 1 };

  constructor(options: AugmentOptions) {
    const { width, height, translate = 0, rotate = 0, scale = 0, elastic, probability = 1 } = options ?? ({} as AugmentOptions);
    for (const [name, v] of [['width', width], ['height', height]] as const) {
      if (!Number.isInteger(v) || v <= 0) {
        throw new ConfigError(`Augmenter: ${name} must be a positive integer, found ${v}`);
      }
    }
    nonNegative('translate', translate);
    nonNegative('rotate', rotate);
    nonNegative('scale', scale);
    if (rotate > 180) throw new ConfigError(`Augmenter: rotate is in degrees and must be at most 180, found ${rotate}`);
    if (scale >= 1) throw new ConfigError(`Augmenter: scale is relative and must be below 1, found ${scale}`);
    if (!(probability >= 0 && probability <= 1)) {
      throw new ConfigError(`Augmenter: probability must be in [0, 1], found ${probability}`);
    }
    if (elastic !== undefined && elastic !== null) {
      nonNegative('elastic.alpha', elastic.alpha);
      if (!(Number.isFinite(elastic.sigma) && elastic.sigma > 0)) {
        throw new ConfigError(`Augmenter: elastic.sigma must be a positive number, found ${elastic.sigma}`);
      }
    }
    this.width = width;
    this.height = height;
    this.translate = translate;
    this.rotate = rotate;
    this.scale = scale;
    this.elastic = elastic && elastic.alpha > 0 ? Object.freeze({ alpha: elastic.alpha, sigma: elastic.sigma }) : null;
    this.probability = probability;

    const n = width * height;
    this.src = new Float64Array(n);
    const fieldSize = this.elastic ? n : 0;
    this.dx = new Float64Array(fieldSize);
    this.dy = new Float64Array(fieldSize);
    this.tmpX = new Float64Array(fieldSize);
    this.tmpY = new Float64Array(fieldSize);
    if (this.elastic) {
      const { sigma } = this.elastic;
      const full = Math.ceil(TRUNCATE * sigma);
      // Taps farther than the image is wide only ever meet the zero padding: drop them, but keep
      // the normalisation of the full window so the result equals the untruncated-by-size filter.
      this.radius = Math.min(full, Math.max(width, height) - 1);
      let sum = 0;
      for (let j = -full; j <= full; j++) sum += Math.exp((-j * j) / (2 * sigma * sigma));
      this.kernel = new Float64Array(2 * this.radius + 1);
      this.lineA = new Float64Array(Math.max(width, height) + 2 * this.radius);
      this.lineB = new Float64Array(Math.max(width, height) + 2 * this.radius);
      for (let j = -this.radius; j <= this.radius; j++) {
        this.kernel[j + this.radius] = Math.exp((-j * j) / (2 * sigma * sigma)) / sum;
      }
    } else {
      this.radius = 0;
      this.kernel = new Float64Array(0);
      this.lineA = new Float64Array(0);
      this.lineB = new Float64Array(0);
    }
  }

  /** True when some transform is on (otherwise `apply` copies). */
  get enabled(): boolean {
    return this.probability > 0 && (this.translate > 0 || this.rotate > 0 || this.scale > 0 || this.elastic !== null);
  }

  /**
   * Writes augmented copies of the first `x.rows` rows of `x` into `out` and sets `out.rows`.
   * x: [batch, width*height] → out: [batch, width*height]; `out` may be `x` itself.
   */
  apply(x: Matrix, out: Matrix, rng: Rng): void {
    const n = this.width * this.height;
    if (x.cols !== n || out.cols !== n) {
      throw new ShapeError(
        `Augmenter.apply: expected ${this.width}×${this.height} = ${n} columns, found x ${x.shapeString()} and out ${out.shapeString()}`,
      );
    }
    const rows = x.rows;
    out.setRows(rows);
    const src = this.src;
    const xd = x.data;
    const od = out.data;
    for (let r = 0; r < rows; r++) {
      const base = r * n;
      for (let i = 0; i < n; i++) src[i] = xd[base + i];
      if (!this.enabled || (this.probability < 1 && rng.uniform() >= this.probability)) {
        for (let i = 0; i < n; i++) od[base + i] = src[i];
        continue;
      }
      this.drawAffine(rng);
      if (this.elastic) this.drawField(rng);
      this.sample(od, base);
    }
  }

  /** Draws translation, rotation and zoom, and stores the inverse map in `inv`. */
  private drawAffine(rng: Rng): void {
    const p = this.last;
    p.tx = this.translate > 0 ? rng.range(-this.translate, this.translate) : 0;
    p.ty = this.translate > 0 ? rng.range(-this.translate, this.translate) : 0;
    p.degrees = this.rotate > 0 ? rng.range(-this.rotate, this.rotate) : 0;
    p.zoom = this.scale > 0 ? 1 + rng.range(-this.scale, this.scale) : 1;
    affineInverse(this.inv, this.width, this.height, p);
  }

  /**
   * dx, dy ← α · G_σ ∗ U[-1, 1] (separable, zero padding). One 32-bit draw per pixel gives both
   * noise values (16 bits each; the smoothing averages hundreds of them, so more bits buy nothing).
   */
  private drawField(rng: Rng): void {
    const { dx, dy, tmpX, tmpY } = this;
    const n = dx.length;
    for (let i = 0; i < n; i++) {
      const u = rng.nextUint32();
      dx[i] = ((u >>> 16) + 0.5) / 32768 - 1;
      dy[i] = ((u & 0xffff) + 0.5) / 32768 - 1;
    }
    // Each pass blurs along rows and writes transposed, so the second pass is the same row loop.
    this.blurRowsTransposed(dx, dy, tmpX, tmpY, this.width, this.height, 1); // tmp: [width, height]
    this.blurRowsTransposed(tmpX, tmpY, dx, dy, this.height, this.width, this.elastic!.alpha); // d: [height, width]
  }

  /**
   * outA[x·count + y] = scale · Σ_j k[j] · a[y·len + x + j] (zero outside the row), and the same for b.
   * a, b: [count, len] → outA, outB: [len, count]. Rows are copied into zero-padded lines so the
   * taps need no bounds tests; the symmetric kernel is folded, and two outputs of each field are
   * summed at once to keep four independent additions in flight.
   */
  private blurRowsTransposed(
    a: Float64Array,
    b: Float64Array,
    outA: Float64Array,
    outB: Float64Array,
    len: number,
    count: number,
    scale: number,
  ): void {
    const { kernel: k, radius: rad, lineA, lineB } = this;
    const k0 = k[rad];
    // the right padding starts after this pass's rows (the other pass may have left data there)
    lineA.fill(0, rad + len);
    lineB.fill(0, rad + len);
    for (let y = 0; y < count; y++) {
      const row = y * len;
      for (let x = 0; x < len; x++) {
        lineA[rad + x] = a[row + x];
        lineB[rad + x] = b[row + x];
      }
      let x = 0;
      for (; x + 1 < len; x += 2) {
        const c = rad + x;
        let sa0 = k0 * lineA[c];
        let sa1 = k0 * lineA[c + 1];
        let sb0 = k0 * lineB[c];
        let sb1 = k0 * lineB[c + 1];
        for (let j = 1; j <= rad; j++) {
          const kj = k[rad + j];
          sa0 += kj * (lineA[c - j] + lineA[c + j]);
          sa1 += kj * (lineA[c + 1 - j] + lineA[c + 1 + j]);
          sb0 += kj * (lineB[c - j] + lineB[c + j]);
          sb1 += kj * (lineB[c + 1 - j] + lineB[c + 1 + j]);
        }
        outA[x * count + y] = scale * sa0;
        outA[(x + 1) * count + y] = scale * sa1;
        outB[x * count + y] = scale * sb0;
        outB[(x + 1) * count + y] = scale * sb1;
      }
      if (x < len) {
        const c = rad + x;
        let sa = k0 * lineA[c];
        let sb = k0 * lineB[c];
        for (let j = 1; j <= rad; j++) {
          sa += k[rad + j] * (lineA[c - j] + lineA[c + j]);
          sb += k[rad + j] * (lineB[c - j] + lineB[c + j]);
        }
        outA[x * count + y] = scale * sa;
        outB[x * count + y] = scale * sb;
      }
    }
  }

  /** out[base + p] ← bilinear sample of `src` at inv(p + d(p)), zero outside. */
  private sample(out: Float, base: number): void {
    const { src, inv, width: w, height: h } = this;
    const hasField = this.elastic !== null;
    const dx = this.dx;
    const dy = this.dy;
    const m0 = inv[0], m1 = inv[1], m2 = inv[2], m3 = inv[3], m4 = inv[4], m5 = inv[5];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        let qx = x;
        let qy = y;
        if (hasField) {
          qx += dx[i];
          qy += dy[i];
        }
        out[base + i] = bilinear(src, w, h, m0 * qx + m1 * qy + m2, m3 * qx + m4 * qy + m5);
      }
    }
  }
}


function nonNegative(name: string, v: number): void {
  if (!(Number.isFinite(v) && v >= 0)) {
    throw new ConfigError(`Augmenter: ${name} must be a non-negative number, found ${v}`);
  }
}
