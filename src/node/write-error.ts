/** File-system failures while writing (disk full, read-only, no permission) as typed errors naming the path. */
import { WriteError } from '../errors.js';

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'the path is a directory',
  ENOENT: 'no such directory',
  EIO: 'input/output error',
};

/** `e` as a {@link WriteError} naming `path` when it is a file-system error (it has an errno code); otherwise `e`. */
export function asWriteError(e: unknown, path: string, what = 'file'): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('E')) return e;
  return new WriteError(`${path}: cannot write the ${what} (${code}${REASONS[code] ? `: ${REASONS[code]}` : ''})`);
}

/** Runs `write`, turning a file-system error into a {@link WriteError} naming `path`. */
export function guardWrite<T>(path: string, what: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    throw asWriteError(e, path, what);
  }
}
