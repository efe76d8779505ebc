/**
 * Inkling (`inkling_mm_model`, whose `text_config` names no type; InklingTextConfig): GQA with
 * learned relative-position logits (`r_proj` [H·d_rel, d] and `rel_logits_proj` [d_rel, extent],
 * the extent `rel_extent` on full layers and `sliding_window_size` on the `local_layer_ids`
 * layers), depthwise short convolutions on K and V and after the attention and the MLP
 * (`k_sconv`, `v_sconv`, `attn_sconv`, `mlp_sconv`, kernel `sconv_kernel_size`), sliding layers
 * with a geometry of their own (`swa_*`), dense MLPs of `dense_intermediate_size` on the first
 * `dense_mlp_idx` layers, then MoE whose router also scores the `n_shared_experts` shared experts
 * (`shared_expert_sink`), a scalar `global_scale` in each router and dense MLP, a norm after the
 * embedding. The wrapper's `mtp_config` declares `num_nextn_predict_layers` MTP depths, each one
 * layer with a dense MLP (sliding where its `local_layer_ids` says) and an input projection.
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { readFfnPlan, type MoeRecipe } from '../blocks/moe.js';
import { checkKvHeads, defaultFlags, description, noBiases, plainLayer, readCore, readTied } from '../common.js';
import type { ArchDescription, Dim, LayerSpec } from '../types.js';

/** Dense MLPs first (`dense_mlp_idx`), then MoE on every layer; the selection bias by `use_gate_bias`. */
const INKLING_MOE: MoeRecipe = {
  layers: { rule: 'dense_prefix', field: 'dense_mlp_idx' },
  experts: 'n_routed_experts',
  topK: 'num_experts_per_tok',
  expertWidth: 'moe_intermediate_size',
  denseWidth: 'dense_intermediate_size',
  shared: { count: 'n_shared_experts' },
  selectionBias: { field: 'use_gate_bias', equals: true },
};

/** Heads, KV heads and head size of one layer type, from `prefix`ed fields (`swa_`) or the model's. */
function geometry(r: ConfigReader, prefix: '' | 'swa_'): Record<string, Dim> {
  const H = r.dim('H', `${prefix}num_attention_heads`, { max: LIMITS.heads });
  const Hkv = r.dim('H_{kv}', `${prefix}num_key_value_heads`, { max: LIMITS.heads });
  checkKvHeads(r, `${prefix}num_key_value_heads`, Hkv.value, `${prefix}num_attention_heads`, H.value);
  return { H, H_kv: Hkv, d_h: r.dim('d_{h}', `${prefix}head_dim`) };
}

/** Layer ids in `field` (each once, below `n`), as a set. */
function idSet(r: ConfigReader, field: string, n: number): Set<number> {
  const ids = r.intArray(field, { min: 0, max: n - 1, maxLength: n }) ?? [];
  const set = new Set(ids);
  if (set.size !== ids.length) throw r.error('config-invalid-field', field, 'lists a layer twice');
  return set;
}

export function describeInkling(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const full = geometry(r, '');
  const swa = geometry(r, 'swa_');
  const window = r.dim('X', 'sliding_window_size');
  full['X'] = r.dim('X', 'rel_extent');
  swa['X'] = window;
  const dims: Record<string, Dim> = { d, V, L, ...full, d_rel: r.dim('d_{rel}', 'd_rel') };
  const local = idSet(r, 'local_layer_ids', L.value);

  const shortConvs = r.bool('use_sconv', true);
  if (shortConvs) dims['K'] = r.has('sconv_kernel_size') || !r.has('conv_kernel_size') ? r.dim('K', 'sconv_kernel_size') : r.dim('K', 'conv_kernel_size');
  else r.mark('sconv_kernel_size', 'conv_kernel_size');
  for (const field of ['q_bias', 'o_bias'] as const) {
    if (r.bool(field, false)) throw r.error('unsupported-feature', field, 'is true; Inkling projections with biases are not known');
  }
  const cap = r.get('final_logit_softcapping');
  if (cap !== undefined && cap !== null) throw r.error('unsupported-feature', 'final_logit_softcapping', `is ${JSON.stringify(cap)}; only null (no cap) is known for Inkling`);
  const gate = r.strOr('gate_activation', 'sigmoid');
  if (gate !== 'sigmoid') throw r.error('unsupported-feature', 'gate_activation', `is ${quote(gate)}; only "sigmoid" router scores are known`);
  // Router and logit scalings, the unpadded vocabulary (a slice of the logits): no tensors.
  r.mark('norm_after_topk', 'route_scale', 'log_scaling_alpha', 'log_scaling_n_floor', 'logits_mup_width_multiplier', 'unpadded_vocab_size');
  // InklingTextConfig overwrites intermediate_size with dense_intermediate_size; the experts are
  // moe_intermediate_size wide (the recipe's default, 3072, when absent).
  r.mark('intermediate_size');

  const mtpConfig = r.wrapper?.child('mtp_config') ?? null;
  const nMtp = mtpConfig ? mtpConfig.intOr('num_nextn_predict_layers', 0, { min: 0, max: LIMITS.mtp }) : 0;
  const mtpLocal = mtpConfig ? idSet(mtpConfig, 'local_layer_ids', Math.max(nMtp, 1)) : new Set<number>();
  if (mtpConfig?.bool('chain_hidden_post_norm', false)) throw mtpConfig.error('unsupported-feature', 'chain_hidden_post_norm', 'is true; the chain norm of older Inkling checkpoints is not counted');
  // unknownFields() gives full paths; error() adds the reader's prefix again.
  for (const f of mtpConfig?.unknownFields() ?? []) throw mtpConfig!.error('config-unknown-fields', f.slice(mtpConfig!.prefix.length + 1), 'is not understood in the MTP settings; it may change the MTP blocks');

  // The MTP depths have dense MLPs even when every main layer is MoE (dense_mlp_idx 0).
  const ffn = readFfnPlan(r, L.value, INKLING_MOE, nMtp, 'dense');
  Object.assign(dims, ffn.dims);
  if (!ffn.flags.moe) throw r.error('unsupported-feature', 'n_routed_experts', 'is 0 or absent; a dense Inkling is not known');
  const flags = defaultFlags({
    ...ffn.flags,
    tied_embeddings: readTied(r, false, notes),
    mtp: nMtp > 0,
    qk_norm: 'per_head',
    sliding_window: local.size > 0,
    relative_logits: true,
    short_convs: shortConvs,
    global_scale: r.bool('use_global_scale', true),
    embed_norm: r.bool('use_embed_norm', true),
    // The router's rows for the shared experts exist only where there are shared experts.
    shared_expert_router_rows: r.bool('shared_expert_sink', true) && ffn.flags.shared_experts === true,
  });
  const layer = (i: number, sliding: boolean, moe: boolean): LayerSpec => {
    const l = plainLayer(i);
    if (sliding) {
      l.attention.window = window.value;
      l.attention.geometry = 'swa';
    }
    if (moe) l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  };
  const layers = Array.from({ length: L.value }, (_, i) => layer(i, local.has(i), ffn.isMoe(i)));
  // TokenSpeed's inkling_mtp: each depth is a layer with a dense MLP; no copy of embedding or head.
  const mtpLayers = Array.from({ length: nMtp }, (_, k) => layer(L.value + k, mtpLocal.has(k), false));
  notes.push(`Attention adds learned relative-position logits (r_proj, rel_logits_proj over ${full['X']!.value} positions in full layers and ${window.value} in the ${local.size} sliding ones)${shortConvs ? `; K, V and the outputs of attention and MLP pass short depthwise convolutions of ${dims['K']!.value} taps` : ''}.`);
  if (flags.shared_expert_router_rows) notes.push(`The router scores the ${dims['n_s']?.value ?? 0} shared experts too (shared_expert_sink): gate.weight has E + n_s rows.`);
  return description(
    r,
    { model_type: r.modelType, family: 'gqa', flags, dims, layers, activation: 'silu', biases: noBiases(), notes },
    {
      geometries: { swa: { label: 'sliding-window layers', dims: swa } },
      mtp_layers: mtpLayers,
      mtp_head_norm: false,
      max_position_embeddings: r.intOr('model_max_length', null),
    },
  );
}
