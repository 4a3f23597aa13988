// fit's thread plan (src/nn/thread-plan.ts): the trial's turns, the choice, the cache, fixed counts,
// and that the choice changes no bit of a run.
import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import type { Kernels } from '../src/core/kernels.js';
import { loadMoons } from '../src/data/synthetic.js';
import { dense, activation } from '../src/nn/layers/index.js';
import { sequential } from '../src/nn/model.js';
import { createOptimizer } from '../src/nn/optimizers/index.js';
import { clearThreadChoices, describeThreads, ThreadPlan, type ThreadChoice } from '../src/nn/thread-plan.js';
import { fit } from '../src/nn/train.js';
import { createWasmKernels } from '../src/node/wasm.js';

/** Kernels that only count threads, and a clock the test moves: a step on n threads takes cost(n) ms. */
function fakeRun(available: number, cost: (n: number) => number) {
  let threads = available;
  const calls: number[] = [];
  const kernels = {
    name: 'fake',
    get threads() {
      return threads;
    },
    setThreads(n: number) {
      calls.push(n);
      threads = n;
    },
  } as unknown as Kernels;
  let now = 0;
  const step = (plan: ThreadPlan) => {
    plan.beforeStep();
    now += cost(threads);
    plan.afterStep();
  };
  return { kernels, calls, step, clock: () => now, current: () => threads };
}

describe('thread plan', () => {
  const realNow = performance.now;
  let clock = () => 0;
  beforeEach(() => {
    clearThreadChoices();
    performance.now = () => clock();
  });
  after(() => {
    performance.now = realNow;
  });

  test('times its turns on 2 and 1 threads and keeps the faster; the next run of the shape takes it from the cache', () => {
    const run = fakeRun(2, (n) => (n === 1 ? 1 : 1.5));
    clock = run.clock;
    const heard: ThreadChoice[] = [];
    const plan = new ThreadPlan(run.kernels, 'shape A', 'auto', (c) => heard.push(c));
    assert.equal(plan.choice, null);
    const threadsPerStep: number[] = [];
    for (let i = 0; i < 60; i++) {
      run.step(plan);
      threadsPerStep.push(run.current());
    }
    // 4 warm-up steps on all threads, then turns of 6 steps: 2, 1, 2, 1, 2, 1, then the choice
    assert.deepEqual(threadsPerStep.slice(0, 4), [2, 2, 2, 2]);
    assert.deepEqual(threadsPerStep.slice(4, 16), [2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual(threadsPerStep.slice(40), Array(20).fill(1));
    assert.equal(heard.length, 1);
    assert.deepEqual(heard[0], { threads: 1, available: 2, how: 'timed', msPerStep: { 1: 1, 2: 1.5 } });
    assert.equal(describeThreads(heard[0]), 'threads: 1 of 2 (timed: 2 → 1.500 ms/step, 1 → 1.000 ms/step)');
    plan.finish();
    assert.equal(run.current(), 2, 'finish gives the kernels their count back');

    const again = fakeRun(2, () => 1);
    const cached = new ThreadPlan(again.kernels, 'shape A', 'auto');
    assert.deepEqual(cached.choice, { threads: 1, available: 2, how: 'cached' });
    assert.equal(again.current(), 1);
    const other = new ThreadPlan(fakeRun(2, () => 1).kernels, 'shape B', 'auto');
    assert.equal(other.choice, null, 'another shape is timed afresh');
  });

  test('keeps all threads unless fewer are faster by more than 10%', () => {
    for (const [one, want] of [[0.91, 2], [0.89, 1]] as const) {
      clearThreadChoices();
      const run = fakeRun(2, (n) => (n === 1 ? one : 1));
      clock = run.clock;
      const plan = new ThreadPlan(run.kernels, 'shape C');
      for (let i = 0; i < 40; i++) run.step(plan);
      assert.equal(plan.choice?.threads, want, `1 thread at ${one} of 2 threads' time`);
    }
  });

  test('a cached choice older than 5 minutes is timed afresh', () => {
    const run = fakeRun(2, (n) => (n === 1 ? 1 : 2));
    clock = run.clock;
    const plan = new ThreadPlan(run.kernels, 'shape F');
    for (let i = 0; i < 40; i++) run.step(plan);
    assert.equal(plan.choice?.threads, 1);
    clock = () => run.clock() + 4 * 60_000;
    assert.equal(new ThreadPlan(fakeRun(2, () => 1).kernels, 'shape F').choice?.how, 'cached');
    clock = () => run.clock() + 6 * 60_000;
    assert.equal(new ThreadPlan(fakeRun(2, () => 1).kernels, 'shape F').choice, null);
  });

  test('on 8 threads the candidates are 8, 4, 2, 1', () => {
    const run = fakeRun(8, (n) => Math.abs(n - 4) + 1);
    clock = run.clock;
    const plan = new ThreadPlan(run.kernels, 'shape D');
    for (let i = 0; i < 4 + 6 * 4 * 3; i++) run.step(plan);
    assert.deepEqual(plan.choice, { threads: 4, available: 8, how: 'timed', msPerStep: { 8: 5, 4: 1, 2: 3, 1: 4 } });
  });

  test('a fixed count is set at once (at most the kernels\'), and one thread needs no trial', () => {
    const run = fakeRun(2, () => 1);
    assert.deepEqual(new ThreadPlan(run.kernels, 'shape E', 1).choice, { threads: 1, available: 2, how: 'fixed' });
    assert.deepEqual(run.calls, [1]);
    const many = fakeRun(2, () => 1);
    assert.equal(new ThreadPlan(many.kernels, 'shape E', 16).choice?.threads, 2);
    const one = fakeRun(1, () => 1);
    assert.deepEqual(new ThreadPlan(one.kernels, 'shape E').choice, { threads: 1, available: 1, how: 'fixed' });
  });
});

const wasm = await createWasmKernels({ threads: 2 });
describe('thread plan: a WebAssembly run', () => {
  after(() => wasm.dispose());

  test('the auto plan trains the same bits as 1 and 2 fixed threads, and gives the kernels their count back', async () => {
    const { train } = await loadMoons({ seed: 3, samples: 6000, noise: 0.2 });
    const weights = [];
    for (const threads of ['auto', 1, 2] as const) {
      clearThreadChoices();
      const model = sequential([dense({ units: 64 }), activation('relu'), dense({ units: 64 }), activation('relu'), dense({ units: 2 })])
        .build({ inputWidth: 2, batchSize: 64, seed: 1, kernels: wasm });
      const optimizer = createOptimizer('adam', model.params(), { lr: 0.01 }, wasm);
      let choice: ThreadChoice | undefined;
      await fit(model, train, { optimizer, epochs: 1, seed: 2, threads, onThreads: (c) => (choice = c) });
      assert.equal(choice?.how, threads === 'auto' ? 'timed' : 'fixed');
      assert.equal(wasm.threads, 2);
      weights.push(model.getWeights());
      optimizer.release();
      model.release();
    }
    assert.deepEqual(weights[0], weights[1]);
    assert.deepEqual(weights[0], weights[2]);
  });

  test('a thread count that is not a positive integer is a ConfigError naming it', async () => {
    const { train } = await loadMoons({ seed: 3, samples: 200, noise: 0.2 });
    const model = sequential([dense({ units: 2 })]).build({ inputWidth: 2, batchSize: 16, seed: 1, kernels: wasm });
    for (const threads of [0, 1.5, -2]) {
      await assert.rejects(fit(model, train, { optimizer: 'sgd', epochs: 1, threads }), (e: Error) => e.name === 'ConfigError' && e.message === `fit: threads must be 'auto' or a positive integer, found ${threads}`);
    }
    model.release();
  });
});
