/**
 * The figure cache: one folder per key holding `figure.<format>` files and `meta.json` (which
 * toolchain made them). Looking up only reads the file system; writes are atomic per file, so
 * parallel writers of the same key never leave a torn file. (A key names the engine only when
 * one is forced: the automatic choice depends on the machine, and the key must not; `meta.json`
 * says which engine drew the entry.)
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../fs-atomic.js';
import type { Format } from '../tex/compile.js';

/** The default cache folder, as the ecosystem expects it. */
export function defaultCacheDir(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return resolve(cwd, env['HF_ARCH_CACHE_DIR'] ?? join('node_modules', '.cache', 'remark-hf-arch'));
}

export interface CacheEntryMeta {
  key: string;
  model: string;
  toolchain: string;
}

export function entryPath(cacheDir: string, key: string, format: Format | 'meta'): string {
  return join(cacheDir, key.slice(0, 2), key, format === 'meta' ? 'meta.json' : `figure.${format}`);
}

/** The cached files of a key, or null if any requested format is missing. No process is spawned. */
export async function lookupFigure(cacheDir: string, key: string, formats: Format[]): Promise<Partial<Record<Format, string>> | null> {
  const found: Partial<Record<Format, string>> = {};
  for (const format of formats) {
    const path = entryPath(cacheDir, key, format);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || info.size === 0) return null;
    found[format] = path;
  }
  return found;
}

export async function storeFigure(cacheDir: string, key: string, files: Partial<Record<Format, Uint8Array>>, meta: CacheEntryMeta): Promise<Partial<Record<Format, string>>> {
  const out: Partial<Record<Format, string>> = {};
  for (const [format, bytes] of Object.entries(files) as [Format, Uint8Array][]) {
    const path = entryPath(cacheDir, key, format);
    await writeFileAtomic(path, bytes);
    out[format] = path;
  }
  await writeFileAtomic(entryPath(cacheDir, key, 'meta'), `${JSON.stringify(meta, null, 2)}\n`);
  return out;
}
