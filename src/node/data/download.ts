/**
 * Resumable, verified downloads of dataset files over HTTP(S) (Node's built-in `fetch`).
 *
 * Each file is written to `NAME.part`; an interrupted transfer is resumed with an HTTP Range request
 * (a server that ignores Range answers 200 and the file restarts from byte 0). Only a complete file
 * whose SHA-256 is accepted is renamed to `NAME` (atomic on one filesystem); a file that fails its
 * check is deleted.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../../errors.js';
import type { RemoteFile } from '../../data/registry.js';
import { sha256File } from './cache.js';

export type { RemoteFile };

/** Progress of one file; `total` is undefined when the server sends no length. */
export interface DownloadProgress {
  file: string;
  received: number;
  total?: number;
  /** `'resume'` once a Range request was honoured, `'restart'` when a partial file was discarded. */
  event?: 'start' | 'resume' | 'restart' | 'data' | 'done' | 'skip';
}

export interface DownloadOptions {
  /** Directory the files end up in (created if missing). */
  dir: string;
  /** URL the file names are appended to, e.g. `http://host/path/` (a missing final `/` is added). */
  baseUrl: string;
  files: RemoteFile[];
  onProgress?: (p: DownloadProgress) => void;
  /** Extra attempts after a dropped connection, each resuming where the last one stopped. Default 3. */
  retries?: number;
  /** Pause before the n-th retry: `n * retryDelayMs` milliseconds. Default 1000. */
  retryDelayMs?: number;
}

/** How each file was obtained. */
export type DownloadOutcome = 'present' | 'downloaded';

/**
 * Downloads every file of `files` that is not already in `dir` with an accepted hash.
 * @returns the outcome of each file, by name
 * @throws DataError on an HTTP error status (with the URL), a connection lost more than `retries`
 *   times (the `.part` file is kept for a later resume), or a SHA-256 mismatch (the file is deleted)
 */
export async function downloadFiles(opts: DownloadOptions): Promise<Record<string, DownloadOutcome>> {
  const { dir, files } = opts;
  await mkdir(dir, { recursive: true });
  const out: Record<string, DownloadOutcome> = {};
  for (const f of files) out[f.name] = await downloadOne(f, opts);
  return out;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

async function downloadOne(file: RemoteFile, { dir, baseUrl, onProgress, retries = 3, retryDelayMs = 1000 }: DownloadOptions): Promise<DownloadOutcome> {
  const dest = join(dir, file.name);
  const part = `${dest}.part`;
  const url = new URL(file.name, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
  const report = (p: Omit<DownloadProgress, 'file'>) => onProgress?.({ file: file.name, ...p });

  if ((await sizeOf(dest)) !== undefined) {
    if (file.sha256.includes(await sha256File(dest))) {
      report({ received: (await sizeOf(dest))!, event: 'skip' });
      return 'present';
    }
    await rm(dest, { force: true }); // a corrupt or outdated copy: fetch it again
  }

  let interruptions = 0;
  let restarted = false;
  for (;;) {
    let kind: 'fresh' | 'resumed';
    try {
      kind = await transfer(url, part, report);
    } catch (e) {
      if (!(e instanceof Interrupted)) throw e;
      if (++interruptions > retries) {
        const kept = ((await sizeOf(part)) ?? 0) > 0 ? ` (run again to resume from ${part})` : '';
        throw new DataError(`${url}: ${e.message}; gave up after ${interruptions} attempts${kept}`);
      }
      await new Promise((r) => setTimeout(r, interruptions * retryDelayMs));
      continue;
    }
    const found = await sha256File(part);
    if (file.sha256.includes(found)) break;
    await rm(part, { force: true });
    if (kind === 'resumed' && !restarted) {
      // The bytes before the resume point may be stale (an older partial copy): start over once.
      restarted = true;
      report({ received: 0, event: 'restart' });
      continue;
    }
    throw new DataError(
      `${url}: SHA-256 mismatch (download corrupt, or not the expected version): expected ${file.sha256.join(' or ')}, found ${found}; the file was deleted`,
    );
  }
  await rename(part, dest);
  report({ received: (await sizeOf(dest))!, event: 'done' });
  return 'downloaded';
}

/** A transfer cut short (connection dropped, body shorter than announced); retried by resuming. */
class Interrupted extends Error {}

/**
 * Fetches `url` into `part`, resuming from the bytes already there.
 * @returns `'resumed'` if `part` now continues bytes written before this call, `'fresh'` if it was rewritten
 * @throws Interrupted when the body ends early; DataError on an HTTP error status
 */
async function transfer(url: string, part: string, report: (p: Omit<DownloadProgress, 'file'>) => void): Promise<'fresh' | 'resumed'> {
  let have = (await sizeOf(part)) ?? 0;
  // identity: a transparently decompressed body would not match the hashes of the stored bytes
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (have > 0) headers.range = `bytes=${have}-`;
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: 'follow' });
  } catch (e) {
    throw new Interrupted(`cannot connect (${causeOf(e)})`);
  }
  if (res.status === 416 && have > 0) {
    // Range beyond the end: the partial file is complete already (or longer than the file).
    await res.body?.cancel();
    return 'resumed';
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new DataError(`${url}: download failed: HTTP ${res.status} ${res.statusText}, expected 200 OK`);
  }
  let total: number | undefined;
  const length = Number(res.headers.get('content-length') ?? NaN);
  if (res.status === 206) {
    const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
    if (!m || Number(m[1]) !== have) {
      await res.body?.cancel();
      await rm(part, { force: true });
      throw new Interrupted(`server resumed at the wrong offset (Content-Range '${res.headers.get('content-range')}', expected start ${have})`);
    }
    total = m[2] === '*' ? undefined : Number(m[2]);
    report({ received: have, total, event: 'resume' });
  } else {
    if (have > 0) report({ received: 0, event: 'restart' }); // Range ignored: start over
    have = 0;
    total = Number.isFinite(length) ? length : undefined;
    report({ received: 0, total, event: 'start' });
  }
  // A manual loop, not pipeline(): on a dropped connection every byte received so far must reach
  // the .part file (pipeline would destroy the sink and lose its buffered writes).
  const sink = createWriteStream(part, { flags: res.status === 206 ? 'a' : 'w' });
  let writeError: Error | undefined;
  sink.on('error', (e) => (writeError = e));
  const closed = new Promise<void>((resolve) => sink.on('close', resolve));
  let received = have;
  let readError: unknown;
  try {
    for await (const chunk of (res.body ?? []) as AsyncIterable<Uint8Array>) {
      if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', r).once('close', r));
      if (writeError) break;
      received += chunk.length;
      report({ received, total, event: 'data' });
    }
  } catch (e) {
    readError = e;
  }
  sink.end();
  await closed;
  if (writeError) throw new DataError(`${part}: cannot write the download (${writeError.message})`);
  if (readError) throw new Interrupted(`connection lost after ${received}${total ? ` of ${total}` : ''} bytes (${causeOf(readError)})`);
  if (total !== undefined && received < total) {
    throw new Interrupted(`transfer ended after ${received} of ${total} bytes`);
  }
  return res.status === 206 ? 'resumed' : 'fresh';
}

function causeOf(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
