// erf/erfc against 50-digit values (mpmath), the exact GELU forward and derivative in both tails,
// and how GELU is configured and saved (torch's approximate='tanh'; older files stay tanh).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kernels } from '../../src/core/backend.js';
import { erf, erfc } from '../../src/core/erf.js';
import { JsKernels } from '../../src/core/kernels-js.js';
import { Matrix } from '../../src/core/matrix.js';
import { ConfigError } from '../../src/errors.js';
import { gradcheck } from '../../src/nn/gradcheck.js';
import { architectureOf } from '../../src/nn/io.js';
import { loadModel, saveModel } from '../../src/node/model-file.js';
import { Activation, activation, layerFromConfig } from '../../src/nn/layers/index.js';
import { mlp } from '../../src/nn/mlp.js';
import { Sequential } from '../../src/nn/model.js';
import { predict } from '../../src/nn/train.js';
import { assertGradsClose, randomMatrix } from '../helpers.js';

const ULP = 2 ** -52;

// [x, erf(x), erfc(x)], mpmath.mp.dps = 50
const ERF: [number, number, number][] = [
  [0, 0, 1],
  [1e-10, 1.1283791670955126e-10, 0.99999999988716208],
  [0.1, 1.124629160182849e-1, 0.8875370839817151],
  [-0.3, -3.2862675945912742e-1, 1.3286267594591274],
  [0.46875, 4.9261347321793799e-1, 0.50738652678206201],
  [0.5, 5.2049987781304654e-1, 0.47950012218695346],
  [-1, -8.4270079294971487e-1, 1.8427007929497149],
  [1.5, 9.6610514647531073e-1, 0.033894853524689273],
  [2.5, 9.9959304798255504e-1, 0.00040695201744495894],
  [-3.7, -9.9999983284894209e-1, 1.9999998328489421],
  [4, 9.999999845827421e-1, 1.5417257900280019e-8],
  [4.5, 9.9999999980338396e-1, 1.9661604415428875e-10],
  [6, 9.9999999999999998e-1, 2.1519736712498913e-17],
  [-6, -9.9999999999999998e-1, 2.0],
  [10, 1.0, 2.0884875837625448e-45],
  [20, 1.0, 5.3958656116079009e-176],
  [26, 1.0, 5.6631924088561428e-296],
];

// [x, x·Φ(x), Φ(x) + x·φ(x)], mpmath
const GELU: [number, number, number][] = [
  [-10, -7.6198530241605261e-23, -7.6184000964648141e-22],
  [-5, -1.4332578593959696e-6, -7.1469460017922946e-6],
  [-2, -0.045500263896358414, -0.085231801078196897],
  [-0.5, -0.15426876936299345, 0.13250487534383716],
  [0.3, 0.18537342665668578, 0.73232776682710985],
  [1, 0.84134474606854295, 1.0833154705876863],
  [3, 2.9959503059051097, 1.0119456472041839],
  [8, 7.999999999999995, 1.0000000000000398],
];

function assertRel(actual: number, expected: number, ulps: number, what: string): void {
  const err = expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(err <= ulps * ULP, `${what}: expected ${expected}, found ${actual} (${(err / ULP).toFixed(1)} ulp)`);
}

describe('erf and erfc (Cody)', () => {
  it('match 50-digit values to a few ulp, erfc relatively even at 1e-296', () => {
    for (const [x, e, c] of ERF) {
      assertRel(erf(x), e, 4, `erf(${x})`);
      assertRel(erfc(x), c, 4, `erfc(${x})`);
    }
  });

  it('are odd / reflected, monotone across the interval boundaries, and NaN in NaN out', () => {
    for (const x of [0.2, 0.46875, 0.47, 3.99, 4, 4.01, 7]) {
      assert.equal(erf(-x), -erf(x));
      assert.equal(erfc(-x), 2 - erfc(x));
    }
    for (const b of [0.46875, 4]) {
      const below = b * (1 - 2 ** -53), above = b * (1 + 2 ** -52);
      assert.ok(erf(below) <= erf(b) && erf(b) <= erf(above), `erf monotone at ${b}`);
      assert.ok(erfc(below) >= erfc(b) && erfc(b) >= erfc(above), `erfc monotone at ${b}`);
    }
    assert.equal(erf(Infinity), 1);
    assert.equal(erfc(Infinity), 0);
    assert.equal(erfc(-Infinity), 2);
    assert.ok(Number.isNaN(erf(NaN)) && Number.isNaN(erfc(NaN)));
  });
});

describe('exact GELU', () => {
  it('float64 forward and derivative match x·Φ(x) and Φ(x) + x·φ(x) in both tails', () => {
    const js = new JsKernels();
    const x = new Matrix(1, GELU.length, Float64Array.from(GELU, (r) => r[0]));
    const y = Matrix.zeros(1, GELU.length, 'float64');
    const dy = new Matrix(1, GELU.length, new Float64Array(GELU.length).fill(1));
    const dx = Matrix.zeros(1, GELU.length, 'float64');
    js.activation('gelu', x, y, 0);
    js.activationBackward('gelu', x, y, dy, dx, 0);
    // erfc(−x/√2) amplifies the rounding of x/√2 by ~x² (its log-derivative), hence x² more ulp
    GELU.forEach(([v, f, d], i) => {
      assertRel(y.data[i], f, 8 + v * v, `gelu(${v})`);
      assertRel(dx.data[i], d, 8 + v * v, `gelu'(${v})`);
    });
  });

  // farther out, φ(x) is below the central difference's rounding noise: the table above covers the tails
  it('gradient check over [-3, 3] (float64 central differences)', () => {
    const model = new Sequential([new Activation({ kind: 'gelu' })]).build({ inputWidth: 8, batchSize: 4, seed: 1, dtype: 'float64', inputGrad: true });
    assertGradsClose(gradcheck(model, null, randomMatrix(4, 8, 5, -3, 3), null, { checkInput: true }), 1e-6);
  });

  it('float32 on the backend under test is the float64 value rounded (within 2 float32 ulp)', () => {
    const k = kernels();
    const n = 4001;
    const x = new Matrix(1, n, k.alloc(n));
    for (let i = 0; i < n; i++) x.data[i] = -10 + (20 * i) / (n - 1);
    const y = new Matrix(1, n, k.alloc(n)), dy = new Matrix(1, n, k.alloc(n)), dx = new Matrix(1, n, k.alloc(n));
    dy.data.fill(1);
    k.activation('gelu', x, y, 0);
    k.activationBackward('gelu', x, y, dy, dx, 0);
    const js = new JsKernels();
    const x64 = x.clone('float64'), y64 = Matrix.zeros(1, n, 'float64'), dx64 = Matrix.zeros(1, n, 'float64');
    js.activation('gelu', x64, y64, 0);
    js.activationBackward('gelu', x64, y64, dy.clone('float64'), dx64, 0);
    for (let i = 0; i < n; i++) {
      for (const [got, want, what] of [[y.data[i], y64.data[i], 'gelu'], [dx.data[i], dx64.data[i], "gelu'"]] as const) {
        const tol = 2 * 2 ** -24 * Math.abs(want) + 1e-45;
        assert.ok(Math.abs(got - want) <= tol, `${what}(${x.data[i]}) on ${k.name}: expected ${want}, found ${got}`);
      }
    }
    for (const m of [x, y, dy, dx]) k.release(m.data);
  });
});

describe('GELU configuration', () => {
  it("approximate: 'tanh' (torch's name) is kind gelu_tanh; 'none' or nothing is exact", () => {
    assert.equal(new Activation({ kind: 'gelu' }).kind, 'gelu');
    assert.equal(new Activation({ kind: 'gelu', approximate: 'none' }).kind, 'gelu');
    assert.equal(activation({ kind: 'gelu', approximate: 'tanh' }).kind, 'gelu_tanh');
    assert.equal(activation('gelu-tanh').kind, 'gelu_tanh');
    assert.throws(() => new Activation({ kind: 'relu', approximate: 'tanh' }), (e) => e instanceof ConfigError && /applies only to gelu/.test(e.message));
    assert.throws(() => new Activation({ kind: 'gelu_tanh', approximate: 'none' }), (e) => e instanceof ConfigError && /contradicts/.test(e.message));
    assert.throws(() => new Activation({ kind: 'gelu', approximate: 'erf' as 'none' }), /approximate must be 'none' or 'tanh'/);
  });

  it('configs round-trip; a gelu config without approximate (older files) is the tanh form', () => {
    for (const kind of ['gelu', 'gelu_tanh'] as const) {
      assert.equal((layerFromConfig('activation', new Activation({ kind }).config(), 'test') as Activation).kind, kind);
    }
    assert.equal((layerFromConfig('activation', { kind: 'gelu', alpha: 0 }, 'test') as Activation).kind, 'gelu_tanh');
  });

  it('a model file written before exact GELU loads as gelu_tanh and predicts what it did', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scratchnet-gelu-'));
    const model = mlp({ hidden: [6], outputs: 3, activation: 'gelu_tanh' }).build({ inputWidth: 4, batchSize: 8, seed: 2 });
    const arch = architectureOf(model, 'softmax_cross_entropy');
    const old = { ...arch, layers: arch.layers.map((l) => (l.config.kind === 'gelu_tanh' ? { ...l, config: { kind: 'gelu', alpha: 0 } } : l)) };
    const path = join(dir, 'old.safetensors');
    saveModel(path, model, old);
    const loaded = loadModel(path);
    assert.deepEqual(loaded.model.layers.map((l) => (l as Activation).kind).filter(Boolean), ['gelu_tanh']);
    const x = randomMatrix(5, 4, 3, -2, 2, 'float32');
    assert.deepEqual(predict(loaded.model, x).probabilities.data, predict(model, x).probabilities.data);
    // and the exact form round-trips as exact
    const exact = mlp({ hidden: [6], outputs: 3, activation: 'gelu' }).build({ inputWidth: 4, batchSize: 8, seed: 2 });
    saveModel(join(dir, 'new.safetensors'), exact, architectureOf(exact, 'softmax_cross_entropy'));
    assert.deepEqual(loadModel(join(dir, 'new.safetensors')).model.layers.map((l) => (l as Activation).kind).filter(Boolean), ['gelu']);
  });
});
