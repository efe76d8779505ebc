/**
 * Entry of the `params` stage: every block of every layer as a {@link Draft}, aggregated into
 * units (one per distinct block, with the layers it repeats in) and exact totals.
 */
import type { ArchDescription, Dim, LayerSpec } from '../arch/types.js';
import {
  blockExpr,
  denseFfn,
  dimsOf,
  dsaIndexer,
  gatedDeltaNet,
  gatedShortConv,
  attentionResidual,
  ccaAttention,
  residualScaling,
  routerMlp,
  kdaAttention,
  latentProjections,
  lightningAttention,
  mamba2Mixer,
  mlstmLayer,
  mambaMixer,
  mlaAttention,
  ngramMemory,
  ngramTables,
  norm,
  perLayerInput,
  perLayerProjection,
  perLayerTable,
  qkNorm,
  routedExperts,
  router,
  sharedExperts,
  shortConv,
  softmaxAttention,
  sparseIndexer,
  type Draft,
} from './blocks.js';
import {
  dsv4Attention,
  dsv4Compressor,
  dsv4Indexer,
  dsparkHeads,
  engramDrafts,
} from './deepseek-v4-blocks.js';
import { hcKind, headHyperConnection, hyperConnection, mtpHasHyperConnections } from './hyper-connections.js';
import { add, evaluate, groupDigits, InexactCountError, mul, symbolsOf, toTexConcrete, toTexSymbolic, toText, type Expr } from './expr.js';
import { towerDraft } from './towers.js';
import { kvCacheBytesAtContext, kvCacheBytesPerToken } from './kv-cache.js';
import type { NonLearned, ParamReport, Scope, Unit } from './types.js';

/**
 * LongCat-Flash's layer (LongcatFlashDecoderLayer): input norm, MLA, post-attention norm, whose
 * output feeds both the dense MLP and the shortcut MoE; then the second sub-layer, its blocks as
 * units of their own (`attn2`, …), so each unit is one block of every layer.
 */
function shortcutLayerDrafts(arch: ArchDescription, layer: LayerSpec): Draft[] {
  const second = (draft: Draft): Draft => ({ ...draft, id: `${draft.id}2`, name: `${draft.name} (sub-layer 2)` });
  const first = [norm(arch, 'attn_norm', 'Input RMSNorm'), ...attentionDrafts(arch, layer), norm(arch, 'ffn_norm', 'Post-attention RMSNorm')];
  return [...first, router(arch, layer), routedExperts(arch), denseFfn(arch), ...first.map(second), second(denseFfn(arch))];
}

/**
 * A layer with one mixer (Nemotron-H's blocks: `norm` → Mamba-2, attention, MLP or MoE → ⊕): one
 * norm, the same unit in every layer, and the mixer's blocks.
 */
function singleMixerDrafts(arch: ArchDescription, layer: LayerSpec, mtp: boolean): Draft[] {
  const n = arch.flags.norm_kind === 'layernorm' ? 'LayerNorm' : 'RMSNorm';
  return [norm(arch, 'norm', n), ...attentionDrafts(arch, layer), ...ffnDrafts(arch, layer, mtp)];
}

/** The FFN side of a layer: a dense MLP, or a router, its experts and what goes with them. */
function ffnDrafts(arch: ArchDescription, layer: LayerSpec, mtp: boolean): Draft[] {
  if (layer.ffn.kind === 'none') return [];
  if (layer.ffn.kind === 'dense') return [denseFfn(arch, layer.ffn.double_wide === true)];
  // DeepSeek-V4.1's DSpark blocks route among experts of their own number.
  const experts = mtp && arch.dspark ? { ...arch, dims: { ...arch.dims, E: arch.dims['E_m']!, k: arch.dims['k_m']! } } : arch;
  // ZAYA1: an MLP router with a skip class.
  const route = arch.flags.router_mlp ? routerMlp(arch, layer) : router(experts, layer);
  const out = [route, routedExperts(experts), ...latentProjections(arch), ...sharedExperts(arch)];
  // Grok-2, Gemma 4: a dense MLP beside the experts, its output added to theirs.
  if (layer.ffn.residual) out.push({ ...denseFfn(arch), id: 'residual_ffn', name: 'Dense FFN beside the MoE' });
  // Gemma 4's MoE block normalises the experts' input and both outputs apart.
  if (arch.flags.gemma4_moe) {
    const d = dimsOf(arch)('d');
    out.push({ id: 'moe_norms', name: 'MoE-block norms', family: 'norm', shape_in: [d.value], shape_out: [d.value], parts: [{ name: 'pre_feedforward_layernorm_2, post_feedforward_layernorm_1, _2', expr: mul(3, d) }] });
  }
  return out;
}

/** The blocks of one decoder layer (or MTP block), bottom to top. */
function layerDrafts(arch: ArchDescription, layer: LayerSpec, mtp: boolean): Draft[] {
  if (arch.flags.shortcut_moe && !mtp) return shortcutLayerDrafts(arch, layer);
  if (layer.attention.kind === 'none' || layer.ffn.kind === 'none') return singleMixerDrafts(arch, layer, mtp);
  const { norm_placement: placement, norm_kind } = arch.flags;
  const n = norm_kind === 'layernorm' ? 'LayerNorm' : 'RMSNorm';
  const pre = placement === 'pre' || placement === 'sandwich';
  const post = placement === 'post' || placement === 'sandwich';
  const out: (Draft | null)[] = [];
  const label = (i: 1 | 2, where: 'pre' | 'post') => (placement === 'sandwich' ? `${where === 'pre' ? 'Pre' : 'Post'}-${n} ${i}` : `${n} ${i}`);
  const hc = mtp ? mtpHasHyperConnections(arch) : arch.flags.hyper_connections;
  // Qwen4-exp: the layer's n-gram memory is added to the streams before its attention mixer;
  // DeepSeek-V4.1's Engram likewise.
  if (layer.ngram_memory) out.push(...ngramMemory(arch));
  out.push(...engramDrafts(arch, layer));
  if (hc) out.push(hyperConnection(arch, 'attn'));
  // Kimi K3: each sub-layer's input is an attention-residual mix (its learned query and key norm).
  if (arch.flags.attention_residuals) out.push(attentionResidual(arch, 'attn_res', 'self_attention_res'));
  // Falcon-7B: one LayerNorm feeds attention and MLP side by side.
  if (placement === 'shared') out.push(norm(arch, 'attn_norm', n));
  if (pre) out.push(norm(arch, 'attn_norm', label(1, 'pre')));
  out.push(...attentionDrafts(arch, layer));
  if (arch.flags.short_convs) out.push(shortConv(arch, 'attn_sconv'));
  if (post) out.push(norm(arch, 'post_attn_norm', label(1, 'post')));
  if (arch.flags.residual_scaling) out.push(residualScaling(arch, 'res_scale_attn'));
  if (hc) out.push(hyperConnection(arch, 'ffn'));
  if (arch.flags.attention_residuals) out.push(attentionResidual(arch, 'mlp_res', 'mlp_res'));
  if (pre) out.push(norm(arch, 'ffn_norm', label(2, 'pre')));
  out.push(...ffnDrafts(arch, layer, mtp));
  if (arch.flags.short_convs) out.push(shortConv(arch, 'mlp_sconv'));
  if (post) out.push(norm(arch, 'post_ffn_norm', label(2, 'post')));
  if (arch.flags.residual_scaling) out.push(residualScaling(arch, 'res_scale_ffn'));
  if (arch.flags.per_layer_embeddings) out.push(perLayerInput(arch));
  return out.filter((x): x is Draft => x !== null);
}

/**
 * The attention blocks of a layer. A layer with a geometry of its own (`attention.geometry`) counts
 * with those sizes, as units of their own: `attn.swa`, "… (sliding-window layers)".
 */
function attentionDrafts(arch: ArchDescription, layer: LayerSpec): Draft[] {
  if (layer.attention.kv_source === undefined) return ownAttentionDrafts(arch, layer);
  // Gemma 4's KV-shared layers build no k_proj, v_proj or k_norm: units of their own.
  return ownAttentionDrafts(arch, layer).map((d) => {
    const parts = d.parts.filter((p) => !isKvPart(p.name));
    return parts.length === d.parts.length ? d : { ...d, id: `${d.id}.kv_shared`, name: `${d.name} (KV-shared layers)`, parts };
  });
}

/** The parts a KV-shared layer does without: its own keys and values, and the key norm. */
const isKvPart = (name: string): boolean => /^(k_proj|v_proj|k_norm)\b/.test(name);

/** What a KV-shared layer's checkpoint entry still stores (Gemma 4: k_proj, v_proj, k_norm). */
function sharedKvStored(arch: ArchDescription, layer: LayerSpec): number {
  const own = ownAttentionDrafts(arch, { ...layer, attention: { ...layer.attention, kv_source: undefined } });
  return own.flatMap((d) => d.parts).filter((p) => isKvPart(p.name)).reduce((acc, p) => acc + evaluate(p.expr), 0);
}

function ownAttentionDrafts(arch: ArchDescription, layer: LayerSpec): Draft[] {
  const key = layer.attention.geometry;
  const geometry = key === undefined ? undefined : arch.geometries?.[key];
  if (key !== undefined && !geometry) throw new Error(`internal: ${arch.model_type} has no geometry "${key}"`);
  const own = attentionBlocks(
    geometry
      ? {
          ...arch,
          dims: { ...arch.dims, ...geometry.dims },
          flags: { ...arch.flags, attention_sinks: geometry.attention_sinks ?? arch.flags.attention_sinks, ...(geometry.k_eq_v !== undefined ? { k_eq_v: geometry.k_eq_v } : {}) },
        }
      : arch,
    layer,
  );
  if (!geometry) return own;
  // A block the geometry leaves as it is (QK-norm over the same head size) stays the model's unit.
  const sig = (d: Draft) => `${toText(blockExpr(d))} = ${evaluate(blockExpr(d))}`;
  const base = new Map(attentionBlocks(arch, layer).map((d) => [d.id, sig(d)]));
  return own.map((d) => (base.get(d.id) === sig(d) ? d : { ...d, id: `${d.id}.${key}`, name: `${d.name} (${geometry.label})` }));
}

function attentionBlocks(arch: ArchDescription, layer: LayerSpec): Draft[] {
  let drafts: (Draft | null)[];
  switch (layer.attention.kind) {
    case 'softmax':
      drafts = [softmaxAttention(arch), qkNorm(arch), layer.attention.indexer ? sparseIndexer(arch) : null];
      break;
    case 'mla':
      drafts = [mlaAttention(arch), layer.attention.indexer ? dsaIndexer(arch) : null];
      break;
    case 'dsv4':
      drafts = [dsv4Attention(arch), dsv4Compressor(arch, layer), dsv4Indexer(arch, layer)];
      break;
    case 'gated_deltanet':
      drafts = [gatedDeltaNet(arch)];
      break;
    case 'short_conv':
      drafts = [gatedShortConv(arch)];
      break;
    case 'mamba':
      drafts = [mambaMixer(arch)];
      break;
    case 'mamba2':
      drafts = [mamba2Mixer(arch)];
      break;
    case 'lightning':
      drafts = [lightningAttention(arch)];
      break;
    case 'kda':
      drafts = [kdaAttention(arch)];
      break;
    case 'mlstm':
      drafts = [mlstmLayer(arch)];
      break;
    case 'cca':
      drafts = [ccaAttention(arch)];
      break;
    case 'none':
      drafts = [];
      break;
  }
  return drafts.filter((x): x is Draft => x !== null);
}

/**
 * Layer units in the order a layer has them, not in the order layers first show them: a block
 * only some layers have (MiniMax-M3's indexer, first in layer 3) sits beside its neighbours
 * (after attention), not after the FFN of layer 0. Each layer kind's list is an order constraint;
 * ties go to first appearance. Model units keep their places.
 */
function inLayerOrder(units: Unit[], sequences: string[][]): Unit[] {
  const index = new Map(units.map((u, i) => [u.id, i]));
  const after = new Map<string, Set<string>>();
  const indegree = new Map<string, number>();
  for (const seq of sequences) {
    for (let i = 1; i < seq.length; i++) {
      const [a, b] = [seq[i - 1]!, seq[i]!];
      if (!index.has(a) || !index.has(b) || a === b) continue;
      const set = after.get(a) ?? new Set<string>();
      if (!set.has(b)) {
        set.add(b);
        after.set(a, set);
        indegree.set(b, (indegree.get(b) ?? 0) + 1);
      }
    }
  }
  const ordered: Unit[] = [];
  for (const scope of ['layers', 'mtp'] as const) {
    const members = units.filter((u) => u.scope === scope);
    const ready = members.filter((u) => !indegree.get(u.id));
    const done = new Set<string>();
    while (ready.length) {
      ready.sort((a, b) => index.get(a.id)! - index.get(b.id)!);
      const u = ready.shift()!;
      done.add(u.id);
      ordered.push(u);
      for (const next of after.get(u.id) ?? []) {
        indegree.set(next, indegree.get(next)! - 1);
        if (indegree.get(next) === 0) ready.push(units[index.get(next)!]!);
      }
    }
    // A cycle (two layer kinds that disagree) keeps the rest in first-appearance order.
    ordered.push(...members.filter((u) => !done.has(u.id)));
  }
  // Put them back into the slots their scope had.
  const queue = { layers: ordered.filter((u) => u.scope === 'layers'), mtp: ordered.filter((u) => u.scope === 'mtp') };
  return units.map((u) => (u.scope === 'layers' || u.scope === 'mtp' ? queue[u.scope].shift()! : u));
}

/** Units of a per-layer geometry (`layers.attn.heads_64`) right after the model's own (`layers.attn`). */
function besideTheirBase(units: Unit[], geometries: string[]): Unit[] {
  if (geometries.length === 0) return units;
  const baseOf = (u: Unit) => {
    const g = geometries.find((k) => u.id.endsWith(`.${k}`));
    return g === undefined ? null : u.id.slice(0, -g.length - 1);
  };
  const out = units.filter((u) => baseOf(u) === null || !units.some((b) => b.id === baseOf(u)));
  for (const u of units) {
    const base = baseOf(u);
    if (base === null || !out.some((b) => b.id === base)) continue;
    // after the base and any variant already placed beside it
    let at = out.findIndex((b) => b.id === base) + 1;
    while (at < out.length && baseOf(out[at]!) === base) at++;
    out.splice(at, 0, u);
  }
  return out;
}

/** Blocks outside the layers: embeddings, final norm, head. */
function modelDrafts(arch: ArchDescription): { bottom: Draft[]; top: Draft[] } {
  const dim = dimsOf(arch);
  const [d, V] = [dim('d'), dim('V')];
  const bottom: Draft[] = [];
  const top: Draft[] = [];
  const dEmb = arch.dims['d_emb'];
  const width = dEmb ?? d;
  bottom.push({ id: 'embed', name: 'Token embedding', family: 'embedding', shape_in: [V.value], shape_out: [width.value], parts: [{ name: 'embed_tokens', expr: mul(V, width) }] });
  if (arch.flags.per_layer_embeddings) bottom.push(perLayerTable(arch), perLayerProjection(arch));
  if (arch.flags.ngram_embeddings) bottom.push(...ngramTables(arch));
  if (arch.flags.embed_norm) bottom.push(norm(arch, 'embed_norm', 'Embedding RMSNorm'));
  // ZAYA1: the embedding is scaled and shifted before the first layer.
  if (arch.flags.residual_scaling) bottom.push({ id: 'embed_scale', name: 'Embedding scale and bias', family: 'embedding', shape_in: [d.value], shape_out: [d.value], parts: [{ name: 'input_hidden_states_scale, input_hidden_states_bias', expr: mul(2, d) }] });
  if (arch.flags.learned_positions) {
    const P = dim('P');
    const rows = arch.position_offset ? add(P, arch.position_offset) : mul(P);
    bottom.push({ id: 'pos_embed', name: 'Learned positions', family: 'positions', shape_in: [P.value + arch.position_offset], shape_out: [d.value], parts: [{ name: 'embed_positions', expr: mul(rows, d) }] });
  }
  if (dEmb) {
    // OPT-350m: project_in / project_out between the narrower word embedding and the model width.
    bottom.push({ id: 'project_in', name: 'Embedding projection', family: 'embedding', shape_in: [dEmb.value], shape_out: [d.value], parts: [{ name: 'project_in', expr: mul(dEmb, d) }] });
    top.push({ id: 'project_out', name: 'Output projection', family: 'head', shape_in: [d.value], shape_out: [dEmb.value], parts: [{ name: 'project_out', expr: mul(d, dEmb) }] });
  }
  if (arch.flags.hyper_connections && arch.hc_head !== false) {
    top.push({ id: 'hc_head', name: `${hcKind(arch.flags)} head mixer`, family: 'hyper_connection', shape_in: [dim('hc').value * d.value], shape_out: [d.value], parts: headHyperConnection(arch) });
  }
  // Kimi K3: the final norm reads an attention-residual mix over every block sum.
  if (arch.flags.attention_residuals) top.push(attentionResidual(arch, 'output_attn_res', 'output_attn_res'));
  if (arch.final_norm) top.push(norm(arch, 'final_norm', `Final ${arch.flags.norm_kind === 'layernorm' ? 'LayerNorm' : 'RMSNorm'}`));
  // Ouro: early_exit_gate, Linear(d, 1) with its bias, read after the final norm.
  if (arch.flags.early_exit_gate) {
    top.push({ id: 'exit_gate', name: 'Early-exit gate', family: 'head', shape_in: [d.value], shape_out: [1], parts: [{ name: 'early_exit_gate (weight, bias)', expr: add(d, 1) }] });
  }
  if (!arch.flags.tied_embeddings) {
    top.push({ id: 'head', name: 'Linear output layer', family: 'head', shape_in: [width.value], shape_out: [V.value], parts: [{ name: 'lm_head', expr: mul(V, width) }] });
  }
  return { bottom, top };
}

/** What an MTP module adds to its decoder block; embedding and head are shared with the model.
 * DeepSeek-V4.1's DSpark blocks add nothing each: its heads are stored once (dsparkHeads). */
function mtpExtras(arch: ArchDescription): Draft | null {
  if (arch.dspark) return null;
  const d = dimsOf(arch)('d');
  const parts =
    arch.family === 'dsv4'
      ? [
          { name: 'e_proj', expr: mul(d, d) },
          { name: 'h_proj', expr: mul(d, d) },
          { name: 'enorm, hnorm, norm', expr: mul(3, d) },
          ...headHyperConnection(arch),
        ]
      : arch.flags.hc_variant === 'gated_residual'
        ? [
            // Qwen4-exp: fc_embedding, fc_hidden [d, d] each, pre_fc_norm_embedding [d] and
            // pre_fc_norm_hidden over the streams [n_hc·d], its own head mixer (the read half).
            { name: 'fc_embedding, fc_hidden', expr: mul(2, d, d) },
            { name: 'pre_fc_norm_embedding', expr: mul(d) },
            { name: 'pre_fc_norm_hidden', expr: mul(dimsOf(arch)('hc'), d) },
            ...headHyperConnection(arch),
          ]
      : arch.mtp_head_norm === false
        ? [
            // Inkling: input_proj [d, 2d], hidden_norm and embed_norm; no norm before the head.
            { name: 'input_proj', expr: mul(2, d, d) },
            { name: arch.mtp_norm_names ?? 'hidden_norm, embed_norm', expr: mul(2, d) },
          ]
        : [
            // eh_proj maps [embedding; hidden] (2d) to d.
            { name: 'eh_proj', expr: mul(2, d, d) },
            // Nemotron-H names its three: enorm, hnorm, final_layernorm.
            ...(arch.mtp_norm_names ? [{ name: arch.mtp_norm_names, expr: mul(3, d) }] : [{ name: 'enorm, hnorm', expr: mul(2, d) }, { name: 'shared_head.norm', expr: mul(d) }]),
          ];
  return { id: 'proj', name: 'MTP input projection and norms', family: 'mtp', shape_in: [2 * d.value], shape_out: [d.value], parts };
}

interface Placed {
  scope: Scope;
  layer: number | null;
  draft: Draft;
}

function aggregate(placed: Placed[]): Unit[] {
  const units = new Map<string, Unit>();
  // Layers alike share their drafts (see countParams): render each draft's formula once.
  const formulas = new Map<Draft, { expr: Expr; text: string; count: number }>();
  for (const { scope, layer, draft } of placed) {
    const key = scope === 'model' ? draft.id : `${scope}.${draft.id}`;
    let formula = formulas.get(draft);
    if (!formula) {
      const expr = blockExpr(draft);
      formula = { expr, text: toText(expr), count: evaluate(expr) };
      formulas.set(draft, formula);
    }
    const { expr, text, count } = formula;
    const seen = units.get(key);
    if (seen) {
      if (seen.formula_text !== text) throw new Error(`internal: unit ${key} has two formulas (${seen.formula_text} / ${text})`);
      // The same formula over other sizes (a per-layer geometry that kept its id) is a bug too.
      if (seen.param_count !== count) throw new Error(`internal: unit ${key} has two counts (${seen.param_count} / ${count})`);
      seen.repeat += 1;
      if (layer !== null) seen.layers.push(layer);
      seen.total = seen.param_count * seen.repeat;
      if (seen.active_param_count !== null) seen.active_total = seen.active_param_count * seen.repeat;
      continue;
    }
    const active = draft.active ? evaluate(draft.active) : null;
    units.set(key, {
      id: key,
      name: draft.name,
      family: draft.family,
      scope,
      shape_in: draft.shape_in,
      shape_out: draft.shape_out,
      formula_symbolic: toTexSymbolic(expr),
      formula_concrete: toTexConcrete(expr),
      formula_text: text,
      param_count: count,
      repeat: 1,
      layers: layer === null ? [] : [layer],
      total: count,
      active_param_count: active,
      active_total: active,
      active_formula_symbolic: draft.active ? toTexSymbolic(draft.active) : null,
      symbols: symbolsOf(expr).map((s) => ({ tex: s.tex, value: s.value, field: s.field })),
      parts: draft.parts.map((p) => ({
        name: p.name,
        formula_symbolic: toTexSymbolic(p.expr),
        formula_concrete: toTexConcrete(p.expr),
        param_count: evaluate(p.expr),
      })),
    });
  }
  return [...units.values()];
}

function nonLearned(arch: ArchDescription): NonLearned[] {
  // ZAYA1's balancing_biases: stored in every layer, kept by load balancing, not counted.
  const layers = arch.layers.map((l) => l.index);
  const buffers = (arch.checkpoint.unlearned_buffers ?? []).map((b): NonLearned => ({ id: `layers.${b.id}`, name: b.name, shape: [b.count], count: b.count, repeat: layers.length, layers, total: b.count * layers.length }));
  const hashLayers = arch.layers.filter((l) => l.ffn.routing === 'hash').map((l) => l.index);
  if (hashLayers.length === 0) return buffers;
  const dim = dimsOf(arch);
  const [V, k] = [dim('V'), dim('k')];
  return [
    {
      id: 'tid2eid',
      name: 'Token-id → expert table (hash routing)',
      shape: [V.value, k.value],
      count: V.value * k.value,
      repeat: hashLayers.length,
      layers: hashLayers,
      total: V.value * k.value * hashLayers.length,
    },
    ...buffers,
  ];
}

/** What the checkpoint stores beyond the parameters: per-layer buffers (Gemma 4's `layer_scalar`)
 * and the embedding and head copies each MTP module stores again (`layers.<n>.embed_tokens`,
 * `layers.<n>.shared_head.head`). */
function storedCopies(arch: ArchDescription): NonLearned[] {
  const { embed, head } = arch.checkpoint.mtp_copies;
  // Copies of MTP modules the config does not declare are stored too (LongCat-Flash-Lite's embed_tokens).
  const mtp = [...arch.mtp_layers, ...(arch.checkpoint.undeclared_mtp ?? [])].map((l) => l.index);
  const layers = arch.layers.map((l) => l.index);
  // Gemma 4's layer_scalar: one stored number a layer.
  const buffers = (arch.checkpoint.layer_buffers ?? []).map((b): NonLearned => {
    const where = b.layers ?? layers;
    return { id: `layers.${b.id}`, name: b.name, shape: [b.count], count: b.count, repeat: where.length, layers: where, total: b.count * where.length };
  });
  if (arch.checkpoint.stores_shared_kv) buffers.push(...sharedKvEntries(arch));
  if (mtp.length === 0) return buffers;
  const dim = dimsOf(arch);
  const [V, d] = [dim('V'), arch.dims['d_emb'] ?? dim('d')];
  const copy = (id: string, name: string): NonLearned => ({ id, name, shape: [V.value, d.value], count: V.value * d.value, repeat: mtp.length, layers: mtp, total: V.value * d.value * mtp.length });
  return [...buffers, ...(embed ? [copy('mtp.embed_tokens', 'Token embedding (copy stored with each MTP module)')] : []), ...(head ? [copy('mtp.shared_head.head', 'Output head (copy stored with each MTP module)')] : [])];
}

/** Gemma 4 E2B/E4B: the k_proj, v_proj and k_norm the checkpoint stores for its KV-shared layers,
 * one entry per geometry (sliding, global). */
function sharedKvEntries(arch: ArchDescription): NonLearned[] {
  const byGeometry = new Map<string, { count: number; layers: number[] }>();
  for (const l of arch.layers) {
    if (l.attention.kv_source === undefined) continue;
    const key = l.attention.geometry ?? '';
    const entry = byGeometry.get(key) ?? { count: sharedKvStored(arch, l), layers: [] };
    entry.layers.push(l.index);
    byGeometry.set(key, entry);
  }
  return [...byGeometry].map(([key, { count, layers }]) => ({
    id: key ? `layers.shared_kv.${key}` : 'layers.shared_kv',
    name: `k_proj, v_proj, k_norm of the KV-shared ${key ? `${arch.geometries?.[key]?.label ?? key}` : 'layers'} (stored, not used)`,
    shape: [count],
    count,
    repeat: layers.length,
    layers,
    total: count * layers.length,
  }));
}

/**
 * Whether a unit is a table the input is looked up in, not multiplied by: the token embedding and
 * learned positions. A tied embedding is also the output head, multiplied on every token: it is
 * not an input table then. (OPT's `project_in` is a matmul, not a table.)
 */
function isInputTable(u: Unit, tied: boolean): boolean {
  // Qwen4-exp's n-gram table and DeepSeek-V4.1's Engram tables are looked up inside their layers.
  if (u.id === 'layers.ngram_table' || u.id.startsWith('layers.engram_table.')) return true;
  if (u.scope !== 'model') return false;
  // Gemma 4's per-layer and LongCat's n-gram tables are looked up like the token embedding.
  return u.family === 'positions' || u.id === 'ple_embed' || u.id === 'ngram_embed' || (u.id === 'embed' && !tied);
}

/** More parameters than any model could have (a hundred trillion): a size is a typo. */
export const MAX_PARAMS = 1e14;

/** A count no real config gives; `field` names the config field that contributes most. */
export class ImplausibleCountError extends RangeError {
  constructor(
    message: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

/** The field of the largest size stated by the config (derived sizes name no single field). */
function largestField(dims: readonly Dim[]): string | null {
  const stated = dims.filter((s) => !s.derived);
  if (stated.length > 0) return stated.reduce((a, b) => (b.value > a.value ? b : a)).field;
  // Only derived sizes (LongCat's n-gram rows, Qwen4-exp's table from primes): the config field
  // the largest is derived from, the first one its description names.
  const derived = dims.length ? dims.reduce((a, b) => (b.value > a.value ? b : a)) : null;
  return derived ? (/^[A-Za-z_][\w.]*/.exec(derived.field)?.[0] ?? null) : null;
}

/** Counts every parameter of a described architecture. Throws an {@link ImplausibleCountError}
 * when a count leaves the exact integers or the total exceeds {@link MAX_PARAMS}. */
export function countParams(arch: ArchDescription): ParamReport {
  try {
    return countChecked(arch);
  } catch (error) {
    if (error instanceof InexactCountError) throw new ImplausibleCountError(error.message, largestField(symbolsOf(error.expr)));
    throw error;
  }
}

function countChecked(arch: ArchDescription): ParamReport {
  const { bottom, top } = modelDrafts(arch);
  // Layers of the same kind have the same blocks: build them once per kind, not once per layer.
  // Each kind's list of unit ids is also an order constraint for the table (inLayerOrder).
  const kinds = new Map<string, Draft[]>();
  const sequences: string[][] = [];
  const drafts = (l: LayerSpec, mtp: boolean): Draft[] => {
    const kind = JSON.stringify([mtp, l.attention, l.ffn, l.ngram_memory ?? false, l.engram ?? null]);
    let found = kinds.get(kind);
    if (!found) {
      const extras = mtp ? mtpExtras(arch) : null;
      found = mtp ? [...layerDrafts(arch, l, true), ...(extras ? [extras] : [])] : layerDrafts(arch, l, false);
      kinds.set(kind, found);
      sequences.push([...new Set(found.map((d) => `${mtp ? 'mtp' : 'layers'}.${d.id}`))]);
    }
    return found;
  };
  const placed: Placed[] = [
    ...bottom.map((draft) => ({ scope: 'model' as const, layer: null, draft })),
    ...arch.layers.flatMap((l) => drafts(l, false).map((draft) => ({ scope: 'layers' as const, layer: l.index, draft }))),
    ...top.map((draft) => ({ scope: 'model' as const, layer: null, draft })),
    ...arch.mtp_layers.flatMap((l) => drafts(l, true).map((draft) => ({ scope: 'mtp' as const, layer: l.index, draft }))),
    ...(arch.dspark ? dsparkHeads(arch).map((draft) => ({ scope: 'mtp' as const, layer: null, draft })) : []),
  ];
  const units = besideTheirBase(inLayerOrder(aggregate(placed), sequences), Object.keys(arch.geometries ?? {}));
  const main = units.filter((u) => u.scope !== 'mtp');
  const sum = (us: Unit[], f: (u: Unit) => number) => us.reduce((acc, u) => acc + f(u), 0);
  const paramsMain = sum(main, (u) => u.total);
  const params = paramsMain + sum(units.filter((u) => u.scope === 'mtp'), (u) => u.total);
  const activeParams = sum(main, (u) => u.active_total ?? u.total);
  const activeNonEmbedding = activeParams - sum(main.filter((u) => isInputTable(u, arch.flags.tied_embeddings)), (u) => u.total);
  if (!(params <= MAX_PARAMS)) {
    const biggest = units.reduce((a, b) => (b.total > a.total ? b : a));
    throw new ImplausibleCountError(
      `${groupDigits(params)} parameters, more than the limit of 10^14 (the largest block, ${biggest.name}, has ${groupDigits(biggest.total)})`,
      largestField(Object.values(arch.dims).filter((d) => biggest.symbols.some((s) => s.tex === d.tex && s.field === d.field))),
    );
  }
  // Active parameters are a subset of the parameters; config causes (top-k above the number of
  // experts) are refused in the arch stage, so a violation here is a bug.
  const overActive = units.find((u) => u.active_param_count !== null && u.active_param_count > u.param_count);
  if (overActive || activeParams > paramsMain) {
    throw new Error(`internal: active parameters exceed the total (${overActive ? `unit ${overActive.id}` : `${activeParams} > ${paramsMain}`})`);
  }
  const nonLearnedTensors = nonLearned(arch);
  for (const t of nonLearnedTensors) {
    if (!(t.total <= MAX_PARAMS)) throw new ImplausibleCountError(`${groupDigits(t.total)} entries of ${t.name}, more than the limit of 10^14`, largestField([arch.dims['V']!, arch.dims['k']!]));
  }
  const copies = storedCopies(arch);
  const towers = aggregate(arch.towers.map((t) => ({ scope: 'tower' as const, layer: null, draft: towerDraft(t) })));
  const storedMtp = aggregate((arch.checkpoint.undeclared_mtp ?? []).flatMap((l) => drafts(l, true).map((draft) => ({ scope: 'mtp' as const, layer: l.index, draft }))));
  const checkpointParams = arch.checkpoint.unknown === null ? copies.reduce((acc, c) => acc + c.total, params) + sum(towers, (u) => u.total) + sum(storedMtp, (u) => u.total) : null;
  // Towers and stored extras are sizes of the config too: the same bound as the model's.
  if (checkpointParams !== null && !(checkpointParams <= MAX_PARAMS)) {
    const extras = [...towers, ...storedMtp];
    const biggest = extras.length ? extras.reduce((a, b) => (b.total > a.total ? b : a)) : null;
    throw new ImplausibleCountError(`${groupDigits(checkpointParams)} parameters in the checkpoint, more than the limit of 10^14`, biggest ? largestField(biggest.symbols) : null);
  }
  return {
    units,
    non_learned: nonLearnedTensors,
    stored_copies: copies,
    towers,
    stored_mtp: storedMtp,
    totals: {
      params,
      params_main: paramsMain,
      active_params: activeParams,
      active_params_non_embedding: activeNonEmbedding,
      kv_cache_bytes_per_token: kvCacheBytesPerToken(arch),
      kv_cache_bytes_at_context: arch.max_position_embeddings === null ? null : kvCacheBytesAtContext(arch, arch.max_position_embeddings),
      checkpoint_params: checkpointParams,
    },
  };
}
