import type { Layer } from '../layer.js';
import type { OnnxGraphBuilder } from '../onnx-graph.js';

/**
 * Where the recipe (src/recipe/build.ts) inserts a layer whose run option is on:
 * - `hidden-pre-activation`: after each hidden Dense, before its activation (batch norm, layer norm).
 */
export type LayerPlace = 'hidden-pre-activation';

/**
 * A run option a layer kind contributes to the training schema (src/recipe/options.ts): a boolean
 * config key, its CLI flag (the key in kebab-case), and where the recipe puts the layer when it is on. The CLI, study specs, docs/cli.md and the playground read it from the schema.
 */
export interface LayerOption<K extends string = string> {
  /** The config key: TrainConfig, study-spec patches, the playground's state (camelCase). */
  key: K;
  /** The CLI flag: the key in kebab-case (`--batch-norm`). */
  flag: string;
  /** The flag's `--help` line. */
  help: string;
  /** One line for docs/cli.md. */
  doc: string;
  place: LayerPlace;
  /** The layer for a hidden layer of `units` features. */
  create: (units: number) => Layer;
  /**
   * The playground's checkbox: its label, where it is shown (default: every mode), its URL key, and
   * for its "about" text the formula and its section of docs/theory.md (GitHub's anchor of the heading).
   */
  playground?: { label?: string; modes?: readonly ('2d' | 'images')[]; url?: string; formula?: string; theory?: string };
}

/**
 * How a layer kind appears in a torch `nn.Sequential` (src/nn/torch.ts). With only `module`, torch.ts
 * knows the layer itself (Linear, Dropout); with `args`, `fromArgs` and `tensors`, it exports and
 * imports the layer from this description alone.
 */
export interface TorchForm {
  /** The module's name as torch prints it (`LayerNorm`). */
  module: string;
  /** The module's arguments as torch writes them, from the built layer (`['8']`, `['8', 'eps=0.001']`). */
  args?: (layer: Layer) => string[];
  /** The layer of a module with these arguments (positional, and keyword ones by name). */
  fromArgs?: (positional: string[], kw: (key: string) => string | undefined) => Layer;
  /** state_dict key → the layer's parameter or buffer of that name suffix (`weight` → `gamma`). */
  tensors?: Readonly<Record<string, string>>;
  /** state_dict keys of the module that scratchnet does not keep (read and dropped: `num_batches_tracked`). */
  ignored?: readonly string[];
}

/** What a layer kind tells the registry (src/nn/layers/registry.ts lists the files). */
export interface LayerEntry<K extends string = string> {
  /** Recreates the layer from its `config()` (model files). */
  fromConfig: (config: Record<string, unknown>) => Layer;
  /** The PyTorch module it matches (`BatchNorm1d`, `LayerNorm`), where there is one. */
  torch?: TorchForm;
  /** A run option that inserts this layer (see {@link LayerOption}). */
  option?: LayerOption<K>;
  /**
   * The layer's inference (eval-mode) graph in ONNX operators (src/nn/onnx.ts): adds its nodes and
   * initializers to `g` over the value named `x`, returns the name of its output. Without one, a
   * model holding the layer cannot be exported to ONNX.
   */
  onnx?: (layer: Layer, g: OnnxGraphBuilder, x: string) => string;
}

/** A registered layer kind: its model-file `type` and its {@link LayerEntry}. */
export interface LayerDefinition<T extends string = string, K extends string = string> extends LayerEntry<K> {
  readonly layerType: T;
  readonly isLayerDefinition: true;
}

/**
 * Declares a layer kind, in the layer's own file:
 * ```ts
 * export const batchNormLayer = defineLayer('batch_norm', { fromConfig: (c) => new BatchNorm(c), option: { key: 'batchNorm', … } });
 * ```
 * and one line in src/nn/layers/registry.ts (`export * from './batch-norm.js';`) registers it:
 * model files load it, and its option reaches the CLI, study specs, docs and the playground.
 */
export function defineLayer<T extends string, K extends string = never>(type: T, entry: LayerEntry<K>): LayerDefinition<T, K> {
  return { ...entry, layerType: type, isLayerDefinition: true };
}

/** True for the values made by {@link defineLayer} (how the registry finds them among a module's exports). */
export function isLayerDefinition(v: unknown): v is LayerDefinition {
  return typeof v === 'object' && v !== null && (v as { isLayerDefinition?: unknown }).isLayerDefinition === true;
}
