/**
 * Where a stored tensor belongs, read from its module path alone: one of the model's own parts
 * (embedding, positions, final norm, head), a part of decoder layer N (its norms, attention,
 * FFN, router, experts, …), a buffer or quantization scale that is no parameter, or a group we do
 * not recognise. `verify.ts` compares these places with our units; `structure.ts` builds units
 * from them when the config cannot be read.
 *
 * The names are transformers' module paths of each family (`modeling_<type>.py`): Llama-style
 * (`model.layers.N.self_attn.q_proj`), GPT-2 (`transformer.h.N.attn.c_attn`), GPT-NeoX
 * (`gpt_neox.layers.N.attention.query_key_value`), Falcon (`self_attention.query_key_value`,
 * `ln_attn`/`ln_mlp`), OPT (`model.decoder.layers.N.fc1`, `self_attn_layer_norm`), Gemma 2/3's
 * four norms, DeepSeek's MTP layer, and multimodal wrappers (`model.language_model.…`).
 */

/** Why a stored tensor is not a parameter of any unit. */
export type SetAside = 'quantization scale' | 'buffer' | 'non-learned table' | 'tied head stored twice' | "MTP module's copy of the embedding" | "MTP module's copy of the output head";

/** A recognised part of a decoder layer: the key of its unit (`layers.<key>` / `mtp.<key>`). */
export type LayerKey =
  | 'attn_norm' | 'ffn_norm' | 'post_attn_norm' | 'post_ffn_norm' | 'qk_norm' | 'attn' | 'linear_attn'
  | 'compressor' | 'indexer' | 'hc_attn' | 'hc_ffn'
  | 'router' | 'experts' | 'shared_experts' | 'shared_expert_gate' | 'ffn' | 'proj' | 'layer_scalar'
  | 'latent_proj' | 'attn_res' | 'mlp_res';

export type Place =
  | { kind: 'aside'; reason: SetAside }
  | { kind: 'model'; key: 'embed' | 'pos_embed' | 'final_norm' | 'head' | 'hc_head' | 'output_attn_res' }
  | { kind: 'layer'; layer: number; key: LayerKey }
  /** A tower of a multimodal wrapper: the ids of the units that may hold it, first choice first. */
  | { kind: 'tower'; units: readonly string[]; group: string }
  /** Not recognised: `group` is its module (`vision_tower`, or `mixer` inside layer N). */
  | { kind: 'other'; layer: number | null; group: string };

/** Module paths in a layer (after `layers.N.`) → the key of our layer units, first match wins. */
const LAYER_RULES: [RegExp, LayerKey][] = [
  // DeepSeek-V4's own names (inference/model.py): compressor, indexer and the low-rank q/kv norms
  // inside `attn.`, mHC mixers `hc_attn_*` / `hc_ffn_*`, the MoE under `ffn.`.
  [/^attn\.compressor\./, 'compressor'],
  [/^(attn|self_attn)\.indexer\./, 'indexer'],
  // MiniMax-M3's indexer lives beside its attention: self_attn.index_{q,k}_proj, index_{q,k}_norm.
  [/^self_attn\.index_(q|k)_(proj|norm)\./, 'indexer'],
  [/^attn\.(q_norm|kv_norm)\./, 'attn'],
  [/^hc_attn_(fn|base|scale)$/, 'hc_attn'],
  [/^hc_ffn_(fn|base|scale)$/, 'hc_ffn'],
  [/^(input_layernorm|attention_norm|attn_norm|ln_1|ln_attn|self_attn_layer_norm)\./, 'attn_norm'],
  [/^(pre_feedforward_layernorm|ffn_norm|ln_2|ln_mlp|final_layer_norm)\./, 'ffn_norm'],
  [/^post_feedforward_layernorm\./, 'post_ffn_norm'],
  [/^(self_attn|attention|attn|self_attention)\.(q_norm|k_norm|q_layernorm|k_layernorm)\./, 'qk_norm'],
  [/^(self_attn|attention|attn|self_attention)\./, 'attn'],
  [/^linear_attn\./, 'linear_attn'],
  [/^(mlp|block_sparse_moe|feed_forward|ffn)\.(gate|router)\.(weight|bias|e_score_correction_bias)$/, 'router'],
  // MiniMax-M3 keeps the selection bias beside the gate, not in it.
  [/^block_sparse_moe\.e_score_correction_bias$/, 'router'],
  [/^(mlp|block_sparse_moe|feed_forward|ffn)\.experts\./, 'experts'],
  // Kimi K3's latent MoE: the experts work at routed_expert_hidden_size between these.
  [/^(mlp|block_sparse_moe)\.(routed_expert_down_proj|routed_expert_up_proj|routed_expert_norm)\./, 'latent_proj'],
  [/^(mlp|block_sparse_moe|feed_forward|ffn)\.shared_experts?\./, 'shared_experts'],
  [/^mlp\.shared_expert_gate\./, 'shared_expert_gate'],
  [/^(mlp|feed_forward)\.(gate_proj|up_proj|down_proj|gate_up_proj|c_fc|c_proj|fc1|fc2|dense_h_to_4h|dense_4h_to_h)\./, 'ffn'],
  [/^(fc1|fc2)\./, 'ffn'],
  // MiMo-V2's MTP layers name their FFN norm pre_mlp_layernorm.
  [/^pre_mlp_layernorm\./, 'ffn_norm'],
  // DeepSeek's MTP module: its projection of [embedding; hidden] and its norms (V4: e_proj and
  // h_proj, a norm, its own mHC head mixer; MiMo-V2: final_layernorm).
  [/^(enorm|hnorm|eh_proj|e_proj|h_proj|norm|final_layernorm|shared_head\.norm)\./, 'proj'],
  [/^hc_head_(fn|base|scale)$/, 'proj'],
  // Kimi K3's block attention residuals: a learned query (a [1, d] proj) and a norm before each sub-layer.
  [/^self_attention_res_(norm|proj)\./, 'attn_res'],
  [/^mlp_res_(norm|proj)\./, 'mlp_res'],
  // Gemma 4: one stored number a layer (a buffer with a trained value, in checkpoint_params).
  [/^layer_scalar$/, 'layer_scalar'],
];

/**
 * Stored copies (`arch.json` stored_copies) that sit inside the tensors of a unit rather than in
 * tensors of their own: Kimi K3 pads each KDA layer's `self_attn.A_log` with zeros to head_dim.
 * The unit's tensors then hold its count and the copy's.
 */
export const STORED_INSIDE: ReadonlyMap<string, string> = new Map([['layers.a_log_padding', 'layers.kda']]);

/** Gemma 4 E2B/E4B store k_proj, v_proj and k_norm in the layers that share another layer's keys
 * and values (the model never builds them): that layer's `layers.shared_kv[.geometry]` copy. */
export const SHARED_KV_TENSOR = /\.self_attn\.(k_proj|v_proj|k_norm)\./;

/**
 * The towers of multimodal wrappers, by module path after the wrapper's `model.`: which tower
 * units may hold a tensor, first choice first (a wrapper without a separate projector unit counts
 * its embedder in the tower). Kimi K2.5 (`vision_tower`, `mm_projector`), MiniMax-M3
 * (`vision_tower.vision_model`, `multi_modal_projector`, `patch_merge_mlp`), Qwen3.5 and GLM
 * (`visual`, with `visual.merger` and GLM's `visual.downsample`), Gemma 4 (`vision_tower`,
 * `embed_vision`, `audio_tower`, `embed_audio`), Muse Glimmer (`vision_adapter`, `vision_projection`).
 */
const TOWER_RULES: [RegExp, readonly string[]][] = [
  [/^(mm_projector|multi_modal_projector|patch_merge_mlp|visual\.merger|visual\.downsample|embed_vision|vision_adapter|vision_projection)\./, ['tower.projector', 'tower.vision']],
  [/^(embed_audio|audio_projector)\./, ['tower.audio_projector', 'tower.audio']],
  [/^(audio_tower|audio_model|audio_encoder)\./, ['tower.audio']],
  [/^(vision_tower|visual|vision_model|vision_encoder)\./, ['tower.vision']],
];

/** Prefixes of the decoder's own modules, removed before the rules: `model.`, `transformer.`, `model.language_model.`, … */
const CONTAINER = /^(?:model\.language_model\.|language_model\.model\.|model\.decoder\.|model\.|transformer\.|gpt_neox\.|language_model\.)/;
const LAYER = /^(?:layers|h|blocks)\.(\d+)\.(.+)$/;
/** DeepSeek-V4 (`mtp.K.…`) and MiMo-V2 (`model.mtp.layers.K.…`) number their MTP blocks apart:
 * block K is layer `num_hidden_layers + K`. */
const MTP = /^mtp\.(?:layers\.)?(\d+)\.(.+)$/;

/** A tensor's layer number and the path inside the layer, or null outside the layers. */
function layerPath(top: string, mainLayers: number): { layer: number; rest: string } | null {
  const m = LAYER.exec(top);
  if (m) return { layer: Number(m[1]), rest: m[2]! };
  const t = MTP.exec(top);
  return t ? { layer: mainLayers + Number(t[1]), rest: t[2]! } : null;
}

/** A tensor's layer number (MTP blocks after the main layers), or null outside the layers. */
export function layerOf(name: string, mainLayers = Infinity): number | null {
  return layerPath(name.replace(CONTAINER, ''), mainLayers)?.layer ?? null;
}

/** Whether a tensor is a quantization scale or a buffer, whatever the model. */
function setAsideAlways(name: string): SetAside | null {
  if (/(\.|^)weight_scale_inv$|\.scale$|_scales$|\.weight_scale$|\.input_scale$|\.weight_scale_2$|\.scales$|\.qzeros$|\.g_idx$|\.weight_zero_point$|\.weight_global_scale$|\.input_global_scale$|\.weight_shape$/.test(name)) {
    return 'quantization scale';
  }
  // GPT-2's causal mask (`h.N.attn.bias`, `attn.masked_bias`) is a buffer; `attn.c_attn.bias` is not.
  if (/(^|\.)inv_freq$|(^|\.)rotary_emb\.|(^|\.)attn\.(masked_)?bias$/.test(name)) return 'buffer';
  // DeepSeek-V4's hash routing: a token-id → expert table, stored but not learned.
  if (/\.gate\.tid2eid$/.test(name)) return 'non-learned table';
  return null;
}

export interface PlaceContext {
  /** The head is the embedding (a stored `lm_head.weight` is then a copy). */
  tied: boolean;
  /** Decoder layers of the main model; layers numbered from here on are MTP modules. */
  mainLayers: number;
  /** Layers that have Gemma's four norms (`pre_feedforward_layernorm`): their `post_attention_layernorm` follows attention. */
  sandwich: ReadonlySet<number>;
}

/** The layers whose norms are Gemma 2/3's sandwich (`pre_feedforward_layernorm` present). */
export function sandwichLayers(names: Iterable<string>): Set<number> {
  const out = new Set<number>();
  for (const name of names) {
    if (!/\.pre_feedforward_layernorm\./.test(name)) continue;
    const layer = layerOf(name);
    if (layer !== null) out.add(layer);
  }
  return out;
}

/** Where one stored tensor goes. */
export function placeTensor(name: string, ctx: PlaceContext): Place {
  const aside = setAsideAlways(name);
  if (aside) return { kind: 'aside', reason: aside };
  const tower = TOWER_RULES.find(([re]) => re.test(name.replace(/^model\./, '')));
  if (tower) return { kind: 'tower', units: tower[1], group: groupName(name.replace(/^model\./, '')) };
  const top = name.replace(CONTAINER, '');
  if (/^(embed_tokens|wte|word_embeddings|tok_embeddings|embed_in|embed)\.weight$/.test(top)) return { kind: 'model', key: 'embed' };
  if (/^hc_head_(fn|base|scale)$/.test(top)) return { kind: 'model', key: 'hc_head' };
  if (/^output_attn_res_(norm|proj)\.weight$/.test(top)) return { kind: 'model', key: 'output_attn_res' };
  if (/^(wpe|embed_positions)\.weight$/.test(top)) return { kind: 'model', key: 'pos_embed' };
  if (/^(norm|ln_f|final_layernorm|final_layer_norm)\.(weight|bias)$/.test(top)) return { kind: 'model', key: 'final_norm' };
  if (/^(lm_head|output|embed_out|head)\.weight$/.test(name.replace(/^language_model\./, ''))) return ctx.tied ? { kind: 'aside', reason: 'tied head stored twice' } : { kind: 'model', key: 'head' };
  // Qwen3-Next and Qwen3.5 keep their MTP block's input projection and norms beside its layers
  // (`mtp.fc`, `mtp.pre_fc_norm_embedding`, `mtp.pre_fc_norm_hidden`, `mtp.norm`): the first MTP layer's.
  if (/^mtp\.(fc|norm|pre_fc_norm_embedding|pre_fc_norm_hidden)\.weight$/.test(top) && Number.isFinite(ctx.mainLayers)) return { kind: 'layer', layer: ctx.mainLayers, key: 'proj' };
  const m = layerPath(top, ctx.mainLayers);
  if (!m) return { kind: 'other', layer: null, group: groupName(top) };
  const { layer, rest } = m;
  const mtp = layer >= ctx.mainLayers;
  if (mtp && /^embed_tokens\.weight$/.test(rest)) return { kind: 'aside', reason: "MTP module's copy of the embedding" };
  if (mtp && /^shared_head\.head\.weight$/.test(rest)) return { kind: 'aside', reason: "MTP module's copy of the output head" };
  if (/^post_attention_layernorm\./.test(rest)) return { kind: 'layer', layer, key: ctx.sandwich.has(layer) ? 'post_attn_norm' : 'ffn_norm' };
  const rule = LAYER_RULES.find(([re]) => re.test(rest));
  return rule ? { kind: 'layer', layer, key: rule[1] } : { kind: 'other', layer, group: groupName(rest) };
}

/** The module an unrecognised tensor belongs to: its first path component (`vision_tower`, `mixer`). */
function groupName(path: string): string {
  const parts = path.split('.');
  return parts.length > 1 ? parts[0]! : path.replace(/\.(weight|bias)$/, '');
}

/** A tensor's name with its layer and expert numbers as N and E, for grouping. */
export const tensorPattern = (name: string): string => name.replace(/\.(layers|h|blocks)\.\d+\./, '.$1.N.').replace(/\.experts\.\d+\./, '.experts.E.');
