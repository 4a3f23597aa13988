import type { Float } from './matrix.js';

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
 * The fused updates a backend offers, by rule name (the WebAssembly backend: 'sgd', 'adagrad',
 * 'rmsprop', 'adam'). The name is the contract: a fused update takes the slots and args types of
 * the rule of that name, and the backend's tests hold it against that rule's loop.
 */
export class FusedUpdates {
  private readonly byName = new Map<string, FusedUpdate<never, never>>();

  /** Registers `update` under a rule's name; a second registration of a name is an error. */
  register<S, A>(name: string, update: FusedUpdate<S, A>): void {
    if (this.byName.has(name)) throw new Error(`fused update '${name}' is already registered`);
    this.byName.set(name, update as FusedUpdate<never, never>);
  }

  /** The fused version of `rule`, or undefined if this backend has none. */
  get<S, A>(rule: UpdateRule<S, A>): FusedUpdate<S, A> | undefined {
    return this.byName.get(rule.name) as FusedUpdate<S, A> | undefined;
  }

  /** Names registered, in registration order. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}
