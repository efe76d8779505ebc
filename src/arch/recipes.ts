/**
 * Every supported `model_type` as a recipe: which reader describes it and, for the Llama-shaped
 * decoders, a declarative {@link DecoderProfile} (biases, norms, QK-norm, sliding pattern, MoE
 * fields, MTP). "What does GLM-4.5 have" is answered here, in one entry; the readers of each
 * block kind are in `blocks/` and `models/`, the formulas in `../params/blocks.ts`.
 *
 * Lookups are `Map`s: a `model_type` such as "constructor" must not find Object.prototype.
 */
import { describeValue, type ConfigReader } from './config-reader.js';
import type { MoeRecipe } from './blocks/moe.js';
import { describeDecoder, miniMaxExtra, type DecoderProfile } from './models/decoder.js';
import { describeDeepseek } from './models/deepseek.js';
import { describeDeepseekV4 } from './models/deepseek-v4.js';
import { describeDeepseekV41 } from './models/deepseek-v41.js';
import { describeFalcon } from './models/falcon.js';
import { describeGemma4 } from './models/gemma4.js';
import { describeGpt2 } from './models/gpt2.js';
import { describeGptNeox } from './models/gpt-neox.js';
import { describeMimo } from './models/mimo.js';
import { describeInkling } from './models/inkling.js';
import { describeJamba } from './models/jamba.js';
import { describeLfm2 } from './models/lfm2.js';
import { describeNemotronH } from './models/nemotron-h.js';
import { describeMiniMaxText01 } from './models/minimax-text-01.js';
import { describeSolarOpen2 } from './models/solar-open2.js';
import { describeKimiLinear } from './models/kimi-linear.js';
import { describeXlstm } from './models/xlstm.js';
import { describeBailingHybrid } from './models/bailing-hybrid.js';
import { describeZaya } from './models/zaya.js';
import { describeLongcatNgram } from './models/longcat.js';
import { describeMiniMaxM3 } from './models/minimax-m3.js';
import { describeMotif } from './models/motif.js';
import { describeGlm5Next } from './models/glm5-next.js';
import { describeQwen4 } from './models/qwen4.js';
import { describeOpt } from './models/opt.js';
import { describeStep3p5 } from './models/step3p5.js';
import type { ArchDescription } from './types.js';

/** Reads a config (already unwrapped to its text decoder) into a description. */
export type Describe = (r: ConfigReader) => ArchDescription;

/** How one model type is read. */
export interface Recipe {
  describe: Describe;
  /** Values of the transformers config class that published configs leave out (the nested
   * `text_config` of Gemma 3, for one, omits its vocabulary size). */
  defaults?: Record<string, unknown>;
  /** What the released checkpoints of this type store that the config does not declare. */
  checkpointUnknown?: string;
}

// ---- MoE layouts (see blocks/moe.ts) ----

/** Mixtral: every layer, `num_local_experts` of width `intermediate_size`. */
const MIXTRAL_MOE: MoeRecipe = { layers: { rule: 'all' }, experts: 'num_local_experts', topK: 'num_experts_per_tok', expertWidth: 'intermediate_size' };
/** Qwen MoE: every `decoder_sparse_step`-th layer but `mlp_only_layers`; `num_experts: 0` is dense. */
const QWEN_MOE: MoeRecipe = { layers: { rule: 'sparse_step' }, experts: 'num_experts', topK: 'num_experts_per_tok', expertWidth: 'moe_intermediate_size', none: 'zero' };
/** Qwen2-MoE / Qwen3-Next: plus one gated shared expert of its own width. */
const QWEN_SHARED_MOE: MoeRecipe = { ...QWEN_MOE, shared: { width: 'shared_expert_intermediate_size', gate: true } };


/** Sarvam (MoE and MLA): a dense prefix of first_k_dense_replace layers, num_shared_experts of the
 * routed width (null: none), a router bias (`expert_bias`, `e_score_correction_bias`). The GLM,
 * Hy3, Laguna and Trinity layouts below are this one with other field names. */
const SARVAM_MOE: MoeRecipe = {
  layers: { rule: 'dense_prefix', field: 'first_k_dense_replace', fallback: 1 },
  experts: 'num_experts',
  topK: 'num_experts_per_tok',
  expertWidth: 'moe_intermediate_size',
  shared: { count: 'num_shared_experts' },
  selectionBias: 'always',
};
/** GLM-4.5: DeepSeek-V3's router (always with its selection bias) and shared experts, behind a dense prefix. */
const GLM_MOE: MoeRecipe = { ...SARVAM_MOE, experts: 'n_routed_experts', shared: { count: 'n_shared_experts' } };
/** Hy3: MoE after one dense layer unless `mlp_layer_types` lists each (HYV3Config reads no prefix
 * field), `num_shared_experts` of the routed width, a selection bias (`e_score_correction_bias`). */
const HY3_MOE: MoeRecipe = { ...SARVAM_MOE, layers: { rule: 'dense_prefix', field: 'first_k_dense_replace', fallback: 1, list: 'mlp_layer_types' } };
/** Laguna: Hy3's layers, and a shared expert of its own width without a gate. */
const LAGUNA_MOE: MoeRecipe = { ...HY3_MOE, shared: { width: 'shared_expert_intermediate_size', gate: false } };
/** Trinity: num_dense_layers dense, then MoE with num_shared_experts (default 2) of the routed
 * width and a router bias (`expert_bias`). */
const TRINITY_MOE: MoeRecipe = { ...SARVAM_MOE, layers: { rule: 'dense_prefix', field: 'num_dense_layers', fallback: 1 } };

/** Qwen3.5's MTP: `mtp_num_hidden_layers` full-attention layers behind mtp.fc and its norms. */
const QWEN35_MTP = { field: 'mtp_num_hidden_layers', copies: { embed: false, head: false } };

/**
 * Qwen3.5 fields without tensors of their own: the gated norm's activation, the SSM dtype. Its
 * attention always has the output gate (q_proj twice as wide); an MTP with its own embedding is
 * not known.
 */
function qwen35Extra(r: ConfigReader): void {
  r.mark('output_gate_type', 'mamba_ssm_dtype');
  if (r.present('attn_output_gate') && !r.bool('attn_output_gate', true)) {
    throw r.error('unsupported-feature', 'attn_output_gate', 'is false; Qwen3_5Attention always gates its output, and an ungated variant is not known');
  }
  if (r.bool('mtp_use_dedicated_embeddings', false)) {
    throw r.error('unsupported-feature', 'mtp_use_dedicated_embeddings', 'is true; an MTP module with its own embedding is not counted yet');
  }
}



/**
 * Sarvam fields no tensor depends on (router numerics, dropout, the remote code's `default_theta`
 * and `q_head_dim`), and switches whose other value is not known: a LayerNorm instead of RMSNorm,
 * biases on o_proj and the MLPs, a router without its bias.
 */
function sarvamExtra(r: ConfigReader): void {
  r.mark('router_dtype', 'score_function', 'output_dropout', 'max_window_layers', 'default_theta');
  if (!r.bool('use_rmsnorm', true)) throw r.error('unsupported-feature', 'use_rmsnorm', 'is false; only Sarvam with RMSNorm is known');
  if (r.bool('use_bias', false)) throw r.error('unsupported-feature', 'use_bias', 'is true; which Sarvam projections then carry biases is not known');
  if (r.present('moe_router_enable_expert_bias') && !r.bool('moe_router_enable_expert_bias', true)) {
    throw r.error('unsupported-feature', 'moe_router_enable_expert_bias', 'is false; Sarvam checkpoints store the router bias, and a router without it is not known');
  }
  const ns = r.intOr('num_shared_experts', 0, { min: 0 });
  const width = r.intOr('moe_shared_expert_intermediate_size', null);
  const de = r.intOr('moe_intermediate_size', null);
  if (width !== null && de !== null && ns > 0 && width !== de) {
    throw r.error('config-inconsistent', 'moe_shared_expert_intermediate_size', `(${width}) differs from moe_intermediate_size (${de}); Sarvam's shared experts have the routed width`);
  }
}

/** Mistral 4: DeepSeek's layout without the selection bias (its router has no topk_method). */
const MISTRAL4_MOE: MoeRecipe = {
  layers: { rule: 'dense_prefix', field: 'first_k_dense_replace', fallback: 0 },
  experts: 'n_routed_experts',
  topK: 'num_experts_per_tok',
  expertWidth: 'moe_intermediate_size',
  shared: { count: 'n_shared_experts' },
};


/** Cohere 2 MoE: `intermediate_size` is the routed width, the dense prefix has its own. */
const COHERE_MOE: MoeRecipe = {
  layers: { rule: 'dense_prefix', field: 'first_k_dense_replace', fallback: 0, list: 'mlp_layer_types' },
  experts: 'num_experts',
  topK: 'num_experts_per_tok',
  expertWidth: 'intermediate_size',
  denseWidth: 'prefix_dense_intermediate_size',
  shared: { count: 'num_shared_experts' },
};

/**
 * Cohere 2 and Cohere 2 MoE: the original release's keys, which transformers does not read; each
 * must name the block transformers builds (a parallel SwiGLU block, interleaved full RoPE, no
 * QK-norm, one embedding).
 */
function cohereExtra(r: ConfigReader): void {
  const known: [string, unknown][] = [
    ['use_parallel_block', true], ['use_gated_activation', true], ['use_parallel_embedding', false], ['use_qk_norm', false],
    ['order_of_interleaved_layers', 'local_attn_first'], ['position_embedding_type', 'rope_gptj'], ['rotary_pct', 1],
  ];
  for (const [field, value] of known) {
    if (!r.present(field)) continue;
    const got = r.get(field);
    if (got !== value) throw r.error('unsupported-feature', field, `is ${describeValue(got)}; only ${JSON.stringify(value)} is known for ${r.modelType} (the block transformers builds)`);
  }
  if (r.present('use_embedding_sharing') && r.bool('use_embedding_sharing', true) !== r.bool('tie_word_embeddings', true)) {
    throw r.error('config-inconsistent', 'use_embedding_sharing', 'disagrees with tie_word_embeddings; transformers reads only tie_word_embeddings');
  }
  r.mark('logit_scale', 'expert_selection_fn', 'shared_expert_combination_strategy', 'prefix_dense_sliding_window_pattern', 'layer_norm_eps');
}

/** Cohere2Config sets head_dim to hidden_size / num_attention_heads whatever the file says. */
function cohere2Extra(r: ConfigReader): void {
  cohereExtra(r);
  const derived = r.int('hidden_size') / r.int('num_attention_heads');
  if (r.has('head_dim') && r.int('head_dim') !== derived) {
    throw r.error('config-inconsistent', 'head_dim', `is ${r.int('head_dim')}, but Cohere2Config sets it to hidden_size / num_attention_heads (${derived}) and sizes the projections by that`);
  }
}

// ---- Llama-shaped decoders (models/decoder.ts) ----

// `heads` says how the config class fills in absent head fields: MHA and hidden/heads where it
// does so; elsewhere (fixed defaults such as Qwen3's head_dim 128) the fields are required.
const DERIVED_HEADS = { kvDefaultsToHeads: true, headDimDerived: true };
/** Cohere 2's block: attention and the MLP side by side behind one norm, a sliding pattern of 4, a tied head. */
const COHERE_BLOCK = {
  qkvBias: 'attention_bias', oBias: 'attention_bias', qkNorm: 'none', norm: 'shared', parallel: true, tieDefault: true, sliding: 'pattern', patternDefault: 4,
} as const satisfies Partial<DecoderProfile>;
const llama: DecoderProfile = { qkvBias: 'attention_bias', oBias: 'attention_bias', mlpBiasField: true, qkNorm: 'none', norm: 'pre', tieDefault: false, sliding: 'none', moe: null, heads: DERIVED_HEADS };
const mistral: DecoderProfile = { qkvBias: 'never', oBias: 'never', qkNorm: 'none', norm: 'pre', tieDefault: false, sliding: 'all', moe: null, heads: { headDimDerived: true } };
const qwen2: DecoderProfile = { qkvBias: 'always', oBias: 'never', qkNorm: 'none', norm: 'pre', tieDefault: false, sliding: 'qwen', moe: null, heads: { headDimDerived: true } };
const qwen3: DecoderProfile = { qkvBias: 'attention_bias', oBias: 'attention_bias', qkNorm: 'per_head', norm: 'pre', tieDefault: false, sliding: 'qwen', moe: null, heads: {} };
const gemma: DecoderProfile = { qkvBias: 'attention_bias', oBias: 'attention_bias', qkNorm: 'none', norm: 'pre', tieDefault: true, sliding: 'none', moe: null, heads: {} };
const QWEN35_MOE: DecoderProfile = { ...qwen3, sliding: 'none', moe: QWEN_SHARED_MOE, linearHybrid: true, mtp: QWEN35_MTP, extra: qwen35Extra };

const decoder = (profile: DecoderProfile, defaults?: Record<string, unknown>): Recipe => ({ describe: (r) => describeDecoder(r, profile), ...(defaults ? { defaults } : {}) });
const reader = (describe: Describe): Recipe => ({ describe });

/**
 * Hy4's MoE (HYV4MoE, GLM-4.7-Flash's): the router always has its selection bias; the layers come
 * from `mlp_layer_types`, absent the first layer alone dense (HYV4Config reads no prefix field).
 */
const HY4_MOE: MoeRecipe = {
  layers: { rule: 'dense_prefix', field: 'first_k_dense_replace', fallback: 1, list: 'mlp_layer_types' },
  experts: 'n_routed_experts',
  topK: 'num_experts_per_tok',
  expertWidth: 'moe_intermediate_size',
  shared: { count: 'n_shared_experts' },
  selectionBias: 'always',
};

/** Every supported `model_type` and how it is read. */
export const RECIPES = new Map<string, Recipe>(Object.entries({
  llama: decoder(llama),
  mistral: decoder(mistral),
  mixtral: decoder({ ...mistral, moe: MIXTRAL_MOE }),
  qwen2: decoder(qwen2),
  qwen2_moe: decoder({ ...qwen2, moe: QWEN_SHARED_MOE }),
  qwen3: decoder(qwen3),
  qwen3_moe: decoder({ ...qwen3, moe: QWEN_MOE }),
  qwen3_next: {
    ...decoder({ ...qwen3, sliding: 'none', moe: QWEN_SHARED_MOE, linearHybrid: true }),
    checkpointUnknown: 'the released checkpoints store an MTP module (mtp.*) that the config does not declare',
  },
  // Qwen3.5 / 3.6 (the text decoders of the qwen3_5 and qwen3_5_moe wrappers): Qwen3-Next's
  // Gated DeltaNet hybrid, dense or MoE, with the MTP module it declares (mtp_num_hidden_layers),
  // which stores no copy of the embedding or head.
  qwen3_5_text: decoder({ ...qwen3, sliding: 'none', linearHybrid: true, mtp: QWEN35_MTP, extra: qwen35Extra }),
  qwen3_5_moe_text: decoder(QWEN35_MOE),
  // Qwen4-exp (the text decoder of Qwen3.8-Flash-Next, in the qwen4_exp wrapper): Qwen3.5's MoE
  // hybrid with gated-residual hyper-connections, a QSA indexer and an n-gram memory.
  qwen4_exp_text: reader((r) => describeQwen4(r, QWEN35_MOE)),
  gemma: decoder(gemma),
  // Gemma2Config caps attention logits at 50 and output logits at 30 unless told otherwise.
  gemma2: decoder({ ...gemma, norm: 'sandwich', sliding: 'alternate', softcap: true }, { attn_logit_softcapping: 50, final_logit_softcapping: 30 }),
  gemma3_text: decoder(
    { ...gemma, norm: 'sandwich', qkNorm: 'per_head', sliding: 'pattern', softcap: true },
    { vocab_size: 262_208, hidden_activation: 'gelu_pytorch_tanh', sliding_window_pattern: 6, max_position_embeddings: 131_072 },
  ),
  // Gemma 4 12B's decoder: global layers with their own head size and K = V, layer_scalar buffers.
  gemma4_unified_text: { describe: describeGemma4, defaults: { global_head_dim: 512 } },
  // Gemma 4 26B-A4B's decoder: the same, with a MoE block beside the dense MLP of every layer.
  gemma4_text: { describe: (r) => describeGemma4(r, { moeBlock: true }), defaults: { global_head_dim: 512 } },
  // Muse Glimmer's decoder: its own elementwise output gate, q/k normalised without weights, sandwich
  // norms, NoPE layers where layer_rope_theta is 0, sliding layers in layer_types.
  muse_glimmer_text: decoder({
    qkvBias: 'attention_bias',
    oBias: 'attention_bias',
    qkNorm: 'unscaled',
    norm: 'sandwich',
    tieDefault: false,
    sliding: 'none',
    moe: null,
    heads: {},
    outputGate: true,
    softcap: true,
    ropeThetaList: 'layer_rope_theta',
    // Output and q/k scales, the post-norm epsilon: numbers, no tensors.
    extra: (r) => r.mark('output_multiplier', 'qk_scale_factor', 'post_norm_eps'),
  }),
  olmo2: decoder({ ...llama, mlpBiasField: false, norm: 'post', qkNorm: 'full' }),
  phi3: decoder({ ...mistral, fused: true, heads: DERIVED_HEADS }),
  smollm3: decoder({ ...llama, tieDefault: true, sliding: 'qwen', nope: true, heads: { headDimDerived: true } }, { no_rope_layer_interval: 4 }),
  // MoE on every layer with a routing bias (`use_routing_bias`), no shared expert.
  minimax_m2: decoder({ ...mistral, moe: { ...MIXTRAL_MOE, selectionBias: { field: 'use_routing_bias', equals: true } }, heads: {}, extra: miniMaxExtra }),
  // Mixtral's MoE with router and expert biases; some configs name top-k `experts_per_token`.
  gpt_oss: decoder({ ...llama, mlpBiasField: false, sliding: 'alternate', moe: { ...MIXTRAL_MOE, topK: ['num_experts_per_tok', 'experts_per_token'], biases: true }, sinks: true, heads: {} }),
  // MoE on `moe_layers` (else every interleave_moe_layer_step-th layer) with one shared expert;
  // dense layers of intermediate_size_mlp.
  llama4_text: decoder(
    {
      ...llama,
      mlpBiasField: false,
      moe: { layers: { rule: 'interleave' }, experts: 'num_local_experts', topK: 'num_experts_per_tok', expertWidth: 'intermediate_size', denseWidth: 'intermediate_size_mlp', shared: { one: true } },
      chunked: true,
      nope: true,
      heads: {},
    },
    { attention_chunk_size: 8192, no_rope_layer_interval: 4, interleave_moe_layer_step: 1, use_qk_norm: true, vocab_size: 202_048 },
  ),
  // Llama's layout; its four multipliers scale activations and logits, no tensor.
  granite: decoder(llama),
  // OLMo 2's layout (post-norms, QK-norm over the whole projection) with sliding layers in layer_types.
  olmo3: decoder({ ...llama, mlpBiasField: false, norm: 'post', qkNorm: 'full' }),
  // OLMo 2's whole-width QK-norm with pre-norms, and MoE on every layer: `intermediate_size` is the expert width.
  olmoe: decoder({ ...llama, mlpBiasField: false, qkNorm: 'full', moe: { ...MIXTRAL_MOE, experts: 'num_experts' } }),
  // GLM-4.5/4.6/4.7, GLM-4.5-Air, INTELLECT-3: GQA with q/k/v biases (no o_proj bias), partial
  // rotary, QK-norm when use_qk_norm; GLM's MoE; MTP modules that store embedding and head again.
  glm4_moe: decoder({
    qkvBias: 'attention_bias',
    oBias: 'never',
    qkNorm: 'per_head',
    qkNormField: 'use_qk_norm',
    norm: 'pre',
    tieDefault: false,
    sliding: 'none',
    moe: GLM_MOE,
    heads: { headDimDerived: true },
    mtp: { field: 'num_nextn_predict_layers', copies: { embed: true, head: true } },
  }),
  // Hy3 (tencent/Hy3-preview): GQA with per-head QK-norm when `qk_norm`, Hy3's MoE, MTP modules
  // (MoE blocks) that store no copy of the embedding or head.
  hy_v3: decoder({
    qkvBias: 'attention_bias',
    oBias: 'attention_bias',
    qkNorm: 'per_head',
    qkNormField: 'qk_norm',
    norm: 'pre',
    tieDefault: false,
    sliding: 'none',
    moe: HY3_MOE,
    heads: {},
    mtp: { field: 'num_nextn_predict_layers', copies: { embed: false, head: false } },
    extra: hy3Extra,
  }),
  // Laguna (poolside): GQA with per-head QK-norm and a head-wise gate (g_proj), query heads per
  // layer (num_attention_heads_per_layer), sliding layers in layer_types, Laguna's MoE.
  laguna: decoder({
    qkvBias: 'attention_bias',
    oBias: 'attention_bias',
    qkNorm: 'per_head',
    norm: 'pre',
    tieDefault: false,
    sliding: 'none',
    moe: LAGUNA_MOE,
    heads: {},
    headsPerLayer: 'num_attention_heads_per_layer',
    headGate: 'softplus',
    // `gating` is not read by LagunaAttention (g_proj is always built); the others steer routing.
    extra: (r) => r.mark('gating', 'moe_apply_router_weight_on_input', 'moe_routed_scaling_factor'),
  }),
  // MiMo-V2.5-Pro and MiMo-V2-Flash: full and sliding layers with geometries of their own, sinks on
  // the sliding ones, MoE per moe_layer_freq, three stored MTP modules the config does not declare.
  mimo_v2: reader(describeMimo),
  mimo_v2_flash: reader(describeMimo),
  // Step 3.5 (StepFun): full and sliding layers with sizes of their own, head-wise gate, MoE,
  // MTP modules that each store an output head.
  step3p5: reader(describeStep3p5),
  // Nanbeige 4.x: Llama's layout, the whole stack run num_loops times (kv_channels = head_dim).
  nanbeige: decoder({ ...llama, mlpBiasField: false, heads: { kvDefaultsToHeads: true }, loopsField: 'num_loops', extra: nanbeigeExtra }),
  // Ouro (ByteDance): sandwich norms, the stack run total_ut_steps times, an early-exit gate.
  ouro: decoder({ ...llama, mlpBiasField: false, norm: 'sandwich', sliding: 'qwen', heads: { kvDefaultsToHeads: true }, loopsField: 'total_ut_steps', exitGate: true, extra: (r) => r.mark('early_exit_threshold') }),
  // JetBrains Mellum 2: Qwen3-MoE's layout (per-head QK-norm, no shared expert), each layer's FFN in
  // mlp_layer_types, sliding layers in layer_types.
  mellum: decoder({ ...qwen3, moe: { ...QWEN_MOE, layers: { rule: 'dense_prefix', field: 'first_k_dense_replace', fallback: 0, list: 'mlp_layer_types' }, none: undefined } }),
  // Sarvam 30B: GQA with q/k/v biases by use_qkv_bias, per-head QK-norm by use_qk_norm, Sarvam's MoE.
  sarvam_moe: decoder({
    qkvBias: 'attention_bias',
    oBias: 'never',
    biasField: 'use_qkv_bias',
    qkNorm: 'per_head',
    qkNormField: 'use_qk_norm',
    norm: 'pre',
    tieDefault: false,
    sliding: 'none',
    moe: SARVAM_MOE,
    heads: { headDimDerived: true },
    extra: sarvamExtra,
  }),
  // Mistral Small 4 (the text decoder of its mistral3 wrapper): DeepSeek-V3's MLA and MoE, every
  // layer MoE with one shared expert, a router without selection bias (softmax scoring).
  mistral4: {
    describe: (r) => {
      if (r.has('sliding_window')) throw r.error('unsupported-feature', 'sliding_window', 'is set; a sliding Mistral 4 is not known');
      r.get('sliding_window');
      return describeDeepseek(r, { mtpCopies: false, moe: MISTRAL4_MOE });
    },
  },
  // Sarvam 105B: DeepSeek-V3's MLA with one full q projection (q_lora_rank absent: None) and
  // Sarvam's MoE; head_dim and q_head_dim are not head sizes, use_qk_norm adds no tensor.
  sarvam_mla: {
    describe: (r) => {
      sarvamExtra(r);
      r.mark('q_head_dim', 'use_qk_norm');
      return describeDeepseek(r, { mtpCopies: false, moe: SARVAM_MOE });
    },
    defaults: { q_lora_rank: null },
  },
  // Arcee Trinity (afmoe): GQA with per-head QK-norm and its own elementwise output gate, sandwich
  // norms, sliding layers in layer_types, Trinity's MoE.
  afmoe: decoder({
    qkvBias: 'never',
    oBias: 'never',
    qkNorm: 'per_head',
    norm: 'sandwich',
    tieDefault: false,
    sliding: 'none',
    moe: TRINITY_MOE,
    heads: { kvDefaultsToHeads: true },
    outputGate: true,
    // Expert groups, routing scale and μP switch steer routing and init: no tensors.
    extra: (r) => r.mark('global_attn_every_n_layers', 'mup_enabled', 'load_balance_coeff', 'num_expert_groups', 'num_limited_groups', 'route_norm', 'route_scale', 'score_func'),
  }),
  // Cohere 2 (Command R7B, Command A, Tiny Aya; modular_cohere2.py): attention and a SwiGLU MLP
  // side by side behind one weight-only LayerNorm, three sliding layers then a full one
  // (sliding_window_pattern 4, window 4096 by default), RoPE on the sliding layers only, tied head.
  cohere2: decoder({ ...COHERE_BLOCK, ropeOnSliding: { forceOnDensePrefix: false }, unbiasedLayerNorm: 'always', moe: null, heads: DERIVED_HEADS, extra: cohere2Extra }, { sliding_window: 4096 }),
  // Cohere 2 MoE (North): Cohere 2's block with a MoE behind a dense prefix; an RMSNorm where
  // rms_norm_eps is set (else Cohere's LayerNorm); RoPE on the sliding layers and, with
  // prefix_dense_sliding_window_pattern 1, on the dense prefix (force_rope).
  cohere2_moe: decoder(
    { ...COHERE_BLOCK, ropeOnSliding: { forceOnDensePrefix: true }, unbiasedLayerNorm: 'unless_rms_norm_eps', moe: COHERE_MOE, heads: { kvDefaultsToHeads: true }, extra: cohereExtra },
    { sliding_window: 4096 },
  ),
  // MiniMax-M3's decoder (the minimax_m3_vl wrapper's text_config, which names no type).
  minimax_m3: reader(describeMiniMaxM3),
  // Grok-2 (xai-org/grok-2, whose config says model_type "git": read by its architectures): GQA,
  // sandwich norms, attention and output logits soft-capped, MoE on every layer with a dense MLP
  // beside it (residual_moe). Its gated MLPs are GELU (SGLang's grok.py: GeluAndMul).
  grok: decoder(
    {
      qkvBias: 'never',
      oBias: 'never',
      qkNorm: 'none',
      norm: 'sandwich',
      tieDefault: false,
      sliding: 'none',
      moe: { layers: { rule: 'all' }, experts: 'num_local_experts', topK: 'num_experts_per_tok', expertWidth: 'moe_intermediate_size', residual: 'residual_moe' },
      heads: {},
      softcap: true,
      extra: grokExtra,
    },
    { hidden_act: 'gelu' },
  ),
  falcon: reader(describeFalcon),
  RefinedWebModel: reader(describeFalcon),
  RefinedWeb: reader(describeFalcon),
  gpt2: reader(describeGpt2),
  gpt_neox: reader(describeGptNeox),
  opt: reader(describeOpt),
  deepseek_v2: reader(describeDeepseek),
  deepseek_v3: reader(describeDeepseek),
  // GLM-5 / 5.2: DeepSeek-V3's MLA and MoE (mlp_layer_types) with the DSA lightning indexer on the
  // indexer_types "full" layers; its MTP layer stores no copy of the embedding or head.
  glm_moe_dsa: reader((r) => describeDeepseek(r, { mtpCopies: false, indexer: 'indexer_types' })),
  // DeepSeek-V3.2: DeepSeek-V3 with the DSA lightning indexer on every layer and its MTP module
  // (DeepseekV32Config has no indexer_types; GLM-5 copied the indexer from it).
  deepseek_v32: reader((r) => describeDeepseek(r, { mtpCopies: true, indexer: 'indexer_types' })),
  // Kimi K2 (and the text decoder of the Kimi K2.5/K2.6 wrapper) is DeepSeek-V3's architecture under its own name.
  kimi_k2: reader(describeDeepseek),
  // GLM-4.7-Flash: DeepSeek-V3's MLA and MoE, each layer's FFN listed in mlp_layer_types.
  glm4_moe_lite: reader(describeDeepseek),
  deepseek_v4: reader(describeDeepseekV4),
  // DeepSeek-V4.1 (the text decoder of the deepseek_v41 wrapper): V4 with one shared compressed
  // cache, indexers on some layers, Engram memories and the DSpark draft.
  deepseek_v41_text: reader(describeDeepseekV41),
  // Inkling's decoder (the inkling_mm_model wrapper's text_config, which names no type); its
  // experts are moe_intermediate_size wide, 3072 in InklingTextConfig.
  inkling_text: { describe: describeInkling, defaults: { moe_intermediate_size: 3072 } },
  // Jamba (AI21): Mamba mixers, attention every attn_layer_period-th layer, MoE every other one;
  // JambaConfig's defaults for the fields a config may leave out.
  jamba: {
    describe: describeJamba,
    defaults: {
      // num_key_value_heads: 8 when absent; null means one per query head (MHA), as readHeads does.
      num_key_value_heads: 8,
      num_experts: 16, num_experts_per_tok: 2, expert_layer_period: 2, expert_layer_offset: 1, attn_layer_period: 8, attn_layer_offset: 4,
      mamba_d_state: 16, mamba_d_conv: 4, mamba_expand: 2, mamba_dt_rank: 'auto', mamba_conv_bias: true, mamba_proj_bias: false,
    },
  },
  // LFM2 / LFM2-MoE (Liquid): gated short convolutions and GQA layers (models/lfm2.ts).
  lfm2: reader((r) => describeLfm2(r, { moe: false })),
  lfm2_moe: reader((r) => describeLfm2(r, { moe: true })),
  // Nemotron-H (NVIDIA Nemotron 3): one mixer per block by hybrid_override_pattern — Mamba-2,
  // attention, relu2 MLP or (latent) MoE — and an MTP module (models/nemotron-h.ts).
  nemotron_h: reader(describeNemotronH),
  // MiniMax-Text-01: lightning attention on 7 layers of 8, GQA on the 8th, MoE everywhere
  // (models/minimax-text-01.ts); its remote config class and transformers' MiniMaxConfig.
  minimax_text_01: reader((r) => describeMiniMaxText01(r, { transformers: false })),
  minimax: reader((r) => describeMiniMaxText01(r, { transformers: true })),
  // Solar-Open2 (Upstage): Kimi Delta Attention beside gated NoPE GQA layers, GLM-style MoE.
  // SolarOpen2Config's defaults: one shared expert, no rotary positions, no dense prefix.
  solar_open2: { describe: describeSolarOpen2, defaults: { n_shared_experts: 1, use_rope: false, first_k_dense_replace: 0 } },
  // Kimi Linear (Kimi-Linear-48B; the text decoder of Kimi K3): KDA and gated NoPE MLA, a latent
  // MoE, K3's block attention residuals (models/kimi-linear.ts).
  kimi_linear: reader(describeKimiLinear),
  // GLM-5.3-Flash: Kimi Delta Attention beside NoPE MLA with a pooled DSA indexer, mHC, a
  // DeepSeek MoE and one MTP layer (models/glm5-next.ts).
  glm5_next_text: reader(describeGlm5Next),
  // xLSTM (NX-AI): mLSTM blocks and SwiGLU FFNs, no attention (models/xlstm.ts); xLSTMConfig's
  // defaults for the factors a config may leave out.
  // Ling 2.5 (inclusionAI): lightning attention with MLA on every layer_group_size-th layer, MoE.
  bailing_hybrid: reader(describeBailingHybrid),
  // ZAYA1 (Zyphra): compressed convolutional attention, an MLP router with a skip class (models/zaya.ts).
  zaya: reader(describeZaya),
  xlstm: { describe: describeXlstm, defaults: { qk_dim_factor: 0.5, v_dim_factor: 1, ffn_proj_factor: 2.667, ffn_round_up_to_multiple_of: 64 } },
  // Motif-3 (its config says "Motif"): GDLA, split mHC, PolyNorm MLPs, MoE (models/motif.ts).
  motif: reader(describeMotif),
  // LongCat-Flash-Lite: its config has no model_type; read by LongcatFlashNgramForCausalLM.
  longcat_flash_ngram: reader(describeLongcatNgram),
  // Hy4 (tencent/Hy4-preview): GLM-5.2's MLA, MoE and DSA indexer, with a gated attention output,
  // sinks and independent hyper-connections; its MTP layer stores no embedding or head.
  hy_v4: reader((r) => describeDeepseek(r, { mtpCopies: false, moe: HY4_MOE, indexer: 'indexer_types', indexerDefault: 'hy4', hy4: true })),
}));

/**
 * Hy3 fields HYV3Config keeps but no tensor depends on: fp32 switches, router behaviour, and
 * `expert_hidden_dim` (the experts are built from moe_intermediate_size). The prefix field is not
 * read by the class: one that disagrees with its one dense layer is refused rather than guessed.
 */
function hy3Extra(r: ConfigReader): void {
  r.mark('enable_attention_fp32_softmax', 'enable_lm_head_fp32', 'enable_moe_fp32_combine', 'moe_router_use_sigmoid', 'route_norm', 'router_scaling_factor', 'eod_token_id', 'expert_hidden_dim');
  if (!r.has('mlp_layer_types') && r.intOr('first_k_dense_replace', 1, { min: 0 }) !== 1) {
    throw r.error('config-inconsistent', 'first_k_dense_replace', 'is not 1, but HYV3Config does not read it: without mlp_layer_types its first layer alone is dense', {
      hint: 'Write the layers out in mlp_layer_types ("dense" / "sparse"), or set first_k_dense_replace to 1.',
    });
  }
  if (r.present('moe_router_enable_expert_bias') && !r.bool('moe_router_enable_expert_bias', true)) {
    throw r.error('unsupported-feature', 'moe_router_enable_expert_bias', 'is false; Hy3 checkpoints store the selection bias, and a router without it is not known');
  }
}

/** Nanbeige: `kv_channels` is the head size again; the loop's loss weights and final-norm switch
 * shape no tensor. */
function nanbeigeExtra(r: ConfigReader): void {
  const kv = r.intOr('kv_channels', null);
  const dh = r.intOr('head_dim', null);
  if (kv !== null && dh !== null && kv !== dh) throw r.error('config-inconsistent', 'kv_channels', `(${kv}) differs from head_dim (${dh})`);
  r.mark('loop_loss_weights', 'skip_loop_final_norm');
}

/**
 * Grok-2's scaling and rotary settings (no tensors); a sliding window or local attention layers
 * would change the masks only, but their meaning here is not known, so only "none" is accepted.
 */
function grokExtra(r: ConfigReader, notes: string[]): void {
  r.mark('attn_factor', 'attn_temperature_len', 'beta_fast', 'beta_slow', 'embedding_multiplier_scale', 'output_multiplier_scale', 'extrapolation_factor', 'scaling_factor', 'rope_type', 'router_logit_softcapping');
  const window = r.intOr('sliding_window_size', -1, { min: -1 });
  if (window !== -1) throw r.error('unsupported-feature', 'sliding_window_size', `is ${window}; only -1 (no window) is known for Grok`);
  const every = r.intOr('global_attn_every_n', 1);
  if (every !== 1) throw r.error('unsupported-feature', 'global_attn_every_n', `is ${every}; only 1 (every layer global) is known for Grok`);
  notes.push('The Hub reports no safetensors total for Grok-2, so checkpoint_params has no published figure to match; the gallery quotes about 270B.');
}

/** Wrappers whose language model sits in `text_config`, and its model_type when unstated. */
export const WRAPPERS = new Map<string, string | null>(Object.entries({
  gemma3: 'gemma3_text',
  llama4: 'llama4_text',
  mistral3: null,
  llava: null,
  llava_next: null,
  idefics3: null,
  paligemma: null,
  kimi_k25: 'kimi_k2',
  kimi_k3: 'kimi_linear',
  glm5_next: 'glm5_next_text',
  qwen3_5: 'qwen3_5_text',
  qwen3_5_moe: 'qwen3_5_moe_text',
  qwen4_exp: 'qwen4_exp_text',
  deepseek_v41: 'deepseek_v41_text',
  gemma4_unified: 'gemma4_unified_text',
  gemma4: 'gemma4_text',
  muse_glimmer: 'muse_glimmer_text',
  minimax_m3_vl: 'minimax_m3',
  inkling_mm_model: 'inkling_text',
}));

/**
 * `architectures` class names and the model_type they stand for, to identify a config whose
 * `model_type` is missing (LongCat-Flash-Lite) or names an unrelated transformers model (Grok-2
 * says `git`). transformers dispatches by model_type, so a type this tool reads always wins.
 */
export const ARCHITECTURES = new Map<string, string>(Object.entries({
  LlamaForCausalLM: 'llama',
  MistralForCausalLM: 'mistral',
  MixtralForCausalLM: 'mixtral',
  Qwen2ForCausalLM: 'qwen2',
  Qwen2MoeForCausalLM: 'qwen2_moe',
  Qwen3ForCausalLM: 'qwen3',
  Qwen3MoeForCausalLM: 'qwen3_moe',
  Qwen3NextForCausalLM: 'qwen3_next',
  Qwen3_5ForConditionalGeneration: 'qwen3_5',
  Qwen3_5MoeForConditionalGeneration: 'qwen3_5_moe',
  Qwen4ExpForConditionalGeneration: 'qwen4_exp',
  GemmaForCausalLM: 'gemma',
  Gemma2ForCausalLM: 'gemma2',
  Gemma3ForCausalLM: 'gemma3_text',
  Gemma3ForConditionalGeneration: 'gemma3',
  MuseGlimmerForConditionalGeneration: 'muse_glimmer',
  Gemma4UnifiedForConditionalGeneration: 'gemma4_unified',
  Gemma4ForConditionalGeneration: 'gemma4',
  Olmo2ForCausalLM: 'olmo2',
  Olmo3ForCausalLM: 'olmo3',
  OlmoeForCausalLM: 'olmoe',
  Phi3ForCausalLM: 'phi3',
  SmolLM3ForCausalLM: 'smollm3',
  MiniMaxM2ForCausalLM: 'minimax_m2',
  GptOssForCausalLM: 'gpt_oss',
  Llama4ForCausalLM: 'llama4_text',
  Llama4ForConditionalGeneration: 'llama4',
  GraniteForCausalLM: 'granite',
  MiniMaxM3SparseForCausalLM: 'minimax_m3',
  MiniMaxM3SparseForConditionalGeneration: 'minimax_m3_vl',
  AfmoeForCausalLM: 'afmoe',
  Cohere2ForCausalLM: 'cohere2',
  Cohere2MoeForCausalLM: 'cohere2_moe',
  SarvamMoEForCausalLM: 'sarvam_moe',
  SarvamMLAForCausalLM: 'sarvam_mla',
  NanbeigeForCausalLM: 'nanbeige',
  OuroForCausalLM: 'ouro',
  MellumForCausalLM: 'mellum',
  Step3p5ForCausalLM: 'step3p5',
  MiMoV2ForCausalLM: 'mimo_v2',
  MiMoV2FlashForCausalLM: 'mimo_v2_flash',
  LagunaForCausalLM: 'laguna',
  Glm4MoeForCausalLM: 'glm4_moe',
  Glm4MoeLiteForCausalLM: 'glm4_moe_lite',
  GlmMoeDsaForCausalLM: 'glm_moe_dsa',
  HYV3ForCausalLM: 'hy_v3',
  HYV4ForCausalLM: 'hy_v4',
  FalconForCausalLM: 'falcon',
  GPT2LMHeadModel: 'gpt2',
  GPTNeoXForCausalLM: 'gpt_neox',
  OPTForCausalLM: 'opt',
  DeepseekV2ForCausalLM: 'deepseek_v2',
  DeepseekV3ForCausalLM: 'deepseek_v3',
  DeepseekV32ForCausalLM: 'deepseek_v32',
  DeepseekV4ForCausalLM: 'deepseek_v4',
  DeepseekV41ForCausalLM: 'deepseek_v41',
  KimiK25ForConditionalGeneration: 'kimi_k25',
  Mistral3ForConditionalGeneration: 'mistral3',
  // xAI's class; its config says model_type "git".
  Grok1ForCausalLM: 'grok',
  LongcatFlashNgramForCausalLM: 'longcat_flash_ngram',
  MotifForCausalLM: 'motif',
  Lfm2ForCausalLM: 'lfm2',
  JambaForCausalLM: 'jamba',
  NemotronHForCausalLM: 'nemotron_h',
  MiniMaxText01ForCausalLM: 'minimax_text_01',
  MiniMaxForCausalLM: 'minimax',
  SolarOpen2ForCausalLM: 'solar_open2',
  KimiLinearForCausalLM: 'kimi_linear',
  KimiK3ForConditionalGeneration: 'kimi_k3',
  Glm5NextForConditionalGeneration: 'glm5_next',
  xLSTMForCausalLM: 'xlstm',
  BailingMoeV2_5ForCausalLM: 'bailing_hybrid',
  ZayaForCausalLM: 'zaya',
  Lfm2MoeForCausalLM: 'lfm2_moe',
  InklingForConditionalGeneration: 'inkling_mm_model',
  // Known, not described yet: named precisely in the refusal.
  LongcatFlashForCausalLM: 'longcat_flash',
}));
