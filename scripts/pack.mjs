#!/usr/bin/env node
// `npm run pack [-- --out DIR]`: the tarball to publish (`npm publish scratchnet-X.tgz`). It holds
// what package.json's `files` names, with a package.json for users: no scripts (the repository's
// `prepare` builds on `npm ci`, and npm would list it on every user's install), no devDependencies.
// It builds the playground the package serves (`scratchnet playground`: dist-web/, over dist/) first.
// Prints the tarball's path.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const i = process.argv.indexOf('--out');
const out = resolve(i > 0 ? process.argv[i + 1] : root);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const stage = mkdtempSync(join(tmpdir(), 'scratchnet-pack-'));
try {
  execFileSync('npm', ['run', '--silent', 'build:playground'], { cwd: root, stdio: ['ignore', 2, 2] });
  // the file list npm itself would pack (files, README, LICENSE, package.json)
  const [listing] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }));
  for (const { path } of listing.files) if (path !== 'package.json') cpSync(join(root, path), join(stage, path));
  for (const key of ['scripts', 'devDependencies', 'allowScripts']) delete pkg[key];
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: stage, encoding: 'utf8' }));
  process.stdout.write(`${join(out, packed.filename)}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
