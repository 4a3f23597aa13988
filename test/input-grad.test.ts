// A layer computes dL/d(its input) only when a layer before it has parameters: a Dense layer after a
// leading Standardize (every model the CLI trains) or Dropout skips its dy·Wᵀ product, as a first
// layer does — and the parameter gradients are the same bits either way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsKernels } from '../src/core/kernels-js.js';
import type { GemmOptions } from '../src/core/kernels.js';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import { createLoss } from '../src/nn/losses/index.js';
import { mlp } from '../src/nn/mlp.js';


/** Counts GEMMs by their output's shape. */
class CountingKernels extends JsKernels {
  readonly shapes: string[] = [];
  override gemm(a: Matrix, b: Matrix, c: Matrix, opts?: GemmOptions): void {
    this.shapes.push(`${c.rows}x${c.cols}`);
    super.gemm(a, b, c, opts);
  }
}

function step(standardize: boolean, inputGrad: boolean) {
  const k = new CountingKernels();
  const model = mlp({ hidden: [6], outputs: 3, standardize, dropout: 0 }).build({ inputWidth: 5, batchSize: 4, seed: 2, kernels: k, sparse: false, inputGrad });
  const rng = new Rng(3);
  const x = new Matrix(4, 5, Float32Array.from({ length: 20 }, () => rng.normal()));
  const target = new Matrix(4, 3, Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]));
  const loss = createLoss('softmax_cross_entropy');
  loss.build(3, 4, k);
  k.shapes.length = 0;
  loss.forward(model.forward(x, 'train'), target);
  model.backward(loss.backward()); // a new model: its gradients are 0
  return { shapes: [...k.shapes], grads: model.params().map((p) => [...p.grad.data]) };
}

describe('input gradients only where a parameter upstream needs them', () => {
  it('Standardize → Dense: the first Dense computes no dL/dx (no [4, 5] product)', () => {
    const folded = step(true, false);
    assert.ok(!folded.shapes.includes('4x5'), `GEMM outputs ${folded.shapes}`);
    assert.deepEqual(step(false, false).shapes, folded.shapes, 'the same products as without the Standardize layer');
  });

  it('asked for the input gradient (gradient checks), it is computed, with the same parameter gradients', () => {
    const withDx = step(true, true);
    assert.ok(withDx.shapes.includes('4x5'), `GEMM outputs ${withDx.shapes}`);
    assert.deepEqual(withDx.grads, step(true, false).grads);
  });
});
