/**
 * GLM-5.3-Flash (`glm5_next_text`, in the `glm5_next` wrapper; transformers'
 * modular_glm5_next.py): Kimi Delta Attention on the `layer_types` "linear_attention" layers and
 * MLA without positions (`mla_use_nope`, qk_rope_head_dim 0) with a pooled DSA indexer on the
 * "deepseek_sparse_attention" ones; DeepSeek-V4's mHC over `hc_mult` streams around every
 * sub-layer, folded by an unweighted mean (no `hc_head` tensors); a DeepSeek MoE behind the
 * `mlp_layer_types` "dense" layers; one MTP layer (a sparse-MLA + MoE layer with eh_proj, enorm,
 * hnorm, shared_head.norm, no mixers, no copies of the embedding or head). Tensors as the 62
 * shard headers of the FP8 checkpoint list them.
 */
import { LIMITS, type ConfigReader } from '../config-reader.js';
import { readFfnPlan } from '../blocks/moe.js';
import { defaultFlags, derivedDim, description, noBiases, plainLayer, readCore } from '../common.js';
import type { ArchDescription, Dim, LayerSpec } from '../types.js';
import { checkQkHeadDim, DEEPSEEK_MOE, readIndexer, readMlaDims } from './deepseek.js';
import { readKdaSizes } from './kimi-linear.js';

export function describeGlm5Next(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const H = r.dim('H', 'num_attention_heads', { max: LIMITS.heads });
  // MLA has no separate KV heads; head_dim (0) sizes nothing.
  r.mark('num_key_value_heads', 'head_dim');
  const dims: Record<string, Dim> = { d, V, L, H, ...readMlaDims(r, notes, { ropeMayBeZero: true }) };
  checkQkHeadDim(r, dims);
  if (!r.bool('mla_use_nope', false)) throw r.error('unsupported-feature', 'mla_use_nope', 'is false; only GLM-5.3-Flash with MLA without positions is known');
  if (!r.bool('mhc', true)) throw r.error('unsupported-feature', 'mhc', 'is false; only GLM-5.3-Flash with its hyper-connections is known');
  if (r.bool('attention_bias', false)) throw r.error('config-inconsistent', 'attention_bias', 'is true, but GLM-5.3-Flash projections have no biases');
  const act = r.strOr('hidden_act', 'silu');
  if (act !== 'silu') throw r.error('config-invalid-field', 'hidden_act', `is "${act}"; GLM-5.3-Flash's MLPs are SwiGLU (silu)`);

  const types = r.strArray('layer_types', { length: L.value, allowed: ['linear_attention', 'deepseek_sparse_attention'] });
  if (!types) throw r.error('config-invalid-field', 'layer_types', 'is required: "linear_attention" (KDA) or "deepseek_sparse_attention" (MLA) per layer');
  const la = r.child('linear_attn_config');
  if (!la) throw r.error('config-invalid-field', 'linear_attn_config', 'is required: the Kimi Delta Attention sizes');
  Object.assign(dims, readKdaSizes(la));
  // Its 0-based layer lists repeat layer_types; they must agree.
  for (const [field, kind] of [['kda_layers', 'linear_attention'], ['full_attn_layers', 'deepseek_sparse_attention']] as const) {
    const list = la.intArray(field, { min: 0, max: L.value - 1 });
    const want = types.flatMap((t, i) => (t === kind ? [i] : []));
    if (list && list.join() !== want.join()) throw la.error('config-inconsistent', field, `lists layers ${list.join(', ')}, but layer_types has "${kind}" on ${want.join(', ')}`);
  }
  la.mark('gate_lower_bound');
  for (const f of la.unknownFields()) throw la.error('config-unknown-fields', f.slice(la.prefix.length + 1), 'is not understood in linear_attn_config; it may change the KDA layers');

  // The indexer's key pool (Glm5NextTextIndexer): index_kpool tokens per pooled key, default 16 in
  // Glm5NextTextConfig; index_kpool_compress_gate [d_i, d] and index_kpool_compress_ape [P_i, d_i]
  // are stored whatever the pool size. The tail rule changes no tensor; index_kpool_compress is
  // the checkpoint's own switch (SGLang asserts it is true).
  const pool = r.intOr('index_kpool', 16, { min: 1, max: 64 });
  if (!r.has('index_kpool')) notes.push('index_kpool is absent: 16 tokens per pooled key, the transformers default.');
  if (!r.bool('index_kpool_compress', true)) throw r.error('unsupported-feature', 'index_kpool_compress', 'is false; only the learned pooling (gate and position table) is known');
  dims['P_i'] = r.has('index_kpool') ? r.dim('P_{i}', 'index_kpool') : derivedDim('P_{i}', pool, 'index_kpool default 16');
  r.mark('index_kpool_always_select_tail', 'index_kpool_compress');
  // readIndexer's note counts indexer_types over every layer; here only the MLA layers have one.
  // Without indexer_types, Glm5NextTextConfig's index_skip_topk_offset defaults to 2.
  const ownIndexer = readIndexer(r, L.value, dims, [], 'index_topk_freq', 2);
  // The indexer picks index_topk / index_kpool whole pools (Glm5NextTextConfig.validate_architecture).
  if (dims['k_i']!.value % pool !== 0) throw r.error('config-inconsistent', 'index_topk', `is ${dims['k_i']!.value}, not a multiple of index_kpool (${pool}): the indexer picks whole pools`);

  dims['hc'] = r.dim('n_{hc}', 'hc_mult', { max: 64 });
  r.mark('hc_eps', 'hc_sinkhorn_iters', 'swiglu_limit', 'moe_router_dtype');
  const nMtp = r.intOr('num_nextn_predict_layers', 0, { min: 0, max: LIMITS.mtp });
  const ffn = readFfnPlan(r, L.value, DEEPSEEK_MOE, nMtp);
  Object.assign(dims, ffn.dims);

  const layer = (i: number): LayerSpec => {
    const kda = i < L.value && types[i] === 'linear_attention';
    const l = plainLayer(i, kda ? { kind: 'kda', rope: false } : { kind: 'mla', rope: false });
    l.attention.indexer = !kda && ownIndexer(i);
    if (ffn.isMoe(i)) l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  };
  const layers = Array.from({ length: L.value }, (_, i) => layer(i));
  const kdaCount = types.filter((t) => t === 'linear_attention').length;
  notes.push(`${kdaCount} of ${L.value} layers are Kimi Delta Attention (a state of ${dims['d_l']!.value} × ${dims['d_l']!.value} per head, no KV cache); the other ${L.value - kdaCount} are MLA without positions.`);
  const indexed = layers.filter((l) => l.attention.indexer).length;
  notes.push(`DSA lightning indexer on ${indexed} of the ${L.value - kdaCount} MLA layers${nMtp > 0 ? ' and on the MTP layer' : ''}: attention reads the top-k (${dims['k_i']!.value}) tokens it picks.`);
  notes.push(pool > 1
    ? `The indexer pools its keys over ${pool} tokens (a softmax over a learned gate and position table) and picks the top ${dims['k_i']!.value / pool} pools (${dims['k_i']!.value} tokens), plus the newest incomplete pool.`
    : 'The indexer\'s pools hold one token (index_kpool 1): one key per token, its gate and position table still stored.');
  notes.push(`mHC: the residual stream is ${dims['hc'].value} streams wide, mixed around every sub-layer; an unweighted mean folds them before the final norm (no head mixer), and the MTP layer has no mixers.`);
  return description(r, {
    model_type: r.modelType,
    family: 'mla',
    flags: defaultFlags({
      ...ffn.flags,
      mtp: nMtp > 0,
      tied_embeddings: r.bool('tie_word_embeddings', false),
      linear_attention_hybrid: kdaCount > 0,
      nope_layers: true,
      indexer: true,
      indexer_kpool: true,
      hyper_connections: true,
    }),
    dims,
    layers,
    activation: act,
    biases: noBiases(),
    notes,
  }, {
    mtp_layers: Array.from({ length: nMtp }, (_, k) => layer(L.value + k)),
    hc_head: false,
    mtp_hyper_connections: false,
    checkpoint: { mtp_copies: { embed: false, head: false }, unknown: null },
  });
}
