import type { OnnxOps } from '../core/activations.js';
import type { Matrix } from '../core/matrix.js';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from '../io/onnx-proto.js';

/**
 * An ONNX graph as it is built, node after node: what a layer's ONNX form (`onnx` in its
 * `defineLayer`, src/nn/layers/define.ts) and an activation's (src/core/activations.ts) write into.
 * Value names are unique: `<layer>/<Op>` (`dense_1/Gemm`, `gelu_1/Erf`, then `_2`, …), initializers
 * are the layer's tensors by their model-file names (`dense_1.weight`) and shared scalar constants.
 */
export class OnnxGraphBuilder implements OnnxOps {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  /** The layer whose nodes are being added: the prefix of their names. */
  scope = '';
  private readonly names = new Set<string>();
  private readonly constants = new Map<number, string>();

  /** `base`, or `base_2`, `base_3`, … the first not taken. */
  private fresh(base: string): string {
    let name = base;
    for (let k = 2; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }

  op(type: string, inputs: readonly string[], attributes: Readonly<Record<string, { float: number } | { int: number }>> = {}): string {
    const out = this.fresh(`${this.scope}/${type}`);
    const attrs: OnnxAttribute[] = Object.entries(attributes).map(([name, v]) => ({ name, ...v }));
    this.nodes.push({ opType: type, inputs, outputs: [out], name: out, ...(attrs.length > 0 ? { attributes: attrs } : {}) });
    return out;
  }

  constant(value: number): string {
    let name = this.constants.get(value);
    if (name === undefined) {
      name = this.fresh(`const_${value}`);
      this.initializers.push({ name, dims: [], data: Float32Array.of(value) });
      this.constants.set(value, name);
    }
    return name;
  }

  /** A float32 initializer of shape `dims` (copied, row-major); returns its (unique) name. */
  tensor(name: string, dims: readonly number[], data: ArrayLike<number>): string {
    const unique = this.fresh(name);
    this.initializers.push({ name: unique, dims, data: Float32Array.from(data) });
    return unique;
  }

  /** A layer's parameter or buffer `[1, d]` as a 1-D initializer `[d]` under its model-file name. */
  vector(p: { name: string; value: Matrix }): string {
    return this.tensor(p.name, [p.value.size], p.value.view());
  }

  /** A layer's parameter `[rows, cols]` as a 2-D initializer under its model-file name. */
  matrix(p: { name: string; value: Matrix }): string {
    return this.tensor(p.name, [p.value.rows, p.value.cols], p.value.view());
  }

  /** Gives the value `from` (a node's output) the name `to` everywhere: the graph's output name. */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      n.outputs = n.outputs.map((v) => (v === from ? to : v));
      n.inputs = n.inputs.map((v) => (v === from ? to : v));
    }
  }
}
