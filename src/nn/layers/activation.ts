import { ConfigError } from '../../errors.js';
import type { ActivationKind, Kernels } from '../../core/kernels.js';
import type { Matrix } from '../../core/matrix.js';
import type { BuildContext, Layer, Mode, Param } from '../layer.js';

export const ACTIVATIONS: readonly ActivationKind[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'gelu'];

/** Default α: LeakyReLU's negative slope (0.01, as torch) and ELU's scale (1.0). */
const DEFAULT_ALPHA: Partial<Record<ActivationKind, number>> = { leaky_relu: 0.01, elu: 1 };

export function checkActivation(kind: string, where: string): ActivationKind {
  const k = kind === 'leakyrelu' || kind === 'leaky-relu' ? 'leaky_relu' : kind;
  if (!(ACTIVATIONS as readonly string[]).includes(k)) {
    throw new ConfigError(`${where}: unknown activation '${kind}', expected one of ${ACTIVATIONS.join(', ')}, softmax`);
  }
  return k as ActivationKind;
}

export interface ActivationArgs {
  kind: ActivationKind | string;
  /** LeakyReLU slope or ELU α. */
  alpha?: number;
  name?: string;
}

/**
 * Element-wise activation y = f(x).
 * @remarks
 * sigmoid σ(x) = 1/(1+e^{-x}), σ' = y(1-y);  tanh' = 1-y²;  relu' = [x>0];
 * leaky_relu: x>0 ? x : αx;  elu: x>0 ? x : α(eˣ-1), elu' = y+α for x≤0;
 * gelu (tanh form): ½x(1+tanh(√(2/π)(x+0.044715x³))).   backward: dx = dy ⊙ f'(x).
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

  constructor({ kind, alpha, name }: ActivationArgs) {
    this.kind = checkActivation(kind, name ?? 'activation');
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

  config(): Record<string, unknown> {
    return { kind: this.kind, alpha: this.alpha };
  }
}

export const activation = (kind: ActivationKind | string, alpha?: number): Activation => new Activation({ kind, alpha });
