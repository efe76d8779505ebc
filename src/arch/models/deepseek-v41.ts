/**
 * DeepSeek-V4.1 (`deepseek_v41_text`, the decoder of the `deepseek_v41` wrapper): DeepSeek-V4's
 * MQA over one latent of `head_dim`, grouped low-rank output, mHC and MoE with one shared expert,
 * with what its checkpoint's tensor counts show (fixtures of the bring-up report in
 * docs/coverage/deepseek-family.md, section 6):
 * - one shared compressed KV cache: only the `kv_source_layer_ids` layers own a compressor
 *   (`wkv`, a `wgate` where the ratio pools, a norm; ratio 1 is a per-token projection), and
 *   `compress_ratios[i]` names the cache layer i reads;
 * - lightning indexers only on `index_source_layer_ids` (`wq_b`, `weights_proj`; the KV sources
 *   also own the index keys `wk`, `k_norm`); every compressed layer reads the top-k entries;
 * - Engram memories on `engram_layer_ids`: n-gram tables of `engram_num_embeddings[k]` rows;
 * - a router with a second selection bias for image tokens (`gate.bias_vl`) in the vision release;
 * - no learned head mixer;
 * - DSpark: `num_nextn_predict_layers` draft blocks with a MoE of `dspark_n_routed_experts`, no
 *   compressor or indexer, and heads stored once (`main_proj`, Markov and confidence heads).
 */
import { LIMITS, type ConfigReader } from '../config-reader.js';
import { defaultFlags, derivedDim, description, noBiases, plainLayer, readTied } from '../common.js';
import type { ArchDescription, LayerSpec } from '../types.js';
import { readDsv4Dims } from './deepseek-v4.js';
import { layerIds as ids, readDspark } from './dspark.js';

const layerIds = (r: ConfigReader, field: string, n: number): number[] => ids(r, field, n, 'DeepSeek-V4.1');

export function describeDeepseekV41(r: ConfigReader): ArchDescription {
  const notes: string[] = [];
  const dims = readDsv4Dims(r, 'DeepSeek-V4.1');
  const L = dims['L']!;
  if (r.bool('attention_bias', false)) throw r.error('unsupported-feature', 'attention_bias', 'is true; DeepSeek-V4.1 projections have no biases');
  const hash = r.intOr('num_hash_layers', 0, { min: 0 });
  if (hash !== 0) throw r.error('unsupported-feature', 'num_hash_layers', `is ${hash}; DeepSeek-V4.1 has no hash-routed layers`);
  // Routing, numerics, rotary bases, candidate filtering and the DSpark runtime: no tensors.
  r.mark('topk_method', 'scoring_func', 'norm_topk_prob', 'routed_scaling_factor', 'swiglu_limit', 'hc_eps', 'hc_sinkhorn_iters', 'compress_rope_theta', 'index_topk', 'candidate_block_size', 'candidate_source_layer_id', 'candidate_topk_blocks', 'dspark_block_size', 'dspark_noise_token_id', 'engram_vocab_size', 'engram_compressed_vocab_size', 'engram_pad_token_id', 'hidden_act');

  const nMtp = r.intOr('num_nextn_predict_layers', 0, { min: 0, max: LIMITS.mtp });
  const ratios = r.intArray('compress_ratios', { min: 0, max: LIMITS.ratio, length: L.value + nMtp });
  if (!ratios) throw r.error('config-invalid-field', 'compress_ratios', 'is required for DeepSeek-V4.1 (one entry per layer and DSpark block)');
  const kvSources = layerIds(r, 'kv_source_layer_ids', L.value);
  const indexSources = layerIds(r, 'index_source_layer_ids', L.value);
  // The layer whose cache (of its ratio) layer i reads: the last KV source at or before it.
  const sourceOf = (i: number): number | undefined => [...kvSources].filter((s) => s <= i && ratios[s] === ratios[i]).pop();
  for (const s of [...kvSources, ...indexSources]) {
    if (ratios[s] === 0) throw r.error('config-inconsistent', `compress_ratios[${s}]`, `is 0, but layer ${s} is listed as a KV or index source`);
  }
  for (const [i, ratio] of ratios.slice(0, L.value).entries()) {
    if (ratio > 0 && sourceOf(i) === undefined) throw r.error('config-inconsistent', `compress_ratios[${i}]`, `is ${ratio}, but no kv_source_layer_ids layer at or before ${i} writes a cache of that ratio`);
  }

  // Engram memories: a table per layer, N_e = (max n-gram − 1) · heads hash columns of d_e.
  const engramLayers = layerIds(r, 'engram_layer_ids', L.value);
  const rows = r.intArray('engram_num_embeddings', { min: 1, max: 1e12, length: engramLayers.length }) ?? [];
  if (engramLayers.length > 0) {
    // Each Engram layer's table needs its row count (a fuzz case once reached an internal error).
    if (rows.length === 0) throw r.error('config-invalid-field', 'engram_num_embeddings', `is required: one row count for each of the ${engramLayers.length} engram_layer_ids`);
    const n = r.int('engram_max_ngram_size', { min: 2, max: 16 });
    dims['N_e'] = derivedDim('N_{e}', (n - 1) * r.int('engram_n_heads', { max: 64 }), `(${r.path('engram_max_ngram_size')} − 1) · ${r.path('engram_n_heads')}`);
    dims['d_g'] = r.dim('d_{g}', 'engram_head_dim');
    rows.forEach((rowCount, k) => (dims[`R_${k}`] = derivedDim(`R_{${k}}`, rowCount, `${r.path('engram_num_embeddings')}[${k}]`)));
    notes.push(`Engram memories on layer ${engramLayers.map((i) => i + 1).join(' and ')}: n-gram tables of ${rows.map((x) => x.toLocaleString('en-US')).join(' and ')} rows (${dims['d_g'].value} wide), looked up, so active_params_non_embedding leaves them out.`);
  } else r.mark('engram_max_ngram_size', 'engram_n_heads', 'engram_head_dim');

  // DSpark: its blocks' MoE, the target layers its input projection reads, its Markov rank.
  const draft = nMtp > 0 ? readDspark(r, dims, ratios, nMtp, 'DeepSeek-V4.1') : null;
  const vision = r.wrapper?.has('vision_config') ?? false;

  const layer = (i: number): LayerSpec => {
    const l = plainLayer(i);
    const ratio = ratios[i]!;
    const compressed = ratio > 0 && i < L.value;
    l.attention = { kind: 'dsv4', window: dims['W']!.value, chunk: null, rope: true, compress_ratio: ratio, indexer: compressed };
    if (compressed) {
      l.attention.compressor_shared = !kvSources.includes(i);
      l.attention.indexer_shared = !indexSources.includes(i);
      if (indexSources.includes(i)) l.attention.index_keys = kvSources.includes(i);
    }
    const engram = engramLayers.indexOf(i);
    if (engram >= 0) l.engram = engram;
    l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  };
  const layers = Array.from({ length: L.value }, (_, i) => layer(i));
  const mtpLayers = Array.from({ length: nMtp }, (_, k) => layer(L.value + k));
  notes.push(`One compressed KV cache shared across layers: only layers ${kvSources.map((i) => i + 1).join(', ')} (kv_source_layer_ids) own a compressor, the other compressed layers read theirs; ${indexSources.length} layers own a lightning indexer (index_source_layer_ids), of which the KV sources also own the index keys.`);
  if (draft) notes.push(draft);
  notes.push('Routed experts are stored in FP4 (two values per byte); counts are of the unpacked values, quantization scales excluded.');
  return description(
    r,
    {
      model_type: r.modelType,
      family: 'dsv4',
      flags: defaultFlags({
        moe: true,
        moe_every: 1,
        shared_experts: true,
        router_bias: true,
        router_vision_bias: vision,
        mtp: nMtp > 0,
        tied_embeddings: readTied(r, false, notes),
        sliding_window: true,
        partial_rotary: dims['d_rope']!.value / dims['d_h']!.value,
        attention_sinks: true,
        hyper_connections: true,
        compressor: true,
        indexer: true,
        grouped_output: true,
      }),
      dims,
      layers,
      activation: 'silu',
      biases: noBiases(),
      notes,
    },
    { mtp_layers: mtpLayers, dspark: nMtp > 0, hc_head: false },
  );
}
