/**
 * Jamba (`jamba`, JambaConfig; modeling_jamba.py): Mamba mixers with attention on every
 * `attn_layer_period`-th layer (from `attn_layer_offset`), MoE on every `expert_layer_period`-th
 * (from `expert_layer_offset`), dense SwiGLU MLPs elsewhere; pre-norm (`input_layernorm`,
 * `pre_ff_layernorm`), GQA without rotary positions, a final norm, an untied head.
 * The Mamba mixer: `mamba_expand`·d inner channels, a causal conv of `mamba_d_conv` taps,
 * `mamba_d_state` states, `mamba_dt_rank` for Δ.
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { checkTopK, defaultFlags, derivedDim, description, noBiases, plainLayer, readCore, readHeads, readTied } from '../common.js';
import type { ArchDescription, Dim } from '../types.js';

export function describeJamba(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const { H, Hkv, dh } = readHeads(r, d, { headDimDerived: true, kvDefaultsToHeads: true });
  // JambaAttention's head size is always hidden_size / num_attention_heads: a head_dim that says
  // otherwise would be read by nothing.
  if (dh.value * H.value !== d.value) {
    throw r.error('config-inconsistent', 'head_dim', `is ${dh.value}, but JambaAttention uses hidden_size / num_attention_heads (${d.value / H.value})`, {
      hint: 'Remove "head_dim" from the config.',
    });
  }
  const expand = r.int('mamba_expand', { max: 16 });
  // mamba_dt_rank "auto" is ceil(d / 16), as JambaConfig resolves it.
  const dtRank = r.get('mamba_dt_rank') === 'auto'
    ? derivedDim('r_{dt}', Math.ceil(d.value / 16), `⌈${r.path('hidden_size')} / 16⌉`)
    : r.dim('r_{dt}', 'mamba_dt_rank');
  const dims: Record<string, Dim> = {
    d,
    V,
    L,
    H,
    H_kv: Hkv,
    d_h: dh,
    d_ff: r.dim('d_{ff}', 'intermediate_size'),
    d_in: derivedDim('d_{in}', expand * d.value, `${r.path('mamba_expand')} · ${r.path('hidden_size')}`),
    K_m: r.dim('K_{m}', 'mamba_d_conv', { max: 64 }),
    N: r.dim('N', 'mamba_d_state', { max: 1024 }),
    r_dt: dtRank,
  };
  if (!r.bool('mamba_conv_bias', true)) throw r.error('unsupported-feature', 'mamba_conv_bias', 'is false; only Jamba with its conv bias is known');
  if (r.bool('mamba_proj_bias', false)) throw r.error('unsupported-feature', 'mamba_proj_bias', 'is true; Mamba projections with biases are not counted yet');
  const act = r.strOr('hidden_act', 'silu');
  if (act !== 'silu') throw r.error('config-invalid-field', 'hidden_act', `is ${quote(act)}; Jamba MLPs are SwiGLU`);
  const window = r.get('sliding_window');
  if (window !== undefined && window !== null) throw r.error('unsupported-feature', 'sliding_window', 'is set; only Jamba with global attention is known');
  const period = r.int('attn_layer_period', { max: LIMITS.layers });
  const offset = r.int('attn_layer_offset', { min: 0, max: period - 1 });
  const ePeriod = r.int('expert_layer_period', { max: LIMITS.layers });
  const eOffset = r.int('expert_layer_offset', { min: 0, max: ePeriod - 1 });
  const E = r.int('num_experts');
  if (E > 1) {
    dims['E'] = r.dim('E', 'num_experts');
    dims['k'] = r.dim('k', 'num_experts_per_tok');
    dims['d_e'] = r.dim('d_{e}', 'intermediate_size');
    checkTopK(r, dims);
  } else r.mark('num_experts_per_tok');
  // Kernels, logits kept and the router loss: no tensors.
  r.mark('use_mamba_kernels', 'num_logits_to_keep', 'router_aux_loss_coef');
  const layers = Array.from({ length: L.value }, (_, i) => {
    const l = plainLayer(i, { rope: false });
    if (i % period !== offset) l.attention.kind = 'mamba';
    if (E > 1 && i % ePeriod === eOffset) l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  });
  const attention = layers.filter((l) => l.attention.kind === 'softmax').length;
  // The flags say what the layers have: a period beyond the depth leaves no MoE (or attention) layer.
  const moeLayers = layers.filter((l) => l.ffn.kind === 'moe').length;
  notes.push(`${L.value - attention} of ${L.value} layers are Mamba mixers (a state of ${dims['N']!.value} per channel, no KV cache); ${attention} are attention, without positional encoding.`);
  return description(r, {
    model_type: r.modelType,
    family: Hkv.value === H.value ? 'mha' : 'gqa',
    flags: defaultFlags({
      tied_embeddings: readTied(r, false, notes),
      linear_attention_hybrid: attention < L.value,
      nope_layers: attention > 0,
      ...(moeLayers > 0 ? { moe: true, moe_every: ePeriod } : {}),
    }),
    dims,
    layers,
    activation: act,
    biases: noBiases(),
    notes,
  });
}

