/** What a result line records about where it ran: this machine and scratchnet's version. */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { Machine } from '../../experiments/results.js';

/** This process's machine description. */
export function machineInfo(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: process.platform,
    arch: process.arch,
  };
}

let packageVersion: string | undefined;

/** The version in scratchnet's package.json (three folders up from src/node/experiments/ and from dist/node/experiments/). */
export function scratchnetVersion(): string {
  if (packageVersion === undefined) {
    try {
      packageVersion = String(JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version);
    } catch {
      packageVersion = 'unknown';
    }
  }
  return packageVersion;
}
