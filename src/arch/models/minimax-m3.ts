/**
 * MiniMax-M3 (the text decoder of `minimax_m3_vl`, whose `text_config` names no model_type): GQA
 * with per-head QK-norm and partial rotary, a block-sparse attention indexer on the layers
 * `sparse_attention_config.sparse_attention_freq` marks (`index_q_proj` [H_i·d_i, d],
 * `index_k_proj` [d_i, d], `index_q_norm`, `index_k_norm` [d_i]), MoE by a per-layer
 * `moe_layer_freq` list with `n_shared_experts` of `shared_intermediate_size` and a routing bias,
 * dense layers of `dense_intermediate_size`. Tensor shapes: the full MiniMax-M3 listing (the
 * configuration class is remote code that was not found).
 */
import { LIMITS, quote, shortKey, type ConfigReader } from '../config-reader.js';
import { readFfnPlan, type MoeRecipe } from '../blocks/moe.js';
import { checkKvHeads, defaultFlags, description, noBiases, plainLayer, readCore, readTied } from '../common.js';
import type { ArchDescription, Dim } from '../types.js';

const M3_MOE: MoeRecipe = {
  layers: { rule: 'flag_list', field: 'moe_layer_freq', mtp: false },
  experts: 'num_local_experts',
  topK: 'num_experts_per_tok',
  expertWidth: 'intermediate_size',
  denseWidth: 'dense_intermediate_size',
  shared: { count: 'n_shared_experts' },
  selectionBias: { field: 'use_routing_bias', equals: true },
};

export function describeMiniMaxM3(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const H = r.dim('H', 'num_attention_heads', { max: LIMITS.heads });
  const Hkv = r.dim('H_{kv}', 'num_key_value_heads', { max: LIMITS.heads });
  checkKvHeads(r, 'num_key_value_heads', Hkv.value, 'num_attention_heads', H.value);
  const dh = r.dim('d_{h}', 'head_dim');
  const dims: Record<string, Dim> = { d, V, L, H, H_kv: Hkv, d_h: dh };
  if (r.bool('attention_output_gate', false)) throw r.error('unsupported-feature', 'attention_output_gate', 'is true; a gated MiniMax-M3 attention is not known');
  const act = r.strOr('hidden_act', 'silu');
  if (act !== 'silu' && act !== 'swigluoai') throw r.error('config-invalid-field', 'hidden_act', `is ${quote(act)}; known for MiniMax-M3: silu, swigluoai`);
  // Rotary over rotary_dim of each head (partial_rotary_factor says the same).
  const rotary = r.intOr('rotary_dim', dh.value);
  const factor = r.numberOr('partial_rotary_factor', rotary / dh.value);
  if (rotary > dh.value || Math.abs(factor - rotary / dh.value) > 1e-9) throw r.error('config-inconsistent', 'rotary_dim', `(${rotary}) and partial_rotary_factor (${factor}) disagree for head_dim ${dh.value}`);
  let qk: 'none' | 'per_head' | 'full' = 'none';
  if (r.bool('use_qk_norm', false)) {
    const type = r.strOr('qk_norm_type', 'per_head');
    if (type !== 'per_head' && type !== 'per_layer') throw r.error('config-invalid-field', 'qk_norm_type', `is ${quote(type)}; known: per_head, per_layer`);
    qk = type === 'per_head' ? 'per_head' : 'full';
  }
  const sharedWidth = r.intOr('shared_intermediate_size', null);
  const expertWidth = r.intOr('intermediate_size', null);
  if (sharedWidth !== null && expertWidth !== null && sharedWidth !== expertWidth) {
    throw r.error('unsupported-feature', 'shared_intermediate_size', `(${sharedWidth}) differs from the expert width intermediate_size (${expertWidth}); such shared experts are not counted yet`);
  }

  const ffn = readFfnPlan(r, L.value, M3_MOE);
  Object.assign(dims, ffn.dims);
  const sparse = readSparseAttention(r, L.value, dims);

  // Gemma-style (1 + w) norms, the SwiGLU clamp and routing scales: the same tensors.
  r.mark('use_gemma_norm', 'swiglu_alpha', 'scoring_func');
  const mtp = Math.max(r.intOr('num_mtp_modules', 0, { min: 0, max: LIMITS.mtp }), r.intOr('num_nextn_predict_layers', 0, { min: 0, max: LIMITS.mtp }));
  if (mtp > 0) notes.push('The config declares MTP modules (num_mtp_modules, num_nextn_predict_layers), but the released checkpoint stores none: not counted.');

  const flags = defaultFlags({
    ...ffn.flags,
    tied_embeddings: readTied(r, false, notes),
    qk_norm: qk,
    partial_rotary: rotary / dh.value,
    indexer: sparse.some(Boolean),
  });
  const layers = Array.from({ length: L.value }, (_, i) => {
    const l = plainLayer(i);
    l.attention.indexer = sparse[i]!;
    if (ffn.isMoe(i)) l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  });
  return description(r, { model_type: r.modelType, family: 'gqa', flags, dims, layers, activation: act, biases: noBiases(), notes });
}

/**
 * `sparse_attention_config`: which layers attend to the top-k blocks their indexer picks
 * (`sparse_attention_freq[i]` 1) and the indexer's sizes. The block sizes and scoring are
 * runtime settings.
 */
function readSparseAttention(r: ConfigReader, L: number, dims: Record<string, Dim>): boolean[] {
  const s = r.child('sparse_attention_config');
  if (!s || !s.bool('use_sparse_attention', false)) {
    if (s) for (const k of Object.keys(s.raw)) s.mark(k);
    return Array.from({ length: L }, () => false);
  }
  const freq = s.intArray('sparse_attention_freq', { length: L, min: 0, max: 1 });
  if (!freq) throw s.error('config-invalid-field', 'sparse_attention_freq', `is required: 1 (sparse, with an indexer) or 0 for each of the ${L} layers`);
  dims['H_i'] = s.dim('H_{i}', 'sparse_num_index_heads');
  dims['d_i'] = s.dim('d_{i}', 'sparse_index_dim');
  s.mark('sparse_topk_blocks', 'sparse_block_size', 'sparse_disable_index_value', 'sparse_score_type', 'sparse_init_block', 'sparse_local_block');
  const unknown = s.unknownFields();
  if (unknown.length) throw s.error('config-unknown-fields', shortKey(unknown[0]!, s.prefix), 'is a field this tool does not understand for MiniMax-M3 sparse attention');
  return freq.map((f) => f === 1);
}
