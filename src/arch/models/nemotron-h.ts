/**
 * Nemotron-H (`nemotron_h`, NemotronHConfig; modeling_nemotron_h.py): a stack of blocks with one
 * mixer each, picked per layer by `hybrid_override_pattern` (`M` Mamba-2, `*` attention, `-` MLP,
 * `E` MoE; transformers 5 writes `layers_block_type` instead). A block is RMSNorm (`norm`) →
 * mixer → residual add. Attention is GQA without positions or q/k norms; MLPs and experts are
 * relu2 (up, down); the MoE may work in a latent (`moe_latent_size`: Nemotron 3 Super) with a
 * shared expert on the full width and a selection bias; an MTP module (`num_nextn_predict_layers`,
 * blocks by `mtp_hybrid_override_pattern`) with `eh_proj` and three norms. The Mamba-2 width is
 * `mamba_num_heads · mamba_head_dim` (not `expand · hidden_size`).
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { checkTopK, defaultFlags, derivedDim, description, noBiases, plainLayer, readHeads, readTied } from '../common.js';
import type { ArchDescription, Dim, LayerSpec } from '../types.js';

/** A block's one mixer, as the pattern's character says it. */
type Mixer = 'M' | '*' | '-' | 'E';

/** The block types of `layers_block_type`: transformers writes `linear_attention` and
 * `full_attention` and reads the older `mamba` and `attention` as the same. */
const BLOCK_TYPES = new Map<string, Mixer>([['mamba', 'M'], ['linear_attention', 'M'], ['attention', '*'], ['full_attention', '*'], ['mlp', '-'], ['moe', 'E']]);

/** Mixers from a block-type list (`layers_block_type`, `mtp_layers_block_type`), or null when absent. */
function blockTypes(r: ConfigReader, field: string, length: number | null): Mixer[] | null {
  const types = r.strArray(field, { ...(length === null ? {} : { length }), allowed: [...BLOCK_TYPES.keys()] });
  return types && types.map((t) => BLOCK_TYPES.get(t)!);
}

/**
 * The layers' mixers from `layers_block_type` or `hybrid_override_pattern` (both must agree), and
 * their number: transformers takes it from the list when `num_hidden_layers` is absent.
 */
function readLayers(r: ConfigReader, fallbackL: () => Dim): { pattern: Mixer[]; L: Dim } {
  const listed = r.has('layers_block_type') ? (r.get('layers_block_type') as unknown[]) : null;
  const L = r.has('num_hidden_layers') || !Array.isArray(listed)
    ? fallbackL()
    : derivedDim('L', listed.length, `the length of ${r.path('layers_block_type')}`);
  const fromList = blockTypes(r, 'layers_block_type', L.value);
  if (fromList === null) return { pattern: patternOf(r, 'hybrid_override_pattern', L.value), L };
  if (r.has('hybrid_override_pattern') && patternOf(r, 'hybrid_override_pattern', L.value).join('') !== fromList.join('')) {
    throw r.error('config-inconsistent', 'hybrid_override_pattern', 'disagrees with layers_block_type');
  }
  return { pattern: fromList, L };
}

/** A pattern string of `length` characters (any length when null), each M, *, - or E. */
function patternOf(r: ConfigReader, field: string, length: number | null): Mixer[] {
  const s = r.strOr(field, null);
  if (s === null) throw r.error('config-invalid-field', field, 'is required: one character per layer, M (Mamba-2), * (attention), - (MLP) or E (MoE)');
  if (length !== null && s.length !== length) throw r.error('config-inconsistent', field, `has ${s.length} characters, expected ${length} (num_hidden_layers)`);
  const bad = [...s].findIndex((c) => !'M*-E'.includes(c));
  if (bad >= 0) throw r.error('config-invalid-field', field, `has ${quote(s[bad]!)} at position ${bad}; each layer is M (Mamba-2), * (attention), - (MLP) or E (MoE)`);
  return [...s] as Mixer[];
}

/** A layer with the one mixer `m` (MTP modules: attention and MoE in one block, see below). */
function mixerLayer(index: number, m: Mixer): LayerSpec {
  const l = plainLayer(index, { rope: false });
  if (m === 'M' || m === '-' || m === 'E') l.attention.kind = m === 'M' ? 'mamba2' : 'none';
  l.ffn = m === '-' ? { kind: 'dense', routing: null } : m === 'E' ? { kind: 'moe', routing: 'score' } : { kind: 'none', routing: null };
  return l;
}

export function describeNemotronH(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const d = r.dim('d', 'hidden_size', { max: LIMITS.width });
  const V = r.dim('V', 'vocab_size', { max: LIMITS.vocab });
  const { pattern, L } = readLayers(r, () => r.dim('L', 'num_hidden_layers', { max: LIMITS.layers }));
  const dims: Record<string, Dim> = { d, V, L };
  const has = (m: Mixer) => pattern.includes(m);

  // The MTP module's blocks count too: a '*' or 'E' there needs the same sizes. transformers
  // writes them as mtp_layers_block_type (always, ['full_attention', 'moe'] by default).
  const nMtp = r.intOr('num_nextn_predict_layers', 0, { min: 0, max: 1 });
  const mtpField = r.has('mtp_layers_block_type') || !r.has('mtp_hybrid_override_pattern') ? 'mtp_layers_block_type' : 'mtp_hybrid_override_pattern';
  let mtpPattern: Mixer[] = [];
  if (nMtp > 0) {
    mtpPattern = mtpField === 'mtp_layers_block_type' ? blockTypes(r, mtpField, null) ?? ['*', 'E'] : patternOf(r, mtpField, null);
    if (r.has('mtp_layers_block_type') && r.has('mtp_hybrid_override_pattern') && patternOf(r, 'mtp_hybrid_override_pattern', null).join('') !== mtpPattern.join('')) {
      throw r.error('config-inconsistent', 'mtp_hybrid_override_pattern', 'disagrees with mtp_layers_block_type');
    }
    if (mtpPattern.join('') !== '*E') throw r.error('unsupported-feature', mtpField, `says ${quote(mtpPattern.join(''))}; only the MTP module of attention then MoE ("*E", Nemotron 3 Super) is known`);
  } else r.mark('mtp_layers_block_type', 'mtp_hybrid_override_pattern');
  const uses = (m: Mixer) => has(m) || mtpPattern.includes(m);

  if (uses('*')) {
    const { H, Hkv, dh } = readHeads(r, d);
    Object.assign(dims, { H, H_kv: Hkv, d_h: dh });
    if (r.bool('attention_bias', false)) throw r.error('unsupported-feature', 'attention_bias', 'is true; Nemotron-H attention with biases is not counted yet');
    const window = r.get('sliding_window');
    if (window !== undefined && window !== null) throw r.error('unsupported-feature', 'sliding_window', 'is set; only Nemotron-H with global attention is known');
    // NemotronHAttention applies no rotary positions: the rotary fields are read by nothing.
    r.mark('partial_rotary_factor');
  } else r.mark('num_attention_heads', 'num_key_value_heads', 'head_dim', 'attention_bias', 'sliding_window', 'partial_rotary_factor');

  if (has('M')) {
    const Hm = r.dim('H_m', 'mamba_num_heads', { max: LIMITS.heads });
    const P = r.dim('d_{hm}', 'mamba_head_dim', { max: LIMITS.width });
    Object.assign(dims, {
      H_m: Hm,
      d_hm: P,
      d_in: derivedDim('d_{in}', Hm.value * P.value, `${r.path('mamba_num_heads')} · ${r.path('mamba_head_dim')}`),
      G: r.dim('G', 'n_groups', { max: LIMITS.heads }),
      N: r.dim('N', 'ssm_state_size', { max: 1024 }),
      K_m: r.dim('K_{m}', 'conv_kernel', { max: 64 }),
    });
    if (Hm.value % dims['G']!.value !== 0) throw r.error('config-inconsistent', 'n_groups', `(${dims['G']!.value}) must divide mamba_num_heads (${Hm.value})`);
    if (!r.bool('use_conv_bias', true)) throw r.error('unsupported-feature', 'use_conv_bias', 'is false; only Nemotron-H with its conv bias is known');
    // in_proj and out_proj take their bias from use_bias; mamba_proj_bias is read by no implementation.
    if (r.bool('use_bias', false)) throw r.error('unsupported-feature', 'use_bias', 'is true; Mamba-2 projections with biases are not counted yet');
    r.mark('mamba_proj_bias');
    const act = r.strOr('mamba_hidden_act', 'silu');
    if (act !== 'silu') throw r.error('config-invalid-field', 'mamba_hidden_act', `is ${quote(act)}; the Mamba-2 mixer's conv and gate are SiLU`);
    // `expand` sizes nothing here (d_in is heads × head size); the Mamba-1 `time_step_rank` neither.
    r.mark('expand', 'time_step_rank');
  } else r.mark('mamba_num_heads', 'mamba_head_dim', 'n_groups', 'ssm_state_size', 'conv_kernel', 'use_conv_bias', 'use_bias', 'mamba_proj_bias', 'mamba_hidden_act', 'expand', 'time_step_rank');
  // The scan's chunking, Δ's initialisation and limits, the cache dtype, kernels: no tensors.
  r.mark('chunk_size', 'time_step_min', 'time_step_max', 'time_step_floor', 'time_step_limit', 'mamba_ssm_cache_dtype', 'use_mamba_kernels', 'rescale_prenorm_residual', 'residual_in_fp32', 'num_logits_to_keep');

  if (uses('-') || uses('E')) {
    const act = r.strOr('mlp_hidden_act', 'relu2');
    if (act !== 'relu2') throw r.error('config-invalid-field', 'mlp_hidden_act', `is ${quote(act)}; Nemotron-H MLPs are relu2 (squared ReLU)`);
    if (r.bool('mlp_bias', false)) throw r.error('unsupported-feature', 'mlp_bias', 'is true; Nemotron-H MLPs with biases are not counted yet');
  } else r.mark('mlp_hidden_act', 'mlp_bias');
  if (has('-')) dims['d_ff'] = r.dim('d_{ff}', 'intermediate_size');
  else r.mark('intermediate_size');
  if (uses('E')) {
    Object.assign(dims, {
      E: r.dim('E', 'n_routed_experts', { max: LIMITS.heads }),
      k: r.dim('k', 'num_experts_per_tok'),
      d_e: r.dim('d_{e}', 'moe_intermediate_size'),
      d_s: r.dim('d_{s}', 'moe_shared_expert_intermediate_size'),
    });
    checkTopK(r, dims);
    // NemotronHConfig's default is 1; vLLM widens the shared expert by it, transformers does not.
    const shared = r.intOr('n_shared_experts', 1, { min: 0 });
    if (shared !== 1) throw r.error('unsupported-feature', 'n_shared_experts', `is ${shared}; only Nemotron-H's one shared expert is known`);
    if (r.has('moe_latent_size')) dims['d_lat'] = r.dim('d_{lat}', 'moe_latent_size', { max: LIMITS.width });
    else r.get('moe_latent_size');
    // Whether the shared expert overlaps the routed ones in time: no tensors.
    r.mark('moe_shared_expert_overlap');
  } else r.mark('n_routed_experts', 'num_experts_per_tok', 'moe_intermediate_size', 'moe_shared_expert_intermediate_size', 'n_shared_experts', 'moe_latent_size', 'moe_shared_expert_overlap');

  const layers = pattern.map((m, i) => mixerLayer(i, m));
  // The MTP module "*E": an attention block and a MoE block, each with its norm — one layer with
  // both sub-layers, pre-norm, counted as every other MTP module is.
  const mtpLayers = nMtp > 0 ? [{ ...plainLayer(L.value, { rope: false }), ffn: { kind: 'moe' as const, routing: 'score' as const } }] : [];
  const n = (m: Mixer) => pattern.filter((x) => x === m).length;
  const parts = [
    [n('M'), 'Mamba-2'],
    [n('*'), 'attention (no positional encoding)'],
    [n('-'), 'relu2 MLP'],
    [n('E'), dims['d_lat'] ? `latent MoE (experts in a ${dims['d_lat'].value}-wide latent)` : 'MoE'],
  ].filter(([c]) => (c as number) > 0).map(([c, what]) => `${c} ${what}`);
  notes.push(`Each of the ${L.value} blocks has one mixer (hybrid_override_pattern): ${parts.join(', ')}; the Mamba-2 layers keep a fixed state, no KV cache.`);
  if (nMtp > 0) notes.push('The MTP module (mtp_hybrid_override_pattern "*E") is an attention block and a MoE block with eh_proj and three norms; it shares the embedding and the output head.');
  return description(r, {
    model_type: r.modelType,
    family: uses('*') ? (dims['H_kv']!.value === dims['H']!.value ? 'mha' : 'gqa') : 'mha',
    flags: defaultFlags({
      tied_embeddings: readTied(r, false, notes),
      linear_attention_hybrid: has('M'),
      nope_layers: uses('*'),
      ffn_kind: 'mlp',
      ...(uses('E') ? { moe: true, shared_experts: true, router_bias: true } : {}),
      ...(nMtp > 0 ? { mtp: true } : {}),
    }),
    dims,
    layers,
    activation: 'relu2',
    biases: noBiases(),
    notes,
  }, { mtp_layers: mtpLayers, mtp_norm_names: 'enorm, hnorm, final_layernorm' });
}
