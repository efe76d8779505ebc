/**
 * Pieces every model description shares: the core sizes, the attention head layout, the
 * per-layer window and rope patterns, default flags.
 */
import { LIMITS, type ConfigReader } from './config-reader.js';
import type { ArchDescription, Biases, Dim, Flags, LayerSpec } from './types.js';

/** Sizes every decoder has. */
export interface CoreDims {
  d: Dim;
  V: Dim;
  L: Dim;
}

export function readCore(r: ConfigReader, fields = { d: 'hidden_size', V: 'vocab_size', L: 'num_hidden_layers' }): CoreDims {
  return {
    d: r.dim('d', fields.d, { max: LIMITS.width }),
    V: r.dim('V', fields.V, { max: LIMITS.vocab }),
    L: r.dim('L', fields.L, { max: LIMITS.layers }),
  };
}

/** Query heads, KV heads and head size, checked for consistency. */
export interface HeadDims {
  H: Dim;
  Hkv: Dim;
  dh: Dim;
}

export interface HeadOptions {
  /** When `num_key_value_heads` is absent, the config class means MHA (Llama, OLMo 2, Phi-3);
   * otherwise the field is required (Mistral, Qwen, Gemma default to other numbers). */
  kvDefaultsToHeads?: boolean;
  /** When `head_dim` is absent, the config class means hidden_size / heads; otherwise the field is
   * required (Qwen3, Gemma, gpt-oss, Llama 4 default to fixed sizes). */
  headDimDerived?: boolean;
}

export function readHeads(r: ConfigReader, d: Dim, options: HeadOptions = {}): HeadDims {
  const H = r.dim('H', 'num_attention_heads', { max: LIMITS.heads });
  const Hkv: Dim = r.has('num_key_value_heads')
    ? r.dim('H_{kv}', 'num_key_value_heads', { max: LIMITS.heads })
    : options.kvDefaultsToHeads
      ? (r.get('num_key_value_heads'), derivedDim('H_{kv}', H.value, `${r.path('num_attention_heads')} (num_key_value_heads absent: MHA)`))
      : r.dim('H_{kv}', 'num_key_value_heads');
  checkKvHeads(r, 'num_key_value_heads', Hkv.value, 'num_attention_heads', H.value);
  let dh: Dim;
  if (r.has('head_dim') || !options.headDimDerived) {
    dh = r.dim('d_{h}', 'head_dim');
  } else {
    r.get('head_dim');
    if (d.value % H.value !== 0) {
      throw r.error('config-inconsistent', 'num_attention_heads', `(${H.value}) does not divide hidden_size (${d.value}) and no head_dim is given`, {
        hint: 'Add "head_dim" to the config, or correct the number of heads.',
      });
    }
    dh = derivedDim('d_{h}', d.value / H.value, `${r.path('hidden_size')} / ${r.path('num_attention_heads')}`);
  }
  return { H, Hkv, dh };
}

/** Grouped-query attention shares each KV head (`kvField`) among a whole number of query heads. */
export function checkKvHeads(r: ConfigReader, kvField: string, Hkv: number, headsField: string, H: number): void {
  if (H % Hkv !== 0) {
    throw r.error('config-inconsistent', kvField, `(${Hkv}) must divide ${headsField} (${H})`, {
      hint: 'Grouped-query attention shares each KV head among a whole number of query heads.',
    });
  }
}

/** Attention heads split a width into whole head sizes (a tower's `num_heads` of its `hidden_size`). */
export function checkHeadsDivide(r: ConfigReader, headsField: string, heads: number, widthField: string, width: number): void {
  if (width % heads !== 0) throw r.error('config-inconsistent', headsField, `(${heads}) does not divide ${widthField} (${width})`);
}

/** d_h = hidden_size / heads, for config classes without a head_dim (Falcon, GPT-NeoX): the heads must divide the width. */
export function widthPerHead(r: ConfigReader, d: Dim, H: Dim, headsField: string): Dim {
  checkHeadsDivide(r, headsField, H.value, 'hidden_size', d.value);
  return derivedDim('d_{h}', d.value / H.value, `${r.path('hidden_size')} / ${r.path(headsField)}`);
}

/** Top-k routing picks k of the E experts: k > E would make the active count exceed the total. */
export function checkTopK(r: ConfigReader, dims: Record<string, Dim>): void {
  const { k, E } = dims;
  if (k && E && k.value > E.value) {
    throw r.error('config-inconsistent', k.field.split('.').pop()!, `(${k.value}) exceeds the number of experts (${E.value})`);
  }
}

/** A dim that the config leaves out and the architecture fixes. */
export function derivedDim(tex: string, value: number, field: string): Dim {
  return { tex, value, field, derived: true };
}

export function defaultFlags(overrides: Partial<Flags> = {}): Flags {
  return {
    moe: false,
    hash_routing: false,
    shared_experts: false,
    shared_expert_gate: false,
    mtp: false,
    tied_embeddings: false,
    dense_prefix: false,
    moe_every: null,
    router_bias: false,
    sliding_window: false,
    qk_norm: 'none',
    partial_rotary: 1,
    nope_layers: false,
    attention_bias: false,
    attention_sinks: false,
    output_gate: false,
    attn_softcap: null,
    final_softcap: null,
    norm_kind: 'rmsnorm',
    norm_placement: 'pre',
    ffn_kind: 'swiglu',
    ffn_bias: false,
    learned_positions: false,
    parallel_attention: false,
    alibi: false,
    linear_attention_hybrid: false,
    hyper_connections: false,
    compressor: false,
    indexer: false,
    grouped_output: false,
    fused_projections: false,
    multimodal_wrapper: false,
    ...overrides,
  };
}

export function noBiases(overrides: Partial<Biases> = {}): Biases {
  return { qkv: false, o: false, ffn: false, norm: false, router: false, experts: false, ...overrides };
}

/** A plain layer: global softmax attention (with rope unless told) and a dense FFN. */
export function plainLayer(index: number, attention: Partial<LayerSpec['attention']> = {}): LayerSpec {
  return {
    index,
    attention: { kind: 'softmax', window: null, chunk: null, rope: true, compress_ratio: null, indexer: false, ...attention },
    ffn: { kind: 'dense', routing: null },
  };
}

export const LAYER_TYPES = ['full_attention', 'sliding_attention', 'chunked_attention', 'linear_attention'] as const;

/**
 * The attention type of each layer. `layer_types` wins when the config has it (as transformers
 * does); otherwise `fallback(i)` gives the model's default pattern.
 */
export function layerTypes(r: ConfigReader, L: number, fallback: (i: number) => (typeof LAYER_TYPES)[number]): string[] {
  const declared = r.strArray('layer_types', { length: L, allowed: LAYER_TYPES });
  return declared ?? Array.from({ length: L }, (_, i) => fallback(i));
}

/** `tie_word_embeddings`, with the model's default when the key is absent. */
export function readTied(r: ConfigReader, fallback: boolean, notes: string[]): boolean {
  if (!r.has('tie_word_embeddings')) {
    r.get('tie_word_embeddings');
    if (fallback) notes.push(`${r.path('tie_word_embeddings')} is absent: ${r.modelType} ties the output head to the embedding by default.`);
    return fallback;
  }
  return r.bool('tie_word_embeddings', fallback);
}

/** What every description states itself; the rest has the common default. */
type Essentials = Pick<ArchDescription, 'model_type' | 'family' | 'flags' | 'dims' | 'layers' | 'activation' | 'biases' | 'notes'>;

/**
 * An {@link ArchDescription} with the usual defaults: no MTP, no position offset, a final norm,
 * the context length from `max_position_embeddings`. `architectures` and `text_config_path`
 * are filled in by `describeConfig`.
 */
export function description(r: ConfigReader, essentials: Essentials, overrides: Partial<ArchDescription> = {}): ArchDescription {
  return {
    architectures: [],
    mtp_layers: [],
    text_config_path: null,
    max_position_embeddings: overrides.max_position_embeddings === undefined ? r.intOr('max_position_embeddings', null) : overrides.max_position_embeddings,
    position_offset: 0,
    final_norm: true,
    checkpoint: { mtp_copies: { embed: false, head: false }, unknown: null },
    towers: [],
    ...essentials,
    ...overrides,
  };
}
