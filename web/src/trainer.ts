/** The page's handle on one training worker: start, pause, step, resume, learning rate, reset. */
import type { EpochReport, FromWorker, ToWorker } from './protocol';

export type StartMessage = Extract<ToWorker, { type: 'start' }>;

export interface TrainerEvents {
  onReady?(m: Extract<FromWorker, { type: 'ready' }>): void;
  onEpoch?(r: EpochReport): void;
  onPaused?(epoch: number): void;
  onProbe?(m: Extract<FromWorker, { type: 'probe' }>): void;
  onDone?(epochs: number): void;
  onError?(message: string): void;
}

export class Trainer {
  private worker: Worker | null = null;
  private modelWaiters: ((b: Uint8Array) => void)[] = [];
  state: 'idle' | 'running' | 'paused' | 'done' | 'error' = 'idle';
  readonly history: EpochReport[] = [];

  constructor(private readonly events: TrainerEvents) {}

  start(m: StartMessage): void {
    this.reset();
    const w = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module', name: 'scratchnet-train' });
    this.worker = w;
    this.state = m.paused ? 'paused' : 'running';
    w.onmessage = (e: MessageEvent<FromWorker>) => {
      if (w !== this.worker) return;
      const d = e.data;
      if (d.type === 'ready') this.events.onReady?.(d);
      else if (d.type === 'epochs') {
        for (const r of d.reports) {
          // grids and hidden activations are large: keep only the figures in the history
          this.history.push({ ...r, grid: undefined, hidden: undefined, weights: undefined, firstWeights: undefined, testPredictions: undefined });
          this.events.onEpoch?.(r);
        }
      } else if (d.type === 'probe') this.events.onProbe?.(d);
      else if (d.type === 'paused') {
        this.state = 'paused';
        this.events.onPaused?.(d.epoch);
      } else if (d.type === 'done') {
        this.state = 'done';
        this.events.onDone?.(d.epochs);
      } else if (d.type === 'model') this.modelWaiters.splice(0).forEach((f) => f(d.bytes));
      else if (d.type === 'error') {
        this.state = 'error';
        this.events.onError?.(d.message);
      }
    };
    w.onerror = (e) => {
      this.state = 'error';
      this.events.onError?.(`worker failed: ${e.message}`);
    };
    w.postMessage(m, [m.train.x.buffer, m.train.y.buffer, m.test.x.buffer, m.test.y.buffer]);
  }

  private send(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  pause(): void {
    if (this.state === 'running') this.send({ type: 'pause' });
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.send({ type: 'resume' });
  }

  /** One more epoch, then paused. */
  step(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.send({ type: 'step' });
  }

  setLr(lr: number): void {
    this.send({ type: 'lr', lr });
  }

  /** The model's bytes (safetensors) as the worker has it now (between epochs). */
  exportModel(): Promise<Uint8Array> {
    return new Promise((resolve) => {
      this.modelWaiters.push(resolve);
      this.send({ type: 'export' });
    });
  }

  /** Ends the run: the worker and its thread pool are terminated. */
  reset(): void {
    this.worker?.terminate();
    this.worker = null;
    this.history.length = 0;
    this.state = 'idle';
  }

  get active(): boolean {
    return this.worker !== null;
  }
}
