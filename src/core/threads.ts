import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../errors.js';
import { ARGS_LENGTH, DONE, MAX_PARTS, SYNC_LENGTH } from './wasm/ops.js';

/**
 * Int32 slots of the control block: STOP, then worker t's 64-byte line at t·STRIDE: its wake
 * counter, and at +BACKGROUND a flag that is 1 while a background task is given to it (startBackground).
 */
const STRIDE = 16;
const STOP = 0;
const BACKGROUND = 1;
/** Spins (~0.5 ms: one `Atomics.load` costs ~14 ns) before falling back to `Atomics.wait`, whose wake-up costs ~55 µs. */
const SPIN = 1 << 15;

/** What a worker receives: the compiled module (never bytes), the memory and the shared blocks. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: SharedArrayBuffer;
  args: SharedArrayBuffer;
  sync: SharedArrayBuffer;
  index: number;
}

/**
 * Threads to use: `requested`, else env `SCRATCHNET_THREADS`, else `os.availableParallelism()`.
 */
export function threadCount(requested?: number): number {
  const env = process.env.SCRATCHNET_THREADS;
  const n = requested ?? (env !== undefined && env !== '' ? Number(env) : availableParallelism());
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARTS) {
    const found = requested ?? `SCRATCHNET_THREADS=${JSON.stringify(env)}`;
    throw new ConfigError(`threads: expected an integer in 1..${MAX_PARTS}, found ${found}`);
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
  /** Job arguments, read by every thread (layout in wasm/ops.ts). */
  readonly args: Float64Array;
  /** Chunk tickets and the finished-chunk count of the open job (wasm/ops.ts). */
  readonly sync: Int32Array;
  private readonly ctrl: Int32Array;
  private closed = false;

  private constructor(
    private readonly workers: Worker[],
    ctrl: SharedArrayBuffer,
    args: SharedArrayBuffer,
    sync: SharedArrayBuffer,
  ) {
    this.ctrl = new Int32Array(ctrl);
    this.args = new Float64Array(args);
    this.sync = new Int32Array(sync);
  }

  /** Starts `size - 1` workers and resolves when all have instantiated the module. */
  static async create(module: WebAssembly.Module, memory: WebAssembly.Memory, size: number): Promise<ThreadPool> {
    const ctrl = new SharedArrayBuffer(4 * STRIDE * (MAX_PARTS + 1));
    const args = new SharedArrayBuffer(8 * ARGS_LENGTH);
    const sync = new SharedArrayBuffer(4 * SYNC_LENGTH);
    const workers: Worker[] = [];
    const pool = new ThreadPool(workers, ctrl, args, sync);
    const ready = (w: Worker, index: number) =>
      new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`threads: worker ${index} exited with code ${code}`)));
      });
    try {
      const starting: Promise<void>[] = [];
      for (let index = 1; index < size; index++) {
        const w = spawn({ module, memory, ctrl, args, sync, index });
        workers.push(w);
        starting.push(ready(w, index));
      }
      await Promise.all(starting);
    } catch (e) {
      await pool.terminate();
      throw e;
    }
    for (const w of workers) {
      w.removeAllListeners();
      w.on('error', (e) => process.emitWarning(`scratchnet: wasm worker failed: ${String(e)}`));
      w.unref();
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
   * Gives worker 1 the background task (threads-worker.ts: the gather at ops.ts BG) and returns at
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

  /** Waits until worker 1 has finished the task of {@link startBackground}. */
  waitBackground(): void {
    const c = this.ctrl;
    const flag = STRIDE + BACKGROUND;
    let spins = 0;
    while (Atomics.load(c, flag) !== 0) {
      if (++spins > SPIN) Atomics.wait(c, flag, 1, 1);
    }
  }

  /** Waits until all `chunks` chunks of the open job are done (never for a worker that is still asleep). */
  join(chunks: number): void {
    const s = this.sync;
    let spins = 0;
    for (let v = Atomics.load(s, DONE); v < chunks; v = Atomics.load(s, DONE)) {
      if (++spins > SPIN) Atomics.wait(s, DONE, v, 1);
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

/** Starts a worker on threads-worker.js, or on threads-worker.ts when running from TypeScript sources. */
function spawn(init: WorkerInit): Worker {
  const ts = import.meta.url.endsWith('.ts');
  const url = new URL(`./threads-worker${ts ? '.ts' : '.js'}`, import.meta.url);
  if (!ts) return new Worker(url, { workerData: init });
  // Node 20 does not carry tsx's module hooks into workers: register them first.
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`;
  return new Worker(code, { eval: true, workerData: init });
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
