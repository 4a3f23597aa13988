import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kernels } from '../../src/core/backend.js';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import { Augmenter } from '../../src/data/augment.js';
import { BatchIterator } from '../../src/data/batches.js';
import type { Dataset } from '../../src/data/dataset.js';
import { ConfigError, InterruptedError, ModelFileError } from '../../src/errors.js';
import { EarlyStopping, type Callback, type EpochLog } from '../../src/nn/callbacks.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/nn/checkpoint.js';
import { batchNorm } from '../../src/nn/layers/index.js';
import { mlp } from '../../src/nn/mlp.js';
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerName, type OptimizerOptions } from '../../src/nn/optimizers/index.js';
import { fit, type FitOptions } from '../../src/nn/train.js';

/** Gaussian blobs: `classes` clusters in `dims` dimensions. */
function blobs(n: number, dims: number, classes: number, seed: number): Dataset {
  const rng = new Rng(seed, 'blobs');
  const centers = Array.from({ length: classes }, () => Array.from({ length: dims }, () => rng.range(-2, 2)));
  const x = Matrix.zeros(n, dims);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes;
    for (let j = 0; j < dims; j++) x.data[i * dims + j] = centers[y[i]][j] + rng.normal();
  }
  return { name: 'blobs', x, y, numClasses: classes, classNames: centers.map((_, i) => `c${i}`) };
}

/** 36-pixel "images" in [0, 1] for the augmentation case: 4 classes of bright squares. */
function squares(n: number, seed: number): Dataset {
  const rng = new Rng(seed, 'squares');
  const x = Matrix.zeros(n, 36);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 4;
    const r0 = (y[i] >> 1) * 3;
    const c0 = (y[i] & 1) * 3;
    for (let p = 0; p < 36; p++) {
      const inside = Math.floor(p / 6) >= r0 && Math.floor(p / 6) < r0 + 3 && p % 6 >= c0 && p % 6 < c0 + 3;
      x.data[i * 36 + p] = (inside ? 0.8 : 0.1) + 0.1 * rng.uniform();
    }
  }
  return { name: 'squares', x, y, numClasses: 4, classNames: ['a', 'b', 'c', 'd'], imageShape: [6, 6] };
}

interface Case {
  optimizer: string;
  options?: OptimizerOptions;
  dropout?: number;
  batchNorm?: boolean;
  augment?: boolean;
  earlyStopping?: boolean;
}

const EPOCHS = 3;

/** A fresh model, optimizer and fit options for one case (same seed each time). */
function setup(c: Case, extra: Partial<FitOptions> = {}) {
  const data = c.augment ? squares(90, 1) : blobs(90, 6, 3, 1);
  const model = mlp({ hidden: [8], outputs: data.numClasses, dropout: c.dropout, normalization: c.batchNorm ? () => batchNorm() : undefined })
    .build({ inputWidth: data.x.cols, batchSize: 16, seed: 5 });
  const optimizer = createOptimizer(c.optimizer as OptimizerName, model.params(), c.options, model.kernels);
  const callbacks: Callback[] = c.earlyStopping ? [new EarlyStopping({ patience: 1 })] : [];
  const opts: FitOptions = {
    optimizer,
    epochs: EPOCHS,
    callbacks,
    validation: c.earlyStopping ? blobs(30, 6, 3, 2) : undefined,
    augment: c.augment ? new Augmenter({ width: 6, height: 6, translate: 1, rotate: 15, elastic: { alpha: 2, sigma: 1 } }) : undefined,
    schedule: (epoch, step, steps) => 0.05 / (1 + epoch + step / steps),
    run: { case: c },
    ...extra,
  };
  return { model, data, optimizer, opts, callbacks };
}

const bits = (w: Float32Array) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length));
const figures = (h: EpochLog[]) => h.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);

/** Aborts the run after its `k`-th step (counted over the whole run). */
function stopAfter(k: number, controller: AbortController): Callback {
  let n = 0;
  return { onBatchEnd: () => void (++n === k && controller.abort()) };
}

/** Runs `c` to the end; then again, stopping after each of `stops` (global steps) and resuming from the checkpoint. */
async function assertResumesExactly(c: Case, stops: number[], every?: number): Promise<void> {
  const ref = setup(c);
  const refHistory = await fit(ref.model, ref.data, ref.opts);
  let bytes: Uint8Array | undefined;
  let done = 0;
  for (const stop of [...stops, Infinity]) {
    const controller = new AbortController();
    const run = setup(c);
    const callbacks = [...run.callbacks, stopAfter(stop - done, controller)];
    const opts = { ...run.opts, callbacks, signal: controller.signal, resume: bytes, checkpoint: { every, save: (b: Uint8Array) => void (bytes = b) } };
    try {
      const history = await fit(run.model, run.data, opts);
      assert.equal(stop, Infinity, `the run was not interrupted at step ${stop}`);
      assert.deepEqual(bits(run.model.getWeights()), bits(ref.model.getWeights()), `${JSON.stringify(c)}: weights differ from the uninterrupted run`);
      assert.deepEqual(figures(history), figures(refHistory));
    } catch (e) {
      if (!(e instanceof InterruptedError)) throw e;
      assert.ok(e.checkpointed);
      assert.equal(e.epoch * 6 + e.step, stop, 'stopped after the step under way'); // 90 rows / 16 = 6 steps per epoch
      done = stop;
    }
  }
}

describe('random and batch state', () => {
  it('Rng.getState/setState repeats every later draw, a waiting normal included', () => {
    const a = new Rng(3, 'x');
    a.normal(); // leaves the pair's second normal waiting
    const saved = a.getState();
    assert.notEqual(saved.spare, null);
    const next = [a.normal(), a.uniform(), a.nextUint32()];
    const b = new Rng(99, 'other');
    b.setState(JSON.parse(JSON.stringify(saved)));
    assert.deepEqual([b.normal(), b.uniform(), b.nextUint32()], next);
    assert.throws(() => b.setState({ s: [0, 0, 0, 0], spare: null }), ConfigError);
  });

  it('BatchIterator.resumeAt serves the rest of a shuffled epoch, then the same next epoch', () => {
    const data = blobs(50, 2, 2, 1);
    const rows = (it: BatchIterator) => {
      const out: number[] = [];
      while (it.next()) for (let i = 0; i < it.x.rows; i++) out.push(it.rowIndex(i));
      return out;
    };
    const a = new BatchIterator(data, { batchSize: 8, rng: new Rng(1, 'shuffle') });
    a.reset();
    a.next();
    a.next();
    const pos = a.position();
    assert.equal(pos.rows, 16);
    const restA = rows(a);
    a.reset();
    const nextA = rows(a);
    const b = new BatchIterator(data, { batchSize: 8, rng: new Rng(1, 'shuffle') });
    b.resumeAt(pos);
    assert.deepEqual(rows(b), restA);
    b.reset();
    assert.deepEqual(rows(b), nextA);
  });
});

describe('Optimizer.loadState', () => {
  it('copies step counts and slots; wrong slot names, lengths or parameters are errors', () => {
    const model = mlp({ hidden: [4], outputs: 2 }).build({ inputWidth: 3, batchSize: 4, seed: 1 });
    const [w, b] = model.params();
    const adam = createOptimizer('adam', [w, b], {}, model.kernels);
    const n = w.value.size;
    const slots = { expAvg: new Float32Array(n).fill(0.5), expAvgSq: new Float32Array(n).fill(0.25) };
    adam.loadState(new Map([[w, { step: 7, slots }]]));
    assert.equal(adam.state().get(w)!.step, 7);
    assert.deepEqual(Array.from(adam.state().get(w)!.slots.expAvgSq), Array.from(slots.expAvgSq));
    assert.equal(adam.state().get(b), undefined, 'a parameter without saved state starts afresh');
    assert.throws(() => adam.loadState(new Map([[w, { step: 1, slots: { expAvg: slots.expAvg } }]])), /expected state slots \[expAvg, expAvgSq\], found \[expAvg\]/);
    assert.throws(() => adam.loadState(new Map([[w, { step: 1, slots: { ...slots, expAvg: new Float32Array(2) } }]])), /slot 'expAvg' needs 12 values, found 2/);
    const other = model.params()[2];
    assert.throws(() => adam.loadState(new Map([[other, { step: 1, slots }]])), ConfigError);
    adam.release();
    model.release();
  });
});

describe(`checkpoints and exact resume (${kernels().name} backend)`, () => {
  // every registered optimizer, some with options that give them more state
  const options: Partial<Record<OptimizerName, OptimizerOptions>> = {
    nesterov: { weightDecay: 1e-3 },
    adagrad: { lrDecay: 0.01 },
    rmsprop: { momentum: 0.5, centered: true },
  };
  for (const c of OPTIMIZER_NAMES.map((name): Case => ({ optimizer: name, options: options[name] }))) {
    it(`${c.optimizer}: stopped mid-epoch and at an epoch end, resumed, ends bit-identical`, async () => {
      await assertResumesExactly(c, [4, 12]);
    });
  }

  it('with dropout and batch norm (their streams and running statistics are restored)', async () => {
    await assertResumesExactly({ optimizer: 'adam', dropout: 0.3, batchNorm: true }, [3, 8, 9]);
  });

  it('with augmentation (the augment stream is restored)', async () => {
    await assertResumesExactly({ optimizer: 'momentum', augment: true, dropout: 0.2 }, [5, 11]);
  });

  it('with early stopping and checkpoints every 4 steps', async () => {
    await assertResumesExactly({ optimizer: 'rmsprop', earlyStopping: true, dropout: 0.2 }, [7, 13], 4);
  });

  it('from a periodic checkpoint alone (a killed run), not an interrupt', async () => {
    const c: Case = { optimizer: 'adamw', dropout: 0.25, batchNorm: true };
    const ref = setup(c);
    await fit(ref.model, ref.data, ref.opts);
    const saved: Uint8Array[] = [];
    const first = setup(c, { checkpoint: { every: 5, save: (b) => void saved.push(b) } });
    await fit(first.model, first.data, first.opts);
    assert.equal(saved.length, 3); // steps 5, 10, 15 of 18
    for (const b of saved) {
      const run = setup(c, { resume: b });
      await fit(run.model, run.data, run.opts);
      assert.deepEqual(bits(run.model.getWeights()), bits(ref.model.getWeights()));
    }
  });

  it('bytes round-trip; corrupt or truncated bytes are a ModelFileError', async () => {
    let bytes: Uint8Array | undefined;
    const run = setup({ optimizer: 'adam', dropout: 0.2 }, { checkpoint: { save: (b) => void (bytes = b) } });
    await fit(run.model, run.data, run.opts);
    const c = decodeCheckpoint(bytes!, 'mem');
    assert.equal(c.epoch, EPOCHS);
    assert.ok(c.finished);
    assert.deepEqual(bits(c.weights), bits(run.model.getWeights()));
    assert.deepEqual(encodeCheckpoint(c), bytes);
    const flipped = bytes!.slice();
    flipped[flipped.length - 3] ^= 0x10;
    assert.throws(() => decodeCheckpoint(flipped, 'mem'), (e) => e instanceof ModelFileError && /mem: checksum mismatch/.test(e.message));
    assert.throws(() => decodeCheckpoint(bytes!.subarray(0, bytes!.length - 100), 'mem'), ModelFileError);
  });

  it('a checkpoint of another run is a ConfigError saying what differs', async () => {
    let bytes: Uint8Array | undefined;
    const run = setup({ optimizer: 'adam' }, { checkpoint: { save: (b) => void (bytes = b) } });
    await fit(run.model, run.data, run.opts);
    const other = setup({ optimizer: 'adam' }, { resume: bytes, run: { case: { optimizer: 'adam', dropout: 0.1 } } });
    await assert.rejects(fit(other.model, other.data, other.opts), (e) => e instanceof ConfigError && /cannot resume: 'case' differs/.test(e.message));
    const sgd = setup({ optimizer: 'sgd' }, { resume: bytes, run: { case: { optimizer: 'adam' } } });
    await assert.rejects(fit(sgd.model, sgd.data, sgd.opts), (e) => e instanceof ConfigError && /the optimizer differs — adam in the checkpoint, sgd in this run/.test(e.message));
    const seed = setup({ optimizer: 'adam' }, { resume: bytes, seed: 9 });
    await assert.rejects(fit(seed.model, seed.data, seed.opts), /the seed differs/);
  });

  it('an aborted signal before the first step writes nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    let saves = 0;
    const run = setup({ optimizer: 'sgd' }, { signal: controller.signal, checkpoint: { save: () => void saves++ } });
    await assert.rejects(fit(run.model, run.data, run.opts), (e) => e instanceof InterruptedError && !e.checkpointed);
    assert.equal(saves, 0);
  });
});
