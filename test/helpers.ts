import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { JsKernels } from '../src/core/kernels-js.js';
import { Matrix, type DType, type Float } from '../src/core/matrix.js';
import { Rng } from '../src/core/random.js';
import type { GradcheckResult } from '../src/nn/gradcheck.js';

/** A [rows, cols] matrix of uniform values in [lo, hi). */
export function randomMatrix(rows: number, cols: number, seed: number, lo = -1, hi = 1, dtype: DType = 'float64'): Matrix {
  const rng = new Rng(seed, 'test');
  const m = Matrix.zeros(rows, cols, dtype);
  for (let i = 0; i < m.size; i++) m.data[i] = rng.range(lo, hi);
  return m;
}

/** One-hot targets for random labels. */
export function randomOneHot(rows: number, classes: number, seed: number): Matrix {
  const rng = new Rng(seed, 'labels');
  const t = Matrix.zeros(rows, classes, 'float64');
  for (let i = 0; i < rows; i++) t.set(i, rng.int(classes), 1);
  return t;
}

/** Asserts every gradient check result is within `tol` relative error, with a readable dump. */
export function assertGradsClose(results: GradcheckResult[], tol: number): void {
  assert.ok(results.length > 0, 'no tensors were checked');
  for (const r of results) {
    assert.ok(r.checked > 0, `${r.name}: nothing checked`);
    assert.ok(
      r.maxRelError < tol,
      `${r.name}: max relative error ${r.maxRelError.toExponential(2)} ≥ ${tol} at index ${r.worst.index} ` +
        `(analytic ${r.worst.analytic}, numeric ${r.worst.numeric})`,
    );
  }
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = 'value'): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    assert.ok(d <= tol * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: expected ${expected[i]}, found ${actual[i]} (diff ${d})`);
  }
}

/** Reference kernels that keep the buffers they handed out and not yet got back (`live`); a second release of one fails the test. */
export class TrackingKernels extends JsKernels {
  readonly live = new Set<Float>();

  override alloc(n: number, dtype?: DType): Float {
    const buf = super.alloc(n, dtype);
    this.live.add(buf);
    return buf;
  }

  override release(buf: Float): void {
    assert.ok(this.live.delete(buf), 'released once, and only what was allocated');
  }
}

/** Cells of the report table row that starts with `| first |` in the section of `dataset`, under `### group`. */
export function reportRow(md: string, dataset: string, group: string, first: string): string[] {
  const section = md.split(/^## /m).find((s) => s.startsWith(`${dataset} `))!;
  const table = section.split(/^### /m).find((s) => s.startsWith(`${group}\n`))!;
  const r = table.split('\n').find((l) => l.startsWith(`| ${first} |`));
  assert.ok(r, `no row '${first}' under ${dataset}/${group}:\n${table}`);
  return r.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
}

/** The preload that gives a child process its kill points (test/hooks/kill-points.ts; chosen by env SCRATCHNET_TEST_HOOK). */
export const KILL_POINTS = fileURLToPath(new URL('./hooks/kill-points.ts', import.meta.url));

/** `node` arguments with {@link KILL_POINTS} loaded right after tsx (which it needs). */
export function withKillPoints(nodeArgs: string[]): string[] {
  const i = nodeArgs.indexOf('tsx');
  if (i < 0) throw new Error('withKillPoints: the arguments do not load tsx');
  return [...nodeArgs.slice(0, i + 1), '--import', KILL_POINTS, ...nodeArgs.slice(i + 1)];
}
