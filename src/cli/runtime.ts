import { useBackend } from '../node/backend.js';
import type { Kernels } from '../core/kernels.js';

/** Selects the kernels from `--backend`/`--threads` (or their environment variables). */
export async function setupBackend({ backend, threads }: { backend?: string; threads?: number }): Promise<Kernels> {
  if (threads !== undefined) process.env.SCRATCHNET_THREADS = String(threads);
  return useBackend(backend ?? process.env.SCRATCHNET_BACKEND ?? 'auto');
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
