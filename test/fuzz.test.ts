// A short run of every fuzz target (test/fuzz/targets.ts) from a fixed seed: the same cases every run;
// `npm run fuzz` runs the long campaign from a new seed each time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuzz } from './fuzz/harness.js';
import { TARGETS } from './fuzz/targets.js';

const runs = Number(process.env.SCRATCHNET_FUZZ_RUNS ?? 150);
const SEED = 2026;

describe('fuzzing: hostile inputs give a correct result or a typed error', () => {
  for (const target of TARGETS) {
    it(target.name, () => {
      const stats = fuzz(target, { runs, seed: SEED });
      assert.equal(stats.cases, runs);
      assert.ok((stats.outcomes.ok ?? 0) < runs, `${target.name}: no case was rejected — the mutations miss`);
    });
  }
});
