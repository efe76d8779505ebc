/**
 * DeepSeek-V2 and V3: Multi-head Latent Attention (low-rank q and joint kv compression with a
 * decoupled rope key), a dense FFN for the first `first_k_dense_replace` layers, then MoE with
 * shared experts; V3 adds MTP modules (`num_nextn_predict_layers`).
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { readFfnPlan, type MoeRecipe } from '../blocks/moe.js';
import { defaultFlags, derivedDim, description, noBiases, plainLayer, readCore, readTied } from '../common.js';
import type { ArchDescription, Dim, Flags, LayerSpec } from '../types.js';

/**
 * DeepSeek's MoE: `first_k_dense_replace` dense layers, then MoE on every `moe_layer_freq`-th
 * layer (or as `mlp_layer_types` lists, GLM-4.7-Flash), `n_shared_experts` of the routed width, a
 * selection bias with `topk_method: "noaux_tc"`; `n_routed_experts: null` is a dense model.
 */
export const DEEPSEEK_MOE: MoeRecipe = {
  layers: { rule: 'dense_prefix', field: 'first_k_dense_replace', freq: true, list: 'mlp_layer_types' },
  experts: 'n_routed_experts',
  topK: 'num_experts_per_tok',
  expertWidth: 'moe_intermediate_size',
  shared: { count: 'n_shared_experts' },
  selectionBias: { field: 'topk_method', equals: 'noaux_tc' },
  none: 'null',
};

/** How a DeepSeek-V3 descendant differs from it. */
export interface DeepseekOptions {
  /** Each stored MTP module holds its own embedding and head (DeepSeek-V3, GLM-4.7-Flash); GLM-5.2 none. */
  mtpCopies: boolean;
  /** The MoE fields where the family renames DeepSeek's (Sarvam: `num_experts`, a bias by
   * `moe_router_enable_expert_bias`); DeepSeek's own config must then also write its defaults out. */
  moe?: MoeRecipe;
  /** DSA lightning indexer (`index_n_heads`, `index_head_dim`): on the layers `indexer_types` marks
   * "full" (GLM-5.2; "shared" layers reuse the previous top-k) and on every MTP module. */
  indexer?: 'indexer_types';
  /** Which layers own an indexer when `indexer_types` is absent: GLM-5's `index_topk_freq` rule,
   * or Hy4's (HYV4Config: layer 0 and every layer with (i − 1) % 4 = 0). */
  indexerDefault?: 'index_topk_freq' | 'hy4';
  /** Hy4's additions, each switched by its config field: the heads' output gated elementwise
   * (`gated_mla`, `gating_type` "elementwise": gate_proj [H·d_v, d]), a learned sink logit per head
   * (`learnable_sink`), independent hyper-connections over `hc_mult` streams (`enable_ihc`). */
  hy4?: boolean;
}

/**
 * MLA's sizes (`kv_lora_rank`, `qk_nope_head_dim`, `qk_rope_head_dim`, `v_head_dim`, and
 * `q_lora_rank` when not null). The remote-code and the transformers config classes default
 * q_lora_rank differently (V3's 1536 in one, V2's 1536 or null...): a config must say.
 */
export function readMlaDims(r: ConfigReader, notes: string[], options: { ropeMayBeZero?: boolean } = {}): Record<string, Dim> {
  const dims: Record<string, Dim> = {
    r_kv: r.dim('r_{kv}', 'kv_lora_rank'),
    d_nope: r.dim('d_{nope}', 'qk_nope_head_dim'),
    // GLM-5.3-Flash's NoPE MLA has no rope slice at all (0).
    d_rope: r.dim('d_{rope}', 'qk_rope_head_dim', { min: options.ropeMayBeZero ? 0 : 1 }),
    d_v: r.dim('d_{v}', 'v_head_dim'),
  };
  r.requirePresent('q_lora_rank', 'write null for a single full q projection, or the rank of the low-rank pair');
  if (r.has('q_lora_rank')) dims['r_q'] = r.dim('r_{q}', 'q_lora_rank');
  else {
    r.get('q_lora_rank');
    notes.push('q_lora_rank is null: queries use one full projection instead of a low-rank pair.');
  }
  return dims;
}

/** GLM-4.7-Flash and GLM-5.3-Flash write the q/k head size out; it must be the sum of its two parts. */
export function checkQkHeadDim(r: ConfigReader, dims: Record<string, Dim>): void {
  const qkHead = r.intOr('qk_head_dim', null);
  if (qkHead !== null && qkHead !== dims['d_nope']!.value + dims['d_rope']!.value) {
    throw r.error('config-inconsistent', 'qk_head_dim', `is ${qkHead}, but qk_nope_head_dim + qk_rope_head_dim is ${dims['d_nope']!.value + dims['d_rope']!.value}`);
  }
}

export function describeDeepseek(r: ConfigReader, options: DeepseekOptions = { mtpCopies: true }): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const H = r.dim('H', 'num_attention_heads');
  // MLA has no separate KV heads: every head gets its own k/v from the shared latent.
  r.mark('num_key_value_heads');
  if (r.has('head_dim')) {
    const hd = r.get('head_dim');
    notes.push(`head_dim (${typeof hd === 'number' ? hd : quote(JSON.stringify(hd))}) is ignored: MLA head sizes are qk_nope_head_dim + qk_rope_head_dim for q/k and v_head_dim for v.`);
  }
  const dims: Record<string, Dim> = { d, V, L, H, ...readMlaDims(r, notes) };
  if (!options.moe) r.requirePresent('n_routed_experts', 'write null for a dense model, or the number of routed experts');
  const attentionBias = r.bool('attention_bias', false);
  if (r.bool('mlp_bias', false)) throw r.error('config-inconsistent', 'mlp_bias', 'is true, but DeepSeek FFNs have no biases');
  const act = r.strOr('hidden_act', 'silu');
  if (act !== 'silu') throw r.error('config-invalid-field', 'hidden_act', `is ${quote(act)}; DeepSeek FFNs are SwiGLU (silu)`);

  if (!options.moe && r.has('n_routed_experts')) {
    r.requirePresent('first_k_dense_replace', 'write how many leading layers use a dense FFN (0 for none)');
    r.requirePresent('n_shared_experts', 'write the number of shared experts (0 or null for none)');
    r.requirePresent('topk_method', 'it decides whether the router has a selection bias ("noaux_tc") or not');
  }
  checkQkHeadDim(r, dims);
  // Rotary covers the qk_rope_head_dim part of each head; a factor below 1 would rotate less of it.
  // transformers 5 writes the factor into rope_parameters as well.
  const ropeParameters = r.get('rope_parameters');
  const nested = typeof ropeParameters === 'object' && ropeParameters !== null ? (ropeParameters as Record<string, unknown>)['partial_rotary_factor'] : undefined;
  for (const [field, value] of [['partial_rotary_factor', r.numberOr('partial_rotary_factor', 1)], ['rope_parameters.partial_rotary_factor', nested ?? 1]] as const) {
    if (value !== 1) throw r.error('unsupported-feature', field, `is ${typeof value === 'number' ? value : quote(JSON.stringify(value))}; with MLA only 1 (rotary over the whole qk_rope_head_dim) is known`);
  }
  const nMtp = r.intOr('num_nextn_predict_layers', 0, { min: 0, max: LIMITS.mtp });
  const ffn = readFfnPlan(r, L.value, options.moe ?? DEEPSEEK_MOE, nMtp);
  // d_ff before the expert sizes, as arch.json has always listed them.
  const { d_ff, ...expertDims } = ffn.dims;
  Object.assign(dims, d_ff ? { d_ff } : {}, expertDims);
  const flags = defaultFlags({ partial_rotary: dims['d_rope']!.value / (dims['d_rope']!.value + dims['d_nope']!.value), ...ffn.flags });
  flags.mtp = nMtp > 0;
  flags.tied_embeddings = readTied(r, false, notes);
  flags.attention_bias = attentionBias;

  const ownIndexer = options.indexer ? readIndexer(r, L.value, dims, notes, options.indexerDefault ?? 'index_topk_freq') : () => false;
  if (options.indexer) flags.indexer = true;
  if (options.hy4) readHy4(r, L.value, dims, flags, notes);
  const layer = (i: number): LayerSpec => {
    const l = plainLayer(i);
    l.attention.kind = 'mla';
    l.attention.indexer = ownIndexer(i);
    if (ffn.isMoe(i)) l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  };
  return description(
    r,
    {
      model_type: r.modelType,
      family: 'mla',
      flags,
      dims,
      layers: Array.from({ length: L.value }, (_, i) => layer(i)),
      activation: act,
      biases: noBiases({ qkv: attentionBias, o: attentionBias }),
      notes,
    },
    {
      mtp_layers: Array.from({ length: nMtp }, (_, k) => layer(L.value + k)),
      final_norm: true,
      // DeepSeek-V3 and GLM-4.7-Flash store each MTP layer's own embed_tokens and shared_head.head.
      checkpoint: { mtp_copies: { embed: options.mtpCopies, head: options.mtpCopies }, unknown: null },
      // attention_bias puts biases on q_a_proj, kv_a_proj_with_mqa and o_proj (not on a full q_proj).
    },
  );
}

/**
 * GLM-5.2's DSA indexer: its sizes, and which layers own one. `indexer_types[i]` is "full" (the
 * layer computes its own top-k with wq_b, wk, k_norm, weights_proj) or "shared" (it reuses the
 * last full layer's, no tensors); absent, GlmMoeDsaConfig derives it from `index_topk_freq` and
 * `index_skip_topk_offset`. MTP modules (index L and up) have their own indexer.
 */
export function readIndexer(r: ConfigReader, L: number, dims: Record<string, Dim>, notes: string[], byDefault: 'index_topk_freq' | 'hy4', defaultOffset = 0): (i: number) => boolean {
  if (!dims['r_q']) throw r.error('config-inconsistent', 'q_lora_rank', 'is null, but the DSA indexer projects its queries from the q_lora_rank latent');
  dims['H_i'] = r.dim('H_{i}', 'index_n_heads');
  dims['d_i'] = r.dim('d_{i}', 'index_head_dim');
  if (r.has('index_topk_pattern')) throw r.error('unsupported-feature', 'index_topk_pattern', 'is set; only indexer_types (or its default from index_topk_freq) is known');
  r.get('index_topk_pattern');
  const listed = r.strArray('indexer_types', { length: L, allowed: ['full', 'shared'] });
  let full: string[];
  if (listed) {
    full = listed;
    r.mark('index_topk_freq', 'index_skip_topk_offset');
  } else if (byDefault === 'hy4') full = Array.from({ length: L }, (_, i) => (i === 0 || (i - 1) % 4 === 0 ? 'full' : 'shared'));
  else {
    const freq = r.intOr('index_topk_freq', 1);
    const offset = r.intOr('index_skip_topk_offset', defaultOffset, { min: 0 });
    full = Array.from({ length: L }, (_, i) => (Math.max(i - offset + 1, 0) % freq === 0 ? 'full' : 'shared'));
  }
  // Which layer's top-k a shared layer reuses, and the MTP's own iteration, change no tensor.
  r.mark('index_share_for_mtp_iteration', 'indexer_rope_interleave');
  const n = full.filter((t) => t === 'full').length;
  // How many tokens attention reads (no tensor; the figure says it). The config classes' default: 2048.
  dims['k_i'] = r.present('index_topk') ? r.dim('k_{i}', 'index_topk') : derivedDim('k_{i}', 2048, 'index_topk (absent: 2048)');
  notes.push(
    n === L
      ? `DSA lightning indexer on every layer and on the MTP modules: attention reads the top-k (${dims['k_i'].value}) tokens it picks.`
      : `DSA lightning indexer on ${n} of ${L} layers (${listed ? 'indexer_types "full"' : 'by index_topk_freq'}) and on the MTP modules; the other layers reuse the last top-k (${dims['k_i'].value} tokens).`,
  );
  return (i) => i >= L || full[i] === 'full';
}

/**
 * Hy4 (HYV4Config, modeling_hy_v4.py): MLA whose heads' output is gated elementwise
 * (`self_attn.gate_proj`), learned sinks (`self_attn.sinks` [H]), and independent
 * hyper-connections: `attn_hc` and `ffn_hc` on every layer, `hc_head` before the final norm, none
 * in the MTP module. Every layer is DSA attention (`layer_types` "deepseek_sparse_attention").
 */
function readHy4(r: ConfigReader, L: number, dims: Record<string, Dim>, flags: Flags, notes: string[]): void {
  for (const field of ['use_mla', 'use_dsa'] as const) {
    if (!r.bool(field, true)) throw r.error('unsupported-feature', field, 'is false; only Hy4 with MLA and the DSA indexer (both true) is known');
  }
  r.strArray('layer_types', { length: L, allowed: ['deepseek_sparse_attention'] });
  // HYV4Attention builds linear_gate [H·d_v, d] and sinks [H] whatever gated_mla and
  // learnable_sink say: counted either way, and said so when the config switches them off.
  const gating = r.strOr('gating_type', 'elementwise');
  if (gating !== 'elementwise') throw r.error('unsupported-feature', 'gating_type', `is ${quote(gating)}; only "elementwise" (a gate per value channel) is known`);
  flags.output_gate = true;
  flags.attention_sinks = true;
  for (const field of ['gated_mla', 'learnable_sink'] as const) {
    if (!r.bool(field, true)) notes.push(`${r.path(field)} is false, but HYV4Attention still has its ${field === 'gated_mla' ? 'output gate (linear_gate)' : 'sinks'}: counted.`);
  }
  if (!r.bool('enable_ihc', true)) throw r.error('unsupported-feature', 'enable_ihc', 'is false; Hy4 without its hyper-connections is not known');
  dims['hc'] = r.dim('n_{hc}', 'hc_mult', { max: 64 });
  flags.hyper_connections = true;
  flags.hc_variant = 'independent';
  notes.push(`Independent hyper-connections: the residual stream is ${dims['hc'].value} streams wide; around each sub-layer a mixer reads its input from the streams and writes its output back to each (no stream mixing); the MTP module has none.`);
  // Initial values, magnitudes and fp32 switches: no tensors.
  r.mark('learnable_sink_init', 'hc_magnitude', 'enable_lm_head_fp32', 'bitwise_backward_align', 'mtp_loss_factor');
}
