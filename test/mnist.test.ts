import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { validateDataset, type DatasetSplit } from '../src/data/dataset.js';
import { MNIST_FILES, MNIST_SHA256, loadIdxImageSet, loadMnist, mnistPackageDir } from '../src/node/data/mnist.js';
import { datasetNames, loadDataset } from '../src/node.js';
import { writeIdx } from '../src/node/idx-file.js';
import { ConfigError, DataError } from '../src/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'scratchnet-mnist-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('MNIST', () => {
  let split: DatasetSplit;
  let ms = 0;

  it('loads 60000×784 train and 10000×784 test', async () => {
    const t0 = performance.now();
    split = await loadMnist();
    ms = performance.now() - t0;
    console.log(`# MNIST loaded in ${ms.toFixed(0)} ms`); // a figure to read, not to assert: this machine's speed drifts
    const { train, test } = split;
    assert.equal(train.x.rows, 60000);
    assert.equal(train.x.cols, 784);
    assert.equal(train.x.dtype, 'float32');
    assert.equal(train.y.length, 60000);
    assert.equal(test.x.rows, 10000);
    assert.equal(test.x.cols, 784);
    assert.equal(test.y.length, 10000);
    assert.deepEqual(train.imageShape, [28, 28]);
    assert.equal(train.numClasses, 10);
    assert.deepEqual(train.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    validateDataset(train, 'mnist train');
    validateDataset(test, 'mnist test');
  });

  it('scales pixels to [0, 1] with both ends present', () => {
    for (const ds of [split.train, split.test]) {
      let lo = Infinity;
      let hi = -Infinity;
      let sum = 0;
      for (const v of ds.x.data) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        sum += v;
      }
      assert.equal(lo, 0);
      assert.equal(hi, 1);
      const mean = sum / ds.x.data.length;
      assert.ok(mean > 0.12 && mean < 0.14, `mean pixel ${mean} (MNIST's is ≈ 0.13)`);
    }
    // pixel (row 10, col 20) of the first training image equals its raw byte / 255
    const raw = readFileSync(join(mnistPackageDir()!, MNIST_FILES.trainImages));
    assert.equal(split.train.x.data[300], Math.fround(raw[16 + 300] / 255));
  });

  it('has the known label counts', () => {
    const count = (y: Int32Array) => Array.from({ length: 10 }, (_, c) => y.filter((v) => v === c).length);
    assert.deepEqual(count(split.train.y), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    assert.deepEqual(count(split.test.y), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    assert.deepEqual(Array.from(split.train.y.subarray(0, 5)), [5, 0, 4, 1, 9]);
    assert.deepEqual(Array.from(split.test.y.subarray(0, 5)), [7, 2, 1, 0, 4]);
  });

  it('is available through the registry', async () => {
    assert.ok(datasetNames().includes('mnist'));
    const s = await loadDataset('mnist');
    assert.equal(s.train.x.rows, 60000);
  });

  it('an unknown dataset name is a ConfigError listing the known names', async () => {
    await assert.rejects(loadDataset('cifar'), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /'cifar'/);
      assert.match(e.message, /mnist/);
      return true;
    });
  });

  it('a corrupted copy fails the hash check, naming file and both hashes', async () => {
    const src = mnistPackageDir()!;
    const bad = join(tmp, 'corrupt');
    await import('node:fs/promises').then((f) => f.mkdir(bad));
    for (const f of Object.values(MNIST_FILES)) {
      if (f === MNIST_FILES.trainLabels) copyFileSync(join(src, f), join(bad, f));
      else symlinkSync(join(src, f), join(bad, f));
    }
    const path = join(bad, MNIST_FILES.trainLabels);
    const bytes = readFileSync(path);
    bytes[100] = (bytes[100] + 1) % 10; // still a valid IDX file and label: only the hash can tell
    writeFileSync(path, bytes);
    await assert.rejects(loadMnist({ dir: bad }), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.ok(e.message.includes(path), e.message);
      assert.ok(e.message.includes(MNIST_SHA256[MNIST_FILES.trainLabels]), e.message);
      assert.match(e.message, /SHA-256 mismatch.*expected [0-9a-f]{64}, found [0-9a-f]{64}/);
      return true;
    });
  });

  it('a missing file is a DataError naming it', async () => {
    await assert.rejects(loadMnist({ dir: join(tmp, 'nowhere'), env: { XDG_CACHE_HOME: tmp }, systemDir: tmp, usePackage: false }), (e: unknown) => e instanceof DataError && e.message.includes('nowhere'));
  });
});

describe('loadIdxImageSet (generic)', () => {
  const files = { trainImages: 'tri', trainLabels: 'trl', testImages: 'tei', testLabels: 'tel' };
  const write = (d: string, nTrain: number, nTrainLabels: number, labelMax = 2) => {
    writeIdx(join(d, 'tri'), { shape: [nTrain, 2, 3], data: Uint8Array.from({ length: nTrain * 6 }, (_, i) => (i * 51) % 256) });
    writeIdx(join(d, 'trl'), { shape: [nTrainLabels], data: Uint8Array.from({ length: nTrainLabels }, (_, i) => i % (labelMax + 1)) }, { gzip: true });
    writeIdx(join(d, 'tei'), { shape: [2, 2, 3], data: new Uint8Array(12).fill(255) });
    writeIdx(join(d, 'tel'), { shape: [2], data: Uint8Array.of(0, 1) });
  };

  it('loads any IDX image set without hashes (gzip labels too)', async () => {
    const d = mkdtempSync(join(tmp, 'gen-'));
    write(d, 4, 4);
    const s = await loadIdxImageSet({ dir: d, files, hashes: {}, name: 'tiny', classNames: ['a', 'b', 'c'] });
    assert.equal(s.train.x.rows, 4);
    assert.equal(s.train.x.cols, 6);
    assert.deepEqual(s.train.imageShape, [2, 3]);
    assert.equal(s.train.x.data[1], Math.fround(51 / 255));
    assert.deepEqual(Array.from(s.train.y), [0, 1, 2, 0]);
    assert.ok(Array.from(s.test.x.data).every((v) => v === 1));
  });

  it('label count ≠ image count is a DataError naming the labels file', async () => {
    const d = mkdtempSync(join(tmp, 'gen-'));
    write(d, 4, 3);
    await assert.rejects(loadIdxImageSet({ dir: d, files, hashes: {}, name: 'tiny', classNames: ['a', 'b', 'c'] }), (e: unknown) =>
      e instanceof DataError && e.message.includes(join(d, 'trl')) && /expected 4 labels/.test(e.message));
  });

  it('a label ≥ number of classes is a DataError', async () => {
    const d = mkdtempSync(join(tmp, 'gen-'));
    write(d, 4, 4, 3);
    await assert.rejects(loadIdxImageSet({ dir: d, files, hashes: {}, name: 'tiny', classNames: ['a', 'b', 'c'] }), (e: unknown) =>
      e instanceof DataError && /label at index 3 is 3, expected an integer in \[0, 2\]/.test(e.message));
  });
});
