// Where the Deno and Bun binaries of the devDependencies `deno` and `bun` are: in their platform
// packages (@deno/<os>-<arch>…, @oven/bun-<os>-<arch>…), as their install scripts do not run.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));

/** The file `file` of the installed package under node_modules/`scope` whose name starts with `prefix`. */
function platformBinary(scope: string, prefix: string, file: string): string {
  const dir = join(MODULES, scope);
  const found = existsSync(dir) ? readdirSync(dir).filter((d) => d.startsWith(prefix)).map((d) => join(dir, d, file)).find(existsSync) : undefined;
  assert.ok(found, `no ${scope}/${prefix}* package with ${file}: npm ci installs it (devDependencies deno and bun)`);
  return found;
}

export const denoBinary = (): string => platformBinary('@deno', `${process.platform}-${process.arch}`, 'deno');
export const bunBinary = (): string => platformBinary('@oven', `bun-${process.platform}-${process.arch === 'x64' ? 'x64' : 'aarch64'}`, 'bin/bun');
