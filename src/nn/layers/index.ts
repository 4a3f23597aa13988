import { ModelFileError } from '../../errors.js';
import type { Layer } from '../layer.js';
import { Activation, type ActivationArgs, type ActivationName } from './activation.js';
import { defineLayer, isLayerDefinition, type LayerDefinition, type LayerOption } from './define.js';
import { Dense, type DenseArgs } from './dense.js';
import * as registry from './registry.js';

// every layer kind's classes, factories and definitions (`dense` below wraps its own with an optional activation)
export * from './registry.js';
export { defineLayer, type LayerDefinition, type LayerEntry, type LayerOption, type LayerPlace } from './define.js';

/**
 * `dense({ units: 128 })` → a Dense layer; `dense({ units: 128, activation: 'relu' })` → the pair
 * [Dense, Activation] (Keras's `Dense(128, activation='relu')`), which `sequential` flattens and the
 * model's fusion then runs as one GEMM with the ReLU inside (src/nn/fusion.ts).
 */
export function dense(args: DenseArgs & { activation?: undefined }): Dense;
export function dense(args: DenseArgs & { activation: ActivationName | Omit<ActivationArgs, 'name'> }): [Dense, Activation];
export function dense(args: DenseArgs & { activation?: ActivationName | Omit<ActivationArgs, 'name'> }): Dense | [Dense, Activation];
export function dense({ activation: act, ...args }: DenseArgs & { activation?: ActivationName | Omit<ActivationArgs, 'name'> }): Dense | [Dense, Activation] {
  const layer = new Dense(args);
  return act === undefined ? layer : [layer, new Activation(typeof act === 'string' ? { kind: act } : act)];
}

type LayerFactory = (config: Record<string, unknown>) => Layer;

type Registry = typeof registry;
type Definitions = { [K in keyof Registry]: Registry[K] extends LayerDefinition<string, string> ? Registry[K] : never }[keyof Registry];

/** The model-file type of every registered layer kind (`dense`, `batch_norm`, ...). */
export type LayerType = Definitions['layerType'];
/** The config keys the layer kinds contribute to a run (batch norm's, ...): each inserts its layer when true. */
export type LayerOptionKey = Definitions extends LayerDefinition<string, infer K> ? K : never;

const DEFINITIONS = new Map<string, LayerDefinition>();
for (const v of Object.values(registry)) {
  if (!isLayerDefinition(v)) continue;
  if (DEFINITIONS.has(v.layerType)) throw new Error(`layer registry: two layer kinds are named '${v.layerType}'`);
  DEFINITIONS.set(v.layerType, v);
}

/** Every registered layer kind, in the registry's order. */
export const LAYER_DEFINITIONS: readonly LayerDefinition[] = [...DEFINITIONS.values()];

/** The run options the layer kinds contribute, in the registry's order (the schema appends them to its own). */
export const LAYER_OPTIONS: readonly LayerOption<LayerOptionKey>[] = LAYER_DEFINITIONS.flatMap((d) => (d.option ? [d.option as LayerOption<LayerOptionKey>] : []));

/** The definition of a layer kind by its model-file type, or undefined. */
export function layerDefinition(type: string): LayerDefinition | undefined {
  return DEFINITIONS.get(type);
}

/** Makes a layer type loadable from model files; a layer kind of the library declares itself with {@link defineLayer} instead. */
export function registerLayer(type: string, factory: LayerFactory): void {
  DEFINITIONS.set(type, defineLayer(type, { fromConfig: factory }));
}

/** Recreates a layer from its `type` and `config()` (model files). */
export function layerFromConfig(type: string, config: Record<string, unknown>, where: string): Layer {
  const def = DEFINITIONS.get(type);
  if (!def) throw new ModelFileError(`${where}: unknown layer type '${type}', expected one of ${[...DEFINITIONS.keys()].join(', ')}`);
  return def.fromConfig(config);
}
