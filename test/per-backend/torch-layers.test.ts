// Layer kinds that describe their torch module in their definition (LayerNorm, BatchNorm1d) go to a
// torch state_dict and back through src/nn/torch.ts without code of their own there.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/random.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { Activation, BatchNorm, Dense } from '../../src/nn/layers/index.js';
import { LayerNorm } from '../../src/nn/layers/layer-norm.js';
import { Sequential } from '../../src/nn/model.js';
import { fromTorchStateDict, parseTorchArch, toTorchStateDict } from '../../src/nn/torch.js';
import { predict } from '../../src/nn/train.js';

function model(): Sequential {
  const m = new Sequential([
    new Dense({ units: 6 }), new LayerNorm(), new Activation({ kind: 'tanh' }),
    new Dense({ units: 5 }), new BatchNorm({ eps: 1e-3 }), new Activation({ kind: 'relu' }),
    new Dense({ units: 3 }),
  ]).build({ inputWidth: 4, batchSize: 8, seed: 5 });
  // γ, β and the running statistics away from their initial 1s and 0s
  const rng = new Rng(9);
  for (const layer of m.layers) {
    for (const t of [...layer.params().map((p) => p.value), ...(layer.buffers?.() ?? []).map((b) => b.value)]) {
      if (layer instanceof Dense) continue;
      for (let i = 0; i < t.size; i++) t.data[i] = rng.range(0.5, 1.5);
    }
  }
  return m;
}

describe('torch state_dict of layers described by their definition', () => {
  it('exports LayerNorm and BatchNorm1d with their tensors, and imports them back to the same outputs', () => {
    const m = model();
    const { bytes, arch } = toTorchStateDict(m);
    assert.equal(arch, 'Linear(4, 6), LayerNorm(6), Tanh(), Linear(6, 5), BatchNorm1d(5, eps=0.001), ReLU(), Linear(5, 3)');
    const tensors = decodeSafetensors(bytes, 'export').tensors;
    assert.deepEqual([...tensors.keys()].sort(), ['0.bias', '0.weight', '1.bias', '1.weight', '3.bias', '3.weight', '4.bias', '4.running_mean', '4.running_var', '4.weight', '6.bias', '6.weight']);
    assert.deepEqual(Array.from(tensors.get('1.weight')!.data), Array.from(m.layers[1].params()[0].value.view()));
    assert.deepEqual(tensors.get('4.running_var')!.shape, [5]);

    const back = fromTorchStateDict(bytes, arch, { batchSize: 8 });
    assert.deepEqual(back.layers.map((l) => l.type), m.layers.map((l) => l.type));
    assert.equal((back.layers[4] as BatchNorm).eps, 1e-3);
    const x = Matrix.from([[1, -2, 0.5, 3], [0, 0.1, -1, 2], [2, 2, 2, 2]]);
    assert.deepEqual(Array.from(predict(back, x, 'linear').probabilities.view()), Array.from(predict(m, x, 'linear').probabilities.view()));
    m.release();
    back.release();
  });

  it("reads the modules as written and as torch prints them; a missing tensor is named", () => {
    assert.deepEqual(parseTorchArch('LayerNorm((6,), eps=1e-05, elementwise_affine=True)'), [
      { type: 'layer', layerType: 'layer_norm', module: 'LayerNorm', args: ['6', 'eps=1e-05', 'elementwise_affine=True'] },
    ]);
    assert.deepEqual(parseTorchArch('nn.BatchNorm1d(5)'), [{ type: 'layer', layerType: 'batch_norm', module: 'BatchNorm1d', args: ['5'] }]);
    const { bytes } = toTorchStateDict(new Sequential([new Dense({ units: 3 }), new LayerNorm(), new Dense({ units: 2 })]).build({ inputWidth: 2, batchSize: 4, seed: 1 }));
    assert.throws(() => fromTorchStateDict(bytes, 'Linear(2, 3), LayerNorm(3), Linear(3, 2), LayerNorm(2)'), /tensor '3.weight' is missing, expected \[2\] for LayerNorm/);
  });
});
