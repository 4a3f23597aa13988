import { readFileSync } from 'node:fs';

/** The `version` of the package.json two folders up (from src/cli and dist/cli alike). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
