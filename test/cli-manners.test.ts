import assert from 'node:assert/strict';
import { cli as run } from './cli-helper.js';
import { describe, it } from 'node:test';
import { OPTIMIZER_NAMES } from '../src/nn/optimizers/index.js';

const cli = (...args: string[]) => run(args, { env: { SCRATCHNET_BACKEND: 'js' } });

describe('CLI manners', () => {
  it("one error prefix, commander's own errors included", () => {
    for (const [args, pattern] of [
      [['train', '--bogus'], /^scratchnet: error: unknown option '--bogus'$/m],
      [['train', '--epochs', 'x'], /^scratchnet: error: option '--epochs <n>' argument 'x' is invalid/m],
      [['data', 'info'], /^scratchnet: error: missing required argument 'name'$/m],
      [['nope'], /^scratchnet: error: unknown command 'nope'$/m],
    ] as const) {
      const r = cli(...args);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, pattern, r.stderr);
    }
  });

  it('help names the commands that exist', () => {
    const r = cli('data', '--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /datasets: list \(what is available here\), info NAME/, 'the summary names the subcommands by their names');
    assert.match(r.stdout, /^\s+info \[options\] <name>/m);
  });

  it('--optimizer offers every registered optimizer', () => {
    const r = cli('train', '--help');
    assert.equal(r.status, 0);
    const choices = /--optimizer <name> optimizer \(choices: ((?:"\w+", )+)default/.exec(r.stdout.replace(/\s+/g, ' '));
    assert.ok(choices, r.stdout);
    assert.deepEqual(choices[1].slice(0, -2).split(', ').map((c) => c.slice(1, -1)), OPTIMIZER_NAMES);
  });

  it("a dataset's recipe is printed and used; an explicit flag wins", () => {
    const r = cli('train', '--dataset', 'spirals', '--epochs', '2', '--layers', '8');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /spirals's recipe: --lr 0.005, --batch-size 32\s+\(flags given on the command line win\)/);
    assert.match(r.stdout, /layers \[8\], .*2 epochs, batch 32/);
  });
});
