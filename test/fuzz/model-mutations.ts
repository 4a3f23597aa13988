// Structure-aware mutations of a model file: the header and tensors are edited as what they are
// (declared sizes, tensors of no values, layer state, a layer's eps) and the file re-encoded
// soundly, so each case reaches the planner and the layers' checks instead of the byte parser.
import fc from 'fast-check';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../../src/io/safetensors.js';
import type { Architecture } from '../../src/nn/io.js';

/** A model file after a structural mutation; `degenerate` says which layer state it broke (it must be refused). */
export interface ModelCase {
  bytes: Uint8Array;
  /** What makes the model meaningless, when the mutation is one that must be refused (a std of 0, eps of 0). */
  degenerate?: string;
  /** Rows per forward pass asked of decodeModel. */
  batchSize: number;
}

interface Parts {
  arch: Architecture;
  metadata: Record<string, string>;
  tensors: NamedTensor[];
}
type Mutation = (p: Parts) => void;

/** Sizes a header may declare: sound ones, the limits' edges, and far past any memory. */
const HUGE = [0, 1, 4, 2 ** 16, 2 ** 24, 2 ** 24 + 1, 2 ** 28, 2 ** 31, 2 ** 32, 2 ** 33, 2 ** 40, 2 ** 53 - 1];
const hugeSize = fc.constantFrom(...HUGE);

/** Values a layer's state should never hold, and some it may (the floor's edges, huge, tiny). */
const STATE_VALUES = [0, -0, 1e-45, 1e-40, 1e-38, 1e-13, 1e-12, 1.1e-12, -1, -1e-30, NaN, Infinity, -Infinity, 3e38, -3e38, 1e30, 1];

/**
 * What leaves a mutated file's layers meaningless — what the loader must refuse — judged on the file
 * as the mutations left it (a later mutation may undo an earlier one): a state value that is not
 * finite, a std at or below the floor, a negative running variance, a norm layer's eps below 2^-126.
 */
function degenerate(p: Parts): string | undefined {
  for (const t of p.tensors) {
    if (!STATE.test(t.name)) continue;
    const at = t.data.findIndex((v) => !Number.isFinite(v) || (t.name.endsWith('.std') && !(v > 1e-12)) || (t.name.endsWith('.running_var') && v < 0));
    if (at >= 0) return `${t.name} holds ${t.data[at]} at index ${at}`;
  }
  for (const l of p.arch.layers) {
    if (l.type !== 'batch_norm' && l.type !== 'layer_norm') continue;
    const eps = l.config.eps;
    if (eps !== undefined && !(typeof eps === 'number' && eps >= 2 ** -126 && Number.isFinite(eps))) return `${l.name}: eps ${String(eps)}`;
  }
  return undefined;
}

/** Layer state tensors (a standardisation, running statistics). */
const STATE = /\.(std|mean|running_mean|running_var)$/;

/** Splits a model file into its architecture, metadata and tensors. */
function parts(bytes: Uint8Array): Parts {
  const { tensors, metadata } = decodeSafetensors(bytes, 'seed');
  return {
    arch: JSON.parse(metadata['scratchnet.architecture']) as Architecture,
    metadata,
    tensors: [...tensors].map(([name, t]) => ({ name, shape: t.shape, data: t.data })),
  };
}

function encode(p: Parts): Uint8Array {
  return encodeSafetensors(p.tensors, { ...p.metadata, 'scratchnet.architecture': JSON.stringify(p.arch) });
}

/** A tensor of no values with a huge dimension (it must back no width), under a new or an existing name. */
const zeroElementTensor = (names: string[]): fc.Arbitrary<Mutation> =>
  fc.tuple(fc.constantFrom('empty', ...names), hugeSize, fc.boolean()).map(([name, size, first]) => (p) => {
    const shape = first ? [0, size] : [size, 0];
    p.tensors = [...p.tensors.filter((t) => t.name !== name), { name, shape, data: new Float32Array(0) }];
  });

/** The architecture's inputWidth, or a Dense layer's units, set to a declared size. */
const declaredSize = (layerCount: number): fc.Arbitrary<Mutation> =>
  fc.tuple(fc.integer({ min: -1, max: layerCount - 1 }), hugeSize).map(([layer, size]) => (p) => {
    if (layer < 0) p.arch = { ...p.arch, inputWidth: size };
    else if (p.arch.layers[layer].type === 'dense') {
      p.arch = { ...p.arch, layers: p.arch.layers.map((l, i) => (i === layer ? { ...l, config: { ...l.config, units: size } } : l)) };
    }
  });

/** A tensor's shape replaced by another of the same count (transposed, flattened, padded with 1s) or a huge one. */
const reshaped = (count: number): fc.Arbitrary<Mutation> =>
  fc.tuple(fc.nat(count - 1), fc.nat(3), hugeSize).map(([i, op, size]) => (p) => {
    const t = p.tensors[i];
    const n = t.data.length;
    const shape = op === 0 ? [...t.shape].reverse() : op === 1 ? [n] : op === 2 ? [1, ...t.shape, 1] : [size, n === 0 ? 0 : 1];
    // a huge shape cannot hold n values: give it 0 values and drop the tensor's data (shape [size, 0])
    p.tensors = p.tensors.map((u, j) => (j !== i ? u : op === 3 ? { ...u, shape: [size, 0], data: new Float32Array(0) } : { ...u, shape }));
  });

/** One value of a layer state tensor (std, mean, running statistics) set to a degenerate or an edge value. */
const stateValue = (stateNames: string[]): fc.Arbitrary<Mutation> =>
  fc.tuple(fc.constantFrom(...stateNames), fc.nat(1 << 16), fc.constantFrom(...STATE_VALUES)).map(([name, at, value]) => (p) => {
    const t = p.tensors.find((u) => u.name === name);
    if (!t || t.data.length === 0) return;
    const data = t.data.slice();
    data[at % data.length] = value;
    p.tensors = p.tensors.map((u) => (u === t ? { ...u, data } : u));
  });

/** A batch or layer norm's eps set to a degenerate value (or a sound edge one). */
const EPS_VALUES: unknown[] = [0, -0, -1, 1e-45, 1e-300, 2 ** -127, 2 ** -126, 1e-38, 1e300, null, 'x', true];
const normEps = (normLayers: number[]): fc.Arbitrary<Mutation> =>
  fc.tuple(fc.constantFrom(...normLayers), fc.constantFrom(...EPS_VALUES)).map(([layer, eps]) => (p) => {
    p.arch = { ...p.arch, layers: p.arch.layers.map((l, i) => (i === layer ? { ...l, config: { ...l.config, eps } } : l)) };
  });

/** A layer's name, type or a config value replaced by a long string (messages that quote it must stay short). */
const longString = (layerCount: number): fc.Arbitrary<Mutation> =>
  fc.tuple(fc.nat(layerCount - 1), fc.constantFrom('name', 'type', 'kind', 'init', 'units'), fc.constantFrom(129, 5_000, 100_000)).map(([layer, key, n]) => (p) => {
    const long = 'x'.repeat(n);
    p.arch = {
      ...p.arch,
      layers: p.arch.layers.map((l, i) => (i !== layer ? l : key === 'name' || key === 'type' ? { ...l, [key]: long } : { ...l, config: { ...l.config, [key]: long } })),
    };
  });

/**
 * Model files from `seed` (a sound model file with standardisation, batch and layer norm) with 1–3
 * structural mutations: tensors of no values, extreme declared sizes, reshaped tensors, degenerate
 * layer state and eps, long strings — and a batch size from 1 to far past any memory.
 */
export function modelStructureMutations(seed: Uint8Array): fc.Arbitrary<ModelCase> {
  const base = parts(seed);
  const names = base.tensors.map((t) => t.name);
  // layer state only: a trained parameter (γ, a weight) of 3e38 overflows for large enough inputs, as
  // any weight may — the CLI's predict reports that per row; a buffer's meaning is checked at load time
  const stateNames = names.filter((n) => STATE.test(n));
  const normLayers = base.arch.layers.flatMap((l, i) => (l.type === 'batch_norm' || l.type === 'layer_norm' ? [i] : []));
  const mutation = fc.oneof(
    { arbitrary: zeroElementTensor(names), weight: 2 },
    { arbitrary: declaredSize(base.arch.layers.length), weight: 2 },
    { arbitrary: reshaped(names.length), weight: 1 },
    { arbitrary: stateValue(stateNames), weight: 4 },
    { arbitrary: normEps(normLayers), weight: 1 },
    { arbitrary: longString(base.arch.layers.length), weight: 1 },
  );
  const batchSize = fc.oneof({ arbitrary: fc.constant(4), weight: 6 }, { arbitrary: fc.constantFrom(1, 256, 2 ** 16, 2 ** 31), weight: 1 });
  return fc.tuple(fc.array(mutation, { minLength: 1, maxLength: 3 }), batchSize).map(([mutations, batch]) => {
    const p: Parts = { ...base, tensors: [...base.tensors] };
    for (const m of mutations) m(p);
    const broken = degenerate(p);
    return { bytes: encode(p), batchSize: batch, ...(broken === undefined ? {} : { degenerate: broken }) };
  });
}
