/**
 * safetensors headers, checked: a file starts with the header's length (u64, little endian), then
 * that many bytes of JSON mapping each tensor to its dtype, shape and `data_offsets` in the data
 * that follows. Every header, from a local file or from the Hub, passes {@link checkHeader}
 * before anything is counted: a length past the file or above {@link MAX_HEADER_BYTES}, JSON that
 * does not parse, an unknown dtype, a negative or absurd shape, offsets that do not hold exactly
 * the tensor's bytes, leave the data, or overlap another tensor's are each a located error.
 */
import { HfArchError } from '../errors.js';

/** The largest header read (the Hub client's own limit): a larger one is refused unread. */
export const MAX_HEADER_BYTES = 25_000_000;

/** Bits per stored element of each safetensors dtype. */
export const DTYPE_BITS: ReadonlyMap<string, number> = new Map([
  ['BOOL', 8], ['U8', 8], ['I8', 8], ['F8_E5M2', 8], ['F8_E4M3', 8], ['F8_E8M0', 8],
  ['I16', 16], ['U16', 16], ['F16', 16], ['BF16', 16],
  ['I32', 32], ['U32', 32], ['F32', 32],
  ['I64', 64], ['U64', 64], ['F64', 64],
  ['F4', 4], ['F6_E2M3', 6], ['F6_E3M2', 6],
]);

/** One stored tensor. */
export interface StoredTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Stored elements (the product of the shape). */
  elements: number;
  /** The shard file that holds it. */
  file: string;
}

/** The largest element count accepted for one tensor (far above any real one). */
const MAX_ELEMENTS = 2 ** 50;

const invalid = (file: string, what: string) =>
  new HfArchError('checkpoint-invalid', `${file}: ${what}`, {
    location: { file },
    hint: 'The file is not a valid safetensors file (truncated, or not made by a safetensors writer). Download it again, or check where it came from.',
  });

/**
 * The header length a file's first 8 bytes declare, checked against the file's size (when known)
 * and {@link MAX_HEADER_BYTES}.
 */
export function headerLength(file: string, first8: Uint8Array, fileSize: number | null): number {
  if (first8.length < 8) throw invalid(file, `${first8.length} bytes, too short for a safetensors header`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n === 0n) throw invalid(file, 'the header is empty');
  if (fileSize !== null && n > BigInt(fileSize - 8)) throw invalid(file, `the header claims ${n} bytes, more than the ${fileSize - 8} bytes after its length`);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new HfArchError('input-too-large', `${file}: a safetensors header of ${n} bytes is larger than the ${MAX_HEADER_BYTES}-byte limit`, {
      location: { file },
      hint: 'Real headers are a few MB at most; this file is not one.',
    });
  }
  return Number(n);
}

/**
 * The tensors of one file's header (`__metadata__` aside), every entry checked. `dataSize` is
 * the size of the data after the header, when known (a local file, or the Hub's file size).
 */
export function checkHeader(file: string, text: string, dataSize: number | null): StoredTensor[] {
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw invalid(file, `the header is not valid JSON (${(error as Error).message.slice(0, 120)})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw invalid(file, 'the header is not a JSON object');
  const tensors: (StoredTensor & { begin: number; end: number })[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const where = `tensor "${name.slice(0, 200)}"`;
    if (!entry || typeof entry !== 'object') throw invalid(file, `${where} is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (typeof dtype !== 'string' || !DTYPE_BITS.has(dtype)) throw invalid(file, `${where} has an unknown dtype ${JSON.stringify(dtype)?.slice(0, 40)}`);
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      throw invalid(file, `${where} has an invalid shape ${JSON.stringify(shape)?.slice(0, 80)} (at most 8 whole dimensions ≥ 0)`);
    }
    let elements = 1;
    for (const d of shape as number[]) {
      elements *= d;
      if (elements > MAX_ELEMENTS) throw invalid(file, `${where} has an absurd shape ${JSON.stringify(shape)} (more than 2^50 elements)`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
      throw invalid(file, `${where} has invalid data_offsets ${JSON.stringify(offsets)?.slice(0, 80)}`);
    }
    const [begin, end] = offsets as [number, number];
    const bytes = (elements * DTYPE_BITS.get(dtype)!) / 8;
    if (end - begin !== Math.ceil(bytes)) throw invalid(file, `${where}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but ${dtype} ${JSON.stringify(shape)} needs ${Math.ceil(bytes)}`);
    if (dataSize !== null && end > dataSize) throw invalid(file, `${where}: data_offsets end at ${end}, past the ${dataSize} bytes of data`);
    tensors.push({ name, dtype, shape: shape as number[], elements, file, begin, end });
  }
  // No two tensors share bytes.
  const byBegin = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < byBegin.length; i++) {
    const [a, b] = [byBegin[i - 1]!, byBegin[i]!];
    if (b.begin < a.end) throw invalid(file, `tensors "${a.name.slice(0, 100)}" and "${b.name.slice(0, 100)}" overlap (bytes ${b.begin}–${Math.min(a.end, b.end)})`);
  }
  return tensors.map(({ begin: _b, end: _e, ...t }) => t);
}
