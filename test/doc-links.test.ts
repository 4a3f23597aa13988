// Every relative link in the repository's Markdown reaches something: a file or folder that exists
// and, for `file.md#anchor` or `#anchor`, a heading of that file (GitHub's anchor for it,
// test/markdown-anchors.ts). A link to a file of this repository on GitHub (package.json's
// `repository`, `…/blob/main/path`) is held to the same rule. The README is also the package's page
// on npm and its copy in node_modules: its relative links must name files the tarball holds.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { markdownAnchors as anchors } from './markdown-anchors.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** This repository on GitHub (package.json `repository.url`, without `git+` and `.git`). */
const REPOSITORY = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } }).repository.url
  .replace(/^git\+/, '')
  .replace(/\.git$/, '');
const OWN_URL = new RegExp(`^${REPOSITORY.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/(?:blob|tree)/main/`);

/** The Markdown files git tracks (generated reports included). */
function markdownFiles(): string[] {
  return execFileSync('git', ['ls-files', '*.md'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').filter(Boolean);
}

/** The text without fenced code blocks and inline code, where a link is only an example. */
function withoutCode(md: string): string {
  return md.replace(/^(```|~~~)[\s\S]*?^\1/gm, (block) => block.replace(/[^\n]/g, '')).replace(/`[^`\n]*`/g, ''); // lines kept
}

/** Every link target `[text](target)` / `![alt](target)` outside code, with its line. */
function links(md: string): { target: string; line: number }[] {
  const text = withoutCode(md);
  const out: { target: string; line: number }[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    out.push({ target: m[1], line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

describe('links between the docs', () => {
  it('the anchor rule gives GitHub\'s anchors', () => {
    const a = anchors('## 5. Losses — `src/nn/losses.ts`\n## Quick start in Node\n## Results\n### Results\n### 8.2 He and Glorot initialisation\n');
    assert.deepEqual([...a], ['5-losses--srcnnlossests', 'quick-start-in-node', 'results', 'results-1', '82-he-and-glorot-initialisation']);
  });

  const files = markdownFiles();
  for (const file of files) {
    it(`${file}: every relative link resolves`, () => {
      const md = readFileSync(join(ROOT, file), 'utf8');
      const broken: string[] = [];
      for (const { target, line } of links(md)) {
        const own = OWN_URL.exec(target);
        if (!own && /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, ...
        const [path, anchor] = target.slice(own ? own[0].length : 0).split('#', 2) as [string, string | undefined];
        const resolved = own ? join(ROOT, decodeURIComponent(path)) : path === '' ? join(ROOT, file) : join(ROOT, dirname(file), decodeURIComponent(path));
        const where = `${file}:${line}: ${target}`;
        if (!resolved.startsWith(ROOT) || !existsSync(resolved)) {
          broken.push(`${where} (no ${relative(ROOT, resolved) || resolved})`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) {
          broken.push(`${where} (no heading with that anchor in ${relative(ROOT, resolved)})`);
        }
      }
      assert.deepEqual(broken, []);
    });
  }
});

describe('the README on the package page', () => {
  it('links only files the tarball holds (others by their address on GitHub)', () => {
    const [listing] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as [{ files: { path: string }[] }];
    const packed = listing.files.map((f) => f.path);
    const unpacked: string[] = [];
    for (const { target, line } of links(readFileSync(join(ROOT, 'README.md'), 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      const path = decodeURIComponent(target.split('#')[0]).replace(/^\.\//, '').replace(/\/$/, '');
      if (!packed.some((f) => f === path || f.startsWith(`${path}/`))) {
        unpacked.push(`README.md:${line}: ${target} is not in the tarball: link ${REPOSITORY}/blob/main/${path}, or add it to package.json "files"`);
      }
    }
    assert.deepEqual(unpacked, []);
  });
});
