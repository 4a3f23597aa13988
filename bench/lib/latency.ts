/**
 * The single-input latency benchmark (bench/latency.ts): what a child reports in `--latency N` mode
 * (scratchnet-child.ts, tfjs-child.ts, numpy_mlp.py), how the TypeScript children time their calls,
 * and the percentiles the parent computes from the raw times.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { intFlag } from './common.js';

/** A child's `--latency N` result line (`BENCH_RESULT {...}`, or bare JSON from numpy_mlp.py). */
export interface LatencyResult {
  latency: {
    /** Microseconds of each timed call, in call order. */
    timesUs: number[];
    /** Untimed calls before them. */
    warmupCalls: number;
    /** Garbage collections V8 reported during the timed calls (null outside V8). */
    gcDuringTimed: number | null;
    /** JS heap bytes one call leaves behind, over 1,000 more calls after a full GC (null: not measured, or a GC ran meanwhile). */
    heapBytesPerCall: number | null;
    /** What one call does. */
    call: string;
  };
  info: Record<string, unknown>;
}

export function isLatencyResult(r: unknown): r is LatencyResult {
  const l = (r as Partial<LatencyResult>).latency;
  return l !== undefined && Array.isArray(l.timesUs) && l.timesUs.length > 0;
}

/** `--latency N` (timed calls, 0: not in latency mode) and `--latency-warmup W` of a child. */
export function latencyFlags(argv: readonly string[]): { calls: number; warmup: number } {
  return { calls: argv.includes('--latency') ? intFlag(argv, 'latency', 10000) : 0, warmup: intFlag(argv, 'latency-warmup', 2000) };
}

export interface LatencyStats {
  calls: number;
  minUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

/** Nearest-rank percentiles (the smallest time ≥ p of the calls), nothing dropped. */
export function latencyStats(timesUs: readonly number[]): LatencyStats {
  const s = Float64Array.from(timesUs).sort();
  const at = (p: number) => s[Math.max(0, Math.ceil(p * s.length) - 1)];
  return { calls: s.length, minUs: s[0], p50Us: at(0.5), p90Us: at(0.9), p99Us: at(0.99), p999Us: at(0.999), maxUs: s[s.length - 1] };
}

/**
 * Calls `call(i)` `warmup` times untimed, then `calls` times timed, i = the next input row each time
 * (wrapping at `rows`); counts V8's garbage collections during the timed calls. The loop itself
 * allocates nothing: the times go into a Float64Array made before.
 */
export async function timeCalls(calls: number, warmup: number, rows: number, call: (i: number) => void): Promise<Omit<LatencyResult['latency'], 'call'>> {
  for (let c = 0; c < warmup; c++) call(c % rows);
  const times = new Float64Array(calls);
  const gcStarts: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcStarts.push(e.startTime);
  });
  observer.observe({ entryTypes: ['gc'] });
  const t0 = performance.now();
  for (let c = 0; c < calls; c++) {
    const i = (warmup + c) % rows;
    const s = performance.now();
    call(i);
    times[c] = (performance.now() - s) * 1000;
  }
  const t1 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 50)); // the observer hears of GCs asynchronously
  for (const e of observer.takeRecords()) gcStarts.push(e.startTime);
  observer.disconnect();
  return {
    timesUs: Array.from(times, (t) => Math.round(t * 1000) / 1000),
    warmupCalls: warmup,
    gcDuringTimed: gcStarts.filter((t) => t >= t0 && t <= t1).length,
    heapBytesPerCall: heapBytesPerCall(rows, call),
  };
}

/** JS heap growth per call over 1,000 calls after a full GC (needs node --expose-gc; null without it or when a GC ran). */
function heapBytesPerCall(rows: number, call: (i: number) => void): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  gc();
  const before = getHeapStatistics().used_heap_size;
  for (let c = 0; c < 1000; c++) call(c % rows);
  const grown = getHeapStatistics().used_heap_size - before;
  return grown < 0 ? null : Math.round(grown / 1000);
}
