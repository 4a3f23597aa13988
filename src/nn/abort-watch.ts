/** How often a `fit` with a `signal` lets the event loop run (so that signal handlers can fire), in ms. */
const YIELD_MS = 50;

/**
 * The `signal` of a `fit`: between steps, fit lets the event loop run about every 50 ms (so that
 * whatever aborts the signal — a signal handler, a button — can) and stops once it has aborted.
 * Without a signal it never yields and never stops.
 */
export class AbortWatch {
  private lastYield = performance.now();

  constructor(readonly signal: AbortSignal | undefined) {}

  get aborted(): boolean {
    return this.signal?.aborted === true;
  }

  /** After a step: true when the event loop has not run for YIELD_MS (and there is a signal). */
  due(): boolean {
    return this.signal !== undefined && performance.now() - this.lastYield >= YIELD_MS;
  }

  /** Lets the event loop run. */
  async yield(): Promise<void> {
    await yieldToEventLoop();
    this.lastYield = performance.now();
  }
}

/** Lets the event loop run (signal handlers, a browser's input): a macrotask, not a microtask. */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}
