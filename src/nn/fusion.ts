import type { Layer } from './layer.js';
import { Activation } from './layers/activation.js';
import { Dense } from './layers/dense.js';

/**
 * Kernel fusion, planned once when a model is built: each ReLU next to a Dense layer runs inside
 * that layer's GEMM instead of as a pass of its own over the activations.
 *
 * - Dense → ReLU: the Dense forward stores `max(x·W + b, 0)` (GemmOptions.relu) and the ReLU
 *   passes it through.
 * - ReLU → Dense: the Dense backward stores `dx = (dy·Wᵀ) ⊙ [x > 0]` (GemmOptions.mask, x being the
 *   ReLU's output) and the ReLU's backward passes dx through.
 *
 * Results are the same bits as with separate layers (a ReLU is a select), only cheaper; the layer
 * list, names and model files do not change. `enabled = false` undoes any earlier fusion.
 */
export function fuseRelu(layers: readonly Layer[], enabled = true): void {
  for (const layer of layers) {
    if (layer instanceof Dense) layer.fusion = { reluOut: false, reluIn: false };
    if (layer instanceof Activation) layer.fused = { forward: false, backward: false };
  }
  if (!enabled) return;
  layers.forEach((layer, i) => {
    if (!(layer instanceof Activation) || layer.kind !== 'relu') return;
    const before = layers[i - 1];
    const after = layers[i + 1];
    if (before instanceof Dense) {
      before.fusion.reluOut = true;
      layer.fused.forward = true;
    }
    if (after instanceof Dense && after.computesInputGrad) {
      after.fusion.reluIn = true;
      layer.fused.backward = true;
    }
  });
}

/** One line per fused ReLU, for `Sequential.summary()`. */
export function fusionNotes(layers: readonly Layer[]): string[] {
  return layers.flatMap((layer, i) => {
    if (!(layer instanceof Activation)) return [];
    const into = [layer.fused.forward && `${layers[i - 1].name}'s forward GEMM`, layer.fused.backward && `${layers[i + 1].name}'s input-gradient GEMM`].filter(Boolean);
    return into.length > 0 ? [`${layer.name} runs inside ${into.join(' and ')}`] : [];
  });
}
