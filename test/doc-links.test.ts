// Every relative link in the repository's Markdown reaches something: a file or folder that exists
// and, for `file.md#anchor` or `#anchor`, a heading of that file (GitHub's anchor for it,
// test/markdown-anchors.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { markdownAnchors as anchors } from './markdown-anchors.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

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
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, ...
        const [path, anchor] = target.split('#', 2) as [string, string | undefined];
        const resolved = path === '' ? join(ROOT, file) : join(ROOT, dirname(file), decodeURIComponent(path));
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
