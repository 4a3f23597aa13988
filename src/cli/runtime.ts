import { useBackend } from '../node/backend.js';
import type { BackendName } from '../core/backend.js';
import type { Kernels } from '../core/kernels.js';
import { checkThreads } from '../core/threads.js';

export const RELAXED_HELP =
  "wasm kernels with relaxed SIMD's fused multiply-add where the engine has it: faster, but the bits differ between runtimes and CPUs (env SCRATCHNET_RELAXED=1)";

/** Selects the kernels from `--backend`/`--threads`/`--relaxed` (or their environment variables). */
export async function setupBackend({ backend, threads, relaxed }: { backend?: string; threads?: number; relaxed?: boolean }): Promise<Kernels> {
  if (threads !== undefined) process.env.SCRATCHNET_THREADS = String(checkThreads(threads, '--threads'));
  return useBackend((backend ?? process.env.SCRATCHNET_BACKEND ?? 'auto') as BackendName, relaxed ? { relaxed } : {}); // the name checked by useBackend
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * Deno's refusal of a permission the run needs (`NotCapable`; `PermissionDenied` before Deno 2): a
 * user's choice of flags, not a bug. Its message names the flag to add.
 */
export function isPermissionError(e: unknown): e is Error {
  return e instanceof Error && (e.name === 'NotCapable' || e.name === 'PermissionDenied');
}
