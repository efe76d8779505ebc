/**
 * The Llama-shaped decoder and its many relatives (Mistral, Mixtral, Qwen 2/3 and their MoEs,
 * Gemma 1/2/3, OLMo 2, Phi-3, SmolLM3, gpt-oss): pre-norm (or post/sandwich) blocks of
 * MHA/GQA attention and a gated FFN or MoE. A profile says how each relative differs.
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import type { HeadOptions } from '../common.js';
import {
  checkTopK,
  defaultFlags,
  description,
  layerTypes,
  noBiases,
  plainLayer,
  readCore,
  readHeads,
  readTied,
} from '../common.js';
import type { ArchDescription, Dim, FfnKind, Flags, LayerSpec, NormPlacement, QkNorm } from '../types.js';

export interface DecoderProfile {
  /** q/k/v bias: from `attention_bias`, always (Qwen2), or never. */
  qkvBias: 'attention_bias' | 'always' | 'never';
  /** o_proj bias: from `attention_bias` (Llama, gpt-oss) or never (Qwen2). */
  oBias: 'attention_bias' | 'never';
  /** `mlp_bias` field is honoured (Llama). */
  mlpBiasField?: boolean;
  qkNorm: QkNorm;
  norm: NormPlacement;
  /** Default when `tie_word_embeddings` is absent (transformers' PretrainedConfig default: true). */
  tieDefault: boolean;
  /** How layers are sliding when the config has no `layer_types`. */
  sliding: 'none' | 'all' | 'qwen' | 'alternate' | 'pattern';
  /** Which MoE layout: none; Mixtral (`num_local_experts` on every layer); Qwen (`num_experts`
   * every `decoder_sparse_step` layers but `mlp_only_layers`); gpt-oss (Mixtral's, with router
   * and expert biases); Llama 4 (`moe_layers`, else every `interleave_moe_layer_step`-th layer,
   * with a shared expert; dense layers of `intermediate_size_mlp`; parameter-free L2 QK-norm);
   * MiniMax (every layer, routing bias); OLMoE (Mixtral's, with `num_experts`). */
  moe: 'none' | 'mixtral' | 'qwen' | 'gpt_oss' | 'llama4' | 'minimax' | 'olmoe';
  /** SmolLM3's NoPE layers. */
  nope?: boolean;
  sinks?: boolean;
  /** Projections stored fused in the checkpoint (Phi-3). */
  fused?: boolean;
  /** How absent head fields default in the model's config class (see {@link HeadOptions}). */
  heads: HeadOptions;
  /** Qwen2-MoE / Qwen3-Next: one shared expert of `shared_expert_intermediate_size` with a gate. */
  sharedExpert?: boolean;
  /** Gemma 2/3: attention and output logits may be soft-capped (`attn_logit_softcapping`,
   * `final_logit_softcapping`); other models' classes ignore these fields. */
  softcap?: boolean;
  /** Qwen3-Next: Gated DeltaNet layers with a full (gated) attention layer every
   * `full_attention_interval` layers, zero-centred norms. */
  linearHybrid?: boolean;
}

/** The FFN kind from the activation function: GELU gates make GeGLU, SiLU gates SwiGLU. */
export function gatedKind(r: ConfigReader): { kind: FfnKind; activation: string } {
  // Gemma configs carry both; `hidden_activation` is the one transformers uses when present.
  const preferred = r.strOr('hidden_activation', null);
  const fallback = r.strOr('hidden_act', 'silu');
  const act = preferred ?? fallback;
  if (act.startsWith('gelu')) return { kind: 'geglu', activation: act };
  if (act === 'silu' || act === 'swish') return { kind: 'swiglu', activation: act };
  throw r.error('config-invalid-field', r.has('hidden_activation') ? 'hidden_activation' : 'hidden_act', `is ${quote(act)}, which this tool does not know for a gated FFN`, {
    hint: 'Known: silu, swish, gelu, gelu_pytorch_tanh.',
  });
}

export function describeDecoder(r: ConfigReader, profile: DecoderProfile): ArchDescription {
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const { H, Hkv, dh } = readHeads(r, d, profile.heads);
  const dims: Record<string, Dim> = { d, V, L, H, H_kv: Hkv, d_h: dh };

  const attentionBias = r.bool('attention_bias', false);
  if (attentionBias && profile.qkvBias === 'never' && profile.oBias === 'never') {
    throw r.error('config-inconsistent', 'attention_bias', `is true, but ${r.modelType} attention has no biases in transformers`, {
      hint: 'Remove the field or set it to false; if the checkpoint really has attention biases, the model_type is wrong.',
    });
  }
  if (profile.qkvBias === 'always') notes.push('Qwen2 always has q/k/v biases; the config has no flag for it.');
  const biases = noBiases({
    qkv: profile.qkvBias === 'always' || (profile.qkvBias === 'attention_bias' && attentionBias),
    o: profile.oBias === 'attention_bias' && attentionBias,
    ffn: profile.mlpBiasField ? r.bool('mlp_bias', false) : false,
  });

  const { kind: ffnKind, activation } = gatedKind(r);
  const tied = readTied(r, profile.tieDefault, notes);
  // Partial rotary as a fraction (`partial_rotary_factor`) or a width (`rotary_dim`, MiniMax-M2).
  const rotaryDim = r.intOr('rotary_dim', null);
  const partial = rotaryDim === null ? r.numberOr('partial_rotary_factor', 1) : rotaryDim / dh.value;
  if (partial <= 0 || partial > 1) {
    throw r.error('config-inconsistent', rotaryDim === null ? 'partial_rotary_factor' : 'rotary_dim', `gives a rotary fraction of ${partial}, outside (0, 1]`);
  }

  // NoPE (SmolLM3, Llama 4): `no_rope_layers[i]` is 1 where rope is used, despite its name.
  let ropeLayers: boolean[] = Array.from({ length: L.value }, () => true);
  if (profile.nope) {
    const explicit = r.intArray('no_rope_layers', { length: L.value, min: 0 });
    if (explicit) {
      r.mark('no_rope_layer_interval'); // the list wins, as in transformers
      ropeLayers = explicit.map((x) => x !== 0);
    } else {
      const interval = r.intOr('no_rope_layer_interval', null);
      if (interval !== null) ropeLayers = ropeLayers.map((_, i) => (i + 1) % interval !== 0);
    }
  }

  // Sliding windows.
  const slidingWindow = r.intOr('sliding_window', null);
  const useSliding = profile.sliding === 'qwen' ? r.bool('use_sliding_window', false) : true;
  const maxWindowLayers = profile.sliding === 'qwen' ? r.intOr('max_window_layers', L.value, { min: 0 }) : 0;
  const pattern = profile.sliding === 'pattern' ? r.intOr('sliding_window_pattern', 6) : 0;
  const fullInterval = profile.linearHybrid ? r.intOr('full_attention_interval', 4) : 0;
  const types = layerTypes(r, L.value, (i) => {
    if (profile.linearHybrid) return (i + 1) % fullInterval === 0 ? 'full_attention' : 'linear_attention';
    // Llama4TextConfig: chunked attention on the RoPE layers, global attention on the NoPE ones.
    if (profile.moe === 'llama4') return ropeLayers[i] ? 'chunked_attention' : 'full_attention';
    if (slidingWindow === null) return 'full_attention';
    switch (profile.sliding) {
      case 'all':
        return 'sliding_attention';
      case 'qwen':
        return useSliding && i >= maxWindowLayers ? 'sliding_attention' : 'full_attention';
      case 'alternate':
        return i % 2 === 0 ? 'sliding_attention' : 'full_attention';
      case 'pattern':
        return (i + 1) % pattern !== 0 ? 'sliding_attention' : 'full_attention';
      default:
        return 'full_attention';
    }
  });
  if (profile.sliding !== 'qwen') r.mark('use_sliding_window', 'max_window_layers');
  const allowedTypes = profile.linearHybrid
    ? ['full_attention', 'linear_attention']
    : profile.moe === 'llama4'
      ? ['full_attention', 'chunked_attention']
      : ['full_attention', 'sliding_attention'];
  const wrongType = types.findIndex((t) => !allowedTypes.includes(t));
  if (wrongType >= 0) {
    throw r.error('config-invalid-field', `layer_types[${wrongType}]`, `is ${quote(types[wrongType]!)}, which ${r.modelType} does not have`);
  }
  if (types.includes('sliding_attention') && slidingWindow === null) {
    throw r.error('config-inconsistent', 'sliding_window', 'is missing although layer_types has sliding layers');
  }

  // Mixture of experts.
  const moeLayers: boolean[] = Array.from({ length: L.value }, () => false);
  const flags = defaultFlags({
    tied_embeddings: tied,
    qk_norm: profile.qkNorm,
    norm_placement: profile.norm,
    ffn_kind: ffnKind,
    ffn_bias: biases.ffn,
    attention_bias: biases.qkv || biases.o,
    attention_sinks: profile.sinks ?? false,
    partial_rotary: partial,
    fused_projections: profile.fused ?? false,
  });
  if (profile.fused) notes.push('q/k/v and gate/up are stored as fused tensors (qkv_proj, gate_up_proj); the counts are those of the separate projections.');

  if (profile.moe === 'llama4') {
    if (r.bool('use_qk_norm', false)) flags.qk_norm = 'l2';
    const step = r.intOr('interleave_moe_layer_step', 1);
    const listed = r.intArray('moe_layers', { min: 0, maxLength: L.value });
    for (const i of listed ?? []) {
      if (i >= L.value) throw r.error('config-inconsistent', 'moe_layers', `names layer ${i}, but the model has ${L.value} layers`);
    }
    for (let i = 0; i < L.value; i++) moeLayers[i] = listed ? listed.includes(i) : i % step === step - 1;
    dims['E'] = r.dim('E', 'num_local_experts');
    dims['k'] = r.dim('k', 'num_experts_per_tok');
    dims['d_e'] = r.dim('d_{e}', 'intermediate_size');
    if (moeLayers.some((m) => !m)) dims['d_ff'] = r.dim('d_{ff}', 'intermediate_size_mlp');
    else r.mark('intermediate_size_mlp');
    flags.moe = true;
    flags.moe_every = listed ? null : step;
    flags.shared_experts = true;
    if (flags.qk_norm === 'l2' && ropeLayers.includes(false)) notes.push('The L2 QK-norm (no weights) is applied only in the RoPE layers; the NoPE layers skip it.');
  } else if (profile.moe === 'none') {
    dims['d_ff'] = r.dim('d_{ff}', 'intermediate_size');
  } else if (profile.moe === 'minimax') {
    readMiniMax(r, dims, flags, notes);
    moeLayers.fill(true);
  } else if (profile.moe === 'mixtral' || profile.moe === 'gpt_oss' || profile.moe === 'olmoe') {
    dims['E'] = r.dim('E', profile.moe === 'olmoe' ? 'num_experts' : 'num_local_experts');
    dims['k'] = profile.moe === 'gpt_oss' && !r.has('num_experts_per_tok') ? r.dim('k', 'experts_per_token') : r.dim('k', 'num_experts_per_tok');
    if (profile.moe === 'gpt_oss') r.mark('experts_per_token');
    dims['d_e'] = r.dim('d_{e}', 'intermediate_size');
    moeLayers.fill(true);
    flags.moe = true;
    flags.moe_every = 1;
    if (profile.moe === 'gpt_oss') {
      biases.router = true;
      biases.experts = true;
      notes.push('Experts are stored fused (gate_up_proj with biases) and MXFP4-quantized; counts are of the unpacked values, scales excluded.');
    }
  } else {
    // Qwen MoE: `mlp_only_layers` dense, otherwise MoE every `decoder_sparse_step` layers.
    const E = r.intOr('num_experts', 0, { min: 0 });
    const step = r.intOr('decoder_sparse_step', 1);
    const mlpOnly = new Set(r.intArray('mlp_only_layers', { min: 0, maxLength: L.value }) ?? []);
    for (const i of mlpOnly) {
      if (i >= L.value) throw r.error('config-inconsistent', 'mlp_only_layers', `names layer ${i}, but the model has ${L.value} layers`);
    }
    for (let i = 0; i < L.value; i++) moeLayers[i] = E > 0 && !mlpOnly.has(i) && (i + 1) % step === 0;
    if (E > 0) {
      dims['E'] = r.dim('E', 'num_experts');
      dims['k'] = r.dim('k', 'num_experts_per_tok');
      dims['d_e'] = r.dim('d_{e}', 'moe_intermediate_size');
      flags.moe = true;
      flags.moe_every = step;
      if (profile.sharedExpert) {
        dims['d_s'] = r.dim('d_{s}', 'shared_expert_intermediate_size');
        flags.shared_experts = true;
        flags.shared_expert_gate = true;
      }
    }
    if (moeLayers.some((m) => !m)) dims['d_ff'] = r.dim('d_{ff}', 'intermediate_size');
    else r.mark('intermediate_size');
  }
  checkTopK(r, dims);

  const chunk = types.includes('chunked_attention') ? readChunk(r, types, notes) : null;
  if (profile.softcap) {
    flags.attn_softcap = readSoftcap(r, 'attn_logit_softcapping');
    flags.final_softcap = readSoftcap(r, 'final_logit_softcapping');
  }

  const layers: LayerSpec[] = types.map((t, i) => {
    const layer = plainLayer(i);
    if (t === 'sliding_attention') layer.attention.window = slidingWindow;
    if (t === 'chunked_attention') layer.attention.chunk = chunk;
    layer.attention.rope = ropeLayers[i]!;
    if (t === 'linear_attention') {
      layer.attention.kind = 'gated_deltanet';
      layer.attention.rope = false; // Gated DeltaNet has no positional encoding
    }
    if (moeLayers[i]) layer.ffn = { kind: 'moe', routing: 'score' };
    return layer;
  });
  if (profile.linearHybrid) {
    Object.assign(dims, readGatedDeltaNet(r));
    flags.linear_attention_hybrid = true;
    flags.output_gate = true;
    notes.push('Full-attention layers gate their output with a sigmoid of a second query-sized projection (q_proj is twice as wide).');
  }
  flags.sliding_window = layers.some((l) => l.attention.window !== null);
  flags.nope_layers = layers.some((l) => !l.attention.rope);
  if (slidingWindow !== null && !flags.sliding_window) {
    const why = profile.sliding === 'qwen' ? 'use_sliding_window is off' : r.has('layer_types') ? 'layer_types has no sliding layer' : `${r.modelType} does not use it`;
    notes.push(`sliding_window is ${slidingWindow} but no layer uses it (${why}).`);
  }

  return description(
    r,
    {
      model_type: r.modelType,
      family: Hkv.value === H.value ? 'mha' : 'gqa',
      flags,
      dims,
      layers,
      activation,
      biases,
      notes,
    },
  );
}

/**
 * Llama 4's chunk size (`attention_chunk_size`, default 8192): a `chunked_attention` layer lets a
 * token attend only to the earlier tokens of its own chunk. Null leaves the layers global (with
 * a note): transformers cannot run such a config, the parameters are the same either way.
 */
function readChunk(r: ConfigReader, types: string[], notes: string[]): number | null {
  const size = r.intOr('attention_chunk_size', null);
  const chunked = types.filter((t) => t === 'chunked_attention').length;
  notes.push(
    size === null
      ? `attention_chunk_size is null: the ${chunked} chunked_attention layers are drawn as global attention.`
      : `Chunked attention: ${chunked} of ${types.length} layers attend within chunks of ${size} tokens, the others globally.`,
  );
  return size;
}

/** A logit soft-cap (`cap · tanh(x / cap)`), or null when the config (or its default) has none. */
function readSoftcap(r: ConfigReader, field: string): number | null {
  const cap = r.numberOr(field, null);
  if (cap !== null && cap <= 0) throw r.error('config-invalid-field', field, `must be a positive cap, got ${cap}`);
  return cap;
}

/** Sizes of Qwen3-Next's Gated DeltaNet (linear attention) layers. */
function readGatedDeltaNet(r: ConfigReader): Record<string, Dim> {
  const dims = {
    H_k: r.dim('H_{lk}', 'linear_num_key_heads'),
    d_k: r.dim('d_{lk}', 'linear_key_head_dim'),
    H_v: r.dim('H_{lv}', 'linear_num_value_heads'),
    d_v: r.dim('d_{lv}', 'linear_value_head_dim'),
    K_conv: r.dim('K', 'linear_conv_kernel_dim'),
  };
  if (dims.H_v.value % dims.H_k.value !== 0) {
    throw r.error('config-inconsistent', 'linear_num_key_heads', `(${dims.H_k.value}) must divide linear_num_value_heads (${dims.H_v.value})`);
  }
  return dims;
}

/**
 * MiniMax-M2: MoE on every layer (no dense FFN, no shared expert), a routing bias
 * (`use_routing_bias` → `e_score_correction_bias`), QK-norm over the whole q/k width
 * (`qk_norm_type: per_layer`), only full softmax attention (`attn_type_list` all 1).
 */
function readMiniMax(r: ConfigReader, dims: Record<string, Dim>, flags: Flags, notes: string[]): void {
  const types = r.intArray('attn_type_list', { min: 0, maxLength: r.int('num_hidden_layers') });
  const linear = types?.findIndex((t) => t !== 1) ?? -1;
  if (linear >= 0) {
    throw r.error('unsupported-model-type', `attn_type_list[${linear}]`, 'marks a lightning (linear) attention layer, which this tool does not count yet');
  }
  dims['E'] = r.dim('E', 'num_local_experts');
  dims['k'] = r.dim('k', 'num_experts_per_tok');
  dims['d_e'] = r.dim('d_{e}', 'intermediate_size');
  flags.moe = true;
  flags.moe_every = 1;
  flags.router_bias = r.bool('use_routing_bias', false);
  if (r.intOr('shared_intermediate_size', 0, { min: 0 }) > 0) {
    throw r.error('unsupported-model-type', 'shared_intermediate_size', 'is positive: MiniMax shared experts are not counted yet');
  }
  if (r.bool('use_qk_norm', false)) {
    const type = r.strOr('qk_norm_type', 'per_layer');
    if (type !== 'per_layer' && type !== 'per_head') throw r.error('config-invalid-field', 'qk_norm_type', `is ${quote(type)}; known: per_layer, per_head`);
    flags.qk_norm = type === 'per_layer' ? 'full' : 'per_head';
  }
  // Fields transformers' MiniMaxM2 model does not build anything from.
  r.mark('mlp_intermediate_size', 'shared_moe_mode', 'layernorm_full_attention_beta', 'layernorm_linear_attention_beta', 'layernorm_mlp_beta');
  const useMtp = r.bool('use_mtp', false);
  const mtpModules = r.intOr('num_mtp_modules', 0, { min: 0, max: LIMITS.mtp });
  r.mark('mtp_transformer_layers');
  if (useMtp || mtpModules > 0) {
    notes.push('The config declares MTP modules (use_mtp, num_mtp_modules), but the model defines no MTP weights and the released checkpoint holds none: not counted.');
  }
}
