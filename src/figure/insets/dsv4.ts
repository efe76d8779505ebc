/**
 * The two insets of DeepSeek-V4 (`family: 'dsv4'`), drawn after DeepSeek's reference inference
 * code (`inference/model.py`: `Attention`, `Compressor`, `Indexer`, `Block.hc_pre/hc_post`):
 *
 * - the attention module: a low-rank query (`wq_a` → `q_norm` → `wq_b`), one shared KV head
 *   (`wkv` → `kv_norm`, key = value) with partial RoPE, a sliding window of raw recent entries,
 *   a KV compressor (1 entry per `compress_ratio` tokens) with the lightning indexer on ratio-4
 *   layers, per-head attention sinks, and the grouped low-rank output (`wo_a` per group, `wo_b`);
 * - mHC, the manifold-constrained hyper-connections that replace the residual ⊕: `hc_mult`
 *   parallel streams, a pre-mixer folding them into the sublayer input, and a post-mixer that
 *   mixes the streams (H_res, doubly stochastic via Sinkhorn) and adds the sublayer output back.
 */
import type { ArchJson } from '../../schema/arch-json.js';
import type { Unit } from '../../params/types.js';
import type { BoxItem, Item, Role } from '../scene.js';
import { accent, arrow, bottom, boxAt, boxSize, right, strong, textAt, top } from '../draw.js';
import { groupDigits } from '../format.js';
import { formulaBlock } from '../formula.js';
import { itemBounds, translateItems } from '../geometry.js';
import { blockSize, lineWidth, plain, wrap, type Run } from '../text.js';
import { SIZE } from '../style.js';
import type { Inset, InsetOptions } from './inset.js';
import { dim } from '../dims.js';
import { hcKind, mtpHasHyperConnections } from '../../params/hyper-connections.js';

/** Widest drawing area of an inset (pt). */
const MAX_W = 250;
/** Vertical gap between stacked boxes (room for an arrow head). */
const ROW_GAP = 10;
/** Gap between the drawing and the text under it. */
const TEXT_GAP = 8;
/** Distance between two of the n_hc stream arrows (each has its own head, 4.5 pt wide). */
const STREAM_GAP = 6;

// ---------------------------------------------------------------------------------------------
// Runs and small helpers.

const sans = (text: string): Run => plain(text);
const sub = (text: string): Run => ({ text, face: 'sans', script: 'sub' });
const bold = (text: string): Run => plain(text, 'bold');
/** A key word on the dark attention box. */
const key = (text: string): Run => ({ text, face: 'bold', color: 'attentionAccent' });

const num = (n: number): string => groupDigits(n);

function unitById(arch: ArchJson, id: string): Unit | undefined {
  return arch.units.find((u) => u.id === id);
}

/** A box of exactly width `w` (its label must fit), centred at (cx, cy). */
function colBox(id: string, cx: number, cy: number, w: number, lines: Run[][], o: { fill?: Role; textColor?: Role; size?: number; dashed?: boolean } = {}): BoxItem {
  return boxAt(id, cx, cy, lines, { fill: o.fill ?? 'box', textColor: o.textColor ?? 'ink', size: o.size ?? SIZE.small, minW: w, ...(o.dashed ? { dashed: true } : {}) });
}

/** A text block under a drawing. */
interface TextBlock {
  id: string;
  lines: Run[][];
  size: number;
  color?: Role;
}

/** The width a label needs in a box at `size`. */
const needW = (lines: Run[][], size: number = SIZE.small): number => boxSize(lines, { size }).w;
const needH = (lines: Run[][], size: number = SIZE.small): number => boxSize(lines, { size }).h;

/**
 * Formula lines of a unit: "name: formula = exact ×layers", filled to `maxW` at SIZE.label
 * (scripts stay legible at that size), broken only between top-level terms and before " = ".
 */
function formulaLines(name: string | null, unit: Unit, maxW: number): Run[][] {
  return formulaBlock(name ? [bold(`${name}: `)] : [], unit.formula_symbolic, unit.param_count, maxW, { repeat: unit.repeat });
}

/** Stacks text blocks bottom-up from y = 0 (first block on top); returns items and height. */
function textStack(blocks: TextBlock[], gap = 3): { items: Item[]; h: number } {
  const items: Item[] = [];
  let y = 0;
  for (const b of [...blocks].reverse()) {
    if (b.lines.length === 0) continue;
    if (items.length) y += gap;
    const t = textAt(b.id, 0, y, b.lines, { size: b.size, color: b.color ?? 'ink' });
    items.push(t);
    y += t.h;
  }
  return { items, h: y };
}

/** Width and height of what items cover (from 0, 0). */
function extent(items: Item[]): { w: number; h: number } {
  const b = itemBounds(items);
  return { w: Math.max(0, b.x1), h: Math.max(0, b.y1) };
}

// ---------------------------------------------------------------------------------------------
// Layer kinds.

/** One kind of V4 attention layer: its compress ratio and whether the indexer selects entries. */
export interface Dsv4LayerKind {
  /** `compress_ratios[i]`: 0 = sliding window only, 4 = CSA, 128 = HCA. */
  ratio: number;
  indexer: boolean;
  /** Main-model layers of this kind (MTP layers excluded). */
  layers: number[];
  /** "CSA" (compressed + indexer), "HCA" (compressed, all entries), "SWA" (window only). */
  short: string;
}

/** The attention kinds of the main layers, in the order CSA, HCA, … , window only. */
export function dsv4LayerKinds(arch: ArchJson): Dsv4LayerKind[] {
  const kinds = new Map<string, Dsv4LayerKind>();
  for (const layer of arch.layers) {
    const ratio = layer.attention.compress_ratio ?? 0;
    const indexer = layer.attention.indexer;
    const k = `${ratio}/${indexer}`;
    const kind = kinds.get(k) ?? { ratio, indexer, layers: [], short: ratio === 0 ? 'SWA' : indexer ? 'CSA' : 'HCA' };
    kind.layers.push(layer.index);
    kinds.set(k, kind);
  }
  const order = (k: Dsv4LayerKind): number => (k.ratio === 0 ? Infinity : k.ratio + (k.indexer ? 0 : 0.5));
  return [...kinds.values()].sort((a, b) => order(a) - order(b));
}

/** The window size of the layers (`sliding_window`), or null. */
function windowOf(arch: ArchJson): number | null {
  return arch.layers.find((l) => l.attention.window !== null)?.attention.window ?? dim(arch, 'W');
}

/**
 * The legend lines of a layer kind ("21 layers CSA: window + 1:4 compressed, top-k"), split
 * after the comma when wider than `maxW`.
 */
function kindLines(kind: Dsv4LayerKind, maxW: number): Run[][] {
  const n = kind.layers.length;
  const head = bold(`${n} ${n === 1 ? 'layer' : 'layers'}`);
  if (kind.ratio === 0) return [[head, sans(': sliding window only')]];
  // DeepSeek-V4.1's ratio 1: a per-token latent, not pooled.
  const what = kind.ratio === 1 ? `${kind.short}: window + per-token latents` : `${kind.short}: window + 1:${num(kind.ratio)} compressed`;
  const tail = kind.indexer ? 'top-k' : 'all';
  const one: Run[] = [head, sans(` ${what}, ${tail}`)];
  if (lineWidth(one, SIZE.small) <= maxW) return [one];
  return [[head, sans(` ${what},`)], [sans(`    ${tail}`)]];
}

// ---------------------------------------------------------------------------------------------
// The label of the main-stack attention box.

/**
 * The 2–3 line label of the dark attention box of the main stack for a V4 model, with the key
 * words as accent runs: which attention kinds the layers use (CSA/HCA from `compress_ratios`,
 * window only when every layer is), always on top of the sliding window.
 */
export function dsv4AttentionLabel(arch: ArchJson): Run[][] {
  const kinds = dsv4LayerKinds(arch);
  const hasCsa = kinds.some((k) => k.ratio > 0 && k.indexer);
  const hasHca = kinds.some((k) => k.ratio > 0 && !k.indexer);
  const s = (t: string): Run => ({ text: t, face: 'sans' });
  if (!hasCsa && !hasHca) return [[key('Sliding-window')], [s('attention (MQA)')]];
  const which = hasCsa && hasHca ? 'CSA/HCA' : hasCsa ? 'CSA' : 'HCA';
  return [
    [key('Compressed'), s(` (${which})`)],
    [s('+ '), key('sliding-window')],
    [s('attention (MQA)')],
  ];
}

// ---------------------------------------------------------------------------------------------
// The attention inset.

interface Col {
  cx: number;
  w: number;
}

/** The boxes' labels of the attention inset. */
function attentionLabels(arch: ArchJson, kinds: Dsv4LayerKind[]) {
  const d = dim(arch, 'd') ?? 0;
  const H = dim(arch, 'H') ?? 0;
  const dh = dim(arch, 'd_h') ?? 0;
  const rq = dim(arch, 'r_q') ?? 0;
  const rope = dim(arch, 'd_rope');
  const G = dim(arch, 'G') ?? 1;
  const ro = dim(arch, 'r_o') ?? 0;
  const window = windowOf(arch);
  const ratios = [...new Set(kinds.filter((k) => k.ratio > 0).map((k) => k.ratio))].sort((a, b) => a - b);
  // `qk_rope_head_dim` of the `head_dim` dims are rotated (apply_rotary_emb on x[..., -rd:]).
  const ropeLines = rope !== null && rope < dh ? [[sans('Partial RoPE')], [sans(`on ${num(rope)} dims`)]] : [[sans('RoPE')]];
  return {
    wkv: [[sans(`Linear → ${num(dh)}`)]],
    kvNorm: [[sans('RMSNorm')]],
    kvRope: ropeLines,
    window: [[sans('Sliding')], [sans(window !== null ? `window: ${num(window)}` : 'window')]],
    wqA: [[sans(`Linear → ${num(rq)}`)]],
    qNorm: [[sans('RMSNorm')]],
    wqB: [[sans(`Linear → ${num(H)}`)], [sans(`heads × ${num(dh)}`)]],
    qRope: ropeLines,
    // Gated pooling of `compress_ratio` tokens into one KV entry (Compressor: wkv, wgate, ape).
    compressor: [[sans('Compressor')], [sans(`${ratios.map(num).join(' or ')} → 1`)]],
    indexer: [[sans('Lightning')], [sans('indexer, top-k')]],
    core: [
      [key('Sparse MQA'), sans(`: ${num(H)} query heads,`)],
      [sans('1 shared KV head (key = value)')],
      // attn_sink [H]: a learned logit per head in the softmax denominator only.
      [sans(`${ratios.length ? 'window + compressed entries' : 'window entries'}${arch.flags.attention_sinks ? ', per-head sink' : ''}`)],
    ],
    woA: [[sans(`Grouped Linear: ${num(G)} × (${num((H * dh) / G)} → ${num(ro)})`)]],
    woB: [[sans(`Linear ${num(G * ro)} → ${num(d)}`)]],
  };
}

/** How far right of the columns the HCA edge around the indexer runs. */
const BYPASS = 7;

/** The drawing of the attention module (y from 0), `w` wide at most. */
function attentionDrawing(arch: ArchJson, kinds: Dsv4LayerKind[]): Item[] {
  const L = attentionLabels(arch, kinds);
  const compressed = kinds.some((k) => k.ratio > 0);
  const indexed = kinds.some((k) => k.indexer);
  const cKinds = compressed ? [L.compressor, ...(indexed ? [L.indexer] : [])] : [];
  const widths = [
    Math.max(...[L.wkv, L.kvNorm, L.kvRope, L.window].map((l) => needW(l))),
    Math.max(...[L.wqA, L.qNorm, L.wqB, L.qRope].map((l) => needW(l))),
    ...(compressed ? [Math.max(...cKinds.map((l) => needW(l)))] : []),
  ];
  const bypass = indexed && kinds.some((k) => k.ratio > 0 && !k.indexer) ? BYPASS : 0;
  const gap = Math.min(14, Math.max(6, (MAX_W - bypass - widths.reduce((a, b) => a + b, 0)) / Math.max(1, widths.length - 1)));
  const cols: Col[] = [];
  let x = 0;
  for (const w of widths) {
    cols.push({ cx: x + w / 2, w });
    x += w + gap;
  }
  const W = x - gap;
  const [kv, q, c] = [cols[0]!, cols[1]!, cols[2]];

  // Rows, bottom-up: each row as tall as its tallest box.
  const rows: (Run[][] | null)[][] = [
    [L.wkv, L.wqA, compressed ? L.compressor : null],
    [L.kvNorm, L.qNorm, indexed ? L.indexer : null],
    [L.kvRope, L.wqB, null],
    [L.window, L.qRope, null],
  ];
  // The input label at the bottom; the input runs up from it along a bus to every branch.
  const d = dim(arch, 'd');
  const inLabel: Run[][] = [[sans(d !== null ? `input (${num(d)})` : 'input')]];
  const inH = blockSize(inLabel, SIZE.small).h;
  const BUS = inH + 7;
  let y = BUS + 7;
  const centres: number[] = [];
  for (const row of rows) {
    const h = Math.max(...row.map((l) => (l ? needH(l) : 0)));
    centres.push(y + h / 2);
    y += h + ROW_GAP;
  }
  const items: Item[] = [];
  const box = (id: string, col: Col, r: number, lines: Run[][], o: Parameters<typeof colBox>[5] = {}): BoxItem => {
    const b = colBox(`attn.${id}`, col.cx, centres[r]!, col.w, lines, o);
    items.push(b);
    return b;
  };
  const wkv = box('wkv', kv, 0, L.wkv, { fill: 'proj' });
  const kvNorm = box('kv_norm', kv, 1, L.kvNorm, { fill: 'norm' });
  const kvRope = box('kv_rope', kv, 2, L.kvRope);
  const win = box('window', kv, 3, L.window);
  const wqA = box('wq_a', q, 0, L.wqA, { fill: 'proj' });
  const qNorm = box('q_norm', q, 1, L.qNorm, { fill: 'norm' });
  const wqB = box('wq_b', q, 2, L.wqB, { fill: 'proj' });
  const qRope = box('q_rope', q, 3, L.qRope);
  // Dashed: present only in some layers (the legend says which).
  const comp = c && compressed ? box('compressor', c, 0, L.compressor, { fill: 'proj', dashed: true }) : null;
  const idx = c && indexed ? box('indexer', c, 1, L.indexer, { fill: 'router', dashed: true }) : null;

  // The core spans the columns; the output projections are centred under the core.
  const coreH = needH(L.core);
  const core = colBox('attn.core', W / 2, y + coreH / 2, W, L.core, { fill: 'attention', textColor: 'attentionInk' });
  items.push(core);
  y += coreH + ROW_GAP;
  const woAH = needH(L.woA);
  const woA = colBox('attn.wo_a', W / 2, y + woAH / 2, needW(L.woA), L.woA, { fill: 'proj' });
  y += woAH + ROW_GAP;
  const woBH = needH(L.woB);
  const woB = colBox('attn.wo_b', W / 2, y + woBH / 2, needW(L.woB), L.woB, { fill: 'proj' });
  y += woBH;
  items.push(woA, woB);

  const inX = q.cx;
  const inText = textAt('attn.in.label', inX - blockSize(inLabel, SIZE.small).w / 2, 0, inLabel);
  items.push(inText);
  const up = (id: string, b: BoxItem): void => {
    const [bx, by] = bottom(b);
    items.push(arrow(`attn.in.${id}`, bx === inX ? [[inX, inH], [bx, by]] : [[inX, inH], [inX, BUS], [bx, BUS], [bx, by]]));
  };
  up('kv', wkv);
  up('q', wqA);
  if (comp) up('compressor', comp);
  const chain = (id: string, a: BoxItem, b: BoxItem): void => {
    items.push(arrow(`attn.${id}`, [top(a), bottom(b)]));
  };
  chain('kv.1', wkv, kvNorm);
  chain('kv.2', kvNorm, kvRope);
  chain('kv.3', kvRope, win);
  chain('q.1', wqA, qNorm);
  chain('q.2', qNorm, wqB);
  chain('q.3', wqB, qRope);
  const into = (id: string, from: BoxItem): void => {
    items.push(arrow(`attn.${id}`, [top(from), [from.x + from.w / 2, core.y]]));
  };
  into('window.core', win);
  into('q.core', qRope);
  if (comp && idx) {
    chain('compressor.indexer', comp, idx);
    into('indexer.core', idx);
    // The indexer scores with the query latent (`qr`, the q_norm output) it shares.
    items.push(arrow('attn.qr.indexer', [right(qNorm), [idx.x, right(qNorm)[1]]]));
    // HCA layers (compressed, no indexer) attend to every compressed entry: an edge around the
    // indexer into the core's side.
    if (bypass > 0) {
      const x = Math.max(comp.x + comp.w, idx.x + idx.w, W) + bypass;
      const cy = core.y + core.h / 2;
      items.push(arrow('attn.compressor.core', [right(comp), [x, right(comp)[1]], [x, cy], [W, cy]]));
    }
  } else if (comp) {
    into('compressor.core', comp);
  }
  chain('core.wo_a', core, woA);
  chain('wo_a.wo_b', woA, woB);
  const outLabel: Run[][] = [[sans(d !== null ? `output (${num(d)})` : 'output')]];
  const outText = textAt('attn.out.label', W / 2 - blockSize(outLabel, SIZE.small).w / 2, y + 10, outLabel);
  items.push(outText, arrow('attn.out', [top(woB), [W / 2, outText.y]]));
  return items;
}

/** Text under the attention drawing: the layer kinds and the formulas with exact counts. */
function attentionText(arch: ArchJson, kinds: Dsv4LayerKind[], maxW: number, withFormulas: boolean): TextBlock[] {
  // DeepSeek-V4.1: one compressed cache, written by its KV sources and read by the other layers.
  const writers = arch.layers.filter((l) => l.attention.compressor_shared === false).map((l) => l.index + 1);
  const indexers = arch.layers.filter((l) => l.attention.indexer_shared === false).length;
  const shared = writers.length > 0 ? wrap(`The compressed cache is written by layers ${writers.join(', ')} only and read by every layer of its ratio; ${indexers} layers run an indexer, the others reuse its top-k.`, 'sans', SIZE.small, maxW) : [];
  const blocks: TextBlock[] = [
    { id: 'attn.kinds', lines: [...kinds.flatMap((k) => kindLines(k, maxW)), ...shared], size: SIZE.small },
  ];
  const formulas: Run[][] = [];
  const attn = unitById(arch, 'layers.attn');
  if (attn) formulas.push(...formulaLines('Attention', attn, maxW));
  const compressors = arch.units
    .filter((u) => u.id.startsWith('layers.compressor.r'))
    .sort((a, b) => Number(a.id.slice('layers.compressor.r'.length)) - Number(b.id.slice('layers.compressor.r'.length)));
  for (const u of compressors) formulas.push(...formulaLines(`Compressor 1:${u.id.slice('layers.compressor.r'.length)}`, u, maxW));
  const indexer = unitById(arch, 'layers.indexer');
  if (indexer) formulas.push(...formulaLines('Indexer', indexer, maxW));
  const reads = unitById(arch, 'layers.indexer.reads_keys');
  if (reads) formulas.push(...formulaLines('Indexer without keys', reads, maxW));
  if (formulas.length && withFormulas) blocks.push({ id: 'attn.formulas', lines: formulas, size: SIZE.label });
  return blocks;
}

/**
 * The inset of DeepSeek-V4's attention module (null unless `arch.family === 'dsv4'`): low-rank
 * query, one shared KV head with partial RoPE, the sliding window, the KV compressor and the
 * lightning indexer (dashed: only in some layers, the legend counts which), the sparse MQA core
 * with sinks, and the grouped low-rank output; formulas with exact counts under the drawing.
 */
export function dsv4AttentionInset(arch: ArchJson, o: InsetOptions = { formulas: true }): Inset | null {
  if (arch.family !== 'dsv4') return null;
  const kinds = dsv4LayerKinds(arch);
  const drawing = attentionDrawing(arch, kinds);
  const dw = extent(drawing).w;
  const text = textStack(attentionText(arch, kinds, Math.min(dw, MAX_W), o.formulas));
  const items = [...text.items, ...translateItems(drawing, 0, text.h + TEXT_GAP)];
  const { w, h } = extent(items);
  const H = dim(arch, 'H') ?? 0;
  const window = windowOf(arch);
  const caption: Run[][] = [[accent(num(H)), strong(' query heads, '), accent('1'), strong(' shared KV head')]];
  if (window !== null) caption.push([strong('sliding window of '), accent(num(window)), strong(' tokens')]);
  return {
    id: 'attn',
    title: [bold(kinds.some((k) => k.ratio > 0) ? 'Hybrid compressed attention (MQA)' : 'Sliding-window attention (MQA)')],
    w,
    h,
    items,
    caption,
    target: 'attn',
  };
}

// ---------------------------------------------------------------------------------------------
// The mHC inset.

/** `n` parallel stream arrows between two heights, centred at cx, STREAM_GAP apart. */
function streams(id: string, n: number, cx: number, y0: number, y1: number): Item[] {
  return Array.from({ length: n }, (_, k) => {
    const x = cx + (k - (n - 1) / 2) * STREAM_GAP;
    return arrow(`${id}.${k}`, [[x, y0], [x, y1]]);
  });
}

/** The drawing of one mHC-wrapped sublayer (y from 0), as `Block.forward` runs it. */
function mhcDrawing(n: number, d: number | null, variant: ArchJson['flags']['hc_variant']): Item[] {
  const S = SIZE.label; // lines with scripts are set at SIZE.label
  const kind = hcKind({ hc_variant: variant });
  const preLines: Run[][] = [[bold(`${kind} pre-mixer`)], [sans('H'), sub('pre'), sans(`: ${n} streams → 1`)]];
  // Hy4's iHC and Qwen4-exp's gated residual keep the streams as they are (no H_res): x + H_post·F.
  const keepsStreams = variant === 'independent' || variant === 'gated_residual';
  const postLines: Run[][] = [[bold(`${kind} post-mixer`)], keepsStreams ? [sans('x'), sub('l'), sans(' + H'), sub('post'), sans('·F')] : [sans('H'), sub('res'), sans('·x'), sub('l'), sans(' + H'), sub('post'), sans('·F')]];
  // The gated residual normalises the streams inside its mixer (hc_norm): no norm before F.
  const normLines: Run[][] = variant === 'gated_residual' ? [[sans('(no norm)')]] : [[sans('RMSNorm')]];
  const subLines: Run[][] = [[sans('Sublayer F')], [sans('attention or MoE')]];
  const mw = Math.max(needW(preLines, S), needW(postLines, S));
  const sw = Math.max(needW(normLines), needW(subLines));
  const cxM = mw / 2;
  const cxS = MAX_W - sw / 2;
  // Labels the stream bundles start from and end on, centred on the bundle.
  const inLabel: Run[][] = [[sans('x'), sub('l'), sans(d !== null ? `: ${n} streams × ${num(d)}` : `: ${n} streams`)]];
  const outLabel: Run[][] = [[sans('x'), sub('l+1'), sans(`: ${n} streams`)]];
  const midLabel: Run[][] = [[sans('x'), sub('l'), sans(' (unchanged)')]];
  const inText = textAt('hc.in.label', cxM - blockSize(inLabel, S).w / 2, 0, inLabel, { size: S });
  const preH = needH(preLines, S);
  const pre = colBox('hc.pre', cxM, inText.h + 14 + preH / 2, mw, preLines, { fill: 'proj', size: S });
  const normH = needH(normLines);
  const norm = colBox('hc.norm', cxS, pre.y + pre.h / 2 + 12 + normH / 2, sw, normLines, { fill: 'norm' });
  const subH = needH(subLines);
  const sl = colBox('hc.sublayer', cxS, norm.y + norm.h + ROW_GAP + subH / 2, sw, subLines);
  const post = colBox('hc.post', cxM, sl.y + sl.h + 12, mw, postLines, { fill: 'proj', size: S });
  const outText = textAt('hc.out.label', cxM - blockSize(outLabel, S).w / 2, post.y + post.h + 14, outLabel, { size: S });
  const streamRight = cxM + ((n - 1) / 2) * STREAM_GAP + 6;
  const midH = blockSize(midLabel, S).h;
  return [
    inText, pre, norm, sl, post, outText,
    ...streams('hc.in', n, cxM, inText.y + inText.h, pre.y),
    ...streams('hc.res', n, cxM, pre.y + pre.h, post.y),
    ...streams('hc.out', n, cxM, post.y + post.h, outText.y),
    arrow('hc.to_norm', [right(pre), [cxS, right(pre)[1]], bottom(norm)]),
    arrow('hc.to_sublayer', [top(norm), bottom(sl)]),
    arrow('hc.from_sublayer', [top(sl), [cxS, right(post)[1]], right(post)]),
    textAt('hc.res.label', streamRight, (pre.y + pre.h + post.y) / 2 - midH / 2, midLabel, { size: S }),
  ];
}

/** Text under the mHC drawing: the update rule, what happens at the ends, the formulas. */
function mhcText(arch: ArchJson, n: number, maxW: number, withFormulas: boolean): TextBlock[] {
  const S = SIZE.label;
  const rule: Run[][] = arch.flags.hc_variant === 'gated_residual'
    ? [
        // GatedResidual: H_pre per channel from a low-rank map of the normalised streams, H_post
        // a gate per stream.
        [sans('x'), sub('l+1'), sans(' = x'), sub('l'), sans(' + H'), sub('post'), sans('·F(H'), sub('pre'), sans('·x'), sub('l'), sans(')')],
        [sans('H'), sub('pre'), sans(': per-channel weights, a rank-'), sans(`${dim(arch, 'r_hc') ?? 'r'} map`)],
        [sans('of the normalised streams;')],
        [sans('H'), sub('post'), sans(': one gate per stream;')],
        [sans('the streams are not mixed')],
      ]
    : arch.flags.hc_variant === 'independent'
    ? [
        // HYV4HyperConnection: DeepSeek-V4's form without the `comb` output (no Sinkhorn).
        [sans('x'), sub('l+1'), sans(' = x'), sub('l'), sans(' + H'), sub('post'), sans('·F(H'), sub('pre'), sans('·x'), sub('l'), sans(')')],
        [sans('H'), sub('pre'), sans(', H'), sub('post'), sans(' computed per token from x'), sub('l'), sans(';')],
        [sans('the streams are not mixed with each other')],
      ]
    : [
        [sans('x'), sub('l+1'), sans(' = H'), sub('res'), sans('·x'), sub('l'), sans(' + H'), sub('post'), sans('·F(H'), sub('pre'), sans('·x'), sub('l'), sans(')')],
        [sans('H'), sub('pre'), sans(', H'), sub('post'), sans(', H'), sub('res'), sans(' computed per token from x'), sub('l'), sans(';')],
        [sans('H'), sub('res'), sans(` (${n}×${n}) on the doubly stochastic`)],
        [sans('manifold (Sinkhorn iterations)')],
      ];
  // Transformer.forward: embed → repeat hc_mult times; ParallelHead.hc_head folds before the norm.
  const mtp = arch.mtp_layers.length > 0 && !mtpHasHyperConnections(arch) ? ' None in the MTP layer.' : '';
  const before = arch.units.some((u) => u.id === 'final_norm') ? 'the final RMSNorm' : 'the output layer';
  // DeepSeek-V4.1 has no learned head mixer.
  const fold = unitById(arch, 'hc_head') ? 'the head mixer folds them into 1' : 'they are folded into 1 (no learned head mixer)';
  const ends = wrap(`The embedding is copied into ${n} streams at the start; ${fold} before ${before}.${mtp}`, 'sans', SIZE.small, maxW);
  const formulas: Run[][] = [];
  const hcAttn = unitById(arch, 'layers.hc_attn');
  const hcFfn = unitById(arch, 'layers.hc_ffn');
  const same = hcAttn && hcFfn && hcAttn.formula_symbolic === hcFfn.formula_symbolic && hcAttn.param_count === hcFfn.param_count && hcAttn.repeat === hcFfn.repeat;
  if (hcAttn && hcFfn && same) {
    formulas.push([bold('Attention and MoE mixer, each:')], ...formulaLines(null, hcAttn, maxW));
  } else {
    if (hcAttn) formulas.push(...formulaLines('Attention mixer', hcAttn, maxW));
    if (hcFfn) formulas.push(...formulaLines('MoE mixer', hcFfn, maxW));
  }
  const head = unitById(arch, 'hc_head');
  if (head) formulas.push(...formulaLines('Head mixer', head, maxW));
  return [
    { id: 'hc.rule', lines: rule, size: S },
    { id: 'hc.ends', lines: ends, size: SIZE.small },
    ...(formulas.length && withFormulas ? [{ id: 'hc.formulas', lines: formulas, size: S }] : []),
  ];
}

/**
 * The inset of mHC, DeepSeek-V4's manifold-constrained hyper-connections (null unless
 * `arch.flags.hyper_connections`): the residual stream is `hc_mult` parallel streams; around
 * each sublayer a pre-mixer folds them into its input and a post-mixer mixes them (H_res, doubly
 * stochastic) and spreads the output back (H_post). Per `Block.forward`: hc_pre → RMSNorm →
 * sublayer → hc_post, for attention and for the MoE.
 */
export function mhcInset(arch: ArchJson, o: InsetOptions = { formulas: true }): Inset | null {
  if (!arch.flags.hyper_connections) return null;
  const n = dim(arch, 'hc') ?? 4;
  const drawing = mhcDrawing(n, dim(arch, 'd'), arch.flags.hc_variant);
  const text = textStack(mhcText(arch, n, MAX_W, o.formulas), 5);
  const items = [...text.items, ...translateItems(drawing, 0, text.h + TEXT_GAP)];
  const { w, h } = extent(items);
  return {
    id: 'hc',
    title: [bold(arch.flags.hc_variant === 'independent' ? 'Independent hyper-connections' : arch.flags.hc_variant === 'gated_residual' ? 'Gated-residual hyper-connections' : 'Manifold-constrained hyper-connections')],
    w,
    h,
    items,
    caption: [[strong('with '), accent(num(n)), strong(' parallel residual streams')]],
    target: 'hc_attn',
  };
}
