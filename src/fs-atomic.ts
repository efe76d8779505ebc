/**
 * Atomic file writes: a temporary file in the same folder, then a rename, so that a reader (or a
 * parallel writer) never sees half a file. The temporary file is removed when anything fails.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A unique temporary name next to `path`. */
export function temporaryPath(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.incomplete`;
}

/** Writes `data` to `path` atomically, creating the folder. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await replaceWith(path, (tmp) => writeFile(tmp, data));
}

/** Creates a temporary file with `create`, then renames it over `path`; cleans up on failure. */
export async function replaceWith(path: string, create: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = temporaryPath(path);
  try {
    await create(tmp);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
}
