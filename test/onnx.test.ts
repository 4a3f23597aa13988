import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { JsKernels } from '../src/core/kernels-js.js';
import { ProtoWriter } from '../src/io/protobuf.js';
import { dense } from '../src/nn/layers/index.js';
import { sequential } from '../src/nn/model.js';
import { toOnnx } from '../src/nn/onnx.js';
import { cli } from './cli-helper.js';
import { assertClose } from './helpers.js';
import { onnxMetadata, onnxOps, protoFields, runOnnx } from './onnx-runtime.js';

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('protobuf writer', () => {
  it('writes the wire format: varints (negatives as ten bytes), fixed32 floats, length-delimited fields', () => {
    const w = new ProtoWriter().int(1, 150).int(2, -1).float(3, 1.5).string(4, 'hé').message(5, (m) => m.int(1, 300));
    assert.deepEqual(Array.from(w.finish()), [
      0x08, 0x96, 0x01, // field 1, varint 150
      0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, // field 2, int64 −1
      0x1d, 0x00, 0x00, 0xc0, 0x3f, // field 3, fixed32 1.5
      0x22, 0x03, 0x68, 0xc3, 0xa9, // field 4, 3 bytes of UTF-8
      0x2a, 0x03, 0x08, 0xac, 0x02, // field 5, an embedded message: field 1, varint 300
    ]);
    assert.throws(() => new ProtoWriter().int(1, 0.5), /not an integer/);
  });

  it('grows past its first buffer', () => {
    const big = new Uint8Array(10_000).fill(7);
    const fields = protoFields(new ProtoWriter().int(1, 1).bytes(2, big).int(3, 2).finish());
    assert.deepEqual(fields.map((f) => f.field), [1, 2, 3]);
    assert.deepEqual(fields[1].value, big);
  });
});

describe('toOnnx metadata', () => {
  it('holds what the architecture has: image shape and class names; without one, the raw outputs and no loss', () => {
    const model = sequential([dense({ units: 2 })]).build({ inputWidth: 4, batchSize: 2, kernels: new JsKernels() });
    assert.deepEqual(onnxMetadata(toOnnx(model, { loss: 'sigmoid_cross_entropy', imageShape: [2, 2], classNames: ['no', 'yes'] })), {
      'scratchnet.loss': 'sigmoid_cross_entropy',
      'scratchnet.output': 'sigmoid',
      'scratchnet.class_names': '["no","yes"]',
      'scratchnet.image_shape': '[2,2]',
    });
    const raw = toOnnx(model);
    assert.deepEqual(onnxMetadata(raw), { 'scratchnet.output': 'linear' });
    assert.deepEqual(onnxOps(raw), ['Gemm']);
    model.release();
  });
});

describe('scratchnet convert --to onnx', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-onnx-'));
  const run = (...args: string[]) => {
    const r = cli(args);
    assert.equal(r.status, 0, `scratchnet ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  /** `scratchnet predict --json` over `rows` (plus --probabilities for a classifier). */
  const predictJson = (model: string, rows: number[][], probabilities: boolean) => {
    const input = join(dir, 'rows.json');
    writeFileSync(input, JSON.stringify(rows));
    return JSON.parse(run('predict', '--model', model, '--input', input, '--json', ...(probabilities ? ['--probabilities'] : []))) as { probabilities?: number[][]; outputs?: number[][] | number[]; labels?: string[] };
  };

  it('a CLI-trained classifier with standardisation, batch norm, GELU and dropout: predict --probabilities to 1e-5', async () => {
    const model = join(dir, 'iris.safetensors');
    const onnx = join(dir, 'iris.onnx');
    run('train', '--dataset', 'iris', '--layers', '8,6', '--activation', 'gelu', '--batch-norm', '--dropout', '0.2', '--epochs', '20', '--batch-size', '16', '--save', model);
    const out = run('convert', '--to', 'onnx', model, onnx);
    assert.match(out, /iris\.onnx \(ONNX, opset 17\): input 'input' \[batch, 4\], output 'output' \[batch, 3\] \(softmax probabilities\)/);
    const bytes = new Uint8Array(readFileSync(onnx));
    const ops = onnxOps(bytes);
    for (const op of ['Mul', 'Add', 'Gemm', 'BatchNormalization', 'Erf', 'Softmax']) assert.ok(ops.includes(op), `${op} in ${ops.join(', ')}`);
    assert.ok(!ops.includes('Dropout'), 'dropout is the identity at inference');
    assert.deepEqual(onnxMetadata(bytes), {
      'scratchnet.loss': 'softmax_cross_entropy',
      'scratchnet.output': 'softmax',
      'scratchnet.class_names': JSON.stringify(['setosa', 'versicolor', 'virginica']),
      'scratchnet.version': VERSION,
    });
    // raw iris measurements (the model standardises them itself), one row of each class and a made-up one
    const rows = [[5.1, 3.5, 1.4, 0.2], [6.4, 3.2, 4.5, 1.5], [6.3, 3.3, 6.0, 2.5], [9, 1, 0.5, 4]];
    const want = predictJson(model, rows, true);
    const got = await runOnnx(bytes, rows);
    assertClose(got, want.probabilities!.flat(), 1e-5, 'probabilities');
  });

  it('a CLI-trained regression model (rescaled outputs): predict --json values to 1e-5, relative', async () => {
    const model = join(dir, 'diabetes.safetensors');
    const onnx = join(dir, 'diabetes.onnx');
    run('train', '--dataset', 'diabetes', '--layers', '8', '--activation', 'silu', '--epochs', '3', '--save', model);
    assert.match(run('convert', '--to', 'onnx', model, onnx), /output 'output' \[batch, 1\] \(raw outputs\)/);
    const bytes = new Uint8Array(readFileSync(onnx));
    assert.equal(onnxMetadata(bytes)['scratchnet.output'], 'linear');
    const rows = [[0.04, 0.05, 0.06, 0.02, -0.04, -0.03, -0.04, 0, 0.02, -0.02], [-0.09, -0.04, -0.05, -0.03, 0.01, 0.02, 0.07, -0.07, -0.06, -0.09]];
    const want = predictJson(model, rows, false).outputs!.flat();
    assertClose(await runOnnx(bytes, rows), want, 1e-5, 'outputs');
  });

  it('names a missing input file and writes nothing', () => {
    const r = cli(['convert', '--to', 'onnx', join(dir, 'missing.safetensors'), join(dir, 'none.onnx')]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /missing\.safetensors/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
});
