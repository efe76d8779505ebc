/**
 * The `arch` stage's output: a normalized description of a decoder-only LLM, independent of the
 * naming of any one `config.json`. Every size the parameter formulas need is a {@link Dim} that
 * remembers the config field it came from.
*/
import type { TowerSpec } from './towers.js';

/** A config dimension used in formulas: `d` = `hidden_size` = 4096. */
export interface Dim {
  /** LaTeX of the symbol, e.g. `H_{kv}`. */
  readonly tex: string;
  /** Its value in this config. */
  readonly value: number;
  /** The config field it comes from, or how it was derived when the config leaves it out. */
  readonly field: string;
  /** True when the config does not state it and it follows from other fields. */
  readonly derived?: boolean;
}

/** Attention families. MQA is `gqa` with one KV head. */
export type Family = 'mha' | 'gqa' | 'mla' | 'dsv4';

export type NormKind = 'rmsnorm' | 'layernorm';
/** `pre`: norm before each sub-layer; `post`: after it (OLMo 2); `sandwich`: both (Gemma 2/3);
 * `shared`: one norm feeding attention and FFN side by side (Falcon-7B's parallel block); `none`:
 * no norms in the layers (Qwen4-exp: its gated-residual hyper-connections normalise the streams). */
export type NormPlacement = 'pre' | 'post' | 'sandwich' | 'shared' | 'none';
/** `swiglu`/`geglu`: gated (gate, up, down); `mlp`: two matrices with an activation between. */
export type FfnKind = 'swiglu' | 'geglu' | 'mlp';
/** `per_head`: RMSNorm of d_h (Qwen3); `full`: over the whole projection (OLMo 2); `l2`:
 * parameter-free L2 norm (Llama 4); `unscaled`: a per-head RMSNorm without weight (Muse Glimmer). */
export type QkNorm = 'none' | 'per_head' | 'full' | 'l2' | 'unscaled';

/** What one decoder layer does; one entry per layer, so figures can draw a pattern strip. */
export interface LayerSpec {
  /** 0-based; MTP blocks are numbered after the main layers. */
  index: number;
  attention: {
    /** `softmax`: MHA/GQA/MQA; `mla`: DeepSeek-V2/V3 latent attention; `dsv4`: DeepSeek-V4
     * compressed MQA; `gated_deltanet`: Qwen3-Next linear attention; `short_conv`: LFM2's gated
     * short convolution (no attention, a fixed state); `mamba`: a Mamba selective state-space
     * mixer (Jamba); `mamba2`: a Mamba-2 mixer (scalar decay per head, Nemotron-H); `none`: the
     * layer has no attention-side mixer, only its FFN (Nemotron-H's MLP and MoE layers);
     * `lightning`: MiniMax-Text-01's lightning attention (linear attention, a decay per head);
     * `kda`: Kimi Delta Attention (a delta rule with a decay per channel, Solar-Open2, Kimi Linear);
     * `mlstm`: xLSTM's mLSTM layer (a matrix memory with exponential input and forget gates);
     * `cca`: ZAYA1's compressed convolutional attention (GQA whose q and k pass convolutions over
     * time, half of each value from the previous token). */
    kind: 'softmax' | 'mla' | 'dsv4' | 'gated_deltanet' | 'short_conv' | 'mamba' | 'mamba2' | 'lightning' | 'kda' | 'mlstm' | 'cca' | 'none';
    /** Sliding-window size in tokens, or null for global attention. */
    window: number | null;
    /** Chunked attention (Llama 4 `attention_chunk_size` on its RoPE layers): each token attends
     * only to the earlier tokens of its own chunk of this many tokens; null when not chunked. */
    chunk: number | null;
    /** Whether rotary position embedding is applied in this layer (false: NoPE). */
    rope: boolean;
    /** DeepSeek-V4: tokens per compressed KV entry (0: sliding window only). */
    compress_ratio: number | null;
    /** DeepSeek-V4: a lightning indexer picks the top-k compressed entries. */
    indexer: boolean;
    /** The key of `ArchDescription.geometries` whose sizes this layer's attention has, where they
     * differ from the model's (MiMo-V2's sliding layers, Laguna's per-layer query heads). */
    geometry?: string;
    /** DeepSeek-V4.1: the compressed KV this layer reads (its `compress_ratio`) is written by
     * another layer (a `kv_source_layer_ids` layer owns each compressor): no compressor here. */
    compressor_shared?: boolean;
    /** DeepSeek-V4.1: the top-k entries come from another layer's indexer
     * (`index_source_layer_ids` own one): no indexer tensors here. */
    indexer_shared?: boolean;
    /** DeepSeek-V4.1: this layer's indexer owns its index keys (`wk`, `k_norm`: the KV sources);
     * the other indexers score the keys those write. */
    index_keys?: boolean;
    /** The earlier layer whose keys and values this layer attends over (Gemma 4 E2B/E4B
     * `num_kv_shared_layers`): it computes no K or V of its own and caches none. */
    kv_source?: number;
  };
  ffn: {
    /** `none`: the layer's one mixer is its attention side (Nemotron-H's Mamba-2 and attention
     * layers): no FFN, no second norm. */
    kind: 'dense' | 'moe' | 'none';
    /** The dense MLP is twice `d_ff` wide in this layer (Gemma 4 `use_double_wide_mlp` on its
     * KV-shared layers). */
    double_wide?: boolean;
    /** A MoE layer that also runs a dense MLP beside the experts (Grok-2 `residual_moe`). */
    residual?: boolean;
    /** MoE routing: learned scores, or a fixed token-id → expert table (DeepSeek-V4). */
    routing: 'score' | 'hash' | null;
    /** ZAYA1: the router adds the previous layer's router state (`router_states_scale` [r]); every
     * layer but the first. */
    router_state?: boolean;
  };
  /** DeepSeek-V4.1 `engram_layer_ids`: the layer's Engram memory, by its index there (its table
   * has `engram_num_embeddings[k]` rows). */
  engram?: number;
  /** Qwen4-exp `ple_layer_ids`: the layer first adds a hashed n-gram embedding of the tokens to
   * its streams (a table looked up by bigram and trigram hashes, gated by the streams). */
  ngram_memory?: boolean;
}

/** Features of an architecture, detected from its config. */
export interface Flags {
  /** Some layers are mixtures of experts. */
  moe: boolean;
  /** Some layers route by a token-id hash table instead of scores (DeepSeek-V4). */
  hash_routing: boolean;
  /** MoE layers also run always-active shared expert(s). */
  shared_experts: boolean;
  /** Qwen-style sigmoid gate on the shared expert. */
  shared_expert_gate: boolean;
  /** Multi-token-prediction modules declared by the config. */
  mtp: boolean;
  /** The output head is the token embedding (counted once). */
  tied_embeddings: boolean;
  /** The first layers use a dense FFN, the rest MoE (DeepSeek `first_k_dense_replace`). */
  dense_prefix: boolean;
  /** MoE only on every k-th layer (Llama 4 `interleave_moe_layer_step`); 1 when every layer. */
  moe_every: number | null;
  /** Router has a learned selection bias (`e_score_correction_bias`, DeepSeek noaux_tc). */
  router_bias: boolean;
  /** Some layers attend within a sliding window (see `layers[i].attention.window`). */
  sliding_window: boolean;
  /** Normalisation of queries and keys before attention. */
  qk_norm: QkNorm;
  /** Fraction of each head's dimensions that are rotated (1 when rotary is full). */
  partial_rotary: number;
  /** Some layers use no position embedding at all. */
  nope_layers: boolean;
  /** Attention projections carry biases (see `biases`). */
  attention_bias: boolean;
  /** Learned per-head attention sink logits (gpt-oss, DeepSeek-V4). */
  attention_sinks: boolean;
  /** Attention output multiplied by a sigmoid gate projected from the input (Qwen3-Next). */
  output_gate: boolean;
  /** Gemma 4's MoE block beside the dense MLP: a router with `scale` [d] and `per_expert_scale`
   * [E], and three norms of its own (`pre_feedforward_layernorm_2`, `post_feedforward_layernorm_1`
   * and `_2`). */
  gemma4_moe?: boolean;
  /** Keys are values on some layers (Gemma 4's global layers, `attention_k_eq_v`): no v_proj,
   * one cache entry per KV head. Set on a geometry. */
  k_eq_v?: boolean;
  /** The output gate is a projection of its own (`gate_proj` [H·d_h, d]: Trinity), not a second
   * half of q_proj (Qwen3-Next); the same count. */
  output_gate_separate?: boolean;
  /** Motif's grouped differential latent attention (GDLA): MLA whose `H_n` noise heads are
   * subtracted, weighted by a learned σ(λ) per signal head (`lambda_proj` [H − H_n, d]), from the
   * signal heads; K and V for `H_kv` heads; output over the signal heads only. */
  differential_heads?: boolean;
  /** Motif: the MLPs' activation is PolyNorm, with its weight [3] and bias [1] (per expert too). */
  polynorm?: boolean;
  /** DeepSeek-V4.1: a second selection bias for image tokens in every router (`gate.bias_vl` [E]). */
  router_vision_bias?: boolean;
  /** Qwen4-exp's QSA indexer on its full-attention layers (`index_qk_proj` fused, its q and k
   * norms); the same tensors' sizes as MiniMax-M3's block-sparse indexer. */
  qsa_indexer?: boolean;
  /** GLM-5.3-Flash's pooled DSA indexer (`index_kpool` P_i): keys are pooled over P_i tokens by
   * a softmax over a learned gate and a position table (`index_kpool_compress_gate` [d_i, d],
   * `index_kpool_compress_ape` [P_i, d_i]) before the top-k. */
  indexer_kpool?: boolean;
  /** Inkling: learned relative-position logits, `r_proj` [H·d_rel, d] and `rel_logits_proj`
   * [d_rel, X] over the layer's extent X. */
  relative_logits?: boolean;
  /** Inkling: depthwise short convolutions of K taps on K and V (`k_sconv`, `v_sconv`) and after
   * attention and MLP (`attn_sconv`, `mlp_sconv`, each with an internal residual). */
  short_convs?: boolean;
  /** Inkling: a learned scalar `global_scale` in every router and dense MLP. */
  global_scale?: boolean;
  /** Inkling: an RMSNorm right after the token embedding (`embed_norm`). */
  embed_norm?: boolean;
  /** Inkling `shared_expert_sink`: the router scores the shared experts too (E + n_s rows). */
  shared_expert_router_rows?: boolean;
  /** LongCat-Flash's layer: two sub-layers of attention and a dense MLP, and one MoE on a shortcut
   * from the first sub-layer's normalised MLP input to the layer's last residual add; its router
   * also picks among `Z` identity experts (`zero_expert_num`) that have no weights. */
  shortcut_moe?: boolean;
  /** LongCat-Flash-Lite's n-gram embeddings: `N_g` hashed tables of `m + 2i + 1` rows and `d_g`
   * columns, each projected to `d` and added to the token embedding. */
  ngram_embeddings?: boolean;
  /** Per-layer embeddings (Gemma 4 E2B/E4B `hidden_size_per_layer_input`): a second table gives
   * every token a `d_ple` vector for each layer, mixed with a projection of its embedding; each
   * layer gates it by its hidden state and adds it back after the FFN. */
  per_layer_embeddings?: boolean;
  /** Ouro: a learned early-exit gate after the loops (`early_exit_gate`, Linear(d, 1) with bias). */
  early_exit_gate?: boolean;
  /** One gate per attention head, projected from the input (`g_proj` [H, d]), and its activation:
   * softplus (Laguna) or sigmoid (Step 3.5). Absent: none. */
  head_gate?: 'sigmoid' | 'softplus';
  /** Kimi Delta Attention's forget and output gates are full projections (`kda_use_full_proj`:
   * `f_proj`, `g_proj` [H·d_k, d]) instead of low-rank pairs of rank d_k. Absent: low-rank. */
  kda_full_gates?: boolean;
  /** Only the output gate of Kimi Delta Attention is a full projection (Kimi K3
   * `use_full_rank_gate`: `g_proj` [H·d_k, d]); the forget gate stays low-rank. */
  kda_full_output_gate?: boolean;
  /** Kimi K3's block attention residuals, sealed every this many layers (`attn_res_block_size`):
   * each sub-layer's input is a softmax mix, by a learned query (`*_res_proj` [1, d]) over
   * RMS-normalised keys (`*_res_norm` [d]), of the sealed block sums and the running one, whose
   * sum the outputs extend; the final norm reads such a mix too. Absent: plain residuals. */
  attention_residuals?: number;
  /** ZAYA1's router: an MLP over a `router_hidden_size` projection of the input (down_proj with
   * bias, RMSNorm, fc1 and fc2 with biases, out_proj to E + 1 classes, the last "skip"). */
  router_mlp?: boolean;
  /** ZAYA1: each residual add is `(f(x) + b_h)·s_h + (x + b_r)·s_r` with four learned vectors [d]
   * (`post_attention_residual_scale`, `post_mlp_residual_scale`), and the embedding is scaled and
   * shifted before the first layer (`input_hidden_states_scale`, `_bias`). */
  residual_scaling?: boolean;
  /** Each sub-layer's residual is its normalised input, not the stream before the norm
   * (MiniMax-Text-01 `postnorm`). Absent: the usual pre-norm residual. */
  residual_after_norm?: boolean;
  /** Gemma 4 `v_norm`: the values pass an RMSNorm without a weight (no parameters). Absent: none. */
  value_norm?: 'unscaled';
  /** Attention logits soft-capped as `cap · tanh(logits / cap)` (Gemma 2
   * `attn_logit_softcapping`, 50); null when uncapped. No parameters. */
  attn_softcap: number | null;
  /** Output logits soft-capped the same way (Gemma 2 `final_logit_softcapping`, 30); null when
   * uncapped. No parameters. */
  final_softcap: number | null;
  /** RMSNorm (a weight) or LayerNorm (weight and bias). */
  norm_kind: NormKind;
  /** A LayerNorm without bias (Cohere's `CohereLayerNorm`: mean-centred, a weight only); absent:
   * a LayerNorm has its bias. */
  norm_bias?: false;
  /** Where the norms of a block sit. */
  norm_placement: NormPlacement;
  /** Shape of the dense FFN and of each expert. */
  ffn_kind: FfnKind;
  /** The dense FFN carries biases. */
  ffn_bias: boolean;
  /** A learned position table is added to the token embedding (GPT-2, OPT). */
  learned_positions: boolean;
  /** Attention and FFN read the same input and their outputs are added (Falcon). */
  parallel_attention: boolean;
  /** ALiBi attention biases instead of rotary positions (no parameters). */
  alibi: boolean;
  /** Linear-attention layers mixed with full attention (Qwen3-Next). */
  linear_attention_hybrid: boolean;
  /** Hyper-connections: the residual stream is `hc_mult` streams wide (DeepSeek-V4's mHC, Hy4's iHC). */
  hyper_connections: boolean;
  /** Which hyper-connections (see params/hyper-connections.ts): Hy4's `independent` ones
   * (`enable_ihc`: read and write gates, no stream mixing, none in the MTP module) or Qwen4-exp's
   * `gated_residual` (GatedResidual: a low-rank per-channel read mixer and write gates), or Motif's
   * `split` mHC (separate pre, post and residual projections with biases and scales; none in the
   * MTP module). Absent: DeepSeek-V4's manifold-constrained form. */
  hc_variant?: 'independent' | 'gated_residual' | 'split';
  /** DeepSeek-V4 KV compressor. */
  compressor: boolean;
  /** DeepSeek-V4 lightning indexer. */
  indexer: boolean;
  /** DeepSeek-V4 grouped low-rank output projection. */
  grouped_output: boolean;
  /** q/k/v or gate/up are stored fused (Phi-3, GPT-2); counts are the same. */
  fused_projections: boolean;
  /** The config wraps a vision-language model; the text decoder is what is described. */
  multimodal_wrapper: boolean;
}

/** The normalized description of a model. */
export interface ArchDescription {
  /** The described decoder's `model_type` (the text decoder's, for a wrapper). */
  model_type: string;
  /** `architectures` of the config file, as written. */
  architectures: string[];
  /** Attention family. */
  family: Family;
  /** What the architecture has, as booleans and small enums. */
  flags: Flags;
  /** Every size a formula uses, by symbol name. */
  dims: Record<string, Dim>;
  /** Looped depth: the whole stack of layers runs `count` times in a row with the same weights
   * (Nanbeige `num_loops`, Ouro `total_ut_steps`); absent: once. */
  loops?: { count: number; field: string };
  /** Attention sizes of some layers that differ from `dims` (see `LayerSpec.attention.geometry`). */
  geometries?: Record<string, Geometry>;
  /** One entry per decoder layer, in order. */
  layers: LayerSpec[];
  /** MTP modules (DeepSeek-V3/V4 `num_nextn_predict_layers`), each described like a layer. */
  mtp_layers: LayerSpec[];
  /** DeepSeek-V4.1's DSpark draft head: its MTP blocks have MoEs of their own size (`E_m`
   * experts, `k_m` per token) and share one input projection and Markov and confidence heads. */
  dspark?: boolean;
  /** Whether the hyper-connections' streams are folded by a learned head mixer (`hc_head`);
   * absent: they are. DeepSeek-V4.1 has none. */
  hc_head?: boolean;
  /** Whether the MTP modules have hyper-connection mixers of their own; absent: as the variant
   * has it (mHC yes, iHC and Motif's no). GLM-5.3-Flash's MTP layer has none. */
  mtp_hyper_connections?: boolean;
  /** Whether each MTP module has a norm of its own before the shared head (DeepSeek's
   * `shared_head.norm`); absent: it has. Inkling's MTP depths have none. */
  mtp_head_norm?: boolean;
  /** The names of the MTP module's norms where they are not DeepSeek's: its two when it has no
   * head norm (Inkling: hidden_norm, embed_norm; Motif: embed_norm, final_layernorm), or all
   * three (Nemotron-H: enorm, hnorm, final_layernorm). */
  mtp_norm_names?: string;
  /** A latent MoE's tensors (Nemotron-H `fc1_latent_proj` / `fc2_latent_proj`; Kimi K3
   * `routed_expert_down_proj` / `routed_expert_up_proj` and `routed_expert_norm` over the experts'
   * weighted sum); absent: Nemotron-H's names, no norm. */
  latent_moe?: { down: string; up: string; norm: string | null };
  /** Path of the nested config holding the text decoder (e.g. `text_config`), or null. */
  text_config_path: string | null;
  /** Whether a norm follows the last layer (post-norm OPT has none). */
  final_norm: boolean;
  /** FFN activation as the config names it (`silu`, `gelu_new`, `relu`, ...). */
  activation: string;
  /** Extra rows of a learned position table (OPT reserves 2). */
  position_offset: number;
  /** Which linear layers carry a bias vector. */
  biases: Biases;
  /** Context window in tokens, when the config states it. */
  max_position_embeddings: number | null;
  /** What the released checkpoint stores besides these parameters (see `totals.checkpoint_params`). */
  checkpoint: CheckpointSpec;
  /** The vision (or audio) encoders and projectors of a multimodal wrapper, when counted. */
  towers: TowerSpec[];
  /** Things a reader should know: defaults applied, checkpoint tensors the config leaves out. */
  notes: string[];
}

/**
 * How a family saves its checkpoint, as far as it differs from "every parameter once": the copies
 * of shared matrices some families store again, and what this tool cannot tell from the config.
 */
export interface CheckpointSpec {
  /** Each MTP module stores its own copy of the token embedding (`layers.<n>.embed_tokens`) and of
   * the output head (`shared_head.head`): DeepSeek-V3, GLM-4.5, GLM-4.7-Flash. */
  mtp_copies: { embed: boolean; head: boolean };
  /** Why the checkpoint's total cannot be told from the config (a tower that is not counted, MTP
   * weights stored but not declared), or null when it can. */
  unknown: string | null;
  /** MTP modules the released checkpoint stores although the config declares none (MiMo-V2: 3),
   * described like layers: counted into `checkpoint_params`, not into `params`. */
  undeclared_mtp?: LayerSpec[];
  /** Buffers every layer (or the listed `layers`) stores with a fixed or trained value (Gemma 4's
   * `layer_scalar`, Qwen4-exp's n-gram hash constants): not parameters, but in the checkpoint and
   * its total. */
  layer_buffers?: { id: string; name: string; count: number; layers?: number[] }[];
  /** The checkpoint stores k_proj, v_proj and k_norm of the KV-shared layers although the model
   * never builds them (Gemma 4 E2B/E4B: transformers drops them on load). */
  stores_shared_kv?: boolean;
  /** Buffers every layer stores that are not learned and not counted (ZAYA1's
   * `mlp.gate.balancing_biases`, kept by load balancing): listed in `non_learned`. */
  unlearned_buffers?: { id: string; name: string; count: number }[];
}

/** Attention sizes that override `dims` in the layers that name them. */
export interface Geometry {
  /** The layers, as a unit name says it: `sliding-window layers`, `64 query heads`. */
  label: string;
  dims: Record<string, Dim>;
  /** Learned sink logits in these layers only (MiMo-V2's sliding layers), where the model's
   * `flags.attention_sinks` says otherwise. */
  attention_sinks?: boolean;
  /** Keys are values in these layers (Gemma 4's global layers): no v_proj. */
  k_eq_v?: boolean;
}

/** Which weights carry a bias (counted as parameters). */
export interface Biases {
  /** q, k and v projections. */
  qkv: boolean;
  /** Attention output projection. */
  o: boolean;
  /** Dense FFN / MLP matrices. */
  ffn: boolean;
  /** LayerNorm shift (always with `layernorm`). */
  norm: boolean;
  /** MoE router. */
  router: boolean;
  /** Routed expert matrices (gpt-oss). */
  experts: boolean;
}
