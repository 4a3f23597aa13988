/**
 * Runs one contender's child process: forwards its progress (stderr) indented, reads its result line
 * (stdout), and turns every way it can go wrong into a status instead of an exception.
 */
import { spawn } from 'node:child_process';
import { RESULT_PREFIX, SKIP_PREFIX, type ChildResult } from './common.js';

/** Lines not worth forwarding: npm's config warnings, tfjs's "install tfjs-node" banner. */
const NOISE = [/^npm warn /, /^\s*$/, /^=+$/, /^Hi, looks like you are running TensorFlow\.js in Node\.js/];

export type ChildOutcome<R = ChildResult> =
  | { status: 'ok'; result: R; wallSeconds: number }
  | { status: 'skipped' | 'failed'; reason: string; wallSeconds: number };

export interface ChildSpec {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Killed (and reported failed) after this many seconds. */
  timeoutSeconds: number;
  /** Prefix of forwarded progress lines, e.g. "  [tfjs-wasm] ". */
  prefix: string;
  /** Forward progress to our stderr (false with --quiet). */
  echo: boolean;
}

/** Whether a parsed result line is an epoch benchmark's {@link ChildResult}. */
export function isEpochResult(r: unknown): r is ChildResult {
  const e = (r as Partial<ChildResult>).epochSeconds;
  return Array.isArray(e) && e.length > 0;
}

/** Parses a result line: `BENCH_RESULT {...}` (TypeScript children) or a bare JSON object (numpy_mlp.py). */
function parseResult<R>(line: string, accept: (r: unknown) => r is R): R | null {
  const text = line.startsWith(RESULT_PREFIX) ? line.slice(RESULT_PREFIX.length) : line;
  if (!text.startsWith('{')) return null;
  try {
    const r: unknown = JSON.parse(text);
    return typeof r === 'object' && r !== null && accept(r) ? r : null;
  } catch {
    return null;
  }
}

/** Runs `spec`; the result is the last stdout line `accept` takes (default: an epoch result). */
export function runChild(spec: ChildSpec): Promise<ChildOutcome>;
export function runChild<R>(spec: ChildSpec, accept: (r: unknown) => r is R): Promise<ChildOutcome<R>>;
export function runChild<R>(spec: ChildSpec, accept: (r: unknown) => r is R = isEpochResult as unknown as (r: unknown) => r is R): Promise<ChildOutcome<R>> {
  const t0 = performance.now();
  const wall = () => (performance.now() - t0) / 1000;
  return new Promise((resolve) => {
    let stdout = '';
    const stderrTail: string[] = [];
    let pending = '';
    let timedOut = false;
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, spec.timeoutSeconds * 1000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      const lines = (pending + d).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (NOISE.some((re) => re.test(line))) continue;
        stderrTail.push(line);
        if (stderrTail.length > 20) stderrTail.shift();
        if (spec.echo) process.stderr.write(`${spec.prefix}${line}\n`);
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ status: 'skipped', reason: `cannot start ${spec.command}: ${e.message}`, wallSeconds: wall() });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (pending) stderrTail.push(pending);
      const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
      const skipLine = lines.find((l) => l.startsWith(SKIP_PREFIX));
      if (skipLine) return resolve({ status: 'skipped', reason: skipLine.slice(SKIP_PREFIX.length), wallSeconds: wall() });
      const result = lines.map((l) => parseResult(l, accept)).filter((r): r is R => r !== null).at(-1);
      if (timedOut) return resolve({ status: 'failed', reason: `timed out after ${spec.timeoutSeconds} s (raise --timeout)`, wallSeconds: wall() });
      if (code === 0 && result) return resolve({ status: 'ok', result, wallSeconds: wall() });
      const last = stderrTail.filter((l) => l.trim()).slice(-3).join(' | ') || '(no output)';
      resolve({ status: 'failed', reason: `exit ${code ?? signal}: ${last}`, wallSeconds: wall() });
    });
  });
}
