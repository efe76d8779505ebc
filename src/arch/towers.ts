/**
 * Towers of multimodal wrappers: the vision (or audio) encoder and projector a checkpoint stores
 * beside its text decoder. They are not part of the decoder's `params`; they are counted, as units
 * of their own, into `totals.checkpoint_params`. One reader per wrapper type; a wrapper without one
 * leaves `checkpoint_params` null.
 */
import { quote, type ConfigReader } from './config-reader.js';
import { checkHeadsDivide, derivedDim } from './common.js';
import type { Dim } from './types.js';

/** A tower's `out_hidden_size` (the text width when absent) must be the decoder's hidden_size. */
function checkOutWidth(v: ConfigReader, textWidth: Dim): void {
  const out = v.intOr('out_hidden_size', textWidth.value);
  if (out !== textWidth.value) throw v.error('config-inconsistent', 'out_hidden_size', `is ${out}, but the text decoder's hidden_size is ${textWidth.value}`);
}

/** Known tower architectures; each has its formula in `../params/towers.ts`. */
export type TowerKind = 'moonvit' | 'patch_merger_mlp' | 'moonvit_k3' | 'patch_merger_v2' | 'qwen_vit' | 'qwen_merger' | 'gemma4_patch_embedder' | 'projection' | 'muse_vit' | 'muse_adapter' | 'clip_vit_rope' | 'minimax_projector' | 'gemma4_vit' | 'gemma4_audio' | 'dmel_embedding' | 'hmlp' | 'dsv41_vit' | 'dsv41_aligner' | 'glm_vit' | 'glm_merger';

/** One tower of a wrapper, with the sizes its formula uses. */
export interface TowerSpec {
  /** `vision`, `projector`, ... unique in the model. */
  id: string;
  /** As the figure prints it. */
  name: string;
  kind: TowerKind;
  dims: Record<string, Dim>;
}

/**
 * Kimi K2.5/K2.6 (`kimi_k25`): MoonViT, a ViT of `vt_num_hidden_layers` blocks with a learned 2-D
 * position table (`init_pos_emb_height` × `init_pos_emb_width`; the time axis is a fixed sin-cos
 * buffer), and a patch-merger MLP that folds `merge_kernel_size` patches into one text token.
 * Tensors: `vision_tower.patch_embed.proj` (Conv2d, bias), `patch_embed.pos_emb.weight`, per block
 * `wqkv`, `wo`, `mlp.fc0`, `mlp.fc1` (all biased) and two LayerNorms, `encoder.final_layernorm`;
 * `mm_projector.pre_norm` (LayerNorm), `proj.0`, `proj.2` (biased).
 */
/** A MoonViT patch merger's sizes: `merge_kernel_size` (2 × 2 when absent), `mm_hidden_size` (the
 * vision width when absent), and `text_hidden_size`, which must be the decoder's. */
function mergerSizes(v: ConfigReader, h: Dim, textWidth: Dim): { kernel: number[]; mm: Dim } {
  const kernel = v.intArray('merge_kernel_size', { length: 2, min: 1 }) ?? [2, 2];
  const mm: Dim = v.has('mm_hidden_size') ? v.dim('h_{mm}', 'mm_hidden_size') : { ...h, tex: 'h_{mm}' };
  const text = v.intOr('text_hidden_size', textWidth.value);
  if (text !== textWidth.value) throw v.error('config-inconsistent', 'text_hidden_size', `is ${text}, but the text decoder's hidden_size is ${textWidth.value}`);
  return { kernel, mm };
}

/** MoonViT's MLP width, depth, patch size and position table (K2.5's and K3's alike). */
function moonVitDims(v: ConfigReader): Record<string, Dim> {
  return {
    f_v: v.dim('f_{v}', 'vt_intermediate_size'),
    L_v: v.dim('L_{v}', 'vt_num_hidden_layers'),
    p: v.dim('p', 'patch_size'),
    P_h: v.dim('P_{h}', 'init_pos_emb_height'),
    P_w: v.dim('P_{w}', 'init_pos_emb_width'),
  };
}

function readMoonVit(top: ConfigReader, textWidth: Dim, unknown: string[]): TowerSpec[] {
  const v = top.child('vision_config');
  if (!v) throw top.error('config-invalid-field', 'vision_config', 'is missing; Kimi K2.5 wraps a MoonViT vision tower');
  const h = v.dim('h_{v}', 'vt_hidden_size');
  const heads = v.int('vt_num_attention_heads');
  checkHeadsDivide(v, 'vt_num_attention_heads', heads, 'vt_hidden_size', h.value);
  const type = v.strOr('mm_projector_type', 'patchmerger');
  if (type !== 'patchmerger') throw v.error('unsupported-feature', 'mm_projector_type', `is ${quote(type)}; only "patchmerger" is counted`);
  const { kernel, mm } = mergerSizes(v, h, textWidth);
  // Fields of the attention kernel, the video pooling and numerics: no tensors of their own.
  v.mark('_attn_implementation', 'init_pos_emb_time', 'merge_type', 'pos_emb_type', 'projector_hidden_act', 'projector_ln_eps', 'video_attn_type');
  const towers: TowerSpec[] = [
    {
      id: 'vision',
      name: 'Vision encoder (MoonViT)',
      kind: 'moonvit',
      dims: {
        h_v: h,
        ...moonVitDims(v),
      },
    },
    {
      id: 'projector',
      name: 'Vision projector (patch merger)',
      kind: 'patch_merger_mlp',
      dims: {
        h_mm: mm,
        m: derivedDim('m', mm.value * kernel[0]! * kernel[1]!, `${v.path('mm_hidden_size')} × ${v.path('merge_kernel_size')}`),
        d: textWidth,
      },
    },
  ];
  for (const f of v.unknownFields()) unknown.push(f);
  return towers;
}

/**
 * Kimi K3 (`kimi_k3`): MoonViT without biases, with RMSNorms and an attention `qkv_hidden_size`
 * wide (KimiK3VisionTower): `patch_embed.proj` (Conv2d, no bias), the learned P_h × P_w position
 * table (`divided_fixed`: the time axis is a fixed buffer), per block `wqkv` [3q, h], `wo` [h, q],
 * `mlp.fc0`, `mlp.fc1`, RMSNorms `norm0`, `norm1`; `encoder.final_layernorm` (RMSNorm). The
 * projector (`patchmergerv2`): `proj.0` [m, m], `proj.2` [d, m], no biases, then `post_norm` [d].
 */
function readMoonVitK3(top: ConfigReader, textWidth: Dim, unknown: string[]): TowerSpec[] {
  const v = top.child('vision_config');
  if (!v) throw top.error('config-invalid-field', 'vision_config', 'is missing; Kimi K3 wraps a MoonViT vision tower');
  const h = v.dim('h_{v}', 'vt_hidden_size');
  const q = v.has('qkv_hidden_size') ? v.dim('q_{v}', 'qkv_hidden_size') : { ...h, tex: 'q_{v}' };
  checkHeadsDivide(v, 'vt_num_attention_heads', v.int('vt_num_attention_heads'), 'qkv_hidden_size', q.value);
  const expect = (field: string, value: string | boolean) => {
    const got = typeof value === 'boolean' ? v.bool(field, value) : v.strOr(field, value);
    if (got !== value) throw v.error('unsupported-feature', field, `is ${quote(String(got))}; only Kimi K3's ${quote(String(value))} is counted`);
  };
  expect('mm_projector_type', 'patchmergerv2');
  expect('pos_emb_type', 'divided_fixed');
  expect('mlp_type', 'mlp2');
  expect('merge_type', 'sd2_tpool');
  expect('norm_type', 'rmsnorm');
  for (const f of ['attn_bias', 'linear_bias', 'patch_embed_proj_bias']) expect(f, false);
  const { kernel, mm } = mergerSizes(v, h, textWidth);
  // The attention kernel, the fixed time axis, interpolation, activations, numerics: no tensors.
  v.mark('_attn_implementation', 'init_pos_emb_time', 'pos_emb_interpolation_mode', 'activation_func', 'projector_hidden_act', 'projector_ln_eps', 'video_attn_type');
  const towers: TowerSpec[] = [
    {
      id: 'vision',
      name: 'Vision encoder (MoonViT)',
      kind: 'moonvit_k3',
      dims: {
        h_v: h,
        q_v: q,
        ...moonVitDims(v),
      },
    },
    {
      id: 'projector',
      name: 'Vision projector (patch merger)',
      kind: 'patch_merger_v2',
      dims: {
        m: derivedDim('m', mm.value * kernel[0]! * kernel[1]!, `${v.path('mm_hidden_size')} × ${v.path('merge_kernel_size')}`),
        d: textWidth,
      },
    },
  ];
  for (const f of v.unknownFields()) unknown.push(f);
  return towers;
}

/** Tower readers by wrapper model_type. */
/**
 * Qwen3.5 / Qwen3.6 (`qwen3_5`, `qwen3_5_moe`): a ViT of `depth` blocks over Conv3d patches
 * (`temporal_patch_size` frames × `patch_size`²) with a learned table of `num_position_embeddings`
 * positions, and a merger that folds `spatial_merge_size`² patches into one text token.
 * Tensors: `patch_embed.proj` (bias), `pos_embed`, per block `norm1`, `norm2` (LayerNorm), `attn.qkv`,
 * `attn.proj`, `mlp.linear_fc1`, `mlp.linear_fc2` (biased); `merger.norm` (LayerNorm over the
 * vision width), `merger.linear_fc1`, `merger.linear_fc2` (biased).
 */
function readQwenVit(top: ConfigReader, textWidth: Dim, unknown: string[]): TowerSpec[] {
  // A text-only release of the wrapper stores no tower.
  if (top.bool('language_model_only', false)) return [];
  const v = top.child('vision_config');
  if (!v) throw top.error('config-invalid-field', 'vision_config', 'is missing; Qwen3.5 wraps a vision tower');
  const h = v.dim('h_{v}', 'hidden_size');
  const heads = v.int('num_heads');
  checkHeadsDivide(v, 'num_heads', heads, 'hidden_size', h.value);
  // DeepStack mergers (Qwen3-VL) would add one merger per listed layer: not counted yet.
  const deepstack = v.intArray('deepstack_visual_indexes', { min: 0 }) ?? [];
  if (deepstack.length > 0) throw v.error('unsupported-feature', 'deepstack_visual_indexes', 'lists layers; their DeepStack mergers are not counted yet');
  const merge = v.int('spatial_merge_size');
  checkOutWidth(v, textWidth);
  v.mark('hidden_act', 'initializer_range', 'model_type');
  const towers: TowerSpec[] = [
    {
      id: 'vision',
      name: 'Vision encoder (ViT)',
      kind: 'qwen_vit',
      dims: {
        h_v: h,
        f_v: v.dim('f_{v}', 'intermediate_size'),
        L_v: v.dim('L_{v}', 'depth'),
        p: v.dim('p', 'patch_size'),
        t: v.dim('t', 'temporal_patch_size'),
        c: v.dim('c', 'in_channels'),
        P: v.dim('P', 'num_position_embeddings'),
      },
    },
    {
      id: 'projector',
      name: 'Vision merger',
      kind: 'qwen_merger',
      dims: {
        h_v: h,
        m: derivedDim('m', h.value * merge * merge, `${v.path('hidden_size')} × ${v.path('spatial_merge_size')}²`),
        d: textWidth,
      },
    },
  ];
  for (const f of v.unknownFields()) unknown.push(f);
  return towers;
}

/**
 * Gemma 4 12B (`gemma4_unified`): no encoders, only embedders. Vision: each
 * `model_patch_size`² RGB patch is normalised and projected (`patch_ln1`, `patch_dense` with bias,
 * `patch_ln2`), given a learned 2-D position (`pos_embedding` [`mm_posemb_size`, 2, E], `pos_norm`),
 * and projected to the text width (`embedding_projection` [d, `output_proj_dims`]). Audio: one
 * projection of `audio_embed_dim` features (`embedding_projection` [d, `output_proj_dims`]).
 */
function readGemma4Unified(top: ConfigReader, textWidth: Dim, unknown: string[]): TowerSpec[] {
  const towers: TowerSpec[] = [];
  const v = top.child('vision_config');
  if (v) {
    const patch = v.dim('p', 'model_patch_size');
    const p = v.intOr('patch_size', null);
    const pool = v.intOr('pooling_kernel_size', null);
    if (p !== null && pool !== null && p * pool !== patch.value) throw v.error('config-inconsistent', 'model_patch_size', `(${patch.value}) is not patch_size × pooling_kernel_size (${p * pool})`);
    const E = v.dim('E', 'mm_embed_dim');
    v.mark('num_soft_tokens');
    towers.push({
      id: 'vision',
      name: 'Vision embedder (patches, no encoder)',
      kind: 'gemma4_patch_embedder',
      dims: { p: patch, E, P: v.dim('P', 'mm_posemb_size'), o: v.dim('o', 'output_proj_dims'), d: textWidth },
    });
    for (const f of v.unknownFields()) unknown.push(f);
  }
  const a = top.child('audio_config');
  if (a) {
    const dim = a.dim('o', 'output_proj_dims');
    const embed = a.intOr('audio_embed_dim', dim.value);
    if (embed !== dim.value) throw a.error('config-inconsistent', 'audio_embed_dim', `(${embed}) differs from output_proj_dims (${dim.value})`);
    a.mark('hidden_size', 'audio_samples_per_token');
    towers.push({ id: 'audio', name: 'Audio embedder (projection)', kind: 'projection', dims: { o: dim, d: textWidth } });
    for (const f of a.unknownFields()) unknown.push(f);
  }
  return towers;
}

/**
 * Muse Glimmer (`muse_glimmer`): a ViT of `num_hidden_layers` blocks over patches of
 * `patch_temporal` frames × `patch_size`² (no bias), a learned `pos_emb_height` × `pos_emb_width`
 * position table, `ln_pre` and `ln_post` (LayerNorms with bias), biased q/k/v/proj and fc1/fc2;
 * then `vision_adapter` (fc1 [projector_hidden_size, out_hidden_size], fc2, no biases) and
 * `vision_projection` [d, projector_hidden_size]. `out_hidden_size` is the vision width × `merge_size`².
 */
function readMuseVit(top: ConfigReader, textWidth: Dim, unknown: string[]): TowerSpec[] {
  const v = top.child('vision_config');
  if (!v) throw top.error('config-invalid-field', 'vision_config', 'is missing; Muse Glimmer wraps a vision tower');
  const h = v.dim('h_{v}', 'hidden_size');
  const heads = v.int('num_attention_heads');
  checkHeadsDivide(v, 'num_attention_heads', heads, 'hidden_size', h.value);
  const merge = v.int('merge_size');
  const out = top.dim('m', 'out_hidden_size');
  if (out.value !== h.value * merge * merge) throw top.error('config-inconsistent', 'out_hidden_size', `is ${out.value}, but the vision width × merge_size² is ${h.value * merge * merge}`);
  const act = top.strOr('projector_hidden_act', 'gelu');
  if (!act.startsWith('gelu')) throw top.error('config-invalid-field', 'projector_hidden_act', `is ${quote(act)}; Muse Glimmer's adapter is GELU`);
  // Window or full attention per block, rotary bases, the position limit: no tensors of their own.
  v.mark('hidden_act', 'layer_norm_eps', 'layer_types', 'max_position_embeddings', 'rope_parameters', 'model_type');
  const towers: TowerSpec[] = [
    {
      id: 'vision',
      name: 'Vision encoder (ViT)',
      kind: 'muse_vit',
      dims: {
        h_v: h,
        f_v: v.dim('f_{v}', 'intermediate_size'),
        L_v: v.dim('L_{v}', 'num_hidden_layers'),
        p: v.dim('p', 'patch_size'),
        t: v.dim('t', 'patch_temporal'),
        P_h: v.dim('P_{h}', 'pos_emb_height'),
        P_w: v.dim('P_{w}', 'pos_emb_width'),
      },
    },
    { id: 'projector', name: 'Vision adapter and projection', kind: 'muse_adapter', dims: { m: out, a: top.dim('a', 'projector_hidden_size'), d: textWidth } },
  ];
  for (const f of v.unknownFields()) unknown.push(f);
  return towers;
}

/**
 * MiniMax-M3 (`minimax_m3_vl`): a CLIP vision tower with rotary positions (no position table):
 * `patch_embedding` [h, 3, t, p, p] without bias, `pre_layrnorm`, per block biased q/k/v/out_proj
 * and fc1/fc2 with two LayerNorms, no post-norm; then `multi_modal_projector` (linear_1 [P, h],
 * linear_2 [P, P]) and `patch_merge_mlp` (linear_1 [P, m²·P], linear_2 [P, P]), all biased.
 */
function readMiniMaxClip(top: ConfigReader, textWidth: Dim, unknown: string[]): TowerSpec[] {
  const v = top.child('vision_config');
  if (!v) throw top.error('config-invalid-field', 'vision_config', 'is missing; MiniMax-M3 wraps a vision tower');
  const pos = v.strOr('position_embedding_type', 'rope');
  if (pos !== 'rope') throw v.error('unsupported-feature', 'position_embedding_type', `is ${quote(pos)}; only rotary positions (no table) are known`);
  if (!top.bool('multimodal_projector_bias', true)) throw top.error('unsupported-feature', 'multimodal_projector_bias', 'is false; MiniMax-M3 projectors with biases are the only ones known');
  if (top.intOr('num_reward_heads', 0, { min: 0 }) > 0) throw top.error('unsupported-feature', 'num_reward_heads', 'is positive; reward heads are not counted');
  const h = v.dim('h_{v}', 'hidden_size');
  const heads = v.int('num_attention_heads');
  checkHeadsDivide(v, 'num_attention_heads', heads, 'hidden_size', h.value);
  const compression = top.child('img_token_compression_config');
  if (!compression) throw top.error('config-invalid-field', 'img_token_compression_config', 'is required: its temporal_patch_size and spatial_merge_size shape the patch embedding and the merger');
  const method = compression.strOr('image_token_compression_method', 'patch_merge');
  if (method !== 'patch_merge') throw compression.error('unsupported-feature', 'image_token_compression_method', `is ${quote(method)}; only "patch_merge" is known`);
  const t = compression.dim('t', 'temporal_patch_size');
  const merge = compression.int('spatial_merge_size');
  const P = top.dim('P', 'projector_hidden_size');
  if (P.value !== textWidth.value) throw top.error('config-inconsistent', 'projector_hidden_size', `is ${P.value}, but the text decoder's hidden_size is ${textWidth.value}`);
  const act = top.strOr('projector_hidden_act', 'gelu');
  if (!act.startsWith('gelu')) throw top.error('config-invalid-field', 'projector_hidden_act', `is ${quote(act)}; known: gelu`);
  // Runtime and CLIP-text fields: image size and frames, rotary settings, the unused text vocabulary
  // and projection size; the vision config repeats the compression settings.
  v.mark('image_size', 'projection_dim', 'rope_mode', 'rope_theta', 'hidden_act', 'initializer_factor', 'layer_norm_eps', 'model_type', 'vocab_size', 'img_token_compression_config', 'vision_segment_max_frames');
  top.mark('process_image_mode');
  const towers: TowerSpec[] = [
    {
      id: 'vision',
      name: 'Vision encoder (CLIP)',
      kind: 'clip_vit_rope',
      dims: { h_v: h, f_v: v.dim('f_{v}', 'intermediate_size'), L_v: v.dim('L_{v}', 'num_hidden_layers'), p: v.dim('p', 'patch_size'), t, c: v.dim('c', 'num_channels') },
    },
    {
      id: 'projector',
      name: 'Vision projector and patch merger',
      kind: 'minimax_projector',
      dims: { h_v: h, P, m: derivedDim('m', merge * merge, `${compression.path('spatial_merge_size')}²`) },
    },
  ];
  for (const f of v.unknownFields()) unknown.push(f);
  for (const f of compression.unknownFields()) unknown.push(f);
  return towers;
}

/**
 * Gemma 4 (`gemma4`) vision tower: `patch_embedder.input_proj` [h, 3·p²] and a
 * `position_embedding_table` [2, `position_embedding_size`, h]; per block q/k/v/o without bias
 * (`num_attention_heads` × `head_dim`), q_norm and k_norm [head_dim] (the v-norm has no weight), a
 * GeGLU MLP and four norms; `std_bias`, `std_scale` [h] with `standardize`; `embed_vision`
 * [d, h] into the text width (its norm has no weight); with an `audio_config`, the audio tower.
 */
function readGemma4Vision(top: ConfigReader, textWidth: Dim, unknown: string[], notes: string[]): TowerSpec[] {
  const audio = readGemma4Audio(top, textWidth, unknown);
  // Gemma4ClippableLinear: four rank-0 bounds per linear, buffers the Hub's total leaves out.
  const clipNote = 'The clipped linears of the towers store four scalar bounds each (input_min/max, output_min/max): buffers, not parameters, and not in the Hub total either.';
  const v = top.child('vision_config');
  top.mark('vision_soft_tokens_per_image');
  if (!v) {
    if (audio.length > 0) notes.push(clipNote);
    return audio;
  }
  const clipped = v.bool('use_clipped_linears', false);
  if (v.bool('attention_bias', false)) throw v.error('unsupported-feature', 'attention_bias', 'is true; Gemma 4 vision projections without biases are the only ones known');
  const h = v.dim('h_{v}', 'hidden_size');
  const H = v.dim('H_{v}', 'num_attention_heads');
  const kv = v.intOr('num_key_value_heads', H.value);
  if (kv !== H.value) throw v.error('unsupported-feature', 'num_key_value_heads', `(${kv}) differs from num_attention_heads (${H.value}); a grouped vision attention is not counted yet`);
  const dh = v.dim('d_{v}', 'head_dim');
  const global = v.intOr('global_head_dim', dh.value);
  if (global !== dh.value) throw v.error('unsupported-feature', 'global_head_dim', `(${global}) differs from head_dim (${dh.value}) in the vision tower`);
  const act = v.strOr('hidden_activation', 'gelu_pytorch_tanh');
  if (!act.startsWith('gelu')) throw v.error('config-invalid-field', 'hidden_activation', `is ${quote(act)}; Gemma 4 vision MLPs are GeGLU`);
  // Pooling, output length, position limit, rotary: no tensors.
  v.mark('default_output_length', 'max_position_embeddings', 'pooling_kernel_size', 'rope_parameters', 'model_type');
  top.mark('vision_soft_tokens_per_image');
  const standardize = v.bool('standardize', false);
  const towers: TowerSpec[] = [
    {
      id: 'vision',
      name: 'Vision encoder (ViT)',
      kind: 'gemma4_vit',
      dims: {
        h_v: h,
        H_v: H,
        d_v: dh,
        f_v: v.dim('f_{v}', 'intermediate_size'),
        L_v: v.dim('L_{v}', 'num_hidden_layers'),
        p: v.dim('p', 'patch_size'),
        P: v.has('position_embedding_size') ? v.dim('P', 'position_embedding_size') : derivedDim('P', 10240, `${v.path('position_embedding_size')} (absent: 10240)`),
        s: derivedDim('s', standardize ? 2 : 0, `${v.path('standardize')} (std_bias and std_scale)`),
      },
    },
    { id: 'projector', name: 'Vision embedder (projection)', kind: 'projection', dims: { o: h, d: textWidth } },
    ...audio,
  ];
  for (const f of v.unknownFields()) unknown.push(f);
  if (clipped || audio.length > 0) notes.push(clipNote);
  return towers;
}

/**
 * Gemma 4 E2B/E4B audio tower (`audio_config`, Gemma4AudioModel, a conformer): two stride-2
 * convolutions over the mel frames (`subsampling_conv_channels` [c0, c1], 3×3, no bias, each with
 * a LayerNorm weight) and `input_proj_linear` [h, (c0/4)·c1]; per layer two macaron feed-forwards
 * (h → 4h → h, two norms each), chunked attention (q, k, v, post [h, h], `relative_k_proj` [h, h],
 * `per_dim_scale` [h/heads]), a light convolution (`linear_start` [2h, h], `linear_end` [h, h], a
 * depthwise conv of `conv_kernel_size`, two norms) and three norms; `output_proj` [o, h] with its
 * bias; `embed_audio` [d, o] (its norm has no weight).
 */
function readGemma4Audio(top: ConfigReader, textWidth: Dim, unknown: string[]): TowerSpec[] {
  const a = top.child('audio_config');
  if (!a) return [];
  const h = a.dim('h_{a}', 'hidden_size');
  const heads = a.int('num_attention_heads');
  checkHeadsDivide(a, 'num_attention_heads', heads, 'hidden_size', h.value);
  const channels = a.intArray('subsampling_conv_channels', { length: 2, min: 1 });
  if (!channels) throw a.error('config-invalid-field', 'subsampling_conv_channels', 'is required: the two channel counts of the subsampling convolutions');
  if (channels[0]! % 4 !== 0) throw a.error('config-inconsistent', 'subsampling_conv_channels[0]', `(${channels[0]}) is not a multiple of 4; the input projection reads channels[0] / 4 × channels[1] features`);
  const act = a.strOr('hidden_act', 'silu');
  if (act !== 'silu') throw a.error('config-invalid-field', 'hidden_act', `is ${quote(act)}; the Gemma 4 audio tower is known with silu only`);
  // Chunked-attention geometry, caps, clipping and residual weights: no tensors.
  a.mark('attention_chunk_size', 'attention_context_left', 'attention_context_right', 'attention_invalid_logits_value', 'attention_logit_cap', 'gradient_clipping', 'residual_weight', 'use_clipped_linears', 'model_type');
  const o = a.dim('o', 'output_proj_dims');
  const towers: TowerSpec[] = [
    {
      id: 'audio',
      name: 'Audio encoder (conformer)',
      kind: 'gemma4_audio',
      dims: {
        h_a: h,
        L_a: a.dim('L_{a}', 'num_hidden_layers'),
        d_a: derivedDim('d_{a}', h.value / heads, `${a.path('hidden_size')} / ${a.path('num_attention_heads')}`),
        K: a.dim('K', 'conv_kernel_size'),
        c_0: derivedDim('c_{0}', channels[0]!, `${a.path('subsampling_conv_channels')}[0]`),
        c_1: derivedDim('c_{1}', channels[1]!, `${a.path('subsampling_conv_channels')}[1]`),
        // transformers: proj_input_dim = (subsampling_conv_channels[0] // 4) * subsampling_conv_channels[1]
        F_a: derivedDim('F_{a}', (channels[0]! / 4) * channels[1]!, `${a.path('subsampling_conv_channels')}[0] / 4 · [1]`),
        o,
      },
    },
    { id: 'audio_projector', name: 'Audio embedder (projection)', kind: 'projection', dims: { o, d: textWidth } },
  ];
  top.mark('audio_token_id', 'boa_token_id', 'eoa_token_id', 'eoa_token_index');
  for (const f of a.unknownFields()) unknown.push(f);
  return towers;
}

/**
 * Inkling (`inkling_mm_model`): audio as discretised mel bins looked up in a table
 * (`n_mel_bins · mel_vocab_size` rows of the model width) with a norm; vision as an hMLP that
 * folds a `temporal_patch_size` × `patch_size`² × `n_channels` patch into one token through
 * `n_layers` bias-free projections, an RMSNorm after each but the last, and a final norm.
 */
function readInkling(top: ConfigReader, textWidth: Dim, unknown: string[]): TowerSpec[] {
  const towers: TowerSpec[] = [];
  const width = (c: ConfigReader) => {
    const w = c.intOr('decoder_dmodel', textWidth.value);
    if (w !== textWidth.value) throw c.error('config-inconsistent', 'decoder_dmodel', `(${w}) differs from the text decoder's hidden_size (${textWidth.value})`);
  };
  const v = top.child('vision_config');
  if (v) {
    width(v);
    const type = v.strOr('vision_encoder_type', 'hmlp');
    if (type !== 'hmlp') throw v.error('unsupported-feature', 'vision_encoder_type', `is ${quote(type)}; only "hmlp" is counted`);
    if (!v.bool('use_vision_norm', true)) throw v.error('unsupported-feature', 'use_vision_norm', 'is false; an hMLP without its norms is not known');
    const plan = hmlpPlan(v, v.int('patch_size', { max: 1024 }), v.int('temporal_patch_size', { max: 64 }), v.int('n_channels', { max: 64 }), v.int('n_layers', { max: 16 }), textWidth.value);
    const dims: Record<string, Dim> = { d: textWidth, n: derivedDim('n', plan.length, v.path('n_layers')) };
    plan.forEach(([i, o], k) => {
      dims[`i_${k}`] = derivedDim(`i_{${k}}`, i, `${v.path('patch_size')} (hMLP plan, projection ${k + 1} in)`);
      dims[`o_${k}`] = derivedDim(`o_{${k}}`, o, `${v.path('patch_size')} (hMLP plan, projection ${k + 1} out)`);
    });
    towers.push({ id: 'vision', name: 'Vision encoder (hMLP)', kind: 'hmlp', dims });
    for (const f of v.unknownFields()) unknown.push(f);
  }
  const a = top.child('audio_config');
  if (a) {
    width(a);
    const mode = a.strOr('audio_mode', 'dmel');
    if (mode !== 'dmel') throw a.error('unsupported-feature', 'audio_mode', `is ${quote(mode)}; only "dmel" (discretised mel bins) is counted`);
    if (a.bool('bias', false)) throw a.error('unsupported-feature', 'bias', 'is true; an audio embedding with a bias is not known');
    // The bins' value range: no tensors.
    a.mark('dmel_min_value', 'dmel_max_value');
    towers.push({
      id: 'audio',
      name: 'Audio embedder (dmel)',
      kind: 'dmel_embedding',
      dims: {
        b: a.dim('b', 'n_mel_bins'),
        q: a.dim('q', 'mel_vocab_size'),
        d: textWidth,
        s: derivedDim('s', a.bool('use_audio_norm', true) ? 1 : 0, a.path('use_audio_norm')),
      },
    });
    for (const f of a.unknownFields()) unknown.push(f);
  }
  return towers;
}

/**
 * DeepSeek-V4.1's vision tower (`vision_config`, the bring-up report's listing): `patch_embed.proj`
 * [h, 3·p²] with its bias, `num_hidden_layers` blocks of two norms, `wqkv` [3h, h] and `wo` [h, h]
 * with biases and a gated MLP (`w1` [2·f, h], `w2` [h, f]), a final norm; the aligner folds
 * `downsample_ratio`² patches (`w1` [d, s²·h], `w2` [d, d], both biased) and stores the
 * image_start, image_end and image_newline embeddings [d].
 */
function readDeepseekV41Vision(top: ConfigReader, textWidth: Dim, unknown: string[]): TowerSpec[] {
  const v = top.child('vision_config');
  if (!v) return [];
  const h = v.dim('h_{v}', 'hidden_size');
  checkHeadsDivide(v, 'num_attention_heads', v.int('num_attention_heads'), 'hidden_size', h.value);
  // Image sizes, token budget and rotary base: no tensors.
  v.mark('max_image_tokens', 'max_wh_ratio', 'min_pixels', 'rope_theta', 'model_type');
  top.mark('image_token_id');
  const towers: TowerSpec[] = [
    { id: 'vision', name: 'Vision encoder (ViT)', kind: 'dsv41_vit', dims: { h_v: h, f_v: v.dim('f_{v}', 'intermediate_size'), L_v: v.dim('L_{v}', 'num_hidden_layers'), p: v.dim('p', 'patch_size') } },
    { id: 'projector', name: 'Vision aligner', kind: 'dsv41_aligner', dims: { h_v: h, s: v.dim('s', 'downsample_ratio'), d: textWidth } },
  ];
  for (const f of v.unknownFields()) unknown.push(f);
  return towers;
}

/** Prime factors of n, largest first. */
function factorsDescending(n: number): number[] {
  const out: number[] = [];
  for (let p = 2; p * p <= n; p++) while (n % p === 0) (out.push(p), (n /= p));
  if (n > 1) out.push(n);
  return out.reverse();
}

/**
 * The hMLP's projections, as [inputs, outputs] per layer. The candidate scales are the pixel,
 * then squares of growing side (cumulative products of the patch size's prime factors, largest
 * first; channels C·side² rounded up to 64), then the temporal steps; the plan takes `layers + 1`
 * of them whose log sizes lie nearest to even steps from 1 to the whole patch (the first
 * assignment of the least total distance), starting at the pixel and ending at the whole patch.
 * Each projection maps the previous scale's channels times the patches it folds to the next
 * scale's channels, the last to the model width.
 */
function hmlpPlan(v: ConfigReader, P: number, T: number, C: number, layers: number, d: number): [number, number][] {
  type Scale = { t: number; s: number; ch: number };
  const sides = factorsDescending(P).reduce<number[]>((acc, f) => [...acc, (acc[acc.length - 1] ?? 1) * f], []);
  const steps = factorsDescending(T).reduce<number[]>((acc, f) => [...acc, (acc[acc.length - 1] ?? 1) * f], []);
  const scales: Scale[] = [{ t: 1, s: 1, ch: C }, ...sides.map((s) => ({ t: 1, s, ch: Math.ceil((s * s * C) / 64) * 64 })), ...steps.map((t) => ({ t, s: P, ch: 0 }))];
  const total = Math.log(P * P * T * C);
  const cost = (r: number, j: number) => Math.abs((r * total) / layers - Math.log(scales[j]!.t * scales[j]!.s * scales[j]!.s));
  const picks = layers + 1;
  let best: number[];
  if (picks >= scales.length) best = Array.from({ length: picks }, (_, r) => scales.reduce((m, _s, j) => (cost(r, j) < cost(r, m) ? j : m), 0));
  else {
    if (scales.length > 16) throw v.error('unsupported-feature', 'patch_size', `gives ${scales.length} hMLP scales; plans over more than 16 are not counted`);
    // Scales and steps both grow, and the cost of a step is its distance to a scale: the first
    // least assignment of distinct scales (in the reference's lexicographic order) is increasing,
    // so only increasing choices need trying (at most C(16, 8) = 12,870).
    let bestCost = Infinity;
    best = [];
    const chosen: number[] = [];
    const walk = (from: number, sum: number) => {
      const r = chosen.length;
      if (r === picks) {
        if (sum < bestCost) [bestCost, best] = [sum, [...chosen]];
        return;
      }
      for (let j = from; j <= scales.length - (picks - r); j++) {
        chosen.push(j);
        walk(j + 1, sum + cost(r, j));
        chosen.pop();
      }
    };
    walk(0, 0);
  }
  best[0] = 0;
  best[picks - 1] = scales.length - 1;
  const plan: [number, number][] = [];
  for (let k = 0; k < layers; k++) {
    const [a, b] = [scales[best[k]!]!, scales[best[k + 1]!]!];
    const last = k === layers - 1;
    if (!last && b.ch === 0) throw v.error('unsupported-feature', 'n_layers', `(${layers}) puts a temporal step inside the hMLP plan over patch_size ${P}; only plans that end with it are counted`);
    const folds = (b.t / a.t) * (b.s / a.s) ** 2;
    if (!(folds > 1 && Number.isInteger(folds))) throw v.error('unsupported-feature', 'n_layers', `(${layers}) gives an hMLP plan over patch_size ${P} that does not fold whole patches (${a.s} → ${b.s})`);
    plan.push([a.ch * folds, last ? d : b.ch]);
  }
  return plan;
}

/**
 * GLM-5.3-Flash (`glm5_next`): a ViT of `depth` blocks over Conv3d patches (`temporal_patch_size`
 * frames × `patch_size`²) without a position table, attention with biases and per-head q and k
 * RMSNorms, a biased SwiGLU MLP; a merger that folds `spatial_merge_size`² patches by a Conv2d
 * (`downsample`) into the text width, then `proj`, a LayerNorm and a SwiGLU of
 * `projection_intermediate_size`. Tensors as the checkpoint's `model.visual.*` lists them.
 */
function readGlm5NextVision(top: ConfigReader, textWidth: Dim, unknown: string[]): TowerSpec[] {
  const v = top.child('vision_config');
  if (!v) throw top.error('config-invalid-field', 'vision_config', 'is missing; GLM-5.3-Flash wraps a vision tower');
  const h = v.dim('h_{v}', 'hidden_size');
  const heads = v.int('num_heads');
  checkHeadsDivide(v, 'num_heads', heads, 'hidden_size', h.value);
  if (!v.bool('attention_bias', true)) throw v.error('unsupported-feature', 'attention_bias', 'is false; only the tower with biased attention is known');
  checkOutWidth(v, textWidth);
  const act = v.strOr('hidden_act', 'silu');
  if (act !== 'silu') throw v.error('config-invalid-field', 'hidden_act', `is ${quote(act)}; the tower's MLPs are SwiGLU (silu)`);
  // Input resolution, clamps, epsilons and initialisation: no tensors.
  v.mark('image_size', 'swiglu_limit', 'rms_norm_eps', 'attention_dropout', 'initializer_range', 'model_type');
  const towers: TowerSpec[] = [
    {
      id: 'vision',
      name: 'Vision encoder (ViT)',
      kind: 'glm_vit',
      dims: {
        h_v: h,
        f_v: v.dim('f_{v}', 'intermediate_size'),
        L_v: v.dim('L_{v}', 'depth'),
        p: v.dim('p', 'patch_size'),
        t: v.dim('t', 'temporal_patch_size'),
        c: v.dim('c', 'in_channels'),
        d_hv: derivedDim('d_{hv}', h.value / heads, `${v.path('hidden_size')} / ${v.path('num_heads')}`),
      },
    },
    {
      id: 'projector',
      name: 'Vision merger',
      kind: 'glm_merger',
      dims: { h_v: h, s: v.dim('s', 'spatial_merge_size'), d: textWidth, f_m: v.dim('f_{m}', 'projection_intermediate_size') },
    },
  ];
  for (const f of v.unknownFields()) unknown.push(f);
  return towers;
}

/** Each reader appends the tower config's fields it does not understand to `unknown`, and what a
 * reader should know about the towers to `notes`. */
export const TOWERS = new Map<string, (top: ConfigReader, textWidth: Dim, unknown: string[], notes: string[]) => TowerSpec[]>([
  ['kimi_k25', readMoonVit],
  ['kimi_k3', readMoonVitK3],
  ['qwen3_5', readQwenVit],
  ['qwen3_5_moe', readQwenVit],
  ['qwen4_exp', readQwenVit],
  ['gemma4_unified', readGemma4Unified],
  ['muse_glimmer', readMuseVit],
  ['minimax_m3_vl', readMiniMaxClip],
  ['gemma4', readGemma4Vision],
  ['inkling_mm_model', readInkling],
  ['deepseek_v41', readDeepseekV41Vision],
  ['glm5_next', readGlm5NextVision],
]);
