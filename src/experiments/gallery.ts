/** The misclassified-images gallery: test images the baseline got wrong, as one PNG grid. */
import { loadDataset } from '../data/registry.js';
import { writePngGrid } from '../node/png.js';
import { ScratchnetError } from '../errors.js';
import type { ResultLine } from './results.js';

export interface GalleryResult {
  /** Null when the images could not be drawn (dataset missing here, not an image set). */
  written: string | null;
  /** Why nothing was written. */
  note?: string;
}

/** Images per gallery row. */
export const GALLERY_COLUMNS = 8;

/**
 * Writes `line.misclassified` as a PNG grid (row by row, in the order listed), loading the test
 * images from the dataset the run used. Each image is stretched to its own min..max for display.
 */
export async function writeGallery(line: ResultLine, path: string, dataDir?: string): Promise<GalleryResult> {
  const wrong = line.misclassified ?? [];
  if (wrong.length === 0) return { written: null, note: 'no misclassified samples were recorded' };
  if (!line.imageShape) return { written: null, note: 'not an image dataset' };
  const [height, width] = line.imageShape;
  let test;
  try {
    test = (await loadDataset(line.dataset, { dir: dataDir, ...line.data })).test;
  } catch (e) {
    if (!(e instanceof ScratchnetError) && !(e as NodeJS.ErrnoException).code) throw e;
    return { written: null, note: `the '${line.dataset}' images could not be loaded here (${(e as Error).message})` };
  }
  const n = width * height;
  if (test.x.cols !== n) return { written: null, note: `test images have ${test.x.cols} values, expected ${width}×${height}` };
  const images = wrong
    .filter((w) => w.index < test.x.rows)
    .map(({ index }) => {
      const img = Array.from(test.x.data.subarray(index * n, (index + 1) * n));
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of img) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      return hi > lo ? img.map((v) => (v - lo) / (hi - lo)) : img;
    });
  if (images.length === 0) return { written: null, note: 'the recorded indices are outside the test set' };
  writePngGrid(path, images, { width, height, columns: GALLERY_COLUMNS, scale: 2, padding: 2 });
  return { written: path };
}
