/**
 * The strict reading of a model file's `scratchnet.architecture`: every key known, every value of
 * its type, class names as many as the outputs — checked on the plain JSON before any layer is
 * built, so a bad file ends in a ModelFileError and never in a crash or a huge allocation.
 */
import { ModelFileError, ScratchnetError } from '../errors.js';
import { brief, clip } from '../io/json-guard.js';
import type { Architecture } from './io.js';
import type { Layer } from './layer.js';
import { layerFromConfig } from './layers/index.js';
import { LOSSES } from './losses/index.js';

const TOP_KEYS = ['inputWidth', 'outputWidth', 'loss', 'classNames', 'imageShape', 'layers'];
const LAYER_KEYS = ['type', 'name', 'config'];
/** Longest layer name, or string option of a layer, a model file may hold. */
const MAX_NAME = 128;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/** Classes a model's outputs stand for: one sigmoid output is a two-class model. */
export function classCount(a: Pick<Architecture, 'loss' | 'outputWidth'>): number {
  return a.loss === 'sigmoid_cross_entropy' && a.outputWidth === 1 ? 2 : a.outputWidth;
}

/** The value option `key` takes when a layer is made without it; undefined if it is required or has no default. */
function defaultOption(type: string, config: Json, key: string): unknown {
  const { [key]: _omitted, ...rest } = config;
  try {
    return layerFromConfig(type, rest, '').config()[key];
  } catch {
    return undefined;
  }
}

/**
 * Checks the architecture JSON of model file `path` and makes its layers (constructed only:
 * nothing is allocated until the model is built).
 * @throws ModelFileError naming `path`, the JSON path, expected and found
 */
export function checkArchitecture(raw: unknown, path: string): { architecture: Architecture; layers: Layer[] } {
  const fail = (at: string, expected: string, found: unknown): never => {
    throw new ModelFileError(`${path}: metadata 'scratchnet.architecture': ${at}: expected ${expected}, found ${brief(found)}`);
  };
  if (!isObject(raw)) fail('$', 'an object', raw);
  const a = raw as Json;
  for (const k of Object.keys(a)) if (!TOP_KEYS.includes(k)) fail(`$.${clip(k, 40)}`, `only the keys ${TOP_KEYS.join(', ')}`, k);
  if (!isCount(a.inputWidth)) fail('$.inputWidth', 'a positive integer', a.inputWidth);
  if (!isCount(a.outputWidth)) fail('$.outputWidth', 'a positive integer', a.outputWidth);
  if (!(LOSSES as readonly unknown[]).includes(a.loss)) fail('$.loss', `one of ${LOSSES.join(', ')}`, a.loss);
  const arch = a as unknown as Architecture;
  if (a.classNames !== undefined) {
    const n = classCount(arch);
    if (!Array.isArray(a.classNames) || !a.classNames.every((s) => typeof s === 'string')) fail('$.classNames', 'an array of strings', a.classNames);
    if ((a.classNames as string[]).length !== n) fail('$.classNames', `${n} names (one per class of the ${arch.outputWidth} outputs)`, `${(a.classNames as string[]).length} names`);
  }
  if (a.imageShape !== undefined) {
    const s = a.imageShape;
    if (!Array.isArray(s) || s.length !== 2 || !s.every(isCount)) fail('$.imageShape', '[height, width] of positive integers', s);
    if ((s as number[])[0] * (s as number[])[1] !== arch.inputWidth) fail('$.imageShape', `height × width = inputWidth ${arch.inputWidth}`, s);
  }
  if (!Array.isArray(a.layers) || a.layers.length === 0) fail('$.layers', 'a non-empty array of layers', a.layers);
  const layers = (a.layers as unknown[]).map((l, i) => {
    const at = `$.layers[${i}]`;
    if (!isObject(l)) return fail(at, 'an object {type, name, config}', l);
    for (const k of Object.keys(l)) if (!LAYER_KEYS.includes(k)) fail(`${at}.${clip(k, 40)}`, `only the keys ${LAYER_KEYS.join(', ')}`, k);
    if (typeof l.type !== 'string' || l.type.length > 64) fail(`${at}.type`, 'a layer type name', l.type);
    // names reach error messages (and tensor names): a long one would make every message long
    if (typeof l.name !== 'string' || l.name === '' || l.name.length > MAX_NAME) fail(`${at}.name`, `a non-empty string of at most ${MAX_NAME} characters`, l.name);
    const config = l.config ?? {};
    if (!isObject(config)) return fail(`${at}.config`, 'an object', config);
    for (const [k, v] of Object.entries(config)) {
      if (v !== null && typeof v === 'object') fail(`${at}.config.${clip(k, 40)}`, 'a number, string or boolean', v);
      if (typeof v === 'string' && v.length > MAX_NAME) fail(`${at}.config.${clip(k, 40)}`, `a string of at most ${MAX_NAME} characters`, v);
    }
    let layer: Layer;
    try {
      layer = layerFromConfig(l.type as string, config, `${path}: layer ${i}`);
    } catch (e) {
      if (e instanceof ModelFileError || !(e instanceof ScratchnetError)) throw e;
      throw new ModelFileError(`${path}: invalid architecture: layer ${i}: ${clip(e.message, 400)}`);
    }
    const known = Object.keys(layer.config());
    for (const [k, v] of Object.entries(config)) {
      if (!known.includes(k)) fail(`${at}.config.${clip(k, 40)}`, `only the ${l.type} options ${known.join(', ') || '(none)'}`, k);
      // an option with a default must have the default's type (useBias: "no" is not a boolean)
      const byDefault = defaultOption(l.type as string, config, k);
      if (byDefault !== undefined && byDefault !== null && v !== null && typeof v !== typeof byDefault) {
        fail(`${at}.config.${clip(k, 40)}`, `a ${typeof byDefault} (like its default ${brief(byDefault)})`, v);
      }
    }
    layer.name = l.name as string;
    return layer;
  });
  return { architecture: arch, layers };
}
