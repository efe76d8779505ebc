/**
 * DeepSeek-V4 blocks. Tensor names and shapes follow DeepSeek's reference `inference/model.py`
 * (see fixtures/deepseek-v4-tensors.md); FP4/FP8 values are counted unpacked,
 * quantization scales are not parameters.
 */
import type { ArchDescription, Dim, LayerSpec } from '../arch/types.js';
import { dimsOf, type Draft } from './blocks.js';
import { mul, type Expr } from './expr.js';

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

export function dsv4Compressor(arch: ArchDescription, layer: LayerSpec): Draft | null {
  const ratio = layer.attention.compress_ratio ?? 0;
  if (ratio === 0) return null;
  const dim = dimsOf(arch);
  const d = dim('d');
  return {
    id: `compressor.r${ratio}`,
    name: `KV compressor (1 per ${ratio} tokens)`,
    family: 'compressor',
    shape_in: [d.value],
    shape_out: [dim('d_h').value],
    parts: compressorParts(d, ratio, dim('d_h')),
  };
}

/** Lightning indexer (ratio-4 layers): its own queries from the shared q latent, head weights,
 * and a ratio-4 compressor of index keys. */
export function dsv4Indexer(arch: ArchDescription, layer: LayerSpec): Draft | null {
  if (!layer.attention.indexer) return null;
  const dim = dimsOf(arch);
  const [d, rq, Hi, di] = [dim('d'), dim('r_q'), dim('H_i'), dim('d_i')];
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
