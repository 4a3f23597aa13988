import type { Float } from './matrix.js';
import { erfc } from './erf.js';

/**
 * THE list of element-wise activations: one row per kind, and every other place reads it — the
 * kernels (the reference loops below; the WebAssembly kernel of a row's `wasm` code), the layer and
 * its aliases, `mlp`'s weight init, the CLI's choices, the playground's lists and PyTorch's module
 * names (src/nn/torch.ts). A new activation is one row here; without a `wasm` code the WebAssembly
 * backend runs the row's `forward`/`backward` on its buffers, and tests hold the two together.
 */
export interface ActivationDef {
  /** What it computes, in one line (help texts, docs). */
  readonly doc: string;
  /** Other spellings `activation()`, `mlp` and `--activation` accept. */
  readonly aliases: readonly string[];
  /** y = f(x); `alpha` is the row's parameter (LeakyReLU's slope, ELU's α), 0 when it has none. */
  forward(x: number, alpha: number): number;
  /** dx = dy·f'(x), given x and y = f(x) (use whichever is cheaper). */
  backward(x: number, y: number, dy: number, alpha: number): number;
  /** Default α, for rows that take one. */
  readonly alpha?: number;
  /** Initialisation `mlp` gives a hidden Dense before it: He for ReLU-like units, Glorot for saturating ones. */
  readonly init: 'he_uniform' | 'glorot_uniform';
  /**
   * The `torch.nn` module: its class name, the keyword arguments that single this kind out (GELU's
   * `approximate`), and the keyword that holds α (printed positionally).
   */
  readonly torch: { readonly module: string; readonly kwargs?: Readonly<Record<string, string>>; readonly alphaArg?: string };
  /**
   * The inference graph of y = f(x) in ONNX operators (opset 17; src/nn/onnx.ts): `x` names the
   * input, the result names y. Built from the operators ONNX has (Relu, Elu, Erf, …) so any runtime runs it.
   */
  readonly onnx: (g: OnnxOps, x: string, alpha: number) => string;
  /** Code of a SIMD kernel in assembly/activations.ts; none: the WebAssembly backend runs forward/backward. */
  readonly wasm?: number;
}

/** What an activation's ONNX form builds with (src/nn/onnx-graph.ts implements it). */
export interface OnnxOps {
  /** A node `type` over `inputs` (value names) with float or integer attributes; returns its output's name. */
  op(type: string, inputs: readonly string[], attributes?: Readonly<Record<string, { float: number } | { int: number }>>): string;
  /** The name of a float32 scalar constant. */
  constant(value: number): string;
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export const ACTIVATION_TABLE = {
  linear: {
    doc: 'identity, y = x',
    aliases: ['identity'],
    forward: (x) => x,
    backward: (_x, _y, dy) => dy,
    init: 'glorot_uniform',
    torch: { module: 'Identity' },
    onnx: (_g, x) => x,
    wasm: 0,
  },
  sigmoid: {
    doc: 'σ(x) = 1/(1 + e^{−x}); σ′ = y(1 − y)',
    aliases: [],
    forward: (x) => sigmoid(x),
    backward: (_x, y, dy) => dy * y * (1 - y),
    init: 'glorot_uniform',
    torch: { module: 'Sigmoid' },
    onnx: (g, x) => g.op('Sigmoid', [x]),
    wasm: 1,
  },
  tanh: {
    doc: 'tanh(x); tanh′ = 1 − y²',
    aliases: [],
    forward: (x) => Math.tanh(x),
    backward: (_x, y, dy) => dy * (1 - y * y),
    init: 'glorot_uniform',
    torch: { module: 'Tanh' },
    onnx: (g, x) => g.op('Tanh', [x]),
    wasm: 2,
  },
  relu: {
    doc: 'max(x, 0); relu′ = [x > 0]',
    aliases: [],
    forward: (x) => (x > 0 ? x : 0),
    backward: (x, _y, dy) => (x > 0 ? dy : 0),
    init: 'he_uniform',
    torch: { module: 'ReLU' },
    onnx: (g, x) => g.op('Relu', [x]),
    wasm: 3,
  },
  leaky_relu: {
    doc: 'x > 0 ? x : αx (α default 0.01)',
    aliases: ['leakyrelu', 'leaky-relu'],
    forward: (x, a) => (x > 0 ? x : a * x),
    backward: (x, _y, dy, a) => (x > 0 ? dy : a * dy),
    alpha: 0.01,
    init: 'he_uniform',
    torch: { module: 'LeakyReLU', alphaArg: 'negative_slope' },
    onnx: (g, x, a) => g.op('LeakyRelu', [x], { alpha: { float: a } }),
    wasm: 4,
  },
  elu: {
    doc: 'x > 0 ? x : α(eˣ − 1) (α default 1); elu′ = y + α for x ≤ 0',
    aliases: [],
    forward: (x, a) => (x > 0 ? x : a * Math.expm1(x)),
    backward: (x, y, dy, a) => (x > 0 ? dy : dy * (y + a)),
    alpha: 1,
    init: 'he_uniform',
    torch: { module: 'ELU', alphaArg: 'alpha' },
    onnx: (g, x, a) => g.op('Elu', [x], { alpha: { float: a } }),
    wasm: 5,
  },
  gelu: {
    doc: 'exact GELU x·Φ(x) = ½x(1 + erf(x/√2)); gelu′ = Φ(x) + x·φ(x)',
    aliases: [],
    forward: (x) => x * normalCdf(x),
    backward: (x, _y, dy) => dy * (normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x)),
    init: 'he_uniform',
    torch: { module: 'GELU' },
    // ONNX's own Gelu needs opset 20: x·½(1 + erf(x/√2)) in older operators
    onnx: (g, x) => {
      const erf = g.op('Erf', [g.op('Mul', [x, g.constant(Math.SQRT1_2)])]);
      return g.op('Mul', [x, g.op('Mul', [g.op('Add', [erf, g.constant(1)]), g.constant(0.5)])]);
    },
    wasm: 6,
  },
  gelu_tanh: {
    doc: "GELU's tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (torch's approximate='tanh')",
    aliases: ['gelu-tanh'],
    forward: (x) => 0.5 * x * (1 + Math.tanh(GELU_C * (x + GELU_K * x * x * x))),
    backward: (x, _y, dy) => {
      const t = Math.tanh(GELU_C * (x + GELU_K * x * x * x));
      const dt = (1 - t * t) * GELU_C * (1 + 3 * GELU_K * x * x);
      return dy * (0.5 * (1 + t) + 0.5 * x * dt);
    },
    init: 'he_uniform',
    torch: { module: 'GELU', kwargs: { approximate: 'tanh' } },
    onnx: (g, x) => {
      const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
      const t = g.op('Tanh', [g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, g.constant(GELU_K)])]), g.constant(GELU_C)])]);
      return g.op('Mul', [x, g.op('Mul', [g.op('Add', [t, g.constant(1)]), g.constant(0.5)])]);
    },
    wasm: 7,
  },
  silu: {
    doc: 'SiLU (swish) x·σ(x); silu′ = σ(x)·(1 + x·(1 − σ(x)))',
    aliases: ['swish'],
    forward: (x) => x * sigmoid(x),
    backward: (x, _y, dy) => {
      const s = sigmoid(x);
      return dy * s * (1 + x * (1 - s));
    },
    init: 'he_uniform',
    torch: { module: 'SiLU' },
    onnx: (g, x) => g.op('Mul', [x, g.op('Sigmoid', [x])]),
    wasm: 8,
  },
} as const satisfies Record<string, ActivationDef>;

/** Element-wise activations a kernel can apply: the rows of {@link ACTIVATION_TABLE}. */
export type ActivationKind = keyof typeof ACTIVATION_TABLE;
/** Every name `activation()`, `mlp` and `dense({ activation })` take: the kinds and their aliases (a typo fails to compile). */
export type ActivationName = ActivationKind | (typeof ACTIVATION_TABLE)[ActivationKind]['aliases'][number];

/** The kinds, in table order. */
export const ACTIVATIONS = Object.keys(ACTIVATION_TABLE) as readonly ActivationKind[];

/** The row of `kind` (typed as the common shape, so optional fields read as optional). */
export function activationDef(kind: ActivationKind): ActivationDef {
  return ACTIVATION_TABLE[kind];
}

/** The kind `name` spells (a kind or an alias), or undefined. */
export function activationKindOf(name: string): ActivationKind | undefined {
  if (Object.hasOwn(ACTIVATION_TABLE, name)) return name as ActivationKind;
  return ACTIVATIONS.find((k) => (activationDef(k).aliases as readonly string[]).includes(name));
}

/** y[0:n] = f(x[0:n]) by the row's reference `forward`; y may alias x. */
export function activationForward(def: ActivationDef, x: Float, y: Float, n: number, alpha: number): void {
  const f = def.forward;
  for (let i = 0; i < n; i++) y[i] = f(x[i], alpha);
}

/** dx[0:n] = dy ⊙ f'(x) by the row's reference `backward`; dx may alias dy. */
export function activationBackward(def: ActivationDef, x: Float, y: Float, dy: Float, dx: Float, n: number, alpha: number): void {
  const b = def.backward;
  for (let i = 0; i < n; i++) dx[i] = b(x[i], y[i], dy[i], alpha);
}

export function sigmoid(z: number): number {
  // branch keeps exp's argument ≤ 0, so no overflow for large |z|
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Φ(x), the standard normal CDF: ½·erfc(−x/√2) (no cancellation for x ≪ 0). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}
