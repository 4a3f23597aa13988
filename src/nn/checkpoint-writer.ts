import { encodeCheckpoint, type CheckpointOptions, type CheckpointReason } from './checkpoint.js';
import { captureCheckpoint, positionOf, type RunState, type TrainingParts } from './train-state.js';

/**
 * Hands out the checkpoints of a running `fit` (its `checkpoint` option): every `every` steps, or
 * at each epoch's end without `every`, and on an abort. Without the option it writes nothing.
 */
export class CheckpointWriter {
  /** globalStep of the last checkpoint written (-1: none yet). */
  savedAt = -1;
  private readonly every: number | undefined;

  constructor(
    private readonly parts: TrainingParts,
    private readonly state: RunState,
    private readonly options: CheckpointOptions | undefined,
  ) {
    this.every = options?.every;
  }

  /** After a step: true every `every` steps of the run. */
  dueAfterStep(): boolean {
    return this.every !== undefined && this.state.globalStep % this.every === 0;
  }

  /** At an epoch's end: true when checkpoints are taken once an epoch. */
  dueAtEpochEnd(): boolean {
    return this.options !== undefined && this.every === undefined;
  }

  async save(reason: CheckpointReason): Promise<void> {
    const s = this.state;
    const bytes = encodeCheckpoint(captureCheckpoint(this.parts, positionOf(s)));
    await this.options!.save(bytes, { epoch: s.epoch, step: s.step, globalStep: s.globalStep, reason });
    this.savedAt = s.globalStep;
  }

  /**
   * On an abort: a checkpoint of the run where it stopped (unless one was just taken there); returns
   * whether the run has one to resume from.
   */
  async saveOnInterrupt(): Promise<boolean> {
    if (this.options === undefined) return false;
    if (this.savedAt !== this.state.globalStep) await this.save('interrupt');
    return true;
  }
}
