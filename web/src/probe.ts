/** What the 2-D views show of a model: its outputs and hidden activations over a grid of points. */
import * as sn from 'scratchnet';

/**
 * Output probabilities and hidden activations at the grid points, in evaluation mode.
 * Returns probs [m, outputs] and one [m, units] array per hidden activation layer.
 */
export function probe(net: sn.Sequential, grid: Float32Array): { probs: Float32Array; hidden: Float32Array[] } {
  const k = net.kernels;
  const m = grid.length / 2;
  const hidden: Float32Array[] = [];
  const probs = new Float32Array(m * net.outputWidth);
  const batch = new sn.Matrix(net.batchSize, 2, k.alloc(net.batchSize * 2));
  for (let start = 0; start < m; start += net.batchSize) {
    const b = Math.min(net.batchSize, m - start);
    batch.setRows(b).data.set(grid.subarray(start * 2, (start + b) * 2));
    let h = batch;
    let j = 0;
    for (const layer of net.layers) {
      h = layer.forward(h, 'eval');
      if (layer instanceof sn.Activation) {
        hidden[j] ??= new Float32Array(m * h.cols);
        hidden[j++].set(h.view(), start * h.cols);
      }
    }
    const o = h.view();
    const w = net.outputWidth;
    for (let r = 0; r < b; r++) {
      if (w === 1) probs[start + r] = 1 / (1 + Math.exp(-o[r]));
      else {
        let max = -Infinity;
        for (let q = 0; q < w; q++) max = Math.max(max, o[r * w + q]);
        let sum = 0;
        for (let q = 0; q < w; q++) sum += Math.exp(o[r * w + q] - max);
        for (let q = 0; q < w; q++) probs[(start + r) * w + q] = Math.exp(o[r * w + q] - max) / sum;
      }
    }
  }
  k.release(batch.data);
  return { probs, hidden };
}

/** What the network diagram draws of a model: its Dense layers' widths and the activation after each hidden one. */
export interface Structure {
  /** Inputs, each Dense layer's units: [in, h1, …, outputs]. */
  widths: number[];
  /** The activation after each hidden Dense layer (one fewer than the Dense layers). */
  activations: string[];
}

export function structureOf(net: sn.Sequential): Structure {
  const widths = [net.inputWidth];
  const activations: string[] = [];
  for (const layer of net.layers) {
    if (layer instanceof sn.Dense) widths.push(layer.units);
    else if (layer instanceof sn.Activation) activations.push(layer.kind);
  }
  return { widths, activations };
}

/**
 * Every Dense layer's parameters in one array, layer after layer: W [in, out] row-major, then b [out]
 * (zeros for a layer without bias) — the layout {@link weightsLength} sizes for the widths of {@link structureOf}.
 */
export function weightsOf(net: sn.Sequential): Float32Array {
  const out = new Float32Array(weightsLength(structureOf(net).widths));
  let at = 0;
  for (const layer of net.layers) {
    if (!(layer instanceof sn.Dense)) continue;
    const [w, b] = layer.params();
    out.set(w.value.view(), at);
    at += w.value.rows * w.value.cols;
    if (b) out.set(b.value.view(), at);
    else out.fill(0, at, at + layer.units);
    at += layer.units;
  }
  return out;
}

/** Length of {@link weightsOf}'s array for Dense layers of `widths` ([in, h1, …, outputs]). */
export function weightsLength(widths: readonly number[]): number {
  let n = 0;
  for (let l = 1; l < widths.length; l++) n += (widths[l - 1] + 1) * widths[l];
  return n;
}
