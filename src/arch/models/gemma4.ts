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
 * `gemma4_text` E2B and E4B add per-layer embeddings (`hidden_size_per_layer_input`, absent: 256)
 * and KV sharing: the last `num_kv_shared_layers` layers attend over the keys and values of the
 * last earlier layer of their type, build no k_proj, v_proj or k_norm (the checkpoint still stores
 * them), and with `use_double_wide_mlp` have MLPs of twice `intermediate_size`.
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { checkKvHeads, defaultFlags, derivedDim, description, layerTypes, noBiases, plainLayer, readCore, readTied } from '../common.js';
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
  // What the unified decoder does not have (its config class removes them) must be off.
  const off: [string, unknown][] = options.moeBlock ? [] : [['num_kv_shared_layers', 0], ['use_double_wide_mlp', false]];
  // expert_intermediate_size: an older name of the experts' width some Gemma 4 configs write as null.
  if (!moe) off.push(['enable_moe_block', false], ['num_experts', null], ['moe_intermediate_size', null], ['expert_intermediate_size', null], ['top_k_experts', null]);
  else off.push(['expert_intermediate_size', null]);
  for (const [field, value] of off) {
    const v = r.get(field);
    if (v === undefined || v === value) continue;
    const why = field === 'num_kv_shared_layers' || field === 'use_double_wide_mlp' ? `${r.modelType} has no KV sharing` : `${r.modelType} has no MoE block`;
    throw r.error('unsupported-feature', field, `is ${typeof v === 'number' || typeof v === 'boolean' ? String(v) : typeof v === 'string' ? quote(v) : quote(JSON.stringify(v))}; ${why}`);
  }
  // Gemma4TextConfig: an absent hidden_size_per_layer_input means per-layer embeddings of 256;
  // Gemma4UnifiedTextConfig has none (the field is ignored there).
  const ple = options.moeBlock ? r.intOr('hidden_size_per_layer_input', 256, { min: 0, max: LIMITS.width }) : 0;
  if (ple > 0) {
    dims['d_ple'] = r.present('hidden_size_per_layer_input') ? r.dim('d_{ple}', 'hidden_size_per_layer_input') : derivedDim('d_{ple}', 256, 'hidden_size_per_layer_input (absent: 256)');
    dims['V_ple'] = r.present('vocab_size_per_layer_input') ? r.dim('V_{ple}', 'vocab_size_per_layer_input') : derivedDim('V_{ple}', 262144, 'vocab_size_per_layer_input (absent: 262144)');
    if (!r.present('hidden_size_per_layer_input')) notes.push('hidden_size_per_layer_input is absent: Gemma4TextConfig means per-layer embeddings of 256.');
  } else r.mark('hidden_size_per_layer_input', 'vocab_size_per_layer_input');
  r.mark('use_bidirectional_attention');
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
    // v_norm: Gemma4RMSNorm(head_dim, with_scale=False) on the values of every layer.
    value_norm: 'unscaled',
    norm_placement: 'sandwich',
    ffn_kind: 'geglu',
    final_softcap: readSoftcap(r, 'final_logit_softcapping'),
    attn_softcap: readSoftcap(r, 'attn_logit_softcapping'),
    ...(moe ? { moe: true, moe_every: 1, gemma4_moe: true } : {}),
  });
  // KV sharing (Gemma4TextAttention): layer i >= L − num_kv_shared_layers reads the cache of the
  // last non-shared layer of its type.
  const shared = options.moeBlock ? r.intOr('num_kv_shared_layers', 0, { min: 0, max: L.value - 1 }) : 0;
  const firstShared = L.value - shared;
  const doubleWide = options.moeBlock && r.bool('use_double_wide_mlp', false);
  const layers = types.map((t, i) => {
    const l = plainLayer(i);
    if (t === 'sliding_attention') l.attention.window = window;
    else l.attention.geometry = 'global';
    if (shared > 0 && i >= firstShared) {
      const source = types.lastIndexOf(t, firstShared - 1);
      if (source < 0) throw r.error('config-inconsistent', 'num_kv_shared_layers', `(${shared}) leaves no earlier ${t === 'sliding_attention' ? 'sliding' : 'full'} layer for layer ${i} to share keys and values with`);
      l.attention.kv_source = source;
      if (doubleWide) l.ffn.double_wide = true;
    }
    if (moe) l.ffn = { kind: 'moe', routing: 'score', residual: true };
    return l;
  });
  if (doubleWide && moe) throw r.error('unsupported-feature', 'use_double_wide_mlp', 'is true together with enable_moe_block; that combination is not known');
  if (ple > 0) flags.per_layer_embeddings = true;
  if (shared > 0) {
    const sources = [...new Set(layers.map((l) => l.attention.kv_source).filter((x): x is number => x !== undefined))];
    notes.push(`The last ${shared} layers share keys and values: each attends over the cache of layer ${sources.join(' or ')} (the last earlier layer of its type) and has no k_proj, v_proj or k_norm of its own; the checkpoint still stores those, counted into checkpoint_params, not params.`);
    if (doubleWide) notes.push(`Their MLPs are twice intermediate_size wide (use_double_wide_mlp).`);
  }
  if (ple > 0) notes.push(`Per-layer embeddings: a second table gives each token ${dims['d_ple']!.value} values for each of the ${L.value} layers (embed_tokens_per_layer, looked up: left out of the active parameters without the embedding), mixed with a projection of its token embedding; each layer gates its slice by its hidden state and adds it back after the FFN.`);
  flags.sliding_window = layers.some((l) => l.attention.window !== null);
  if (kEqV) notes.push(`The ${layers.filter((l) => l.attention.geometry).length} global layers use their keys as values (attention_k_eq_v): no v_proj, one KV cache entry per head.`);
  notes.push('Each layer stores a layer_scalar buffer (one number): in checkpoint_params, not in params. The v-norm has no weight.');
  return description(
    r,
    { model_type: r.modelType, family: 'gqa', flags, dims, layers, activation: act, biases: noBiases(), notes },
    {
      geometries,
      checkpoint: { mtp_copies: { embed: false, head: false }, unknown: null, layer_buffers: [{ id: 'layer_scalar', name: 'layer_scalar (a stored buffer)', count: 1 }], ...(shared > 0 ? { stores_shared_kv: true } : {}) },
    },
  );
}
