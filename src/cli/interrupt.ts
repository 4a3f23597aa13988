/**
 * Ctrl-C and `kill` during `scratchnet train`. The first SIGINT or SIGTERM aborts {@link GracefulStop.signal}:
 * fit finishes the step under way, writes a checkpoint and throws an InterruptedError. A second one
 * exits at once (after `onForce`, which restores the terminal): every file is written to a temp
 * name and renamed, so quitting mid-write leaves the previous checkpoint whole.
 */
import type { Callback } from '../nn/callbacks.js';

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

/**
 * Deterministic kill points for tests, from `SCRATCHNET_TEST_HOOK` (comma-separated):
 * `kill-after-step=K` (SIGKILL after this process's K-th step), `signal-after-step=K:SIG[:N]` (send
 * SIG to itself N times, default once, after step K), `kill-before-rename=N` (SIGKILL during the
 * N-th checkpoint write, once the temp file is synced and before its rename).
 */
export function testHooks(spec: string | undefined): { callback?: Callback; beforeRename?: () => void } {
  if (!spec) return {};
  const hooks = new Map(spec.split(',').map((t) => t.split('=') as [string, string]));
  let steps = 0;
  let writes = 0;
  const killAt = Number(hooks.get('kill-after-step') ?? NaN);
  const [sigStep, sig = 'SIGINT', times = '1'] = (hooks.get('signal-after-step') ?? '').split(':');
  const renameAt = Number(hooks.get('kill-before-rename') ?? NaN);
  return {
    callback: {
      onBatchEnd: () => {
        steps++;
        if (steps === killAt) process.kill(process.pid, 'SIGKILL');
        if (steps === Number(sigStep)) for (let i = 0; i < Number(times); i++) process.kill(process.pid, sig);
      },
    },
    beforeRename: () => {
      if (++writes === renameAt) process.kill(process.pid, 'SIGKILL');
    },
  };
}
