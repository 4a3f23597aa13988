/**
 * How many of the kernels' threads a run's steps use. A second thread halves a big product but costs
 * a hand-over per kernel call (~20 calls a step) and waits for the slower thread; on a small network
 * or a busy machine the hand-overs cost more than they save. So `fit` times its own first steps on
 * each candidate count, taking turns, and keeps the fastest for the rest of the run (fewer threads
 * must win by 10%); the choice is cached for the process by the step's shape (backend, widths,
 * batch) for 5 minutes, so a later run of the same shape skips the trial. The kernels split every
 * product the same way on any thread count, so the choice — and the trial itself — never changes
 * the bits.
 */
import type { Kernels } from '../core/kernels.js';

/** Steps run before the trial (JIT, caches, workers started). */
const WARM_STEPS = 4;
/** Steps a candidate runs per turn; each candidate gets {@link ROUNDS} turns. */
const TURN_STEPS = 6;
const ROUNDS = 3;
/** The first step of a turn is not timed: a worker that slept during the other count's turn wakes in it. */
const SETTLE_STEPS = 1;
/**
 * Fewer threads must be this much faster to be kept: a wrong choice of fewer threads on a machine
 * that turns quiet costs up to their ratio (2× for 1 of 2), a wrong choice of more on a busy one
 * a fraction of that; and a slow spell during the trial hits the turns of more threads hardest.
 */
const FEWER_MARGIN = 0.1;
/** A cached choice is timed afresh after this long (ms): the machine's load changes. */
const CACHE_MS = 5 * 60_000;

/** What the plan chose and why: per candidate count, the median ms of its timed steps. */
export interface ThreadChoice {
  /** The thread count the run's steps use. */
  threads: number;
  /** Threads the kernels have (the most a step may use). */
  available: number;
  /** How it was chosen: `timed` (this run's steps), `cached` (an earlier run of the same shape), `fixed` (asked for, or one thread only). */
  how: 'timed' | 'cached' | 'fixed';
  /** Median ms per step of each candidate, when timed. */
  msPerStep?: Record<number, number>;
}

/** `auto`: timed per shape; a number: that many threads (at most the kernels'). */
export type ThreadsOption = 'auto' | number;

const chosen = new Map<string, { threads: number; at: number }>();

/** Forgets the choices cached for this process (a test, or after the machine's load changed). */
export function clearThreadChoices(): void {
  chosen.clear();
}

/**
 * The thread plan of one run: {@link beforeStep} and {@link afterStep} around each training step;
 * {@link finish} gives the kernels back their thread count.
 */
export class ThreadPlan {
  /** The cache's key: the kernels, their thread count and the step's shape. */
  private readonly key: string;
  private readonly initial: number;
  private readonly candidates: number[];
  private readonly times: number[][];
  private steps = 0;
  private started = 0;
  private decided: ThreadChoice | null = null;

  /**
   * `shape` names the step (widths, batch, anything that changes its cost); `onChoice` hears the
   * decision once it is made.
   */
  constructor(
    private readonly kernels: Kernels,
    shape: string,
    threads: ThreadsOption = 'auto',
    private readonly onChoice: (c: ThreadChoice) => void = () => {},
  ) {
    this.initial = kernels.threads;
    const available = this.initial;
    this.key = `${kernels.name} ${available} ${shape}`;
    this.candidates = [];
    for (let n = available; n >= 1; n = n === 1 ? 0 : Math.max(1, n >> 1)) this.candidates.push(n);
    this.times = this.candidates.map(() => []);
    if (threads !== 'auto') {
      this.decide(Math.min(available, threads), 'fixed');
    } else if (available === 1) {
      this.decide(1, 'fixed');
    } else {
      const cached = chosen.get(this.key);
      if (cached && performance.now() - cached.at < CACHE_MS) this.decide(cached.threads, 'cached');
    }
  }

  /** The choice, once made (during the trial: null). */
  get choice(): ThreadChoice | null {
    return this.decided;
  }

  /** Sets the thread count of the next step (during the trial, the candidate whose turn it is). */
  beforeStep(): void {
    if (this.decided) return;
    const t = this.trialIndex();
    if (t >= 0) this.kernels.setThreads(this.candidates[Math.floor(t / TURN_STEPS) % this.candidates.length]);
    this.started = performance.now();
  }

  /** Records the step's time; decides when the trial is over. */
  afterStep(): void {
    if (this.decided) return;
    const ms = performance.now() - this.started;
    const t = this.trialIndex();
    this.steps++;
    if (t < 0) return;
    if (t % TURN_STEPS >= SETTLE_STEPS) this.times[Math.floor(t / TURN_STEPS) % this.candidates.length].push(ms);
    if (t + 1 === TURN_STEPS * this.candidates.length * ROUNDS) this.finishTrial();
  }

  /** Gives the kernels back the thread count they had before the run. */
  finish(): void {
    this.kernels.setThreads(this.initial);
  }

  /** The step's index within the trial, or -1 while warming up. */
  private trialIndex(): number {
    return this.steps - WARM_STEPS;
  }

  private finishTrial(): void {
    const msPerStep: Record<number, number> = {};
    let best = 0;
    this.candidates.forEach((n, i) => {
      msPerStep[n] = median(this.times[i]);
      // candidates run from most threads to fewest: a count is kept only if it beats the best larger one by the margin
      if (msPerStep[n] < msPerStep[this.candidates[best]] * (1 - FEWER_MARGIN)) best = i;
    });
    chosen.set(this.key, { threads: this.candidates[best], at: performance.now() });
    this.decide(this.candidates[best], 'timed', msPerStep);
  }

  private decide(threads: number, how: ThreadChoice['how'], msPerStep?: Record<number, number>): void {
    this.kernels.setThreads(threads);
    this.decided = { threads, available: this.initial, how, ...(msPerStep ? { msPerStep } : {}) };
    this.onChoice(this.decided);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[(s.length - 1) >> 1];
}

/** One line for a log: `threads: 1 of 2 (timed: 2 → 0.71 ms/step, 1 → 0.62 ms/step)`. */
export function describeThreads(c: ThreadChoice): string {
  const timed = c.msPerStep
    ? `: ${Object.entries(c.msPerStep).sort((a, b) => Number(b[0]) - Number(a[0])).map(([n, ms]) => `${n} → ${ms.toFixed(3)} ms/step`).join(', ')}`
    : '';
  return `threads: ${c.threads} of ${c.available} (${c.how}${timed})`;
}
