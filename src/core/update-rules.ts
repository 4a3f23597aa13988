/**
 * The state buffers ("slots", each `[n]` or empty) and per-step scalars ("args") of the optimizer
 * rules a backend may fuse — the contract between a rule's loop (src/nn/optimizers/<name>.ts, where
 * the update itself is written) and a backend's fused kernel registered under the rule's name
 * ({@link FusedUpdates}). They live in the core so that a backend needs nothing from nn.
 */
import type { FusedUpdates } from './fused.js';
import type { Float } from './matrix.js';

// sgd: src/nn/optimizers/sgd.ts
export type SgdSlots = {
  /** torch's `momentum_buffer` b (empty when momentum = 0). */
  momentumBuffer: Float;
};

/** The scalars of one parameter's step. */
export interface SgdArgs {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  /** λ·param.decay. */
  weightDecay: number;
  /** True on the first step: the momentum buffer is set to g instead of updated. */
  firstStep: boolean;
}

// adagrad: src/nn/optimizers/adagrad.ts
export type AdagradSlots = {
  /** torch's `sum`: running Σ g² per element. */
  sum: Float;
};

/** The scalars of one parameter's step. */
export interface AdagradArgs {
  /** γ̃ = γ / (1 + (t − 1)·η). */
  clr: number;
  eps: number;
  /** λ·param.decay. */
  weightDecay: number;
}

// rmsprop: src/nn/optimizers/rmsprop.ts
export type RmspropSlots = {
  /** torch's `square_avg` v. */
  squareAvg: Float;
  /** torch's `momentum_buffer` b (empty when momentum = 0). */
  momentumBuffer: Float;
  /** torch's `grad_avg` (empty unless centered). */
  gradAvg: Float;
};

/** The scalars of one parameter's step. */
export interface RmspropArgs {
  lr: number;
  alpha: number;
  eps: number;
  /** λ·param.decay. */
  weightDecay: number;
  momentum: number;
  centered: boolean;
}

// adam: src/nn/optimizers/adam.ts
/** torch's `exp_avg` m and `exp_avg_sq` v. */
export type AdamSlots = { expAvg: Float; expAvgSq: Float };

/** The scalars of one parameter's step: Adam's (coupled L2) or, with `decoupled`, AdamW's. */
export interface AdamArgs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** λ·param.decay. */
  weightDecay: number;
  decoupled: boolean;
  /** 1-based step count t, for the bias corrections 1 − βᵗ. */
  step: number;
}

// lion: src/nn/optimizers/lion.ts
/** lion-pytorch's `exp_avg` m. */
export type LionSlots = { expAvg: Float };

/** The scalars of one parameter's step. */
export interface LionArgs {
  lr: number;
  beta1: number;
  beta2: number;
  /** λ·param.decay. */
  weightDecay: number;
}
