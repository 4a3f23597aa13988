/**
 * A scratchnet model as an ONNX model (https://onnx.ai): the inference graph that `predict` runs,
 * for onnxruntime (Node, web, Python, C#, mobile), TensorRT, OpenVINO or Netron.
 *
 * Each layer kind writes its own nodes (`onnx` in its `defineLayer`; each activation's form is a
 * row of src/core/activations.ts): Dense → Gemm with W [in, out]; standardisation → Mul, Add;
 * batch norm → BatchNormalization with the running statistics; layer norm → LayerNormalization;
 * dropout → nothing (the identity at inference); GELU → Erf arithmetic (ONNX's Gelu needs opset 20).
 * Then the output as `predict` gives it for the loss: Softmax (softmax cross-entropy), Sigmoid
 * (sigmoid cross-entropy), or the raw outputs (regression losses; also when no loss is given).
 * Opset 17, IR version 8; float32 input `input` [batch, inputWidth] and output `output`
 * [batch, outputWidth], the batch dimension symbolic.
 */
import { activationDef } from '../core/activations.js';
import { ConfigError } from '../errors.js';
import { encodeOnnxModel, type OnnxValueInfo } from '../io/onnx-proto.js';
import type { Architecture } from './io.js';
import { layerDefinition } from './layers/index.js';
import { createLoss, type OutputActivation } from './losses/index.js';
import type { Sequential } from './model.js';
import { OnnxGraphBuilder } from './onnx-graph.js';

/** The operator set the graph uses (LayerNormalization arrived in 17). */
export const ONNX_OPSET = 17;
/** The IR version of opset 17 (onnx's docs/Versioning.md). */
const IR_VERSION = 8;

/** The output activation `predict` applies for a loss, as ONNX nodes. */
const OUTPUTS: Record<OutputActivation, (g: OnnxGraphBuilder, x: string) => string> = {
  softmax: (g, x) => g.op('Softmax', [x], { axis: { int: -1 } }),
  sigmoid: (g, x) => activationDef('sigmoid').onnx(g, x, 0),
  linear: (_g, x) => x,
};

export interface ToOnnxOptions {
  /** The scratchnet version, written as `producer_version` and `scratchnet.version` (the CLI gives its own). */
  version?: string;
}

/**
 * The bytes of an `.onnx` file computing what `predict(model, x, output)` does, `output` being the
 * output of `arch.loss` (raw outputs without `arch`). Metadata (`metadata_props`): `scratchnet.loss`,
 * `scratchnet.output` (softmax, sigmoid or linear), `scratchnet.class_names` and
 * `scratchnet.image_shape` (JSON) where `arch` has them, `scratchnet.version` where given.
 * @throws ConfigError for a model that is not built, or a layer kind without an ONNX form (one
 * registered with `registerLayer`)
 */
export function toOnnx(model: Sequential, arch?: Pick<Architecture, 'loss' | 'classNames' | 'imageShape'>, { version }: ToOnnxOptions = {}): Uint8Array {
  if (!model.isBuilt) throw new ConfigError('toOnnx: the model is not built (build it, or load a model file, first)');
  const g = new OnnxGraphBuilder();
  let x = 'input';
  for (const layer of model.layers) {
    const form = layerDefinition(layer.type)?.onnx;
    if (!form) throw new ConfigError(`toOnnx: layer ${layer.name} (${layer.type}) has no ONNX form; layer kinds with one: those of the library (its defineLayer gives 'onnx')`);
    g.scope = layer.name;
    x = form(layer, g, x);
  }
  const output = arch ? createLoss(arch.loss).output : 'linear';
  g.scope = 'output';
  x = OUTPUTS[output](g, x);
  if (x === 'input') x = g.op('Identity', [x]); // no node at all (dropout alone)
  g.rename(x, 'output');
  const batch = 'batch';
  const inputs: OnnxValueInfo[] = [{ name: 'input', dims: [batch, model.inputWidth] }];
  const outputs: OnnxValueInfo[] = [{ name: 'output', dims: [batch, model.outputWidth] }];
  const metadata: [string, string][] = [];
  if (arch) metadata.push(['scratchnet.loss', arch.loss]);
  metadata.push(['scratchnet.output', output]);
  if (arch?.classNames) metadata.push(['scratchnet.class_names', JSON.stringify(arch.classNames)]);
  if (arch?.imageShape) metadata.push(['scratchnet.image_shape', JSON.stringify(arch.imageShape)]);
  if (version !== undefined) metadata.push(['scratchnet.version', version]);
  const what = { softmax: 'class probabilities (softmax)', sigmoid: 'probabilities (sigmoid)', linear: 'the raw outputs' }[output];
  return encodeOnnxModel({
    irVersion: IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: 'scratchnet',
    ...(version !== undefined ? { producerVersion: version } : {}),
    docString: `input: float32 [batch, ${model.inputWidth}]; output: ${what}, float32 [batch, ${model.outputWidth}]`,
    graph: { name: 'scratchnet', nodes: g.nodes, initializers: g.initializers, inputs, outputs },
    metadata,
  });
}
