import { ConfigError } from '../../errors.js';
import type { ActivationKind, Kernels } from '../../core/kernels.js';
import type { Matrix } from '../../core/matrix.js';
import type { BuildContext, Layer, Mode, Param } from '../layer.js';

export const ACTIVATIONS: readonly ActivationKind[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'gelu', 'gelu_tanh'];

/** torch's `nn.GELU(approximate=...)`: 'none' is the exact x·Φ(x), 'tanh' the approximation. */
export type GeluApproximate = 'none' | 'tanh';

const ALIASES: Record<string, ActivationKind> = { leakyrelu: 'leaky_relu', 'leaky-relu': 'leaky_relu', 'gelu-tanh': 'gelu_tanh' };

/** Every name `activation()` and `dense({ activation })` take: the kinds and their spelled-out aliases (a typo fails to compile). */
export type ActivationName = ActivationKind | 'leakyrelu' | 'leaky-relu' | 'gelu-tanh';

/** Default α: LeakyReLU's negative slope (0.01, as torch) and ELU's scale (1.0). */
const DEFAULT_ALPHA: Partial<Record<ActivationKind, number>> = { leaky_relu: 0.01, elu: 1 };

export function checkActivation(kind: string, where: string): ActivationKind {
  const k = ALIASES[kind] ?? kind;
  if (!(ACTIVATIONS as readonly string[]).includes(k)) {
    throw new ConfigError(`${where}: unknown activation '${kind}', expected one of ${ACTIVATIONS.join(', ')}, softmax`);
  }
  return k as ActivationKind;
}

export interface ActivationArgs {
  kind: ActivationName;
  /** LeakyReLU slope or ELU α. */
  alpha?: number;
  /**
   * GELU only, torch's name and values: `'tanh'` makes `gelu` the tanh approximation (the same as
   * kind `gelu_tanh`); `'none'` (default) keeps it exact.
   */
  approximate?: GeluApproximate;
  name?: string;
}

/**
 * Element-wise activation y = f(x).
 * @remarks
 * sigmoid σ(x) = 1/(1+e^{-x}), σ' = y(1-y);  tanh' = 1-y²;  relu' = [x>0];
 * leaky_relu: x>0 ? x : αx;  elu: x>0 ? x : α(eˣ-1), elu' = y+α for x≤0;
 * gelu (exact, as torch's default): xΦ(x) = ½x(1+erf(x/√2)), gelu' = Φ(x) + xφ(x), φ(x) = e^{-x²/2}/√(2π);
 * gelu_tanh (torch's approximate='tanh'): ½x(1+tanh(√(2/π)(x+0.044715x³))).   backward: dx = dy ⊙ f'(x).
 */
export class Activation implements Layer {
  readonly type = 'activation';
  name: string;
  readonly kind: ActivationKind;
  readonly alpha: number;
  private k!: Kernels;
  private x!: Matrix; // [batch, d]
  private y!: Matrix; // [batch, d]
  private dx!: Matrix; // [batch, d]
  /**
   * Kernel fusion (ReLU only), set when the model is built (src/nn/fusion.ts): `forward` — the Dense
   * before already applied it, so forward passes x through; `backward` — the Dense after already
   * masked its dL/dx, so backward passes dy through.
   */
  fused = { forward: false, backward: false };

  constructor({ kind, alpha, approximate, name }: ActivationArgs) {
    this.kind = withApproximate(checkActivation(kind, name ?? 'activation'), approximate, name ?? 'activation');
    this.alpha = alpha ?? DEFAULT_ALPHA[this.kind] ?? 0;
    this.name = name ?? this.kind;
  }

  build(inputWidth: number, ctx: BuildContext): number {
    this.k = ctx.kernels;
    this.y = ctx.buffer(inputWidth);
    this.dx = ctx.buffer(inputWidth);
    return inputWidth;
  }

  forward(x: Matrix, _mode: Mode): Matrix {
    this.x = x;
    if (this.fused.forward) return x;
    this.y.setRows(x.rows);
    this.k.activation(this.kind, x, this.y, this.alpha);
    return this.y;
  }

  backward(dy: Matrix): Matrix {
    if (this.fused.backward) return dy;
    this.dx.setRows(dy.rows);
    // fused forward: x is already max(x, 0), and [x > 0] is the same mask
    this.k.activationBackward(this.kind, this.x, this.fused.forward ? this.x : this.y, dy, this.dx, this.alpha);
    return this.dx;
  }

  params(): Param[] {
    return [];
  }

  /** `gelu` carries `approximate: 'none'`: a `gelu` without it comes from an older file, see {@link activationFromConfig}. */
  config(): Record<string, unknown> {
    return this.kind === 'gelu' ? { kind: this.kind, alpha: this.alpha, approximate: 'none' } : { kind: this.kind, alpha: this.alpha };
  }
}

function withApproximate(kind: ActivationKind, approximate: unknown, where: string): ActivationKind {
  if (approximate === undefined) return kind;
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ConfigError(`${where}: approximate must be 'none' or 'tanh', found ${JSON.stringify(approximate)}`);
  }
  if (kind === 'gelu') return approximate === 'tanh' ? 'gelu_tanh' : 'gelu';
  if (kind === 'gelu_tanh') {
    if (approximate === 'tanh') return kind;
    throw new ConfigError(`${where}: approximate: 'none' contradicts activation 'gelu_tanh' (use kind 'gelu' for the exact GELU)`);
  }
  throw new ConfigError(`${where}: approximate applies only to gelu, found it with activation '${kind}'`);
}

/**
 * An activation from its saved `config()`. Model files written before GELU became exact stored the
 * tanh form as `{ kind: 'gelu' }` with no `approximate`; those load as `gelu_tanh`, so they keep
 * computing what they were trained with.
 */
export function activationFromConfig(c: Record<string, unknown>): Activation {
  const legacyGelu = c.kind === 'gelu' && c.approximate === undefined;
  return new Activation({ ...(c as unknown as ActivationArgs), ...(legacyGelu ? { approximate: 'tanh' } : {}) });
}

/** `activation('relu')`, `activation('leaky_relu', 0.2)` or `activation({ kind: 'gelu', approximate: 'tanh' })`. */
export const activation = (kind: ActivationName | ActivationArgs, alpha?: number): Activation =>
  new Activation(typeof kind === 'object' ? kind : { kind, alpha });
