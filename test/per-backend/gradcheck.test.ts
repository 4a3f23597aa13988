import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kernels } from '../../src/core/backend.js';
import { Matrix } from '../../src/core/matrix.js';
import { gradcheck } from '../../src/nn/gradcheck.js';
import { Activation, ACTIVATIONS } from '../../src/nn/layers/activation.js';
import { BatchNorm } from '../../src/nn/layers/batch-norm.js';
import { Dense } from '../../src/nn/layers/dense.js';
import { Dropout } from '../../src/nn/layers/dropout.js';
import { Softmax } from '../../src/nn/layers/softmax.js';
import { HuberLoss, LOSSES, MeanAbsoluteError, MeanSquaredError, SigmoidCrossEntropy, SoftmaxCrossEntropy } from '../../src/nn/losses/index.js';
import { Sequential } from '../../src/nn/model.js';
import { assertClose, assertGradsClose, randomMatrix, randomOneHot } from '../helpers.js';

const TOL = 1e-6;

function build(layers: ConstructorParameters<typeof Sequential>[0], inputWidth: number, batch: number): Sequential {
  return new Sequential(layers).build({ inputWidth, batchSize: batch, seed: 3, dtype: 'float64', inputGrad: true });
}

describe('gradient checks (central differences, float64)', () => {
  it('Dense: weight, bias and input', () => {
    const model = build([new Dense({ units: 4, init: 'glorot_normal' })], 5, 3);
    model.params()[1].value.data.set([0.1, -0.2, 0.3, 0.05]); // non-zero bias
    assertGradsClose(gradcheck(model, null, randomMatrix(3, 5, 1), null, { checkInput: true }), TOL);
  });

  it('Dense without bias', () => {
    const model = build([new Dense({ units: 2, useBias: false })], 3, 2);
    const r = gradcheck(model, null, randomMatrix(2, 3, 2), null, { checkInput: true });
    assert.deepEqual(r.map((x) => x.name), ['dense_1.weight', 'input']);
    assertGradsClose(r, TOL);
  });

  it('ReLU fused into the Dense layers around it (forward store and input-gradient mask)', () => {
    const layers = () => [new Dense({ units: 5 }), new Activation({ kind: 'relu' }), new Dense({ units: 4 }), new Activation({ kind: 'relu' }), new Dense({ units: 3 })];
    const model = build(layers(), 6, 4);
    const [d1, r1, d2, r2] = model.layers as [Dense, Activation, Dense, Activation];
    assert.deepEqual([d1.fusion, r1.fused, d2.fusion, r2.fused], [
      { reluOut: true, reluIn: false }, { forward: true, backward: true },
      { reluOut: true, reluIn: true }, { forward: true, backward: true },
    ]);
    const x = randomMatrix(4, 6, 8, -2, 2);
    const t = randomOneHot(4, 3, 9);
    assertGradsClose(gradcheck(model, new SoftmaxCrossEntropy(), x, t, { checkInput: true }), TOL);
    // the same outputs and gradients, bit for bit, as with every layer separate
    const plain = new Sequential(layers()).build({ inputWidth: 6, batchSize: 4, seed: 3, dtype: 'float64', inputGrad: true, fuse: false });
    assert.deepEqual((plain.layers[1] as Activation).fused, { forward: false, backward: false });
    const run = (m: Sequential) => {
      const loss = new SoftmaxCrossEntropy();
      loss.build(3, 4, m.kernels);
      m.zeroGrad();
      const logits = m.forward(x, 'train');
      const out = Array.from(logits.view());
      loss.forward(logits, t);
      const dx = Array.from(m.backward(loss.backward()).view());
      return { out, dx, grads: Array.from(m.gradArena) };
    };
    assert.deepEqual(run(model), run(plain));
  });

  for (const kind of ACTIVATIONS) {
    it(`activation ${kind}`, () => {
      const model = build([new Activation({ kind })], 6, 4);
      // keep inputs away from ReLU's kink at 0, where the derivative is undefined
      const x = randomMatrix(4, 6, 7, -2, 2);
      for (let i = 0; i < x.size; i++) if (Math.abs(x.data[i]) < 0.05) x.data[i] = 0.3;
      assertGradsClose(gradcheck(model, null, x, null, { checkInput: true }), TOL);
    });
  }

  it('activation with a custom alpha (leaky_relu 0.2, elu 0.5)', () => {
    for (const [kind, alpha] of [['leaky_relu', 0.2], ['elu', 0.5]] as const) {
      const model = build([new Activation({ kind, alpha })], 5, 3);
      assertGradsClose(gradcheck(model, null, randomMatrix(3, 5, 9, -2, 2), null, { checkInput: true }), TOL);
    }
  });

  it('softmax layer', () => {
    const model = build([new Softmax()], 5, 3);
    assertGradsClose(gradcheck(model, null, randomMatrix(3, 5, 4, -3, 3), null, { checkInput: true }), TOL);
  });

  it('dropout (train mode, fixed mask through resetRandom)', () => {
    const model = build([new Dropout({ rate: 0.4 })], 8, 4);
    const r = gradcheck(model, null, randomMatrix(4, 8, 5), null, { checkInput: true });
    assertGradsClose(r, TOL);
  });

  it('softmax cross-entropy from logits, soft targets too', () => {
    const model = build([new Activation({ kind: 'linear' })], 4, 5);
    assertGradsClose(gradcheck(model, new SoftmaxCrossEntropy(), randomMatrix(5, 4, 1, -3, 3), randomOneHot(5, 4, 2), { checkInput: true }), TOL);
    const soft = randomMatrix(5, 4, 3, 0, 1);
    for (let i = 0; i < 5; i++) {
      let s = 0;
      for (let j = 0; j < 4; j++) s += soft.get(i, j);
      for (let j = 0; j < 4; j++) soft.set(i, j, soft.get(i, j) / s);
    }
    assertGradsClose(gradcheck(model, new SoftmaxCrossEntropy(), randomMatrix(5, 4, 4, -3, 3), soft, { checkInput: true }), TOL);
  });

  it('sigmoid binary cross-entropy from logits', () => {
    const model = build([new Activation({ kind: 'linear' })], 3, 4);
    const t = randomMatrix(4, 3, 8, 0, 1);
    assertGradsClose(gradcheck(model, new SigmoidCrossEntropy(), randomMatrix(4, 3, 6, -4, 4), t, { checkInput: true }), TOL);
  });

  it('mean squared error', () => {
    const model = build([new Activation({ kind: 'linear' })], 3, 4);
    assertGradsClose(gradcheck(model, new MeanSquaredError(), randomMatrix(4, 3, 6), randomMatrix(4, 3, 7), { checkInput: true }), TOL);
  });

  it('mean absolute error (no difference near its kink at 0)', () => {
    const model = build([new Activation({ kind: 'linear' })], 3, 4);
    const p = randomMatrix(4, 3, 6);
    const t = randomMatrix(4, 3, 7);
    for (let i = 0; i < p.size; i++) assert.ok(Math.abs(p.data[i] - t.data[i]) > 1e-3);
    assertGradsClose(gradcheck(model, new MeanAbsoluteError(), p, t, { checkInput: true }), TOL);
  });

  it('Huber loss, both branches (no difference near |d| = δ)', () => {
    const delta = 0.5;
    const model = build([new Activation({ kind: 'linear' })], 3, 4);
    const p = randomMatrix(4, 3, 6, -2, 2);
    const t = randomMatrix(4, 3, 7, -2, 2);
    const d = Array.from(p.data, (v, i) => Math.abs(v - t.data[i]));
    assert.ok(d.some((v) => v < delta) && d.some((v) => v > delta), 'both the quadratic and the linear branch');
    for (const v of d) assert.ok(Math.abs(v - delta) > 1e-3);
    assertGradsClose(gradcheck(model, new HuberLoss({ delta }), p, t, { checkInput: true }), TOL);
  });

  it('every registered loss has its gradient check above', () => {
    const checked = [new SoftmaxCrossEntropy(), new SigmoidCrossEntropy(), new MeanSquaredError(), new MeanAbsoluteError(), new HuberLoss()].map((l) => l.name);
    assert.deepEqual([...LOSSES].sort(), checked.sort());
  });

  it('a whole 3-layer network with softmax cross-entropy (dropout off)', () => {
    const model = build(
      [
        new Dense({ units: 7 }),
        new Activation({ kind: 'tanh' }),
        new Dense({ units: 6 }),
        new Activation({ kind: 'gelu' }),
        new Dense({ units: 3 }),
      ],
      5,
      4,
    );
    assertGradsClose(gradcheck(model, new SoftmaxCrossEntropy(), randomMatrix(4, 5, 11), randomOneHot(4, 3, 12), { checkInput: true }), TOL);
  });

  it('a network with dropout inside, masks held fixed', () => {
    const model = build([new Dense({ units: 6 }), new Activation({ kind: 'sigmoid' }), new Dropout({ rate: 0.3 }), new Dense({ units: 2 })], 4, 3);
    assertGradsClose(gradcheck(model, new SigmoidCrossEntropy(), randomMatrix(3, 4, 13), randomMatrix(3, 2, 14, 0, 1)), TOL);
  });

  it('gradients add up: a second backward adds the same gradient; zeroGrad clears what the gradients held', () => {
    // float32 on the backend under test, with batch norm's own loop
    const model = new Sequential([new Dense({ units: 19 }), new BatchNorm({}), new Activation({ kind: 'relu' }), new Dense({ units: 7 })]).build({
      inputWidth: 13,
      batchSize: 9,
      seed: 5,
      kernels: kernels(),
    });
    const x = new Matrix(9, 13, Float32Array.from(randomMatrix(9, 13, 21).data));
    const dy = new Matrix(9, 7, Float32Array.from(randomMatrix(9, 7, 22).data));
    const run = (fillWith: number): Float32Array => {
      model.gradArena.fill(fillWith);
      model.zeroGrad();
      model.forward(x, 'train');
      model.backward(dy);
      return Float32Array.from(model.gradArena);
    };
    const want = run(0);
    assert.ok(want.some((g) => g !== 0));
    assert.deepEqual(new Uint32Array(run(NaN).buffer), new Uint32Array(want.buffer));
    // every layer with parameters adds onto what is there
    const twice = want.map((g) => 2 * g);
    model.forward(x, 'train');
    model.backward(dy);
    assertClose(model.gradArena, twice, 1e-6, 'accumulated gradient');
  });

  it('detects a wrong gradient (the check can fail)', () => {
    const model = build([new Dense({ units: 3 })], 2, 2);
    const dense = model.layers[0] as Dense;
    const original = dense.backward.bind(dense);
    dense.backward = (dy: Matrix) => {
      const dx = original(dy);
      model.params()[0].grad.data[0] += 0.01; // a planted bug
      return dx;
    };
    const r = gradcheck(model, null, randomMatrix(2, 2, 1), null);
    assert.ok(r[0].maxRelError > 1e-3, `the planted error went unnoticed: ${r[0].maxRelError}`);
  });
});
