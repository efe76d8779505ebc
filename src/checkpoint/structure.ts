/**
 * `arch.json` from a checkpoint's tensors alone (`--from-checkpoint`): for a `model_type` we do
 * not describe, or a config with fields we do not understand. Every unit is counted from the
 * stored shapes, so the counts are exact for any model; the structure is what the module paths
 * say (`modules.ts`): embedding, norms, attention (MLA recognised by its low-rank projections),
 * MLP or experts with their router, the head, and any other module as a group of its own.
 *
 * The config is read only for what names cannot say, each field optional: `num_hidden_layers`
 * (layers after it are MTP modules), `num_experts_per_tok` (how many experts a token uses: the
 * active count), `num_attention_heads` / `num_key_value_heads` (the attention's name),
 * `max_position_embeddings`, `tie_word_embeddings`. What neither says (RoPE, windows, activation)
 * is not drawn, and `notes` says so.
 */
import { defaultFlags } from '../arch/common.js';
import { HfArchError } from '../errors.js';
import { groupDigits } from '../params/expr.js';
import { add, mul, num, evaluate, symbolsOf, toTexConcrete, toTexSymbolic, toText, type Dim, type Expr } from '../params/expr.js';
import type { Unit, UnitFamily } from '../params/types.js';
import { archJsonSchema, SCHEMA_VERSION, type ArchJson } from '../schema/arch-json.js';
import type { StoredTensor } from './header.js';
import { placeTensor, sandwichLayers, tensorPattern, type LayerKey, type SetAside } from './modules.js';
import { valuesOf, type Packing } from './packing.js';
import type { Checkpoint } from './read.js';

/** What the structure stage knows of the model besides its tensors. */
export interface StructureInput {
  checkpoint: Checkpoint;
  packing: Packing;
  /** The parsed config.json (any model type), or null. */
  config: unknown;
  model: Pick<ArchJson['model'], 'source' | 'name' | 'revision' | 'commit' | 'config_sha256'>;
  /** Shown in errors: the config file. */
  display: string;
}

type Layer = ArchJson['layers'][number];

const record = (x: unknown): Record<string, unknown> => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {});
const positiveInt = (x: unknown): number | null => (typeof x === 'number' && Number.isSafeInteger(x) && x > 0 ? x : null);

/** Config fields naming how many routed experts a token uses, across families. */
const TOP_K_FIELDS = ['num_experts_per_tok', 'num_experts_per_token', 'moe_top_k', 'moe_topk', 'top_k', 'n_activated_experts', 'experts_per_token', 'num_activated_experts'];

/** Names and families of layer parts, in the order data flows through a layer. */
const LAYER_NAMES: Record<LayerKey, { name: string; family: UnitFamily }> = {
  hc_attn: { name: 'mHC mixer (attention)', family: 'hyper_connection' },
  attn_norm: { name: 'Norm 1', family: 'norm' },
  qk_norm: { name: 'QK-Norm', family: 'qk_norm' },
  attn: { name: 'Attention', family: 'attention' },
  linear_attn: { name: 'Linear attention', family: 'linear_attention' },
  compressor: { name: 'KV compressor', family: 'compressor' },
  indexer: { name: 'Indexer', family: 'indexer' },
  post_attn_norm: { name: 'Post-attention norm', family: 'norm' },
  hc_ffn: { name: 'mHC mixer (FFN)', family: 'hyper_connection' },
  ffn_norm: { name: 'Norm 2', family: 'norm' },
  router: { name: 'Router', family: 'router' },
  experts: { name: 'Routed experts', family: 'experts' },
  shared_experts: { name: 'Shared expert', family: 'shared_experts' },
  shared_expert_gate: { name: 'Shared-expert gate', family: 'shared_experts' },
  ffn: { name: 'Feed forward', family: 'ffn' },
  post_ffn_norm: { name: 'Post-FFN norm', family: 'norm' },
  proj: { name: 'MTP input projection and norms', family: 'mtp' },
  layer_scalar: { name: 'Layer scalar (stored buffer)', family: 'norm' },
  latent_proj: { name: 'Latent projections of the experts', family: 'experts' },
  attn_res: { name: 'Attention residual (attention)', family: 'attention_residual' },
  mlp_res: { name: 'Attention residual (FFN)', family: 'attention_residual' },
};
const MODEL_NAMES = { embed: 'Token embedding', pos_embed: 'Learned positions', final_norm: 'Final norm', head: 'Linear output layer', hc_head: 'mHC head mixer', output_attn_res: 'Attention residual before the final norm' } as const;
const MODEL_FAMILY: Record<keyof typeof MODEL_NAMES, UnitFamily> = { embed: 'embedding', pos_embed: 'positions', final_norm: 'norm', head: 'head', hc_head: 'hyper_connection', output_attn_res: 'attention_residual' };

/**
 * The formula of a set of tensors: Σ over name patterns of count × shape (× values per stored
 * element when packed). Sizes other than d and V are written as numbers that stay factors
 * (`3·2,048·d`), so the formula shows each tensor's shape instead of one product.
 */
function formulaOf(tensors: StoredTensor[], packing: Packing, d: Dim, V: Dim): Expr {
  const size = (n: number): Dim => (n === d.value ? d : n === V.value ? V : { tex: groupDigits(n, '{,}'), value: n, field: 'shape' });
  const groups = new Map<string, { t: StoredTensor; n: number }>();
  for (const t of tensors) {
    const key = `${tensorPattern(t.name)}\0${t.shape.join('x')}`;
    const g = groups.get(key);
    if (g) g.n += 1;
    else groups.set(key, { t, n: 1 });
  }
  const terms = [...groups.values()].map(({ t, n }) => {
    const factor = valuesOf(t, packing) / t.elements;
    return mul(n, Number.isInteger(factor) ? factor : num(factor), ...t.shape.map(size));
  });
  return add(...terms);
}

function unitOf(id: string, name: string, family: UnitFamily, scope: Unit['scope'], expr: Expr, layers: number[], io: number[]): Unit {
  const count = evaluate(expr);
  return {
    id, name, family, scope,
    shape_in: io, shape_out: io,
    formula_symbolic: toTexSymbolic(expr),
    formula_concrete: toTexConcrete(expr),
    formula_text: toText(expr),
    param_count: count,
    repeat: Math.max(1, layers.length),
    layers,
    total: count * Math.max(1, layers.length),
    active_param_count: null,
    active_total: null,
    active_formula_symbolic: null,
    // d and V: the sizes written as numbers are not config symbols.
    symbols: symbolsOf(expr).filter((s) => s.field !== 'shape').map((s) => ({ tex: s.tex, value: s.value, field: s.field })),
    parts: [],
  };
}

/** Builds `arch.json` from the tensors; see the module comment for what the config adds. */
export function archFromCheckpoint(input: StructureInput): ArchJson {
  const { checkpoint, packing } = input;
  const top = record(input.config);
  const text = record(top['text_config']);
  const field = (name: string): unknown => text[name] ?? top[name];
  const names = checkpoint.tensors.map((t) => t.name);

  const embedTensor = checkpoint.tensors.find((t) => t.shape.length === 2 && (({ kind, key }) => kind === 'model' && key === 'embed')(placeTensor(t.name, { tied: false, mainLayers: Infinity, sandwich: new Set() }) as { kind: string; key?: string }));
  if (!embedTensor) {
    throw new HfArchError('checkpoint-invalid', `${checkpoint.source} has no token embedding (embed_tokens, wte, word_embeddings): its structure cannot be read from tensor names`, {
      location: { file: checkpoint.source },
      hint: 'Counting from tensors needs a decoder checkpoint with transformers-style module names.',
    });
  }
  const V: Dim = { tex: 'V', value: embedTensor.shape[0]!, field: `${embedTensor.name} (rows)` };
  const d: Dim = { tex: 'd', value: embedTensor.shape[1]!, field: `${embedTensor.name} (columns)` };
  const headTensor = checkpoint.tensors.find((t) => /^(language_model\.)?(lm_head|output|embed_out|head)\.weight$/.test(t.name));
  const tiedByConfig = field('tie_word_embeddings') === true && headTensor !== undefined && headTensor.shape.join() === embedTensor.shape.join();
  const tied = headTensor === undefined || tiedByConfig;

  let stored = 0;
  for (const n of names) {
    const p = placeTensor(n, { tied, mainLayers: Infinity, sandwich: new Set() });
    if ((p.kind === 'layer' || p.kind === 'other') && p.layer !== null) stored = Math.max(stored, p.layer + 1);
  }
  const declared = positiveInt(field('num_hidden_layers')) ?? positiveInt(field('n_layer')) ?? positiveInt(field('num_layers'));
  const mainLayers = declared !== null && declared <= stored ? declared : stored;
  const ctx = { tied, mainLayers, sandwich: sandwichLayers(names) };

  // Sort every tensor into model parts, layer parts (per layer), other groups, or set aside.
  const model = new Map<keyof typeof MODEL_NAMES, StoredTensor[]>();
  const perLayer = new Map<string, Map<number, StoredTensor[]>>();
  const aside = new Map<SetAside, number>();
  const push = <K>(m: Map<K, StoredTensor[]>, k: K, t: StoredTensor) => (m.get(k) ?? m.set(k, []).get(k)!).push(t);
  for (const t of checkpoint.tensors) {
    const p = placeTensor(t.name, ctx);
    if (p.kind === 'aside') aside.set(p.reason, (aside.get(p.reason) ?? 0) + 1);
    else if (p.kind === 'model') push(model, p.key, t);
    else if (p.kind === 'tower') push(perLayer.get(`other.${p.group}`) ?? perLayer.set(`other.${p.group}`, new Map()).get(`other.${p.group}`)!, -1, t);
    else {
      const scope = p.layer === null ? 'model' : p.layer < mainLayers ? 'layers' : 'mtp';
      const key = p.kind === 'layer' ? `${scope}.${p.key}` : p.layer === null ? `other.${p.group}` : `${scope}.other.${p.group}`;
      const byLayer = perLayer.get(key) ?? perLayer.set(key, new Map()).get(key)!;
      push(byLayer, p.layer ?? -1, t);
    }
  }

  const layerHas = (n: number, key: string, re?: RegExp) => (perLayer.get(`${n < mainLayers ? 'layers' : 'mtp'}.${key}`)?.get(n) ?? []).some((t) => !re || re.test(t.name));
  const normBias = checkpoint.tensors.some((t) => /(layernorm|layer_norm|ln_\w+|norm)\.bias$/.test(t.name));
  const normKind = normBias ? 'LayerNorm' : 'RMSNorm';

  const units: Unit[] = [];
  // Model parts first, in the order the figure reads them.
  for (const key of ['embed', 'pos_embed'] as const) {
    const ts = model.get(key);
    if (ts) units.push(unitOf(key, MODEL_NAMES[key], MODEL_FAMILY[key], 'model', formulaOf(ts, packing, d, V), [], [d.value]));
  }
  // Layer parts, and groups whose role we do not know, in order of first appearance; a part whose
  // tensors differ between layers gets one unit per variant (`layers.attn`, `layers.attn.v2`, …).
  const k = TOP_K_FIELDS.map((f) => positiveInt(field(f))).find((x) => x !== null) ?? null;
  const heads = { H: positiveInt(field('num_attention_heads')) ?? positiveInt(field('n_head')), Hkv: positiveInt(field('num_key_value_heads')) };
  for (const [key, byLayer] of perLayer) {
    if (key.startsWith('other.')) continue;
    const [scope, ...rest] = key.split('.') as ['layers' | 'mtp', ...string[]];
    const part = rest.join('.');
    const variants = new Map<string, number[]>();
    for (const [n, ts] of byLayer) {
      const sig = ts.map((t) => `${tensorPattern(t.name)}:${t.shape.join('x')}:${t.dtype}`).sort().join('|');
      (variants.get(sig) ?? variants.set(sig, []).get(sig)!).push(n);
    }
    const ordered = [...variants.values()].sort((a, b) => b.length - a.length || a[0]! - b[0]!);
    ordered.forEach((layers, i) => {
      layers.sort((a, b) => a - b);
      const ts = byLayer.get(layers[0]!)!;
      const known = part in LAYER_NAMES ? LAYER_NAMES[part as LayerKey] : null;
      let name = known ? known.name : `${part.replace(/^other\./, '')} (not recognised)`;
      if (part === 'attn_norm' || part === 'ffn_norm') name = `${normKind} ${part === 'attn_norm' ? 1 : 2}`;
      if (part === 'attn') name = attentionName(ts, heads);
      const u = unitOf(`${key}${i ? `.v${i + 1}` : ''}`, name, known ? known.family : 'other', scope, formulaOf(ts, packing, d, V), layers, [d.value]);
      if (part === 'experts') {
        const experts = expertCount(ts);
        if (k === null) {
          throw new HfArchError('config-invalid-field', `the checkpoint has routed experts (${experts} in layer ${layers[0]}), but the config names no top-k (${TOP_K_FIELDS.slice(0, 3).join(', ')}, …), so the parameters a token uses cannot be counted`, {
            location: { file: input.display },
            hint: 'Add "num_experts_per_tok": K (the experts each token is routed to) to config.json.',
          });
        }
        if (u.param_count % experts !== 0) throw new Error(`internal: ${u.param_count} expert parameters do not divide by ${experts} experts`);
        u.active_param_count = (u.param_count / experts) * Math.min(k, experts);
        u.active_total = u.active_param_count * u.repeat;
        u.active_formula_symbolic = `${Math.min(k, experts)} \\cdot ${u.param_count / experts}`;
      }
      units.push(u);
    });
  }
  // Layer parts in the order data flows through a layer (the table reads that way), MTP after.
  const order = Object.keys(LAYER_NAMES);
  const rank = (u: Unit) => (u.scope === 'mtp' ? 100 : 0) + (order.indexOf(u.id.split('.')[1]!) + 1 || 50);
  const firstLayerUnit = units.findIndex((u) => u.scope !== 'model');
  if (firstLayerUnit >= 0) units.splice(firstLayerUnit, units.length, ...units.slice(firstLayerUnit).sort((a, b) => rank(a) - rank(b)));
  for (const key of ['hc_head', 'final_norm', 'head'] as const) {
    const ts = model.get(key);
    if (ts) units.push(unitOf(key, key === 'final_norm' ? `Final ${normKind}` : MODEL_NAMES[key], MODEL_FAMILY[key], 'model', formulaOf(ts, packing, d, V), [], [d.value]));
  }
  for (const [key, byLayer] of perLayer) {
    if (!key.startsWith('other.')) continue;
    const ts = byLayer.get(-1)!;
    units.push(unitOf(key, `${key.slice(6)} (not recognised)`, 'other', 'model', formulaOf(ts, packing, d, V), [], [d.value]));
  }

  // Each layer's blocks, as the figure's strip and recipe read them.
  const layerOfIndex = (n: number): Layer => {
    const mla = layerHas(n, 'attn', /\.(q_a_proj|kv_a_proj_with_mqa)\./);
    return {
      index: n,
      attention: { kind: mla ? 'mla' : 'softmax', window: null, chunk: null, rope: false, compress_ratio: null, indexer: false },
      ffn: layerHas(n, 'experts') ? { kind: 'moe', routing: 'score' } : { kind: 'dense', routing: null },
    };
  };
  const layers = Array.from({ length: mainLayers }, (_, n) => layerOfIndex(n));
  const mtpLayers = Array.from({ length: stored - mainLayers }, (_, i) => layerOfIndex(mainLayers + i));

  const has = (key: string) => units.some((u) => u.id === key || u.id.startsWith(`${key}.v`));
  const anyTensor = (re: RegExp) => names.some((n) => re.test(n));
  const H = positiveInt(field('num_attention_heads')) ?? positiveInt(field('n_head'));
  const Hkv = positiveInt(field('num_key_value_heads')) ?? (H !== null && !anyTensor(/\.(q_a_proj|kv_a_proj_with_mqa)\./) ? H : null);
  const dims: ArchJson['dims'] = { d, V };
  if (H !== null) dims['H'] = { tex: 'H', value: H, field: 'num_attention_heads' };
  if (Hkv !== null && dims['H']) dims['H_kv'] = { tex: 'H_{kv}', value: Hkv, field: field('num_key_value_heads') !== undefined ? 'num_key_value_heads' : 'num_attention_heads' };
  const expertsUnit = units.find((u) => u.id === 'layers.experts');
  if (expertsUnit && k !== null) {
    const first = perLayer.get('layers.experts')!.get(expertsUnit.layers[0]!)!;
    dims['E'] = { tex: 'E', value: expertCount(first), field: `${tensorPattern(first[0]!.name)} (experts stored)` };
    dims['k'] = { tex: 'k', value: k, field: TOP_K_FIELDS.find((f) => positiveInt(field(f)) !== null)! };
    const shared = positiveInt(field('n_shared_experts')) ?? positiveInt(field('num_shared_experts'));
    if (shared !== null) dims['n_s'] = { tex: 'n_s', value: shared, field: field('n_shared_experts') !== undefined ? 'n_shared_experts' : 'num_shared_experts' };
  }

  const pre = has('layers.attn_norm');
  const post = has('layers.post_attn_norm') || has('layers.post_ffn_norm');
  // One norm before attention and none before the FFN: attention and MLP side by side (Falcon).
  const parallel = pre && !has('layers.ffn_norm') && has('layers.attn') && (has('layers.ffn') || has('layers.experts'));
  // What names cannot show (windows, caps, gates, ALiBi, …) stays at the defaults: off.
  const flags: ArchJson['flags'] = defaultFlags({
    moe: has('layers.experts'),
    shared_experts: has('layers.shared_experts'),
    shared_expert_gate: has('layers.shared_expert_gate'),
    mtp: mtpLayers.length > 0,
    tied_embeddings: tied,
    dense_prefix: has('layers.experts') && layers[0]?.ffn.kind === 'dense',
    router_bias: anyTensor(/\.(gate|router)\.(bias|e_score_correction_bias)$/),
    qk_norm: has('layers.qk_norm') ? 'per_head' : 'none',
    attention_bias: anyTensor(/\.(self_attn|attention|attn|self_attention)\.\w+\.bias$/),
    attention_sinks: anyTensor(/\.(self_attn|attention|attn)\.(sinks|attn_sink)$/),
    norm_kind: normBias ? 'layernorm' : 'rmsnorm',
    norm_placement: parallel ? 'shared' : pre && post ? 'sandwich' : post ? 'post' : 'pre',
    ffn_kind: anyTensor(/\.(gate_proj|gate_up_proj|w1|w3)\b/) ? 'swiglu' : 'mlp',
    ffn_bias: anyTensor(/\.(mlp|feed_forward)\.\w+\.bias$|\.fc[12]\.bias$/),
    learned_positions: has('pos_embed'),
    parallel_attention: parallel,
    fused_projections: anyTensor(/\.(qkv_proj|query_key_value|c_attn|gate_up_proj|W_pack)\./),
    multimodal_wrapper: anyTensor(/(^|\.)language_model\./),
  });


  const sum = (us: Unit[], f: (u: Unit) => number) => us.reduce((a, u) => a + f(u), 0);
  const main = units.filter((u) => u.scope !== 'mtp');
  const params = sum(units, (u) => u.total);
  const paramsMain = sum(main, (u) => u.total);
  const active = paramsMain - sum(main.filter((u) => u.active_total !== null), (u) => u.total - u.active_total!);
  const tables = sum(main.filter((u) => u.family === 'positions' || (u.id === 'embed' && !tied)), (u) => u.total);
  const kv = kvValuesPerToken(layers.map((l) => (perLayer.get('layers.attn')?.get(l.index) ?? [])));

  const notes = [
    `Structure and counts read from the checkpoint's tensor names and shapes (${checkpoint.tensors.length} tensors in ${checkpoint.files.length} file${checkpoint.files.length > 1 ? 's' : ''}), not from the config: every count is exact; what names cannot say (position encoding, attention windows${H === null ? ', heads' : ''}, activation) is not drawn.`,
    ...(packing.label !== 'none' ? [`Packed values counted as ${packing.label} (quantization_config).`] : []),
    ...[...aside].map(([reason, n]) => `Set aside, not parameters: ${n} tensor${n > 1 ? 's' : ''} (${reason}).`),
    ...units.filter((u) => u.family === 'other').map((u) => `${u.name}: ${u.total} parameters in module "${u.id.replace(/^(layers|mtp)?\.?other\./, '')}", drawn as a plain box.`),
    ...(kv === null ? ['KV cache per token not known from the tensors (fused or unrecognised attention projections); given as 0.'] : ['KV cache per token from the stored K and V projections, at bf16, every layer caching every token (windows cannot be read from tensor names).']),
    ...(declared !== null && declared !== mainLayers ? [`The config declares ${declared} layers; the checkpoint stores ${stored}.`] : []),
  ];

  const json: ArchJson = {
    schema_version: SCHEMA_VERSION,
    model: {
      ...input.model,
      model_type: typeof field('model_type') === 'string' ? String(field('model_type')) : 'unknown',
      architectures: Array.isArray(top['architectures']) ? (top['architectures'] as unknown[]).filter((a): a is string => typeof a === 'string') : [],
      text_config_path: Object.keys(text).length > 0 ? 'text_config' : null,
      structure: 'tensor-names',
    },
    family: layers.some((l) => l.attention.kind === 'mla') ? 'mla' : H !== null && Hkv !== null && Hkv < H ? 'gqa' : 'mha',
    flags,
    dims,
    max_position_embeddings: positiveInt(field('max_position_embeddings')) ?? positiveInt(field('n_positions')),
    final_norm: has('final_norm'),
    activation: typeof field('hidden_act') === 'string' ? String(field('hidden_act')) : 'unknown',
    biases: {
      qkv: flags.attention_bias, o: anyTensor(/\.(o_proj|dense|c_proj|out_proj)\.bias$/), ffn: flags.ffn_bias,
      norm: normBias, router: flags.router_bias, experts: anyTensor(/\.experts\..*bias$/),
    },
    layers,
    mtp_layers: mtpLayers,
    units,
    non_learned: [],
    totals: { params, params_main: paramsMain, active_params: active, active_params_non_embedding: active - tables, kv_cache_bytes_per_token: (kv ?? 0) * 2, kv_cache_bytes_at_context: null },
    notes,
  };
  return archJsonSchema.parse(json);
}

/** The attention unit's name: MLA by its low-rank projections, else by the config's head counts when it has them. */
function attentionName(tensors: StoredTensor[], heads: { H: number | null; Hkv: number | null }): string {
  if (tensors.some((t) => /\.(q_a_proj|kv_a_proj_with_mqa)\./.test(t.name))) return 'Multi-head Latent Attention';
  const { H, Hkv } = heads;
  if (H === null) return 'Attention';
  return Hkv === 1 ? 'Multi-query attention' : Hkv === null || Hkv === H ? 'Multi-head attention' : 'Grouped-query attention';
}

/**
 * Experts in one layer's expert tensors: distinct `experts.E.` numbers, or the first dimension
 * that every fused tensor shares (`experts.gate_up_proj` [E, …], gpt-oss's `_blocks` [E, …]).
 */
function expertCount(tensors: StoredTensor[]): number {
  const ids = new Set(tensors.map((t) => /\.experts\.(\d+)\./.exec(t.name)?.[1]).filter((x) => x !== undefined));
  if (ids.size > 0) return ids.size;
  const first = new Set(tensors.map((t) => (t.shape.length >= 2 ? t.shape[0] : undefined)));
  return first.size === 1 && [...first][0] !== undefined ? [...first][0]! : 1;
}

/** K and V values a token leaves in the cache over all layers (k_proj + v_proj rows, or MLA's compressed kv_a_proj rows), or null when a layer's are not separable. */
function kvValuesPerToken(layers: StoredTensor[][]): number | null {
  let total = 0;
  for (const ts of layers) {
    const mla = ts.find((t) => /\.kv_a_proj_with_mqa\.(weight|qweight|weight_packed)$/.test(t.name));
    if (mla) {
      total += /qweight$/.test(mla.name) ? mla.shape[1]! : mla.shape[0]!;
      continue;
    }
    const kv = ts.filter((t) => /\.(k_proj|v_proj)\.weight$/.test(t.name) && t.shape.length === 2);
    if (kv.length !== 2) return ts.length === 0 ? total : null;
    total += kv[0]!.shape[0]! + kv[1]!.shape[0]!;
  }
  return total;
}
