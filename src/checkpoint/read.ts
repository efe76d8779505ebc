/**
 * The tensors of a checkpoint, from its safetensors headers only (never the weights): a local
 * folder (`model.safetensors.index.json` naming the shards, or every `*.safetensors` file in it),
 * or a Hub repo through `@huggingface/hub`'s `parseSafetensorsMetadata`, which reads each shard's
 * first bytes with range requests. Both paths check every header with `header.ts`.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseSafetensorsMetadata } from '@huggingface/hub';
import { HfArchError } from '../errors.js';
import { hubSettings, type HubOptions } from '../source/hub-settings.js';
import { readRegularFile } from '../read-limited.js';
import { checkHeader, headerLength, type StoredTensor } from './header.js';

/** Most bytes read from a `model.safetensors.index.json` (DeepSeek-V3's is 8 MB). */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;
/** Most shards (the Hub client's own limit). */
const MAX_SHARDS = 10_000;

export interface Checkpoint {
  /** Where the headers were read: a folder, or `org/name@commit`. */
  source: string;
  /** The commit the headers were read at (Hub), or null (a folder). */
  commit: string | null;
  files: string[];
  tensors: StoredTensor[];
}

const INDEX = 'model.safetensors.index.json';

/** A shard name from an index: a plain file name in the checkpoint's folder. */
function shardName(name: unknown, index: string): string {
  if (typeof name !== 'string' || name === '' || name !== basename(name) || name === '.' || name === '..' || /[\\\0-\x1f]/.test(name) || !name.endsWith('.safetensors')) {
    throw new HfArchError('checkpoint-invalid', `${index}: the weight_map names ${JSON.stringify(name)?.slice(0, 80)}, which is not a .safetensors file in this folder`, { location: { file: index } });
  }
  return name;
}

/** The shard files of a local checkpoint folder. */
async function localShards(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    throw new HfArchError('checkpoint-not-found', `cannot read the checkpoint folder ${dir} (${error.code ?? error.message})`, { location: { file: dir } });
  });
  if (names.includes(INDEX)) {
    const path = join(dir, INDEX);
    const text = (await readRegularFile(path, { limit: MAX_INDEX_BYTES, what: 'safetensors index' })).toString('utf8');
    let index: unknown;
    try {
      index = JSON.parse(text);
    } catch {
      throw new HfArchError('checkpoint-invalid', `${path} is not valid JSON`, { location: { file: path } });
    }
    const map = (index as { weight_map?: unknown } | null)?.weight_map;
    if (!map || typeof map !== 'object') throw new HfArchError('checkpoint-invalid', `${path} has no weight_map object`, { location: { file: path } });
    const shards = [...new Set(Object.values(map as Record<string, unknown>).map((n) => shardName(n, path)))].sort();
    if (shards.length > MAX_SHARDS) throw new HfArchError('input-too-large', `${path} names ${shards.length} shards, more than ${MAX_SHARDS}`, { location: { file: path } });
    return shards;
  }
  const shards = names.filter((n) => n.endsWith('.safetensors')).sort();
  if (shards.length === 0) {
    throw new HfArchError('checkpoint-not-found', `${dir} holds no .safetensors file and no ${INDEX}`, {
      location: { file: dir },
      hint: 'Point at the folder of a safetensors checkpoint (the files themselves, or at least their headers), or at a Hub repo id.',
    });
  }
  return shards;
}

/** One local shard's tensors: its first 8 bytes, then only its header. */
async function localHeader(path: string): Promise<StoredTensor[]> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new HfArchError('checkpoint-not-found', `cannot open ${path} (${error.code ?? error.message})`, { location: { file: path } });
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new HfArchError('checkpoint-invalid', `${path} is not a regular file`, { location: { file: path } });
    const first = Buffer.alloc(8);
    const { bytesRead } = await handle.read(first, 0, 8, 0);
    const n = headerLength(path, first.subarray(0, bytesRead), stats.size);
    const header = Buffer.alloc(n);
    await handle.read(header, 0, n, 8);
    return checkHeader(path, header.toString('utf8'), stats.size - 8 - n);
  } finally {
    await handle.close();
  }
}

/** The tensors of a local checkpoint folder. */
export async function readLocalCheckpoint(dir: string): Promise<Checkpoint> {
  const files = await localShards(dir);
  const tensors: StoredTensor[] = [];
  for (const file of files) for (const t of await localHeader(join(dir, file))) tensors.push({ ...t, file });
  return { source: dir, commit: null, files, tensors };
}

export interface HubCheckpointOptions {
  revision: string;
  endpoint: string;
  token?: string | undefined;
  fetch?: typeof fetch;
}

/** The tensors of a Hub checkpoint, read with range requests (a few KB per shard). */
export async function readHubCheckpoint(repo: string, o: HubCheckpointOptions): Promise<Checkpoint> {
  let meta: Awaited<ReturnType<typeof parseSafetensorsMetadata>>;
  try {
    meta = await parseSafetensorsMetadata({ repo, revision: o.revision, hubUrl: o.endpoint, ...(o.token ? { accessToken: o.token } : {}), ...(o.fetch ? { fetch: o.fetch } : {}) });
  } catch (error) {
    const message = (error as Error).message;
    if (/does not seem to contain safetensors/.test(message)) {
      throw new HfArchError('checkpoint-not-found', `${repo}@${o.revision} has no model.safetensors and no ${INDEX}`, { location: { file: `${repo}@${o.revision}` } });
    }
    if (/too big|too many/i.test(message)) throw new HfArchError('input-too-large', `${repo}@${o.revision}: ${message.slice(0, 300)}`, { location: { file: `${repo}@${o.revision}` } });
    throw new HfArchError('checkpoint-invalid', `${repo}@${o.revision}: ${message.slice(0, 300)}`, { location: { file: `${repo}@${o.revision}` } });
  }
  const headers = meta.sharded ? meta.headers : { 'model.safetensors': meta.header };
  const tensors: StoredTensor[] = [];
  const files = Object.keys(headers).sort();
  for (const file of files) {
    // The client parsed the JSON; check it as a local header is checked (offsets, overlaps, dtypes).
    for (const t of checkHeader(`${repo}/${file}`, JSON.stringify(headers[file]), null)) tensors.push({ ...t, file });
  }
  return { source: `${repo}@${o.revision}`, commit: null, files, tensors };
}

/** Whether a source names a local folder (a checkpoint) rather than a Hub repo. */
export const isCheckpointFolder = (source: string): Promise<boolean> => stat(source).then((s) => s.isDirectory(), () => false);

/**
 * The checkpoint of a source: a local folder, or the Hub repo at the commit its config came from
 * (so the tensors are those of the same commit as the config).
 */
export async function checkpointOfSource(source: string, at: { commit: string | null; revision: string | null }, options: HubOptions, local?: boolean): Promise<Checkpoint> {
  if (local ?? (await isCheckpointFolder(source))) return readLocalCheckpoint(source);
  const repo = source.split('@')[0]!;
  const settings = hubSettings(options);
  const revision = at.commit ?? at.revision ?? 'main';
  return { ...(await readHubCheckpoint(repo, { revision, endpoint: settings.endpoint, token: settings.token ?? undefined })), commit: at.commit };
}
