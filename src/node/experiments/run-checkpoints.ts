/**
 * `ablate --checkpoint-dir DIR`: the checkpoints of the run under way in DIR/<run id>/ (the
 * checkpoint files of `train`, src/node/checkpoint-files.ts), removed once its result line is written.
 * Run ids are the same in every shard, so the tasks of one study can share DIR.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunCheckpoints } from '../../experiments/store.js';
import { CheckpointDir } from '../checkpoint-files.js';

/** The runs' checkpoints under `dir`. */
export function runCheckpoints(dir: string): RunCheckpoints {
  const of = (id: string) => new CheckpointDir(join(dir, id), { keep: 1 });
  return {
    name: dir,
    checkWritable: () => new CheckpointDir(dir).prepare(),
    newest: (id) => of(id).newest()?.checkpoint,
    save(id, bytes, globalStep) {
      const run = of(id);
      run.prepare();
      run.write(bytes, globalStep);
    },
    clear: (id) => rmSync(join(dir, id), { recursive: true, force: true }),
  };
}
