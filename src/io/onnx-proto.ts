/**
 * ONNX model bytes: the subset of onnx.proto (https://github.com/onnx/onnx, onnx/onnx.proto; proto2)
 * that an inference graph of float32 tensors needs, written with {@link ProtoWriter}. Field numbers
 * are onnx.proto's, cited beside each write. Written by hand rather than with a protobuf library:
 * the subset is five messages of a handful of fields each, the core must stay free of npm packages
 * (docs/architecture.md, "Layers of the code"), and a generated codec of the whole schema would be
 * larger than everything it is used for here.
 */
import { ProtoWriter } from './protobuf.js';

/** TensorProto.DataType.FLOAT (onnx.proto: `FLOAT = 1`). */
const FLOAT = 1;
/** AttributeProto.AttributeType (onnx.proto: `FLOAT = 1; INT = 2`). */
const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;

/** A float32 tensor (an initializer): row-major `data`, `data.length` = the product of `dims`. */
export interface OnnxTensor {
  name: string;
  dims: readonly number[];
  data: Float32Array;
}

/** A node attribute: a float (`epsilon`, `alpha`) or an integer (`axis`). */
export type OnnxAttribute = { name: string; float: number } | { name: string; int: number };

export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: readonly OnnxAttribute[];
}

/** A float32 graph input or output; a string dimension is symbolic (`'batch'`: any size). */
export interface OnnxValueInfo {
  name: string;
  dims: readonly (number | string)[];
}

export interface OnnxGraph {
  name: string;
  /** Topologically sorted. */
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  /** IR version (8 for opset 17, onnx.proto's `Version` enum and docs/Versioning.md). */
  irVersion: number;
  /** Version of the default ("ai.onnx") operator set. */
  opsetVersion: number;
  producerName: string;
  producerVersion?: string;
  docString?: string;
  graph: OnnxGraph;
  /** ModelProto.metadata_props: distinct keys. */
  metadata: readonly (readonly [string, string])[];
}

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d); // dims = 1 (repeated int64, unpacked is accepted)
  w.int(2, FLOAT); // data_type = 2
  w.string(8, t.name); // name = 8
  const raw = new Uint8Array(t.data.length * 4); // raw_data = 9: fixed-width little-endian
  const view = new DataView(raw.buffer);
  for (let i = 0; i < t.data.length; i++) view.setFloat32(4 * i, t.data[i], true);
  w.bytes(9, raw);
}

function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name); // name = 1
  if ('float' in a) w.int(20, ATTRIBUTE_FLOAT).float(2, a.float); // type = 20, f = 2
  else w.int(20, ATTRIBUTE_INT).int(3, a.int); // type = 20, i = 3
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i); // input = 1
  for (const o of n.outputs) w.string(2, o); // output = 2
  if (n.name !== undefined) w.string(3, n.name); // name = 3
  w.string(4, n.opType); // op_type = 4
  for (const a of n.attributes ?? []) w.message(5, (m) => writeAttribute(m, a)); // attribute = 5
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name); // ValueInfoProto.name = 1
  w.message(2, (type) => // ValueInfoProto.type = 2 (TypeProto)
    type.message(1, (tensor) => { // TypeProto.tensor_type = 1
      tensor.int(1, FLOAT); // Tensor.elem_type = 1
      tensor.message(2, (shape) => { // Tensor.shape = 2 (TensorShapeProto)
        for (const d of v.dims) {
          // TensorShapeProto.dim = 1; Dimension.dim_value = 1, dim_param = 2
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, g: OnnxGraph): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n)); // node = 1
  w.string(2, g.name); // name = 2
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t)); // initializer = 5
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v)); // input = 11
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v)); // output = 12
}

/** The bytes of an `.onnx` file (a serialized ModelProto). */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion); // ir_version = 1
  w.string(2, model.producerName); // producer_name = 2
  if (model.producerVersion !== undefined) w.string(3, model.producerVersion); // producer_version = 3
  if (model.docString !== undefined) w.string(6, model.docString); // doc_string = 6
  w.message(7, (m) => writeGraph(m, model.graph)); // graph = 7
  w.message(8, (m) => m.string(1, '').int(2, model.opsetVersion)); // opset_import = 8: OperatorSetIdProto domain = 1, version = 2
  for (const [key, value] of model.metadata) w.message(14, (m) => m.string(1, key).string(2, value)); // metadata_props = 14: key = 1, value = 2
  return w.finish().slice();
}
