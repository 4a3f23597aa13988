/**
 * The misclassified-images gallery: test images the baseline got wrong, laid out as one grid (the
 * report has it drawn as a PNG: src/node/experiments/report.ts).
 */
import { loadDataset } from '../data/registry.js';
import { ScratchnetError } from '../errors.js';
import type { ResultLine } from './results.js';

/** How the gallery's images are laid out: each `width`×`height`, `columns` per row, drawn `scale` times, `padding` apart. */
export interface GalleryLayout {
  width: number;
  height: number;
  columns: number;
  scale: number;
  padding: number;
}

/** The images to draw, in [0, 1], or why there are none (dataset missing here, not an image set). */
export type GalleryImages = { images: number[][]; layout: GalleryLayout } | { note: string };

/** Images per gallery row. */
export const GALLERY_COLUMNS = 8;

/**
 * The images of `line.misclassified` (row by row, in the order listed), loading the test images
 * from the dataset the run used. Each image is stretched to its own min..max for display.
 */
export async function galleryImages(line: ResultLine, dataDir?: string): Promise<GalleryImages> {
  const wrong = line.misclassified ?? [];
  if (wrong.length === 0) return { note: 'no misclassified samples were recorded' };
  if (!line.imageShape) return { note: 'not an image dataset' };
  const [height, width] = line.imageShape;
  let test;
  try {
    test = (await loadDataset(line.dataset, { dir: dataDir, ...line.data })).test;
  } catch (e) {
    if (!(e instanceof ScratchnetError) && !(e as { code?: unknown }).code) throw e;
    return { note: `the '${line.dataset}' images could not be loaded here (${(e as Error).message})` };
  }
  const n = width * height;
  if (test.x.cols !== n) return { note: `test images have ${test.x.cols} values, expected ${width}×${height}` };
  const images = wrong
    .filter((w) => w.index < test.x.rows)
    .map(({ index }) => {
      const img = Array.from(test.x.data.subarray(index * n, (index + 1) * n));
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of img) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      return hi > lo ? img.map((v) => (v - lo) / (hi - lo)) : img;
    });
  if (images.length === 0) return { note: 'the recorded indices are outside the test set' };
  return { images, layout: { width, height, columns: GALLERY_COLUMNS, scale: 2, padding: 2 } };
}
