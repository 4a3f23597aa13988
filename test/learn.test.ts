// docs/learn.md runs as written: its ```ts blocks are one program, in order (as a reader pastes
// them into one file); the ```text block right after a ```ts block is what that block prints; the
// figures its prose quotes are checked against those outputs, and its study table against the raw
// result lines in experiments/results/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const doc = readFileSync(join(ROOT, 'docs/learn.md'), 'utf8');
// every number in it is float64 on the TypeScript kernels, whatever the backend: one pass suffices

/** Each ```ts block and the ```text block right after it (what it prints; '' when none follows). */
function examples(md: string): { code: string; output: string }[] {
  return [...md.matchAll(/```ts\n([\s\S]*?)```(?:\s*```text\n([\s\S]*?)```)?/g)].map((m) => ({ code: m[1], output: m[2] ?? '' }));
}

/** The prose: the text outside fenced blocks. */
const prose = doc.replace(/```[\s\S]*?```/g, '');

const MARK = '@@learn.md block ';
const blocks = examples(doc);
const printed: string[] = [];

describe('docs/learn.md', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-learn-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  before(() => {
    // `scratchnet` is the package's Node entry, here its source
    const entry = pathToFileURL(join(ROOT, 'src/node.ts')).href;
    const program = blocks.map((b, i) => `console.log(${JSON.stringify(MARK + i)});\n${b.code.replaceAll("from 'scratchnet'", `from '${entry}'`)}`).join('\n');
    const file = join(dir, 'learn.mts');
    writeFileSync(file, program);
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, `the program exited ${r.status}\n${r.stdout}\n${r.stderr}`);
    const parts = r.stdout.split(new RegExp(`^${MARK}\\d+\\n`, 'm'));
    printed.push(...parts.slice(1));
  });

  it('has its code in ts blocks, each followed by what it prints', () => {
    assert.ok(blocks.length >= 8, `found ${blocks.length} ts blocks`);
    assert.equal(printed.length, blocks.length);
    blocks.forEach((b, i) => {
      const tidy = (s: string) => s.split('\n').map((l) => l.trimEnd()).join('\n').trim();
      assert.equal(tidy(printed[i]), tidy(b.output), `block ${i + 1} (${b.code.split('\n')[0]}) prints what the page shows`);
    });
  });

  /** The first match of `re` in everything the program printed. */
  const out = (re: RegExp): RegExpExecArray => {
    const m = re.exec(printed.join(''));
    assert.ok(m, `the program printed ${re}`);
    return m;
  };

  it('quotes the hand-checked example, the gradient check and the training that the code prints', () => {
    // §5: the values worked out by hand are the ones printed
    assert.match(prose, new RegExp(`−log 0\\.5 = ${out(/loss (\d\.\d+)/)[1].replace('.', '\\.')}`));
    for (const [grad, value] of [['dW2', '[[-0.25],[-0.25]]'], ['db2', '[[-0.5]]'], ['dW1', '[[-0.125,0.125],[-0.25,0.25]]'], ['db1', '[[-0.125,0.125]]']]) {
      assert.equal(out(new RegExp(`${grad} (\\S+)`))[1], value, grad);
    }
    // §6: below the bound the page names
    const worst = Number(out(/largest relative error (\S+)/)[1]);
    assert.ok(worst < 1e-6 && /the bound 1e-6/.test(prose), `gradient check ${worst}`);
    // §7: the accuracies the prose quotes
    const plain = out(/epoch 5: .* test accuracy (\d+\.\d)%/)[1];
    const modern = out(/Adam, 5 epochs: test accuracy (\d+\.\d)%/)[1];
    assert.ok(prose.includes(`recognises ${plain}% of the 1,000 test digits`), `§7 quotes ${plain}%`);
    assert.ok(prose.includes(`${modern}% against the sigmoid network's ${plain}%`), `§8.7 quotes ${modern}% and ${plain}%`);
    assert.ok(Number(modern) > Number(plain));
    // §7.1: the plain loops and the library's layers end with the same weights
    const diff = Number(out(/weights after 5 epochs: (\S+)/)[1]);
    assert.ok(diff < 1e-12, `largest difference ${diff}`);
    const steps = 5 * Math.ceil(3000 / 32);
    assert.ok(prose.includes(`after ${steps} steps`), `${steps} steps`);
  });

  it("quotes the study's figures as the raw result lines give them", () => {
    // | what | file | dataset | variation | test accuracy % | seeds |
    const rows = [...doc.matchAll(/^\| ([^|]+) \| \[`([\w-]+\.jsonl)`\]\([^)]+\) \| `([\w-]+)` \| `([\w-]+)` \| ([\d.]+) ± ([\d.]+) \| ([\d, ]+) \|$/gm)];
    assert.ok(rows.length >= 10, `found ${rows.length} study rows`);
    const lines = new Map<string, { dataset: string; variation: string; seed: number; testAccuracy: number }[]>();
    for (const [, what, file, dataset, variation, mean, std, seeds] of rows) {
      if (!lines.has(file)) {
        const text = readFileSync(join(ROOT, 'experiments/results', file), 'utf8');
        lines.set(file, text.trim().split('\n').map((l) => JSON.parse(l)));
      }
      const runs = lines.get(file)!.filter((r) => r.dataset === dataset && r.variation === variation);
      const acc = runs.map((r) => 100 * r.testAccuracy);
      const m = acc.reduce((s, a) => s + a, 0) / acc.length;
      const sd = Math.sqrt(acc.reduce((s, a) => s + (a - m) ** 2, 0) / (acc.length - 1));
      assert.equal(mean, m.toFixed(2), `${what}: mean of ${file} ${dataset}/${variation}`);
      assert.equal(std, sd.toFixed(2), `${what}: std of ${file} ${dataset}/${variation}`);
      assert.equal(seeds, runs.map((r) => r.seed).sort((a, b) => a - b).join(', '), `${what}: seeds`);
    }
    // every "mean ± std" the prose names is a row of the table
    const table = new Set(rows.map((r) => `${r[5]} ± ${r[6]}`));
    const quoted = [...prose.matchAll(/(\d+\.\d\d) ± (\d+\.\d\d)/g)].map((m) => `${m[1]} ± ${m[2]}`);
    assert.ok(quoted.length > 0);
    for (const q of quoted) assert.ok(table.has(q), `${q} is in the study table`);
  });
});
