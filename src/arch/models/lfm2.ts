/**
 * LFM2 and LFM2-MoE (`lfm2`, `lfm2_moe`; Lfm2Config, modeling_lfm2.py): layers of two kinds by
 * `layer_types`: gated short convolutions (`conv`: Lfm2ShortConv, kernel `conv_L_cache`) and GQA
 * with per-head q/k norms (`full_attention`); pre-norm (`operator_norm`, `ffn_norm`), SwiGLU
 * (`w1`, `w3`, `w2`), a final norm (`embedding_norm`), tied embeddings (`tie_embedding`).
 * LFM2's MLP width is `intermediate_size` adjusted with `block_auto_adjust_ff_dim`: two thirds of
 * it, times `block_ffn_dim_multiplier`, rounded up to `block_multiple_of` (Lfm2MLP). LFM2-MoE:
 * `num_dense_layers` dense layers of `intermediate_size`, then MoE of `num_experts` experts of
 * `moe_intermediate_size` with a selection bias (`use_expert_bias`).
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { readFfnPlan, type MoeRecipe } from '../blocks/moe.js';
import { defaultFlags, derivedDim, description, noBiases, plainLayer, readCore, readHeads } from '../common.js';
import type { ArchDescription, Dim } from '../types.js';

const LFM2_MOE: MoeRecipe = {
  layers: { rule: 'dense_prefix', field: 'num_dense_layers', fallback: 0 },
  experts: 'num_experts',
  topK: 'num_experts_per_tok',
  expertWidth: 'moe_intermediate_size',
  selectionBias: { field: 'use_expert_bias', equals: true },
};

/** LFM2's MLP width: Lfm2MLP's adjustment of `intermediate_size` (or `block_ff_dim`). */
function lfm2Width(r: ConfigReader): Dim {
  const field = r.has('intermediate_size') ? 'intermediate_size' : 'block_ff_dim';
  const ff = r.int(field, { max: LIMITS.width * 16 });
  if (r.has('block_ff_dim') && r.int('block_ff_dim') !== ff) throw r.error('config-inconsistent', 'block_ff_dim', `(${r.int('block_ff_dim')}) differs from intermediate_size (${ff})`);
  if (!r.bool('block_auto_adjust_ff_dim', true)) {
    r.mark('block_ffn_dim_multiplier', 'block_multiple_of');
    return r.dim('d_{ff}', field);
  }
  // transformers: int(2·ff / 3), then, with a multiplier, int(multiplier · ·) rounded up to the multiple.
  let width = Math.trunc((2 * ff) / 3);
  const multiplier = r.numberOr('block_ffn_dim_multiplier', null);
  const multiple = r.intOr('block_multiple_of', 256, { min: 1 });
  let how = `2/3 of ${r.path(field)}`;
  if (multiplier !== null) {
    if (!(multiplier > 0 && multiplier <= 16)) throw r.error('config-invalid-field', 'block_ffn_dim_multiplier', `is ${multiplier}; a factor in (0, 16] is expected`);
    width = Math.trunc(multiplier * width);
    width = multiple * Math.ceil(width / multiple);
    how += `, × ${r.path('block_ffn_dim_multiplier')}, rounded up to ${r.path('block_multiple_of')}`;
  }
  return derivedDim('d_{ff}', width, `${how} (block_auto_adjust_ff_dim)`);
}

export function describeLfm2(r: ConfigReader, options: { moe: boolean }): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const { H, Hkv, dh } = readHeads(r, d, { headDimDerived: true });
  for (const [field, same] of [['block_dim', d.value], ['conv_dim', d.value], ['num_heads', H.value]] as const) {
    const v = r.intOr(field, same);
    if (v !== same) throw r.error('config-inconsistent', field, `(${v}) differs from ${field === 'num_heads' ? 'num_attention_heads' : 'hidden_size'} (${same})`);
  }
  const types = r.strArray('layer_types', { length: L.value, allowed: ['conv', 'full_attention'] });
  if (!types) throw r.error('config-invalid-field', 'layer_types', 'is required: "conv" or "full_attention" for each layer');
  if (!r.bool('use_pos_enc', true)) throw r.error('unsupported-feature', 'use_pos_enc', 'is false; LFM2 without rotary positions is not known');
  if (options.moe && r.present('block_use_swiglu') && !r.bool('block_use_swiglu', true)) throw r.error('unsupported-feature', 'block_use_swiglu', 'is false; only SwiGLU MLPs are known');
  if (!options.moe && !r.bool('block_use_swiglu', true)) throw r.error('unsupported-feature', 'block_use_swiglu', 'is false; only SwiGLU MLPs are known');
  if (r.bool('conv_bias', false)) throw r.error('unsupported-feature', 'conv_bias', 'is true; LFM2 convolutions with biases are not counted yet');
  const dims: Record<string, Dim> = { d, V, L, H, H_kv: Hkv, d_h: dh, K_c: r.dim('K_{c}', 'conv_L_cache', { max: 64 }) };
  // Initialisation, norms' epsilons and the router's scaling: no tensors.
  r.mark('block_mlp_init_scale', 'block_out_init_scale', 'block_use_xavier_init', 'conv_use_xavier_init', 'block_norm_eps', 'norm_eps', 'routed_scaling_factor', 'norm_topk_prob');

  let ffn;
  if (options.moe) {
    ffn = readFfnPlan(r, L.value, LFM2_MOE);
    Object.assign(dims, ffn.dims);
  } else {
    ffn = readFfnPlan(r, L.value, null);
    r.mark('intermediate_size');
    dims['d_ff'] = lfm2Width(r);
  }
  // Lfm2Config names it tie_embedding; transformers 5 writes tie_word_embeddings.
  const tieField = r.has('tie_word_embeddings') || !r.has('tie_embedding') ? 'tie_word_embeddings' : 'tie_embedding';
  const tied = r.bool(tieField, true);
  if (r.has('tie_embedding') && r.has('tie_word_embeddings') && r.bool('tie_embedding', true) !== tied) throw r.error('config-inconsistent', 'tie_embedding', 'disagrees with tie_word_embeddings');
  r.mark('tie_embedding');
  const layers = types.map((t, i) => {
    const l = plainLayer(i);
    if (t === 'conv') {
      l.attention.kind = 'short_conv';
      l.attention.rope = false;
    }
    if (ffn.isMoe(i)) l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  });
  const convs = types.filter((t) => t === 'conv').length;
  notes.push(`${convs} of ${L.value} layers are gated short convolutions (${dims['K_c']!.value} taps, a fixed state instead of a KV cache); the other ${L.value - convs} are attention.`);
  if (!options.moe && dims['d_ff']!.derived) notes.push(`The MLP width is ${dims['d_ff']!.value}, adjusted from intermediate_size as Lfm2MLP does (block_auto_adjust_ff_dim).`);
  const act = r.strOr('hidden_act', 'silu');
  if (act !== 'silu') throw r.error('config-invalid-field', 'hidden_act', `is ${quote(act)}; LFM2 MLPs are SwiGLU`);
  return description(r, {
    model_type: r.modelType,
    family: Hkv.value === H.value ? 'mha' : 'gqa',
    flags: defaultFlags({ ...ffn.flags, tied_embeddings: tied, qk_norm: 'per_head', linear_attention_hybrid: true }),
    dims,
    layers,
    activation: act,
    biases: noBiases(),
    notes,
  });
}
