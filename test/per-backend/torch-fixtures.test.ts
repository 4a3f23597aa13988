// scratchnet against PyTorch: reference numbers made by scripts/torch-fixtures.py (run by hand with
// torch >= 1.13; see its header) and committed in test/fixtures/. In float64 every activation × loss
// gradient of a small MLP and 100-step optimizer trajectories agree to 1e-10 relative; float32 on
// the backend under test (the fast WASM kernels on the wasm run) agrees to float32 accuracy.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { kernels } from '../../src/core/backend.js';
import { type DType, Matrix } from '../../src/core/matrix.js';
import type { Param } from '../../src/nn/layer.js';
import { Activation, Dense } from '../../src/nn/layers/index.js';
import { createLoss, type LossName } from '../../src/nn/losses/index.js';
import type { ActivationKind } from '../../src/core/kernels.js';
import { Sequential } from '../../src/nn/model.js';
import { createOptimizer, type OptimizerName, type OptimizerOptions } from '../../src/nn/optimizers/index.js';

interface GradFixture {
  torch: string;
  input: number[][];
  weights: Record<string, number[] | number[][]>;
  targets: Record<string, number[][]>;
  cases: { activation: string; loss: string; value: number; grads: Record<string, number[] | number[][]> }[];
}
interface OptimizerFixture {
  torch: string;
  a: number[];
  c: number[];
  d: number[];
  s: number[];
  theta0: number[];
  steps: number;
  checkpoints: number[];
  cases: { optimizer: OptimizerName; options: OptimizerOptions; torch: string; trajectory: number[][] }[];
}

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
const GRADS = fixture<GradFixture>('torch-mlp-grads.json');
const OPTIM = fixture<OptimizerFixture>('torch-optimizers.json');

/** Tolerance per dtype: elementwise relative in float64; in float32, relative to the tensor's largest value. */
const TOL: Record<DType, number> = { float64: 1e-10, float32: 1e-5 };

function assertMatches(actual: ArrayLike<number>, expected: number[], dtype: DType, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = dtype === 'float64' ? 0 : Math.max(...expected.map(Math.abs));
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    const tol = TOL[dtype] * Math.max(Math.abs(expected[i]), scale, 1e-30);
    if (!(d <= tol)) assert.fail(`${what}[${i}]: torch ${expected[i]}, scratchnet ${actual[i]} (diff ${d.toExponential(2)}, tol ${tol.toExponential(2)})`);
  }
}

for (const dtype of ['float64', 'float32'] as const) {
  describe(`MLP gradients vs torch ${GRADS.torch} (${dtype}, ${kernels().name} backend)`, () => {
    for (const c of GRADS.cases) {
      it(`${c.activation} + ${c.loss}`, () => {
        const k = kernels();
        const model = new Sequential([new Dense({ units: 4 }), new Activation({ kind: c.activation as ActivationKind }), new Dense({ units: 3 })]);
        model.build({ inputWidth: 5, batchSize: GRADS.input.length, kernels: k, dtype, inputGrad: true });
        const params = model.params();
        assert.deepEqual(params.map((p) => p.name), Object.keys(GRADS.weights));
        for (const p of params) p.value.data.set(GRADS.weights[p.name].flat());
        const x = Matrix.from(GRADS.input, dtype);
        const target = Matrix.from(GRADS.targets[c.loss], dtype);
        const loss = createLoss(c.loss as LossName);
        loss.build(model.outputWidth, x.rows, k);
        model.zeroGrad();
        const value = loss.forward(model.forward(x, 'train'), target, true);
        const dx = model.backward(loss.backward());
        assertMatches([value], [c.value], dtype, 'loss');
        for (const p of params) assertMatches(p.grad.data, c.grads[p.name].flat(), dtype, p.name);
        assertMatches(dx.data.subarray(0, dx.size), c.grads.input.flat(), dtype, 'input');
        model.release();
      });
    }
  });

  describe(`optimizer trajectories vs torch ${OPTIM.torch} (${dtype}, ${kernels().name} backend)`, () => {
    for (const c of OPTIM.cases) {
      it(`${c.torch}`, () => {
        const k = kernels();
        // w (4 values, decayed) and b (2 values, decay 0: torch's param group with weight_decay=0)
        const params: Param[] = [
          ['w', 0, 4, 1],
          ['b', 4, 6, 0],
        ].map(([name, from, to, decay]) => {
          const n = (to as number) - (from as number);
          const value = new Matrix(1, n, k.alloc(n, dtype));
          value.data.set(OPTIM.theta0.slice(from as number, to as number));
          return { name: name as string, value, grad: new Matrix(1, n, k.alloc(n, dtype)), decay: decay as number, version: 0 };
        });
        const opt = createOptimizer(c.optimizer, params, c.options, k);
        const { a, c: centre, d, s } = OPTIM;
        let next = 0;
        for (let t = 1; t <= OPTIM.steps; t++) {
          // g = a ⊙ (θ − c) + s[t−1]·d, in float64 as torch computed it
          let i = 0;
          for (const p of params) {
            for (let j = 0; j < p.value.size; j++, i++) p.grad.data[j] = a[i] * (p.value.data[j] - centre[i]) + s[t - 1] * d[i];
          }
          opt.step();
          if (t === OPTIM.checkpoints[next]) {
            const theta = params.flatMap((p) => Array.from(p.value.data));
            assertMatches(theta, c.trajectory[next], dtype, `θ after step ${t}`);
            next++;
          }
        }
        assert.equal(next, OPTIM.checkpoints.length);
        opt.release();
        for (const p of params) (k.release(p.value.data), k.release(p.grad.data));
      });
    }
  });
}
