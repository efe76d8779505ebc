/**
 * LongCat-Flash-Lite (`LongcatFlashNgramForCausalLM`, a config without `model_type`): every layer
 * of `num_layers` is two sub-layers, each DeepSeek's MLA then a dense SwiGLU MLP of
 * `ffn_hidden_size`, and one MoE on a shortcut: it reads the first sub-layer's normalised MLP
 * input and its output joins the layer's last residual add (LongcatFlashDecoderLayer). The router
 * (`classifier`, with a selection bias) picks `moe_topk` of `n_routed_experts` experts of
 * `expert_ffn_hidden_size` and `zero_expert_num` identity experts, which have no weights. Beside
 * the token embedding, `emb_split_num · (emb_neighbor_num − 1)` n-gram tables of
 * `ngram_vocab_size_ratio · vocab_size + 2i + 1` rows, each projected back to the model width
 * (NgramEmbedding). The checkpoint stores an MTP module the config does not declare.
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { defaultFlags, derivedDim, description, noBiases, plainLayer, readTied } from '../common.js';
import type { ArchDescription, Dim, LayerSpec } from '../types.js';

export function describeLongcatNgram(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const d = r.dim('d', 'hidden_size', { max: LIMITS.width });
  const V = r.dim('V', 'vocab_size', { max: LIMITS.vocab });
  const L = r.dim('L', 'num_layers', { max: LIMITS.layers });
  // LongcatFlashConfig keeps num_hidden_layers for the cache (two per layer); it sizes no tensor.
  const hidden = r.intOr('num_hidden_layers', null);
  if (hidden !== null && hidden !== 2 * L.value) throw r.error('config-inconsistent', 'num_hidden_layers', `(${hidden}) is not twice num_layers (${L.value}); each LongCat layer holds two attention sub-layers`);
  const dims: Record<string, Dim> = {
    d,
    V,
    L,
    H: r.dim('H', 'num_attention_heads', { max: LIMITS.heads }),
    r_q: r.dim('r_{q}', 'q_lora_rank'),
    r_kv: r.dim('r_{kv}', 'kv_lora_rank'),
    d_nope: r.dim('d_{nope}', 'qk_nope_head_dim'),
    d_rope: r.dim('d_{rope}', 'qk_rope_head_dim'),
    d_v: r.dim('d_{v}', 'v_head_dim'),
    d_ff: r.dim('d_{ff}', 'ffn_hidden_size'),
    E: r.dim('E', 'n_routed_experts'),
    Z: r.dim('Z', 'zero_expert_num', { min: 0 }),
    k: r.dim('k', 'moe_topk'),
    d_e: r.dim('d_{e}', 'expert_ffn_hidden_size'),
  };
  // The router chooses among the real and the identity experts together; more choices than real
  // experts would leave the active count unknown.
  if (dims['k']!.value > dims['E']!.value) {
    throw r.error('unsupported-feature', 'moe_topk', `(${dims['k']!.value}) exceeds n_routed_experts (${dims['E']!.value}); a router that must pick identity experts is not known`);
  }
  const zeroType = r.strOr('zero_expert_type', 'identity');
  if (zeroType !== 'identity') throw r.error('unsupported-feature', 'zero_expert_type', `is ${quote(zeroType)}; only "identity" experts (the input passed through) are known`);
  if (r.bool('router_bias', false)) throw r.error('unsupported-feature', 'router_bias', 'is true; LongCat routers with a bias vector are not known');
  if (r.bool('attention_bias', false)) throw r.error('unsupported-feature', 'attention_bias', 'is true; LongCat projections have no biases');
  const act = r.strOr('hidden_act', 'silu');
  if (act !== 'silu') throw r.error('config-invalid-field', 'hidden_act', `is ${quote(act)}; LongCat MLPs are SwiGLU (silu)`);
  // Scalings of the latent norms and of the routed output: no tensors.
  r.mark('mla_scale_q_lora', 'mla_scale_kv_lora', 'routed_scaling_factor');

  // NgramEmbedding: k·(n − 1) tables of m + 2i + 1 rows, each d / (k·(n − 1)) wide.
  const split = r.int('emb_split_num', { min: 1, max: 64 });
  const neighbors = r.int('emb_neighbor_num', { min: 2, max: 16 });
  const ratio = r.int('ngram_vocab_size_ratio', { min: 1, max: 10_000 });
  const tables = split * (neighbors - 1);
  if (d.value % tables !== 0) throw r.error('config-inconsistent', 'emb_split_num', `· (emb_neighbor_num − 1) = ${tables} does not divide hidden_size (${d.value}); each n-gram table is hidden_size / ${tables} wide`);
  dims['N_g'] = derivedDim('N_{g}', tables, `${r.path('emb_split_num')} · (${r.path('emb_neighbor_num')} − 1)`);
  dims['m'] = derivedDim('m', ratio * V.value, `${r.path('ngram_vocab_size_ratio')} · ${r.path('vocab_size')}`);
  dims['d_g'] = derivedDim('d_{g}', d.value / tables, `${r.path('hidden_size')} / N_g`);
  notes.push(`N-gram embeddings: ${tables} hashed tables of about ${ratio} × the vocabulary (${dims['d_g'].value} wide each), projected to the model width and added to the token embedding; they are looked up, so active_params_non_embedding leaves them out.`);
  notes.push(`Each of the ${L.value} layers runs two attention + dense-MLP sub-layers and one MoE on a shortcut from the first sub-layer's MLP input to the layer's end. The router picks ${dims['k']!.value} of ${dims['E']!.value + dims['Z']!.value}: ${dims['E']!.value} experts and ${dims['Z']!.value} identity experts (no weights, the input passed through); active_params counts ${dims['k']!.value} real experts, the most a token can use.`);

  const layer = (i: number): LayerSpec => {
    const l = plainLayer(i, { kind: 'mla' });
    l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  };
  // The released checkpoint stores one MTP module (model.mtp.*: its own embed_tokens, eh_proj,
  // enorm, hnorm, one MLA and dense-MLP sub-layer, a final norm) that the config does not declare.
  const mtp: LayerSpec = plainLayer(L.value, { kind: 'mla' });
  notes.push('The released checkpoint stores an MTP module the config does not declare (one MLA and dense-MLP sub-layer with its own copy of the token embedding): counted into checkpoint_params, not params.');
  return description(
    r,
    {
      model_type: r.modelType,
      family: 'mla',
      flags: defaultFlags({
        moe: true,
        moe_every: 1,
        router_bias: true,
        shortcut_moe: true,
        ngram_embeddings: true,
        tied_embeddings: readTied(r, false, notes),
        partial_rotary: dims['d_rope']!.value / (dims['d_rope']!.value + dims['d_nope']!.value),
      }),
      dims,
      layers: Array.from({ length: L.value }, (_, i) => layer(i)),
      activation: act,
      biases: noBiases(),
      notes,
    },
    { checkpoint: { mtp_copies: { embed: true, head: false }, unknown: null, undeclared_mtp: [mtp] } },
  );
}
