/**
 * Gemma 4 text decoders (`gemma4_unified_text`, the decoder of Gemma 4 12B): Gemma 3's sandwich
 * norms, per-head QK-norm (the v-norm has no weight) and GeGLU, sliding layers of `head_dim` with
 * `num_key_value_heads`, and global layers of `global_head_dim` that, with `attention_k_eq_v`, have
 * `num_global_key_value_heads` and use the keys as values (no v_proj). Every layer stores a
 * `layer_scalar` buffer. Source: `modeling_gemma4.py`, `modular_gemma4_unified.py`.
 *
 * `gemma4_text` (Gemma 4 26B-A4B) adds, with `enable_moe_block`, a MoE block beside the dense MLP
 * of every layer: `num_experts` experts of `moe_intermediate_size`, `top_k_experts` per token, a
 * router with a scale and per-expert scales, three norms of its own.
 *
 * Not read here: the per-layer embeddings and KV sharing of `gemma4_text` E2B and E4B, refused
 * with a message until they are counted.
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { checkKvHeads, defaultFlags, description, layerTypes, noBiases, plainLayer, readCore, readTied } from '../common.js';
import type { ArchDescription, Dim, Geometry } from '../types.js';
import { readSoftcap } from './decoder.js';

export function describeGemma4(r: ConfigReader, options: { moeBlock: boolean } = { moeBlock: false }): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const H = r.dim('H', 'num_attention_heads', { max: LIMITS.heads });
  const Hkv = r.dim('H_{kv}', 'num_key_value_heads', { max: LIMITS.heads });
  const dh = r.dim('d_{h}', 'head_dim');
  checkKvHeads(r, 'num_key_value_heads', Hkv.value, 'num_attention_heads', H.value);
  const dims: Record<string, Dim> = { d, V, L, H, H_kv: Hkv, d_h: dh, d_ff: r.dim('d_{ff}', 'intermediate_size') };

  const moe = options.moeBlock && r.bool('enable_moe_block', false);
  // What the unified decoder does not have (its config class removes them), and what is not
  // counted yet, must be off.
  const off: [string, unknown][] = [['num_kv_shared_layers', 0], ['use_double_wide_mlp', false]];
  if (!moe) off.push(['enable_moe_block', false], ['num_experts', null], ['moe_intermediate_size', null], ['top_k_experts', null]);
  for (const [field, value] of off) {
    const v = r.get(field);
    if (v === undefined || v === value) continue;
    const why = field === 'num_kv_shared_layers' || field === 'use_double_wide_mlp'
      ? "Gemma 4's KV sharing and double-wide MLPs (E2B, E4B) are not counted yet"
      : `${r.modelType} has no MoE block`;
    throw r.error('unsupported-feature', field, `is ${typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v === 'string' ? quote(v) : quote(JSON.stringify(v))}; ${why}`);
  }
  if (options.moeBlock) {
    // Gemma4TextConfig: an absent hidden_size_per_layer_input means per-layer embeddings of 256.
    const ple = r.intOr('hidden_size_per_layer_input', 256, { min: 0 });
    if (ple > 0) throw r.error('unsupported-feature', 'hidden_size_per_layer_input', `is ${ple}${r.present('hidden_size_per_layer_input') ? '' : ' (absent: Gemma4TextConfig means 256)'}; Gemma 4's per-layer embeddings (E2B, E4B) are not counted yet`);
  }
  // Gemma4UnifiedTextConfig has no per-layer embeddings: the field is ignored (0 here).
  r.mark('hidden_size_per_layer_input', 'vocab_size_per_layer_input', 'use_bidirectional_attention');
  if (moe) {
    dims['E'] = r.dim('E', 'num_experts');
    dims['k'] = r.dim('k', 'top_k_experts');
    dims['d_e'] = r.dim('d_{e}', 'moe_intermediate_size');
    if (dims['k'].value > dims['E'].value) throw r.error('config-inconsistent', 'top_k_experts', `(${dims['k'].value}) exceeds the number of experts (${dims['E'].value})`);
  }
  const act = r.strOr('hidden_activation', 'gelu_pytorch_tanh');
  if (!act.startsWith('gelu')) throw r.error('config-invalid-field', 'hidden_activation', `is ${quote(act)}; Gemma 4 MLPs are GeGLU`);
  if (r.bool('attention_bias', false)) throw r.error('unsupported-feature', 'attention_bias', 'is true; Gemma 4 projections have no biases');

  const pattern = (i: number) => (i === L.value - 1 || (i + 1) % 6 === 0 ? 'full_attention' : 'sliding_attention');
  const types = layerTypes(r, L.value, pattern);
  const wrong = types.findIndex((t) => t !== 'full_attention' && t !== 'sliding_attention');
  if (wrong >= 0) throw r.error('config-invalid-field', `layer_types[${wrong}]`, `is ${quote(types[wrong]!)}, which Gemma 4 does not have`);
  const window = types.includes('sliding_attention') ? r.int('sliding_window') : null;

  // Global layers: their own head size, and with K = V their own (usually one) KV head.
  const kEqV = r.bool('attention_k_eq_v', false);
  // Gemma4TextConfig's global_head_dim defaults to 512 (the recipes' defaults).
  const globalDims: Record<string, Dim> = { d_h: r.dim('d_{h}', 'global_head_dim') };
  if (kEqV) {
    const g = r.dim('H_{kv}', 'num_global_key_value_heads', { max: LIMITS.heads });
    checkKvHeads(r, 'num_global_key_value_heads', g.value, 'num_attention_heads', H.value);
    globalDims['H_kv'] = g;
  } else r.mark('num_global_key_value_heads');
  const geometries: Record<string, Geometry> = { global: { label: 'global layers', dims: globalDims, ...(kEqV ? { k_eq_v: true } : {}) } };

  const flags = defaultFlags({
    tied_embeddings: readTied(r, true, notes),
    qk_norm: 'per_head',
    norm_placement: 'sandwich',
    ffn_kind: 'geglu',
    final_softcap: readSoftcap(r, 'final_logit_softcapping'),
    attn_softcap: readSoftcap(r, 'attn_logit_softcapping'),
    ...(moe ? { moe: true, moe_every: 1, gemma4_moe: true } : {}),
  });
  const layers = types.map((t, i) => {
    const l = plainLayer(i);
    if (t === 'sliding_attention') l.attention.window = window;
    else l.attention.geometry = 'global';
    if (moe) l.ffn = { kind: 'moe', routing: 'score', residual: true };
    return l;
  });
  flags.sliding_window = layers.some((l) => l.attention.window !== null);
  if (kEqV) notes.push(`The ${layers.filter((l) => l.attention.geometry).length} global layers use their keys as values (attention_k_eq_v): no v_proj, one KV cache entry per head.`);
  notes.push('Each layer stores a layer_scalar buffer (one number): in checkpoint_params, not in params. The v-norm has no weight.');
  return description(
    r,
    { model_type: r.modelType, family: 'gqa', flags, dims, layers, activation: act, biases: noBiases(), notes },
    {
      geometries,
      checkpoint: { mtp_copies: { embed: false, head: false }, unknown: null, layer_buffers: [{ id: 'layer_scalar', name: 'layer_scalar (a stored buffer)', count: 1 }] },
    },
  );
}
