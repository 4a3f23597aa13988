/**
 * An IDX image set as a Dataset, platform-neutral: decoded image and label tensors (src/data/idx.ts)
 * in, pixels scaled to [0, 1] float32 out. The Node edge reads MNIST's and Fashion-MNIST's files
 * (src/node/data/mnist.ts) and calls this.
 */
import { Matrix } from '../core/matrix.js';
import { DataError } from '../errors.js';
import type { Dataset } from './dataset.js';
import type { IdxTensor } from './idx.js';

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
export function idxImageDataset(images: IdxTensor, labels: IdxTensor, imgFile: string, lblFile: string, name: string, classNames: string[]): Dataset {
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
