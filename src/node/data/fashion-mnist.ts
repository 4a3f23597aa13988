/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, https://github.com/zalandoresearch/fashion-mnist):
 * Zalando article images in MNIST's layout, the official 60000/10000 split, 10 classes.
 *
 * Read from the four official IDX files (gzip, or already gunzipped), found by the lookup order of
 * {@link searchPlaces}, each checked by SHA-256 before it is decoded.
 */
import { DataError } from '../../errors.js';
import { locateFiles, missingMessage, searchPlaces, verifyFiles, type Located } from './cache.js';
import type { DatasetSplit } from '../../data/dataset.js';
import { loadIdxImageSet, type IdxImageFiles } from './mnist.js';
import type { RemoteFile } from '../../data/registry.js';

export const FASHION_MNIST = 'fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Where `scratchnet data download fashion-mnist` fetches from (the official S3 bucket). */
export const FASHION_MNIST_BASE_URL = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

const STEMS: IdxImageFiles = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};
const gz = (f: IdxImageFiles): IdxImageFiles => ({
  trainImages: `${f.trainImages}.gz`,
  trainLabels: `${f.trainLabels}.gz`,
  testImages: `${f.testImages}.gz`,
  testLabels: `${f.testLabels}.gz`,
});
const list = (f: IdxImageFiles) => [f.trainImages, f.trainLabels, f.testImages, f.testLabels];

/** The official file names (gzip) and their gunzipped names; a directory may hold either set. */
export const FASHION_MNIST_FILES = { gz: gz(STEMS), raw: STEMS };

/**
 * Accepted SHA-256s of each file as stored, by file name.
 * - `.gz`, first: the official files (upstream README MD5s 8d4fb7e6…, 25c81989…, bef4ecab…, bb300cfd…).
 *   Second: Debian's `dataset-fashion-mnist`, whose packaging (strip-nondeterminism) rewrote only the
 *   gzip header, dropping the file name and resetting the mtime, so its MD5s differ from the README's.
 *   The deflate streams are the same: Debian's label files with the original header put back
 *   (FNAME, mtime 2017-08-31) reproduce the README MD5s and these SHA-256s (test/datasets.test.ts).
 * - gunzipped: the IDX files themselves (upstream MD5s f4a8712d…, 9018921c…, 8181f547…, 15d48437…).
 */
export const FASHION_MNIST_SHA256: Record<string, readonly string[]> = {
  'train-images-idx3-ubyte.gz': [
    '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
    'b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7',
  ],
  'train-labels-idx1-ubyte.gz': [
    'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
    '0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056',
  ],
  't10k-images-idx3-ubyte.gz': [
    '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
    'cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa',
  ],
  't10k-labels-idx1-ubyte.gz': [
    '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
    '8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05',
  ],
  'train-images-idx3-ubyte': ['c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888'],
  'train-labels-idx1-ubyte': ['bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9'],
  't10k-images-idx3-ubyte': ['5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b'],
  't10k-labels-idx1-ubyte': ['0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34'],
};

/** The four files `scratchnet data download fashion-mnist` fetches, with their accepted hashes. */
export const FASHION_MNIST_REMOTE: RemoteFile[] = list(FASHION_MNIST_FILES.gz).map((name) => ({
  name,
  sha256: FASHION_MNIST_SHA256[name],
}));

export interface FashionMnistOptions {
  /** Explicit directory (`--data-dir`), searched first: the files in `dir` or in `dir/fashion-mnist`. */
  dir?: string;
  /** Environment for `SCRATCHNET_DATA` / `XDG_CACHE_HOME` (tests pass their own). */
  env?: Record<string, string | undefined>;
  /** The system dataset root, default `/usr/share/datasets` (tests pass an empty one). */
  systemDir?: string;
}

/** Where Fashion-MNIST's files are, if anywhere (existence only; hashes are checked on load). */
export function locateFashionMnist({ dir, env, systemDir }: FashionMnistOptions = {}): Located & { files?: string[] } {
  return locateFiles(searchPlaces(FASHION_MNIST, { dir, env, systemDir }), [list(FASHION_MNIST_FILES.gz), list(FASHION_MNIST_FILES.raw)]);
}

/**
 * Loads Fashion-MNIST: train x `[60000, 784]`, test x `[10000, 784]` float32 in [0, 1],
 * imageShape `[28, 28]`, 10 classes ({@link FASHION_MNIST_CLASSES}).
 * @throws DataError if no searched place holds the four files (the message lists them), or a file
 *   fails its SHA-256 check or is malformed
 */
export async function loadFashionMnist(opts: FashionMnistOptions = {}): Promise<DatasetSplit> {
  const found = locateFashionMnist(opts);
  if (!found.dir || !found.files) {
    throw new DataError(missingMessage(FASHION_MNIST, list(FASHION_MNIST_FILES.gz), found.searched, `'sudo apt-get install dataset-${FASHION_MNIST}' (Debian/Ubuntu)`));
  }
  const dir = found.dir;
  const files = found.files[0].endsWith('.gz') ? FASHION_MNIST_FILES.gz : FASHION_MNIST_FILES.raw;
  const hashes = await verifyFiles(FASHION_MNIST, dir, list(files), FASHION_MNIST_SHA256);
  return loadIdxImageSet({
    dir,
    files,
    hashes,
    name: FASHION_MNIST,
    classNames: FASHION_MNIST_CLASSES,
    source: `official IDX files in ${dir}`,
    description: 'Fashion-MNIST (Zalando): 60000 train / 10000 test grayscale images of 28×28, 10 classes of clothing',
  });
}
