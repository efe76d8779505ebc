/**
 * MiniMax-Text-01 (`minimax_text_01`, its remote MiniMaxText01Config; transformers' `minimax`,
 * MiniMaxConfig, modeling_minimax.py): lightning attention (linear attention with a fixed decay per
 * head) on most layers and GQA with partial rotary positions on the others, by `attn_type_list`
 * (0 lightning, 1 softmax) or `layer_types` (`linear_attention`, `full_attention`); a Mixtral MoE
 * in every layer (`num_local_experts`, `block_sparse_moe` / `mlp`). With `postnorm` (transformers:
 * always) each sub-layer's residual is its normalised input, weighted by α and the output by β.
 * The lightning attention (MiniMaxLightningAttention): `qkv_proj` [3·H·d_h, d] with SiLU, the
 * per-head decay (`slope_rate`, a buffer), `norm` [H·d_h], a sigmoid `output_gate` [H·d_h, d] of
 * the layer input, `out_proj` [d, H·d_h].
 */
import { LIMITS, quote, type ConfigReader } from '../config-reader.js';
import { readFfnPlan, type MoeRecipe } from '../blocks/moe.js';
import { defaultFlags, description, noBiases, plainLayer, readCore, readHeads, readTied } from '../common.js';
import type { ArchDescription, Dim } from '../types.js';

const MOE: MoeRecipe = { layers: { rule: 'all' }, experts: 'num_local_experts', topK: 'num_experts_per_tok', expertWidth: 'intermediate_size' };

/** How the two config classes name the same things. */
interface Naming {
  /** Which layers are lightning attention: `attn_type_list` (0) or `layer_types` (`linear_attention`). */
  kinds: (r: ConfigReader, L: number) => boolean[];
  /** The α and β fields of the residual sums. */
  factors: string[];
  /** Whether the residual is the normalised input (remote: `postnorm`; transformers: always). */
  postnorm: (r: ConfigReader) => boolean;
}

const REMOTE: Naming = {
  kinds: (r, L) => {
    const list = r.intArray('attn_type_list', { length: L, max: 1 });
    if (!list) throw r.error('config-invalid-field', 'attn_type_list', 'is required: 0 (lightning attention) or 1 (softmax attention) for each layer');
    return list.map((t) => t === 0);
  },
  factors: ['layernorm_full_attention_alpha', 'layernorm_full_attention_beta', 'layernorm_linear_attention_alpha', 'layernorm_linear_attention_beta', 'layernorm_mlp_alpha', 'layernorm_mlp_beta'],
  postnorm: (r) => r.bool('postnorm', false),
};

const TRANSFORMERS: Naming = {
  kinds: (r, L) => {
    const types = r.strArray('layer_types', { length: L, allowed: ['linear_attention', 'full_attention'] });
    // MiniMaxConfig's default: full attention on even layers, lightning on odd ones.
    return types ? types.map((t) => t === 'linear_attention') : Array.from({ length: L }, (_, i) => (i + 1) % 2 === 0);
  },
  factors: ['full_attn_alpha_factor', 'full_attn_beta_factor', 'linear_attn_alpha_factor', 'linear_attn_beta_factor', 'mlp_alpha_factor', 'mlp_beta_factor'],
  postnorm: () => true,
};

export function describeMiniMaxText01(r: ConfigReader, options: { transformers: boolean }): ArchDescription {
  const naming = options.transformers ? TRANSFORMERS : REMOTE;
  const notes: string[] = [];
  const { d, V, L } = readCore(r);
  const { H, Hkv, dh } = readHeads(r, d, { headDimDerived: true, kvDefaultsToHeads: options.transformers });
  const dims: Record<string, Dim> = { d, V, L, H, H_kv: Hkv, d_h: dh };
  const lightning = naming.kinds(r, L.value);
  const ffn = readFfnPlan(r, L.value, MOE);
  Object.assign(dims, ffn.dims);
  // Remote code only: shared experts beside the MoE, which no released config has.
  const shared = r.intOr('shared_intermediate_size', 0, { min: 0 });
  if (shared > 0) throw r.error('unsupported-feature', 'shared_intermediate_size', `is ${shared}; MiniMax-Text-01 with shared experts is not counted yet`);
  r.mark('shared_moe_mode');
  const act = r.strOr('hidden_act', 'silu');
  if (act !== 'silu') throw r.error('config-invalid-field', 'hidden_act', `is ${quote(act)}; MiniMax-Text-01's experts are SwiGLU and its lightning qkv SiLU`);
  const window = r.get('sliding_window');
  if (window !== undefined && window !== null) throw r.error('unsupported-feature', 'sliding_window', 'is set; only MiniMax-Text-01 with global attention is known');
  // Partial rotary on the softmax layers: a width (`rotary_dim`) or a fraction; no parameters.
  const rotaryDim = r.intOr('rotary_dim', null, { max: LIMITS.width });
  const partial = rotaryDim === null ? r.numberOr('partial_rotary_factor', 1) : rotaryDim / dh.value;
  if (!(partial > 0 && partial <= 1)) throw r.error('config-inconsistent', rotaryDim === null ? 'partial_rotary_factor' : 'rotary_dim', `gives a rotary fraction of ${partial}, outside (0, 1]`);
  const postnorm = naming.postnorm(r);
  // The residual weights, the lightning block length: no tensors.
  const factors = naming.factors.map((f) => r.numberOr(f, 1));
  r.mark('block_size');
  const layers = lightning.map((lin, i) => {
    const l = plainLayer(i, lin ? { kind: 'lightning', rope: false } : {});
    l.ffn = { kind: 'moe', routing: 'score' };
    return l;
  });
  const n = lightning.filter(Boolean).length;
  notes.push(`${n} of ${L.value} layers are lightning attention (linear attention with a fixed decay per head: a state of ${dh.value} × ${dh.value} per head, no KV cache); the other ${L.value - n} are softmax attention.`);
  if (postnorm) notes.push("Each sub-layer's residual is its normalised input (postnorm), not the stream before the norm.");
  if (factors.some((x) => x !== 1)) {
    const [fa, fb, la, lb, ma, mb] = factors.map((x) => Number(x.toPrecision(4)));
    notes.push(`The residual sums are weighted (residual · α + output · β; no parameters): attention α ${fa}, β ${fb}; lightning α ${la}, β ${lb}; MoE α ${ma}, β ${mb}.`);
  }
  return description(r, {
    model_type: r.modelType,
    family: Hkv.value === H.value ? 'mha' : 'gqa',
    flags: defaultFlags({
      ...ffn.flags,
      tied_embeddings: readTied(r, false, notes),
      linear_attention_hybrid: n > 0,
      partial_rotary: partial,
      ...(postnorm ? { residual_after_norm: true } : {}),
    }),
    dims,
    layers,
    activation: act,
    biases: noBiases(),
    notes,
  });
}
