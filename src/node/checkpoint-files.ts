/**
 * Training checkpoints as files (Node): a directory of `checkpoint-<step>.safetensors`, each
 * written atomically (temp file, fsync, rename, fsync of the directory), the newest K kept. A
 * process killed at any moment leaves every named checkpoint whole; at worst a temp file remains,
 * which the next run removes.
 */
import fs from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ModelFileError } from '../errors.js';
import { decodeCheckpoint, type Checkpoint } from '../nn/checkpoint.js';
import { writeFileAtomic } from './safetensors-file.js';

const NAME = /^checkpoint-(\d+)\.safetensors$/;
/** Temp files of {@link writeFileAtomic} for a checkpoint: `.checkpoint-<step>.safetensors.<pid>.<time>.<n>.tmp`. */
const TMP = /^\.checkpoint-\d+\.safetensors\.\d+\.\d+\.\d+\.tmp$/;

export interface CheckpointDirOptions {
  /** Checkpoints kept, newest first (default 2). */
  keep?: number;
  /** Receives one-line warnings (a corrupt checkpoint skipped). Default: stderr. */
  warn?: (line: string) => void;
}

export class CheckpointDir {
  readonly keep: number;
  private readonly warn: (line: string) => void;

  constructor(
    readonly dir: string,
    { keep = 2, warn = (line) => process.stderr.write(line + '\n') }: CheckpointDirOptions = {},
  ) {
    if (!Number.isInteger(keep) || keep < 1) throw new ConfigError(`checkpoints: keep must be a positive integer, found ${keep}`);
    this.keep = keep;
    this.warn = warn;
  }

  /** Creates the directory if needed, checks it is writable, removes temp files a killed write left. */
  prepare(): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.accessSync(this.dir, fs.constants.W_OK);
    } catch (e) {
      throw new ConfigError(`checkpoint directory ${this.dir}: not a writable directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    for (const f of fs.readdirSync(this.dir)) if (TMP.test(f)) fs.rmSync(join(this.dir, f), { force: true });
  }

  /** Paths of the checkpoints, oldest first (by step in the name). */
  list(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .map((f) => ({ f, m: NAME.exec(f) }))
      .filter((e) => e.m)
      .sort((a, b) => Number(a.m![1]) - Number(b.m![1]))
      .map((e) => join(this.dir, e.f));
  }

  /**
   * The newest checkpoint that decodes, or undefined. A corrupt or truncated one is renamed to
   * `<name>.corrupt` (so that it is not pruned in place of a good one) with a one-line warning.
   */
  newest(): { path: string; checkpoint: Checkpoint } | undefined {
    for (const path of this.list().reverse()) {
      try {
        return { path, checkpoint: decodeCheckpoint(fs.readFileSync(path), path) };
      } catch (e) {
        if (!(e instanceof ModelFileError)) throw e;
        fs.renameSync(path, `${path}.corrupt`);
        this.warn(`scratchnet: warning: skipping corrupt checkpoint (${e.message}); renamed to ${path}.corrupt`);
      }
    }
    return undefined;
  }

  /** Writes `bytes` as the checkpoint of `globalStep` atomically, then removes all but the newest `keep`. */
  write(bytes: Uint8Array, globalStep: number): string {
    const path = join(this.dir, `checkpoint-${String(globalStep).padStart(9, '0')}.safetensors`);
    writeFileAtomic(path, bytes, 'checkpoint');
    const all = this.list();
    for (const old of all.slice(0, Math.max(0, all.length - this.keep))) fs.rmSync(old, { force: true });
    return path;
  }
}
