// LayerNorm (src/nn/layers/layer-norm.ts): central-difference gradient checks in float64, torch's
// nn.LayerNorm from a fixture (scripts/torch-fixtures.py), values worked by hand, and the float32
// layer on the backend under test against the float64 one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { ConfigError } from '../../src/errors.js';
import { gradcheck } from '../../src/nn/gradcheck.js';
import { Activation, Dense } from '../../src/nn/layers/index.js';
import { LayerNorm, layerNorm } from '../../src/nn/layers/layer-norm.js';
import { SoftmaxCrossEntropy } from '../../src/nn/losses/index.js';
import { Sequential } from '../../src/nn/model.js';
import { assertClose, assertGradsClose, randomMatrix, randomOneHot } from '../helpers.js';

const TOL = 1e-6;

function build(layers: ConstructorParameters<typeof Sequential>[0], inputWidth: number, batch: number, inputGrad = true): Sequential {
  return new Sequential(layers).build({ inputWidth, batchSize: batch, seed: 3, dtype: 'float64', inputGrad });
}

/** γ and β of every layer norm set to values away from 1 and 0 (those would hide mistakes). */
function randomizeAffine(model: Sequential, seed: number): void {
  for (const p of model.params()) if (p.name.startsWith('layer_norm')) p.value.data.set(randomMatrix(1, p.value.cols, seed++, 0.5, 1.5).data);
}

describe('LayerNorm: gradient checks (float64)', () => {
  it('alone: γ, β and the input', () => {
    const model = build([new LayerNorm()], 5, 4);
    randomizeAffine(model, 1);
    const r = gradcheck(model, null, randomMatrix(4, 5, 2, -2, 3), null, { checkInput: true });
    assert.deepEqual(r.map((x) => x.name), ['layer_norm_1.gamma', 'layer_norm_1.beta', 'input']);
    assertGradsClose(r, TOL);
  });

  it('inside Dense → LayerNorm → tanh → Dense with softmax cross-entropy', () => {
    const model = build([new Dense({ units: 7 }), layerNorm(), new Activation({ kind: 'tanh' }), new Dense({ units: 3 })], 4, 5);
    randomizeAffine(model, 4);
    assertGradsClose(gradcheck(model, new SoftmaxCrossEntropy(), randomMatrix(5, 4, 5), randomOneHot(5, 3, 6), { checkInput: true }), TOL);
  });

  it('as the first layer (no input gradient planned), one row', () => {
    const model = build([new LayerNorm({ eps: 1e-3 }), new Dense({ units: 2 })], 3, 1, false);
    randomizeAffine(model, 7);
    assertGradsClose(gradcheck(model, null, randomMatrix(1, 3, 8), null), TOL);
  });
});

describe('LayerNorm: values', () => {
  it('normalises each row with its own mean and biased variance; training and evaluation agree', () => {
    // row [1, 2, 3, 6]: μ = 3, σ² = (4 + 1 + 0 + 9)/4 = 3.5;  row [2, 2, 2, 2]: σ² = 0 → x̂ = 0, y = β
    const x = Matrix.from([[1, 2, 3, 6], [2, 2, 2, 2]], 'float64');
    const model = build([new LayerNorm()], 4, 2);
    const s = Math.sqrt(3.5 + 1e-5);
    const expected = [-2 / s, -1 / s, 0, 3 / s, 0, 0, 0, 0];
    assertClose(model.forward(x, 'train').view(), expected, 1e-12, 'train');
    assertClose(model.forward(x, 'eval').view(), expected, 1e-12, 'eval');
  });

  it('rejects a bad eps and a wrong input width, naming the layer', () => {
    assert.throws(() => new LayerNorm({ eps: 0 }), (e: unknown) => e instanceof ConfigError && /layer_norm: eps must be a finite number ≥ 1\.18e-38 .*found 0/.test(e.message));
    const model = build([new LayerNorm()], 4, 2);
    assert.throws(() => model.forward(Matrix.zeros(2, 3, 'float64'), 'eval'), /layer_norm_1/);
  });

  it('γ and β are not weight-decayed and are saved by name', () => {
    const model = build([new Dense({ units: 3 }), new LayerNorm()], 2, 2);
    assert.deepEqual(model.params().map((p) => [p.name, p.decay]), [
      ['dense_1.weight', 1], ['dense_1.bias', 0], ['layer_norm_1.gamma', 0], ['layer_norm_1.beta', 0],
    ]);
    assert.deepEqual(model.layers[1].config(), { eps: 1e-5 });
  });
});

interface LayerNormFixture {
  torch: string;
  input: number[][];
  weights: Record<string, number[] | number[][]>;
  target: number[][];
  normalized: number[][];
  cases: { value: number; grads: Record<string, number[] | number[][]> }[];
}

describe('LayerNorm against torch.nn.LayerNorm (scripts/torch-fixtures.py)', () => {
  const f = JSON.parse(readFileSync(new URL('../fixtures/torch-layer-norm.json', import.meta.url), 'utf8')) as LayerNormFixture;
  const flat = (v: number[] | number[][]) => (v as number[] | number[][]).flat();
  const run = (dtype: 'float64' | 'float32') => {
    const model = new Sequential([new Dense({ units: 4 }), new LayerNorm(), new Activation({ kind: 'tanh' }), new Dense({ units: 3 })])
      .build({ inputWidth: 5, batchSize: 6, seed: 1, dtype, inputGrad: true, fuse: false });
    for (const p of model.params()) p.value.data.set(flat(f.weights[p.name]));
    const loss = new SoftmaxCrossEntropy();
    loss.build(3, 6, model.kernels);
    const x = Matrix.from(f.input, dtype);
    const normalized = Array.from(model.layers[1].forward(model.layers[0].forward(x, 'train'), 'train').view());
    model.zeroGrad();
    const value = loss.forward(model.forward(x, 'train'), Matrix.from(f.target, dtype));
    const dx = Array.from(model.backward(loss.backward()).view());
    const grads = Object.fromEntries(model.params().map((p) => [p.name, Array.from(p.grad.data)]));
    loss.release();
    return { value, normalized, dx, grads };
  };

  it(`float64 agrees to 1e-10 (torch ${f.torch})`, () => {
    const r = run('float64');
    const c = f.cases[0];
    assertClose([r.value], [c.value], 1e-10, 'loss');
    assertClose(r.normalized, f.normalized.flat(), 1e-10, 'normalised');
    assertClose(r.dx, flat(c.grads.input), 1e-10, 'input gradient');
    for (const [name, g] of Object.entries(r.grads)) assertClose(g, flat(c.grads[name]), 1e-10, name);
  });

  it('float32 on the backend under test agrees to float32 accuracy', () => {
    const r = run('float32');
    const c = f.cases[0];
    assertClose([r.value], [c.value], 1e-5, 'loss');
    assertClose(r.dx, flat(c.grads.input), 1e-4, 'input gradient');
    for (const [name, g] of Object.entries(r.grads)) assertClose(g, flat(c.grads[name]), 1e-4, name);
  });
});
