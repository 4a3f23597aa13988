/**
 * Ctrl-C and `kill` during `scratchnet train`. The first SIGINT or SIGTERM aborts {@link GracefulStop.signal}:
 * fit finishes the step under way, writes a checkpoint and throws an InterruptedError. A second one
 * exits at once (after `onForce`, which restores the terminal): every file is written to a temp
 * name and renamed, so quitting mid-write leaves the previous checkpoint whole.
 */
/** Exit status of a process stopped by `signal`, as a shell reports it (128 + signal number). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? 143 : 130;
}

export class GracefulStop {
  private readonly controller = new AbortController();
  /** The first signal received, or null. */
  received: NodeJS.Signals | null = null;
  private readonly handler = (sig: NodeJS.Signals) => this.onSignal(sig);

  constructor(
    /** Called on the first signal (a notice). */
    private readonly onFirst: (sig: NodeJS.Signals) => void,
    /** Called on the second, just before the process exits. */
    private readonly onForce: (sig: NodeJS.Signals) => void,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  install(): this {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
    return this;
  }

  uninstall(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }

  private onSignal(sig: NodeJS.Signals): void {
    if (this.received) {
      this.onForce(sig);
      process.exit(signalExitCode(this.received));
    }
    this.received = sig;
    this.onFirst(sig);
    this.controller.abort();
  }
}

