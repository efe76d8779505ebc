/**
 * KV-cache size per token of context, in bytes at bf16 (2 bytes a value), in the convention of
 * Raschka's LLM Architecture Gallery:
 * - softmax attention: K and V of every layer, `2 · H_kv · d_h` values, sliding-window layers
 *   included (their cache is bounded, but the convention counts them);
 * - MLA: the compressed latent plus the shared rope key, `r_kv + d_rope` values;
 * - DeepSeek-V4: one `d_h` latent per token on ratio-0 (sliding-window) layers, one per
 *   `compress_ratio` tokens on compressed layers, plus the indexer's `d_i` key per 4 tokens on
 *   ratio-4 layers;
 * - linear-attention layers (Gated DeltaNet), whose state does not grow: none;
 * - MTP modules: not counted (they are not part of the main model's context).
 * The sum is rounded up to whole bytes.
 */
import type { ArchDescription, LayerSpec } from '../arch/types.js';

const BYTES = 2;

/** Values cached per token by one layer, as a fraction numerator / denominator. */
function perLayer(arch: ArchDescription, layer: LayerSpec): [number, number] {
  const v = (name: string) => arch.dims[name]?.value ?? 0;
  switch (layer.attention.kind) {
    case 'softmax':
      return [2 * v('H_kv') * v('d_h'), 1];
    case 'mla':
      return [v('r_kv') + v('d_rope'), 1];
    case 'gated_deltanet':
      return [0, 1];
    case 'dsv4': {
      const r = layer.attention.compress_ratio ?? 0;
      if (r === 0) return [v('d_h'), 1];
      // latent per r tokens, indexer key per 4 tokens (r = 4 there)
      return [v('d_h') + (layer.attention.indexer ? v('d_i') : 0), r];
    }
  }
}

export function kvCacheBytesPerToken(arch: ArchDescription): number {
  // Sum fractions exactly over a common denominator (the product of distinct ratios stays small).
  let num = 0n;
  let den = 1n;
  for (const layer of arch.layers) {
    const [n, d] = perLayer(arch, layer);
    const bn = BigInt(n * BYTES);
    const bd = BigInt(d);
    num = num * bd + bn * den;
    den *= bd;
    const g = gcd(num, den);
    num /= g;
    den /= g;
  }
  return Number((num + den - 1n) / den);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a === 0n ? 1n : a;
}
