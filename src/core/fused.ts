import type { Float, Matrix } from './matrix.js';

// What a backend may run fused, registered by the name of the rule it implements: optimizer updates
// (the rule a loop in src/nn/optimizers/<name>.ts) and losses (src/nn/losses/<name>.ts). The rule's
// loop is the reference; the backend's tests hold each fused kernel against it.

/**
 * An optimizer's update rule as a plain loop over one parameter: the values p, their gradient g
 * (both `[n]`), the optimizer's state buffers `slots` (each `[n]` or empty) and its scalars `args`
 * for this step. It lives in the optimizer's file and is the reference a fused kernel is tested against.
 */
export type UpdateLoop<S, A> = (p: Float, g: Float, slots: S, args: A) => void;

/**
 * A backend's fast version of an {@link UpdateLoop}: the same update, in place, equal to the loop
 * to float32 rounding. Returns false, having changed nothing, for buffers it does not take
 * (float64): the optimizer then runs its own loop.
 */
export type FusedUpdate<S, A> = (p: Float, g: Float, slots: S, args: A) => boolean;

/** An update rule by name: the name under which a backend may register a fused version of `loop`. */
export interface UpdateRule<S, A> {
  readonly name: string;
  readonly loop: UpdateLoop<S, A>;
}

/**
 * A loss as a plain loop: the outputs z and targets t (both `[rows, cols]`) → the summed loss
 * Σ ℓ(z, t), and, if g `[rows, cols]` is given, g = scale·∂(Σ ℓ)/∂z (the loss passes scale = 1/N
 * for its mean). `args`: the loss's own scalars (Huber's δ). It lives in the loss's file.
 */
export type LossLoop<A> = (z: Matrix, t: Matrix, g: Matrix | null, scale: number, args: A) => number;

/**
 * A backend's fast version of a {@link LossLoop}: the same sum and gradient, equal to the loop to
 * float32 rounding. Returns undefined, having written nothing, for buffers it does not take
 * (float64): the loss then runs its own loop.
 */
export type FusedLoss<A> = (z: Matrix, t: Matrix, g: Matrix | null, scale: number, args: A) => number | undefined;

/** A loss by name: the name under which a backend may register a fused version of `loop`. */
export interface LossRule<A> {
  readonly name: string;
  readonly loop: LossLoop<A>;
}

/** Fused kernels by rule name; a second registration of a name is an error. */
class ByName<F> {
  private readonly byName = new Map<string, F>();

  constructor(private readonly what: string) {}

  /** Registers `kernel` under a rule's name. */
  protected add(name: string, kernel: F): void {
    if (this.byName.has(name)) throw new Error(`${this.what} '${name}' is already registered`);
    this.byName.set(name, kernel);
  }

  protected find(name: string): F | undefined {
    return this.byName.get(name);
  }

  /** Names registered, in registration order. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}

/**
 * The fused updates a backend offers, by rule name (the WebAssembly backend: 'sgd', 'adagrad',
 * 'rmsprop', 'adam', 'lion'). The name is the contract: a fused update takes the slots and args
 * types of the rule of that name, and the backend's tests hold it against that rule's loop.
 */
export class FusedUpdates extends ByName<FusedUpdate<never, never>> {
  constructor() {
    super('fused update');
  }

  /** Registers `update` under a rule's name; a second registration of a name is an error. */
  register<S, A>(name: string, update: FusedUpdate<S, A>): void {
    this.add(name, update as FusedUpdate<never, never>);
  }

  /** The fused version of `rule`, or undefined if this backend has none. */
  get<S, A>(rule: UpdateRule<S, A>): FusedUpdate<S, A> | undefined {
    return this.find(rule.name) as FusedUpdate<S, A> | undefined;
  }
}

/**
 * The fused losses a backend offers, by loss name (the WebAssembly backend: every loss of
 * src/nn/losses/). The name is the contract: a fused loss takes the args type of the loss of that
 * name, and the backend's tests hold it against that loss's loop.
 */
export class FusedLosses extends ByName<FusedLoss<never>> {
  constructor() {
    super('fused loss');
  }

  /** Registers `loss` under a loss's name; a second registration of a name is an error. */
  register<A>(name: string, loss: FusedLoss<A>): void {
    this.add(name, loss as FusedLoss<never>);
  }

  /** The fused version of `rule`, or undefined if this backend has none. */
  get<A>(rule: LossRule<A>): FusedLoss<A> | undefined {
    return this.find(rule.name) as FusedLoss<A> | undefined;
  }
}
