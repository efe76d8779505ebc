/**
 * Motif-3 (`Motif`, remote code `modeling_motif.py`, not found in the stores this tool reads; the
 * tensors below are those of its MLX and PyTorch ports and its GGUF converter, whose total equals
 * the Hub's to the unit: docs/coverage/dense-gemma4-gdn.md):
 * - grouped differential latent attention (`attention_cls` "gdla"): MLA's low-rank query
 *   (`wq_a`, `q_norm`, `wq_b` over `head_dim` = nope + `qk_rope_head_dim`) and latent KV (`wkv_a`,
 *   `kv_norm`, `wkv_b` for `num_key_value_heads`); of the `num_attention_heads`, `num_noise_heads`
 *   are noise heads, subtracted from the signal heads by σ(`lambda_proj`); an elementwise output
 *   gate from the query latent (`wq_b_gate`); `wo` over the signal heads;
 * - mHC with projections of their own (`mhc_expansion_rate` streams), none in the MTP module, no
 *   head mixer;
 * - MLPs gated by PolyNorm (weight [3], bias [1], per expert too); `n_dense_first_layers` dense
 *   layers, then MoE with `num_shared_experts` shared experts and a learned `expert_bias`;
 * - sliding windows on every layer but each `sliding_window_period`-th (the GGUF converter:
 *   (i + 1) % period ≠ 0 is a sliding layer);
 * - `num_nextn_predict_layers` MTP modules: embed_norm, input_proj [d, 2d], one GDLA layer with a
 *   dense PolyNorm MLP and its two norms, final_layernorm.
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { readFfnPlan, type MoeRecipe } from '../blocks/moe.js';
import { checkKvHeads, defaultFlags, derivedDim, description, noBiases, plainLayer, readCore, readTied } from '../common.js';
import type { ArchDescription, Dim, LayerSpec } from '../types.js';

const MOTIF_MOE: MoeRecipe = {
  layers: { rule: 'dense_prefix', field: 'n_dense_first_layers', fallback: 0 },
  experts: 'num_experts',
  topK: 'experts_top_k',
  expertWidth: 'moe_intermediate_size',
  shared: { count: 'num_shared_experts' },
  // MotifMoE's expert_bias: a stored parameter, the router's selection bias.
  selectionBias: 'always',
};

export function describeMotif(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const cls = r.strOr('attention_cls', 'gdla');
  if (cls !== 'gdla') throw r.error('unsupported-feature', 'attention_cls', `is ${quote(cls)}; only Motif-3's "gdla" attention is known`);
  const H = r.dim('H', 'num_attention_heads', { max: LIMITS.heads });
  const Hn = r.dim('H_{n}', 'num_noise_heads', { max: LIMITS.heads });
  const Hkv = r.dim('H_{kv}', 'num_key_value_heads', { max: LIMITS.heads });
  if (Hn.value >= H.value || (H.value - Hn.value) % Hn.value !== 0) throw r.error('config-inconsistent', 'num_noise_heads', `(${Hn.value}) must leave a whole number of signal heads per noise head among num_attention_heads (${H.value})`);
  checkKvHeads(r, 'num_key_value_heads', Hkv.value, 'num_attention_heads', H.value);
  const dh = r.int('head_dim');
  const dr = r.dim('d_{rope}', 'qk_rope_head_dim');
  if (dr.value >= dh) throw r.error('config-inconsistent', 'qk_rope_head_dim', `(${dr.value}) must be smaller than head_dim (${dh}), which holds it and the nope part`);
  const dims: Record<string, Dim> = {
    d,
    V,
    L,
    H,
    H_n: Hn,
    H_s: derivedDim('H_{s}', H.value - Hn.value, `${r.path('num_attention_heads')} − ${r.path('num_noise_heads')}`),
    H_kv: Hkv,
    r_q: r.dim('r_{q}', 'q_lora_rank'),
    r_kv: r.dim('r_{kv}', 'kv_lora_rank'),
    d_nope: derivedDim('d_{nope}', dh - dr.value, `${r.path('head_dim')} − ${r.path('qk_rope_head_dim')}`),
    d_rope: dr,
    d_v: r.dim('d_{v}', 'v_head_dim'),
  };
  for (const [field, known] of [['diff_v2', true], ['elementwise_attn_output_gate', true], ['headwise_attn_output_gate', false], ['mhc_enabled', true]] as const) {
    if (r.bool(field, known) !== known) throw r.error('unsupported-feature', field, `is ${String(!known)}; only Motif-3 with ${field} ${String(known)} is known`);
  }
  const kRatio = r.numberOr('k_ratio', 1);
  if (kRatio !== 1) throw r.error('unsupported-feature', 'k_ratio', `is ${kRatio}; only 1 is known`);
  const act = r.strOr('hidden_act', 'poly_norm');
  if (act !== 'poly_norm') throw r.error('unsupported-feature', 'hidden_act', `is ${quote(act)}; Motif-3's MLPs are PolyNorm-gated`);
  if (r.bool('attention_bias', false)) throw r.error('unsupported-feature', 'attention_bias', 'is true; Motif projections with biases are not known');
  const every = r.intOr('interleave_moe_layer_step', 1, { min: 1 });
  if (every !== 1) throw r.error('unsupported-feature', 'interleave_moe_layer_step', `is ${every}; only MoE on every layer after the dense ones is known`);
  // Routing, PolyNorm scales and clamps, mHC numerics, the training-only balance switches, rotary: no tensors.
  r.mark('route_norm', 'route_scale', 'score_func', 'score_before_experts', 'load_balance_coeff', '_debug_force_load_balance', 'polynorm_bias_clamp', 'polynorm_output_scale', 'polynorm_output_scale_per_layer', 'hidden_clamp', 'mhc_identity_init', 'mhc_sinkhorn_iters', 'mscale', 'original_seq_len', 'rope_factor', 'swa_rope_theta');

  const nMtp = r.intOr('num_nextn_predict_layers', 0, { min: 0, max: LIMITS.mtp });
  // The MTP module's MLP is dense even when every main layer is MoE (no n_dense_first_layers).
  const ffn = readFfnPlan(r, L.value, MOTIF_MOE, nMtp, 'dense');
  Object.assign(dims, ffn.dims);
  dims['hc'] = r.dim('n_{hc}', 'mhc_expansion_rate', { max: 64 });

  // Sliding windows: every layer but each period-th (the GGUF converter's reading of "interleave").
  const sliding = r.bool('use_sliding_window', false);
  let window: number | null = null;
  let period = 0;
  if (sliding) {
    const pattern = r.strOr('sliding_window_pattern', 'interleave');
    if (pattern !== 'interleave') throw r.error('unsupported-feature', 'sliding_window_pattern', `is ${quote(pattern)}; only "interleave" is known`);
    window = r.int('sliding_window');
    period = r.int('sliding_window_period', { min: 1, max: LIMITS.layers });
    // Qwen's max_window_layers; Motif's interleaved pattern does not read it.
    r.mark('max_window_layers');
  } else r.mark('sliding_window', 'sliding_window_pattern', 'sliding_window_period', 'max_window_layers');

  const layer = (i: number, mtp: boolean): LayerSpec => {
    const l = plainLayer(i, { kind: 'mla' });
    if (window !== null && (i + 1) % period !== 0) l.attention.window = window;
    if (!mtp && ffn.isMoe(i)) l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  };
  const layers = Array.from({ length: L.value }, (_, i) => layer(i, false));
  // MotifMTP: a GDLA layer with a dense PolyNorm MLP (global attention, as the converter reads it).
  const mtpLayers = Array.from({ length: nMtp }, (_, k) => {
    const l = plainLayer(L.value + k, { kind: 'mla' });
    return l;
  });
  notes.push(`Grouped differential latent attention: of ${H.value} heads, ${Hn.value} noise heads are subtracted from the ${H.value - Hn.value} signal heads (each weighted by σ(lambda_proj)), the result gated elementwise from the query latent.`);
  notes.push(`mHC over ${dims['hc'].value} streams with projections of their own; the streams are averaged before the final norm (no head mixer); the MTP module has none.`);
  notes.push("Motif's reference modeling_motif.py was not read: its tensors are those of its ports and GGUF converter, whose total equals the Hub's.");
  const flags = defaultFlags({
    ...ffn.flags,
    tied_embeddings: readTied(r, false, notes),
    mtp: nMtp > 0,
    partial_rotary: dr.value / dh,
    output_gate: true,
    differential_heads: true,
    polynorm: true,
    hyper_connections: true,
    hc_variant: 'split',
    sliding_window: layers.some((l) => l.attention.window !== null),
  });
  return description(
    r,
    { model_type: r.modelType, family: 'mla', flags, dims, layers, activation: act, biases: noBiases(), notes },
    { mtp_layers: mtpLayers, hc_head: false, mtp_head_norm: false, mtp_norm_names: 'embed_norm, final_layernorm' },
  );
}
