import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { DatasetSplit } from '../src/data/dataset.js';
import {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_FILES,
  FASHION_MNIST_SHA256,
  loadFashionMnist,
  locateFashionMnist,
} from '../src/node/data/fashion-mnist.js';
import { irisAll, loadIris } from '../src/data/iris.js';
import { datasetNames, loadDataset } from '../src/node.js';
import { loadCircle, loadClusters, loadMoons, loadSpirals, loadXor } from '../src/data/synthetic.js';
import { ConfigError, DataError } from '../src/errors.js';

const DEBIAN = '/usr/share/datasets/fashion-mnist';
const noDebian = existsSync(DEBIAN) ? false : `${DEBIAN} is absent (apt-get install dataset-fashion-mnist)`;
const tmp = () => mkdtempSync(join(tmpdir(), 'scratchnet-datasets-'));
const GZ = Object.values(FASHION_MNIST_FILES.gz);
const RAW = Object.values(FASHION_MNIST_FILES.raw);

/** Per-class counts of `y` `[n]`. */
function counts(y: Int32Array, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const v of y) c[v]++;
  return c;
}

/** Per-feature mean and (population) std of x `[n, d]`. */
function moments(d: DatasetSplit['train']): { mean: number[]; std: number[] } {
  const { rows, cols, data } = d.x;
  const mean = new Array<number>(cols).fill(0);
  const std = new Array<number>(cols).fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += data[r * cols + c] / rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) std[c] += (data[r * cols + c] - mean[c]) ** 2 / rows;
  return { mean, std: std.map(Math.sqrt) };
}

const sameSplit = (a: DatasetSplit, b: DatasetSplit) =>
  Buffer.from(a.train.x.data.buffer).equals(Buffer.from(b.train.x.data.buffer)) &&
  Buffer.from(a.test.y.buffer).equals(Buffer.from(b.test.y.buffer));

describe('registry', () => {
  it('knows the four new sets', () => {
    for (const n of ['fashion-mnist', 'iris', 'spirals', 'moons']) assert.ok(datasetNames().includes(n), n);
  });
});

describe('fashion-mnist lookup', () => {
  /** A directory holding (empty placeholder) files with the given names. */
  const withFiles = (dir: string, names: string[]) => {
    mkdirSync(dir, { recursive: true });
    for (const n of names) writeFileSync(join(dir, n), '');
    return dir;
  };
  const empty = tmp();

  it('searches --data-dir, DIR/fashion-mnist, $SCRATCHNET_DATA, the user cache, then the system dir, in that order', () => {
    const root = tmp();
    const given = withFiles(join(root, 'given'), GZ);
    const nested = withFiles(join(root, 'nested', 'fashion-mnist'), GZ);
    const envData = withFiles(join(root, 'env', 'fashion-mnist'), GZ);
    const cache = withFiles(join(root, 'xdg', 'scratchnet', 'fashion-mnist'), GZ);
    const system = withFiles(join(root, 'sys', 'fashion-mnist'), RAW);
    const env = { SCRATCHNET_DATA: join(root, 'env'), XDG_CACHE_HOME: join(root, 'xdg') };
    const sys = join(root, 'sys');
    assert.equal(locateFashionMnist({ dir: given, env, systemDir: sys }).dir, given);
    assert.equal(locateFashionMnist({ dir: join(root, 'nested'), env, systemDir: sys }).dir, nested);
    assert.equal(locateFashionMnist({ dir: empty, env, systemDir: sys }).dir, envData);
    assert.equal(locateFashionMnist({ env: { XDG_CACHE_HOME: env.XDG_CACHE_HOME }, systemDir: sys }).dir, cache);
    const last = locateFashionMnist({ env: { HOME: empty, XDG_CACHE_HOME: join(empty, 'none') }, systemDir: sys });
    assert.equal(last.dir, system);
    assert.deepEqual(last.files, RAW, 'gunzipped files are accepted too');
  });

  it('skips a directory with only some of the files', () => {
    const root = tmp();
    withFiles(join(root, 'fashion-mnist'), GZ.slice(0, 2));
    const r = locateFashionMnist({ dir: root, env: { XDG_CACHE_HOME: empty }, systemDir: empty });
    assert.equal(r.dir, undefined);
    assert.ok(r.searched.some((s) => s.present === 2));
  });

  it('a missing dataset says where it looked and how to get it', async () => {
    const root = tmp();
    await assert.rejects(
      loadFashionMnist({ dir: root, env: { SCRATCHNET_DATA: join(root, 'd'), XDG_CACHE_HOME: join(root, 'c') }, systemDir: join(root, 's') }),
      (e: unknown) => {
        assert.ok(e instanceof DataError);
        for (const where of [root, join(root, 'd', 'fashion-mnist'), join(root, 'c', 'scratchnet', 'fashion-mnist'), join(root, 's', 'fashion-mnist')]) {
          assert.ok(e.message.includes(`${where} (`), `message does not name ${where}:\n${e.message}`);
        }
        assert.match(e.message, /scratchnet data download fashion-mnist/);
        assert.match(e.message, /apt-get install dataset-fashion-mnist/);
        return true;
      },
    );
  });

  it('rejects files whose SHA-256 is not an official one', async () => {
    const dir = tmp();
    for (const n of GZ) writeFileSync(join(dir, n), 'not the dataset');
    await assert.rejects(loadFashionMnist({ dir, systemDir: tmp() }), /train-images-idx3-ubyte\.gz: SHA-256 mismatch .*expected 3aede38d/);
  });
});

describe('fashion-mnist files', { skip: noDebian }, () => {
  it("Debian's files are the official ones: same IDX bytes, gzip header aside", () => {
    // Put back the header Debian's packaging dropped (FNAME, mtime 2017-08-31): the labels files
    // then have the MD5s the upstream README publishes, and our official SHA-256s.
    const official = [
      ['train-labels-idx1-ubyte', 1504176606, '25c81989df183df01b3e8a0aad5dffbe'],
      ['t10k-labels-idx1-ubyte', 1504176627, 'bb300cfdad3c16e7a12a480ee83cd310'],
    ] as const;
    for (const [stem, mtime, md5] of official) {
      const deb = readFileSync(join(DEBIAN, `${stem}.gz`));
      const header = Buffer.from(deb.subarray(0, 10));
      header[3] = 0x08; // FLG.FNAME
      header.writeUInt32LE(mtime, 4);
      const rebuilt = Buffer.concat([header, Buffer.from(`${stem}\0`), deb.subarray(10)]);
      assert.equal(createHash('md5').update(rebuilt).digest('hex'), md5, stem);
      assert.equal(createHash('sha256').update(rebuilt).digest('hex'), FASHION_MNIST_SHA256[`${stem}.gz`][0], stem);
      assert.ok(FASHION_MNIST_SHA256[`${stem}.gz`].includes(createHash('sha256').update(deb).digest('hex')));
    }
    // And the inflated files of all four match the published MD5s of the uncompressed IDX files.
    const rawMd5: Record<string, string> = {
      'train-images-idx3-ubyte': 'f4a8712d7a061bf5bd6d2ca38dc4d50a',
      'train-labels-idx1-ubyte': '9018921c3c673c538a1fc5bad174d6f9',
      't10k-images-idx3-ubyte': '8181f5470baa50b63fa0f6fddb340f0a',
      't10k-labels-idx1-ubyte': '15d484375f8d13e6eb1aabb0c3f46965',
    };
    for (const stem of RAW) {
      const raw = gunzipSync(readFileSync(join(DEBIAN, `${stem}.gz`)));
      assert.equal(createHash('md5').update(raw).digest('hex'), rawMd5[stem], stem);
      assert.equal(createHash('sha256').update(raw).digest('hex'), FASHION_MNIST_SHA256[stem][0], stem);
    }
  });

  it('loads 60000/10000 images of [28, 28], 10 balanced classes, pixels in [0, 1]', async () => {
    const dir = tmp(); // a --data-dir of symlinks, so the test does not depend on the user's cache
    for (const n of GZ) symlinkSync(join(DEBIAN, n), join(dir, n));
    const d = await loadDataset('fashion-mnist', { dir });
    assert.match(d.source, new RegExp(dir));
    assert.equal(d.train.x.rows, 60000);
    assert.equal(d.test.x.rows, 10000);
    assert.equal(d.train.x.cols, 784);
    assert.deepEqual(d.train.imageShape, [28, 28]);
    assert.equal(d.train.numClasses, 10);
    assert.deepEqual(d.test.classNames, FASHION_MNIST_CLASSES);
    assert.equal(FASHION_MNIST_CLASSES[7], 'Sneaker');
    assert.deepEqual(counts(d.train.y, 10), new Array(10).fill(6000));
    assert.deepEqual(counts(d.test.y, 10), new Array(10).fill(1000));
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of d.test.x.data) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    assert.deepEqual([lo, hi], [0, 1]);
    // First test label of Fashion-MNIST is 9 (ankle boot), as in every reader's first example.
    assert.equal(d.test.y[0], 9);
  });

  it('reads gunzipped files as well', async () => {
    const dir = tmp();
    for (const stem of ['train-labels-idx1-ubyte', 't10k-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 'train-images-idx3-ubyte']) {
      writeFileSync(join(dir, stem), gunzipSync(readFileSync(join(DEBIAN, `${stem}.gz`))));
    }
    const d = await loadFashionMnist({ dir });
    assert.equal(d.train.x.rows, 60000);
    assert.equal(d.test.y[0], 9);
  });
});

describe('iris', () => {
  it('has 150 rows of 4 measurements in 3 species of 50', () => {
    const all = irisAll();
    assert.equal(all.x.rows, 150);
    assert.equal(all.x.cols, 4);
    assert.deepEqual(Array.from(all.x.data.subarray(0, 4)).map((v) => +v.toFixed(1)), [5.1, 3.5, 1.4, 0.2]);
    assert.deepEqual(counts(all.y, 3), [50, 50, 50]);
    assert.deepEqual(all.classNames, ['setosa', 'versicolor', 'virginica']);
  });

  it('splits 120/30, stratified: 40/10 of each species', async () => {
    const d = await loadIris({ seed: 5 });
    assert.equal(d.train.x.rows, 120);
    assert.equal(d.test.x.rows, 30);
    assert.equal(d.train.x.cols, 4);
    assert.deepEqual(counts(d.train.y, 3), [40, 40, 40]);
    assert.deepEqual(counts(d.test.y, 3), [10, 10, 10]);
  });

  it('keeps the measurements in cm: the model standardises (its Standardize layer, fitted on train)', async () => {
    const d = await loadIris({ seed: 1 });
    const tr = moments(d.train);
    assert.ok(tr.mean[0] > 5 && tr.mean[0] < 6.5, `sepal length mean ${tr.mean[0]} cm`);
  });

  it('the split holds every row once, and is deterministic for a seed', async () => {
    const raw = await loadIris({ seed: 2 });
    const key = (x: Float32Array | Float64Array, r: number) => Array.from(x.subarray(r * 4, r * 4 + 4)).join(',');
    const rows = [...Array.from({ length: 120 }, (_, r) => key(raw.train.x.data, r)), ...Array.from({ length: 30 }, (_, r) => key(raw.test.x.data, r))];
    const all = irisAll();
    assert.deepEqual(rows.sort(), Array.from({ length: 150 }, (_, r) => key(all.x.data, r)).sort());
    assert.ok(sameSplit(await loadIris({ seed: 2 }), await loadIris({ seed: 2 })));
    assert.ok(!sameSplit(await loadIris({ seed: 2 }), await loadIris({ seed: 3 })));
  });
});

for (const [name, load] of [['spirals', loadSpirals], ['moons', loadMoons], ['circle', loadCircle], ['xor', loadXor]] as const) {
  describe(name, () => {
    it('has 800/200 points in 2-D, balanced classes, 2 classes', async () => {
      const d = await load({ seed: 1 });
      assert.deepEqual([d.train.x.rows, d.train.x.cols, d.test.x.rows, d.test.x.cols], [800, 2, 200, 2]);
      assert.equal(d.train.numClasses, 2);
      assert.equal(d.train.classNames.length, 2);
      assert.deepEqual(counts(d.train.y, 2), [400, 400]);
      assert.deepEqual(counts(d.test.y, 2), [100, 100]);
    });

    it('is deterministic for a seed; other seeds differ', async () => {
      assert.ok(sameSplit(await load({ seed: 7 }), await load({ seed: 7 })));
      assert.ok(!sameSplit(await load({ seed: 7 }), await load({ seed: 8 })));
      assert.ok(sameSplit(await loadDataset(name, { seed: 7 }), await load({ seed: 7 })), 'registry passes the seed through');
    });

    it('honours samples and noise', async () => {
      const small = await loadDataset(name, { seed: 1, samples: 100, noise: 0 });
      assert.deepEqual([small.train.x.rows, small.test.x.rows], [80, 20]);
      const spread = async (noise: number) => {
        const d = await load({ seed: 1, noise });
        const clean = await load({ seed: 1, noise: 0 });
        let s = 0;
        for (let i = 0; i < d.train.x.data.length; i++) s += (d.train.x.data[i] - clean.train.x.data[i]) ** 2;
        return Math.sqrt(s / d.train.x.data.length);
      };
      const [a, b] = [await spread(0.05), await spread(0.2)];
      assert.ok(Math.abs(a - 0.05) < 0.01 && Math.abs(b - 0.2) < 0.03, `noise std: found ${a}, ${b}, expected 0.05, 0.2`);
      await assert.rejects(load({ samples: 3 }), ConfigError);
      await assert.rejects(load({ noise: -1 }), ConfigError);
    });
  });
}

describe('shapes of the synthetic sets', () => {
  it('noise-free spirals lie on two arms of radius 0.1..1, one the other rotated by π', async () => {
    const d = await loadSpirals({ seed: 0, noise: 0, samples: 200 });
    const arms: Set<string>[] = [new Set(), new Set()];
    for (const part of [d.train, d.test]) {
      const { data } = part.x;
      for (let r = 0; r < part.x.rows; r++) {
        const [x, y] = [data[2 * r], data[2 * r + 1]];
        const rad = Math.hypot(x, y);
        assert.ok(rad > 0.1 - 1e-6 && rad < 1 + 1e-6, `radius ${rad}`);
        arms[part.y[r]].add(`${x},${y}`);
      }
    }
    assert.equal(arms[1].size, 100);
    for (const p of arms[1]) {
      const [x, y] = p.split(',').map(Number);
      assert.ok(arms[0].has(`${-x},${-y}`), `(${x}, ${y}) of class 1 rotated by π is not on arm 0`);
    }
  });

  it('noise-free moons: class 0 on the unit upper half circle, class 1 on the shifted lower one', async () => {
    const d = await loadMoons({ seed: 0, noise: 0, samples: 200 });
    const { data } = d.train.x;
    for (let r = 0; r < d.train.x.rows; r++) {
      const [x, y] = [data[2 * r], data[2 * r + 1]];
      const rad = d.train.y[r] === 0 ? Math.hypot(x, y) : Math.hypot(x - 1, y - 0.5);
      assert.ok(Math.abs(rad - 1) < 1e-5, `row ${r} class ${d.train.y[r]}: radius ${rad}`);
      assert.ok(d.train.y[r] === 0 ? y >= -1e-6 : y <= 0.5 + 1e-6);
    }
  });

  it('noise-free circle: class 0 in the disc r ≤ 0.5, class 1 in the ring 0.7..1', async () => {
    const d = await loadCircle({ seed: 0, noise: 0, samples: 400 });
    for (const part of [d.train, d.test]) {
      for (let r = 0; r < part.x.rows; r++) {
        const rad = Math.hypot(part.x.data[2 * r], part.x.data[2 * r + 1]);
        assert.ok(part.y[r] === 0 ? rad <= 0.5 + 1e-6 : rad >= 0.7 - 1e-6 && rad <= 1 + 1e-6, `row ${r} class ${part.y[r]}: radius ${rad}`);
      }
    }
  });

  it('noise-free xor: class 0 where x·y > 0, class 1 where x·y < 0, |x|, |y| in [0.05, 1]', async () => {
    const d = await loadXor({ seed: 0, noise: 0, samples: 400 });
    const signs = new Set<string>();
    for (let r = 0; r < d.train.x.rows; r++) {
      const [x, y] = [d.train.x.data[2 * r], d.train.x.data[2 * r + 1]];
      assert.equal(x * y > 0 ? 0 : 1, d.train.y[r], `row ${r}: (${x}, ${y})`);
      for (const v of [x, y]) assert.ok(Math.abs(v) >= 0.05 - 1e-6 && Math.abs(v) <= 1 + 1e-6, `|${v}|`);
      signs.add(`${Math.sign(x)},${Math.sign(y)}`);
    }
    assert.equal(signs.size, 4, 'all four quadrants');
  });

  it('clusters: K classes of equal size around K centres on the circle of radius 0.65, spread = noise', async () => {
    const d = await loadClusters({ seed: 3, classes: 4, samples: 2000, noise: 0.1 });
    assert.equal(d.train.numClasses, 4);
    assert.deepEqual(counts(d.train.y, 4), [400, 400, 400, 400]);
    for (let c = 0; c < 4; c++) {
      let [sx, sy, ss, n] = [0, 0, 0, 0];
      const phi = Math.PI / 2 + (2 * Math.PI * c) / 4;
      for (let r = 0; r < d.train.x.rows; r++) {
        if (d.train.y[r] !== c) continue;
        const [x, y] = [d.train.x.data[2 * r], d.train.x.data[2 * r + 1]];
        sx += x;
        sy += y;
        ss += (x - 0.65 * Math.cos(phi)) ** 2 + (y - 0.65 * Math.sin(phi)) ** 2;
        n++;
      }
      assert.ok(Math.hypot(sx / n - 0.65 * Math.cos(phi), sy / n - 0.65 * Math.sin(phi)) < 0.02, `centre of cluster ${c}`);
      assert.ok(Math.abs(Math.sqrt(ss / (2 * n)) - 0.1) < 0.01, `spread of cluster ${c}`);
    }
    assert.ok(sameSplit(await loadClusters({ seed: 3 }), await loadDataset('clusters', { seed: 3 })));
    await assert.rejects(loadClusters({ classes: 1 }), ConfigError);
    await assert.rejects(loadClusters({ classes: 11 }), ConfigError);
  });
});
