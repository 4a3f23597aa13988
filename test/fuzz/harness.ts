// Runs a fuzz target: every case must end in a correct result or a typed ScratchnetError; the long
// campaign also bounds each case's time (a hang detector, far above any real case) and the process's
// memory (bounds that depend on the machine, so `npm test`'s short run sets none).
import fc from 'fast-check';
import { ScratchnetError } from '../../src/errors.js';
import type { FuzzTarget } from './targets.js';

export interface FuzzOptions {
  runs: number;
  /** fast-check seed (default: random; printed on failure for replay). */
  seed?: number;
  /** Longest a single case may take (default: no bound). */
  maxCaseMs?: number;
  /** Most resident memory the process may reach (default: no bound). */
  maxRssBytes?: number;
}

export interface FuzzStats {
  target: string;
  cases: number;
  /** `ok` or the error class of each case. */
  outcomes: Record<string, number>;
  slowestCaseMs: number;
  seconds: number;
  /** Highest resident memory seen after a case. */
  peakRssBytes: number;
  /**
   * The process's resident high-water mark as raised by cases that were accepted, and by cases that
   * ended in a typed error (0: none raised it): what the worst case of each kind took while it ran.
   */
  highWaterBytes: { accepted: number; typed: number };
}

export function fuzz(target: FuzzTarget<never>, { runs, seed, maxCaseMs = Infinity, maxRssBytes = Infinity }: FuzzOptions): FuzzStats {
  const stats: FuzzStats = { target: target.name, cases: 0, outcomes: {}, slowestCaseMs: 0, seconds: 0, peakRssBytes: 0, highWaterBytes: { accepted: 0, typed: 0 } };
  const highWater = () => process.resourceUsage().maxRSS * 1024;
  const t0 = performance.now();
  const property = fc.property(target.arbitrary, (input) => {
    const start = performance.now();
    const before = highWater();
    let outcome = 'ok';
    try {
      target.run(input);
    } catch (e) {
      if (!(e instanceof ScratchnetError)) throw e;
      outcome = e.constructor.name;
    }
    const ms = performance.now() - start;
    if (ms > maxCaseMs) throw new Error(`a case took ${ms.toFixed(0)} ms (bound ${maxCaseMs} ms)`);
    const rss = process.memoryUsage.rss();
    if (rss > maxRssBytes) throw new Error(`resident memory reached ${(rss / 2 ** 20).toFixed(0)} MiB`);
    stats.slowestCaseMs = Math.max(stats.slowestCaseMs, ms);
    stats.peakRssBytes = Math.max(stats.peakRssBytes, rss);
    const after = highWater();
    const kind = outcome === 'ok' ? 'accepted' : 'typed';
    if (after > before) stats.highWaterBytes[kind] = Math.max(stats.highWaterBytes[kind], after);
    stats.outcomes[outcome] = (stats.outcomes[outcome] ?? 0) + 1;
    stats.cases++;
  });
  const out = fc.check(property, { numRuns: runs, ...(seed === undefined ? {} : { seed }), endOnFailure: true });
  if (out.failed) {
    // the input may be megabytes of nesting: quote it briefly, with what replays it
    const input = String(JSON.stringify(out.counterexample, (_k, v) => (v instanceof Uint8Array ? Array.from(v.subarray(0, 64)) : v)));
    throw new Error(
      `${target.name}: case ${out.numRuns} failed (replay: seed ${out.seed}, path "${out.counterexamplePath}"): ` +
        `${String(out.errorInstance).slice(0, 300)}; input (${input.length} chars): ${input.slice(0, 300)}`,
      { cause: out.errorInstance },
    );
  }
  stats.seconds = (performance.now() - t0) / 1000;
  return stats;
}
