import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../src/errors.js';
import {
  ConstantSchedule,
  CosineAnnealing,
  constant,
  cosineAnnealing,
  createSchedule,
  LinearWarmup,
  linearWarmup,
  type Schedule,
  StepDecay,
  stepDecay,
} from '../src/nn/schedules.js';

function near(actual: number, expected: number, tol = 1e-12, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected}, found ${actual}`);
}

function series(s: Schedule, n: number, base: number): number[] {
  return Array.from({ length: n }, (_, t) => s.lr(t, base));
}

describe('constant', () => {
  it('is the base rate at every t', () => {
    assert.deepEqual(series(constant(), 4, 0.3), [0.3, 0.3, 0.3, 0.3]);
    assert.deepEqual(new ConstantSchedule().config(), { type: 'constant' });
  });
});

describe('step decay (torch StepLR)', () => {
  it('lr = base·γ^⌊t/s⌋', () => {
    // s = 3, γ = 0.5, base 0.1: 0.1 for t = 0..2, 0.05 for 3..5, 0.025 for 6..7
    const got = series(stepDecay({ stepSize: 3, gamma: 0.5 }), 8, 0.1);
    [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025].forEach((e, t) => near(got[t], e, 1e-15, `t=${t}`));
  });

  it('matches torch’s recursive form (multiply by γ when t % s = 0)', () => {
    const s = new StepDecay({ stepSize: 4 });
    let lr = 0.2;
    for (let t = 0; t < 30; t++) {
      if (t > 0 && t % 4 === 0) lr *= 0.1; // StepLR.get_lr, default gamma 0.1
      near(s.lr(t, 0.2), lr, 1e-15, `t=${t}`);
    }
  });
});

describe('cosine annealing (torch CosineAnnealingLR)', () => {
  it('η_min + ½(base − η_min)(1 + cos(πt/T_max)) at chosen points', () => {
    // base 0.1, η_min 0.001, T_max 10
    // t=0: 0.1;  t=5: 0.001 + ½·0.099·1 = 0.0505;  t=10: 0.001
    // t=2.5: 0.001 + ½·0.099·(1 + √2/2) = 0.084498...;  t=20: back to 0.1 (period 2·T_max, as torch)
    const s = cosineAnnealing({ tMax: 10, etaMin: 0.001 });
    near(s.lr(0, 0.1), 0.1, 1e-15, 't=0');
    near(s.lr(5, 0.1), 0.0505, 1e-15, 't=5');
    near(s.lr(10, 0.1), 0.001, 1e-15, 't=10');
    near(s.lr(2.5, 0.1), 0.001 + 0.5 * 0.099 * (1 + Math.SQRT1_2), 1e-15, 't=2.5');
    near(s.lr(15, 0.1), 0.0505, 1e-15, 't=15');
    near(s.lr(20, 0.1), 0.1, 1e-15, 't=20');
  });

  it('equals torch’s recursive get_lr over three periods', () => {
    // CosineAnnealingLR.get_lr (torch/optim/lr_scheduler.py), stepped once per t
    const base = 0.05;
    const etaMin = 0.002;
    const T = 7;
    const s = new CosineAnnealing({ tMax: T, etaMin });
    let lr = base;
    for (let t = 0; t <= 3 * 2 * T; t++) {
      if (t === 0) lr = base;
      else if ((t - 1 - T) % (2 * T) === 0) lr = lr + ((base - etaMin) * (1 - Math.cos(Math.PI / T))) / 2;
      else lr = ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (lr - etaMin) + etaMin;
      near(s.lr(t, base), lr, 1e-12, `t=${t}`);
    }
  });
});

describe('linear warm-up', () => {
  it('base·(f + (1 − f)·t/W) for t < W, then the wrapped schedule from its own t = 0', () => {
    // W = 4, f = 0.25, base 0.1: 0.025, 0.04375, 0.0625, 0.08125, then cosine(T_max 10) at 0, 1, …
    const s = linearWarmup({ warmupSteps: 4, startFactor: 0.25 }, cosineAnnealing({ tMax: 10 }));
    [0.025, 0.04375, 0.0625, 0.08125].forEach((e, t) => near(s.lr(t, 0.1), e, 1e-15, `t=${t}`));
    near(s.lr(4, 0.1), 0.1, 1e-15, 't=4');
    near(s.lr(9, 0.1), 0.05, 1e-15, 't=9 (cosine t=5)');
    near(s.lr(14, 0.1), 0, 1e-15, 't=14 (cosine t=10)');
  });

  it('matches torch LinearLR’s closed form, then a constant', () => {
    // LinearLR._get_closed_form_lr: base·(f + (1 − f)·min(W, t)/W)
    const s = new LinearWarmup({ warmupSteps: 5 });
    for (let t = 0; t < 12; t++) {
      const f = 1 / 3;
      near(s.lr(t, 0.3), 0.3 * (f + ((1 - f) * Math.min(5, t)) / 5), 1e-15, `t=${t}`);
    }
  });
});

describe('createSchedule', () => {
  it('builds each type from plain data, and config() round-trips', () => {
    const configs = [
      { type: 'constant' },
      { type: 'step', stepSize: 2, gamma: 0.5 },
      { type: 'cosine', tMax: 8, etaMin: 0.01 },
      { type: 'warmup', warmupSteps: 3, startFactor: 0.1, then: { type: 'step', stepSize: 2, gamma: 0.1 } },
    ] as const;
    for (const c of configs) {
      const s = createSchedule(c);
      assert.equal(s.type, c.type);
      assert.deepEqual(s.config(), c);
      assert.deepEqual(series(createSchedule(s.config()), 12, 0.1), series(s, 12, 0.1));
    }
    assert.ok(createSchedule('constant') instanceof ConstantSchedule);
  });

  it('fills defaults (StepLR γ = 0.1, η_min = 0, warm-up then constant)', () => {
    assert.deepEqual(createSchedule({ type: 'step', stepSize: 5 }).config(), { type: 'step', stepSize: 5, gamma: 0.1 });
    assert.deepEqual(createSchedule({ type: 'cosine', tMax: 5 }).config(), { type: 'cosine', tMax: 5, etaMin: 0 });
    const w = createSchedule({ type: 'warmup', warmupSteps: 2 });
    assert.equal(w.lr(100, 0.1), 0.1);
  });

  const bad: [string, () => unknown, string][] = [
    [
      'unknown type',
      () => createSchedule({ type: 'exponential' } as never),
      "schedule: unknown type 'exponential', expected one of constant, step, cosine, warmup",
    ],
    [
      'unknown key',
      () => createSchedule({ type: 'step', stepSize: 2, step_size: 3 } as never),
      "schedule 'step': unknown option 'step_size', expected one of stepSize, gamma",
    ],
    ['missing stepSize', () => createSchedule({ type: 'step' } as never), 'step schedule: stepSize must be a positive integer, found undefined'],
    ['fractional stepSize', () => stepDecay({ stepSize: 1.5 }), 'step schedule: stepSize must be a positive integer, found 1.5'],
    ['gamma 0', () => stepDecay({ stepSize: 1, gamma: 0 }), 'step schedule: gamma must be > 0, found 0'],
    ['tMax 0', () => cosineAnnealing({ tMax: 0 }), 'cosine schedule: tMax must be > 0, found 0'],
    ['etaMin < 0', () => cosineAnnealing({ tMax: 3, etaMin: -1 }), 'cosine schedule: etaMin must be >= 0, found -1'],
    ['warmupSteps 0', () => linearWarmup({ warmupSteps: 0 }), 'warmup schedule: warmupSteps must be a positive integer, found 0'],
    ['startFactor > 1', () => linearWarmup({ warmupSteps: 2, startFactor: 2 }), 'warmup schedule: startFactor must be in [0, 1], found 2'],
    [
      'bad nested schedule',
      () => createSchedule({ type: 'warmup', warmupSteps: 2, then: { type: 'cosine', tMax: -1 } }),
      'cosine schedule: tMax must be > 0, found -1',
    ],
  ];
  for (const [label, fn, message] of bad) {
    it(`rejects ${label}`, () => assert.throws(fn, (e: unknown) => e instanceof ConfigError && e.message === message));
  }
});
