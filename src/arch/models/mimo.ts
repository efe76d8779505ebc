/**
 * MiMo-V2 (`mimo_v2`: MiMo-V2.5-Pro; `mimo_v2_flash`: MiMo-V2-Flash): GQA with q/k heads of
 * `head_dim` and v heads of `v_head_dim`, full and sliding-window layers by `hybrid_layer_pattern`
 * (1 = sliding), the sliding layers with a geometry of their own (`swa_num_attention_heads`,
 * `swa_num_key_value_heads`, `swa_head_dim`, `swa_v_head_dim`) and learned sink logits
 * (`add_swa_attention_sink_bias`), MoE by `moe_layer_freq` (1 = MoE) with DeepSeek-V3's router.
 * Tensors (the MiMo-V2.5-Pro listing): `self_attn.qkv_proj` (fused), `o_proj`,
 * `attention_sink_bias` [H], two norms; `mlp.gate` [E, d] with `e_score_correction_bias`, experts.
 * The checkpoints also store three MTP modules the config does not declare (`model.mtp.layers.*`:
 * a sliding layer with a dense MLP, `eh_proj`, `enorm`, `hnorm`, `final_layernorm`).
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { readFfnPlan, type MoeRecipe } from '../blocks/moe.js';
import { checkKvHeads, defaultFlags, description, noBiases, plainLayer, readCore, readTied } from '../common.js';
import type { ArchDescription, Dim, LayerSpec } from '../types.js';

const MIMO_MOE: MoeRecipe = {
  layers: { rule: 'flag_list', field: 'moe_layer_freq', mtp: false },
  experts: 'n_routed_experts',
  topK: 'num_experts_per_tok',
  expertWidth: 'moe_intermediate_size',
  shared: { count: 'n_shared_experts' },
  selectionBias: { field: 'topk_method', equals: 'noaux_tc' },
};

/** MTP modules every released MiMo-V2 checkpoint stores, though no config field declares them. */
const STORED_MTP = 3;

/** Attention sizes of one layer type, from `prefix`ed fields (`swa_`) or the model's. */
function geometry(r: ConfigReader, prefix: '' | 'swa_'): Record<string, Dim> {
  const H = r.dim('H', `${prefix}num_attention_heads`, { max: LIMITS.heads });
  const Hkv = r.dim('H_{kv}', `${prefix}num_key_value_heads`, { max: LIMITS.heads });
  checkKvHeads(r, `${prefix}num_key_value_heads`, Hkv.value, `${prefix}num_attention_heads`, H.value);
  return { H, H_kv: Hkv, d_h: r.dim('d_{h}', `${prefix}head_dim`), d_hv: r.dim('d_{hv}', `${prefix}v_head_dim`) };
}

export function describeMimo(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const full = geometry(r, '');
  const swa = geometry(r, 'swa_');
  const dims: Record<string, Dim> = { d, V, L, ...full };
  const pattern = r.intArray('hybrid_layer_pattern', { length: L.value, min: 0, max: 1 });
  if (!pattern) throw r.error('config-invalid-field', 'hybrid_layer_pattern', `is required: 1 (sliding window) or 0 (full attention) for each of the ${L.value} layers`);
  const window = r.int('sliding_window');
  const size = r.intOr('sliding_window_size', window);
  if (size !== window) throw r.error('config-inconsistent', 'sliding_window_size', `(${size}) disagrees with sliding_window (${window})`);
  if (r.bool('attention_bias', false)) throw r.error('unsupported-feature', 'attention_bias', 'is true; MiMo-V2 projections without biases are the only ones known');
  const layout = r.strOr('attention_projection_layout', 'fused_qkv');
  if (layout !== 'fused_qkv' && layout !== 'split') throw r.error('config-invalid-field', 'attention_projection_layout', `is ${quote(layout)}; known: fused_qkv, split`);
  const act = r.strOr('hidden_act', 'silu');
  if (act !== 'silu') throw r.error('config-invalid-field', 'hidden_act', `is ${quote(act)}; MiMo-V2 FFNs are SwiGLU (silu)`);
  const partial = r.numberOr('partial_rotary_factor', 1);
  if (!(partial > 0 && partial <= 1)) throw r.error('config-inconsistent', 'partial_rotary_factor', `is ${partial}, outside (0, 1]`);

  const ffn = readFfnPlan(r, L.value, MIMO_MOE, STORED_MTP);
  Object.assign(dims, ffn.dims);
  const flags = defaultFlags({
    ...ffn.flags,
    tied_embeddings: readTied(r, false, notes),
    partial_rotary: partial,
    attention_sinks: r.bool('add_full_attention_sink_bias', false),
  });
  const swaSinks = r.bool('add_swa_attention_sink_bias', false);
  // Value scaling, the sliding layers' rotary base, normalisation epsilon: no tensors.
  r.mark('attention_value_scale', 'swa_rope_theta', 'layernorm_epsilon');
  if (layout === 'fused_qkv') notes.push('q/k/v are stored fused (qkv_proj); the counts are those of the separate projections.');

  const layer = (i: number, sliding: boolean, moe: boolean): LayerSpec => {
    const l = plainLayer(i);
    if (sliding) {
      l.attention.window = window;
      l.attention.geometry = 'swa';
    }
    if (moe) l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  };
  const layers = pattern.map((p, i) => layer(i, p === 1, ffn.isMoe(i)));
  flags.sliding_window = layers.some((l) => l.attention.window !== null);
  const undeclared = Array.from({ length: STORED_MTP }, (_, k) => layer(L.value + k, true, false));
  notes.push(`The checkpoint stores ${STORED_MTP} MTP modules (model.mtp.layers.*: a sliding-window layer with a dense FFN, eh_proj and norms) that the config does not declare: in checkpoint_params, not in params.`);
  return description(
    r,
    { model_type: r.modelType, family: 'gqa', flags, dims, layers, activation: act, biases: noBiases(), notes },
    {
      geometries: { swa: { label: 'sliding-window layers', dims: swa, attention_sinks: swaSinks } },
      checkpoint: { mtp_copies: { embed: false, head: false }, unknown: null, undeclared_mtp: undeclared },
    },
  );
}
