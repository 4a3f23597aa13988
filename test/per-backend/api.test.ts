import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sn from '../../src/node.js';

describe('public API (the README quick start)', () => {
  it('builds, trains and evaluates through the package entry point', async () => {
    const { train, test } = await sn.loadDataset('moons', { seed: 1 });
    const model = sn
      .sequential([sn.dense({ units: 16 }), sn.activation('tanh'), sn.dense({ units: 1, init: 'glorot_uniform' })])
      .build({ inputWidth: 2, batchSize: 32, seed: 1 });
    const optimizer = sn.createOptimizer('adam', model.params(), { lr: 0.01 }, model.kernels);
    const history = await sn.fit(model, train, { optimizer, epochs: 30, loss: 'sigmoid_cross_entropy' });
    assert.equal(history.length, 30);
    const r = sn.evaluate(model, test, { loss: 'sigmoid_cross_entropy' });
    assert.ok(r.accuracy > 0.85, `moons accuracy ${r.accuracy}`);
    assert.ok(model.summary().includes('dense_1'));
  });
});
