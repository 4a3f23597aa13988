import cliProgress from 'cli-progress';
import type { BatchLog, Callback, EpochLog, TrainInfo } from '../nn/callbacks.js';

const fmt = (v: number | undefined, d = 4) => (v === undefined ? '-' : v.toFixed(d));

/** One line per epoch, for logs and pipes. */
export function epochLine(e: EpochLog, epochs: number): string {
  const val =
    e.valR2 !== undefined
      ? `  val_loss ${fmt(e.valLoss)}  val_rmse ${fmt(e.valRmse)}  val_r2 ${fmt(e.valR2)}`
      : e.valAccuracy === undefined ? '' : `  val_loss ${fmt(e.valLoss)}  val_acc ${fmt(e.valAccuracy)}`;
  const acc = Number.isNaN(e.accuracy) ? '' : `  acc ${fmt(e.accuracy)}`;
  return `epoch ${String(e.epoch).padStart(String(epochs).length)}/${epochs}  loss ${fmt(e.loss)}${acc}${val}  ${e.seconds.toFixed(2)}s  ${Math.round(e.samplesPerSecond)} samples/s`;
}

/**
 * Training progress: a live bar (loss, accuracy, samples/s, ETA) on a TTY, plain per-epoch lines
 * otherwise. Writes to `stream` (stderr when stdout carries JSON).
 */
export class Progress implements Callback {
  private bar: cliProgress.SingleBar | null = null;
  private epochs = 0;
  private lastDraw = 0;
  private interrupted = false;
  // a process that exits with the bar drawn (an error, a second Ctrl-C) must not leave the cursor hidden
  private readonly showCursor = () => this.bar?.stop();

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  onTrainBegin({ epochs, stepsPerEpoch }: TrainInfo): void {
    this.epochs = epochs;
    if (!this.stream.isTTY || this.interrupted) return;
    process.once('exit', this.showCursor);
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: 'epoch {epoch}/{epochs} [{bar}] {value}/{total}  loss {loss}  acc {acc}  {rate} samples/s  ETA {eta_formatted}',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(stepsPerEpoch, 0, { epoch: 1, epochs, loss: '-', acc: '-', rate: '-' });
  }

  onBatchEnd(b: BatchLog): void {
    if (!this.bar || this.interrupted) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && b.step < b.steps) return; // redraw at most 10 times a second
    this.lastDraw = now;
    this.bar.update(b.step, { epoch: b.epoch, loss: fmt(b.loss), acc: Number.isNaN(b.accuracy) ? '-' : fmt(b.accuracy), rate: Math.round(b.samples / b.seconds) });
  }

  onEpochEnd(e: EpochLog): void {
    if (this.bar && !this.interrupted) {
      this.bar.stop();
      this.stream.write(epochLine(e, this.epochs) + '\n');
      if (e.epoch < this.epochs) this.bar.start(this.bar.getTotal(), 0, { epoch: e.epoch + 1, epochs: this.epochs, loss: '-', acc: '-', rate: '-' });
    } else {
      this.stream.write(epochLine(e, this.epochs) + '\n');
    }
  }

  onTrainEnd(): void {
    this.bar?.stop();
    process.off('exit', this.showCursor);
  }

  /** Takes the bar off (showing the cursor again) for good: the run is being stopped. */
  interrupt(): void {
    this.interrupted = true;
    this.bar?.stop(); // clearOnComplete: the bar's line is cleared
    process.off('exit', this.showCursor);
  }
}
