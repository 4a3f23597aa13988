/** Model files in a browser: the same safetensors bytes as the CLI's files, as a Blob or from a URL. */
import { ModelFileError } from '../errors.js';
import { decodeModel, encodeModel, type Architecture, type DecodeModelOptions, type SavedModel } from '../nn/io.js';
import type { Sequential } from '../nn/model.js';

/** The model as a `.safetensors` Blob (offer it with `URL.createObjectURL` and an `<a download>`). */
export function modelBlob(model: Sequential, architecture: Architecture, training: Record<string, unknown> = {}): Blob {
  return new Blob([encodeModel(model, architecture, training) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
}

/**
 * Loads a model file from a URL, a Blob or a File (an `<input type="file">`).
 * @throws ModelFileError when it cannot be fetched or is not a valid scratchnet model
 */
export async function fetchModel(source: string | URL | Blob, opts: DecodeModelOptions = {}): Promise<SavedModel> {
  const name = typeof source === 'string' || source instanceof URL ? String(source) : ((source as File).name ?? 'model');
  let bytes: ArrayBuffer;
  if (source instanceof Blob) {
    bytes = await source.arrayBuffer();
  } else {
    const res = await fetch(source).catch((e: unknown) => {
      throw new ModelFileError(`${name}: cannot fetch model file (${String(e)})`);
    });
    if (!res.ok) throw new ModelFileError(`${name}: cannot fetch model file (HTTP ${res.status})`);
    bytes = await res.arrayBuffer();
  }
  return decodeModel(new Uint8Array(bytes), opts, name);
}
