/**
 * DeepSeek-V4: MQA over one latent of `head_dim` per token shared by K and V, low-rank queries,
 * a grouped low-rank output, a KV compressor on layers with `compress_ratios[i] > 0` and a
 * lightning indexer on ratio-4 layers, sliding-window attention everywhere, hyper-connections
 * (`hc_mult` residual streams), MoE on every layer with one shared expert, hash routing on the
 * first `num_hash_layers` layers, MTP. Shapes: fixtures/deepseek-v4-tensors.md. The 0731 revision
 * of V4-Flash drafts with DSpark (`dspark_*` fields, models/dspark.ts) instead of MTP modules.
 */
import { LIMITS, type ConfigReader } from '../config-reader.js';
import { checkTopK, defaultFlags, description, noBiases, plainLayer, readCore, readTied } from '../common.js';
import type { ArchDescription, Dim, LayerSpec } from '../types.js';
import { readDspark } from './dspark.js';

/**
 * The sizes DeepSeek-V4 and V4.1 share, checked: one KV latent of `head_dim`, a rope part within
 * it, `o_groups` dividing the heads' width, one shared expert. `name` is the model's, for messages.
 */
export function readDsv4Dims(r: ConfigReader, name: string): Record<string, Dim> {
  const { d, V, L } = readCore(r);
  const H = r.dim('H', 'num_attention_heads', { max: LIMITS.heads });
  const kv = r.int('num_key_value_heads');
  if (kv !== 1) throw r.error('config-inconsistent', 'num_key_value_heads', `is ${kv}; ${name} attention has exactly one shared KV latent`);
  const dims: Record<string, Dim> = {
    d,
    V,
    L,
    H,
    d_h: r.dim('d_{h}', 'head_dim'),
    d_rope: r.dim('d_{rope}', 'qk_rope_head_dim'),
    r_q: r.dim('r_{q}', 'q_lora_rank'),
    G: r.dim('G', 'o_groups'),
    r_o: r.dim('r_{o}', 'o_lora_rank'),
    E: r.dim('E', 'n_routed_experts'),
    k: r.dim('k', 'num_experts_per_tok'),
    d_e: r.dim('d_{e}', 'moe_intermediate_size'),
    H_i: r.dim('H_{i}', 'index_n_heads'),
    d_i: r.dim('d_{i}', 'index_head_dim'),
    hc: r.dim('n_{hc}', 'hc_mult', { max: 64 }),
    W: r.dim('W', 'sliding_window'),
  };
  checkTopK(r, dims);
  if (dims['d_rope']!.value > dims['d_h']!.value) throw r.error('config-inconsistent', 'qk_rope_head_dim', `(${dims['d_rope']!.value}) exceeds head_dim (${dims['d_h']!.value})`);
  if ((H.value * dims['d_h']!.value) % dims['G']!.value !== 0) throw r.error('config-inconsistent', 'o_groups', `(${dims['G']!.value}) must divide num_attention_heads · head_dim`);
  const shared = r.int('n_shared_experts');
  if (shared !== 1) throw r.error('config-inconsistent', 'n_shared_experts', `is ${shared}; ${name} has exactly one shared expert`);
  return dims;
}

export function describeDeepseekV4(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const dims = readDsv4Dims(r, 'DeepSeek-V4');
  const L = dims['L']!;
  // V4 has no dense prefix: every layer is MoE. Fields V2/V3 use for it must not appear.
  for (const f of ['first_k_dense_replace', 'kv_lora_rank', 'qk_nope_head_dim', 'v_head_dim']) {
    if (r.has(f)) throw r.error('config-inconsistent', f, 'belongs to DeepSeek-V2/V3 and has no meaning in DeepSeek-V4');
  }
  r.mark('intermediate_size', 'topk_method', 'hidden_act');
  if (r.bool('attention_bias', false)) throw r.error('config-inconsistent', 'attention_bias', 'is true; DeepSeek-V4 projections have no biases');

  const nMtp = r.intOr('num_nextn_predict_layers', 0, { min: 0, max: LIMITS.mtp });
  const ratios = r.intArray('compress_ratios', { min: 0, max: LIMITS.ratio, length: L.value + nMtp });
  if (!ratios) throw r.error('config-invalid-field', 'compress_ratios', 'is required for DeepSeek-V4 (one entry per layer and MTP module)');
  const distinct = new Set<number>();
  for (const [i, ratio] of ratios.entries()) {
    if (distinct.add(ratio).size > LIMITS.distinctRatios) {
      throw r.error('config-invalid-field', `compress_ratios[${i}]`, `is the ${distinct.size}th distinct ratio, more than the limit of ${LIMITS.distinctRatios}`);
    }
  }
  // The 0731 revision: DSpark blocks in place of the MTP modules (DeepSeek-V4.1's draft).
  const draft = nMtp > 0 && r.has('dspark_n_routed_experts') ? readDspark(r, dims, ratios, nMtp, 'DeepSeek-V4') : null;
  const hashLayers = r.intOr('num_hash_layers', 0, { min: 0, max: LIMITS.layers });
  if (hashLayers > L.value) throw r.error('config-inconsistent', 'num_hash_layers', `(${hashLayers}) exceeds num_hidden_layers (${L.value})`);

  const layer = (i: number, hash: boolean): LayerSpec => {
    const l = plainLayer(i);
    const ratio = ratios[i]!;
    l.attention = { kind: 'dsv4', window: dims['W']!.value, chunk: null, rope: true, compress_ratio: ratio, indexer: ratio === 4 };
    l.ffn = { kind: 'moe', routing: hash ? 'hash' : 'score' };
    return l;
  };
  const layers = Array.from({ length: L.value }, (_, i) => layer(i, i < hashLayers));
  const mtpLayers = Array.from({ length: nMtp }, (_, k) => layer(L.value + k, false));
  if (hashLayers > 0) {
    notes.push(`The first ${hashLayers} layers route by a fixed token-id → expert table (tid2eid, V × k integers): not learned, listed apart from the parameters.`);
  }
  if (draft) notes.push(draft);
  notes.push('Routed experts are stored in FP4 (two values per byte); counts are of the unpacked values, quantization scales excluded.');
  const all = [...layers, ...mtpLayers];
  return description(
    r,
    {
      model_type: 'deepseek_v4',
      family: 'dsv4',
      flags: defaultFlags({
        moe: true,
        moe_every: 1,
        hash_routing: hashLayers > 0,
        shared_experts: true,
        router_bias: true,
        mtp: nMtp > 0,
        tied_embeddings: readTied(r, false, notes),
        sliding_window: true,
        partial_rotary: dims['d_rope']!.value / dims['d_h']!.value,
        attention_sinks: true,
        hyper_connections: true,
        compressor: all.some((l) => (l.attention.compress_ratio ?? 0) > 0),
        indexer: all.some((l) => l.attention.indexer),
        grouped_output: true,
      }),
      dims,
      layers,
      activation: 'silu',
      biases: noBiases(),
      notes,
    },
    { mtp_layers: mtpLayers, ...(draft ? { dspark: true } : {}) },
  );
}
