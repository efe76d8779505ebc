/**
 * The standard Hub cache layout, shared with Python's `huggingface_hub`:
 * `models--org--name/refs/<revision>` holds a commit sha, `snapshots/<sha>/config.json` links to
 * `blobs/<etag>`. A config cached by either tool is found by the other. Writes are atomic, a ref
 * is rewritten only when it changes (so a read-only shared cache keeps working), and files are
 * stored byte for byte as the Hub sent them. Reads are bounded and checked: a blob named by a
 * hash must hash to its name, and a snapshot must not lead out of the cache.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, realpath, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { HfArchError } from '../errors.js';
import { replaceWith, writeFileAtomic } from '../fs-atomic.js';
import { MAX_CONFIG_BYTES, readRegularFile } from '../read-limited.js';

export const COMMIT_SHA = /^[0-9a-f]{40}$/;

export function repoFolder(cacheDir: string, repo: string): string {
  return join(cacheDir, ['models', ...repo.split('/')].join('--'));
}

/** A blob id as the Hub names blobs: git's sha1 of a small file, or the sha256 of an LFS file. */
const BLOB_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Git's blob id of a file: what the Hub uses as the ETag of a small file. */
function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Whether bytes hash to a blob id (git sha1 for 40 hex digits, sha256 for 64). */
function matchesBlobId(id: string, bytes: Uint8Array): boolean {
  return id === (id.length === 40 ? gitBlobId(bytes) : createHash('sha256').update(bytes).digest('hex'));
}

/**
 * The blob name of a downloaded file: its ETag (`W/"abc"` → `abc`, as huggingface_hub does)
 * when that is a blob id the bytes match, else their git blob id. Anything else a server sends
 * (`..`, slashes, 300 characters) would name a path outside `blobs/`, or no valid file.
 */
function blobName(etag: string | undefined, bytes: Uint8Array): string {
  const clean = etag?.replace(/^W\//, '').replace(/"/g, '').trim() ?? '';
  return BLOB_ID.test(clean) && matchesBlobId(clean, bytes) ? clean : gitBlobId(bytes);
}

/** The commit a revision points to in the cache, or null. */
export async function cachedCommit(cacheDir: string, repo: string, revision: string): Promise<string | null> {
  if (COMMIT_SHA.test(revision)) return revision;
  const ref = join(repoFolder(cacheDir, repo), 'refs', revision);
  // Bounded and regular-only: a FIFO planted as a ref must not hang the build.
  const sha = (await readRegularFile(ref, { limit: 1024, what: 'Hub cache ref' }).catch(() => null))?.toString('utf8').trim();
  return sha && COMMIT_SHA.test(sha) ? sha : null;
}

/** A cached file: its bytes, or why they cannot be used (`damaged`, with the blob to discard). */
export type CachedFile = { path: string; bytes: Uint8Array } | { path: string; damaged: string; blob: string | null };

/** A cached file of a commit, checked, or null when there is none. */
export async function readCachedFile(cacheDir: string, repo: string, commit: string, file: string): Promise<CachedFile | null> {
  const path = join(repoFolder(cacheDir, repo), 'snapshots', commit, file);
  const target = await realpath(path).catch(() => null);
  if (target === null) return null; // absent, or a dangling link
  const root = await realpath(cacheDir);
  if (!target.startsWith(root + sep)) return { path, damaged: `it leads outside the Hub cache, to ${target}`, blob: null };
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(target, { limit: MAX_CONFIG_BYTES, what: 'config.json', display: target });
  } catch (error) {
    if (error instanceof HfArchError) return { path, damaged: error.message, blob: target };
    return null; // unreadable: as if not cached
  }
  const name = basename(target);
  if (BLOB_ID.test(name) && !matchesBlobId(name, bytes)) return { path, damaged: `its bytes do not match its blob name ${name}`, blob: target };
  return { path, bytes };
}

/** Removes a damaged cached file (its blob too, when that is inside the cache); best effort. */
export async function discardCachedFile(file: { path: string; blob: string | null }): Promise<void> {
  await rm(file.path, { force: true }).catch(() => undefined);
  if (file.blob) await rm(file.blob, { force: true }).catch(() => undefined);
}

/** Stores a file of a commit and, for a branch or tag, the ref pointing to it. */
export async function writeCachedFile(
  cacheDir: string,
  repo: string,
  revision: string,
  commit: string,
  file: string,
  etag: string | undefined,
  bytes: Uint8Array,
): Promise<string> {
  const folder = repoFolder(cacheDir, repo);
  const blob = join(folder, 'blobs', blobName(etag, bytes));
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
