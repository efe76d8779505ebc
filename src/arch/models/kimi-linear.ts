/**
 * Kimi Linear (`kimi_linear`, KimiLinearConfig; Moonshot's modeling_kimi_linear.py), the text
 * decoder of Kimi-Linear-48B and of the Kimi K3 wrapper (`kimi_k3`): Kimi Delta Attention on the
 * layers of `linear_attn_config.kda_layers`, MLA on those of `full_attn_layers` (both 1-based),
 * without positions when `mla_use_nope`, with a sigmoid output gate (`g_proj`) when
 * `mla_use_output_gate`; a DeepSeek-style MoE behind `first_k_dense_replace` dense layers, its
 * experts in a latent of `routed_expert_hidden_size` (down-projection, experts, RMSNorm of their
 * sum, up-projection) where that differs from `hidden_size`; the SiTU activation (`hidden_act:
 * "situ"`, no parameters). K3 adds block attention residuals (`attn_res_block_size`): each
 * sub-layer reads a softmax mix, by a learned query, of the sealed block sums and the running one.
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { readFfnPlan, type MoeRecipe } from '../blocks/moe.js';
import { defaultFlags, derivedDim, description, noBiases, plainLayer, readCore } from '../common.js';
import type { ArchDescription, Dim } from '../types.js';
import { readMlaDims } from './deepseek.js';

const MOE: MoeRecipe = {
  layers: { rule: 'dense_prefix', field: 'first_k_dense_replace', freq: true },
  experts: 'num_experts',
  topK: 'num_experts_per_token',
  expertWidth: 'moe_intermediate_size',
  shared: { count: 'num_shared_experts' },
  selectionBias: 'always',
};

/** A 1-based layer list of `linear_attn_config`, as 0-based indices. */
function layerList(la: ConfigReader, field: string, L: number): number[] {
  const list = la.intArray(field, { min: 1, max: L });
  if (!list) throw la.error('config-invalid-field', field, 'is required: the 1-based numbers of its layers');
  return list.map((i) => i - 1);
}

/** Kimi Delta Attention's sizes in `linear_attn_config`: heads, head size (keys and values alike)
 * and the short convolutions' kernel (Kimi Linear, Kimi K3, GLM-5.3-Flash). */
export function readKdaSizes(la: ConfigReader): Record<string, Dim> {
  const H = la.dim('H_{l}', 'num_heads', { max: LIMITS.heads });
  return {
    H_l: H,
    d_l: la.dim('d_{l}', 'head_dim', { max: LIMITS.width }),
    H_lkv: derivedDim('H_{lkv}', H.value, la.path('num_heads')),
    K_c: la.dim('K_{c}', 'short_conv_kernel_size', { max: 64 }),
  };
}

export function describeKimiLinear(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const H = r.dim('H', 'num_attention_heads', { max: LIMITS.heads });
  // MLA has no separate KV heads; transformers 5 writes a head_dim that sizes nothing here.
  r.mark('num_key_value_heads', 'head_dim');
  const dims: Record<string, Dim> = { d, V, L, H, ...readMlaDims(r, notes) };

  const la = r.child('linear_attn_config');
  if (!la) throw r.error('config-invalid-field', 'linear_attn_config', 'is required: the Kimi Delta Attention sizes and layers');
  Object.assign(dims, readKdaSizes(la));
  const kda = new Set(layerList(la, 'kda_layers', L.value));
  const full = new Set(layerList(la, 'full_attn_layers', L.value));
  for (let i = 0; i < L.value; i++) {
    if (kda.has(i) === full.has(i)) throw la.error('config-inconsistent', kda.has(i) ? 'full_attn_layers' : 'kda_layers', `${kda.has(i) ? 'also lists' : 'and kda_layers both leave out'} layer ${i + 1}; each layer is KDA or MLA`);
  }
  const fullOutputGate = la.bool('use_full_rank_gate', false);
  // The decay's lower bound selects the bounded ("safe") gate form: no tensors.
  la.mark('gate_lower_bound');
  for (const f of la.unknownFields()) throw la.error('config-unknown-fields', f.slice(la.prefix.length + 1), 'is not understood in linear_attn_config; it may change the KDA layers');

  const nope = r.bool('mla_use_nope', false);
  const gated = r.bool('mla_use_output_gate', false);
  if (!nope) throw r.error('unsupported-feature', 'mla_use_nope', 'is false; only Kimi Linear with MLA without positions is known');
  const act = r.strOr('hidden_act', 'silu');
  if (act !== 'situ' && act !== 'silu') throw r.error('config-invalid-field', 'hidden_act', `is ${quote(act)}; Kimi Linear's MLPs are gated (silu or situ)`);
  // SiTU's betas, the router's activation and renormalisation, grouping: no tensors.
  r.mark('activation_situ_beta', 'activation_situ_linear_beta', 'moe_router_activation_func', 'moe_renormalize', 'num_expert_group', 'use_grouped_topk', 'topk_method');
  const ffn = readFfnPlan(r, L.value, MOE);
  Object.assign(dims, ffn.dims);
  // KimiSparseMoeBlock builds the latent projections whenever routed_expert_hidden_size is set,
  // even to hidden_size.
  const latent = r.has('routed_expert_hidden_size');
  const latentNorm = latent && r.bool('latent_moe_use_norm', false);
  if (latent) dims['d_lat'] = r.dim('d_{lat}', 'routed_expert_hidden_size', { max: LIMITS.width });
  else r.mark('routed_expert_hidden_size', 'latent_moe_use_norm');
  const resBlock = r.intOr('attn_res_block_size', null, { min: 1, max: LIMITS.layers });
  // No released Kimi Linear has MTP modules; a config with some is refused here.
  r.intOr('num_nextn_predict_layers', 0, { min: 0, max: 0 });

  const layers = Array.from({ length: L.value }, (_, i) => {
    const l = plainLayer(i, kda.has(i) ? { kind: 'kda', rope: false } : { kind: 'mla', rope: false });
    if (ffn.isMoe(i)) l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  });
  notes.push(`${kda.size} of ${L.value} layers are Kimi Delta Attention (a state of ${dims['d_l']!.value} × ${dims['d_l']!.value} per head, no KV cache); the other ${full.size} are MLA without positions (the ${dims['d_rope']!.value}-wide shared key slice is not rotated).`);
  if (resBlock !== null) notes.push(`Block attention residuals (attn_res_block_size ${resBlock}): each sub-layer reads a softmax mix, by a learned query, of the block sums sealed so far and the running one; the outputs add to the running sum, which every ${resBlock}th layer seals as a block before its attention and restarts. No plain residual path.`);
  const checkpoint: ArchDescription['checkpoint'] = { mtp_copies: { embed: false, head: false }, unknown: null };
  // Kimi K3's checkpoint stores A_log padded with zeros to head_dim entries (the model reads
  // num_heads); Kimi-Linear-48B's (no attention residuals) stores num_heads.
  if (resBlock !== null && dims['H_l']!.value < dims['d_l']!.value) {
    const pad = dims['d_l']!.value - dims['H_l']!.value;
    checkpoint.layer_buffers = [{ id: 'a_log_padding', name: 'A_log padding (zeros the checkpoint stores after the num_heads values)', count: pad, layers: [...kda].sort((a, b) => a - b) }];
    notes.push(`The checkpoint stores each KDA layer's A_log as ${dims['H_l']!.value + pad} values, ${pad} zeros after the ${dims['H_l']!.value} the model reads: counted in checkpoint_params, not in params.`);
  }
  return description(r, {
    model_type: r.modelType,
    family: 'mla',
    flags: defaultFlags({
      ...ffn.flags,
      tied_embeddings: r.bool('tie_word_embeddings', false),
      linear_attention_hybrid: kda.size > 0,
      nope_layers: true,
      ...(gated ? { output_gate: true } : {}),
      ...(fullOutputGate ? { kda_full_output_gate: true } : {}),
      ...(resBlock !== null ? { attention_residuals: resBlock } : {}),
    }),
    dims,
    layers,
    activation: act,
    biases: noBiases(),
    notes,
  }, {
    checkpoint,
    // Kimi-Linear-48B's config names its context model_max_length (KimiLinearConfig keeps it as
    // a passthrough key); K3's says max_position_embeddings.
    max_position_embeddings: r.intOr('max_position_embeddings', null) ?? r.intOr('model_max_length', null),
    ...(latent ? { latent_moe: { down: 'routed_expert_down_proj', up: 'routed_expert_up_proj', norm: latentNorm ? 'routed_expert_norm' : null } } : {}) });
}
