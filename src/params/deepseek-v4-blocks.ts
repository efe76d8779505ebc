/**
 * DeepSeek-V4 blocks. Tensor names and shapes follow DeepSeek's reference `inference/model.py`
 * (see fixtures/deepseek-v4-tensors.md); FP4/FP8 values are counted unpacked,
 * quantization scales are not parameters.
 */
import type { ArchDescription, Dim, LayerSpec } from '../arch/types.js';
import { dimsOf, type Draft } from './blocks.js';
import { add, mul, type Expr } from './expr.js';

/** Attention core: sinks, low-rank q, one shared KV latent, grouped low-rank output. */
export function dsv4Attention(arch: ArchDescription): Draft {
  const dim = dimsOf(arch);
  const [d, H, dh, rq, G, ro] = [dim('d'), dim('H'), dim('d_h'), dim('r_q'), dim('G'), dim('r_o')];
  return {
    id: 'attn',
    name: 'Hybrid compressed attention (MQA)',
    family: 'attention',
    shape_in: [d.value],
    shape_out: [d.value],
    parts: [
      { name: 'attn_sink', expr: mul(H) },
      { name: 'wq_a', expr: mul(rq, d) },
      { name: 'q_norm', expr: mul(rq) },
      { name: 'wq_b', expr: mul(H, dh, rq) },
      // One latent of d_h per token, shared by K and V (num_key_value_heads = 1).
      { name: 'wkv', expr: mul(dh, d) },
      { name: 'kv_norm', expr: mul(dh) },
      // [G·r_o, H·d_h/G]: G groups, each mapping H·d_h/G inputs to r_o.
      { name: 'wo_a', expr: mul(ro, H, dh) },
      { name: 'wo_b', expr: mul(d, G, ro) },
    ],
  };
}

/**
 * KV compressor of a layer with compress ratio r over latents of width h: learned position bias
 * `ape` [r, c·h], `wkv` and `wgate` [c·h, d], a norm [h]; c = 2 for the overlapping ratio 4.
 */
function compressorParts(d: Dim, ratio: number, h: Dim): { name: string; expr: Expr }[] {
  const c = ratio === 4 ? 2 : 1;
  return [
    { name: 'ape', expr: mul(ratio, c, h) },
    { name: 'wkv', expr: mul(c, h, d) },
    { name: 'wgate', expr: mul(c, h, d) },
    { name: 'norm', expr: mul(h) },
  ];
}

/**
 * DeepSeek-V4.1's compressor, on its KV-source layers only: `wkv` [h, d], `wgate` [h, d] where it
 * pools (ratio above 1; the ratio-1 compressor is a per-token projection), a norm [h]; no `ape`.
 */
function sharedCacheCompressorParts(d: Dim, ratio: number, h: Dim): { name: string; expr: Expr }[] {
  return [{ name: 'wkv', expr: mul(h, d) }, ...(ratio > 1 ? [{ name: 'wgate', expr: mul(h, d) }] : []), { name: 'norm', expr: mul(h) }];
}

export function dsv4Compressor(arch: ArchDescription, layer: LayerSpec): Draft | null {
  const ratio = layer.attention.compress_ratio ?? 0;
  if (ratio === 0 || layer.attention.compressor_shared) return null;
  const dim = dimsOf(arch);
  const d = dim('d');
  // DeepSeek-V4.1 says for every compressed layer whether it owns the compressor.
  const v41 = layer.attention.compressor_shared !== undefined;
  return {
    id: `compressor.r${ratio}`,
    name: ratio === 1 ? 'KV projection (1 per token)' : `KV compressor (1 per ${ratio} tokens)`,
    family: 'compressor',
    shape_in: [d.value],
    shape_out: [dim('d_h').value],
    parts: v41 ? sharedCacheCompressorParts(d, ratio, dim('d_h')) : compressorParts(d, ratio, dim('d_h')),
  };
}

/** Lightning indexer (ratio-4 layers): its own queries from the shared q latent, head weights,
 * and a ratio-4 compressor of index keys. */
export function dsv4Indexer(arch: ArchDescription, layer: LayerSpec): Draft | null {
  if (!layer.attention.indexer || layer.attention.indexer_shared) return null;
  const dim = dimsOf(arch);
  const [d, rq, Hi, di] = [dim('d'), dim('r_q'), dim('H_i'), dim('d_i')];
  // DeepSeek-V4.1: wq_b and weights_proj in every index-source layer; the KV sources also own the
  // index keys (wk [d_i, d_h] over the latent, k_norm [d_i]).
  if (layer.attention.index_keys !== undefined) {
    const own = layer.attention.index_keys;
    return {
      id: own ? 'indexer' : 'indexer.reads_keys',
      name: own ? 'Lightning indexer (with its index keys)' : 'Lightning indexer (reads the index keys)',
      family: 'indexer',
      shape_in: [d.value],
      shape_out: [Hi.value],
      parts: [
        { name: 'wq_b', expr: mul(Hi, di, rq) },
        { name: 'weights_proj', expr: mul(Hi, d) },
        ...(own ? [{ name: 'wk', expr: mul(di, dim('d_h')) }, { name: 'k_norm', expr: mul(di) }] : []),
      ],
    };
  }
  return {
    id: 'indexer',
    name: 'Lightning indexer',
    family: 'indexer',
    shape_in: [d.value],
    shape_out: [Hi.value],
    parts: [
      { name: 'wq_b', expr: mul(Hi, di, rq) },
      { name: 'weights_proj', expr: mul(Hi, d) },
      ...compressorParts(d, 4, di).map((p) => ({ ...p, name: `compressor.${p.name}` })),
    ],
  };
}

/**
 * DeepSeek-V4.1's Engram memory on an `engram_layer_ids` layer (`ParallelEngramEmbedding`): a
 * table of `engram_num_embeddings[k]` rows of `engram_head_dim` (looked up by n-gram hashes), and
 * `wkv` [d·(n_hc + 1), N_e·d_e] with `q_weight`, `k_weight` [n_hc, d] that weigh it into the streams.
 */
export function engramDrafts(arch: ArchDescription, layer: LayerSpec): Draft[] {
  const k = layer.engram;
  if (k === undefined) return [];
  const dim = dimsOf(arch);
  const [d, hc, R, de, Ne] = [dim('d'), dim('hc'), dim(`R_${k}`), dim('d_g'), dim('N_e')];
  return [
    { id: `engram_table.${k}`, name: `Engram table (layer ${layer.index + 1})`, family: 'embedding', shape_in: [R.value], shape_out: [de.value], parts: [{ name: 'engram.embed', expr: mul(R, de) }] },
    {
      id: 'engram',
      name: 'Engram projection and weights',
      family: 'embedding',
      shape_in: [Ne.value * de.value],
      shape_out: [d.value],
      parts: [
        { name: 'engram.wkv', expr: mul(d, add(hc, 1), Ne, de) },
        { name: 'q_weight, k_weight', expr: mul(2, hc, d) },
      ],
    },
  ];
}

/**
 * DeepSeek-V4.1's DSpark heads, stored once beside its MTP blocks: `main_proj` [d, T·d] over the
 * hidden states of the T `dspark_target_layer_ids` layers and `main_norm` [d]; the last norm [d],
 * the Markov head `markov_w1`, `markov_w2` [V, r] and `confidence_head.proj` [1, d + r].
 */
export function dsparkHeads(arch: ArchDescription): Draft[] {
  const dim = dimsOf(arch);
  const [d, T, V, r] = [dim('d'), dim('T'), dim('V'), dim('r_m')];
  return [
    { id: 'dspark_in', name: 'DSpark input projection and norm', family: 'mtp', shape_in: [T.value * d.value], shape_out: [d.value], parts: [{ name: 'main_proj', expr: mul(T, d, d) }, { name: 'main_norm', expr: mul(d) }] },
    {
      id: 'dspark_out',
      name: 'DSpark Markov and confidence heads',
      family: 'mtp',
      shape_in: [d.value],
      shape_out: [V.value],
      parts: [
        { name: 'norm', expr: mul(d) },
        { name: 'markov_w1, markov_w2', expr: mul(2, V, r) },
        { name: 'confidence_head.proj', expr: add(d, r) },
      ],
    },
  ];
}
