/** Model files in Node: {@link saveModel} and {@link loadModel} over the bytes of src/nn/io.ts. */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { ModelFileError } from '../errors.js';
import { decodeModel, encodeModel, type Architecture, type DecodeModelOptions, type SavedModel } from '../nn/io.js';
import type { Sequential } from '../nn/model.js';
import { writeFileAtomic } from './safetensors-file.js';

/**
 * Saves a model as a safetensors file ({@link encodeModel}). Written to a temporary file, fsynced
 * and renamed: an existing file is never left half-written.
 * @throws ModelFileError naming `path` when it cannot be written (the previous file is unchanged)
 */
export function saveModel(path: string, model: Sequential, architecture: Architecture, training: Record<string, unknown> = {}): void {
  writeFileAtomic(path, encodeModel(model, architecture, training), 'model file');
}

/**
 * Loads a model saved by {@link saveModel}, built for `batchSize` rows per forward pass; a model that
 * would need more than half of this machine's memory (`maxBytes`, unless given) is refused before
 * anything is allocated.
 */
export function loadModel(path: string, opts: DecodeModelOptions = {}): SavedModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT' ? `${path}: model file not found` : `${path}: cannot read model file (${code ?? (e as Error).message})`);
  }
  return decodeModel(bytes, { maxBytes: totalmem() / 2, ...opts }, path);
}
