/** The augmentation preview of `scratchnet augment-preview`: originals and augmented versions as one PNG grid file (Node: writes the file). */
import { Matrix } from '../core/matrix.js';
import type { Rng } from '../core/random.js';
import { ConfigError, ShapeError } from '../errors.js';
import type { Augmenter } from '../data/augment.js';
import { writePngGrid } from './png.js';

export interface AugmentPreviewOptions {
  /** Source images, one per row: [n, width*height], values in [0, 1]. */
  images: Matrix;
  width: number;
  height: number;
  /** Number of samples (grid rows), taken from the first rows of `images` unless `indices` is given. */
  count: number;
  /** Augmented versions shown to the right of each original. */
  variants: number;
  augmenter: Augmenter;
  rng: Rng;
  outPath: string;
  /** Rows of `images` to show (overrides the first `count`). */
  indices?: readonly number[];
  /** Nearest-neighbour upscale of each image. Default 3. */
  scale?: number;
  /** Padding between images, in output pixels. Default 2. */
  padding?: number;
}

/**
 * Writes a PNG grid with one row per sample: the original, then `variants` augmented versions drawn
 * from `rng`. Returns the path and the picture's size.
 */
export function augmentPreview({
  images,
  width,
  height,
  count,
  variants,
  augmenter,
  rng,
  outPath,
  indices,
  scale = 3,
  padding = 2,
}: AugmentPreviewOptions): { path: string; width: number; height: number } {
  const n = width * height;
  if (images.cols !== n) {
    throw new ShapeError(`augmentPreview: expected images [n, ${width}×${height} = ${n}], found ${images.shapeString()}`);
  }
  if (augmenter.width !== width || augmenter.height !== height) {
    throw new ConfigError(
      `augmentPreview: augmenter is for ${augmenter.width}×${augmenter.height} images, found ${width}×${height}`,
    );
  }
  if (!Number.isInteger(variants) || variants < 1) {
    throw new ConfigError(`augmentPreview: variants must be a positive integer, found ${variants}`);
  }
  const rows = indices ?? Array.from({ length: count }, (_, i) => i);
  if (rows.length === 0 || (indices === undefined && (!Number.isInteger(count) || count < 1))) {
    throw new ConfigError(`augmentPreview: count must be a positive integer, found ${count}`);
  }
  for (const r of rows) {
    if (!Number.isInteger(r) || r < 0 || r >= images.rows) {
      throw new ConfigError(`augmentPreview: sample ${r} is out of range, the data has ${images.rows} rows`);
    }
  }

  const batch = Matrix.zeros(variants, n);
  const tiles: Float32Array[] = [];
  for (const r of rows) {
    const original = Float32Array.from(images.data.subarray(r * n, (r + 1) * n));
    tiles.push(original);
    for (let v = 0; v < variants; v++) batch.data.set(original, v * n);
    augmenter.apply(batch, batch, rng);
    for (let v = 0; v < variants; v++) tiles.push(Float32Array.from(batch.data.subarray(v * n, (v + 1) * n)));
  }
  const size = writePngGrid(outPath, tiles, { width, height, columns: variants + 1, scale, padding });
  return { path: outPath, ...size };
}
