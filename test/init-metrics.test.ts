// Weight initialisations (the variances their papers derive) and the classification metrics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import { ConfigError, ShapeError } from '../src/errors.js';
import { checkInit, initialize, INIT_KINDS } from '../src/nn/init.js';
import { accuracy, classReport, confusionMatrix } from '../src/nn/metrics.js';


function moments(d: ArrayLike<number>) {
  let s = 0;
  let s2 = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < d.length; i++) {
    s += d[i];
    s2 += d[i] * d[i];
    lo = Math.min(lo, d[i]);
    hi = Math.max(hi, d[i]);
  }
  const mean = s / d.length;
  return { mean, variance: s2 / d.length - mean * mean, lo, hi };
}

describe('initialisations', () => {
  const [fanIn, fanOut] = [400, 250];
  const cases: Record<string, number> = {
    glorot_uniform: 2 / (fanIn + fanOut),
    glorot_normal: 2 / (fanIn + fanOut),
    he_uniform: 2 / fanIn,
    he_normal: 2 / fanIn,
  };
  for (const [kind, variance] of Object.entries(cases)) {
    it(`${kind}: mean 0, variance ${kind.startsWith('glorot') ? '2/(fanIn+fanOut)' : '2/fanIn'}`, () => {
      const w = Matrix.zeros(fanIn, fanOut);
      initialize(w, checkInit(kind, 'test'), new Rng(1, 'init'));
      const m = moments(w.data);
      assert.ok(Math.abs(m.mean) < 0.02 * Math.sqrt(variance), `mean ${m.mean}`);
      assert.ok(Math.abs(m.variance / variance - 1) < 0.02, `variance ${m.variance}, expected ${variance}`);
      if (kind.endsWith('uniform')) {
        const limit = Math.sqrt(3 * variance);
        assert.ok(m.lo >= -limit && m.hi < limit, 'within ±√(3·Var)');
        assert.ok(m.hi > 0.99 * limit && m.lo < -0.99 * limit, 'reaches the limits');
      }
    });
  }

  it('zeros, the same weights for the same seed, and a clear error for an unknown kind', () => {
    const w = Matrix.zeros(3, 2);
    w.data.fill(5);
    initialize(w, 'zeros', new Rng(1));
    assert.deepEqual([...w.data], [0, 0, 0, 0, 0, 0]);
    const a = Matrix.zeros(8, 8);
    const b = Matrix.zeros(8, 8);
    initialize(a, 'he_normal', new Rng(4, 'init'));
    initialize(b, 'he_normal', new Rng(4, 'init'));
    assert.deepEqual([...a.data], [...b.data]);
    assert.deepEqual(INIT_KINDS, ['glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'zeros']);
    assert.throws(() => checkInit('xavier', 'dense_1'), (e: unknown) => e instanceof ConfigError && /dense_1: unknown initializer 'xavier', expected one of glorot_uniform/.test(e.message));
  });
});

describe('metrics', () => {
  const labels = [0, 0, 0, 1, 1, 2, 2, 2, 2, 2];
  const predicted = [0, 1, 0, 1, 1, 2, 0, 2, 2, 1];

  it('accuracy over all or the first n entries', () => {
    assert.equal(accuracy(predicted, labels), 7 / 10);
    assert.equal(accuracy(predicted, labels, 4), 3 / 4);
    assert.equal(accuracy([], [], 0), 0);
    assert.throws(() => accuracy([1], labels), (e: unknown) => e instanceof ShapeError && /expected 10 predictions, found 1/.test(e.message));
  });

  it('confusion matrix: rows are the true class, columns the predicted one', () => {
    assert.deepEqual(confusionMatrix(predicted, labels, 3), [
      [2, 1, 0],
      [0, 2, 0],
      [1, 1, 3],
    ]);
  });

  it('precision, recall, F1 and support per class, worked out by hand', () => {
    const r = classReport(confusionMatrix(predicted, labels, 3));
    // class 0: tp 2, predicted 3, support 3; class 1: tp 2, predicted 4, support 2; class 2: tp 3, predicted 3, support 5
    const expected = [
      { precision: 2 / 3, recall: 2 / 3, support: 3 },
      { precision: 2 / 4, recall: 2 / 2, support: 2 },
      { precision: 3 / 3, recall: 3 / 5, support: 5 },
    ];
    r.forEach((c, i) => {
      const e = expected[i];
      assert.equal(c.support, e.support);
      assert.ok(Math.abs(c.precision - e.precision) < 1e-12 && Math.abs(c.recall - e.recall) < 1e-12, `class ${i}`);
      assert.ok(Math.abs(c.f1 - (2 * e.precision * e.recall) / (e.precision + e.recall)) < 1e-12);
    });
    assert.deepEqual(classReport([[0, 0], [0, 0]]), [
      { precision: 0, recall: 0, f1: 0, support: 0 },
      { precision: 0, recall: 0, f1: 0, support: 0 },
    ]);
  });
});
