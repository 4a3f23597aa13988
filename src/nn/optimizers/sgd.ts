import type { Kernels, SgdArgs } from '../../core/kernels.js';
import type { Float } from '../../core/matrix.js';
import { ConfigError } from '../../errors.js';
import type { Param } from '../layer.js';
import { BaseOptimizer, checkBoolean, checkNonNegative, type ParamState } from './optimizer.js';

export interface SgdOptions {
  /** Learning rate γ (default 0.01). */
  lr?: number;
  /** Momentum factor μ ≥ 0 (default 0: plain SGD). */
  momentum?: number;
  /** Dampening τ in [0, 1] of the gradient added to the momentum buffer (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false); needs momentum > 0 and dampening = 0. */
  nesterov?: boolean;
  /** Coupled L2 coefficient λ ≥ 0, scaled per parameter by `param.decay` (default 0). */
  weightDecay?: number;
}

type SgdSlots = {
  /** torch's `momentum_buffer` b (empty when momentum = 0). */
  momentumBuffer: Float;
};

/**
 * Stochastic gradient descent with momentum and Nesterov momentum, as `torch.optim.SGD`.
 *
 * @remarks
 * For each parameter θ with gradient g at step t (λ = weightDecay·param.decay):
 *
 *     g ← g + λ·θ
 *     if μ ≠ 0:  b ← g                      (t = 1)
 *                b ← μ·b + (1 − τ)·g        (t > 1)
 *                g ← g + μ·b   if nesterov, else  g ← b
 *     θ ← θ − γ·g
 *
 * https://pytorch.org/docs/stable/generated/torch.optim.SGD.html — Nesterov as in Sutskever et al.,
 * "On the importance of initialization and momentum in deep learning" (ICML 2013),
 * http://proceedings.mlr.press/v28/sutskever13.html
 */
export class SGD extends BaseOptimizer<SgdSlots> {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  private readonly args: SgdArgs;

  constructor(params: readonly Param[], opts: SgdOptions = {}, kernels?: Kernels) {
    const { lr = 0.01, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 } = opts;
    super('SGD', params, lr, kernels);
    checkNonNegative('SGD', 'momentum', momentum);
    checkNonNegative('SGD', 'dampening', dampening);
    if (dampening > 1) throw new ConfigError(`SGD: dampening must be in [0, 1], found ${dampening}`);
    checkBoolean('SGD', 'nesterov', nesterov);
    checkNonNegative('SGD', 'weightDecay', weightDecay);
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new ConfigError(
        `SGD: nesterov requires momentum > 0 and dampening = 0, found momentum ${momentum}, dampening ${dampening}`,
      );
    }
    this.momentum = momentum;
    this.dampening = dampening;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
    this.args = { lr, momentum, dampening, nesterov, weightDecay, firstStep: true };
  }

  get l2(): number {
    return this.weightDecay;
  }

  protected initSlots(p: Param, n: number): SgdSlots {
    return { momentumBuffer: this.alloc(p, this.momentum !== 0 ? n : 0) };
  }

  protected update(p: Param, s: ParamState<SgdSlots>): void {
    const a = this.args;
    a.lr = this.lr;
    a.weightDecay = this.weightDecay * p.decay;
    a.firstStep = s.step === 1;
    this.kernels.sgdStep(p.value.data, p.grad.data, s.slots.momentumBuffer, a);
  }

  hyperparameters(): Record<string, number | boolean | string> {
    const { lr, momentum, dampening, nesterov, weightDecay } = this;
    return { lr, momentum, dampening, nesterov, weightDecay };
  }
}
