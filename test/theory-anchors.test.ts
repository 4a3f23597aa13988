// The playground's links into docs/theory.md reach a heading: the section each option's playground
// hint names (`theory`: src/recipe/options.ts, and a layer kind's option in its own file), and the
// anchors web/src writes itself for its data controls (`anchor: '…'`), by GitHub's anchor rule
// (test/markdown-anchors.ts, the rule test/doc-links.test.ts checks the docs' own links with).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LAYER_OPTIONS } from '../src/nn/layers/index.js';
import { RUN_OPTIONS } from '../src/recipe/options.js';
import { markdownAnchors } from './markdown-anchors.js';

const THEORY = new URL('../docs/theory.md', import.meta.url);
const WEB_SRC = new URL('../web/src/', import.meta.url);

describe("the playground's links to docs/theory.md", () => {
  const headings = markdownAnchors(readFileSync(THEORY, 'utf8'));

  it("every option's theory section is a heading of docs/theory.md", () => {
    const linked = RUN_OPTIONS.filter((o) => o.playground?.theory !== undefined);
    assert.ok(linked.length > 0, 'some option names its section');
    const missing = linked.filter((o) => !headings.has(o.playground!.theory!)).map((o) => `${o.key}: #${o.playground!.theory}`);
    assert.deepEqual(missing, [], `no such heading in docs/theory.md (its anchors: ${[...headings].join(', ')})`);
  });

  it("a layer kind's option keeps the formula and section of its own file's declaration", () => {
    for (const l of LAYER_OPTIONS) {
      const o = RUN_OPTIONS.find((r) => r.key === l.key)!;
      assert.equal(o.playground?.formula, l.playground?.formula, l.key);
      assert.equal(o.playground?.theory, l.playground?.theory, l.key);
    }
  });

  it('every anchor web/src writes itself is a heading of docs/theory.md', () => {
    const missing: string[] = [];
    for (const file of readdirSync(WEB_SRC).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(new URL(file, WEB_SRC), 'utf8');
      for (const m of text.matchAll(/\banchor:\s*'([^']+)'/g)) if (!headings.has(m[1])) missing.push(`web/src/${file}: #${m[1]}`);
    }
    assert.deepEqual(missing, []);
  });
});
