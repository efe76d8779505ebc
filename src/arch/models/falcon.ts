/**
 * Falcon (`falcon`, and the remote-code `RefinedWebModel` / `RefinedWeb` it was converted from):
 * fused q/k/v (`query_key_value`) with MQA, GQA (`new_decoder_architecture`) or MHA, attention and
 * MLP in parallel from the same input (`parallel_attn`) with one shared LayerNorm or two
 * (`ln_attn`, `ln_mlp`), a GELU MLP of `ffn_hidden_size` (default 4·hidden), optional biases,
 * rotary or ALiBi positions (neither has parameters), head tied to the embedding.
 */
import { LIMITS, type ConfigReader } from '../config-reader.js';
import { defaultFlags, derivedDim, description, noBiases, plainLayer, readCore, readTied, widthPerHead } from '../common.js';
import type { ArchDescription, Dim } from '../types.js';

export function describeFalcon(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  // The remote-code configs name three fields as the original RW code did.
  const legacy = r.modelType !== 'falcon';
  const field = { L: legacy ? 'n_layer' : 'num_hidden_layers', H: legacy ? 'n_head' : 'num_attention_heads', kv: legacy ? 'n_head_kv' : 'num_kv_heads' };
  const { d, V, L } = readCore(r, { d: 'hidden_size', V: 'vocab_size', L: field.L });
  const H = r.dim('H', field.H, { max: LIMITS.heads });
  const dh = widthPerHead(r, d, H, field.H);
  // RefinedWeb (40B) configs have n_head_kv and the new decoder; conversion sets the flag then.
  const newDecoder = legacy ? r.has(field.kv) : r.bool('new_decoder_architecture', false);
  const multiQuery = r.bool('multi_query', true);
  let Hkv: Dim;
  if (newDecoder) {
    Hkv = r.has(field.kv) ? r.dim('H_{kv}', field.kv, { max: LIMITS.heads }) : derivedDim('H_{kv}', H.value, `${r.path(field.H)} (${field.kv} absent)`);
    if (H.value % Hkv.value !== 0) throw r.error('config-inconsistent', field.kv, `(${Hkv.value}) must divide ${field.H} (${H.value})`);
  } else {
    r.mark(field.kv);
    Hkv = multiQuery ? derivedDim('H_{kv}', 1, `${r.path('multi_query')} (one shared KV head)`) : derivedDim('H_{kv}', H.value, `${r.path(field.H)} (MHA)`);
  }
  const dff = r.has('ffn_hidden_size') ? r.dim('d_{ff}', 'ffn_hidden_size') : derivedDim('d_{ff}', 4 * d.value, `4 · ${r.path('hidden_size')} (ffn_hidden_size absent)`);
  if (!r.has('ffn_hidden_size')) r.get('ffn_hidden_size');
  const parallel = r.bool('parallel_attn', true);
  // Parallel blocks read one LayerNorm, or two with the new decoder (num_ln_in_parallel_attn).
  const lnCount = r.intOr('num_ln_in_parallel_attn', newDecoder ? 2 : 1);
  const bias = r.bool('bias', false);
  const alibi = r.bool('alibi', false);
  r.mark('apply_residual_connection_post_layernorm', 'activation', 'layer_norm_epsilon');
  const activation = r.strOr('activation', 'gelu');
  if (alibi) notes.push('Positions come from ALiBi attention biases, which have no parameters.');
  const tied = readTied(r, true, notes);
  if (tied) notes.push('Checkpoints store lm_head.weight although it is tied to the embedding; it is counted once.');
  return description(
    r,
    {
      model_type: r.modelType,
      family: Hkv.value === H.value ? 'mha' : 'gqa',
      flags: defaultFlags({
        tied_embeddings: tied,
        norm_kind: 'layernorm',
        norm_placement: parallel && lnCount === 1 ? 'shared' : 'pre',
        parallel_attention: parallel,
        ffn_kind: 'mlp',
        ffn_bias: bias,
        attention_bias: bias,
        alibi,
        fused_projections: true,
      }),
      dims: { d, V, L, H, H_kv: Hkv, d_h: dh, d_ff: dff },
      layers: Array.from({ length: L.value }, (_, i) => plainLayer(i, { rope: !alibi })),
      activation,
      biases: noBiases({ qkv: bias, o: bias, ffn: bias, norm: true }),
      notes,
    },
  );
}
