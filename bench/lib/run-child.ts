/**
 * Runs one contender's child process: forwards its progress (stderr) indented, reads its result line
 * (stdout), and turns every way it can go wrong into a status instead of an exception.
 */
import { spawn } from 'node:child_process';
import { RESULT_PREFIX, SKIP_PREFIX, type ChildResult } from './common.js';

/** Lines not worth forwarding: npm's config warnings, tfjs's "install tfjs-node" banner. */
const NOISE = [/^npm warn /, /^\s*$/, /^=+$/, /^Hi, looks like you are running TensorFlow\.js in Node\.js/];

export type ChildOutcome =
  | { status: 'ok'; result: ChildResult; wallSeconds: number }
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

/** Parses a result line: `BENCH_RESULT {...}` (TypeScript children) or a bare JSON object (numpy_mlp.py). */
function parseResult(line: string): ChildResult | null {
  const text = line.startsWith(RESULT_PREFIX) ? line.slice(RESULT_PREFIX.length) : line;
  if (!text.startsWith('{')) return null;
  try {
    const r = JSON.parse(text) as ChildResult;
    return Array.isArray(r.epochSeconds) && r.epochSeconds.length > 0 ? r : null;
  } catch {
    return null;
  }
}

export function runChild(spec: ChildSpec): Promise<ChildOutcome> {
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
      const result = lines.map(parseResult).filter((r): r is ChildResult => r !== null).at(-1);
      if (timedOut) return resolve({ status: 'failed', reason: `timed out after ${spec.timeoutSeconds} s (raise --timeout)`, wallSeconds: wall() });
      if (code === 0 && result) return resolve({ status: 'ok', result, wallSeconds: wall() });
      const last = stderrTail.filter((l) => l.trim()).slice(-3).join(' | ') || '(no output)';
      resolve({ status: 'failed', reason: `exit ${code ?? signal}: ${last}`, wallSeconds: wall() });
    });
  });
}
