/**
 * The figure cache: one folder per key holding `figure.<format>` files and `meta.json`, which
 * records which toolchain made them and each file's size and sha256. Writes are atomic per file,
 * so parallel writers of the same key never leave a torn file. (A key names the engine only when
 * one is forced: the automatic choice depends on the machine, and the key must not; `meta.json`
 * says which engine drew the entry.)
 *
 * A cache is committed to repositories and restored in CI, so its contents are untrusted input:
 * a lookup only accepts regular files (no symlink at the entry, its folder or the file, no hard
 * link) whose bytes match the size and hash recorded when they were written, and it returns those
 * verified bytes, so that what is published is exactly what was checked. Anything else is a
 * damaged entry, which the caller discards and rebuilds (or reports, in frozen mode).
 */
import { createHash } from 'node:crypto';
import { lstat, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { HfArchError } from '../errors.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { readRegularFile } from '../read-limited.js';
import type { Format } from '../tex/compile.js';

/** The default cache folder, as the ecosystem expects it. */
export function defaultCacheDir(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return resolve(cwd, env['HF_ARCH_CACHE_DIR'] ?? join('node_modules', '.cache', 'remark-hf-arch'));
}

/** Largest figure file the cache hands out (a real one is under 2 MB). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAX_META_BYTES = 64 * 1024;

const fileRecord = z.object({ size: z.number().int().positive().max(MAX_FILE_BYTES), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const metaSchema = z.object({
  key: z.string(),
  model: z.string(),
  toolchain: z.string(),
  files: z.partialRecord(z.enum(['svg', 'png', 'pdf']), fileRecord),
});

/** What `meta.json` records of an entry. */
export type CacheEntryMeta = z.infer<typeof metaSchema>;

/** A verified file of an entry: where it lies and its bytes. */
export interface CachedFile {
  path: string;
  bytes: Uint8Array;
}

/** The outcome of a lookup: every requested file verified, a plain miss, or a damaged entry. */
export type Lookup =
  | { status: 'hit'; files: Partial<Record<Format, CachedFile>> }
  | { status: 'miss' }
  | { status: 'damaged'; entry: string; problem: string };

export function entryDir(cacheDir: string, key: string): string {
  return join(cacheDir, key.slice(0, 2), key);
}

export function entryPath(cacheDir: string, key: string, format: Format | 'meta'): string {
  return join(entryDir(cacheDir, key), format === 'meta' ? 'meta.json' : `figure.${format}`);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A cache file that must not be used, and why. */
export class Damage extends Error {}

/**
 * A file of the cache: regular, not a link of either kind, at most `limit` bytes (see
 * {@link readRegularFile}); null when it is absent, a {@link Damage} when it must not be used.
 */
export async function readCacheFile(path: string, limit: number): Promise<Uint8Array | null> {
  try {
    return await readRegularFile(path, { limit, what: 'cache file', noLinks: true });
  } catch (error) {
    if (error instanceof HfArchError) throw new Damage(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new Damage(`${path} cannot be read (${code ?? (error as Error).message})`);
  }
}

/** The entry's folders must be real folders inside the cache, not links to elsewhere. */
async function checkFolders(cacheDir: string, key: string): Promise<boolean> {
  for (const dir of [join(cacheDir, key.slice(0, 2)), entryDir(cacheDir, key)]) {
    const info = await lstat(dir).catch(() => null);
    if (!info) return false;
    if (info.isSymbolicLink()) throw new Damage(`${dir} is a symbolic link`);
    if (!info.isDirectory()) throw new Damage(`${dir} is not a folder`);
  }
  return true;
}

/** The entry's metadata, or null when it has none yet. */
async function readMeta(cacheDir: string, key: string): Promise<CacheEntryMeta | null> {
  const bytes = await readCacheFile(entryPath(cacheDir, key, 'meta'), MAX_META_BYTES);
  if (bytes === null) return null;
  let parsed;
  try {
    parsed = metaSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  } catch {
    throw new Damage('meta.json is not JSON');
  }
  if (!parsed.success || parsed.data.key !== key) throw new Damage('meta.json does not describe this entry');
  return parsed.data;
}

/**
 * The verified files of a key. A file the metadata does not record (an entry written by another
 * version, or a format another process is adding) is a miss; a file that does not match its
 * record is damage. Only the file system is read; no process is spawned.
 */
export async function lookupFigure(cacheDir: string, key: string, formats: Format[]): Promise<Lookup> {
  try {
    if (!(await checkFolders(cacheDir, key))) return { status: 'miss' };
    const meta = await readMeta(cacheDir, key);
    if (!meta) return { status: 'miss' };
    const files: Partial<Record<Format, CachedFile>> = {};
    for (const format of formats) {
      const record = meta.files[format];
      if (!record) return { status: 'miss' };
      const path = entryPath(cacheDir, key, format);
      const bytes = await readCacheFile(path, record.size);
      if (bytes === null) return { status: 'miss' };
      if (bytes.length !== record.size) throw new Damage(`figure.${format} is ${bytes.length} bytes, meta.json says ${record.size}`);
      if (sha256(bytes) !== record.sha256) throw new Damage(`figure.${format} does not match the sha256 in meta.json`);
      files[format] = { path, bytes };
    }
    return { status: 'hit', files };
  } catch (error) {
    if (error instanceof Damage) return { status: 'damaged', entry: entryDir(cacheDir, key), problem: error.message };
    throw error;
  }
}

/** Removes a damaged entry (the folder, or a link or file where the folder should be). */
export async function discardEntry(cacheDir: string, key: string): Promise<void> {
  // A shard folder that is a link (or a file) goes itself: nothing is removed where it points.
  const shard = join(cacheDir, key.slice(0, 2));
  const info = await lstat(shard).catch(() => null);
  if (info && !info.isDirectory()) await rm(shard, { force: true });
  else await rm(entryDir(cacheDir, key), { recursive: true, force: true });
}

/** Writes the files of a key and records their sizes and hashes (with those already there). */
export async function storeFigure(
  cacheDir: string,
  key: string,
  files: Partial<Record<Format, Uint8Array>>,
  info: { model: string; toolchain: string },
): Promise<Partial<Record<Format, CachedFile>>> {
  const previous = await readMeta(cacheDir, key).catch(() => null);
  const meta: CacheEntryMeta = { key, model: info.model, toolchain: info.toolchain, files: { ...previous?.files } };
  const out: Partial<Record<Format, CachedFile>> = {};
  for (const [format, bytes] of Object.entries(files) as [Format, Uint8Array][]) {
    const path = entryPath(cacheDir, key, format);
    await writeFileAtomic(path, bytes);
    meta.files[format] = { size: bytes.length, sha256: sha256(bytes) };
    out[format] = { path, bytes };
  }
  await writeFileAtomic(entryPath(cacheDir, key, 'meta'), `${JSON.stringify(meta, null, 2)}\n`);
  return out;
}
