/**
 * Ling 2.5 (`bailing_hybrid`, BailingMoeV2_5Config; vLLM's bailing_moe_v2_5.py and the
 * transformers port): lightning attention on most layers and MLA on the last layer of every group
 * of `layer_group_size` (and on a tail beyond the last whole group), a DeepSeek-style MoE behind
 * `first_k_dense_replace` dense layers. The lightning layer (BailingMoeV2_5LinearAttention): one
 * fused `query_key_value` [3·H·d_h, d], per-head q and k RMSNorms (`use_qk_norm`), partial
 * rotary positions, a fixed decay per head (`slope`, not stored), the group RMSNorm `g_norm`
 * [H·d_h] (`group_norm_size` groups), a sigmoid gate `g_proj` [H·d_h, d], `dense` [d, H·d_h].
 */
import { LIMITS, type ConfigReader } from '../config-reader.js';
import { readFfnPlan, type MoeRecipe } from '../blocks/moe.js';
import { defaultFlags, description, noBiases, plainLayer, readCore } from '../common.js';
import type { ArchDescription, Dim } from '../types.js';
import { readMlaDims } from './deepseek.js';

const MOE: MoeRecipe = {
  layers: { rule: 'dense_prefix', field: 'first_k_dense_replace' },
  experts: 'num_experts',
  topK: 'num_experts_per_tok',
  expertWidth: 'moe_intermediate_size',
  shared: { width: 'moe_shared_expert_intermediate_size', gate: false },
  selectionBias: { field: 'moe_router_enable_expert_bias', equals: true },
};

export function describeBailingHybrid(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const H = r.dim('H', 'num_attention_heads', { max: LIMITS.heads });
  const dims: Record<string, Dim> = { d, V, L, H, ...readMlaDims(r, notes) };
  const qkHead = r.intOr('qk_head_dim', null);
  if (qkHead !== null && qkHead !== dims['d_nope']!.value + dims['d_rope']!.value) throw r.error('config-inconsistent', 'qk_head_dim', `is ${qkHead}, but qk_nope_head_dim + qk_rope_head_dim is ${dims['d_nope']!.value + dims['d_rope']!.value}`);
  // The lightning layers: H heads of head_dim; their K and V heads must be the query heads (the
  // code that would size them otherwise is not known here).
  dims['d_h'] = r.dim('d_{h}', 'head_dim', { max: LIMITS.width });
  for (const f of ['num_kv_heads_for_linear_attn', 'num_key_value_heads']) {
    const kv = r.intOr(f, H.value);
    if (kv !== H.value) throw r.error('unsupported-feature', f, `is ${kv}; only lightning layers with as many key and value heads as query heads (${H.value}) are known`);
  }
  dims['G_n'] = r.dim('G_{n}', 'group_norm_size', { max: LIMITS.heads });
  for (const f of ['use_bias', 'use_qkv_bias', 'linear_silu']) {
    if (r.bool(f, false)) throw r.error('unsupported-feature', f, 'is true; only Ling 2.5 without it is known');
  }
  const qkNorm = r.bool('use_qk_norm', false);
  const group = r.int('layer_group_size', { max: LIMITS.layers });
  // Rotary on part of each lightning head (rotary_dim) and on MLA's rope slice: no parameters.
  r.mark('rotary_dim', 'partial_rotary_factor', 'rope_interleave', 'max_window_layers', 'router_dtype', 'score_function', 'scoring_func', 'seq_aux', 'topk_method', 'embedding_dropout', 'output_dropout', 'mtp_loss_scaling_factor');
  r.intOr('num_nextn_predict_layers', 0, { min: 0, max: 0 });
  const act = r.strOr('hidden_act', 'silu');
  if (act !== 'silu') throw r.error('config-invalid-field', 'hidden_act', `is "${act}"; Ling's MLPs and experts are SwiGLU`);
  r.requirePresent('first_k_dense_replace', 'write how many leading layers use a dense FFN (0 for none)');
  const shared = r.intOr('num_shared_experts', 0, { min: 0 });
  if (shared > 1) throw r.error('unsupported-feature', 'num_shared_experts', `is ${shared}; only one shared expert is known`);
  const ffn = readFfnPlan(r, L.value, shared === 0 ? { ...MOE, shared: undefined } : MOE);
  if (shared === 0) r.mark('moe_shared_expert_intermediate_size');
  Object.assign(dims, ffn.dims);
  // BailingMoeV2_5: MLA on the last layer of each group and on the tail past the last whole group.
  const tail = Math.floor(L.value / group) * group;
  const layers = Array.from({ length: L.value }, (_, i) => {
    const mla = (i + 1) % group === 0 || i >= tail;
    const l = plainLayer(i, mla ? { kind: 'mla' } : { kind: 'lightning' });
    if (ffn.isMoe(i)) l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  });
  const n = layers.filter((l) => l.attention.kind === 'lightning').length;
  notes.push(`${n} of ${L.value} layers are lightning attention (a fixed decay per head, a state of ${dims['d_h'].value} × ${dims['d_h'].value} per head, no KV cache; partial rotary positions); the other ${L.value - n} are MLA.`);
  return description(r, {
    model_type: r.modelType,
    family: 'mla',
    flags: defaultFlags({
      ...ffn.flags,
      tied_embeddings: r.bool('tie_word_embeddings', false),
      linear_attention_hybrid: n > 0,
      partial_rotary: dims['d_rope']!.value / (dims['d_rope']!.value + dims['d_nope']!.value),
      ...(qkNorm ? { qk_norm: 'per_head' as const } : {}),
    }),
    dims,
    layers,
    activation: act,
    biases: noBiases(),
    notes,
  });
}
