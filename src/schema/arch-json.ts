/**
 * `arch.json`: what `hf-arch extract` prints and every later stage reads. The zod schema is
 * checked against the TypeScript types at compile time, and written out as
 * `schema/arch.schema.json` for other tools.
 */
// The namespace form: under jiti's CommonJS interop (Docusaurus configs) `{ z }` reads undefined.
import * as z from 'zod';
import type { ArchDescription } from '../arch/types.js';
import type { NonLearned, Totals, Unit } from '../params/types.js';

/** Version of the `arch.json` format; raised when a field changes meaning or goes away. */
export const SCHEMA_VERSION = 2;

/** The content of `arch.json`: the description, its units and totals, and where it came from. */
export interface ArchJson {
  schema_version: typeof SCHEMA_VERSION;
  model: {
    /** What was asked for: a path or `org/name[@revision]`. */
    source: string;
    /** Display name, e.g. `DeepSeek-V3`. */
    name: string;
    /** Hub revision asked for (branch, tag or sha), or null for a local file. */
    revision: string | null;
    /** Resolved Hub commit sha, or null for a local file. */
    commit: string | null;
    model_type: string;
    architectures: string[];
    /** sha256 of the config.json bytes. */
    config_sha256: string;
    /** Nested config holding the text decoder (`text_config`), or null. */
    text_config_path: string | null;
    /**
     * Where the structure was read: absent or `config` (described from config.json), or
     * `tensor-names` (`--from-checkpoint`: units and counts from the checkpoint's tensors).
     */
    structure?: 'config' | 'tensor-names';
  };
  family: ArchDescription['family'];
  flags: ArchDescription['flags'];
  dims: ArchDescription['dims'];
  /** Absent in files before 0.5.0. */
  geometries?: ArchDescription['geometries'];
  /** Absent in files before 0.5.0 and for models that run their layers once. */
  loops?: ArchDescription['loops'];
  /** A latent MoE's tensor names; absent without one (and before 0.5.0). */
  latent_moe?: ArchDescription['latent_moe'];
  max_position_embeddings: number | null;
  final_norm: boolean;
  activation: string;
  biases: ArchDescription['biases'];
  layers: ArchDescription['layers'];
  mtp_layers: ArchDescription['mtp_layers'];
  units: Unit[];
  non_learned: NonLearned[];
  /** Copies of counted parameters and per-layer buffers the checkpoint stores; absent before 0.5.0. */
  stored_copies?: NonLearned[];
  /** The towers of a multimodal wrapper (scope `tower`); absent in files before 0.5.0. */
  towers?: Unit[];
  /** MTP modules stored but not declared by the config; absent in files before 0.5.0. */
  stored_mtp?: Unit[];
  totals: Totals;
  notes: string[];
}

const int = z.number().int().nonnegative();
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const dimSchema = z.object({ tex: z.string(), value: int, field: z.string(), derived: z.boolean().optional() });

const storedSchema = z.object({ id: z.string(), name: z.string(), shape: z.array(int), count, repeat: int, layers: z.array(int), total: count });

const layerSchema = z.object({
  index: int,
  attention: z.object({
    kind: z.enum(['softmax', 'mla', 'dsv4', 'gated_deltanet', 'short_conv', 'mamba', 'mamba2', 'lightning', 'kda', 'mlstm', 'cca', 'none']).describe('`mamba2`, `lightning`, `kda`, `mlstm`, `cca` and `none` from 0.5.0 on (Nemotron-H, MiniMax-Text-01, Solar-Open2 and Kimi Linear, xLSTM, ZAYA1).'),
    window: int.nullable(),
    chunk: z.number().int().positive().nullable(),
    rope: z.boolean(),
    compress_ratio: int.nullable(),
    indexer: z.boolean(),
    geometry: z.string().optional().describe('The key of geometries whose attention sizes this layer has; absent where they are the model\'s (and in files written before 0.5.0).'),
    compressor_shared: z.boolean().optional(),
    indexer_shared: z.boolean().optional(),
    index_keys: z.boolean().optional(),
    kv_source: int.optional().describe('The earlier layer whose keys and values this layer reads (Gemma 4 KV sharing): no K, V or cache of its own. Absent otherwise, and in files written before 0.5.0.'),
  }),
  ffn: z.object({ kind: z.enum(['dense', 'moe', 'none']).describe('`none` from 0.5.0 on: the layer\'s one mixer is on the attention side (Nemotron-H).'), routing: z.enum(['score', 'hash']).nullable(), router_state: z.boolean().optional(), residual: z.boolean().optional(), double_wide: z.boolean().optional() }),
  engram: int.optional().describe('DeepSeek-V4.1: the index of the layer\'s Engram memory in engram_layer_ids. Absent otherwise, and in files written before 0.5.0.'),
  ngram_memory: z.boolean().optional().describe('The layer first adds a hashed n-gram embedding to its streams (Qwen4-exp ple_layer_ids). Absent otherwise, and in files written before 0.5.0.'),
});

const unitSchema = z.object({
  id: z.string(),
  name: z.string(),
  family: z.enum([
    'embedding', 'positions', 'norm', 'attention', 'linear_attention', 'qk_norm', 'compressor', 'indexer',
    'hyper_connection', 'attention_residual', 'short_conv', 'ffn', 'router', 'experts', 'shared_experts', 'mtp', 'head', 'tower', 'other',
  ]),
  scope: z.enum(['model', 'layers', 'mtp', 'tower']),
  shape_in: z.array(int),
  shape_out: z.array(int),
  formula_symbolic: z.string(),
  formula_concrete: z.string(),
  formula_text: z.string(),
  param_count: count,
  repeat: int,
  layers: z.array(int),
  total: count,
  active_param_count: count.nullable(),
  active_total: count.nullable(),
  active_formula_symbolic: z.string().nullable(),
  symbols: z.array(z.object({ tex: z.string(), value: int, field: z.string() })),
  parts: z.array(z.object({ name: z.string(), formula_symbolic: z.string(), formula_concrete: z.string(), param_count: count })),
});

/** The zod schema of `arch.json`. */
export const archJsonSchema: z.ZodType<ArchJson> = z.object({
  schema_version: z.literal(SCHEMA_VERSION),
  model: z.object({
    source: z.string(),
    name: z.string(),
    revision: z.string().nullable(),
    commit: z.string().regex(/^[0-9a-f]{40}$/).nullable(),
    model_type: z.string(),
    architectures: z.array(z.string()),
    config_sha256: z.string().regex(/^[0-9a-f]{64}$/),
    text_config_path: z.string().nullable(),
    structure: z.enum(['config', 'tensor-names']).optional().describe(
      "Where the structure was read: config.json (absent or 'config'), or the checkpoint's tensor names and shapes ('tensor-names', from --from-checkpoint). Absent in files written before 0.4.0.",
    ),
  }),
  family: z.enum(['mha', 'gqa', 'mla', 'dsv4']),
  flags: z.object({
    moe: z.boolean(),
    hash_routing: z.boolean(),
    shared_experts: z.boolean(),
    shared_expert_gate: z.boolean(),
    mtp: z.boolean(),
    tied_embeddings: z.boolean(),
    dense_prefix: z.boolean(),
    moe_every: int.nullable(),
    router_bias: z.boolean(),
    sliding_window: z.boolean(),
    qk_norm: z.enum(['none', 'per_head', 'full', 'l2', 'unscaled']),
    partial_rotary: z.number().positive().max(1),
    nope_layers: z.boolean(),
    attention_bias: z.boolean(),
    attention_sinks: z.boolean(),
    output_gate: z.boolean(),
    head_gate: z.enum(['sigmoid', 'softplus']).optional(),
    value_norm: z.literal('unscaled').optional(),
    early_exit_gate: z.boolean().optional(),
    output_gate_separate: z.boolean().optional(),
    k_eq_v: z.boolean().optional(),
    gemma4_moe: z.boolean().optional(),
    per_layer_embeddings: z.boolean().optional(),
    shortcut_moe: z.boolean().optional(),
    qsa_indexer: z.boolean().optional(),
    indexer_kpool: z.boolean().optional(),
    differential_heads: z.boolean().optional(),
    polynorm: z.boolean().optional(),
    router_vision_bias: z.boolean().optional(),
    relative_logits: z.boolean().optional(),
    short_convs: z.boolean().optional(),
    global_scale: z.boolean().optional(),
    embed_norm: z.boolean().optional(),
    shared_expert_router_rows: z.boolean().optional(),
    ngram_embeddings: z.boolean().optional(),
    kda_full_gates: z.boolean().optional(),
    kda_full_output_gate: z.boolean().optional(),
    router_mlp: z.boolean().optional(),
    residual_scaling: z.boolean().optional(),
    attention_residuals: z.number().int().positive().optional().describe('Kimi K3 block attention residuals: the block size (attn_res_block_size).'),
    residual_after_norm: z.boolean().optional().describe('Each residual is the normalised input (MiniMax-Text-01 postnorm); absent otherwise, and before 0.5.0.'),
    attn_softcap: z.number().positive().nullable(),
    final_softcap: z.number().positive().nullable(),
    norm_kind: z.enum(['rmsnorm', 'layernorm']),
    norm_bias: z.literal(false).optional().describe('A LayerNorm without bias (Cohere 2); absent: a LayerNorm has its bias.'),
    norm_placement: z.enum(['pre', 'post', 'sandwich', 'shared', 'none']),
    ffn_kind: z.enum(['swiglu', 'geglu', 'mlp']),
    ffn_bias: z.boolean(),
    learned_positions: z.boolean(),
    parallel_attention: z.boolean(),
    alibi: z.boolean(),
    linear_attention_hybrid: z.boolean(),
    hyper_connections: z.boolean(),
    hc_variant: z.enum(['independent', 'gated_residual', 'split']).optional(),
    compressor: z.boolean(),
    indexer: z.boolean(),
    grouped_output: z.boolean(),
    fused_projections: z.boolean(),
    multimodal_wrapper: z.boolean(),
  }),
  dims: z.record(z.string(), dimSchema),
  loops: z.object({ count: z.number().int().min(2), field: z.string() }).optional().describe(
    'Looped depth: the stack of layers runs count times with the same weights (Nanbeige num_loops, Ouro total_ut_steps). Absent when it runs once, and in files written before 0.5.0.',
  ),
  latent_moe: z.object({ down: z.string(), up: z.string(), norm: z.string().nullable() }).optional().describe(
    'A latent MoE: the tensors that take the input down to the latent and the experts\' sum back up, and the norm of that sum (Kimi K3) or null. Absent without one (Nemotron-H names its fc1_latent_proj, fc2_latent_proj), and in files written before 0.5.0.',
  ),
  geometries: z.record(z.string(), z.object({ label: z.string(), dims: z.record(z.string(), dimSchema), attention_sinks: z.boolean().optional(), k_eq_v: z.boolean().optional() })).optional().describe(
    'Attention sizes of some layers that differ from dims (MiMo-V2\'s sliding layers, Laguna\'s per-layer query heads), by the key their layers name. Absent in files written before 0.5.0.',
  ),
  max_position_embeddings: int.nullable(),
  final_norm: z.boolean(),
  activation: z.string(),
  biases: z.object({ qkv: z.boolean(), o: z.boolean(), ffn: z.boolean(), norm: z.boolean(), router: z.boolean(), experts: z.boolean() }),
  layers: z.array(layerSchema),
  mtp_layers: z.array(layerSchema),
  units: z.array(unitSchema),
  non_learned: z.array(storedSchema),
  stored_copies: z.array(storedSchema).optional().describe(
    "Tensors the checkpoint stores beyond the parameters: copies of counted ones (an MTP module's own embedding and head) and per-layer buffers holding trained values (Gemma 4's layer_scalar): in checkpoint_params, not in params. Absent in files written before 0.5.0.",
  ),
  stored_mtp: z.array(unitSchema).optional().describe(
    "MTP modules the released checkpoint stores although the config declares none (MiMo-V2's 3), as units of scope 'mtp': in checkpoint_params, not in params. Absent in files written before 0.5.0.",
  ),
  towers: z.array(unitSchema).optional().describe(
    "The vision (or audio) encoders and projectors of a multimodal wrapper, as units of scope 'tower': in checkpoint_params, not in params. Absent in files written before 0.5.0.",
  ),
  totals: z.object({
    params: count,
    params_main: count,
    active_params: count,
    active_params_non_embedding: count.describe(
      'Parameters multiplied on every token: active_params without the input lookup tables (token embedding, learned positions); the output head counts, and a tied embedding counts once, as the head. The convention of the gpt-oss figures (3.61B, 5.13B active) and of DeepSeek\'s.',
    ),
    kv_cache_bytes_per_token: count,
    kv_cache_bytes_at_context: count.nullable().optional().describe(
      'The whole KV cache at bf16 with a full context of max_position_embeddings tokens, sliding-window and chunked layers holding only their window, linear-attention state left out; null without a context length. Absent in files written before 0.3.0.',
    ),
    checkpoint_params: count.nullable().optional().describe(
      "Every learned tensor the released checkpoint stores, as the config and the family's saving convention determine it: params plus stored_copies. Null when the checkpoint holds what is not counted (a vision tower, undeclared MTP weights; notes say what). Absent in files written before 0.5.0.",
    ),
  }),
  notes: z.array(z.string()),
});

/** The JSON Schema of `arch.json` (draft 2020-12). */
export function archJsonSchemaDocument(): Record<string, unknown> {
  return {
    title: 'arch.json (remark-hf-arch)',
    ...z.toJSONSchema(archJsonSchema),
  };
}
