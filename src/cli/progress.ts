import cliProgress from 'cli-progress';
import type { BatchLog, Callback, EpochLog, TrainInfo } from '../nn/callbacks.js';
import { barLine, columnsOf, compactCount, formatDuration, oneLine, shortSeconds, wrapped } from '../node/terminal.js';

const fmt = (v: number | undefined, d = 4) => (v === undefined ? '-' : v.toFixed(d));

/** Time and samples of the epochs since the last printed line. */
interface Window {
  epochs: number;
  seconds: number;
  samples: number;
}

/**
 * One line per epoch, for logs and pipes, of at most `width` characters: the samples/s, then the
 * time, give way first (in a narrow terminal, then val_loss, val_rmse and acc). `window`: the epochs it sums up (the time is their mean, the speed theirs).
 */
export function epochLine(e: EpochLog, epochs: number, width: number, window?: Window): string {
  const val =
    e.valR2 !== undefined
      ? [`val_loss ${fmt(e.valLoss)}`, `val_rmse ${fmt(e.valRmse)}`, `val_r2 ${fmt(e.valR2)}`]
      : e.valAccuracy === undefined ? [] : [`val_loss ${fmt(e.valLoss)}`, `val_acc ${fmt(e.valAccuracy)}`];
  const seconds = window ? window.seconds / window.epochs : e.seconds;
  const rate = window ? window.samples / window.seconds : e.samplesPerSecond;
  const fields = [
    `epoch ${String(e.epoch).padStart(String(epochs).length)}/${epochs}`,
    `loss ${fmt(e.loss)}`,
    ...(Number.isNaN(e.accuracy) ? [] : [`acc ${fmt(e.accuracy)}`]),
    ...val,
    shortSeconds(seconds),
    `${compactCount(rate)} samples/s`,
  ];
  // a narrow terminal keeps the epoch, the loss and the validation figure that matters most
  const also = ['val_loss ', 'val_rmse ', 'acc '].map((p) => fields.findIndex((f) => f.startsWith(p))).filter((i) => i >= 0);
  return oneLine(fields, width, [fields.length - 1, fields.length - 2, ...also]);
}

/** Nice steps for the epochs between two printed lines. */
const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

/**
 * Every how many epochs a line is printed (as Keras's progress does): each epoch when one takes a
 * second or more; for shorter ones a step that gives about a line a second, but at least ten lines
 * over the run (the last epoch's line is always printed).
 */
export function epochCadence(secondsPerEpoch: number, epochs: number): number {
  if (!(secondsPerEpoch > 0) || secondsPerEpoch >= 1) return 1;
  const fast = STEPS.find((s) => s * secondsPerEpoch >= 1) ?? STEPS.at(-1)!;
  const most = STEPS.filter((s) => s <= epochs / 10).at(-1) ?? 1;
  return Math.min(fast, most);
}

/**
 * Training progress: a live bar (loss, accuracy, samples/s, ETA) on a TTY, plain epoch lines
 * otherwise, each within the terminal's width. Short epochs print a line every few epochs (see
 * {@link epochCadence}; `verbose`: every epoch). Writes to `stream` (stderr when stdout carries JSON).
 */
export class Progress implements Callback {
  private bar: cliProgress.SingleBar | null = null;
  private epochs = 0;
  private lastDraw = 0;
  private interrupted = false;
  /** Every how many epochs a line is printed (0: not decided yet, at the first epoch's end). */
  private every = 0;
  private window: Window = { epochs: 0, seconds: 0, samples: 0 };
  /** The last epoch, when its line was not printed. */
  private unprinted: EpochLog | null = null;
  // a process that exits with the bar drawn (an error, a second Ctrl-C) must not leave the cursor hidden
  private readonly showCursor = () => this.bar?.stop();

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly verbose = false,
  ) {}

  onTrainBegin({ epochs, stepsPerEpoch }: TrainInfo): void {
    this.epochs = epochs;
    if (!this.stream.isTTY || this.interrupted) return;
    process.once('exit', this.showCursor);
    this.bar = new cliProgress.SingleBar({
      stream: this.stream,
      format: (_options, params, p) =>
        barLine(
          params.progress,
          `epoch ${String(p.epoch).padStart(String(p.epochs).length)}/${p.epochs}`,
          // fixed widths: the bar keeps its size while the figures change
          [
            `${String(params.value).padStart(String(params.total).length)}/${params.total}`,
            `loss ${p.loss.padStart(6)}`,
            ...(p.acc === undefined ? [] : [`acc ${p.acc.padStart(6)}`]),
            `${p.rate.padStart(5)} samples/s`,
            `ETA ${formatDuration(params.eta).padEnd(6)}`,
          ],
          columnsOf(this.stream),
          p.acc === undefined ? [2, 3, 0, 1] : [3, 4, 0, 2, 1],
        ),
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    });
    this.bar.start(stepsPerEpoch, 0, this.startPayload(1));
  }

  private startPayload(epoch: number) {
    return { epoch, epochs: this.epochs, loss: '-', acc: '-', rate: '-' };
  }

  onBatchEnd(b: BatchLog): void {
    if (!this.bar || this.interrupted) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && b.step < b.steps) return; // redraw at most 10 times a second
    this.lastDraw = now;
    this.bar.update(b.step, { epoch: b.epoch, loss: fmt(b.loss), acc: Number.isNaN(b.accuracy) ? undefined : fmt(b.accuracy), rate: compactCount(b.samples / b.seconds) });
  }

  onEpochEnd(e: EpochLog): void {
    const w = this.window;
    w.epochs++;
    w.seconds += e.seconds;
    w.samples += e.samplesPerSecond * e.seconds;
    const first = this.every === 0;
    if (first) this.every = this.verbose ? 1 : epochCadence(e.seconds, this.epochs);
    const print = first || e.epoch % this.every === 0 || e.epoch === this.epochs;
    const live = this.bar !== null && !this.interrupted;
    if (live) this.bar!.stop();
    if (print) this.printEpoch(e);
    else this.unprinted = e;
    if (first && this.every > 1) {
      this.stream.write(wrapped([`(short epochs: a line every ${this.every}, times averaged over them; --verbose for all)`], columnsOf(this.stream)));
    }
    if (live && e.epoch < this.epochs) this.bar!.start(this.bar!.getTotal(), 0, this.startPayload(e.epoch + 1));
  }

  private printEpoch(e: EpochLog): void {
    const w = this.window;
    this.stream.write(epochLine(e, this.epochs, columnsOf(this.stream), w.epochs > 1 ? w : undefined) + '\n');
    this.window = { epochs: 0, seconds: 0, samples: 0 };
    this.unprinted = null;
  }

  onTrainEnd(): void {
    this.bar?.stop();
    process.off('exit', this.showCursor);
    // a run stopped early (early stopping) ends on its last epoch's line
    if (this.unprinted) this.printEpoch(this.unprinted);
  }

  /** Takes the bar off (showing the cursor again) for good: the run is being stopped. */
  interrupt(): void {
    this.interrupted = true;
    this.bar?.stop(); // clearOnComplete: the bar's line is cleared
    process.off('exit', this.showCursor);
  }
}
