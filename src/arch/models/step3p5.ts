/**
 * Step 3.5 (`step3p5`, Step-3.5-Flash): GQA (`num_attention_groups` KV heads) with per-head
 * QK-norm and a head-wise sigmoid gate (`use_head_wise_attn_gate`: `g_proj` [H, d]); its sliding
 * layers (`layer_types`, one entry per layer and MTP module) take the sizes of
 * `attention_other_setting`; MoE on the layers of `moe_layers_enum` with one shared expert of
 * `share_expert_dim` and a router bias (`use_moe_router_bias`). MTP modules
 * (`num_nextn_predict_layers`) are dense layers behind `eh_proj`, `enorm`, `hnorm`,
 * `shared_head.norm`, each storing its own output head (`shared_head.head`).
 * Sources: vLLM `step3p5.py` and `step3p5_mtp.py` (the config class is remote code).
 */
import { LIMITS, quote, shortKey, type ConfigReader } from '../config-reader.js';
import { readFfnPlan, type MoeRecipe } from '../blocks/moe.js';
import { checkKvHeads, defaultFlags, description, noBiases, plainLayer, readCore, readTied } from '../common.js';
import type { ArchDescription, Dim, Geometry, LayerSpec } from '../types.js';

const STEP_MOE: MoeRecipe = {
  layers: { rule: 'index_list', field: 'moe_layers_enum' },
  experts: 'moe_num_experts',
  topK: 'moe_top_k',
  expertWidth: 'moe_intermediate_size',
  shared: { width: 'share_expert_dim', gate: false },
  selectionBias: { field: 'use_moe_router_bias', equals: true },
};

const TYPES = ['full_attention', 'sliding_attention'] as const;

export function describeStep3p5(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const H = r.dim('H', 'num_attention_heads', { max: LIMITS.heads });
  const Hkv = r.dim('H_{kv}', 'num_attention_groups', { max: LIMITS.heads });
  checkKvHeads(r, 'num_attention_groups', Hkv.value, 'num_attention_heads', H.value);
  const dims: Record<string, Dim> = { d, V, L, H, H_kv: Hkv, d_h: r.dim('d_{h}', 'head_dim') };
  const impl = r.strOr('att_impl_type', 'GQA');
  if (impl !== 'GQA') throw r.error('unsupported-feature', 'att_impl_type', `is ${quote(impl)}; only "GQA" is known`);
  if (r.bool('sink', false)) throw r.error('unsupported-feature', 'sink', 'is true; Step 3.5 attention sinks are not counted yet');
  const ropeLayers = r.intArray('use_rope_layers', { min: 0 }) ?? [];
  if (ropeLayers.length > 0) throw r.error('unsupported-feature', 'use_rope_layers', 'lists layers; only the empty list (RoPE everywhere) is known');
  if (!r.bool('use_moe', true)) throw r.error('unsupported-feature', 'use_moe', 'is false; a dense Step 3.5 is not known');

  const nMtp = r.intOr('num_nextn_predict_layers', 0, { min: 0, max: LIMITS.mtp });
  const types = r.strArray('layer_types', { length: L.value + nMtp, allowed: TYPES });
  if (!types) throw r.error('config-invalid-field', 'layer_types', `is required: one entry per layer and MTP module (${L.value + nMtp})`);
  const window = types.includes('sliding_attention') ? r.int('sliding_window') : null;
  const other = r.child('attention_other_setting');
  let geometries: Record<string, Geometry> | undefined;
  let otherType: string | null = null;
  if (other) {
    otherType = other.strOr('attention_type', null);
    if (otherType !== 'sliding_attention') throw other.error('unsupported-feature', 'attention_type', `is ${quote(String(otherType))}; only "sliding_attention" layers with sizes of their own are known`);
    const oh = other.dim('H', 'num_attention_heads', { max: LIMITS.heads });
    const okv = other.dim('H_{kv}', 'num_attention_groups', { max: LIMITS.heads });
    checkKvHeads(other, 'num_attention_groups', okv.value, 'num_attention_heads', oh.value);
    const odh = other.dim('d_{h}', 'head_dim');
    const trueDim = other.intOr('true_head_dim', odh.value);
    if (trueDim !== odh.value) throw other.error('unsupported-feature', 'true_head_dim', `(${trueDim}) differs from head_dim (${odh.value}); a padded head is not known`);
    geometries = { swa: { label: 'sliding-window layers', dims: { H: oh, H_kv: okv, d_h: odh } } };
    const unknown = other.unknownFields();
    if (unknown.length) throw other.error('config-unknown-fields', shortKey(unknown[0]!, other.prefix), 'is a field this tool does not understand for Step 3.5 attention');
  }

  // Partial rotary per layer (0.5 on the full layers here); the figure says "partial" when any is.
  const factors = r.get('partial_rotary_factors');
  let partial = 1;
  if (Array.isArray(factors)) {
    if (factors.length !== L.value + nMtp || factors.some((f) => typeof f !== 'number' || !(f > 0 && f <= 1))) {
      throw r.error('config-invalid-field', 'partial_rotary_factors', `must give a factor in (0, 1] for each of the ${L.value + nMtp} layers and MTP modules`);
    }
    partial = Math.min(...(factors as number[]).slice(0, L.value));
    const distinct = [...new Set(factors as number[])].sort((a, b) => a - b);
    if (distinct.length > 1) notes.push(`Rotary covers ${distinct.map((f) => `${Math.round(f * 100)}%`).join(' or ')} of each head, by layer (partial_rotary_factors).`);
  } else if (factors !== undefined && factors !== null) {
    throw r.error('config-invalid-field', 'partial_rotary_factors', 'must be a list of factors');
  }
  // Rotary bases, SwiGLU clamps, router numerics and the zero-centred norm's form: no tensors.
  r.mark('rope_theta', 'swiglu_limits', 'swiglu_limits_shared', 'yarn_only_types', 'zero_centered', 'need_fp32_gate', 'norm_expert_weight', 'moe_router_activation', 'moe_router_scaling_factor', 'moe_every_n_layer', 'moe_layer_offset', 'max_seq_len');

  const ffn = readFfnPlan(r, L.value, STEP_MOE, nMtp);
  Object.assign(dims, ffn.dims);
  const flags = defaultFlags({
    ...ffn.flags,
    tied_embeddings: readTied(r, false, notes),
    qk_norm: r.bool('use_qk_norm', false) ? 'per_head' : 'none',
    partial_rotary: partial,
    ...(r.bool('use_head_wise_attn_gate', false) ? { head_gate: 'sigmoid' as const } : {}),
  });
  const layer = (i: number): LayerSpec => {
    const l = plainLayer(i);
    if (types[i] === 'sliding_attention') {
      l.attention.window = window;
      if (otherType === 'sliding_attention') l.attention.geometry = 'swa';
    }
    if (ffn.isMoe(i)) l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  };
  const layers = Array.from({ length: L.value }, (_, i) => layer(i));
  flags.sliding_window = layers.some((l) => l.attention.window !== null);
  flags.mtp = nMtp > 0;
  const act = r.strOr('hidden_act', 'silu');
  if (act !== 'silu') throw r.error('config-invalid-field', 'hidden_act', `is ${quote(act)}; Step 3.5 FFNs are SwiGLU (silu)`);
  return description(
    r,
    { model_type: r.modelType, family: 'gqa', flags, dims, layers, activation: act, biases: noBiases(), notes },
    {
      mtp_layers: Array.from({ length: nMtp }, (_, k) => layer(L.value + k)),
      ...(geometries ? { geometries } : {}),
      // vLLM's Step3p5 MTP loads a shared_head.head per module, which the checkpoint stores.
      checkpoint: { mtp_copies: { embed: false, head: true }, unknown: null },
    },
  );
}
