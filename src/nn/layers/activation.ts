import { ConfigError } from '../../errors.js';
import { ACTIVATIONS, activationDef, activationKindOf, type ActivationKind, type ActivationName } from '../../core/activations.js';
import type { Kernels } from '../../core/kernels.js';
import type { Matrix } from '../../core/matrix.js';
import type { BuildContext, Layer, Mode, Param } from '../layer.js';
import { defineLayer } from './define.js';

export { ACTIVATIONS, type ActivationName } from '../../core/activations.js';

/** torch's `nn.GELU(approximate=...)`: 'none' is the exact x·Φ(x), 'tanh' the approximation. */
export type GeluApproximate = 'none' | 'tanh';

/** The kind `kind` names (a kind of ACTIVATION_TABLE or one of its aliases). */
export function checkActivation(kind: string, where: string): ActivationKind {
  const k = activationKindOf(kind);
  if (k === undefined) throw new ConfigError(`${where}: unknown activation '${kind}', expected one of ${ACTIVATIONS.join(', ')}, softmax`);
  return k;
}

export interface ActivationArgs {
  kind: ActivationName;
  /** The row's parameter (LeakyReLU slope, ELU α); default: the row's. */
  alpha?: number;
  /**
   * GELU only, torch's name and values: `'tanh'` makes `gelu` the tanh approximation (the same as
   * kind `gelu_tanh`); `'none'` (default) keeps it exact.
   */
  approximate?: GeluApproximate;
  name?: string;
}

/**
 * Element-wise activation y = f(x), f a row of ACTIVATION_TABLE (src/core/activations.ts: each row's
 * equations and derivative).
 * @remarks
 * forward: y = f(x);  backward: dx = dy ⊙ f'(x).
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
    this.alpha = alpha ?? activationDef(this.kind).alpha ?? 0;
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

/** Model files: `activation` layers. */
export const activationLayer = defineLayer('activation', {
  fromConfig: activationFromConfig,
  onnx: (l, g, x) => activationDef((l as Activation).kind).onnx(g, x, (l as Activation).alpha),
});
