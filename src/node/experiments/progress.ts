/** A study's progress on a terminal: the runner's {@link RunProgress} for `scratchnet ablate`. */
import cliProgress from 'cli-progress';
import type { Callback, EpochLog } from '../../nn/callbacks.js';
import type { PlannedRun } from '../../experiments/grid.js';
import type { ResultLine } from '../../experiments/results.js';
import type { RunProgress } from '../../experiments/runner.js';
import { barLine, columnsOf, formatDuration, shortSeconds, wrapped } from '../terminal.js';

const label = (r: PlannedRun) => `${r.dataset} · ${r.group === r.variation ? r.group : `${r.group}/${r.variation}`} · seed ${r.seed}`;

/** A finished run's test figures (and best validation figure) in a few words. */
function measured(r: ResultLine): string[] {
  if (r.testRegression) {
    const { r2, rmse } = r.testRegression;
    return [`test R² ${r2.toFixed(4)} RMSE ${rmse.toPrecision(4)}`, ...(typeof r.bestValR2 === 'number' ? [`best val R² ${r.bestValR2.toFixed(4)}`] : [])];
  }
  return [`test ${(r.testAccuracy! * 100).toFixed(2)}%`, ...(r.bestValAccuracy === null ? [] : [`best val ${(r.bestValAccuracy * 100).toFixed(2)}%`])];
}

/**
 * Progress of a study: runs done / left and an ETA from the mean duration of this process's runs.
 * One line per finished run; on a TTY also a live bar with the current run and its epoch.
 */
export class StudyProgress implements RunProgress {
  private bar: cliProgress.SingleBar | null = null;
  private done = 0;
  private total = 0;
  private seconds = 0;
  private current: PlannedRun | null = null;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  start(total: number): void {
    this.total = total;
    if (!this.stream.isTTY || total === 0) return;
    const n = String(total).length;
    this.bar = new cliProgress.SingleBar({
      stream: this.stream,
      // within the terminal's width: the bar shrinks, then the epoch, the run and the ETA give way
      format: (_options, params, p) =>
        barLine(params.progress, 'runs', [`${String(params.value).padStart(n)}/${params.total}`, `ETA ${p.left}`, p.run, p.epoch].filter((f) => f !== ''), columnsOf(this.stream), [3, 2, 1]),
      hideCursor: true,
      clearOnComplete: true,
    });
    this.bar.start(total, 0, { left: '?', run: '', epoch: '' });
  }

  /** A callback for `runTraining` that shows the epoch of the current run. */
  epochCallback(): Callback {
    return {
      onEpochEnd: (e: EpochLog) => {
        const val =
          e.valAccuracy !== undefined ? ` val ${(e.valAccuracy * 100).toFixed(2)}%` : e.valR2 !== undefined ? ` val R² ${e.valR2.toFixed(4)}` : '';
        this.bar?.update({ epoch: `epoch ${e.epoch}/${this.current?.config.epochs ?? '?'}${val}` });
      },
    };
  }

  runStart(run: PlannedRun): void {
    this.current = run;
    this.bar?.update({ run: label(run), epoch: '' });
  }

  runEnd(run: PlannedRun, r: ResultLine): void {
    this.done++;
    this.seconds += r.wallSeconds;
    const eta = formatDuration((this.seconds / this.done) * (this.total - this.done));
    const outcome = r.status === 'ok' ? measured(r) : [`diverged (${r.error ?? ''})`];
    const n = String(this.total).length;
    // cli-progress cannot print above its bar: stop it, write the run's line, start it again.
    this.bar?.stop();
    this.stream.write(
      wrapped(
        [`[${String(this.done).padStart(n)}/${this.total}] ${label(run)}:`, ...outcome, `${r.trainSeconds.toFixed(1)}s (${shortSeconds(r.secondsPerEpoch)}/epoch)`, `left ${this.total - this.done}, ETA ${eta}`],
        columnsOf(this.stream),
      ),
    );
    if (this.bar && this.done < this.total) this.bar.start(this.total, this.done, { left: eta, run: '', epoch: '' });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
