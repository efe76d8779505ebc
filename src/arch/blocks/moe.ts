/**
 * The feed-forward side of a decoder as a declarative {@link MoeRecipe}: which config fields
 * give the experts, their width, the shared experts and the router's extras, and which layers
 * are MoE. Every MoE family reads through {@link readFfnPlan}; a new family states its fields.
 */
import type { ConfigReader } from '../config-reader.js';
import { checkTopK } from '../common.js';
import type { Biases, Dim, Flags } from '../types.js';

/** Which layers are mixtures of experts. */
export type MoeLayers =
  /** Every layer (Mixtral, gpt-oss, OLMoE, MiniMax). */
  | { rule: 'all' }
  /** Qwen: every `decoder_sparse_step`-th layer except those in `mlp_only_layers`. */
  | { rule: 'sparse_step' }
  /** Llama 4: the layers of `moe_layers`, else every `interleave_moe_layer_step`-th layer. */
  | { rule: 'interleave' }
  /**
   * DeepSeek, GLM, Sarvam, Hy3, Trinity: the first `field` layers dense (`fallback` when absent),
   * then MoE (on every `moe_layer_freq`-th layer when `freq`). `list` names a per-layer
   * `"dense"`/`"sparse"` list that, when the config has it, decides instead (its config class
   * then ignores the prefix field).
   */
  | { rule: 'dense_prefix'; field: string; fallback?: number; freq?: boolean; list?: string }
  /** MiMo-V2: `field[i]` is 1 where layer i is MoE, 0 where it is dense (MTP modules: `mtp`). */
  | { rule: 'flag_list'; field: string; mtp: boolean }
  /** Step 3.5: the MoE layers by index, a list or a comma-separated string (`moe_layers_enum`);
   * absent, every layer but the first. Layers not listed (MTP modules too) are dense. */
  | { rule: 'index_list'; field: string };

/** Always-active experts beside the routed ones. */
export type SharedRecipe =
  /** `field` experts of the routed width (DeepSeek `n_shared_experts`); 0 or null: none. */
  | { count: string }
  /** One expert of its own width `field` with a sigmoid gate (Qwen2-MoE, Qwen3-Next). */
  | { width: string; gate: boolean }
  /** One expert of the routed width (Llama 4). */
  | { one: true };

/** How a family's config names its MoE. */
export interface MoeRecipe {
  layers: MoeLayers;
  /** Number of routed experts. */
  experts: string;
  /** Experts per token; the second name is a fallback some configs use (gpt-oss `experts_per_token`). */
  topK: string | [string, string];
  /** Width of one routed expert. */
  expertWidth: string;
  /** Width of the dense FFN of the non-MoE layers (read only when such layers exist). */
  denseWidth?: string;
  shared?: SharedRecipe;
  /** A learned per-expert selection bias (`e_score_correction_bias`, `expert_bias`): always, or
   * when `field` equals `equals` (DeepSeek `topk_method: "noaux_tc"`, MiniMax `use_routing_bias`). */
  selectionBias?: 'always' | { field: string; equals: string | boolean };
  /** Router logits and every expert matrix carry a bias (gpt-oss). */
  biases?: boolean;
  /** A boolean field that, when true, adds a dense MLP of `denseWidth` beside the MoE of every MoE
   * layer, its output added to the experts' (Grok `residual_moe`). */
  residual?: string;
  /** How a dense model of the family says it has no experts: `num_experts: 0` (Qwen) or `null`
   * (DeepSeek). Without this, the experts field is required. */
  none?: 'zero' | 'null';
}

/** The FFN side of a model: which layers are MoE, the sizes, and what the flags should say. */
export interface FfnPlan {
  /** `moe[i]`: layer i (MTP modules after the main layers) has a MoE FFN. */
  isMoe: (i: number) => boolean;
  /** MoE layers also run a dense MLP beside the experts (Grok-2). */
  residual: boolean;
  dims: Record<string, Dim>;
  flags: Partial<Flags>;
  biases: Partial<Biases>;
}

/** Reads the FFN of `L` layers and `extra` MTP modules after them by the family's recipe (null:
 * dense only). `mtp`: whether the MTP modules follow the recipe's layer rule (`plan`, DeepSeek) or
 * have dense MLPs whatever it says (`dense`: Inkling, Motif). */
export function readFfnPlan(r: ConfigReader, L: number, recipe: MoeRecipe | null, extra = 0, mtp: 'plan' | 'dense' = 'plan'): FfnPlan {
  if (recipe === null) return { isMoe: () => false, residual: false, dims: { d_ff: r.dim('d_{ff}', 'intermediate_size') }, flags: {}, biases: {} };
  const denseWidth = recipe.denseWidth ?? 'intermediate_size';
  const E = recipe.none === 'zero' ? r.intOr(recipe.experts, 0, { min: 0 }) : recipe.none === 'null' ? r.intOr(recipe.experts, null) : r.int(recipe.experts);
  const hasExperts = E !== null && E > 0;
  const isMoe = hasExperts ? moeLayers(r, L, recipe.layers) : () => false;
  if (!hasExperts) markMoeFields(r, recipe);
  const dims: Record<string, Dim> = {};
  const flags: Partial<Flags> = {};
  const biases: Partial<Biases> = {};
  if (hasExperts) {
    dims['E'] = r.dim('E', recipe.experts);
    const [topK, fallback] = typeof recipe.topK === 'string' ? [recipe.topK, null] : recipe.topK;
    dims['k'] = fallback !== null && !r.has(topK) ? r.dim('k', fallback) : r.dim('k', topK);
    if (fallback !== null) r.mark(fallback);
    dims['d_e'] = r.dim('d_{e}', recipe.expertWidth);
    checkTopK(r, dims);
    flags.moe = true;
    flags.moe_every = moeEvery(r, recipe.layers);
    flags.dense_prefix = recipe.layers.rule === 'dense_prefix' && !isMoe(0);
    Object.assign(flags, readShared(r, recipe.shared, dims));
    flags.router_bias = selectionBias(r, recipe.selectionBias);
    if (recipe.biases) {
      biases.router = true;
      biases.experts = true;
    }
  }
  // Read (and so marked) with experts; markMoeFields marks it without.
  const residual = hasExperts && recipe.residual !== undefined && r.bool(recipe.residual, false);
  // MTP modules count too: a dense MTP layer needs the dense width even when every layer is MoE.
  const denseMtp = extra > 0 && mtp === 'dense';
  const anyDense = residual || denseMtp || Array.from({ length: L + extra }, (_, i) => !isMoe(i)).some(Boolean);
  if (anyDense) dims['d_ff'] = r.dim('d_{ff}', denseWidth);
  else r.mark(denseWidth);
  return { isMoe, residual, dims, flags, biases };
}

/** A dense model of a MoE family (`num_experts: 0`, `n_routed_experts: null`) leaves the other MoE
 * fields unused: they are understood, not unknown. */
function markMoeFields(r: ConfigReader, recipe: MoeRecipe): void {
  r.mark(...(typeof recipe.topK === 'string' ? [recipe.topK] : recipe.topK), recipe.expertWidth);
  if (recipe.shared) r.mark('count' in recipe.shared ? recipe.shared.count : 'width' in recipe.shared ? recipe.shared.width : recipe.expertWidth);
  if (recipe.selectionBias && recipe.selectionBias !== 'always') r.mark(recipe.selectionBias.field);
  if (recipe.residual) r.mark(recipe.residual);
  const rule = recipe.layers;
  if (rule.rule === 'sparse_step') r.mark('decoder_sparse_step', 'mlp_only_layers');
  if (rule.rule === 'interleave') r.mark('interleave_moe_layer_step', 'moe_layers');
  if (rule.rule === 'dense_prefix') r.mark(rule.field, 'moe_layer_freq', ...(rule.list ? [rule.list] : []));
  if (rule.rule === 'flag_list' || rule.rule === 'index_list') r.mark(rule.field);
}

function moeLayers(r: ConfigReader, L: number, rule: MoeLayers): (i: number) => boolean {
  switch (rule.rule) {
    case 'all':
      return () => true;
    case 'sparse_step': {
      const step = r.intOr('decoder_sparse_step', 1);
      const mlpOnly = new Set(layerList(r, 'mlp_only_layers', L));
      return (i) => !mlpOnly.has(i) && (i + 1) % step === 0;
    }
    case 'interleave': {
      const step = r.intOr('interleave_moe_layer_step', 1);
      const listed = r.has('moe_layers') ? new Set(layerList(r, 'moe_layers', L)) : null;
      return (i) => (listed ? listed.has(i) : i % step === step - 1);
    }
    case 'dense_prefix': {
      const listed = rule.list ? readMlpLayerTypes(r, rule.list, L) : null;
      if (listed) {
        // The list decides; the config class sets the prefix fields aside.
        r.mark(rule.field, 'moe_layer_freq');
        // An MTP module (index L and up) is a MoE layer, as in DeepSeek-V3 and GLM.
        return (i) => (i < listed.length ? listed[i] === 'sparse' : true);
      }
      const first = r.intOr(rule.field, rule.fallback ?? 0, { min: 0 });
      const freq = rule.freq ? r.intOr('moe_layer_freq', 1) : 1;
      return (i) => i >= first && i % freq === 0;
    }
    case 'index_list': {
      const listed = indexList(r, rule.field, L);
      return (i) => (listed ? listed.has(i) : i >= 1 && i < L);
    }
    case 'flag_list': {
      const flags = r.intArray(rule.field, { length: L, min: 0, max: 1 });
      if (!flags) throw r.error('config-invalid-field', rule.field, `is required: 1 (MoE) or 0 (dense) for each of the ${L} layers`);
      return (i) => (i < L ? flags[i] === 1 : rule.mtp);
    }
  }
}

/** What the figure says as "MoE every k layers": null where the layers are listed. */
function moeEvery(r: ConfigReader, rule: MoeLayers): number | null {
  switch (rule.rule) {
    case 'all':
      return 1;
    case 'sparse_step':
      return r.intOr('decoder_sparse_step', 1);
    case 'interleave':
      return r.has('moe_layers') ? null : r.intOr('interleave_moe_layer_step', 1);
    case 'dense_prefix':
      return rule.freq ? r.intOr('moe_layer_freq', 1) : 1;
    case 'flag_list':
    case 'index_list':
      return null;
  }
}

/** A list of layer indices, each below `L`. */
function layerList(r: ConfigReader, field: string, L: number): number[] {
  return belowL(r, field, r.intArray(field, { min: 0, maxLength: L }) ?? [], L);
}

/** Refuses a layer index of `field` that the model does not have. */
function belowL(r: ConfigReader, field: string, list: number[], L: number): number[] {
  const beyond = list.find((i) => i >= L);
  if (beyond !== undefined) throw r.error('config-inconsistent', field, `names layer ${beyond}, but the model has ${L} layers`);
  return list;
}

/** Layer indices as a JSON list or as "3,4,5" (Step 3.5 writes a string), each below `L`. */
function indexList(r: ConfigReader, field: string, L: number): Set<number> | null {
  const v = r.get(field);
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return new Set(layerList(r, field, L));
  if (typeof v !== 'string' || !/^\s*\d+(\s*,\s*\d+)*\s*$/.test(v) || v.length > 10 * L + 10) {
    throw r.error('config-invalid-field', field, 'must list layer indices, as [3, 4] or "3,4"');
  }
  return new Set(belowL(r, field, v.split(',').map((x) => Number(x.trim())), L));
}

/** `mlp_layer_types`: "dense" or "sparse" for each of the `L` layers, or null when absent. */
function readMlpLayerTypes(r: ConfigReader, field: string, L: number): ('dense' | 'sparse')[] | null {
  const v = r.get(field);
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length !== L || v.some((t) => t !== 'dense' && t !== 'sparse')) {
    throw r.error('config-invalid-field', field, `must list "dense" or "sparse" for each of the ${L} layers`);
  }
  return v as ('dense' | 'sparse')[];
}

function readShared(r: ConfigReader, shared: SharedRecipe | undefined, dims: Record<string, Dim>): Partial<Flags> {
  if (!shared) return {};
  if ('one' in shared) return { shared_experts: true };
  if ('width' in shared) {
    dims['d_s'] = r.dim('d_{s}', shared.width);
    return { shared_experts: true, shared_expert_gate: shared.gate };
  }
  const n = r.intOr(shared.count, 0, { min: 0 });
  if (n === 0) return {};
  dims['n_s'] = r.dim('n_{s}', shared.count);
  return { shared_experts: true };
}

function selectionBias(r: ConfigReader, rule: MoeRecipe['selectionBias']): boolean {
  if (rule === undefined) return false;
  if (rule === 'always') return true;
  // bool and strOr refuse a value of another type.
  const v = typeof rule.equals === 'boolean' ? r.bool(rule.field, false) : r.strOr(rule.field, null);
  return v === rule.equals;
}
