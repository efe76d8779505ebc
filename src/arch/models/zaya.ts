/**
 * ZAYA1 (`zaya`, ZayaConfig; transformers' modeling_zaya.py, vLLM's zaya.py): every layer
 * (`layer_types` "hybrid", or "hybrid_sliding" with a window) is RMSNorm → compressed
 * convolutional attention (CCA: GQA whose q and k pass two convolutions over time, half of each
 * value from the previous token, L2-normed q and k with a learned key scale, partial RoPE) →
 * a learned residual scaling → RMSNorm → a top-k MoE whose router is an MLP with a "skip" class
 * and a state carried from the previous layer's router → residual scaling. The embedding is
 * scaled and shifted before the first layer; the head is tied.
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { checkTopK, defaultFlags, description, noBiases, plainLayer, readCore, readHeads, readTied } from '../common.js';
import type { ArchDescription, Dim } from '../types.js';

export function describeZaya(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const { H, Hkv, dh } = readHeads(r, d);
  const dims: Record<string, Dim> = {
    d, V, L, H, H_kv: Hkv, d_h: dh,
    t_0: r.dim('t_{0}', 'cca_time0', { max: 64 }),
    t_1: r.dim('t_{1}', 'cca_time1', { max: 64 }),
    E: r.dim('E', 'num_experts', { max: LIMITS.heads }),
    k: r.dim('k', 'num_experts_per_tok'),
    d_e: r.dim('d_{e}', 'moe_intermediate_size'),
    r_r: r.dim('r_{r}', 'router_hidden_size', { max: LIMITS.width }),
  };
  checkTopK(r, dims);
  if (dh.value * Hkv.value % 2 !== 0) throw r.error('config-inconsistent', 'head_dim', 'times num_key_value_heads must be even: the values are two halves');
  for (const f of ['attention_bias', 'lm_head_bias']) if (r.bool(f, false)) throw r.error('unsupported-feature', f, 'is true; only ZAYA1 without it is known');
  const act = r.strOr('hidden_act', 'silu');
  if (act !== 'silu') throw r.error('config-invalid-field', 'hidden_act', `is ${quote(act)}; ZAYA1's experts are SwiGLU`);
  const types = r.strArray('layer_types', { length: L.value, allowed: ['hybrid', 'hybrid_sliding'] });
  const sliding = types?.some((t) => t === 'hybrid_sliding') ?? false;
  const window = sliding ? r.int('sliding_window') : (r.get('sliding_window'), null);
  // Rotary per layer type, partial: no tensors; the fraction must still be one.
  const partial = r.numberOr('partial_rotary_factor', 1);
  if (!(partial > 0 && partial <= 1)) throw r.error('config-inconsistent', 'partial_rotary_factor', `is ${partial}, outside (0, 1]`);
  const layers = Array.from({ length: L.value }, (_, i) => {
    const l = plainLayer(i, { kind: 'cca', window: types?.[i] === 'hybrid_sliding' ? window : null });
    // The first layer's router carries no state from a layer before it.
    l.ffn = { kind: 'moe', routing: 'score', ...(i > 0 ? { router_state: true } : {}) };
    return l;
  });
  notes.push(`Every layer is compressed convolutional attention (q and k through convolutions over time of ${dims['t_0']!.value} and ${dims['t_1']!.value} taps, half of each value from the previous token) and a MoE of ${dims['E']!.value} experts, ${dims['k']!.value} per token, whose MLP router can also pick a "skip" class that runs no expert.`);
  notes.push(`The checkpoint also stores mlp.gate.balancing_biases [${dims['E']!.value + 1}] in every layer, a buffer kept by load balancing, not a parameter: the Hub's total leaves them out, its BF16 bucket counts them (${L.value} × ${dims['E']!.value + 1} more); listed in non_learned.`);
  const arch = description(r, {
    model_type: r.modelType,
    family: Hkv.value === H.value ? 'mha' : 'gqa',
    flags: defaultFlags({
      moe: true,
      tied_embeddings: readTied(r, true, notes),
      qk_norm: 'l2',
      partial_rotary: partial,
      sliding_window: sliding,
      router_mlp: true,
      residual_scaling: true,
    }),
    dims,
    layers,
    activation: act,
    biases: noBiases(),
    notes,
  });
  arch.checkpoint.unlearned_buffers = [{ id: 'balancing_biases', name: 'mlp.gate.balancing_biases (a load-balancing buffer)', count: dims['E']!.value + 1 }];
  return arch;
}
