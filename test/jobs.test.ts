import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitElements } from '../src/core/wasm/gemm-split.js';
import { ARGS_LENGTH, FILL, OP, OP_FILL } from '../src/core/wasm/job-args.js';
import { DONE, SYNC_LENGTH, openJob, runPart, type WasmExports } from '../src/core/wasm/ops.js';

/** A fill job over 1024 elements in 8 chunks of 128, whose kernel only records which chunks it ran. */
function fillJob(): { ex: WasmExports; args: Float64Array; sync: Int32Array; ran: number[] } {
  const ran: number[] = [];
  const ex = { fill: (x: number) => ran.push(x / 4 / 128) } as unknown as WasmExports; // pointer → chunk index
  const args = new Float64Array(ARGS_LENGTH);
  args[OP] = OP_FILL;
  args[FILL.x] = 0;
  assert.equal(splitElements(1024, 8, args), 8);
  return { ex, args, sync: new Int32Array(SYNC_LENGTH), ran };
}

describe('owned jobs (threads take their own chunks first, then the others\' from the end)', () => {
  it('a thread alone runs its own run in order, then every other chunk from the ends of their runs', () => {
    const { ex, args, sync, ran } = fillJob();
    openJob(sync, 8, 2);
    runPart(ex, args, sync, 0);
    assert.deepEqual(ran, [0, 1, 2, 3, 7, 6, 5, 4]);
    assert.equal(Atomics.load(sync, DONE), 8);
  });

  it('each chunk runs once: a second thread takes only what is left', () => {
    const { ex, args, sync, ran } = fillJob();
    openJob(sync, 8, 2);
    runPart(ex, args, sync, 1); // thread 1 first: its run 4..7, then 3..0
    assert.deepEqual(ran, [4, 5, 6, 7, 3, 2, 1, 0]);
    runPart(ex, args, sync, 0); // nothing left
    assert.equal(ran.length, 8);
    assert.equal(Atomics.load(sync, DONE), 8);
  });

  it('three owners over 8 chunks: runs 0–1, 2–4, 5–7', () => {
    const { ex, args, sync, ran } = fillJob();
    openJob(sync, 8, 3);
    runPart(ex, args, sync, 1);
    assert.deepEqual(ran, [2, 3, 4, 7, 6, 5, 1, 0]);
  });

  it('a plain job hands chunks out in order; a thread arriving after the job is done takes nothing', () => {
    const { ex, args, sync, ran } = fillJob();
    openJob(sync, 8);
    runPart(ex, args, sync, 1);
    runPart(ex, args, sync, 0);
    assert.deepEqual(ran, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(Atomics.load(sync, DONE), 8);
  });
});
