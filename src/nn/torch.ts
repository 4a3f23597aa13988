/**
 * PyTorch `nn.Sequential` weights in and out: a `state_dict` of Linear layers and activations, saved
 * as safetensors, to a scratchnet model and back.
 *
 * torch's Linear keeps W as `[out, in]` (y = x·Wᵀ + b) under keys `<index>.weight` / `<index>.bias`,
 * the index being the module's position in the Sequential; scratchnet's Dense keeps W as `[in, out]`
 * (y = x·W + b). The architecture is a string as torch prints it:
 * `Linear(10, 64), ReLU(), Linear(64, 1)` (also `nn.` prefixes, `GELU(approximate='tanh')`,
 * `LeakyReLU(0.2)`, `Dropout(0.5)`, `Identity()`; the activations' module names: src/core/activations.ts).
 * A layer kind whose definition describes its torch module (`torch` in its `defineLayer`:
 * `LayerNorm(8)`, `BatchNorm1d(8)`) goes in and out by that description: its arguments and which of
 * its tensors are the module's `<index>.weight`, `<index>.bias`, ... (1-D in torch).
 */
import type { Kernels } from '../core/kernels.js';
import type { Matrix } from '../core/matrix.js';
import { ConfigError, ModelFileError } from '../errors.js';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../io/safetensors.js';
import type { Layer } from './layer.js';
import { Activation, Dense, Dropout, LAYER_DEFINITIONS, layerDefinition, Standardize, type LayerDefinition } from './layers/index.js';
import { ACTIVATIONS, activationDef, type ActivationKind } from '../core/activations.js';
import { Sequential } from './model.js';

/** One module of a torch Sequential. */
export type TorchModule =
  | { type: 'linear'; inFeatures: number; outFeatures: number; bias: boolean }
  | { type: 'activation'; kind: ActivationKind; alpha?: number }
  | { type: 'dropout'; p: number }
  | { type: 'identity' }
  /** A layer kind whose definition describes its torch module (LayerNorm, BatchNorm1d: src/nn/layers/define.ts's TorchForm). */
  | { type: 'layer'; layerType: string; module: string; args: string[] };

/** The layer kind whose definition describes torch module `name` (any case), or undefined. */
function torchLayer(name: string): LayerDefinition | undefined {
  return LAYER_DEFINITIONS.find((d) => d.torch?.fromArgs && d.torch.module.toLowerCase() === name.toLowerCase());
}

/** A module's arguments: the positional ones, and the keyword ones by name (quotes dropped). */
function splitArgs(args: readonly string[]): { positional: string[]; kw: (key: string) => string | undefined } {
  return {
    positional: args.filter((a) => !a.includes('=')),
    kw: (key) => args.find((a) => a.startsWith(`${key}=`))?.slice(key.length + 1).replace(/['"]/g, ''),
  };
}

/** The activation whose torch module is `name` (any case) and whose keyword arguments all hold, the most specific one. */
function torchActivation(name: string, kw: (key: string) => string | undefined): ActivationKind | undefined {
  let found: ActivationKind | undefined;
  let specific = -1;
  for (const kind of ACTIVATIONS) {
    const t = activationDef(kind).torch;
    if (kind === 'linear' || t.module.toLowerCase() !== name.toLowerCase()) continue;
    const kwargs = Object.entries(t.kwargs ?? {});
    if (kwargs.every(([key, v]) => kw(key) === v) && kwargs.length > specific) [found, specific] = [kind, kwargs.length];
  }
  return found;
}

/** Parses `Linear(10, 64), ReLU(), Linear(64, 1)` (or torch's printed Sequential) into modules. */
export function parseTorchArch(spec: string): TorchModule[] {
  // also torch's print(model): "Sequential(\n  (0): Linear(in_features=5, ...)\n  (1): Tanh()\n)"
  // (and a normalized shape as torch prints it, `LayerNorm((8,), eps=1e-05)`, as its size)
  const body = spec.replace(/^\s*(?:torch\.)?(?:nn\.)?Sequential\s*\(/, '').replace(/\(\d+\)\s*:/g, '').replace(/\(\s*(\d+)\s*,\s*\)/g, '$1');
  const tokens = body.match(/[A-Za-z_][A-Za-z0-9_.]*\s*(\([^)]*\))?/g) ?? [];
  if (tokens.length === 0) throw new ConfigError(`torch arch: expected modules like 'Linear(10, 64), ReLU(), Linear(64, 1)', found '${spec}'`);
  return tokens.map((tok) => {
    const m = /^(?:nn\.|torch\.nn\.)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([^)]*)\))?$/.exec(tok.trim());
    if (!m) throw new ConfigError(`torch arch: cannot read '${tok}'`);
    const name = m[1];
    const args = (m[2] ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
    const kw = (key: string) => args.find((a) => a.startsWith(`${key}=`))?.slice(key.length + 1).replace(/['"]/g, '');
    const positional = args.filter((a) => !a.includes('='));
    const lower = name.toLowerCase();
    if (lower === 'linear') {
      const [inF, outF] = [Number(kw('in_features') ?? positional[0]), Number(kw('out_features') ?? positional[1])];
      if (!(Number.isInteger(inF) && inF > 0 && Number.isInteger(outF) && outF > 0)) {
        throw new ConfigError(`torch arch: '${tok}' needs two positive integer sizes, as Linear(in_features, out_features)`);
      }
      return { type: 'linear', inFeatures: inF, outFeatures: outF, bias: (kw('bias') ?? positional[2] ?? 'True') !== 'False' };
    }
    if (lower === 'dropout') return { type: 'dropout', p: Number(kw('p') ?? positional[0] ?? 0.5) };
    if (lower === 'identity') return { type: 'identity' };
    const layer = torchLayer(name);
    if (layer) return { type: 'layer', layerType: layer.layerType, module: layer.torch!.module, args };
    const kind = torchActivation(name, kw);
    if (!kind) {
      const modules = [...new Set(ACTIVATIONS.filter((k) => k !== 'linear').map((k) => activationDef(k).torch.module))];
      const layers = LAYER_DEFINITIONS.flatMap((d) => (d.torch?.fromArgs ? [d.torch.module] : []));
      throw new ConfigError(`torch arch: unsupported module '${name}', expected Linear, ${[...modules, ...layers].join(', ')}, Dropout or Identity`);
    }
    const alphaArg = activationDef(kind).torch.alphaArg;
    const alpha = alphaArg === undefined ? undefined : (kw(alphaArg) ?? positional[0]);
    return { type: 'activation', kind, ...(alpha === undefined ? {} : { alpha: Number(alpha) }) };
  });
}

/** Modules as torch prints them: `Linear(10, 64), ReLU(), Linear(64, 1)`. */
export function formatTorchArch(modules: TorchModule[]): string {
  return modules
    .map((m) => {
      if (m.type === 'linear') return `Linear(${m.inFeatures}, ${m.outFeatures}${m.bias ? '' : ', bias=False'})`;
      if (m.type === 'dropout') return `Dropout(${m.p})`;
      if (m.type === 'identity') return 'Identity()';
      if (m.type === 'layer') return `${m.module}(${m.args.join(', ')})`;
      const def = activationDef(m.kind);
      const t = def.torch;
      const args = t.alphaArg ? [String(m.alpha ?? def.alpha)] : Object.entries(t.kwargs ?? {}).map(([k, v]) => `${k}='${v}'`);
      return `${t.module}(${args.join(', ')})`;
    })
    .join(', ');
}

/** A layer's parameters and buffers by name (`layer_norm_1.gamma`). */
/** A layer's parameters and buffers by name (each with its `value` and the `version` a write bumps). */
function namedTensors(layer: Layer): Map<string, { value: Matrix; version: number }> {
  return new Map<string, { value: Matrix; version: number }>([...layer.params().map((p) => [p.name, p] as const), ...(layer.buffers?.() ?? []).map((b) => [b.name, b] as const)]);
}

/** W `[rows, cols]` → Wᵀ `[cols, rows]` (row-major); this file's loops run once per conversion, not per step. */
function transpose(data: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}

export interface FromTorchOptions {
  batchSize?: number;
  kernels?: Kernels;
}

/**
 * A scratchnet model from a torch `state_dict` in safetensors bytes and its architecture.
 * @throws ModelFileError naming the key that is missing, extra or of the wrong shape
 */
export function fromTorchStateDict(bytes: Uint8Array, arch: string | TorchModule[], { batchSize = 256, kernels }: FromTorchOptions = {}, file = 'state_dict'): Sequential {
  const modules = typeof arch === 'string' ? parseTorchArch(arch) : arch;
  const { tensors } = decodeSafetensors(bytes, file);
  const layers: Layer[] = [];
  const sources: { layer: Dense; key: string; m: Extract<TorchModule, { type: 'linear' }> }[] = [];
  const described: { layer: Layer; key: string; def: LayerDefinition }[] = [];
  let width = 0;
  modules.forEach((m, i) => {
    if (m.type === 'linear') {
      if (width !== 0 && m.inFeatures !== width) throw new ConfigError(`torch arch: module ${i} is Linear(${m.inFeatures}, …) after a layer of width ${width}`);
      const layer = new Dense({ units: m.outFeatures, useBias: m.bias, name: 'dense' });
      layers.push(layer);
      sources.push({ layer, key: String(i), m });
      width = m.outFeatures;
    } else if (m.type === 'activation') {
      layers.push(new Activation({ kind: m.kind, ...(m.alpha === undefined ? {} : { alpha: m.alpha }) }));
    } else if (m.type === 'dropout') {
      layers.push(new Dropout({ rate: m.p }));
    } else if (m.type === 'layer') {
      const def = layerDefinition(m.layerType)!;
      const { positional, kw } = splitArgs(m.args);
      const layer = def.torch!.fromArgs!(positional, kw);
      layers.push(layer);
      described.push({ layer, key: String(i), def });
    }
  });
  const first = modules.find((m) => m.type === 'linear');
  if (!first || first.type !== 'linear') throw new ConfigError('torch arch: needs at least one Linear');
  const model = new Sequential(layers).build({ inputWidth: first.inFeatures, batchSize, kernels });
  const used = new Set<string>();
  for (const { layer, key, m } of sources) {
    const [w, b] = layer.params();
    const weight = tensors.get(`${key}.weight`);
    if (!weight || weight.shape.join(',') !== `${m.outFeatures},${m.inFeatures}`) {
      throw new ModelFileError(`${file}: tensor '${key}.weight' ${weight ? `has shape [${weight.shape.join(', ')}]` : 'is missing'}, expected [${m.outFeatures}, ${m.inFeatures}] for Linear(${m.inFeatures}, ${m.outFeatures})`);
    }
    w.value.data.set(transpose(weight.data, m.outFeatures, m.inFeatures));
    w.version++;
    used.add(`${key}.weight`);
    if (b) {
      const bias = tensors.get(`${key}.bias`);
      if (!bias || bias.shape.join(',') !== `${m.outFeatures}`) {
        throw new ModelFileError(`${file}: tensor '${key}.bias' ${bias ? `has shape [${bias.shape.join(', ')}]` : 'is missing'}, expected [${m.outFeatures}]`);
      }
      b.value.data.set(bias.data);
      b.version++;
      used.add(`${key}.bias`);
    }
  }
  for (const { layer, key, def } of described) {
    const own = namedTensors(layer);
    for (const [name, suffix] of Object.entries(def.torch!.tensors ?? {})) {
      const target = own.get(`${layer.name}.${suffix}`)!;
      const t = tensors.get(`${key}.${name}`);
      if (!t || t.shape.join(',') !== String(target.value.size)) {
        throw new ModelFileError(`${file}: tensor '${key}.${name}' ${t ? `has shape [${t.shape.join(', ')}]` : 'is missing'}, expected [${target.value.size}] for ${def.torch!.module}`);
      }
      target.value.data.set(t.data);
      target.version++;
      used.add(`${key}.${name}`);
    }
    for (const name of def.torch!.ignored ?? []) used.add(`${key}.${name}`);
  }
  const extra = [...tensors.keys()].filter((k) => !used.has(k));
  if (extra.length > 0) throw new ModelFileError(`${file}: unexpected tensors ${extra.join(', ')} not used by the architecture ${formatTorchArch(modules)}`);
  return model;
}

/**
 * A scratchnet model as a torch `state_dict` (safetensors bytes, keys `<index>.weight` `[out, in]`
 * and `<index>.bias` `[out]`) and the architecture to build in torch. Input standardisation and an
 * output rescaling are folded into the first and last Linear (W' = diag(1/σ)·W, b' = b − (μ/σ)·W;
 * W' = W·diag(s), b' = b·s + m); dropout becomes `Dropout(p)` (identity in eval mode); a layer whose
 * definition describes its torch module becomes that module (batch norm's running statistics are its
 * buffers; torch fills in `num_batches_tracked` on loading).
 * @throws ConfigError for a layer a torch Sequential of these modules cannot hold
 */
export function toTorchStateDict(model: Sequential): { bytes: Uint8Array; arch: string; modules: TorchModule[] } {
  const modules: TorchModule[] = [];
  const tensors: NamedTensor[] = [];
  let pendingIn: { mean: ArrayLike<number>; std: ArrayLike<number> } | null = null;
  let lastLinear: { w: Float32Array; b: Float32Array; inF: number; outF: number } | null = null;
  let lastLinearLayer: Layer | null = null;
  const linears: { w: Float32Array; b: Float32Array; inF: number; outF: number; index: number }[] = [];
  for (const layer of model.layers) {
    if (layer instanceof Standardize) {
      const [mean, std] = (layer.buffers?.() ?? []).map((b) => b.value.data);
      if (!lastLinear) {
        if (pendingIn) throw new ConfigError('toTorch: two standardisations in a row');
        pendingIn = { mean, std };
      } else if (model.layers[model.layers.indexOf(layer) - 1] !== lastLinearLayer) {
        throw new ConfigError(`toTorch: ${layer.name} follows a non-linear layer; only a rescaling right after a Dense can be folded`);
      } else {
        // y = (z − μ)/σ after the last Linear: W' = W/σ, b' = (b − μ)/σ (per output column)
        const { w, b, inF, outF } = lastLinear;
        for (let j = 0; j < outF; j++) {
          for (let i = 0; i < inF; i++) w[i * outF + j] /= std[j];
          b[j] = (b[j] - mean[j]) / std[j];
        }
      }
    } else if (layer instanceof Dense) {
      const [wp, bp] = layer.params();
      const inF = wp.value.rows;
      const outF = wp.value.cols;
      const w = Float32Array.from(wp.value.view());
      const b = bp ? Float32Array.from(bp.value.view()) : new Float32Array(outF);
      if (pendingIn) {
        // x' = (x − μ)/σ:  x'·W + b = x·(W/σ) + (b − (μ/σ)·W)
        const { mean, std } = pendingIn;
        for (let i = 0; i < inF; i++) {
          for (let j = 0; j < outF; j++) {
            b[j] -= (mean[i] / std[i]) * w[i * outF + j];
            w[i * outF + j] /= std[i];
          }
        }
        pendingIn = null;
      }
      lastLinear = { w, b, inF, outF };
      lastLinearLayer = layer;
      linears.push({ ...lastLinear, index: modules.length }); // always with a bias: folding may need one
      modules.push({ type: 'linear', inFeatures: inF, outFeatures: outF, bias: true });
    } else if (layer instanceof Activation) {
      modules.push(layer.kind === 'linear' ? { type: 'identity' } : { type: 'activation', kind: layer.kind, ...(activationDef(layer.kind).torch.alphaArg ? { alpha: layer.alpha } : {}) });
    } else if (layer instanceof Dropout) {
      modules.push({ type: 'dropout', p: layer.rate });
    } else if (layerDefinition(layer.type)?.torch?.args) {
      const form = layerDefinition(layer.type)!.torch!;
      const own = namedTensors(layer);
      for (const [name, suffix] of Object.entries(form.tensors ?? {})) {
        const { value } = own.get(`${layer.name}.${suffix}`)!;
        tensors.push({ name: `${modules.length}.${name}`, shape: [value.size], data: Float32Array.from(value.view()) });
      }
      modules.push({ type: 'layer', layerType: layer.type, module: form.module, args: form.args!(layer) });
    } else {
      throw new ConfigError(`toTorch: layer ${layer.name} (${layer.type}) has no place in a torch Sequential of Linear and activations`);
    }
  }
  for (const l of linears) {
    tensors.push({ name: `${l.index}.weight`, shape: [l.outF, l.inF], data: transpose(l.w, l.inF, l.outF) });
    tensors.push({ name: `${l.index}.bias`, shape: [l.outF], data: l.b });
  }
  const arch = formatTorchArch(modules);
  return { bytes: encodeSafetensors(tensors, { format: 'pt', 'scratchnet.torch_arch': arch }), arch, modules };
}
