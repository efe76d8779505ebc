/**
 * The standard Hub cache layout, shared with Python's `huggingface_hub`:
 * `models--org--name/refs/<revision>` holds a commit sha, `snapshots/<sha>/config.json` links to
 * `blobs/<etag>`. A config cached by either tool is found by the other. Writes are atomic, a ref
 * is rewritten only when it changes (so a read-only shared cache keeps working), and files are
 * stored byte for byte as the Hub sent them.
 */
import { copyFile, mkdir, readFile, symlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { replaceWith, writeFileAtomic } from '../fs-atomic.js';

export const COMMIT_SHA = /^[0-9a-f]{40}$/;

export function repoFolder(cacheDir: string, repo: string): string {
  return join(cacheDir, ['models', ...repo.split('/')].join('--'));
}

/** The commit a revision points to in the cache, or null. */
export async function cachedCommit(cacheDir: string, repo: string, revision: string): Promise<string | null> {
  if (COMMIT_SHA.test(revision)) return revision;
  const sha = await readFile(join(repoFolder(cacheDir, repo), 'refs', revision), 'utf8').catch(() => null);
  return sha && COMMIT_SHA.test(sha.trim()) ? sha.trim() : null;
}

/** The bytes of a cached file of a commit, or null. */
export async function readCachedFile(cacheDir: string, repo: string, commit: string, file: string): Promise<{ path: string; bytes: Uint8Array } | null> {
  const path = join(repoFolder(cacheDir, repo), 'snapshots', commit, file);
  const bytes = await readFile(path).catch(() => null);
  return bytes === null ? null : { path, bytes };
}

/** Stores a file of a commit and, for a branch or tag, the ref pointing to it. */
export async function writeCachedFile(
  cacheDir: string,
  repo: string,
  revision: string,
  commit: string,
  file: string,
  etag: string,
  bytes: Uint8Array,
): Promise<string> {
  const folder = repoFolder(cacheDir, repo);
  const blob = join(folder, 'blobs', etag);
  await writeFileAtomic(blob, bytes);
  const pointer = join(folder, 'snapshots', commit, file);
  await mkdir(dirname(pointer), { recursive: true });
  await replaceWith(pointer, async (tmp) => {
    try {
      await symlink(relative(dirname(pointer), blob), tmp);
    } catch {
      await copyFile(blob, tmp); // file systems without symlinks: a copy, as huggingface_hub does
    }
  });
  await writeRef(cacheDir, repo, revision, commit);
  return pointer;
}

/** Records that a branch or tag points to a commit, unless it already does (or is a sha). */
export async function writeRef(cacheDir: string, repo: string, revision: string, commit: string): Promise<void> {
  if (revision === commit || (await cachedCommit(cacheDir, repo, revision)) === commit) return;
  await writeFileAtomic(join(repoFolder(cacheDir, repo), 'refs', revision), commit);
}
