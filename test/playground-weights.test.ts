// What the playground's network diagram reads of a model (web/src/probe.ts): the widths of its
// Dense layers, the activation after each hidden one, and all their weights in one array whose
// layout the diagram indexes — W [in, out] row-major, then b [out], layer after layer. Checked on
// a model the recipe builds, as the page's worker builds it (with batch norm and dropout between).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sn from '../dist/node.js';
import { structureOf, weightsLength, weightsOf } from '../web/src/probe.js';

describe('the playground diagram’s view of a model', () => {
  const n = 12;
  const train: sn.Dataset = { name: 'train', x: new sn.Matrix(n, 2, Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i))), y: Int32Array.from({ length: n }, (_, i) => i % 3), numClasses: 3, classNames: ['a', 'b', 'c'] };
  const config: sn.TrainConfig = { ...sn.DEFAULT_CONFIG, layers: [5, 4], activation: ['tanh', 'relu'], batchNorm: true, dropout: 0.1, seed: 3 };
  const { model } = sn.buildModel(config, train, { kernels: new sn.JsKernels() });

  it('its widths: inputs, each Dense layer (the softmax of 3 classes last); the activation after each hidden one', () => {
    assert.deepEqual(structureOf(model), { widths: [2, 5, 4, 3], activations: ['tanh', 'relu'] });
  });

  it('its weights: each Dense layer’s W then b, in order, as many as weightsLength says', () => {
    const w = weightsOf(model);
    assert.equal(w.length, weightsLength([2, 5, 4, 3]));
    assert.equal(w.length, (2 + 1) * 5 + (5 + 1) * 4 + (4 + 1) * 3);
    let at = 0;
    for (const layer of model.layers.filter((l): l is sn.Dense => l instanceof sn.Dense)) {
      const [weight, bias] = layer.params();
      const [rows, cols] = [weight.value.rows, weight.value.cols];
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) assert.equal(w[at + i * cols + j], weight.value.data[i * cols + j], `${layer.name} W[${i}, ${j}]`);
      at += rows * cols;
      for (let j = 0; j < cols; j++) assert.equal(w[at + j], bias.value.data[j], `${layer.name} b[${j}]`);
      at += cols;
    }
    assert.equal(at, w.length);
    assert.ok(w.some((v) => v !== 0), 'initialised weights, not zeros');
  });
});
