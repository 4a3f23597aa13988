// fit / evaluate / predict keep a float64 model in float64: batches, targets (smoothed ones
// included) and outputs are Float64Arrays, not float32 copies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import { BatchIterator } from '../src/data/batches.js';
import type { Dataset } from '../src/data/dataset.js';
import type { Mode } from '../src/nn/layer.js';
import { Activation, Dense } from '../src/nn/layers/index.js';
import { SoftmaxCrossEntropy } from '../src/nn/losses/index.js';
import { Sequential } from '../src/nn/model.js';
import { SGD } from '../src/nn/optimizers/index.js';
import { evaluate, fit, predict } from '../src/nn/train.js';

/** An identity layer that records the element type of every input it sees. */
class Spy extends Activation {
  readonly seen = new Set<string>();
  constructor() {
    super({ kind: 'linear' });
  }
  override forward(x: Matrix, mode: Mode): Matrix {
    this.seen.add(x.data.constructor.name);
    return super.forward(x, mode);
  }
}

/** Softmax cross-entropy that records its targets' element type and values. */
class SpyLoss extends SoftmaxCrossEntropy {
  readonly seen = new Set<string>();
  readonly values = new Set<number>();
  override forward(logits: Matrix, target: Matrix, withGrad = true): number {
    this.seen.add(target.data.constructor.name);
    for (const v of target.view()) this.values.add(v);
    return super.forward(logits, target, withGrad);
  }
}

function data(n: number): Dataset {
  const rng = new Rng(4);
  const x = Matrix.zeros(n, 3);
  for (let i = 0; i < x.size; i++) x.data[i] = rng.range(-1, 1);
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  return { name: 'tiny', x, y, numClasses: 3, classNames: ['a', 'b', 'c'] };
}

describe('float64 models end to end', () => {
  it('BatchIterator allocates float64 batches when asked', () => {
    const it = new BatchIterator(data(5), { batchSize: 2, shuffle: false, dtype: 'float64' });
    assert.ok(it.next());
    assert.ok(it.x.data instanceof Float64Array && it.target.data instanceof Float64Array);
    assert.deepEqual(Array.from(it.x.view()), Array.from(data(5).x.data.subarray(0, 6)));
  });

  it('fit, evaluate and predict feed the model float64 inputs and targets, and predict answers in float64', async () => {
    const spy = new Spy();
    const model = new Sequential([spy, new Dense({ units: 4 }), new Activation({ kind: 'tanh' }), new Dense({ units: 3 })]);
    model.build({ inputWidth: 3, batchSize: 4, seed: 1, dtype: 'float64' });
    const loss = new SpyLoss();
    const ds = data(10);
    await fit(model, ds, { optimizer: new SGD(model.params(), { lr: 0.1 }), epochs: 2, loss, labelSmoothing: 0.1, seed: 2 });
    // smoothed targets (1 − ε)·t + ε/K are the float64 values, not their float32 roundings
    assert.deepEqual([...loss.values].sort(), [0.1 / 3, 0.9 + 0.1 / 3].sort());
    evaluate(model, ds, { loss });
    const p = predict(model, ds.x);
    assert.deepEqual([...spy.seen], ['Float64Array']);
    assert.deepEqual([...loss.seen], ['Float64Array']);
    assert.ok(p.probabilities.data instanceof Float64Array);
    model.release();
  });
});
