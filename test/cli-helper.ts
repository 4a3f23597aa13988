// The one way tests run the CLI: `node bin/scratchnet.js …`, the built package's entry (dist/, which
// `npm ci` and `npm test` build), in a real process started without the TypeScript transpiler. A
// test that needs the source tree in its child (a preload that patches src/ modules, as
// test/hooks' kill points do) runs CLI_FROM_SOURCE instead.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'dist', 'cli', 'run.js');

/** `node` arguments that run the built CLI. */
export const CLI = [join(ROOT, 'bin', 'scratchnet.js')];
/** `node` arguments that run the CLI from the TypeScript sources (tsx): only where the child must load src/. */
export const CLI_FROM_SOURCE = ['--import', 'tsx', join(ROOT, 'src', 'cli', 'run.ts')];

export interface CliOptions {
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** `node` options before the entry, e.g. `['--import', preload]`. */
  node?: string[];
  /** Milliseconds before the child is killed (a hang guard; default 120 s). */
  timeout?: number;
}

/** The newest modification time under `dir`, in ms. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

let checked = false;
/** The CLI tests run dist/: fail once, clearly, where it is missing or older than src/. */
function assertBuilt(): void {
  if (checked) return;
  if (!existsSync(ENTRY)) throw new Error('dist/ is missing: run `npm run build:ts` (npm test and npm ci build it)');
  if (newest(join(ROOT, 'src')) > newest(join(ROOT, 'dist'))) {
    throw new Error('dist/ is older than src/: run `npm run build:ts` (npm test builds it first)');
  }
  checked = true;
}

/** Runs `scratchnet ARGS` to completion (the built CLI, or `entry` = CLI_FROM_SOURCE). */
export function cli(args: string[], opts: CliOptions = {}, entry: string[] = CLI): SpawnSyncReturns<string> {
  if (entry === CLI) assertBuilt();
  return spawnSync(process.execPath, [...(opts.node ?? []), ...entry, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    timeout: opts.timeout ?? 120_000,
  });
}

/** {@link cli} without blocking this process (for a test that serves the child, or runs children side by side). */
export function cliAsync(
  args: string[],
  opts: CliOptions = {},
  entry: string[] = CLI,
): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  if (entry === CLI) assertBuilt();
  const child = spawn(process.execPath, [...(opts.node ?? []), ...entry, ...args], { env: { ...process.env, ...opts.env }, timeout: opts.timeout ?? 120_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}
