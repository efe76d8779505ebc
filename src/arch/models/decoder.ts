/**
 * The Llama-shaped decoder and its many relatives (Mistral, Mixtral, Qwen 2/3 and their MoEs,
 * Gemma 1/2/3, OLMo 2, Phi-3, SmolLM3, gpt-oss): pre-norm (or post/sandwich) blocks of
 * MHA/GQA attention and a gated FFN or MoE. A profile says how each relative differs.
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import type { HeadOptions } from '../common.js';
import { readFfnPlan, type MoeRecipe } from '../blocks/moe.js';
import {
  defaultFlags,
  description,
  layerTypes,
  noBiases,
  plainLayer,
  readCore,
  readHeads,
  readTied,
} from '../common.js';
import type { ArchDescription, Dim, FfnKind, Flags, Geometry, LayerSpec, NormPlacement, QkNorm } from '../types.js';

export interface DecoderProfile {
  /** q/k/v bias: from `attention_bias`, always (Qwen2), or never. */
  qkvBias: 'attention_bias' | 'always' | 'never';
  /** o_proj bias: from `attention_bias` (Llama, gpt-oss) or never (Qwen2). */
  oBias: 'attention_bias' | 'never';
  /** The field that `'attention_bias'` above reads, where the family names it otherwise (Sarvam
   * `use_qkv_bias`). */
  biasField?: string;
  /** `mlp_bias` field is honoured (Llama). */
  mlpBiasField?: boolean;
  qkNorm: QkNorm;
  /** A boolean field that switches the per-head QK-norm on (GLM-4.5 `use_qk_norm`, Hy3 `qk_norm`);
   * when set, `qkNorm` applies only if the field is true. */
  qkNormField?: string;
  norm: NormPlacement;
  /** Default when `tie_word_embeddings` is absent (transformers' PretrainedConfig default: true). */
  tieDefault: boolean;
  /** How layers are sliding when the config has no `layer_types`. */
  sliding: 'none' | 'all' | 'qwen' | 'alternate' | 'pattern';
  /** The MoE layout and its fields, or null for a dense FFN on every layer. */
  moe: MoeRecipe | null;
  /** Llama 4: chunked attention on the RoPE layers, global attention on the NoPE ones, and a
   * parameter-free L2 QK-norm when `use_qk_norm`. */
  chunked?: boolean;
  /** A per-layer list of query-head counts (Laguna `num_attention_heads_per_layer`): layers whose
   * count differs from `num_attention_heads` get a geometry of their own. */
  headsPerLayer?: string;
  /** One gate per head, `g_proj` [H, d], with its activation (Laguna: softplus). */
  headGate?: 'sigmoid' | 'softplus';
  /** Looped depth: the field giving how many times the stack runs (Nanbeige `num_loops`). */
  loopsField?: string;
  /** Ouro's early-exit gate after the stack. */
  exitGate?: boolean;
  /** Trinity: an elementwise sigmoid output gate of its own (`gate_proj` [H·d_h, d]). */
  outputGate?: boolean;
  /** Cohere: attention and FFN side by side behind the one input norm. */
  parallel?: boolean;
  /** `sliding_window_pattern`'s default where `sliding` is 'pattern' (Gemma 3: 6). */
  patternDefault?: number;
  /** Cohere 2 (Cohere2Attention): RoPE on the sliding layers only, the full layers without
   * positions; `forceOnDensePrefix`: Cohere2MoeAttention's `force_rope` on the dense prefix layers
   * when `prefix_dense_sliding_window_pattern` is 1 (its default). */
  ropeOnSliding?: { forceOnDensePrefix: boolean };
  /** Cohere 2: CohereLayerNorm (weight only), or an RMSNorm where `rms_norm_eps` is set
   * (`'unless_rms_norm_eps'`, Cohere 2 MoE). */
  unbiasedLayerNorm?: 'always' | 'unless_rms_norm_eps';
  /** MTP modules: how many (`field`), and which shared matrices each stored module copies. Each is
   * a decoder layer like the last one plus DeepSeek-V3's input projection and norms. */
  mtp?: { field: string; copies: { embed: boolean; head: boolean } };
  /** Checks and notes only one model type needs (MiniMax-M2's attention-type list). */
  extra?: (r: ConfigReader, notes: string[], flags: Flags) => void;
  /** Rotary bases per layer, 0 where a layer has none (Muse Glimmer `layer_rope_theta`). */
  ropeThetaList?: string;
  /** SmolLM3's NoPE layers. */
  nope?: boolean;
  sinks?: boolean;
  /** Projections stored fused in the checkpoint (Phi-3). */
  fused?: boolean;
  /** How absent head fields default in the model's config class (see {@link HeadOptions}). */
  heads: HeadOptions;
  /** Gemma 2/3: attention and output logits may be soft-capped (`attn_logit_softcapping`,
   * `final_logit_softcapping`); other models' classes ignore these fields. */
  softcap?: boolean;
  /** Qwen3-Next: Gated DeltaNet layers with a full (gated) attention layer every
   * `full_attention_interval` layers, zero-centred norms. */
  linearHybrid?: boolean;
}

/**
 * `rope_parameters.partial_rotary_factor`, where transformers 5 writes the factor (Qwen3.5-397B has
 * it only there); it must agree with a top-level `partial_rotary_factor`.
 */
function nestedRotaryFactor(r: ConfigReader): number | null {
  const rope = r.get('rope_parameters');
  const v = typeof rope === 'object' && rope !== null && !Array.isArray(rope) ? (rope as Record<string, unknown>)['partial_rotary_factor'] : undefined;
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw r.error('config-invalid-field', 'rope_parameters', `has a partial_rotary_factor of ${typeof v === 'number' ? v : quote(JSON.stringify(v))}, outside (0, 1]`);
  if (r.has('partial_rotary_factor') && r.numberOr('partial_rotary_factor', v) !== v) {
    throw r.error('config-inconsistent', 'partial_rotary_factor', `disagrees with rope_parameters.partial_rotary_factor (${v})`);
  }
  return v;
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

  const biasField = profile.biasField ?? 'attention_bias';
  const attentionBias = r.bool(biasField, false);
  if (attentionBias && profile.qkvBias === 'never' && profile.oBias === 'never') {
    throw r.error('config-inconsistent', biasField, `is true, but ${r.modelType} attention has no biases in transformers`, {
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
  const partial = rotaryDim === null ? r.numberOr('partial_rotary_factor', nestedRotaryFactor(r) ?? 1) : rotaryDim / dh.value;
  if (partial <= 0 || partial > 1) {
    throw r.error('config-inconsistent', rotaryDim === null ? 'partial_rotary_factor' : 'rotary_dim', `gives a rotary fraction of ${partial}, outside (0, 1]`);
  }

  // NoPE (SmolLM3, Llama 4): `no_rope_layers[i]` is 1 where rope is used, despite its name.
  let ropeLayers: boolean[] = Array.from({ length: L.value }, () => true);
  if (profile.ropeThetaList) {
    const thetas = r.get(profile.ropeThetaList);
    if (thetas !== undefined && thetas !== null) {
      if (!Array.isArray(thetas) || thetas.length !== L.value || thetas.some((t) => typeof t !== 'number' || !(t >= 0))) {
        throw r.error('config-invalid-field', profile.ropeThetaList, `must give a rotary base (0: none) for each of the ${L.value} layers`);
      }
      ropeLayers = (thetas as number[]).map((t) => t > 0);
    }
  }
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
  const pattern = profile.sliding === 'pattern' ? r.intOr('sliding_window_pattern', profile.patternDefault ?? 6, { min: 1 }) : 0;
  const fullInterval = profile.linearHybrid ? r.intOr('full_attention_interval', 4) : 0;
  const types = layerTypes(r, L.value, (i) => {
    if (profile.linearHybrid) return (i + 1) % fullInterval === 0 ? 'full_attention' : 'linear_attention';
    // Llama4TextConfig: chunked attention on the RoPE layers, global attention on the NoPE ones.
    if (profile.chunked) return ropeLayers[i] ? 'chunked_attention' : 'full_attention';
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
    : profile.chunked
      ? ['full_attention', 'chunked_attention']
      : ['full_attention', 'sliding_attention'];
  const wrongType = types.findIndex((t) => !allowedTypes.includes(t));
  if (wrongType >= 0) {
    throw r.error('config-invalid-field', `layer_types[${wrongType}]`, `is ${quote(types[wrongType]!)}, which ${r.modelType} does not have`);
  }
  if (types.includes('sliding_attention') && slidingWindow === null) {
    throw r.error('config-inconsistent', 'sliding_window', 'is missing although layer_types has sliding layers');
  }

  const qkNormOn = profile.qkNormField === undefined || r.bool(profile.qkNormField, false);
  const flags = defaultFlags({
    tied_embeddings: tied,
    qk_norm: qkNormOn ? profile.qkNorm : 'none',
    norm_placement: profile.norm,
    ffn_kind: ffnKind,
    ffn_bias: biases.ffn,
    attention_bias: biases.qkv || biases.o,
    attention_sinks: profile.sinks ?? false,
    partial_rotary: partial,
    fused_projections: profile.fused ?? false,
  });
  if (profile.fused) notes.push('q/k/v and gate/up are stored as fused tensors (qkv_proj, gate_up_proj); the counts are those of the separate projections.');

  const nMtp = profile.mtp ? r.intOr(profile.mtp.field, 0, { min: 0, max: LIMITS.mtp }) : 0;
  const ffn = readFfnPlan(r, L.value, profile.moe, nMtp);
  Object.assign(dims, ffn.dims);
  Object.assign(flags, ffn.flags);
  Object.assign(biases, ffn.biases);
  if (profile.chunked) {
    if (r.bool('use_qk_norm', false)) flags.qk_norm = 'l2';
    if (flags.qk_norm === 'l2' && ropeLayers.includes(false)) notes.push('The L2 QK-norm (no weights) is applied only in the RoPE layers; the NoPE layers skip it.');
  }
  if (biases.experts) notes.push('Experts are stored fused (gate_up_proj with biases) and MXFP4-quantized; counts are of the unpacked values, scales excluded.');
  profile.extra?.(r, notes, flags);

  const chunk = types.includes('chunked_attention') ? readChunk(r, types, notes) : null;
  if (profile.softcap) {
    flags.attn_softcap = readSoftcap(r, 'attn_logit_softcapping');
    flags.final_softcap = readSoftcap(r, 'final_logit_softcapping');
  }

  const forceRope = profile.ropeOnSliding?.forceOnDensePrefix === true && r.intOr('prefix_dense_sliding_window_pattern', 1) === 1;
  const layers: LayerSpec[] = types.map((t, i) => {
    const layer = plainLayer(i);
    if (t === 'sliding_attention') layer.attention.window = slidingWindow;
    if (t === 'chunked_attention') layer.attention.chunk = chunk;
    layer.attention.rope = ropeLayers[i]!;
    if (profile.ropeOnSliding) layer.attention.rope = t === 'sliding_attention' || (forceRope && !ffn.isMoe(i));
    if (t === 'linear_attention') {
      layer.attention.kind = 'gated_deltanet';
      layer.attention.rope = false; // Gated DeltaNet has no positional encoding
    }
    if (ffn.isMoe(i)) layer.ffn = { kind: 'moe', routing: 'score', ...(ffn.residual ? { residual: true } : {}) };
    return layer;
  });
  const geometries = profile.headsPerLayer ? readHeadsPerLayer(r, profile.headsPerLayer, layers, H, Hkv) : undefined;
  if (profile.headGate) flags.head_gate = profile.headGate;
  if (profile.exitGate) flags.early_exit_gate = true;
  if (profile.outputGate) {
    flags.output_gate = true;
    flags.output_gate_separate = true;
  }
  if (profile.parallel) flags.parallel_attention = true;
  if (profile.unbiasedLayerNorm === 'always' || (profile.unbiasedLayerNorm === 'unless_rms_norm_eps' && !r.has('rms_norm_eps'))) {
    flags.norm_kind = 'layernorm';
    flags.norm_bias = false;
    r.mark('layer_norm_eps');
  }
  if (profile.ropeOnSliding && layers.some((l) => !l.attention.rope)) {
    notes.push(`RoPE on the sliding-window layers only${forceRope && layers.some((l, i) => !ffn.isMoe(i) && !l.attention.window) ? ' (and on the dense prefix, prefix_dense_sliding_window_pattern 1)' : ''}; the full-attention layers have no positional encoding.`);
  }
  const loopCount = profile.loopsField ? r.intOr(profile.loopsField, 1, { max: LIMITS.layers }) : 1;
  if (loopCount > 1) notes.push(`Looped depth: the ${L.value} layers run ${loopCount} times in a row (${r.path(profile.loopsField!)}), sharing their weights; counted once.`);
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
    {
      ...(profile.mtp ? mtpLayers(profile.mtp, nMtp, layers, ffn.isMoe, flags) : {}),
      ...(geometries ? { geometries } : {}),
      ...(loopCount > 1 ? { loops: { count: loopCount, field: r.path(profile.loopsField!) } } : {}),
    },
  );
}

/**
 * Query heads per layer (`field[i]`, Laguna): a layer whose count differs from
 * `num_attention_heads` takes a geometry `heads_<n>` with its own H; the KV heads stay shared.
 */
function readHeadsPerLayer(r: ConfigReader, field: string, layers: LayerSpec[], H: Dim, Hkv: Dim): Record<string, Geometry> | undefined {
  const heads = r.intArray(field, { length: layers.length, min: 1, max: LIMITS.heads });
  if (!heads) return undefined;
  const geometries: Record<string, Geometry> = {};
  heads.forEach((h, i) => {
    if (h % Hkv.value !== 0) throw r.error('config-inconsistent', `${field}[${i}]`, `(${h}) is not a multiple of num_key_value_heads (${Hkv.value})`);
    if (h === H.value) return;
    const key = `heads_${h}`;
    geometries[key] ??= { label: `${h} query heads`, dims: { H: { tex: H.tex, value: h, field: `${r.path(field)}[${i}]` } } };
    layers[i]!.attention.geometry = key;
  });
  return Object.keys(geometries).length ? geometries : undefined;
}

/**
 * `n` MTP modules (`num_nextn_predict_layers`): each a full-attention decoder layer (MoE where the
 * family's layout puts MoE after the dense prefix) behind DeepSeek-V3's `eh_proj` and norms.
 */
function mtpLayers(mtp: NonNullable<DecoderProfile['mtp']>, n: number, layers: LayerSpec[], isMoe: (i: number) => boolean, flags: Flags): Partial<ArchDescription> {
  flags.mtp = n > 0;
  const L = layers.length;
  const modules = Array.from({ length: n }, (_, k) => {
    const layer = plainLayer(L + k);
    if (isMoe(L + k)) layer.ffn = { kind: 'moe', routing: 'score' };
    return layer;
  });
  return { mtp_layers: modules, checkpoint: { mtp_copies: mtp.copies, unknown: null } };
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
export function readSoftcap(r: ConfigReader, field: string): number | null {
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
 * MiniMax-M2 beyond its MoE recipe (every layer, routing bias from `use_routing_bias`): QK-norm over the whole q/k width
 * (`qk_norm_type: per_layer`), only full softmax attention (`attn_type_list` all 1).
 */
export function miniMaxExtra(r: ConfigReader, notes: string[], flags: Flags): void {
  const types = r.intArray('attn_type_list', { min: 0, maxLength: r.int('num_hidden_layers') });
  const linear = types?.findIndex((t) => t !== 1) ?? -1;
  if (linear >= 0) {
    throw r.error('unsupported-model-type', `attn_type_list[${linear}]`, 'marks a lightning (linear) attention layer, which this tool does not count yet');
  }
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
