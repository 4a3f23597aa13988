/**
 * The image sets of the playground's image mode and digit pad, as the page fetches them under
 * `data/<name>/`: the first 10 000 training and 2 000 test images as uncompressed uint8 IDX files
 * (`train-images.idx`, `train-labels.idx`, `test-images.idx`, `test-labels.idx`) and the class names
 * (`classes.json`). `npm run build:web` writes them into the static site (web/scripts/make-data.ts);
 * `scratchnet playground` makes them in memory from the files `scratchnet train` finds.
 */
import { encodeIdx } from '../data/idx.js';
import type { Dataset, DatasetSplit } from '../data/dataset.js';

/** The image sets the page offers (its image mode's dataset list). */
export const PLAYGROUND_IMAGE_SETS = ['mnist', 'fashion-mnist'] as const;
/** Images of each part the page trains and tests on. */
export const PLAYGROUND_IMAGE_COUNTS = { train: 10_000, test: 2_000 } as const;
/** The files of one set under `data/<name>/`. */
export const PLAYGROUND_IMAGE_FILES = ['train-images.idx', 'train-labels.idx', 'test-images.idx', 'test-labels.idx', 'classes.json'] as const;

/** uint8 pixels [n, h, w] (the loaders scale by 1/255 in float32; ×255 rounds back exactly) and labels [n]. */
function idxPart(ds: Dataset, n: number): { images: Uint8Array; labels: Uint8Array } {
  if (!ds.imageShape) throw new TypeError(`${ds.name}: not an image dataset`);
  const [h, w] = ds.imageShape;
  const count = Math.min(n, ds.y.length);
  const px = new Uint8Array(count * h * w);
  for (let i = 0; i < px.length; i++) px[i] = Math.round(ds.x.data[i] * 255);
  return {
    images: encodeIdx({ shape: [count, h, w], data: px }),
    labels: encodeIdx({ shape: [count], data: Uint8Array.from(ds.y.subarray(0, count)) }),
  };
}

/** The files of one image set for the page, by file name ({@link PLAYGROUND_IMAGE_FILES}). */
export function playgroundImageFiles(split: DatasetSplit): Record<(typeof PLAYGROUND_IMAGE_FILES)[number], Uint8Array> {
  const train = idxPart(split.train, PLAYGROUND_IMAGE_COUNTS.train);
  const test = idxPart(split.test, PLAYGROUND_IMAGE_COUNTS.test);
  return {
    'train-images.idx': train.images,
    'train-labels.idx': train.labels,
    'test-images.idx': test.images,
    'test-labels.idx': test.labels,
    'classes.json': new TextEncoder().encode(JSON.stringify(split.train.classNames)),
  };
}
