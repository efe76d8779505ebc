/** The `params` stage's output: units with formulas and counts, and the model's totals. */
/** What kind of block a unit is; figures colour and place boxes by it. */
export type UnitFamily =
  | 'embedding'
  | 'positions'
  | 'norm'
  | 'attention'
  | 'linear_attention'
  | 'qk_norm'
  | 'compressor'
  | 'indexer'
  | 'hyper_connection'
  /** Kimi K3's block attention residuals: a learned query and a key norm per sub-layer. */
  | 'attention_residual'
  /** A depthwise short convolution over the residual stream (Inkling's `attn_sconv`, `mlp_sconv`). */
  | 'short_conv'
  | 'ffn'
  | 'router'
  | 'experts'
  | 'shared_experts'
  | 'mtp'
  | 'head'
  /** A vision or audio encoder or projector of a multimodal wrapper (scope `tower`). */
  | 'tower'
  /** A module read from a checkpoint whose role its name does not say (`--from-checkpoint`). */
  | 'other';

/** `model`: once per model; `layers`: inside decoder layers; `mtp`: inside MTP modules; `tower`:
 * a multimodal wrapper's encoder or projector (in `towers`, not in `units`). */
export type Scope = 'model' | 'layers' | 'mtp' | 'tower';

/** One distinct block (a box of the figure) with its formula, count and where it repeats. */
export interface Unit {
  /** `embed`, `layers.attn`, `layers.compressor.r4`, `mtp.experts`, ... unique in the list. */
  id: string;
  name: string;
  family: UnitFamily;
  scope: Scope;
  /** Feature sizes in and out (`[V]` for a table indexed by token id). */
  shape_in: number[];
  shape_out: number[];
  /** LaTeX over config symbols, e.g. `2\,d\,H\,d_{h} + 2\,d\,H_{kv}\,d_{h}`. */
  formula_symbolic: string;
  /** LaTeX with the values substituted. */
  formula_concrete: string;
  /** The same in plain text for terminals. */
  formula_text: string;
  /** Parameters of one instance. */
  param_count: number;
  /** How many instances (layers) the model has. */
  repeat: number;
  /** Indices of the layers (or MTP blocks, numbered after the layers) holding an instance. */
  layers: number[];
  /** `param_count × repeat`. */
  total: number;
  /** Parameters one token uses, when fewer than `param_count` (routed experts); else null. */
  active_param_count: number | null;
  active_total: number | null;
  active_formula_symbolic: string | null;
  /** The config symbols of the formula with their values and fields. */
  symbols: { tex: string; value: number; field: string }[];
  /** The tensors (or tensor groups) whose sum is the unit. */
  parts: { name: string; formula_symbolic: string; formula_concrete: string; param_count: number }[];
}

/** Tensors a checkpoint holds that are not parameters of the model (DeepSeek-V4 `tid2eid`), or
 * that repeat a parameter counted elsewhere (an MTP module's copy of the embedding). */
export interface NonLearned {
  id: string;
  name: string;
  shape: number[];
  count: number;
  repeat: number;
  layers: number[];
  total: number;
}

/** The model's totals; every number is exact. See the README for the conventions. */
export interface Totals {
  /** Every learned parameter the config declares, MTP included, shared matrices once. */
  params: number;
  /** Without MTP modules. */
  params_main: number;
  /** Parameters used per token: all of the main model except the routed experts a token is
   * not sent to, embedding and head included (Meta's "17B active" of Llama 4, Mistral's "12.9B"
   * of Mixtral, Qwen's "3.3B activated" of Qwen3-30B-A3B count this way). */
  active_params: number;
  /** `active_params` without the input lookup tables (token embedding, learned positions): the
   * parameters multiplied on every token. A token reads one row of a table, but the output head
   * multiplies by all of its matrix, so the head counts, and a tied embedding counts once, as the
   * head. gpt-oss counts this way ("3.61B" and "5.13B active", exactly), and so do DeepSeek
   * (V2-Lite "2.4B activated": 2.45B here, 2.66B with the embedding) and MiniMax ("10B"). */
  active_params_non_embedding: number;
  /** KV-cache bytes per token of context at bf16, see `kv-cache.ts`. */
  kv_cache_bytes_per_token: number;
  /** The whole KV cache at bf16 when the context is full (`max_position_embeddings` tokens),
   * window layers holding only their window; null when the config states no context length. */
  kv_cache_bytes_at_context?: number | null;
  /** Every learned tensor the released checkpoint stores, as the config and the family's saving
   * convention determine it: `params` plus the `stored_copies` (MTP modules that store the
   * embedding and head again) plus the `towers` of a multimodal wrapper plus the `stored_mtp`
   * modules a config does not declare. Null when the checkpoint holds what this tool does not count (a
   * vision tower, undeclared MTP weights); `notes` says what. */
  checkpoint_params?: number | null;
}

/** The `params` stage's output. */
export interface ParamReport {
  units: Unit[];
  non_learned: NonLearned[];
  /** Copies of counted parameters that the checkpoint stores again (an MTP module's embedding and
   * head) and per-layer buffers with trained values (`layer_scalar`), in `checkpoint_params` only. */
  stored_copies: NonLearned[];
  /** The towers of a multimodal wrapper, as units of scope `tower` (in `checkpoint_params` only). */
  towers: Unit[];
  /** MTP modules the checkpoint stores but the config does not declare (MiMo-V2), as units of
   * scope `mtp` (in `checkpoint_params` only). */
  stored_mtp: Unit[];
  totals: Totals;
}
