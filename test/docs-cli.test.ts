import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CLI_DOC, optionTable, withOptionTable } from '../scripts/docs-cli.js';
import { RUN_OPTIONS } from '../src/recipe/options.js';

describe('docs/cli.md option table', () => {
  it('is the table the schema makes (regenerate: npm run docs:cli)', () => {
    const doc = readFileSync(CLI_DOC, 'utf8');
    assert.ok(doc === withOptionTable(doc), 'docs/cli.md: the option table is stale; run `npm run docs:cli` and commit docs/cli.md');
  });

  it('has a row per option, with its flag', () => {
    const table = optionTable();
    for (const o of RUN_OPTIONS) assert.match(table, new RegExp(`\\| \`${o.key}\` \\|`), o.key);
    assert.match(table, /`--max-norm <c>` \| `maxNorm` \| number > 0/);
  });
});
