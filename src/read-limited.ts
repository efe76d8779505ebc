/**
 * Bounded reads of input files. A real config.json is under 100 KB and a theme template a few
 * KB, so anything far larger is a mistake (or an attack), and anything that is not a regular
 * file (a FIFO, a device such as /dev/zero, a socket) can block forever or never end: both are
 * refused with a located error instead of filling memory or hanging.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, stat } from 'node:fs/promises';
import { HfArchError } from './errors.js';

/** Most bytes read from a config.json, on disk or from the Hub (5 MiB). */
export const MAX_CONFIG_BYTES = 5 * 1024 * 1024;
/** Most bytes read from a theme template (1 MiB). */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

export interface ReadLimit {
  /** Most bytes accepted. */
  limit: number;
  /** What the file is, for messages: `config.json`, `template`. */
  what: string;
  /** How the file is named in messages and in the error's location (default: the path). */
  display?: string;
  /** Refuse a symbolic link (not followed: `O_NOFOLLOW`) and a hard link, as cache entries must. */
  noLinks?: boolean;
}

/** `5 MiB`, `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** The error for an input past its limit: `subject is [size, ]more than the limit for a what`. */
export function tooLargeError(options: { subject: string; what: string; limit: number; size?: number | undefined; file?: string }): HfArchError {
  const { subject, what, limit, size, file = subject } = options;
  const known = size === undefined ? 'more than' : `${formatBytes(size)}, more than`;
  return new HfArchError('input-too-large', `${subject} is ${known} the ${formatBytes(limit)} limit for a ${what}`, {
    location: { file },
    hint: `Check that this really is a ${what}: a real one is at most a few hundred KB.`,
  });
}

function kind(info: Stats): string {
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The bytes of a regular file, at most `limit` of them. Symlinks are followed (the Hub cache
 * is made of them) unless `noLinks`. File system errors (ENOENT, EACCES, and EISDIR for a folder,
 * as `readFile` gives) are thrown as they are, for the caller to explain.
 */
export async function readRegularFile(path: string | URL, { limit, what, display = String(path), noLinks = false }: ReadLimit): Promise<Buffer> {
  const check = (info: Stats): void => {
    if (info.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read ${display}`), { code: 'EISDIR' });
    if (!info.isFile()) {
      throw new HfArchError('io-error', `${display} is ${kind(info)}, not a regular file`, {
        location: { file: display },
        hint: `Give the path of a ${what} file; pipes, devices and sockets are not read, as they can block or never end.`,
      });
    }
    if (noLinks && info.nlink > 1) throw new HfArchError('io-error', `${display} is a hard link (${info.nlink} names)`, { location: { file: display } });
    if (info.size > limit) throw tooLargeError({ subject: display, what, limit, size: info.size });
  };
  // Checked before opening: opening a FIFO waits for a writer, and opening a device can act.
  check(await (noLinks ? lstat : stat)(path));
  // O_NONBLOCK: should a FIFO be swapped in after the check, opening it still returns at once,
  // and the check of the opened file refuses it. It does not change reads of a regular file.
  // O_NOFOLLOW: a link swapped in after the check is not followed either.
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (noLinks ? (constants.O_NOFOLLOW ?? 0) : 0);
  const handle = await open(path, flags).catch((error: NodeJS.ErrnoException) => {
    if (noLinks && (error.code === 'ELOOP' || error.code === 'EMLINK')) throw new HfArchError('io-error', `${display} is a symbolic link, not a regular file`, { location: { file: display } });
    throw error;
  });
  try {
    check(await handle.stat());
    // Never more than limit + 1 bytes, even if the file grows or reports a wrong size (/proc).
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, limit + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw tooLargeError({ subject: display, what, limit });
    }
  } finally {
    await handle.close();
  }
}
