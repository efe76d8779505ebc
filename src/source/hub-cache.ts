/**
 * The standard Hub cache layout, shared with Python's `huggingface_hub`:
 * `models--org--name/refs/<revision>` holds a commit sha, `snapshots/<sha>/config.json` links to
 * `blobs/<etag>`. A config cached by either tool is found by the other. Writes are atomic
 * (temporary file, then rename), so a crash never leaves a half-written file behind.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

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

/** The cached file of a commit, or null. */
export async function readCachedFile(cacheDir: string, repo: string, commit: string, file: string): Promise<{ path: string; text: string } | null> {
  const path = join(repoFolder(cacheDir, repo), 'snapshots', commit, file);
  const text = await readFile(path, 'utf8').catch(() => null);
  return text === null ? null : { path, text };
}

async function writeAtomic(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.incomplete`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** Stores a file of a commit and, for a branch or tag, the ref pointing to it. */
export async function writeCachedFile(
  cacheDir: string,
  repo: string,
  revision: string,
  commit: string,
  file: string,
  etag: string,
  text: string,
): Promise<string> {
  const folder = repoFolder(cacheDir, repo);
  const blob = join(folder, 'blobs', etag);
  await writeAtomic(blob, text);
  const pointer = join(folder, 'snapshots', commit, file);
  await mkdir(dirname(pointer), { recursive: true });
  const tmp = `${pointer}.${process.pid}.${randomBytes(4).toString('hex')}.incomplete`;
  try {
    await symlink(relative(dirname(pointer), blob), tmp);
  } catch {
    await copyFile(blob, tmp); // file systems without symlinks: a copy, as huggingface_hub does
  }
  await rename(tmp, pointer).catch(async (error) => {
    await rm(tmp, { force: true });
    throw error;
  });
  await writeRef(cacheDir, repo, revision, commit);
  return pointer;
}

/** Records that a branch or tag points to a commit (nothing to record for a sha). */
export async function writeRef(cacheDir: string, repo: string, revision: string, commit: string): Promise<void> {
  if (revision !== commit) await writeAtomic(join(repoFolder(cacheDir, repo), 'refs', revision), commit);
}
