import { useBackend } from '../node/backend.js';
import type { BackendName } from '../core/backend.js';
import type { Kernels } from '../core/kernels.js';
import { checkThreads } from '../core/threads.js';

/** Selects the kernels from `--backend`/`--threads` (or their environment variables). */
export async function setupBackend({ backend, threads }: { backend?: string; threads?: number }): Promise<Kernels> {
  if (threads !== undefined) process.env.SCRATCHNET_THREADS = String(checkThreads(threads, '--threads'));
  return useBackend((backend ?? process.env.SCRATCHNET_BACKEND ?? 'auto') as BackendName); // checked by useBackend
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
