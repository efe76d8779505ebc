/**
 * xLSTM (`xlstm`, xLSTMConfig; modeling_xlstm.py, NX-AI's xlstm_large): a stack of mLSTM blocks
 * and no attention. A block is RMSNorm (`norm_mlstm`) → the mLSTM layer → residual → RMSNorm
 * (`norm_ffn`) → a SwiGLU FFN → residual; then `out_norm` and an untied head. The mLSTM layer
 * (xLSTMLayer): q, k [d_qk, d], v [d_v, d], the output gate `ogate_preact` [d_v, d], the input and
 * forget gates `igate_preact`, `fgate_preact` [H, d] with their biases (always), the per-head
 * `multihead_norm` [d_v], `out_proj` [d, d_v]; d_qk = int(d · qk_dim_factor), d_v likewise, the FFN
 * width d · ffn_proj_factor rounded up to ffn_round_up_to_multiple_of.
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { defaultFlags, derivedDim, description, noBiases, plainLayer } from '../common.js';
import type { ArchDescription, Dim } from '../types.js';

/** A width `d · factor` (int, as xLSTMLayer takes it) from a factor field. */
function factorDim(r: ConfigReader, tex: string, d: Dim, field: string): Dim {
  const f = r.numberOr(field, NaN);
  if (!(f > 0 && f <= 16)) throw r.error('config-invalid-field', field, `is ${f}; a factor in (0, 16] is expected`);
  return derivedDim(tex, Math.trunc(d.value * f), `int(${d.field} · ${r.path(field)})`);
}

export function describeXlstm(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  // The 7B config names the width embedding_dim and the depth num_blocks.
  const dField = r.has('embedding_dim') || !r.has('hidden_size') ? 'embedding_dim' : 'hidden_size';
  const d = r.dim('d', dField, { max: LIMITS.width });
  if (r.has('hidden_size') && r.has('embedding_dim') && r.int('hidden_size') !== d.value) throw r.error('config-inconsistent', 'hidden_size', `(${r.int('hidden_size')}) differs from embedding_dim (${d.value})`);
  const LField = r.has('num_blocks') || !r.has('num_hidden_layers') ? 'num_blocks' : 'num_hidden_layers';
  const L = r.dim('L', LField, { max: LIMITS.layers });
  r.mark('hidden_size', 'num_hidden_layers');
  const V = r.dim('V', 'vocab_size', { max: LIMITS.vocab });
  const H = r.dim('H', 'num_heads', { max: LIMITS.heads });
  const dqk = factorDim(r, 'd_{qk}', d, 'qk_dim_factor');
  const dv = factorDim(r, 'd_{v}', d, 'v_dim_factor');
  const ffFactor = r.numberOr('ffn_proj_factor', NaN);
  if (!(ffFactor > 0 && ffFactor <= 16)) throw r.error('config-invalid-field', 'ffn_proj_factor', `is ${ffFactor}; a factor in (0, 16] is expected`);
  const multiple = r.int('ffn_round_up_to_multiple_of', { max: LIMITS.width });
  const dff = derivedDim('d_{ff}', multiple * Math.ceil((d.value * ffFactor) / multiple), `${d.field} · ${r.path('ffn_proj_factor')}, rounded up to ${r.path('ffn_round_up_to_multiple_of')}`);
  if (dv.value % H.value !== 0) throw r.error('config-inconsistent', 'num_heads', `(${H.value}) must divide the value width ${dv.value}`);
  const headDim = r.intOr('head_dim', dv.value / H.value);
  if (headDim !== dv.value / H.value) throw r.error('config-inconsistent', 'head_dim', `is ${headDim}, but the value width ${dv.value} over ${H.value} heads is ${dv.value / H.value}`);
  if (r.bool('use_bias', false)) throw r.error('unsupported-feature', 'use_bias', 'is true; xLSTM with projection biases is not counted yet');
  for (const f of ['add_qk_norm', 'add_post_norm']) if (r.bool(f, false)) throw r.error('unsupported-feature', f, 'is true; only xLSTM without it is known');
  const mode = r.strOr('weight_mode', 'single');
  if (mode !== 'single' && mode !== 'fused') throw r.error('config-invalid-field', 'weight_mode', `is ${quote(mode)}; "single" or "fused" is expected`);
  // Kernels, chunking, soft caps of the gates, initialisation, dtypes, numerics: no tensors.
  // (mlstm_round_up_to_multiple_of and add_post_blocks_norm are read by no modeling code.)
  r.mark('autocast_kernel_dtype', 'cell_norm_eps', 'chunk_size', 'chunkwise_kernel', 'sequence_kernel', 'step_kernel', 'mode', 'return_last_states', 'inference_state_dtype',
    'norm_reduction_force_float32', 'igate_bias_init_range', 'gate_soft_cap', 'force_bos_token_insert', 'add_embedding_dropout', 'add_forward_backend_padding', 'eps',
    'mlstm_round_up_to_multiple_of', 'add_post_blocks_norm');
  const cap = r.numberOr('output_logit_soft_cap', null);
  if (cap !== null && !(cap > 0)) throw r.error('config-invalid-field', 'output_logit_soft_cap', `is ${cap}; a cap above 0 is expected (or null for none)`);
  const finalNorm = r.bool('add_out_norm', true);
  const layers = Array.from({ length: L.value }, (_, i) => plainLayer(i, { kind: 'mlstm', rope: false }));
  notes.push(`Every block is an mLSTM layer (a matrix memory of ${dqk.value / H.value} × ${dv.value / H.value} per head, no KV cache) and a SwiGLU FFN; there is no attention.`);
  if (mode === 'fused') notes.push('weight_mode "fused" stores q, k, v and the output gate as one qkv_opreact, the input and forget gates as one ifgate_preact: the same count.');
  return description(r, {
    model_type: r.modelType,
    family: 'mha',
    flags: defaultFlags({
      tied_embeddings: r.bool('tie_word_embeddings', false),
      linear_attention_hybrid: true,
      final_softcap: cap,
      ...(mode === 'fused' ? { fused_projections: true } : {}),
    }),
    dims: { d, V, L, H, d_qk: dqk, d_v: dv, d_ff: dff },
    layers,
    activation: 'silu',
    biases: noBiases(),
    notes,
  }, { final_norm: finalNorm, max_position_embeddings: null });
}
