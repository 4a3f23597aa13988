import type { Float } from '../core/matrix.js';

/** Parameters of one affine map (forward direction: where a source pixel lands). */
export interface AffineParams {
  /** Shift right / down, pixels. */
  tx: number;
  ty: number;
  /** Rotation about the image centre, degrees, positive = counterclockwise on screen. */
  degrees: number;
  /** Zoom factor about the centre (1 = unchanged). */
  zoom: number;
}

/**
 * Fills `out` (length 6) with the inverse of A(p) = c + zoom·R(θ)(p − c) + t, as
 * src_x = out[0]·x + out[1]·y + out[2], src_y = out[3]·x + out[4]·y + out[5].
 * Image coordinates have y pointing down, so a screen-counterclockwise R(θ) = [[cos, sin], [−sin, cos]].
 */
export function affineInverse(out: Float64Array, width: number, height: number, p: AffineParams): Float64Array {
  const theta = (p.degrees * Math.PI) / 180;
  const cos = Math.cos(theta) / p.zoom;
  const sin = Math.sin(theta) / p.zoom;
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  // A⁻¹(q) = c + R(θ)ᵀ(q − c − t) / zoom, R(θ)ᵀ = [[cos, −sin], [sin, cos]]
  const ux = cx + p.tx;
  const uy = cy + p.ty;
  out[0] = cos;
  out[1] = -sin;
  out[2] = cx - (cos * ux - sin * uy);
  out[3] = sin;
  out[4] = cos;
  out[5] = cy - (sin * ux + cos * uy);
  return out;
}

/**
 * Warps one image `src` (height*width) into `dst` by the affine map `p` with bilinear sampling,
 * zero outside. The same sampling as {@link Augmenter} without the random draws; for tests and
 * previews (allocates a 6-number map, so not for hot loops).
 */
export function warpAffine(src: Float, dst: Float, width: number, height: number, p: AffineParams): void {
  const m = affineInverse(new Float64Array(6), width, height, p);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      dst[y * width + x] = bilinear(src, width, height, m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]);
    }
  }
}

/** Bilinear interpolation of `img` (h*w) at (sx, sy), pixels outside counting as 0. */
export function bilinear(img: Float, w: number, h: number, sx: number, sy: number): number {
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h || sx !== sx || sy !== sy) return 0;
  const fx = sx - x0;
  const fy = sy - y0;
  const i = y0 * w + x0;
  let p00: number, p10: number, p01: number, p11: number;
  if (x0 >= 0 && y0 >= 0 && x0 < w - 1 && y0 < h - 1) {
    p00 = img[i];
    p10 = img[i + 1];
    p01 = img[i + w];
    p11 = img[i + w + 1];
  } else {
    const inX0 = x0 >= 0;
    const inX1 = x0 + 1 < w;
    const inY0 = y0 >= 0;
    const inY1 = y0 + 1 < h;
    p00 = inX0 && inY0 ? img[i] : 0;
    p10 = inX1 && inY0 ? img[i + 1] : 0;
    p01 = inX0 && inY1 ? img[i + w] : 0;
    p11 = inX1 && inY1 ? img[i + w + 1] : 0;
  }
  // With fx = fy = 0 this is exactly p00, so integer shifts and the identity are lossless.
  return (1 - fy) * ((1 - fx) * p00 + fx * p10) + fy * ((1 - fx) * p01 + fx * p11);
}
