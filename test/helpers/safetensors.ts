/**
 * safetensors files for tests: a correct header (tensors packed in order, 8-byte aligned as the
 * safetensors writer pads it) and zero data, written sparse, so a 4 GB shard costs a few KB of
 * disk. Never real weights.
 */
import { existsSync, readFileSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export interface TensorSpec {
  name: string;
  dtype: string;
  shape: number[];
}

const BITS: Record<string, number> = { BOOL: 8, U8: 8, I8: 8, F8_E4M3: 8, F8_E5M2: 8, F8_E8M0: 8, I16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32, I64: 64, F64: 64 };

/** The header JSON of these tensors (and the data size it implies). */
export function headerOf(tensors: TensorSpec[], metadata: Record<string, string> = { format: 'pt' }): { json: string; dataSize: number } {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const bytes = Math.ceil((t.shape.reduce((a, b) => a * b, 1) * BITS[t.dtype]!) / 8);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  return { json, dataSize: offset };
}

/** Writes one safetensors file: length, header, then `dataSize` bytes of zeros (a hole). */
export async function writeSafetensors(path: string, tensors: TensorSpec[], o: { header?: string; dataSize?: number } = {}): Promise<void> {
  const made = headerOf(tensors);
  const json = o.header ?? made.json;
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const file = await open(path, 'w');
  try {
    await file.write(length, 0, 8, 0);
    await file.write(Buffer.from(json), 0, Buffer.byteLength(json), 8);
    await file.truncate(8 + Buffer.byteLength(json) + (o.dataSize ?? made.dataSize));
  } finally {
    await file.close();
  }
}

/** A sharded checkpoint in `dir`: each shard's tensors, and model.safetensors.index.json. */
export async function writeShardedCheckpoint(dir: string, shards: Record<string, TensorSpec[]>): Promise<void> {
  const weightMap: Record<string, string> = {};
  for (const [file, tensors] of Object.entries(shards)) {
    await writeSafetensors(join(dir, file), tensors);
    for (const t of tensors) weightMap[t.name] = file;
  }
  await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
}

/** A real checkpoint's tensor listing (fixtures/checkpoints/*.tensors.json[.gz]): names, dtypes, shapes and shards. */
export interface Listing {
  repo: string;
  /** Where the listing comes from, and what was expanded or is unknown. */
  source: string;
  shards: string[];
  tensors: (TensorSpec & { shard: string | null })[];
}

/** Reads `fixtures/checkpoints/<name>.tensors.json`, or its gzipped form. */
export function readListing(name: string): Listing {
  const path = fileURLToPath(new URL(`../../fixtures/checkpoints/${name}.tensors.json`, import.meta.url));
  return JSON.parse(existsSync(path) ? readFileSync(path, 'utf8') : gunzipSync(readFileSync(`${path}.gz`)).toString('utf8')) as Listing;
}

/**
 * Writes a listing as the checkpoint it describes: its shards (sparse) and, with more than one,
 * model.safetensors.index.json. A tensor whose shard the listing does not know (`null`) is put in
 * a shard here, in listing order, spread evenly over all shards: that mapping is ours, not the
 * checkpoint's. Returns the shard files.
 */
export async function writeListing(dir: string, listing: Listing): Promise<string[]> {
  const unknown = listing.tensors.filter((t) => t.shard === null).length;
  const shards: Record<string, TensorSpec[]> = Object.fromEntries(listing.shards.map((s) => [s, []]));
  let i = 0;
  for (const { shard, ...t } of listing.tensors) shards[shard ?? listing.shards[Math.floor((i++ * listing.shards.length) / unknown)]!]!.push(t);
  if (listing.shards.length === 1) await writeSafetensors(join(dir, listing.shards[0]!), shards[listing.shards[0]!]!);
  else await writeShardedCheckpoint(dir, shards);
  return listing.shards;
}
