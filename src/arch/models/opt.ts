/**
 * OPT: learned positions with 2 extra rows (positions are offset by 2), LayerNorm with bias,
 * biased q/k/v/o and a ReLU MLP, optional projection between word embedding and model width.
 */
import type { ConfigReader } from '../config-reader.js';
import { defaultFlags, derivedDim, description, noBiases, plainLayer, readCore, readTied, widthPerHead } from '../common.js';
import { LIMITS } from '../config-reader.js';
import type { ArchDescription } from '../types.js';

export function describeOpt(r: ConfigReader): ArchDescription {
  const notes: string[] = ['OPT offsets positions by 2: the position table has max_position_embeddings + 2 rows.'];
  const { d, V, L } = readCore(r);
  // OPT has no head_dim or KV-head fields: heads split the width evenly.
  const H = r.dim('H', 'num_attention_heads', { max: LIMITS.heads });
  const dh = widthPerHead(r, d, H, 'num_attention_heads');
  const dff = r.dim('d_{ff}', 'ffn_dim');
  const P = r.dim('P', 'max_position_embeddings');
  const proj = r.intOr('word_embed_proj_dim', d.value);
  const preNorm = r.bool('do_layer_norm_before', true);
  const bias = r.bool('enable_bias', true);
  if (!r.bool('layer_norm_elementwise_affine', true)) {
    throw r.error('unsupported-feature', 'layer_norm_elementwise_affine', 'is false; this tool only counts OPT with affine LayerNorms');
  }
  const removeFinal = r.bool('_remove_final_layer_norm', false);
  if (removeFinal && preNorm) notes.push('The final LayerNorm is removed (_remove_final_layer_norm).');
  const dims: ArchDescription['dims'] = { d, V, L, H, H_kv: derivedDim('H_{kv}', H.value, `${r.path('num_attention_heads')} (MHA)`), d_h: dh, d_ff: dff, P };
  if (proj !== d.value) {
    dims['d_emb'] = r.dim('d_{emb}', 'word_embed_proj_dim');
    notes.push('Word embeddings are narrower than the model: project_in and project_out map between them.');
  }
  if (!preNorm) notes.push('do_layer_norm_before is false: LayerNorms follow each sub-layer (post-norm) and there is no final LayerNorm.');
  return description(
    r,
    {
      model_type: 'opt',
      family: 'mha',
      flags: defaultFlags({
        tied_embeddings: readTied(r, true, notes),
        norm_kind: 'layernorm',
        norm_placement: preNorm ? 'pre' : 'post',
        ffn_kind: 'mlp',
        ffn_bias: bias,
        attention_bias: bias,
        learned_positions: true,
      }),
      dims,
      layers: Array.from({ length: L.value }, (_, i) => plainLayer(i, { rope: false })),
      activation: r.strOr('activation_function', 'relu'),
      biases: noBiases({ qkv: bias, o: bias, ffn: bias, norm: true }),
      notes,
    },
    {
      max_position_embeddings: P.value,
      position_offset: 2,
      final_norm: preNorm && !removeFinal,
    },
  );
}
