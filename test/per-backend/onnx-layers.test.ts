import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTIVATIONS, activationDef } from '../../src/core/activations.js';
import { Rng } from '../../src/core/random.js';
import { predict } from '../../src/nn/evaluate.js';
import type { Layer } from '../../src/nn/layer.js';
import { activation, batchNorm, dense, dropout, LAYER_DEFINITIONS, layerNorm, Softmax, Standardize } from '../../src/nn/layers/index.js';
import { createLoss, type LossName } from '../../src/nn/losses/index.js';
import { mlp } from '../../src/nn/mlp.js';
import { sequential, type Sequential } from '../../src/nn/model.js';
import { toOnnx } from '../../src/nn/onnx.js';
import { assertClose } from '../helpers.js';
import { onnxOps, runOnnx } from '../onnx-runtime.js';

const TOL = 1e-5; // predict's probabilities against onnxruntime's (relative above 1: regression outputs)

/** Rows of `width` features in [-3, 3]: both sides of every activation's bend. */
function rows(n: number, width: number, seed: number): number[][] {
  const rng = new Rng(seed, 'onnx-rows');
  return Array.from({ length: n }, () => Array.from({ length: width }, () => rng.range(-3, 3)));
}

/** Every parameter and buffer drawn at random (variances and stds in [0.5, 2]): γ, β, running statistics, μ, σ that are not the identity. */
function perturb(model: Sequential, seed: number): Sequential {
  const rng = new Rng(seed, 'onnx-perturb');
  const tensors = [...model.params(), ...model.layers.flatMap((l) => l.buffers?.() ?? [])];
  for (const t of tensors) {
    const positive = /(var|std)$/.test(t.name);
    for (let i = 0; i < t.value.size; i++) t.value.data[i] = positive ? rng.range(0.5, 2) : rng.range(-1, 1);
    t.version++;
  }
  return model;
}

const exercised = new Set<string>();

/** Exports `model` for `loss` and holds onnxruntime's outputs against `predict`'s, for 1 row and for 9 (the batch dimension is free). */
async function holds(model: Sequential, loss: LossName | undefined, what: string): Promise<string[]> {
  for (const l of model.layers) exercised.add(l.type);
  const bytes = toOnnx(model, loss ? { loss } : undefined);
  for (const x of [rows(1, model.inputWidth, 1), rows(9, model.inputWidth, 2)]) {
    const want = predict(model, x, loss ? createLoss(loss).output : 'linear').probabilities.view();
    assertClose(await runOnnx(bytes, x), want, TOL, `${what}, ${x.length} rows`);
  }
  model.release();
  return onnxOps(bytes);
}

const build = (layers: (Layer | Layer[])[], inputWidth: number, seed = 1) => perturb(sequential(layers).build({ inputWidth, batchSize: 4, seed }), seed);

describe('ONNX export: onnxruntime-web computes what predict does', () => {
  for (const kind of ACTIVATIONS) {
    it(`activation ${kind}`, async () => {
      const alpha = activationDef(kind).alpha === undefined ? undefined : 0.2; // not the default: the attribute must travel
      const ops = await holds(build([dense({ units: 6 }), activation({ kind, alpha }), dense({ units: 3 })], 4), 'softmax_cross_entropy', kind);
      assert.equal(ops.at(-1), 'Softmax');
    });
  }

  it('standardisation, batch norm (running statistics), GELU and dropout; softmax output', async () => {
    const model = build([new Standardize(), dense({ units: 8 }), batchNorm({ eps: 1e-3 }), activation('gelu'), dropout(0.5), dense({ units: 3 })], 5);
    const ops = await holds(model, 'softmax_cross_entropy', 'standardize-batchnorm-gelu-dropout');
    assert.deepEqual(ops, ['Mul', 'Add', 'Gemm', 'BatchNormalization', 'Mul', 'Erf', 'Add', 'Mul', 'Mul', 'Gemm', 'Softmax']);
  });

  it('layer norm and a sigmoid output (sigmoid cross-entropy)', async () => {
    const ops = await holds(build([dense({ units: 5 }), layerNorm({ eps: 1e-4 }), activation('tanh'), dense({ units: 1 })], 3), 'sigmoid_cross_entropy', 'layer-norm');
    assert.deepEqual(ops, ['Gemm', 'LayerNormalization', 'Tanh', 'Gemm', 'Sigmoid']);
  });

  it('a softmax layer inside the network, a Dense without bias, no loss: the raw outputs', async () => {
    await holds(build([dense({ units: 4, useBias: false }), new Softmax(), dense({ units: 2 })], 3), undefined, 'softmax layer');
  });

  it('regression: standardised inputs, rescaled outputs (rescale_1), raw values', async () => {
    const net = mlp({ hidden: [6], outputs: 2, activation: 'elu', dropout: 0.3, standardize: true, rescaleOutputs: { mean: [150, -2], std: [70, 0.5] } });
    const model = perturb(net.build({ inputWidth: 4, batchSize: 4, seed: 3 }), 3);
    const rescale = model.layers.find((l) => l.name === 'rescale_1') as Standardize;
    rescale.buffers()[0].value.data.set([-150 / 70, 4]); // y = (z − μ')/σ' with μ' = −m/s, σ' = 1/s: back to the targets' scale
    rescale.buffers()[1].value.data.set([1 / 70, 2]);
    rescale.buffers().forEach((b) => b.version++);
    await holds(model, 'mse', 'regression');
  });

  it('every layer kind of the library has an ONNX form, and this file runs each', () => {
    for (const d of LAYER_DEFINITIONS) {
      assert.ok(d.onnx, `layer kind ${d.layerType}: no onnx form in its defineLayer`);
      assert.ok(exercised.has(d.layerType), `layer kind ${d.layerType}: no test here exports it`);
    }
  });

  it('refuses a model that is not built, or holds a layer without an ONNX form', () => {
    assert.throws(() => toOnnx(sequential([dense({ units: 2 })])), /toOnnx: the model is not built/);
    const custom: Layer = { name: 'twice', type: 'twice', build: (w) => w, forward: (x) => x, backward: (dy) => dy, params: () => [], config: () => ({}) };
    const model = sequential([dense({ units: 2 }), custom]).build({ inputWidth: 3, batchSize: 2 });
    assert.throws(() => toOnnx(model, { loss: 'mse' }), (e: Error) => e.name === 'ConfigError' && /layer twice_1 \(twice\) has no ONNX form/.test(e.message));
    model.release();
  });
});
