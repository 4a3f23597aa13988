import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ModelFileError } from '../../src/errors.js';
import { architectureOf } from '../../src/nn/io.js';
import { loadModel, saveModel } from '../../src/node/model-file.js';
import { mlp } from '../../src/nn/mlp.js';
import { predict } from '../../src/nn/train.js';
import { Dense, Activation, Dropout } from '../../src/nn/layers/index.js';
import { Sequential } from '../../src/nn/model.js';
import { randomMatrix } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'scratchnet-io-'));

describe('model files', () => {
  it('save → load gives identical predictions and keeps the metadata', () => {
    const model = mlp({ hidden: [12, 6], outputs: 4, activation: 'gelu', dropout: 0.3 }).build({ inputWidth: 5, batchSize: 16, seed: 9 });
    const path = join(dir, 'm.safetensors');
    saveModel(path, model, architectureOf(model, 'softmax_cross_entropy', { classNames: ['a', 'b', 'c', 'd'] }), { note: 'hi' });
    const loaded = loadModel(path, { batchSize: 7 });
    assert.deepEqual(loaded.model.getWeights(), model.getWeights());
    assert.deepEqual(loaded.architecture.classNames, ['a', 'b', 'c', 'd']);
    assert.deepEqual(loaded.training, { note: 'hi' });
    assert.deepEqual(loaded.model.layers.map((l) => l.name), model.layers.map((l) => l.name));
    const x = randomMatrix(23, 5, 3, -1, 1, 'float32');
    const a = predict(model, x);
    const b = predict(loaded.model, x);
    assert.deepEqual(b.probabilities.data, a.probabilities.data);
    assert.deepEqual(b.classes, a.classes);
    assert.deepEqual(readdirSync(dir).filter((f) => f !== 'm.safetensors'), [], 'no temp file left');
  });

  it('custom layer names survive a round trip', () => {
    const model = new Sequential([new Dense({ units: 3, name: 'hidden' }), new Activation({ kind: 'tanh' }), new Dropout({ rate: 0.1 }), new Dense({ units: 2, name: 'out' })]);
    model.build({ inputWidth: 2, batchSize: 4, seed: 1 });
    const path = join(dir, 'named.safetensors');
    saveModel(path, model, architectureOf(model, 'sigmoid_cross_entropy'));
    const loaded = loadModel(path);
    assert.deepEqual(loaded.model.params().map((p) => p.name), ['hidden_1.weight', 'hidden_1.bias', 'out_1.weight', 'out_1.bias']);
    assert.deepEqual(loaded.model.getWeights(), model.getWeights());
  });

  it('missing, truncated, corrupt and foreign files give ModelFileErrors naming the file', () => {
    const model = mlp({ hidden: [3], outputs: 2 }).build({ inputWidth: 2, batchSize: 4 });
    const path = join(dir, 'ok.safetensors');
    saveModel(path, model, architectureOf(model, 'softmax_cross_entropy'));
    const bytes = readFileSync(path);
    const cases: [string, Buffer | null, RegExp][] = [
      ['missing.safetensors', null, /missing\.safetensors/],
      ['short.safetensors', bytes.subarray(0, 5), /short\.safetensors/],
      ['truncated.safetensors', bytes.subarray(0, bytes.length - 9), /truncated\.safetensors/],
      ['garbage.safetensors', Buffer.concat([bytes.subarray(0, 8), Buffer.from('{not json'.padEnd(Number(bytes.readBigUInt64LE(0)), ' ')), bytes.subarray(8 + Number(bytes.readBigUInt64LE(0)))]), /garbage\.safetensors/],
    ];
    for (const [name, content, pattern] of cases) {
      const p = join(dir, name);
      if (content) writeFileSync(p, content);
      assert.throws(() => loadModel(p), (e: unknown) => e instanceof ModelFileError && pattern.test(e.message), name);
    }
    // a valid safetensors file that is not a scratchnet model
    const text = bytes.toString('latin1').replace('scratchnet.format', 'scratchnet.fxrmat');
    writeFileSync(join(dir, 'foreign.safetensors'), Buffer.from(text, 'latin1'));
    assert.throws(() => loadModel(join(dir, 'foreign.safetensors')), /not a scratchnet model/);
  });

  it('a tensor whose shape disagrees with the architecture is named', () => {
    const model = mlp({ hidden: [3], outputs: 2 }).build({ inputWidth: 2, batchSize: 4 });
    const other = mlp({ hidden: [4], outputs: 2 }).build({ inputWidth: 2, batchSize: 4 });
    const path = join(dir, 'mismatch.safetensors');
    saveModel(path, other, architectureOf(model, 'softmax_cross_entropy'));
    assert.throws(() => loadModel(path), /tensor 'dense_1.weight' has shape \[2, 4\], the architecture needs \[2, 3\]/);
  });
});
