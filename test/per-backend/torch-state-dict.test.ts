import assert from 'node:assert/strict';
import { cli as run } from '../cli-helper.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Matrix } from '../../src/core/matrix.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { createLoss } from '../../src/nn/losses/index.js';
import { mlp } from '../../src/nn/mlp.js';
import { createOptimizer } from '../../src/nn/optimizers/index.js';
import { formatTorchArch, fromTorchStateDict, parseTorchArch, toTorchStateDict } from '../../src/nn/torch.js';
import { predict } from '../../src/nn/train.js';
import { assertClose } from '../helpers.js';

// made by scripts/torch-state-dict.py (torch 1.13, float32)
const FIXTURE = JSON.parse(readFileSync('test/fixtures/torch-sequential.json', 'utf8')) as {
  arch: string;
  printed: string;
  x: number[][];
  outputs: number[][];
  sgd: { lr: number; momentum: number; weight_decay: number; steps: number; target: number[][]; outputs: number[][]; state_dict: Record<string, number[]> };
};
const STATE = new Uint8Array(readFileSync('test/fixtures/torch-sequential.safetensors'));
const F32 = 2e-6; // float32 rounding of a 3-layer net's outputs of order 1

describe('PyTorch nn.Sequential weights in and out', () => {
  it('reads the architecture as written and as torch prints it', () => {
    const a = parseTorchArch(FIXTURE.arch);
    assert.deepEqual(parseTorchArch(FIXTURE.printed), a);
    assert.equal(formatTorchArch(a), FIXTURE.arch);
    assert.deepEqual(parseTorchArch("nn.LeakyReLU(negative_slope=0.2), GELU(approximate='tanh')"), [
      { type: 'activation', kind: 'leaky_relu', alpha: 0.2 },
      { type: 'activation', kind: 'gelu_tanh' },
    ]);
    assert.throws(() => parseTorchArch('Linear(5, 8), Conv2d(3, 4)'), /unsupported module 'Conv2d'/);
  });

  it("imports torch's state_dict: the same outputs as torch to float32 rounding", () => {
    const model = fromTorchStateDict(STATE, FIXTURE.arch, { batchSize: 8 });
    const out = predict(model, Matrix.from(FIXTURE.x), 'linear').probabilities;
    assertClose(out.view(), FIXTURE.outputs.flat(), F32, 'outputs');
    assert.deepEqual([...model.namedParameters().keys()], ['dense_1.weight', 'dense_1.bias', 'dense_2.weight', 'dense_2.bias', 'dense_3.weight', 'dense_3.bias']);
    assert.throws(() => fromTorchStateDict(STATE, 'Linear(5, 8), Tanh(), Linear(8, 6)'), /unexpected tensors 4.weight, 4.bias/);
    assert.throws(() => fromTorchStateDict(STATE, 'Linear(5, 7), Tanh(), Linear(7, 6), GELU(), Linear(6, 3)'), /'0.weight' has shape \[8, 5\], expected \[7, 5\]/);
    model.release();
  });

  it('exports back to the same tensors, and folds standardisation and output rescaling into the Linears', () => {
    const model = fromTorchStateDict(STATE, FIXTURE.arch);
    const { bytes, arch } = toTorchStateDict(model);
    assert.equal(arch, FIXTURE.arch);
    const mine = decodeSafetensors(bytes, 'export').tensors;
    for (const [name, t] of decodeSafetensors(STATE, 'fixture').tensors) {
      assert.deepEqual(mine.get(name)?.shape, t.shape, name);
      assert.deepEqual(Array.from(mine.get(name)!.data), Array.from(t.data), name);
    }
    // a scratchnet regression net with input standardisation and output rescaling
    const net = mlp({ hidden: [6], outputs: 2, activation: 'tanh', standardize: true, rescaleOutputs: { mean: [5, -1], std: [3, 0.5] } }).build({ inputWidth: 4, batchSize: 8, seed: 2 });
    const x = Matrix.from([[1, 2, 3, 4], [-1, 0, 10, 2], [0.5, 0.5, 0.5, 0.5]]);
    (net.layers[0] as unknown as { fit(x: Matrix, o: { perFeature: boolean }): void }).fit(x, { perFeature: true });
    const back = toTorchStateDict(net);
    assert.equal(back.arch, 'Linear(4, 6), Tanh(), Linear(6, 2)');
    const again = fromTorchStateDict(back.bytes, back.arch);
    assertClose(predict(again, x, 'linear').probabilities.view(), predict(net, x, 'linear').probabilities.view(), 1e-4, 'folded outputs');
  });

  it('SGD with weight_decay on every parameter (biases too) reproduces torch.optim.SGD(model.parameters(), weight_decay=λ)', async () => {
    const { lr, momentum, weight_decay: weightDecay, steps, target, state_dict: expected } = FIXTURE.sgd;
    const model = fromTorchStateDict(STATE, FIXTURE.arch, { batchSize: 4 });
    model.setDecay('all');
    const opt = createOptimizer('sgd', model.params(), { lr, momentum, weightDecay }, model.kernels);
    const loss = createLoss('mse');
    loss.build(3, 4, model.kernels);
    const x = Matrix.from(FIXTURE.x);
    const t = Matrix.from(target);
    for (let s = 0; s < steps; s++) {
      loss.forward(model.forward(x, 'train'), t);
      opt.zeroGrad();
      model.backward(loss.backward());
      opt.step();
    }
    assertClose(predict(model, x, 'linear').probabilities.view(), FIXTURE.sgd.outputs.flat(), 1e-5, 'outputs after SGD');
    const exported = decodeSafetensors(toTorchStateDict(model).bytes, 'export').tensors;
    for (const [name, values] of Object.entries(expected)) assertClose(exported.get(name)!.data, values, 1e-5, name);
    // the default decays weights only: the biases then differ from torch's all-parameter decay
    model.setDecay('weights');
    assert.deepEqual(model.params().map((p) => p.decay), [1, 0, 1, 0, 1, 0]);
    opt.release();
    loss.release();
  });

  it('CLI: convert --from torch and --to torch round-trip the fixture', { skip: process.env.SCRATCHNET_BACKEND === 'wasm' && 'process-level: runs on the js pass' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'scratchnet-convert-'));
    const cli = (...args: string[]) => run(args, { env: { SCRATCHNET_BACKEND: 'js' } });
    const model = join(dir, 'model.safetensors');
    const a = cli('convert', '--from', 'torch', '--arch', FIXTURE.arch, 'test/fixtures/torch-sequential.safetensors', model);
    assert.equal(a.status, 0, a.stderr);
    const back = join(dir, 'back.safetensors');
    const b = cli('convert', '--to', 'torch', model, back);
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /Linear\(5, 8\), Tanh\(\), Linear\(8, 6\), GELU\(\), Linear\(6, 3\)/);
    assert.deepEqual(
      [...decodeSafetensors(new Uint8Array(readFileSync(back)), 'back').tensors.entries()].map(([k, v]) => [k, Array.from(v.data)]),
      [...decodeSafetensors(STATE, 'fixture').tensors.entries()].map(([k, v]) => [k, Array.from(v.data)]),
    );
    const bad = cli('convert', '--from', 'torch', 'test/fixtures/torch-sequential.safetensors', model);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--arch/);
  });
});
