// The loss registry: names, the regression losses, Keras's and torch's aliases, unknown names, and a
// loss's factory (options validated by its constructor).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../src/errors.js';
import { createLoss, huber, LOSSES, mse, REGRESSION_LOSSES, type LossAlias, type LossName } from '../src/nn/losses/index.js';

describe('loss registry', () => {
  test('every loss by name; the regression losses are those of a linear output', () => {
    assert.deepEqual([...LOSSES].sort(), ['huber', 'mae', 'mse', 'sigmoid_cross_entropy', 'softmax_cross_entropy']);
    assert.deepEqual([...REGRESSION_LOSSES].sort(), ['huber', 'mae', 'mse']);
    for (const name of LOSSES) {
      const loss = createLoss(name);
      assert.equal(loss.name, name);
      assert.equal(REGRESSION_LOSSES.includes(name), loss.output === 'linear');
    }
  });

  test("Keras's and torch's spellings", () => {
    const aliases: [LossAlias, LossName][] = [
      ['cross_entropy', 'softmax_cross_entropy'],
      ['categorical_crossentropy', 'softmax_cross_entropy'],
      ['bce', 'sigmoid_cross_entropy'],
      ['binary_crossentropy', 'sigmoid_cross_entropy'],
      ['mean_squared_error', 'mse'],
      ['l1', 'mae'],
      ['mean_absolute_error', 'mae'],
    ];
    for (const [alias, name] of aliases) assert.equal(createLoss(alias).name, name, alias);
  });

  test('an unknown name is a ConfigError that lists the names', () => {
    assert.throws(() => createLoss('mse2' as LossName), (e: unknown) => e instanceof ConfigError && /unknown loss 'mse2', expected one of .*huber/.test(e.message));
  });

  test('a factory makes a new loss each call, its options checked', () => {
    assert.notEqual(mse(), mse());
    assert.equal(huber({ delta: 0.5 }).delta, 0.5);
    assert.throws(() => huber({ delta: 0 }), /delta must be > 0, found 0/);
  });
});
