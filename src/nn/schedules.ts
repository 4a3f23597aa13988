import { ConfigError } from '../errors.js';

/**
 * A learning-rate schedule: t (a 0-based step or epoch count; the trainer chooses which) → lr.
 * Schedules are pure functions of t and the optimizer's initial learning rate, so a resumed run
 * gets the same rates; the trainer writes the result into `optimizer.lr` before each step/epoch.
 */
export interface Schedule {
  readonly type: ScheduleConfig['type'];
  /** Learning rate at t ≥ 0 for an optimizer whose initial learning rate is `baseLr`. */
  lr(t: number, baseLr: number): number;
  /** The options that recreate this schedule with {@link createSchedule}. */
  config(): ScheduleConfig;
}

/** Schedules as plain data (configs, experiment grids, model files). */
export type ScheduleConfig =
  | { type: 'constant' }
  | { type: 'step'; stepSize: number; gamma?: number }
  | { type: 'cosine'; tMax: number; etaMin?: number }
  | { type: 'warmup'; warmupSteps: number; startFactor?: number; then?: ScheduleConfig };

/** lr(t) = baseLr. */
export class ConstantSchedule implements Schedule {
  readonly type = 'constant';
  lr(_t: number, baseLr: number): number {
    return baseLr;
  }
  config(): ScheduleConfig {
    return { type: 'constant' };
  }
}

export interface StepDecayOptions {
  /** Period s: the rate is multiplied by γ every s steps/epochs (a positive integer). */
  stepSize: number;
  /** Multiplicative factor γ > 0 (default 0.1, as torch). */
  gamma?: number;
}

/**
 * Step decay, as `torch.optim.lr_scheduler.StepLR`: lr(t) = baseLr · γ^⌊t / s⌋.
 * https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.StepLR.html
 */
export class StepDecay implements Schedule {
  readonly type = 'step';
  readonly stepSize: number;
  readonly gamma: number;

  constructor({ stepSize, gamma = 0.1 }: StepDecayOptions) {
    checkInteger('step schedule', 'stepSize', stepSize);
    checkRange('step schedule', 'gamma', gamma, (v) => v > 0, '> 0');
    this.stepSize = stepSize;
    this.gamma = gamma;
  }

  lr(t: number, baseLr: number): number {
    return baseLr * Math.pow(this.gamma, Math.floor(t / this.stepSize));
  }

  config(): ScheduleConfig {
    return { type: 'step', stepSize: this.stepSize, gamma: this.gamma };
  }
}

export interface CosineAnnealingOptions {
  /** Half-period T_max: the rate reaches etaMin at t = T_max (> 0). */
  tMax: number;
  /** Lowest learning rate η_min ≥ 0 (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing, as `torch.optim.lr_scheduler.CosineAnnealingLR` (SGDR without restarts):
 *
 *     lr(t) = η_min + ½·(baseLr − η_min)·(1 + cos(π·t / T_max))
 *
 * Like torch's formula, past T_max the curve rises again (period 2·T_max); set T_max to the
 * run's length. https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.CosineAnnealingLR.html —
 * Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts" (ICLR 2017),
 * https://arxiv.org/abs/1608.03983
 */
export class CosineAnnealing implements Schedule {
  readonly type = 'cosine';
  readonly tMax: number;
  readonly etaMin: number;

  constructor({ tMax, etaMin = 0 }: CosineAnnealingOptions) {
    checkRange('cosine schedule', 'tMax', tMax, (v) => v > 0, '> 0');
    checkRange('cosine schedule', 'etaMin', etaMin, (v) => v >= 0, '>= 0');
    this.tMax = tMax;
    this.etaMin = etaMin;
  }

  lr(t: number, baseLr: number): number {
    return this.etaMin + 0.5 * (baseLr - this.etaMin) * (1 + Math.cos((Math.PI * t) / this.tMax));
  }

  config(): ScheduleConfig {
    return { type: 'cosine', tMax: this.tMax, etaMin: this.etaMin };
  }
}

export interface LinearWarmupOptions {
  /** Length W of the warm-up in steps/epochs (a positive integer). */
  warmupSteps: number;
  /** Fraction f in [0, 1] of baseLr at t = 0 (default 1/3, as torch's LinearLR). */
  startFactor?: number;
}

/**
 * Linear warm-up, then another schedule started afresh — torch's
 * `SequentialLR([LinearLR(start_factor=f, end_factor=1, total_iters=W), then], milestones=[W])`:
 *
 *     lr(t) = baseLr · (f + (1 − f)·t / W)    for t < W
 *     lr(t) = then.lr(t − W, baseLr)          for t ≥ W
 *
 * https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.LinearLR.html,
 * https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.SequentialLR.html —
 * Goyal et al., "Accurate, Large Minibatch SGD" (2017), https://arxiv.org/abs/1706.02677
 */
export class LinearWarmup implements Schedule {
  readonly type = 'warmup';
  readonly warmupSteps: number;
  readonly startFactor: number;
  readonly then: Schedule;

  constructor({ warmupSteps, startFactor = 1 / 3 }: LinearWarmupOptions, then: Schedule = new ConstantSchedule()) {
    checkInteger('warmup schedule', 'warmupSteps', warmupSteps);
    checkRange('warmup schedule', 'startFactor', startFactor, (v) => v >= 0 && v <= 1, 'in [0, 1]');
    this.warmupSteps = warmupSteps;
    this.startFactor = startFactor;
    this.then = then;
  }

  lr(t: number, baseLr: number): number {
    const w = this.warmupSteps;
    if (t >= w) return this.then.lr(t - w, baseLr);
    return baseLr * (this.startFactor + ((1 - this.startFactor) * t) / w);
  }

  config(): ScheduleConfig {
    return { type: 'warmup', warmupSteps: this.warmupSteps, startFactor: this.startFactor, then: this.then.config() };
  }
}

/** lr(t) = baseLr. */
export const constant = (): Schedule => new ConstantSchedule();
/** torch StepLR: baseLr · γ^⌊t / stepSize⌋. */
export const stepDecay = (opts: StepDecayOptions): Schedule => new StepDecay(opts);
/** torch CosineAnnealingLR: η_min + ½(baseLr − η_min)(1 + cos(πt / T_max)). */
export const cosineAnnealing = (opts: CosineAnnealingOptions): Schedule => new CosineAnnealing(opts);
/** Linear warm-up over `warmupSteps`, then `then` (default constant) from its own t = 0. */
export const linearWarmup = (opts: LinearWarmupOptions, then?: Schedule): Schedule => new LinearWarmup(opts, then);

const KEYS: Record<ScheduleConfig['type'], readonly string[]> = {
  constant: [],
  step: ['stepSize', 'gamma'],
  cosine: ['tMax', 'etaMin'],
  warmup: ['warmupSteps', 'startFactor', 'then'],
};

/** Most schedules chained through `then` (data from files must not recurse without bound). */
const MAX_SCHEDULE_DEPTH = 16;

/** Names accepted in `{ type }` of a {@link ScheduleConfig}. */
export const SCHEDULE_TYPES = Object.keys(KEYS) as readonly ScheduleConfig['type'][];

/**
 * A schedule from plain data (a config file, an experiment grid, a model file's metadata), or a
 * type name alone for `constant`. Unknown types and keys are ConfigErrors.
 */
export function createSchedule(config: ScheduleConfig | 'constant', depth = 0): Schedule {
  if (depth > MAX_SCHEDULE_DEPTH) throw new ConfigError(`schedule: warm-ups nested more than ${MAX_SCHEDULE_DEPTH} deep in 'then'`);
  const c: ScheduleConfig = typeof config === 'string' ? ({ type: config } as ScheduleConfig) : config;
  if (typeof c !== 'object' || c === null || !Object.hasOwn(KEYS, c.type)) {
    const found = typeof c === 'object' && c !== null ? `'${String(c.type).slice(0, 40)}'` : String(JSON.stringify(c)).slice(0, 40);
    throw new ConfigError(`schedule: unknown type ${found}, expected one of ${SCHEDULE_TYPES.join(', ')}`);
  }
  for (const key of Object.keys(c)) {
    if (key !== 'type' && !KEYS[c.type].includes(key)) {
      throw new ConfigError(`schedule '${c.type}': unknown option '${key.slice(0, 40)}', expected one of ${KEYS[c.type].join(', ')}`);
    }
  }
  switch (c.type) {
    case 'constant':
      return new ConstantSchedule();
    case 'step':
      return new StepDecay(c);
    case 'cosine':
      return new CosineAnnealing(c);
    case 'warmup':
      return new LinearWarmup(c, c.then === undefined ? undefined : createSchedule(c.then, depth + 1));
  }
}

function checkRange(where: string, name: string, v: number, ok: (v: number) => boolean, expected: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
    throw new ConfigError(`${where}: ${name} must be ${expected}, found ${typeof v === 'number' ? v : String(JSON.stringify(v)).slice(0, 40)}`);
  }
}

function checkInteger(where: string, name: string, v: number): void {
  checkRange(where, name, v, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
}

/** Schedule names of the CLI (`--schedule`) and experiment specs. */
export const SCHEDULE_NAMES = ['constant', 'cosine', 'step', 'warmup-cosine'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

/**
 * A named schedule over `epochs` epochs: `constant` (none), `cosine` (to 0 at the end), `step`
 * (×0.1 every third of the run), `warmup-cosine` (one epoch of linear warm-up from 0.1×, then cosine).
 */
export function scheduleFor(name: ScheduleName, epochs: number): ScheduleConfig | undefined {
  if (name === 'constant') return undefined;
  if (name === 'cosine') return { type: 'cosine', tMax: epochs };
  if (name === 'step') return { type: 'step', stepSize: Math.max(1, Math.floor(epochs / 3)), gamma: 0.1 };
  return { type: 'warmup', warmupSteps: 1, startFactor: 0.1, then: { type: 'cosine', tMax: Math.max(1, epochs - 1) } };
}
