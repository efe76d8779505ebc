/**
 * Solar-Open2 (`solar_open2`, SolarOpen2Config; transformers' modeling_solar_open2.py, vLLM's
 * solar_open2.py): Kimi Delta Attention on most layers and gated GQA without positions on the
 * layers of `gqa_layers` (else `layer_types`, else every `gqa_interval + 1`-th layer), a
 * GLM-4.5-style MoE (a selection bias, `n_shared_experts` of the routed width) behind
 * `first_k_dense_replace` dense layers; two RMSNorms per layer, a final norm.
 * The KDA sizes are in `linear_attn_config` (`num_heads`, `head_dim`, `num_kv_heads`,
 * `short_conv_kernel_size`); `kda_use_full_proj` makes its gates full projections.
 */
import { LIMITS, type ConfigReader } from '../config-reader.js';
import { readFfnPlan, type MoeRecipe } from '../blocks/moe.js';
import { checkKvHeads, defaultFlags, derivedDim, description, noBiases, plainLayer, readCore, readHeads, readTied } from '../common.js';
import type { ArchDescription, Dim } from '../types.js';

const MOE: MoeRecipe = {
  layers: { rule: 'dense_prefix', field: 'first_k_dense_replace' },
  experts: 'n_routed_experts',
  topK: 'num_experts_per_tok',
  expertWidth: 'moe_intermediate_size',
  shared: { count: 'n_shared_experts' },
  selectionBias: 'always',
};

/** Which layers are GQA: `layer_types`, else `gqa_layers`, else transformers' `gqa_interval` rule. */
function gqaLayers(r: ConfigReader, L: number, notes: string[]): boolean[] {
  const types = r.strArray('layer_types', { length: L, allowed: ['full_attention', 'linear_attention'] });
  if (types) {
    r.mark('gqa_layers', 'gqa_interval');
    return types.map((t) => t === 'full_attention');
  }
  const listed = r.intArray('gqa_layers', { max: L - 1 });
  if (listed) {
    r.mark('gqa_interval');
    const set = new Set(listed);
    return Array.from({ length: L }, (_, i) => set.has(i));
  }
  const interval = r.int('gqa_interval', { max: LIMITS.layers });
  // transformers: layer i is GQA when i % (gqa_interval + 1) == 0 (vLLM's fallback differs).
  notes.push(`gqa_layers is absent: layer i is GQA when i % (gqa_interval + 1) = 0, as transformers reads it.`);
  return Array.from({ length: L }, (_, i) => i % (interval + 1) === 0);
}

export function describeSolarOpen2(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const { H, Hkv, dh } = readHeads(r, d);
  const dims: Record<string, Dim> = { d, V, L, H, H_kv: Hkv, d_h: dh };
  const gqa = gqaLayers(r, L.value, notes);

  const la = r.child('linear_attn_config');
  if (!la) throw r.error('config-invalid-field', 'linear_attn_config', 'is required: the Kimi Delta Attention sizes (num_heads, head_dim, short_conv_kernel_size)');
  dims['H_l'] = la.dim('H_{l}', 'num_heads', { max: LIMITS.heads });
  dims['d_l'] = la.dim('d_{l}', 'head_dim', { max: LIMITS.width });
  dims['H_lkv'] = la.has('num_kv_heads') ? la.dim('H_{lkv}', 'num_kv_heads', { max: LIMITS.heads }) : (la.get('num_kv_heads'), derivedDim('H_{lkv}', dims['H_l'].value, `${la.path('num_heads')} (num_kv_heads null)`));
  checkKvHeads(la, 'num_kv_heads', dims['H_lkv'].value, 'num_heads', dims['H_l'].value);
  dims['K_c'] = la.dim('K_{c}', 'short_conv_kernel_size', { max: 64 });
  // unknownFields() gives full paths; error() adds the reader's prefix again.
  for (const f of la.unknownFields()) throw la.error('config-unknown-fields', f.slice(la.prefix.length + 1), 'is not understood in linear_attn_config; it may change the KDA layers');
  const fullGates = r.bool('kda_use_full_proj', false);
  // β is doubled when negative eigenvalues are allowed: no tensor.
  r.mark('kda_allow_neg_eigval');

  for (const f of ['attention_bias', 'use_qk_norm', 'use_gqa_gate_bias']) {
    if (r.bool(f, false)) throw r.error('unsupported-feature', f, 'is true; only Solar-Open2 without it is known');
  }
  const gated = r.bool('use_gqa_gate', true);
  const rope = r.bool('use_rope', false);
  // The rotary fields are read by nothing when use_rope is false; no parameters either way.
  r.mark('partial_rotary_factor');
  const ffn = readFfnPlan(r, L.value, MOE);
  Object.assign(dims, ffn.dims);
  const layers = gqa.map((isGqa, i) => {
    const l = plainLayer(i, isGqa ? { rope } : { kind: 'kda', rope: false });
    if (ffn.isMoe(i)) l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  });
  const act = r.strOr('hidden_act', 'silu');
  if (act !== 'silu') throw r.error('config-invalid-field', 'hidden_act', `is "${act}"; Solar-Open2's MLPs and experts are SwiGLU`);
  const n = gqa.filter(Boolean).length;
  notes.push(`${L.value - n} of ${L.value} layers are Kimi Delta Attention (a state of ${dims['d_l'].value} × ${dims['d_l'].value} per head, no KV cache); the other ${n} are ${gated ? 'gated ' : ''}GQA${rope ? '' : ' without positional encoding (use_rope false)'}.`);
  return description(r, {
    model_type: r.modelType,
    family: Hkv.value === H.value ? 'mha' : 'gqa',
    flags: defaultFlags({
      ...ffn.flags,
      tied_embeddings: readTied(r, false, notes),
      linear_attention_hybrid: n < L.value,
      nope_layers: !rope && n > 0,
      ...(gated ? { output_gate: true, output_gate_separate: true } : {}),
      ...(fullGates ? { kda_full_gates: true } : {}),
    }),
    dims,
    layers,
    activation: act,
    biases: noBiases(),
    notes,
  });
}
