import { ConfigError } from '../errors.js';
import { ARGS_LENGTH, MAX_PARTS } from './wasm/job-args.js';
import { DONE, runBackground, runPart, SYNC_LENGTH, type WasmExports } from './wasm/ops.js';
import type { PoolWorker, WasmPlatform, WorkerInit } from './wasm/platform.js';

export type { WorkerInit } from './wasm/platform.js';

/**
 * Int32 slots of the control block: STOP, then worker t's 64-byte line at t·STRIDE: its wake
 * counter, and at +BACKGROUND a flag that is 1 while a background task is given to it (startBackground).
 */
const STRIDE = 16;
const STOP = 0;
const BACKGROUND = 1;
/**
 * Spins before falling back to `Atomics.wait`: a spinning thread takes the next job at once but
 * holds its core; a sleeping one frees the core, but waking it costs more than a short job. Long
 * enough to bridge the gaps between the jobs of a training step (measurements: bench/README.md,
 * "Tuning constants").
 */
const SPIN = 1 << 15;

/**
 * Checks a thread count (`where` names its origin in the message, e.g. `SCRATCHNET_THREADS`).
 * @throws ConfigError unless an integer in 1..64
 */
export function checkThreads(n: number, where = 'threads'): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARTS) {
    throw new ConfigError(`${where}: expected an integer in 1..${MAX_PARTS}, found ${String(n)}`);
  }
  return n;
}

/**
 * A pool of `size - 1` workers plus the calling thread over one shared WebAssembly memory. A job is
 * written into {@link args} and opened in {@link sync}; {@link wake} wakes workers, all threads
 * (the caller included) take chunks until none is left, and {@link join} waits for the last chunk. Workers talk only through shared memory and
 * `Atomics` (plus one `postMessage` at start), so a browser Worker can take the same role.
 */
export class ThreadPool {
  /** Job arguments, read by every thread (layout in wasm/job-args.ts). */
  readonly args: Float64Array;
  /** Chunk tickets and the finished-chunk count of the open job (wasm/ops.ts). */
  readonly sync: Int32Array;
  private readonly ctrl: Int32Array;
  private closed = false;

  private constructor(
    private readonly workers: PoolWorker[],
    private readonly canBlock: boolean,
    ctrl: SharedArrayBuffer,
    args: SharedArrayBuffer,
    sync: SharedArrayBuffer,
  ) {
    this.ctrl = new Int32Array(ctrl);
    this.args = new Float64Array(args);
    this.sync = new Int32Array(sync);
  }

  /** Starts `size - 1` workers on `platform` and resolves when all have instantiated the module. */
  static async create(platform: WasmPlatform, module: WebAssembly.Module, memory: WebAssembly.Memory, size: number): Promise<ThreadPool> {
    const ctrl = new SharedArrayBuffer(4 * STRIDE * (MAX_PARTS + 1));
    const args = new SharedArrayBuffer(8 * ARGS_LENGTH);
    const sync = new SharedArrayBuffer(4 * SYNC_LENGTH);
    const workers: PoolWorker[] = [];
    const pool = new ThreadPool(workers, platform.canBlock, ctrl, args, sync);
    const starting: Promise<void>[] = [];
    for (let index = 1; index < size; index++) {
      starting.push(platform.startWorker({ module, memory, ctrl, args, sync, index }).then((w) => void workers.push(w)));
    }
    const settled = await Promise.allSettled(starting);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) {
      await pool.terminate();
      throw (failed as PromiseRejectedResult).reason;
    }
    return pool;
  }

  /** Threads available to a job, the caller included. */
  get size(): number {
    return this.workers.length + 1;
  }

  /** Wakes workers 1..parts-1 for the job just opened (they take chunks until none is left). */
  wake(parts: number): void {
    const c = this.ctrl;
    for (let t = 1; t < parts; t++) {
      Atomics.add(c, t * STRIDE, 1);
      Atomics.notify(c, t * STRIDE, 1);
    }
  }

  /**
   * Gives worker 1 the background task (wasm/ops.ts runBackground: the gather in wasm/job-args.ts BACKGROUND) and returns at
   * once: the worker runs it before it takes part in further jobs, which this thread meanwhile runs
   * alone or with the other workers (every job's chunks go to whoever is free, so results do not
   * change). One task at a time: {@link waitBackground} before the next.
   */
  startBackground(): void {
    const slot = STRIDE;
    Atomics.store(this.ctrl, slot + BACKGROUND, 1);
    Atomics.add(this.ctrl, slot, 1);
    Atomics.notify(this.ctrl, slot, 1);
  }

  /** Is worker 1 still on the task of {@link startBackground}? */
  backgroundBusy(): boolean {
    return Atomics.load(this.ctrl, STRIDE + BACKGROUND) !== 0;
  }

  /** Waits until worker 1 has finished the task of {@link startBackground}. */
  waitBackground(): void {
    const c = this.ctrl;
    const flag = STRIDE + BACKGROUND;
    let spins = 0;
    while (Atomics.load(c, flag) !== 0) {
      if (++spins > SPIN && this.canBlock) Atomics.wait(c, flag, 1, 1);
    }
  }

  /** Waits until all `chunks` chunks of the open job are done (never for a worker that is still asleep). */
  join(chunks: number): void {
    const s = this.sync;
    let spins = 0;
    for (let v = Atomics.load(s, DONE); v < chunks; v = Atomics.load(s, DONE)) {
      if (++spins > SPIN && this.canBlock) Atomics.wait(s, DONE, v, 1);
    }
  }

  /** Stops and terminates the workers; the pool is unusable afterwards. */
  async terminate(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, STOP, 1);
    for (let t = 1; t <= this.workers.length; t++) {
      Atomics.add(this.ctrl, t * STRIDE, 1);
      Atomics.notify(this.ctrl, t * STRIDE);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * The body of a pool worker on any platform: instantiates the already-compiled kernels over the
 * shared memory, calls `ready`, then runs its parts of each job until the pool stops.
 */
export function runPoolWorker(init: WorkerInit, ready: () => void): void {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const ex = instance.exports as unknown as WasmExports;
  const args = new Float64Array(init.args);
  const sync = new Int32Array(init.sync);
  ready();
  workerLoop(
    new Int32Array(init.ctrl),
    init.index,
    () => runPart(ex, args, sync, init.index),
    () => runBackground(ex, args),
  );
}

/**
 * A worker's loop: wait for its wake counter to move, then run `background()` if a background task
 * was given to it (see ThreadPool.startBackground) and `work()` (take chunks of the open job, if any
 * are left), until the pool stops.
 */
export function workerLoop(ctrl: Int32Array, index: number, work: () => void, background: () => void): void {
  const slot = index * STRIDE;
  let seen = Atomics.load(ctrl, slot);
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctrl, slot) === seen) {
      if (++spins > SPIN) Atomics.wait(ctrl, slot, seen);
    }
    seen = Atomics.load(ctrl, slot);
    if (Atomics.load(ctrl, STOP) !== 0) return;
    if (Atomics.load(ctrl, slot + BACKGROUND) !== 0) {
      background();
      Atomics.store(ctrl, slot + BACKGROUND, 0);
      Atomics.notify(ctrl, slot + BACKGROUND);
    }
    work();
  }
}
