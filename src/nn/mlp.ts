import { ConfigError } from '../errors.js';
import { activationDef, type ActivationName } from '../core/activations.js';
import type { InitKind } from './init.js';
import type { Layer } from './layer.js';
import { Activation, checkActivation, Dense, Dropout, Standardize } from './layers/index.js';
import { Sequential } from './model.js';

export interface MlpArgs {
  /** Hidden layer widths, e.g. [256, 128]. */
  hidden: number[];
  /** Output width (classes, or 1 for a sigmoid binary output). */
  outputs: number;
  /** Hidden activation (default relu), or one per hidden layer (`['relu', 'tanh']`). */
  activation?: ActivationName | string | readonly (ActivationName | string)[];
  /** Dropout rate after each hidden activation (default 0: none). */
  dropout?: number;
  /** Weight init of the hidden layers (default: each layer's activation's, he_uniform for ReLU-like, glorot_uniform for sigmoid/tanh). */
  init?: InitKind;
  /** Inserted after each hidden Dense, before its activation (batch norm, layer norm: the recipe's layer options). */
  normalization?: (units: number) => Layer | Layer[];
  /** Start with a Standardize layer (fit it on the training data before training). */
  standardize?: boolean;
  /**
   * Dropout rate on the raw inputs (default 0: none; Srivastava et al. 2014 drop 20% of the pixels).
   * The layer comes first, before the Standardize layer: a dropped value is a zero of the raw input
   * (a black pixel), and mostly-zero batches keep the sparse first layer (src/nn/sparse-input.ts).
   */
  inputDropout?: number;
  /**
   * Regression: end with y = z·std + mean per output (a Standardize layer with μ' = −mean/std,
   * σ' = 1/std), so the net fits standardised targets while predicting in the data's units.
   */
  rescaleOutputs?: { mean: ArrayLike<number>; std: ArrayLike<number> };
}

/**
 * The usual fully-connected classifier: (input dropout) → (standardize) → [Dense → (norm) → act →
 * (dropout)] × hidden, Dense → logits (→ rescale, regression).
 */
export function mlp({ hidden, outputs, activation = 'relu', dropout = 0, init, normalization, standardize = false, inputDropout = 0, rescaleOutputs }: MlpArgs): Sequential {
  for (const h of hidden) if (!Number.isInteger(h) || h <= 0) throw new ConfigError(`mlp: hidden layer widths must be positive integers, found ${h}`);
  const acts = typeof activation === 'string' ? hidden.map(() => checkActivation(activation, 'mlp')) : activation.map((a) => checkActivation(a, 'mlp'));
  if (typeof activation === 'string') checkActivation(activation, 'mlp'); // also without hidden layers
  if (acts.length !== hidden.length) throw new ConfigError(`mlp: ${acts.length} activations for ${hidden.length} hidden layers, expected one name or ${hidden.length}`);
  const layers: Layer[] = [];
  // named apart from the hidden dropouts, whose random streams (`dropout_1/dropout`, ...) stay the same
  if (inputDropout !== 0) layers.push(new Dropout({ rate: inputDropout, name: 'input_dropout' }));
  if (standardize) layers.push(new Standardize());
  hidden.forEach((units, i) => {
    layers.push(new Dense({ units, init: init ?? activationDef(acts[i]).init }));
    if (normalization) layers.push(...[normalization(units)].flat());
    layers.push(new Activation({ kind: acts[i] }));
    if (dropout > 0) layers.push(new Dropout({ rate: dropout }));
  });
  layers.push(new Dense({ units: outputs, init: 'glorot_uniform' }));
  if (rescaleOutputs) {
    const { mean, std } = rescaleOutputs;
    if (mean.length !== outputs || std.length !== outputs) throw new ConfigError(`mlp: rescaleOutputs needs ${outputs} means and stds, found ${mean.length} and ${std.length}`);
    const s = Array.from(std, (v) => (v > 0 ? v : 1));
    layers.push(new Standardize({ name: 'rescale', mean: Array.from(mean, (m, j) => -m / s[j]), std: s.map((v) => 1 / v) }));
  }
  return new Sequential(layers);
}

/** The Standardize layer of a model's inputs: its first layer, or the one after an input Dropout (see {@link mlp}). */
export function inputStandardize(model: Sequential): Standardize | undefined {
  const first = model.layers.find((l) => !(l instanceof Dropout));
  return first instanceof Standardize ? first : undefined;
}
