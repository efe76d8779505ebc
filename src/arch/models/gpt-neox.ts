/**
 * GPT-NeoX (`gpt_neox`: GPT-NeoX-20B, the Pythia suite): MHA with one fused `query_key_value`
 * projection, a two-matrix MLP of `intermediate_size`, LayerNorms with biases, and by default
 * attention and MLP in parallel from the same input, each behind its own LayerNorm
 * (`use_parallel_residual`). Rotary over `rotary_pct` of each head (no parameters).
 */
import { LIMITS, type ConfigReader } from '../config-reader.js';
import { defaultFlags, derivedDim, description, noBiases, plainLayer, readCore, readTied, widthPerHead } from '../common.js';
import type { ArchDescription } from '../types.js';

export function describeGptNeox(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const H = r.dim('H', 'num_attention_heads', { max: LIMITS.heads });
  const dh = widthPerHead(r, d, H, 'num_attention_heads');
  const Hkv = derivedDim('H_{kv}', H.value, `${r.path('num_attention_heads')} (MHA)`);
  const dff = r.dim('d_{ff}', 'intermediate_size');
  // GPTNeoXConfig: attention_bias defaults to true (query_key_value and dense); the MLP's two
  // linears always have biases.
  const attentionBias = r.bool('attention_bias', true);
  const parallel = r.bool('use_parallel_residual', true);
  const rotary = r.numberOr('rotary_pct', 0.25);
  if (rotary <= 0 || rotary > 1) throw r.error('config-inconsistent', 'rotary_pct', `is ${rotary}, outside (0, 1]`);
  const activation = r.strOr('hidden_act', 'gelu');
  // Rotary frequency base, dropout and the old-style names of the same.
  r.mark('rotary_emb_base', 'attention_probs_dropout_prob', 'hidden_dropout_prob', 'use_cache');
  const tied = readTied(r, false, notes);
  notes.push('Checkpoints also store buffers, counted by the Hub but not parameters: a causal mask of max_position_embeddings² per layer (attention.bias) and the rotary inv_freq.');
  return description(r, {
    model_type: r.modelType,
    family: 'mha',
    flags: defaultFlags({
      tied_embeddings: tied,
      norm_kind: 'layernorm',
      norm_placement: 'pre',
      parallel_attention: parallel,
      ffn_kind: 'mlp',
      ffn_bias: true,
      attention_bias: attentionBias,
      partial_rotary: rotary,
      fused_projections: true,
    }),
    dims: { d, V, L, H, H_kv: Hkv, d_h: dh, d_ff: dff },
    layers: Array.from({ length: L.value }, (_, i) => plainLayer(i)),
    activation,
    biases: noBiases({ qkv: attentionBias, o: attentionBias, ffn: true, norm: true }),
    notes,
  });
}
