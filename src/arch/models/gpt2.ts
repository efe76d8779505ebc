/**
 * GPT-2: learned positions, LayerNorm with bias, fused q/k/v (`c_attn`) with biases, a GELU MLP
 * with biases, head tied to the token embedding.
 */
import { LIMITS, type ConfigReader } from '../config-reader.js';
import { defaultFlags, derivedDim, description, noBiases, plainLayer, readCore, readTied } from '../common.js';
import type { ArchDescription } from '../types.js';

export function describeGpt2(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r, { d: 'n_embd', V: 'vocab_size', L: 'n_layer' });
  r.mark('num_attention_heads');
  const H = r.dim('H', 'n_head', { max: LIMITS.heads });
  if (d.value % H.value !== 0) {
    throw r.error('config-inconsistent', 'n_head', `(${H.value}) does not divide n_embd (${d.value})`);
  }
  const dh = derivedDim('d_{h}', d.value / H.value, `${r.path('n_embd')} / ${r.path('n_head')}`);
  const inner = r.intOr('n_inner', null);
  if (inner === null) notes.push('n_inner is absent: GPT-2 uses 4·n_embd.');
  const dff = inner === null ? derivedDim('d_{ff}', 4 * d.value, `4 · ${r.path('n_embd')} (n_inner absent)`) : r.dim('d_{ff}', 'n_inner');
  const P = r.dim('P', 'n_positions');
  if (r.bool('add_cross_attention', false)) {
    throw r.error('not-decoder-only', 'add_cross_attention', 'is true: this GPT-2 is an encoder-decoder component, not a decoder-only LLM');
  }
  const activation = r.strOr('activation_function', 'gelu_new');
  const tied = readTied(r, true, notes);
  return description(
    r,
    {
      model_type: 'gpt2',
      family: 'mha',
      flags: defaultFlags({
        tied_embeddings: tied,
        norm_kind: 'layernorm',
        ffn_kind: 'mlp',
        ffn_bias: true,
        attention_bias: true,
        learned_positions: true,
        fused_projections: true,
      }),
      dims: { d, V, L, H, H_kv: derivedDim('H_{kv}', H.value, `${r.path('n_head')} (MHA)`), d_h: dh, d_ff: dff, P },
      layers: Array.from({ length: L.value }, (_, i) => plainLayer(i, { rope: false })),
      activation,
      biases: noBiases({ qkv: true, o: true, ffn: true, norm: true }),
      notes,
    },
    {
      max_position_embeddings: P.value,
    },
  );
}
