/**
 * The `arch.json` of each Hub source a figure was built from, kept in the figure cache
 * (`sources/<hash>.json`), so that a frozen build from a committed cache knows the model without
 * the network or the Hub cache.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs-atomic.js';
import { archJsonSchema, type ArchJson } from '../schema/arch-json.js';
import { readCacheFile } from './store.js';

const pathOf = (cacheDir: string, key: string) => join(cacheDir, 'sources', `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);

export async function writeSourceIndex(cacheDir: string, key: string, arch: ArchJson): Promise<void> {
  await writeFileAtomic(pathOf(cacheDir, key), `${JSON.stringify(arch)}\n`);
}

export async function readSourceIndex(cacheDir: string, key: string): Promise<ArchJson | null> {
  try {
    // Like figures: a regular file of the cache, not a link to one elsewhere.
    const bytes = await readCacheFile(pathOf(cacheDir, key), 16 * 1024 * 1024);
    if (bytes === null) return null;
    const parsed = archJsonSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // a damaged entry is a miss, never a crash
  }
}
