// A short run of every fuzz target (test/fuzz/targets.ts); `npm run fuzz` runs the long campaign.
// The readers do not depend on the kernels: run once, on the js pass.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuzz } from './fuzz/harness.js';
import { TARGETS } from './fuzz/targets.js';

const runs = Number(process.env.SCRATCHNET_FUZZ_RUNS ?? 150);
const skip = (process.env.SCRATCHNET_BACKEND ?? 'js') !== 'js';

describe('fuzzing: hostile inputs give a correct result or a typed error', { skip }, () => {
  for (const target of TARGETS) {
    it(target.name, () => {
      const stats = fuzz(target, { runs });
      assert.equal(stats.cases, runs);
      assert.ok((stats.outcomes.ok ?? 0) < runs, `${target.name}: no case was rejected — the mutations miss`);
    });
  }
});
