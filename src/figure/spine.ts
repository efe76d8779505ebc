/**
 * The main stack of the figure as rows, bottom to top: input text, tokens, embedding, the repeated
 * block drawn once (norms, attention, ⊕ or hyper-connection mixers, FFN / MoE), final norm, output
 * layer. A row says what it holds and which counted units each of its boxes stands for; `layout.ts`
 * gives it a place.
 */
import type { ArchJson } from '../schema/arch-json.js';
import type { Role } from './scene.js';
import { plain, wrap, type Run } from './text.js';
import { label } from './draw.js';
import { SIZE } from './style.js';
import { hcKind } from '../params/hyper-connections.js';
import { dim } from './dims.js';
import { groupDigits } from './format.js';
import { dsv4AttentionLabel } from './insets/dsv4.js';
import { isStateMixer } from '../arch/mixers.js';

/** A box of the main stack. */
export interface SpineBox {
  id: string;
  lines: Run[][];
  fill: Role;
  textColor: Role;
  /** Ids of the units it stands for (a trailing `*` matches a prefix): its count line sums them. */
  units: string[];
  dashed?: boolean;
  /** Where an inset's leader meets the box, when not at its centre: inset id → the line it is
   * level with (0 the top line; x.5 between two lines). Nemotron-H's mixer box: each mixer's inset
   * at its own name and count. */
  anchors?: Record<string, number>;
}

export interface SpineRow {
  id: string;
  center: { kind: 'boxes'; boxes: SpineBox[] } | { kind: 'plus' } | { kind: 'input'; text: string };
  /** Inside the repeated block / inside the model container. */
  inBlock: boolean;
  inContainer: boolean;
  /** The residual of the sub-layer ends here (a ⊕, or an mHC post-mixer that takes the streams). */
  residualSink?: boolean;
  /** The flow from the row below into this one carries this many streams (mHC), drawn as a bundle. */
  streamsIn?: number;
  /** The sub-layer's residual starts above this row, not below it: the residual is the output of
   * this norm (MiniMax-Text-01 `postnorm`). */
  residualSource?: boolean;
}

/** Layers whose attention side is not attention (no positions, no KV cache): a state mixer, or
 * `none`, a layer whose one mixer is its FFN (Nemotron-H). */
const notAttention = (kind: ArchJson['layers'][number]['attention']['kind']): boolean => kind === 'none' || isStateMixer(kind);

/** Whether each layer has one mixer, not attention and FFN (Nemotron-H's blocks). */
export function singleMixer(arch: ArchJson): boolean {
  return arch.layers.some((l) => l.attention.kind === 'none' || l.ffn.kind === 'none');
}

/** One kind of mixer of a single-mixer model: its name, its layers and the units it counts. */
export interface MixerKind {
  key: 'mamba2' | 'attention' | 'mlp' | 'moe';
  name: string;
  layers: number;
  units: string[];
}

/** The mixer of a single-mixer layer. */
export function mixerKey(l: ArchJson['layers'][number]): MixerKind['key'] {
  if (l.attention.kind === 'mamba2') return 'mamba2';
  if (l.attention.kind !== 'none') return 'attention';
  return l.ffn.kind === 'moe' ? 'moe' : 'mlp';
}

/** The mixers of a single-mixer model, in the order Mamba-2, attention, MLP, MoE. */
export function mixerKinds(arch: ArchJson): MixerKind[] {
  const all: Omit<MixerKind, 'layers'>[] = [
    { key: 'mamba2', name: 'Mamba-2', units: ['layers.mamba2'] },
    { key: 'attention', name: `${headsVariant(arch)} attention`, units: ['layers.attn', 'layers.attn.*', 'layers.qk_norm'] },
    { key: 'mlp', name: 'MLP', units: ['layers.ffn'] },
    { key: 'moe', name: arch.dims['d_lat'] ? 'Latent MoE' : 'MoE', units: ['layers.router*', 'layers.experts', 'layers.latent_proj', 'layers.shared_experts', 'layers.shared_expert_gate'] },
  ];
  return all.map((k) => ({ ...k, layers: arch.layers.filter((l) => mixerKey(l) === k.key).length })).filter((k) => k.layers > 0);
}

/** Attention modifiers drawn left of the attention box, each with an arrow into it. */
export interface Modifier {
  id: string;
  lines: Run[][];
}

const MOD_W = 100;


const normName = (arch: ArchJson, suffix: string): string => `${arch.flags.norm_kind === 'layernorm' ? 'LayerNorm' : 'RMSNorm'}${suffix}`;

/** Softmax attention named by its heads: one KV head, one per query head, or groups. */
function headsVariant(arch: ArchJson): 'Multi-query' | 'Multi-head' | 'Grouped-query' {
  const H = dim(arch, 'H');
  const Hkv = dim(arch, 'H_kv');
  return Hkv === 1 ? 'Multi-query' : Hkv === H || Hkv === null ? 'Multi-head' : 'Grouped-query';
}

/** The label of the attention box, with the variant's key word in the accent colour. */
export function attentionLabel(arch: ArchJson): Run[][] {
  const kinds = new Set(arch.layers.map((l) => l.attention.kind));
  const key = (t: string): Run => ({ text: t, face: 'bold', color: 'attentionAccent' });
  if (arch.family === 'dsv4') return dsv4AttentionLabel(arch);
  if (kinds.has('gated_deltanet')) return [[key('Gated DeltaNet'), plain(' or')], [key('gated'), plain(' attention')]];
  // ZAYA1: compressed convolutional attention.
  if (kinds.has('cca')) return [[key('Compressed'), plain(' convolutional')], [plain('attention (CCA)')]];
  // Solar-Open2: Kimi Delta Attention or (gated) grouped-query attention.
  if (kinds.has('kda')) {
    // Kimi K3: KDA or gated MLA (without positions).
    const other = arch.family === 'mla' ? [plain('or '), key(arch.flags.output_gate ? 'gated' : 'latent'), plain(arch.flags.output_gate ? ' latent attention' : ' attention')] : [plain('or '), key(arch.flags.output_gate ? 'gated' : headsVariant(arch).toLowerCase()), plain(' attention')];
    return [[key('Kimi Delta'), plain(' attention')], other];
  }
  // LFM2: gated short convolutions or grouped-query attention; Jamba: Mamba mixers or attention
  // (by its heads), or Mamba alone when no layer is attention.
  // MiniMax-Text-01: lightning (linear) attention or softmax attention.
  // xLSTM: the mLSTM layer alone.
  const mixer = kinds.has('short_conv') ? 'Short conv' : kinds.has('mamba') ? 'Mamba' : kinds.has('lightning') ? 'Lightning' : kinds.has('mlstm') ? 'mLSTM' : null;
  if (mixer) {
    const second = new Map([['Mamba', 'mixer'], ['Lightning', 'attention'], ['mLSTM', 'matrix memory']]).get(mixer) ?? 'layer';
    // Ling 2.5: lightning attention or MLA.
    if (kinds.has('mla')) return [[key(mixer), plain(' or')], [key('latent'), plain(' attention (MLA)')]];
    if (!kinds.has('softmax')) return [[key(mixer)], [plain(second)]];
    return [[key(mixer), plain(' or')], [key(headsVariant(arch).toLowerCase()), plain(' attention')]];
  }
  // Hy4's gated_mla: the heads' output is gated elementwise.
  // Motif's GDLA: signal heads minus weighted noise heads, over a latent KV.
  if (arch.family === 'mla' && arch.flags.differential_heads) return [[key('Differential'), plain(' latent')], [plain('attention (GDLA)')]];
  if (arch.family === 'mla') return [[plain('Multi-head '), key('Latent')], [plain(arch.flags.output_gate ? 'Attention, gated' : 'Attention')]];
  // Read from tensor names without the config's head counts: the kind of attention is not known.
  if (arch.model.structure === 'tensor-names' && (dim(arch, 'H') === null || dim(arch, 'H_kv') === null)) return [[key('Attention')]];
  const variant = headsVariant(arch);
  const windows = arch.layers.filter((l) => l.attention.window !== null).length;
  const chunks = arch.layers.filter((l) => l.attention.chunk !== null).length;
  const extra = windows > 0 && windows < arch.layers.length ? '(plus sliding window)' : windows > 0 ? '(sliding window)' : chunks > 0 ? '(plus chunked)' : null;
  const lines: Run[][] = [[key(variant)], [plain(arch.flags.output_gate ? 'gated attention' : 'attention')]];
  if (extra) lines.splice(1, 0, [plain(extra)]);
  return lines;
}

/** The modifiers of attention that are not drawn inside an inset: positions, norms, windows, caps. */
export function attentionModifiers(arch: ArchJson): Modifier[] {
  const items: Modifier[] = [];
  const L = arch.layers.length;
  const f = arch.flags;
  const hybrid = arch.layers.some((l) => notAttention(l.attention.kind));
  const softmaxLayers = arch.layers.filter((l) => !notAttention(l.attention.kind)).length;
  const rope = arch.layers.filter((l) => l.attention.rope).length;
  const mod = (id: string, text: string) => items.push({ id, lines: wrap(text, 'sans', SIZE.small, MOD_W - 14) });
  // The last modifier's count line, per layer × layers.
  const withCount = (u: ArchJson['units'][number]) =>
    items[items.length - 1]!.lines.push([{ text: u.repeat > 1 ? `${groupDigits(u.param_count)} × ${u.repeat}` : groupDigits(u.param_count), face: 'sans' }]);
  if (f.alibi) mod('alibi', 'ALiBi position biases');
  else if (!f.learned_positions && rope > 0) {
    let text = f.partial_rotary >= 1 ? 'RoPE' : 'Partial RoPE';
    // Ling 2.5's lightning layers rotate too: then no "only".
    if (hybrid && rope < L) text += ` (only in the ${rope === softmaxLayers ? `${softmaxLayers} attention` : rope} layers)`;
    else if (rope < L) text += ` (NoPE in ${L - rope} of ${L} layers)`;
    mod('rope', text);
  }
  // ZAYA1's CCA normalises q and k inside its inset (with a learned key scale).
  const cca = arch.layers.some((l) => l.attention.kind === 'cca');
  if (f.qk_norm !== 'none' && !hybrid && !cca) {
    mod('qk_norm', { per_head: 'QK-Norm', full: 'QK-Norm (full width)', l2: 'QK L2-Norm (no weights)', unscaled: 'QK-Norm (no weights)' }[f.qk_norm]);
    // Its weights are counted here, not in the attention box (the table has the same two rows).
    const u = arch.units.find((x) => x.id === 'layers.qk_norm');
    if (u) withCount(u);
  }
  if (f.attn_softcap !== null) mod('softcap', `Logit soft-capping at ${f.attn_softcap}`);
  // MLA + DSA (GLM-5.2), MiniMax-M3's block-sparse attention: an indexer picks what attention
  // reads; its own box, with its count, because only some layers have one.
  const indexer = arch.family !== 'dsv4' ? arch.units.find((u) => u.id === 'layers.indexer') : undefined;
  if (indexer) {
    const own = arch.layers.filter((l) => l.attention.indexer).length;
    const what = arch.family === 'mla' ? 'Lightning indexer (DSA)' : f.qsa_indexer ? 'QSA indexer' : 'Block-sparse indexer';
    mod('indexer', own < L ? `${what} in ${own} of ${L} layers` : what);
    withCount(indexer);
  }
  return items;
}

/** The rows of the figure, bottom to top. */
export function spineRows(arch: ArchJson): SpineRow[] {
  const rows: SpineRow[] = [];
  const f = arch.flags;
  const add = (row: Omit<SpineRow, 'inBlock' | 'inContainer'> & Partial<SpineRow>) => rows.push({ inBlock: false, inContainer: true, ...row });
  const box = (id: string, lines: Run[][], fill: Role, units: string[], textColor: Role = 'ink'): SpineRow['center'] => ({ kind: 'boxes', boxes: [{ id, lines, fill, textColor, units }] });
  const blockRow = (row: Omit<SpineRow, 'inBlock' | 'inContainer'> & Partial<SpineRow>) => add({ ...row, inBlock: true });
  const hc = f.hyper_connections ? dim(arch, 'hc') ?? 1 : 0;
  const hcName = hcKind(f);

  add({ id: 'input', center: { kind: 'input', text: 'Sample input text' }, inContainer: false });
  add({ id: 'tokens', center: box('tokens', label('Tokenized text'), 'box', []), inContainer: false });
  if (f.ngram_embeddings) {
    // LongCat-Flash-Lite: the projected n-gram tables are added to the token embedding.
    add({ id: 'embed', center: { kind: 'boxes', boxes: [
      { id: 'embed', lines: [[plain('Token')], [plain('embedding')]], fill: 'embed', textColor: 'ink', units: ['embed'] },
      { id: 'ngram', lines: [[plain('N-gram')], [plain('embeddings')]], fill: 'embed', textColor: 'ink', units: ['ngram_embed', 'ngram_proj'] },
    ] } });
    add({ id: 'embed_plus', center: { kind: 'plus' } });
  } else if (f.learned_positions) {
    // GPT-2 / OPT: token and position embeddings are looked up side by side and added.
    add({ id: 'embed', center: { kind: 'boxes', boxes: [
      { id: 'embed', lines: [[plain('Token')], [plain('embedding')]], fill: 'embed', textColor: 'ink', units: ['embed', 'project_in'] },
      { id: 'positions', lines: [[plain('Learned')], [plain('positions')]], fill: 'embed', textColor: 'ink', units: ['pos_embed'] },
    ] } });
    add({ id: 'embed_plus', center: { kind: 'plus' } });
  } else {
    add({ id: 'embed', center: box('embed', label('Token embedding layer'), 'embed', ['embed', 'project_in']) });
  }
  // Inkling: an RMSNorm right after the embedding.
  if (f.embed_norm) add({ id: 'embed_norm', center: box('embed_norm', label(normName(arch, '')), 'norm', ['embed_norm']) });

  const placement = f.norm_placement;
  // `layers.ffn.double_wide`: Gemma 4's wider MLPs on its KV-shared layers.
  const ffnUnits = f.moe ? ['layers.router*', 'layers.experts', 'layers.shared_experts', 'layers.shared_expert_gate', 'layers.residual_ffn'] : ['layers.ffn', 'layers.ffn.*'];
  const ffnLabel = f.moe ? 'MoE' : 'Feed forward';
  // QK-norm is a modifier box of its own with its count, except in hybrids (inside the inset there).
  const hybrid = arch.layers.some((l) => notAttention(l.attention.kind));
  // MLA's DSA indexer has a modifier box of its own (attentionModifiers); DeepSeek-V4's is in the box.
  // `layers.attn.<geometry>`: the layers whose attention has sizes of its own (MiMo-V2, Laguna).
  const attnUnits = ['layers.attn', 'layers.attn.*', 'layers.linear_attn', 'layers.conv', 'layers.mamba', 'layers.lightning_attn', 'layers.kda', 'layers.mlstm', ...(hybrid ? ['layers.qk_norm', 'layers.qk_norm.*'] : []), 'layers.compressor*', ...(arch.family === 'dsv4' ? ['layers.indexer*'] : [])];
  const attnBox: SpineBox = { id: 'attn', lines: attentionLabel(arch), fill: 'attention', textColor: 'attentionInk', units: attnUnits };
  if (f.parallel_attention) {
    // Falcon: attention and MLP read the same normalised input side by side; one ⊕ adds both.
    const norms: SpineBox[] = placement === 'shared'
      ? [{ id: 'norm1', lines: label(normName(arch, '')), fill: 'norm', textColor: 'ink', units: ['layers.attn_norm', 'layers.ffn_norm'] }]
      : [
          // Numbered as in the table; each sits under the sub-layer it feeds.
          { id: 'norm1', lines: label(normName(arch, ' 1')), fill: 'norm', textColor: 'ink', units: ['layers.attn_norm'] },
          { id: 'norm2', lines: label(normName(arch, ' 2')), fill: 'norm', textColor: 'ink', units: ['layers.ffn_norm'] },
        ];
    blockRow({ id: 'norm1', center: { kind: 'boxes', boxes: norms } });
    blockRow({ id: 'sublayers', center: { kind: 'boxes', boxes: [attnBox, { id: 'ffn', lines: label(ffnLabel), fill: 'proj', textColor: 'ink', units: ffnUnits }] } });
    blockRow({ id: 'plus1', center: { kind: 'plus' }, residualSink: true });
  } else if (f.shortcut_moe) {
    // LongCat-Flash: two sub-layers of attention and a dense MLP; the MoE (drawn beside the block
    // by the layout) reads RMSNorm 2's output and joins the last ⊕.
    const normBox = (n: number, unit: string) => box(`norm${n}`, label(normName(arch, ` ${n}`)), 'norm', [unit]);
    blockRow({ id: 'norm1', center: normBox(1, 'layers.attn_norm') });
    blockRow({ id: 'attn', center: { kind: 'boxes', boxes: [attnBox] } });
    blockRow({ id: 'plus1', center: { kind: 'plus' }, residualSink: true });
    blockRow({ id: 'norm2', center: normBox(2, 'layers.ffn_norm') });
    blockRow({ id: 'ffn', center: box('ffn', label('Feed forward'), 'proj', ['layers.ffn']) });
    blockRow({ id: 'plus2', center: { kind: 'plus' }, residualSink: true });
    blockRow({ id: 'norm3', center: normBox(3, 'layers.attn_norm2') });
    blockRow({ id: 'attn2', center: { kind: 'boxes', boxes: [{ ...attnBox, id: 'attn2', units: ['layers.attn2'] }] } });
    blockRow({ id: 'plus3', center: { kind: 'plus' }, residualSink: true });
    blockRow({ id: 'norm4', center: normBox(4, 'layers.ffn_norm2') });
    blockRow({ id: 'ffn2', center: box('ffn2', label('Feed forward'), 'proj', ['layers.ffn2']) });
    blockRow({ id: 'plus4', center: { kind: 'plus' }, residualSink: true });
  } else if (singleMixer(arch)) {
    // Nemotron-H: RMSNorm, then the layer's one mixer, then the residual add. One box names each
    // kind with its count per layer × its layers; the strip says which layer has which.
    const key = (t: string): Run => ({ text: t, face: 'bold', color: 'attentionAccent' });
    const count = (k: MixerKind): Run[] => {
      const us = arch.units.filter((u) => k.units.some((id) => (id.endsWith('*') ? u.id.startsWith(id.slice(0, -1)) : u.id === id)));
      const per = us.reduce((a, u) => a + u.param_count, 0);
      return [{ text: `${groupDigits(per)} × ${k.layers}`, face: 'sans', scale: 0.9 }];
    };
    const kinds = mixerKinds(arch);
    const lines: Run[][] = [[plain('One mixer per layer:', 'sans')], ...kinds.flatMap((k) => [[key(k.name)], count(k)])];
    // Each inset's leader meets its mixer's two lines (name and count).
    const insetOf: Record<MixerKind['key'], string> = { mamba2: 'mamba2', attention: 'attn', mlp: 'ffn', moe: 'moe' };
    const anchors = Object.fromEntries(kinds.map((k, i) => [insetOf[k.key], 1.5 + 2 * i]));
    blockRow({ id: 'norm1', center: box('norm1', label(normName(arch, '')), 'norm', ['layers.norm']) });
    blockRow({ id: 'attn', center: { kind: 'boxes', boxes: [{ ...attnBox, lines, units: [], anchors }] } });
    blockRow({ id: 'plus1', center: { kind: 'plus' }, residualSink: true });
  } else {
    const pre = placement === 'pre' || placement === 'sandwich';
    const post = placement === 'post' || placement === 'sandwich';
    const sandwich = placement === 'sandwich';
    const sublayer = (n: 1 | 2, main: SpineBox) => {
      const normUnit = n === 1 ? 'layers.attn_norm' : 'layers.ffn_norm';
      const hcUnit = n === 1 ? 'layers.hc_attn' : 'layers.hc_ffn';
      // mHC: a pre-mixer folds the n_hc streams into the sub-layer's input; the post-mixer spreads
      // the output back onto the streams and mixes them (x' = H_res·x + H_post·F(H_pre·x)): no ⊕.
      // The mixer's one projection (`hc_attn_fn`/`hc_ffn_fn` with its bias and scales) computes
      // H_pre, H_post and H_res from the streams before the sub-layer: its count is the pre-mixer's.
      if (hc) blockRow({ id: `hc_pre${n}`, center: box(n === 1 ? 'hc_attn' : 'hc_ffn', [[plain(`${hcName} pre-mixer`, 'bold', 'accent')]], 'box', [hcUnit]), streamsIn: hc });
      // Kimi K3: the sub-layer reads a mix of the block sums; its output extends the running sum (⊕).
      if (f.attention_residuals) blockRow({ id: `ares${n}`, center: box(`ares${n}`, [[plain('Attention residual', 'bold', 'accent')], [plain('mix of the block sums', 'sans')]], 'box', [n === 1 ? 'layers.attn_res' : 'layers.mlp_res']) });
      // MiniMax-Text-01 (postnorm): the residual leaves after the norm.
      if (pre) blockRow({ id: `norm${n}`, center: box(`norm${n}`, label(sandwich ? `Pre-${normName(arch, ` ${n}`)}` : normName(arch, ` ${n}`)), 'norm', [normUnit]), ...(f.residual_after_norm ? { residualSource: true } : {}) });
      blockRow({ id: main.id, center: { kind: 'boxes', boxes: [main] } });
      // Inkling: a depthwise short conv (with its own residual) after attention and after the MLP.
      if (f.short_convs) blockRow({ id: `sconv${n}`, center: box(`sconv${n}`, [[plain('Short conv')], [plain(`${dim(arch, 'K') ?? ''} taps, depthwise`, 'sans')]], 'box', [n === 1 ? 'layers.attn_sconv' : 'layers.mlp_sconv']) });
      if (post) blockRow({ id: `post_${main.id}_norm`, center: box(`post_${main.id}_norm`, label(sandwich ? `Post-${normName(arch, ` ${n}`)}` : normName(arch, ` ${n}`)), 'norm', [n === 1 ? 'layers.post_attn_norm' : 'layers.post_ffn_norm']) });
      if (hc) blockRow({ id: `hc_post${n}`, center: box(`hc_post${n}`, [[plain(`${hcName} post-mixer`, 'bold', 'accent')]], 'box', []), residualSink: true });
      else blockRow({ id: `plus${n}`, center: { kind: 'plus' }, residualSink: true });
    };
    // Qwen4-exp: a hashed n-gram memory added to the streams before the first mixer, in the
    // ple_layer_ids layers only.
    // DeepSeek-V4.1's Engram memories likewise, on its engram_layer_ids layers.
    const memory = arch.layers.filter((l) => l.ngram_memory || l.engram !== undefined).map((l) => l.index + 1);
    if (memory.length > 0) {
      const name = arch.layers.some((l) => l.engram !== undefined) ? 'Engram memory' : 'N-gram memory';
      const where = `in layer${memory.length > 1 ? 's' : ''} ${memory.join(' and ')} only`;
      blockRow({ id: 'ngram', center: box('ngram', [[plain(name)], [plain(where, 'sans')]], 'embed', ['layers.ngram_table', 'layers.ngram_mix', 'layers.engram_table.*', 'layers.engram']), streamsIn: hc || undefined });
      blockRow({ id: 'plus_ngram', center: { kind: 'plus' }, residualSink: true, streamsIn: hc || undefined });
    }
    sublayer(1, attnBox);
    sublayer(2, { id: 'ffn', lines: label(ffnLabel), fill: 'proj', textColor: 'ink', units: ffnUnits });
    // Gemma 4 E2B/E4B: after the FFN's residual, the layer's slice of the per-layer embedding,
    // gated by the hidden state, projected back, normalised and added (its table: pleBranch).
    if (f.per_layer_embeddings) {
      blockRow({ id: 'ple', center: box('ple', [[plain('Per-layer input')], [plain('gate, projection, RMSNorm', 'sans')]], 'embed', ['layers.ple']) });
      blockRow({ id: 'plus_ple', center: { kind: 'plus' }, residualSink: true });
    }
  }

  // DeepSeek-V4.1 folds the streams without a learned head mixer.
  if (hc && arch.units.some((u) => u.id === 'hc_head')) add({ id: 'hc_head', center: box('hc_head', [[plain(`${hcName} head mixer`, 'bold', 'accent')]], 'box', ['hc_head']), streamsIn: hc });
  if (f.attention_residuals) add({ id: 'output_res', center: box('output_res', [[plain('Attention residual', 'bold', 'accent')], [plain('over every block sum', 'sans')]], 'box', ['output_attn_res']) });
  if (arch.units.some((u) => u.id === 'final_norm')) add({ id: 'final_norm', center: box('final_norm', label(`Final ${normName(arch, '')}`), 'norm', ['final_norm']) });
  const head: Run[][] = [[plain('Linear output layer')]];
  if (f.tied_embeddings) head.push([plain('(tied to the embedding)', 'sans')]);
  if (f.final_softcap !== null) head.push([plain(`soft-capped at ${f.final_softcap}`)]);
  add({ id: 'head', center: box('head', head, 'embed', f.tied_embeddings ? ['project_out'] : ['head', 'project_out']) });
  return rows;
}
