// What the package tests share: the README's marked examples, the tarball from `npm run pack`, and a
// fresh project that installs it (from the npm cache where it can), as a user's empty project would.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a command to completion; a non-zero exit fails the test with its output. Returns stdout + stderr. */
export function run(cmd: string, args: string[], cwd: string, timeout = 240_000): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

/** The code block (```lang) after the `<!-- example:NAME …-->` marker in the README. */
export function readmeExample(name: string, lang: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- example:${name}[^>]*-->\\s*\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(readme);
  assert.ok(m, `README has the marked ${name} example`);
  return m[1];
}

/** Packs the tarball into `dir` (scripts/pack.mjs, as `npm run pack` does); returns its path. */
export function packTarball(dir: string): string {
  return execFileSync('node', ['scripts/pack.mjs', '--out', dir], { cwd: ROOT, encoding: 'utf8' }).trim();
}

/** An empty ES-module project at `dir` (a package.json and nothing else). */
export function emptyProject(dir: string, fields: Record<string, unknown> = {}): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'try-scratchnet', version: '1.0.0', type: 'module', private: true, ...fields }, null, 2));
  return dir;
}

/** `npm install` in `dir`, from the npm cache where it can; returns npm's log. */
export function npmInstall(dir: string, specs: string[]): string {
  return run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs], dir);
}
