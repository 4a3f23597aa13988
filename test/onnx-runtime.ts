// What the ONNX tests share: onnxruntime-web (its WebAssembly CPU backend, in this process) running
// exported bytes, and a protobuf reader to look inside them without a runtime.
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1; // no worker threads: the test process stays alone
ort.env.logLevel = 'error';

/** onnxruntime-web's output `output` for `rows` fed as `input` [rows, width], flat and row-major. */
export async function runOnnx(bytes: Uint8Array, rows: readonly (readonly number[])[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0].length]);
    const { output } = await session.run({ input });
    return output.data as Float32Array;
  } finally {
    await session.release();
  }
}

export interface ProtoField {
  field: number;
  /** A varint's value, or the bytes of a length-delimited or fixed32 field. */
  value: bigint | Uint8Array;
}

/** The fields of one protobuf message, in order (wire types 0, 2 and 5: what the ONNX writer uses). */
export function protoFields(b: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const c = b[i++];
      if (c === undefined) throw new Error('protobuf: truncated varint');
      v |= BigInt(c & 0x7f) << shift;
      if (c < 0x80) return v;
    }
  };
  while (i < b.length) {
    const key = Number(varint());
    const [field, wire] = [key >>> 3, key & 7];
    if (wire === 0) out.push({ field, value: varint() });
    else if (wire === 2 || wire === 5) {
      const n = wire === 2 ? Number(varint()) : 4;
      if (i + n > b.length) throw new Error(`protobuf: field ${field} runs past the end`);
      out.push({ field, value: b.subarray(i, i + n) });
      i += n;
    } else throw new Error(`protobuf: unexpected wire type ${wire} (field ${field})`);
  }
  return out;
}

const text = (v: bigint | Uint8Array) => new TextDecoder().decode(v as Uint8Array);

/** ModelProto.metadata_props (field 14: key = 1, value = 2) as an object. */
export function onnxMetadata(bytes: Uint8Array): Record<string, string> {
  const entries = protoFields(bytes).filter((f) => f.field === 14).map((f) => {
    const kv = protoFields(f.value as Uint8Array);
    return [text(kv.find((e) => e.field === 1)!.value), text(kv.find((e) => e.field === 2)!.value)];
  });
  return Object.fromEntries(entries);
}

/** The op_type of every node (GraphProto.node = 1, NodeProto.op_type = 4) of the model's graph (ModelProto.graph = 7). */
export function onnxOps(bytes: Uint8Array): string[] {
  const graph = protoFields(bytes).find((f) => f.field === 7)!.value as Uint8Array;
  return protoFields(graph).filter((f) => f.field === 1).map((f) => text(protoFields(f.value as Uint8Array).find((e) => e.field === 4)!.value));
}
