import { kernels as currentKernels } from '../../core/backend.js';
import type { FusedUpdate, UpdateRule } from '../../core/fused.js';
import type { Kernels } from '../../core/kernels.js';
import type { Float } from '../../core/matrix.js';
import { ConfigError, ShapeError } from '../../errors.js';
import { zeroGrads, type Param } from '../layer.js';
import { l2Penalty } from './weight-decay.js';

/** What an optimizer keeps for one parameter. */
export interface ParamState<S extends Record<string, Float> = Record<string, Float>> {
  /** Steps taken on this parameter so far (torch's `state['step']`); 1 during the first update. */
  step: number;
  /** State buffers, each as long as the parameter and of its dtype, in the backend's memory. */
  readonly slots: S;
}

/**
 * Updates a fixed list of parameters from their gradients. Model and optimizer meet only through
 * `Param` (value, grad, decay): `zeroGrad()` before a backward pass, `step()` after it.
 */
export interface Optimizer {
  /** Algorithm name as in configs and model files (`sgd`, `adam`, ...). */
  readonly name: string;
  /** Learning rate of the next step; learning-rate schedules write it (any value ≥ 0). */
  lr: number;
  /** Coupled L2 coefficient λ (0 for AdamW, whose decoupled decay is not a loss term). */
  readonly l2: number;
  /** ½·λ·Σ decay·‖w‖² for the current weights: the L2 term to report beside the data loss. */
  l2Penalty(): number;
  /** One update of every parameter from its current gradient. Allocates only on the first call. */
  step(): void;
  /** Sets every parameter's gradient to 0 (gradients add up during backward). */
  zeroGrad(): void;
  /** State per parameter, keyed by the Param object itself; empty before the first step. */
  state(): ReadonlyMap<Param, ParamState>;
  /**
   * Replaces the state with a copy of `states` (from a checkpoint): per parameter its step count and
   * every slot, which must have this optimizer's slot names and lengths. Parameters missing from
   * `states` start afresh, as before their first step.
   */
  loadState(states: ReadonlyMap<Param, { step: number; slots: Readonly<Record<string, ArrayLike<number>>> }>): void;
  /** The constructor options after defaults (for logs, results files, model files). */
  hyperparameters(): Record<string, number | boolean | string>;
  /**
   * Gives the state buffers back to the backend and forgets the state: the next `step()` starts
   * again from step 1, as a new optimizer would. Call it when training is over (as `Sequential.release()`).
   */
  release(): void;
}

/**
 * What every optimizer shares: the parameter list, the kernels, and per-parameter state keyed by
 * the Param object, allocated with `kernels.alloc` on a parameter's first step and reused after.
 * Subclasses say which buffers they need ({@link initSlots}), the scalars of one parameter's update
 * ({@link argsFor}) and the update rule itself, a plain loop in their own file: `rule`, which runs
 * unless the backend offers a fused version under the rule's name (`kernels.fused`).
 */
export abstract class BaseOptimizer<S extends Record<string, Float>, A> implements Optimizer {
  abstract readonly name: string;
  lr: number;
  readonly params: readonly Param[];
  readonly kernels: Kernels;
  private readonly states = new Map<Param, ParamState<S>>();
  private readonly fusedUpdate: FusedUpdate<S, A> | undefined;

  protected constructor(
    where: string,
    params: readonly Param[],
    lr: number,
    kernels: Kernels | undefined,
    private readonly rule: UpdateRule<S, A>,
  ) {
    checkPositive(where, 'lr', lr);
    const seen = new Set<Param>();
    for (const p of params) {
      if (seen.has(p)) throw new ConfigError(`${where}: parameter '${p.name}' appears more than once in the list`);
      seen.add(p);
    }
    this.lr = lr;
    this.params = [...params];
    this.kernels = (kernels ?? currentKernels()).forDtype(params[0]?.value.dtype ?? 'float32'); // float64 parameters: the TypeScript kernels
    this.fusedUpdate = this.kernels.fused.get(rule);
  }

  /** Coupled L2 coefficient; see {@link l2Penalty}. */
  abstract readonly l2: number;

  /** Allocates the state buffers of one parameter (`n` elements each, or 0 where unused). */
  protected abstract initSlots(p: Param, n: number): S;
  /**
   * The scalars of `p`'s update, written into one object kept for the purpose (no allocation per
   * step); `s.step` is already incremented (1 on the first update).
   */
  protected abstract argsFor(p: Param, s: ParamState<S>): A;
  abstract hyperparameters(): Record<string, number | boolean | string>;

  step(): void {
    const ps = this.params;
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i];
      let s = this.states.get(p);
      if (s === undefined) {
        s = { step: 0, slots: this.initSlots(p, this.checkedSize(p)) };
        this.states.set(p, s);
      }
      s.step++;
      const args = this.argsFor(p, s);
      const value = p.value.data, grad = p.grad.data;
      if (this.fusedUpdate === undefined || !this.fusedUpdate(value, grad, s.slots, args)) this.rule.loop(value, grad, s.slots, args);
      p.version++; // caches derived from the value are stale (Param.version)
    }
  }

  zeroGrad(): void {
    zeroGrads(this.params, this.kernels);
  }

  state(): ReadonlyMap<Param, ParamState<S>> {
    return this.states;
  }

  loadState(states: ReadonlyMap<Param, { step: number; slots: Readonly<Record<string, ArrayLike<number>>> }>): void {
    for (const p of states.keys()) {
      if (!this.params.includes(p)) throw new ConfigError(`${this.name}: state given for parameter '${p.name}', which this optimizer does not update`);
    }
    this.release();
    for (const p of this.params) {
      const saved = states.get(p);
      if (!saved) continue;
      if (!Number.isInteger(saved.step) || saved.step < 0) throw new ConfigError(`${this.name}: parameter '${p.name}': step must be an integer ≥ 0, found ${saved.step}`);
      const slots = this.initSlots(p, this.checkedSize(p));
      this.states.set(p, { step: saved.step, slots });
      const names = Object.keys(slots);
      const given = Object.keys(saved.slots);
      if (names.length !== given.length || names.some((n) => !given.includes(n))) {
        throw new ConfigError(`${this.name}: parameter '${p.name}': expected state slots [${names.join(', ')}], found [${given.join(', ')}]`);
      }
      for (const n of names) {
        if (saved.slots[n].length !== slots[n].length) {
          throw new ShapeError(`${this.name}: parameter '${p.name}': slot '${n}' needs ${slots[n].length} values, found ${saved.slots[n].length}`);
        }
        slots[n].set(saved.slots[n]);
      }
    }
  }

  release(): void {
    for (const s of this.states.values()) {
      for (const buf of Object.values(s.slots)) this.kernels.release(buf);
    }
    this.states.clear();
  }

  /** ½·λ·Σ decay·‖w‖², the loss term whose gradient the coupled weight decay adds. */
  l2Penalty(): number {
    return l2Penalty(this.params, this.l2, this.kernels);
  }

  /** A zero-filled buffer of the parameter's dtype in the backend's memory. */
  protected alloc(p: Param, n: number): Float {
    return this.kernels.alloc(n, p.value.dtype);
  }

  /** Fused kernels run over whole buffers, so value and grad must hold exactly the parameter. */
  private checkedSize(p: Param): number {
    const n = p.value.size;
    if (p.value.data.length !== n || p.grad.data.length !== n || p.grad.size !== n) {
      throw new ShapeError(
        `${this.name}: parameter '${p.name}' is ${p.value.shapeString()} (${n} values); expected value and grad buffers of ${n} elements, found ${p.value.data.length} and ${p.grad.data.length}`,
      );
    }
    return n;
  }
}

function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v);
}

function checkNumber(where: string, name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ConfigError(`${where}: ${name} must be a finite number, found ${show(v)}`);
  }
}

/** Throws a ConfigError unless `v` is a finite number > 0. */
export function checkPositive(where: string, name: string, v: number): void {
  checkNumber(where, name, v);
  if (!(v > 0)) throw new ConfigError(`${where}: ${name} must be > 0, found ${v}`);
}

/** Throws a ConfigError unless `v` is a finite number ≥ 0. */
export function checkNonNegative(where: string, name: string, v: number): void {
  checkNumber(where, name, v);
  if (!(v >= 0)) throw new ConfigError(`${where}: ${name} must be >= 0, found ${v}`);
}

/** Throws a ConfigError unless 0 ≤ v < 1 (betas, RMSprop's alpha). */
export function checkUnitInterval(where: string, name: string, v: number): void {
  checkNumber(where, name, v);
  if (!(v >= 0 && v < 1)) throw new ConfigError(`${where}: ${name} must be in [0, 1), found ${v}`);
}

/** Throws a ConfigError unless `v` is a boolean. */
export function checkBoolean(where: string, name: string, v: boolean): void {
  if (typeof v !== 'boolean') throw new ConfigError(`${where}: ${name} must be true or false, found ${show(v)}`);
}
