/**
 * KV-cache size per token of context, in bytes at bf16 (2 bytes a value), in the convention of
 * Raschka's LLM Architecture Gallery:
 * - softmax attention: K and V of every layer, `H_kv · (d_h + d_hv)` values (`d_hv` = `d_h` unless the
 *   model has a value head size of its own; each layer with its own geometry's sizes), sliding-window layers
 *   included (their cache is bounded, but the convention counts them);
 * - MLA: the compressed latent plus the shared rope key, `r_kv + d_rope` values, plus the DSA
 *   indexer's key `d_i` on layers with their own indexer (GLM-5.2), one pooled key per
 *   `index_kpool` tokens where the indexer pools them (GLM-5.3-Flash);
 * - DeepSeek-V4: one `d_h` latent per token on ratio-0 (sliding-window) layers, one per
 *   `compress_ratio` tokens on compressed layers, plus the indexer's `d_i` key per 4 tokens on
 *   ratio-4 layers; V4.1: the compressed cache only in the layers that write it (its KV sources,
 *   with their index keys), none in the layers that read it;
 * - linear-attention layers (Gated DeltaNet), whose state does not grow, and KV-shared layers
 *   (Gemma 4), which read an earlier layer's cache: none;
 * - MTP modules: not counted (they are not part of the main model's context);
 * - a looped stack (Nanbeige `num_loops`, Ouro `total_ut_steps`): once per pass.
 * The sum is rounded up to whole bytes.
 *
 * That per-token figure is the gallery's, but it overstates models whose window layers stop
 * growing (Gemma 3: 52 of 62 layers keep 1,024 tokens), so {@link kvCacheBytesAtContext} gives the
 * whole cache at a context length, each layer holding what it really keeps.
 */
import { isStateMixer } from '../arch/mixers.js';
import type { ArchDescription, LayerSpec } from '../arch/types.js';

const BYTES = 2;

/** Values cached per token by one layer, as a fraction numerator / denominator. */
/** A size of the layer's attention: its geometry's where it has one, else the model's. */
function sizeOf(arch: Pick<ArchDescription, 'dims' | 'geometries'>, layer: LayerSpec): (name: string) => number {
  const own = layer.attention.geometry === undefined ? undefined : arch.geometries?.[layer.attention.geometry]?.dims;
  return (name) => own?.[name]?.value ?? arch.dims[name]?.value ?? 0;
}

/** K and V of a softmax layer: `H_kv · (d_h + d_hv)` values (d_hv = d_h unless the model has its own value head size). */
const softmaxValues = (v: (name: string) => number, kIsV = false): number => v('H_kv') * (v('d_h') + (kIsV ? 0 : v('d_hv') || v('d_h')));

/** Keys are values on the layer (Gemma 4's global layers): one entry per KV head, not two. */
const kIsV = (arch: Pick<ArchDescription, 'geometries'>, layer: LayerSpec): boolean =>
  layer.attention.geometry !== undefined && arch.geometries?.[layer.attention.geometry]?.k_eq_v === true;

function perLayer(arch: ArchDescription, layer: LayerSpec): [number, number] {
  const v = sizeOf(arch, layer);
  // Gemma 4's KV-shared layers read an earlier layer's cache and keep none.
  if (layer.attention.kv_source !== undefined) return [0, 1];
  const kind = layer.attention.kind;
  // State mixers keep a fixed state, not a KV cache; Nemotron-H's FFN-only layers have neither.
  if (kind === 'none' || isStateMixer(kind)) return [0, 1];
  switch (kind) {
    case 'softmax':
    // ZAYA1's CCA caches keys and values of its KV heads as GQA does (the values' halves from two tokens)
    case 'cca':
      // plus the indexer's key where the layer has one (MiniMax-M3's sparse layers)
      return [softmaxValues(v, kIsV(arch, layer)) + (layer.attention.indexer ? v('d_i') : 0), 1];
    case 'mla':
      // GLM-5.3-Flash: the indexer caches one pooled key per P_i tokens beside every token's latent
      // (vLLM's Glm5NextIndexerCache: tokens_per_state = index_kpool; transformers instead keeps
      // every token's key and gate score and pools them again at each step).
      if (layer.attention.indexer && v('P_i') > 1) return [(v('r_kv') + v('d_rope')) * v('P_i') + v('d_i'), v('P_i')];
      // plus the DSA indexer's key where the layer has its own indexer; LongCat's layers hold two MLAs
      return [(v('r_kv') + v('d_rope') + (layer.attention.indexer ? v('d_i') : 0)) * attentionSublayers(arch), 1];
    case 'dsv4': {
      const r = layer.attention.compress_ratio ?? 0;
      if (r === 0) return [v('d_h'), 1];
      // DeepSeek-V4.1: a layer that reads another layer's compressed cache keeps none of its own.
      if (layer.attention.compressor_shared) return [0, 1];
      // latent per r tokens, indexer key per 4 tokens (r = 4 there; V4.1: where it owns the keys)
      return [v('d_h') + (ownsIndexKey(layer) ? v('d_i') : 0), r];
    }
  }
}

/**
 * Bytes of the whole KV cache at bf16 after `tokens` tokens of context: a softmax layer keeps
 * `min(tokens, window or chunk)` tokens (`sliding_window`, `attention_chunk_size`), MLA every
 * token's latent, DeepSeek-V4 its window (`sliding_window`) on every layer plus one entry per
 * `compress_ratio` tokens (and the indexer's key on ratio-4 layers); linear-attention layers
 * keep a fixed state, which is not a KV cache and is left out, as are MTP modules.
 */
export function kvCacheBytesAtContext(arch: Pick<ArchDescription, 'dims' | 'layers' | 'geometries' | 'loops' | 'flags'>, tokens: number): number {
  let values = 0n;
  for (const layer of arch.layers) {
    const v = sizeOf(arch, layer);
    const a = layer.attention;
    const kind = a.kind;
    if (a.kv_source !== undefined || kind === 'none' || isStateMixer(kind)) continue;
    const bounded = (limit: number | null) => BigInt(limit === null ? tokens : Math.min(tokens, limit));
    switch (kind) {
      case 'softmax':
      case 'cca':
        values += BigInt(softmaxValues(v, kIsV(arch, layer))) * bounded(a.window ?? a.chunk) + BigInt(a.indexer ? v('d_i') : 0) * BigInt(tokens);
        break;
      case 'mla':
        // GLM-5.3-Flash: one pooled indexer key per P_i tokens (the incomplete tail pool is kept in
        // a side buffer, not counted).
        if (a.indexer && v('P_i') > 1) {
          values += BigInt(v('r_kv') + v('d_rope')) * bounded(a.window) + BigInt(v('d_i')) * BigInt(Math.floor(tokens / v('P_i')));
          break;
        }
        // Motif's sliding MLA layers keep their window only.
        values += BigInt((v('r_kv') + v('d_rope') + (a.indexer ? v('d_i') : 0)) * attentionSublayers(arch)) * bounded(a.window);
        break;
      case 'dsv4': {
        const r = a.compress_ratio ?? 0;
        values += BigInt(v('d_h')) * bounded(a.window ?? (v('W') || null));
        if (r > 0 && !a.compressor_shared) values += BigInt(v('d_h') + (ownsIndexKey(layer) ? v('d_i') : 0)) * BigInt(Math.floor(tokens / r));
        break;
      }
    }
  }
  const bytes = Number(values * BigInt(BYTES) * BigInt(loopsOf(arch)));
  if (!Number.isSafeInteger(bytes)) throw new RangeError(`KV cache of ${bytes} bytes is not an exact integer`);
  return bytes;
}

export function kvCacheBytesPerToken(arch: ArchDescription): number {
  // Sum exactly: numerators by denominator first (a model has a few distinct ratios), then the
  // fractions over the least common multiple of the denominators.
  const byDenominator = new Map<number, bigint>();
  for (const layer of arch.layers) {
    const [n, d] = perLayer(arch, layer);
    byDenominator.set(d, (byDenominator.get(d) ?? 0n) + BigInt(n * BYTES) * BigInt(loopsOf(arch)));
  }
  let den = 1n;
  for (const d of byDenominator.keys()) den = (den * BigInt(d)) / gcd(den % BigInt(d), BigInt(d));
  let num = 0n;
  for (const [d, n] of byDenominator) num += n * (den / BigInt(d));
  const bytes = Number((num + den - 1n) / den);
  if (!Number.isSafeInteger(bytes)) throw new RangeError(`KV cache of ${bytes} bytes per token is not an exact integer`);
  return bytes;
}

/** Whether a DeepSeek-V4 layer caches index keys of its own: V4's indexer layers, V4.1's KV sources. */
const ownsIndexKey = (layer: LayerSpec): boolean => layer.attention.index_keys ?? (layer.attention.indexer && !layer.attention.indexer_shared);

/** Attention sub-layers per layer: two in LongCat-Flash's (its dual-sub-layer layout comes with
 * the shortcut MoE, `flags.shortcut_moe`), else one. */
const attentionSublayers = (arch: Pick<ArchDescription, 'flags'>): number => (arch.flags.shortcut_moe ? 2 : 1);

/** A looped stack (Nanbeige, Ouro) keeps a cache for each pass: the same layers, new keys and values. */
const loopsOf = (arch: Pick<ArchDescription, 'loops'>): number => arch.loops?.count ?? 1;

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
