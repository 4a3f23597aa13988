// The activation table (src/core/activations.ts) and the places that read it: names and aliases,
// torch module names both ways, the WebAssembly dispatch (codes unique, an unknown code traps, a row
// without a code runs its TypeScript reference on wasm buffers).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ACTIVATION_TABLE, ACTIVATIONS, activationDef, activationKindOf, type ActivationDef } from '../src/core/activations.js';
import { JsKernels } from '../src/core/kernels-js.js';
import { Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import type { WasmExports } from '../src/core/wasm/ops.js';
import { ConfigError } from '../src/errors.js';
import { Activation, checkActivation } from '../src/nn/layers/activation.js';
import { formatTorchArch, parseTorchArch } from '../src/nn/torch.js';
import { createWasmKernels } from '../src/node/wasm.js';

describe('activation table', () => {
  it('every kind and alias names its row; an unknown name is a ConfigError listing the kinds', () => {
    for (const kind of ACTIVATIONS) {
      assert.equal(checkActivation(kind, 'test'), kind);
      for (const alias of activationDef(kind).aliases) assert.equal(activationKindOf(alias), kind);
    }
    assert.equal(activationKindOf('toString'), undefined);
    assert.throws(() => checkActivation('relu6', 'mlp'), (e) => e instanceof ConfigError && /unknown activation 'relu6'.*relu, leaky_relu/.test(e.message));
  });

  it('WebAssembly codes are unique', () => {
    const codes = ACTIVATIONS.map((k) => activationDef(k).wasm).filter((c) => c !== undefined);
    assert.equal(new Set(codes).size, codes.length);
  });

  it("every row's torch module prints and parses back to the same kind and α", () => {
    for (const kind of ACTIVATIONS.filter((k) => k !== 'linear')) {
      const alpha = activationDef(kind).torch.alphaArg ? 0.25 : undefined;
      const text = formatTorchArch([{ type: 'activation', kind, ...(alpha === undefined ? {} : { alpha }) }]);
      assert.deepEqual(parseTorchArch(text), [{ type: 'activation', kind, ...(alpha === undefined ? {} : { alpha }) }], text);
    }
    assert.equal(parseTorchArch("nn.GELU(approximate='none')")[0].type === 'activation' && (parseTorchArch("GELU(approximate='none')")[0] as { kind: string }).kind, 'gelu');
    assert.throws(() => parseTorchArch('Softplus()'), (e) => e instanceof ConfigError && /expected Linear, Sigmoid, Tanh, ReLU/.test(e.message));
  });

  it("the layer's default α is the row's", () => {
    for (const kind of ACTIVATIONS) assert.equal(new Activation({ kind }).alpha, activationDef(kind).alpha ?? 0);
  });
});

const wasm = await createWasmKernels({ threads: 1 }).catch(() => null);
after(async () => wasm?.dispose());

describe('activation dispatch on the WebAssembly backend', { skip: wasm ? false : 'no WebAssembly SIMD here' }, () => {
  it('an unknown code traps instead of computing another function', () => {
    const ex = (wasm as unknown as { ex: WasmExports }).ex;
    const x = wasm!.alloc(8) as Float32Array;
    const p = wasm!.heap.ptrOf(x);
    assert.throws(() => ex.activation(99, p, p, 8, 0), WebAssembly.RuntimeError);
    assert.throws(() => ex.activationBackward(99, p, p, p, p, 8, 0), WebAssembly.RuntimeError);
    wasm!.release(x);
  });

  it('a row without a wasm code runs its TypeScript reference on wasm buffers', () => {
    // a row made for this test: y = x³ (not in the table)
    const cube: ActivationDef = { doc: 'x³', aliases: [], forward: (x) => x * x * x, backward: (x, _y, dy) => 3 * x * x * dy, init: 'glorot_uniform', torch: { module: 'Cube' }, onnx: (g, x) => g.op('Mul', [x, g.op('Mul', [x, x])]) };
    const table = ACTIVATION_TABLE as unknown as Record<string, ActivationDef>;
    table.cube_test = cube;
    try {
      const kind = 'cube_test' as unknown as 'linear';
      const rng = new Rng(3, 'cube');
      const x = new Matrix(3, 5, wasm!.alloc(15));
      for (let i = 0; i < 15; i++) x.data[i] = rng.range(-2, 2);
      const y = new Matrix(3, 5, wasm!.alloc(15));
      const dx = new Matrix(3, 5, wasm!.alloc(15));
      const dy = new Matrix(3, 5, new Float32Array(15).fill(1));
      wasm!.activation(kind, x, y, 0);
      wasm!.activationBackward(kind, x, y, dy, dx, 0);
      const js = new JsKernels();
      const yr = Matrix.zeros(3, 5, 'float32'), dxr = Matrix.zeros(3, 5, 'float32');
      js.activation(kind, x, yr, 0);
      js.activationBackward(kind, x, yr, dy, dxr, 0);
      assert.deepEqual(y.view(), yr.view());
      assert.deepEqual(dx.view(), dxr.view());
      assert.equal(y.data[4], Math.fround(x.data[4] ** 3));
    } finally {
      delete table.cube_test;
    }
  });
});

describe('silu (one table row)', () => {
  it("x·σ(x), alias swish, torch's SiLU()", () => {
    const y = Matrix.zeros(1, 3, 'float64');
    new JsKernels().activation('silu', Matrix.from([[-2, 0, 1]], 'float64'), y, 0);
    assert.deepEqual(Array.from(y.data), [-2 / (1 + Math.exp(2)), 0, 1 / (1 + Math.exp(-1))]);
    assert.equal(checkActivation('swish', 'test'), 'silu');
    assert.deepEqual(parseTorchArch('nn.SiLU()'), [{ type: 'activation', kind: 'silu' }]);
  });
});

describe('silu SIMD kernel vs its TypeScript reference', { skip: wasm ? false : 'no WebAssembly SIMD here' }, () => {
  it('forward and backward within a few float32 ulp, from −100 to 100 (clamped exp), odd lengths', () => {
    const js = new JsKernels();
    const rng = new Rng(11, 'silu');
    for (const n of [1, 7, 1001]) {
      const x = new Matrix(1, n, wasm!.alloc(n));
      for (let i = 0; i < n; i++) x.data[i] = i % 5 === 0 ? rng.range(-100, 100) : rng.range(-10, 10);
      x.data[0] = n > 1 ? -100 : 0;
      const dy = new Matrix(1, n, wasm!.alloc(n));
      for (let i = 0; i < n; i++) dy.data[i] = rng.range(-1, 1);
      const [y, yr, dx, dxr] = [0, 1, 2, 3].map(() => Matrix.zeros(1, n, 'float32'));
      wasm!.activation('silu', x, y, 0);
      js.activation('silu', x, yr, 0);
      wasm!.activationBackward('silu', x, y, dy, dx, 0);
      js.activationBackward('silu', x, yr, dy, dxr, 0);
      for (let i = 0; i < n; i++) {
        assert.ok(Math.abs(y.data[i] - yr.data[i]) <= 4e-7 * Math.abs(yr.data[i]) + 1e-30, `y[${i}] at x=${x.data[i]}: ${y.data[i]} vs ${yr.data[i]}`);
        assert.ok(Math.abs(dx.data[i] - dxr.data[i]) <= 1e-6 * Math.abs(dy.data[i]) + 1e-30, `dx[${i}] at x=${x.data[i]}: ${dx.data[i]} vs ${dxr.data[i]}`);
      }
    }
  });
});
