// Model files that declare more than their bytes hold, or hold state that means nothing (a standard
// deviation of 0, a negative variance): the plan allocates nothing while it sizes them, and each ends
// in a ModelFileError naming the tensor and the index — at load time, before the model is built.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsKernels } from '../src/core/kernels-js.js';
import { ConfigError, ModelFileError, ResourceError } from '../src/errors.js';
import { Matrix } from '../src/core/matrix.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../src/io/safetensors.js';
import { architectureOf, decodeModel, encodeModel, type Architecture } from '../src/nn/io.js';
import { Activation, batchNorm, Dense, Dropout, LayerNorm, Standardize } from '../src/nn/layers/index.js';
import { Sequential } from '../src/nn/model.js';
import { replan } from '../src/nn/plan.js';
import { TrackingKernels } from './helpers.js';

const kernels = new JsKernels();
const seed = new Sequential([new Standardize(), new Dense({ units: 3 }), batchNorm(), new Activation({ kind: 'relu' }), new LayerNorm(), new Dense({ units: 2 })]);
seed.build({ inputWidth: 4, batchSize: 8, seed: 1, kernels });
const arch = architectureOf(seed, 'softmax_cross_entropy');
const sound = encodeModel(seed, arch);
const { tensors, metadata } = decodeSafetensors(sound, 'seed');

/** The sound model's file with the architecture patched, tensors' values edited, and tensors added. */
function variant({ patch = {}, edit, extra = [] }: { patch?: Partial<Architecture>; edit?: (name: string, data: Float32Array) => void; extra?: NamedTensor[] }): Uint8Array {
  const ts = [...tensors].map(([name, t]) => ({ name, shape: t.shape, data: t.data.slice() }));
  for (const t of ts) edit?.(t.name, t.data);
  return encodeSafetensors([...ts, ...extra], { ...metadata, 'scratchnet.architecture': JSON.stringify({ ...arch, ...patch }) });
}
const zeroTensor = (width: number): NamedTensor => ({ name: 'empty', shape: [0, width], data: new Float32Array(0) });
const setAt = (tensor: string, index: number, value: number) => (name: string, d: Float32Array) => {
  if (name === tensor) d[index] = value;
};

/**
 * Counts the typed arrays made while `body` runs (the values they hold, summed) and the kernels'
 * buffers (`k.live`): every allocation that could grow with a size a file declares.
 */
function countAllocations(k: TrackingKernels, body: () => void): { values: number; kernelBuffers: number } {
  const originals = { Float32Array, Float64Array, Int32Array, Uint32Array, Uint8Array };
  let values = 0;
  const before = k.live.size;
  for (const [name, C] of Object.entries(originals)) {
    const counted: typeof C = new Proxy(C, {
      construct(target, args, newTarget): object {
        if (typeof args[0] === 'number') values += args[0];
        return Reflect.construct(target, args, newTarget === counted ? target : newTarget);
      },
    });
    Object.assign(globalThis, { [name]: counted });
  }
  try {
    body();
  } finally {
    Object.assign(globalThis, originals);
  }
  return { values, kernelBuffers: k.live.size - before };
}

const rejects = (bytes: Uint8Array, pattern: RegExp, k = kernels) =>
  assert.throws(
    () => decodeModel(bytes, { kernels: k }, 'm.safetensors'),
    (e: unknown) => e instanceof ModelFileError && pattern.test(e.message) && e.message.length < 1024,
  );

describe('model files: a plan that computes before it allocates', () => {
  it("planning every layer kind at 2^28 features allocates no more than at 8 (the random streams' state) and no kernel buffer", () => {
    const plan = (width: number) => {
      const k = new TrackingKernels();
      const layers = [new Standardize(), new Dense({ units: width }), batchNorm(), new LayerNorm(), new Activation({ kind: 'relu' }), new Dropout({ rate: 0.5 }), new Dense({ units: 3 })];
      const model = new Sequential(layers);
      let bytes = 0;
      const counted = countAllocations(k, () => {
        bytes = model.plan({ inputWidth: width, batchSize: 256, kernels: k, maxWidth: 2 ** 30 }).bytes;
      });
      return { bytes, ...counted };
    };
    const small = plan(8), huge = plan(2 ** 28);
    assert.ok(huge.bytes > 2 ** 40, `planned ${huge.bytes} bytes`);
    assert.ok(small.values < 100, `${small.values} values`);
    assert.deepEqual([huge.values, huge.kernelBuffers], [small.values, 0]);
  });

  it('a zero-element tensor does not lift the width limit: 2^33 and 2^28 inputs are refused before anything is made', () => {
    for (const width of [2 ** 33, 2 ** 28, 2 ** 24]) {
      const bytes = variant({ patch: { inputWidth: width }, extra: [zeroTensor(width)] });
      assert.ok(bytes.length < 4096);
      const k = new TrackingKernels();
      const counted = countAllocations(k, () => rejects(bytes, new RegExp(`inputWidth is ${width}, more than the limit 4\\b`), k));
      assert.ok(counted.values <= bytes.length, `${counted.values} values allocated for a ${bytes.length}-byte file`);
      assert.equal(counted.kernelBuffers, 0);
    }
  });

  it('huge unit counts and huge declared shapes: refused, nothing allocated', () => {
    const units = variant({ patch: { layers: arch.layers.map((l, i) => (i === 1 ? { ...l, config: { ...l.config, units: 2 ** 31 } } : l)) }, extra: [zeroTensor(2 ** 31)] });
    const k = new TrackingKernels();
    const counted = countAllocations(k, () => rejects(units, /invalid architecture: .*output width of dense_1 is 2147483648, more than the limit 4\b/, k));
    assert.ok(counted.values <= units.length);
    assert.equal(counted.kernelBuffers, 0);
  });

  it('a new batch size is sized before anything is made: setBatchSize(2^40) is a ConfigError, the model stays as it was', () => {
    const make = () => new Sequential([new Standardize(), new Dense({ units: 6 }), batchNorm(), new LayerNorm(), new Activation({ kind: 'relu' }), new Dropout({ rate: 0.5 }), new Dense({ units: 3 })]);
    const at = (batchSize: number) => make().plan({ inputWidth: 5, batchSize, kernels });
    assert.deepEqual(replan(at(7), 300), at(300));
    const k = new TrackingKernels();
    const model = make().build({ inputWidth: 5, batchSize: 8, seed: 3, kernels: k });
    const weights = model.getWeights();
    const live = k.live.size;
    assert.throws(() => model.setBatchSize(2 ** 40), (e: unknown) => e instanceof ConfigError && /Sequential\.setBatchSize: the model needs .* for batches of 1099511627776\), more than the 4\.00 GiB/.test(e.message));
    assert.equal(k.live.size, live);
    assert.equal(model.batchSize, 8);
    assert.deepEqual(model.getWeights(), weights);
    assert.equal(model.forward(new Matrix(8, 5, k.alloc(40).fill(1))).rows, 8);
  });

  it('a model larger than maxBytes is a ResourceError before the build', () => {
    const k = new TrackingKernels();
    assert.throws(
      () => decodeModel(sound, { kernels: k, maxBytes: 1000 }, 'm.safetensors'),
      (e: unknown) => e instanceof ResourceError && /m\.safetensors: the model needs .* for batches of 256\), more than the 9\.31e-7 GiB this machine can give it/.test(e.message),
    );
    assert.equal(k.live.size, 0);
    assert.equal(decodeModel(sound, { kernels, maxBytes: 10 ** 6 }).model.inputWidth, 4);
  });
});

describe('model files: layer state checked by what it means', () => {
  it('a sound file loads and predicts finite probabilities', () => {
    const { model } = decodeModel(sound, { kernels });
    assert.deepEqual(Array.from(model.getWeights()), Array.from(seed.getWeights()));
  });

  it('a standard deviation at or below the floor, or infinite: the tensor and the index', () => {
    for (const v of [0, 1e-45, 1e-12, -1, Infinity]) {
      rejects(variant({ edit: setAt('standardize_1.std', 2, v) }), new RegExp(`tensor 'standardize_1\\.std' holds ${String(Math.fround(v)).replace('+', '\\+')} at index 2, expected (a standard deviation above 1e-12|finite values)`));
    }
    rejects(variant({ edit: setAt('standardize_1.std', 3, NaN) }), /tensor 'standardize_1\.std' holds NaN at index 3, expected finite values/);
    rejects(
      variant({ edit: (n, d) => (setAt('standardize_1.mean', 0, 3e38)(n, d), setAt('standardize_1.std', 0, 1e-3)(n, d)) }),
      /tensors 'standardize_1\.mean' and 'standardize_1\.std' hold .* at index 0: −mean\/std is -Infinity, expected a finite float32/,
    );
  });

  it('a negative or infinite running variance: the tensor and the index', () => {
    rejects(variant({ edit: setAt('batch_norm_1.running_var', 1, -1) }), /tensor 'batch_norm_1\.running_var' holds -1 at index 1, expected a variance ≥ 0/);
    rejects(variant({ edit: setAt('batch_norm_1.running_var', 0, -Infinity) }), /tensor 'batch_norm_1\.running_var' holds -Infinity at index 0, expected finite values/);
    // 0 is a constant feature's variance: sound
    assert.ok(decodeModel(variant({ edit: setAt('batch_norm_1.running_var', 0, 0) }), { kernels }).model);
  });

  it("eps of batch and layer norm: positive and at least float32's smallest normal number", () => {
    for (const layer of [2, 4]) {
      for (const eps of [0, -1, 1e-45, 1e-300]) {
        const patch = { layers: arch.layers.map((l, i) => (i === layer ? { ...l, config: { ...l.config, eps } } : l)) };
        rejects(variant({ patch }), new RegExp(`layer ${layer}: (batch|layer)_norm: eps must be a finite number ≥ 1\\.18e-38 .*found ${eps}`));
      }
    }
  });

  it('long layer names and string options: refused with a short message', () => {
    const long = 'x'.repeat(100_000);
    const layers = (patch: object) => ({ layers: arch.layers.map((l, i) => (i === 1 ? { ...l, ...patch } : l)) });
    rejects(variant({ patch: layers({ name: long }) }), /\$\.layers\[1\]\.name: expected a non-empty string of at most 128 characters, found "x+/);
    rejects(variant({ patch: layers({ config: { units: long } }) }), /\$\.layers\[1\]\.config\.units: expected a string of at most 128 characters/);
  });

  it('weights that overflow float32 for an all-zero row: refused at load time', () => {
    const overflow = (n: string, d: Float32Array) => (n === 'layer_norm_1.beta' || n === 'dense_2.weight') && d.fill(3e38);
    rejects(variant({ edit: overflow }), /m\.safetensors: the model's output 0 for an all-zero input row is Infinity, expected a finite number/);
  });
});
