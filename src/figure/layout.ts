/**
 * Entry of the `figure` stage: `arch.json` → {@link Scene}. The grammar of Raschka's gallery,
 * bottom to top: input text, tokens, embedding, the repeated block drawn once with "N ×", final
 * norm, output layer. Every box has a ledger entry on its right (formula and exact count), the
 * modifiers of attention (RoPE, QK-norm, windows, sinks) sit on its left, MoE gets an inset,
 * and a per-layer pattern strip shows every layer where layers differ.
 *
 * Layout is row based: a row holds its centre boxes, its left items and its ledger entries, and
 * is as tall as the tallest of them, so nothing in a row can overlap anything in another row.
 */
import type { ArchJson } from '../schema/arch-json.js';
import type { Unit } from '../params/types.js';
import { bytes, compact, groupDigits } from './format.js';
import { breakAtPlus, formulaRuns } from './formula.js';
import { blockSize, lineWidth, LINE_SPACING, plain, wrap, type Run } from './text.js';
import type { BoxItem, Item, Role, Scene, TextItem } from './scene.js';

/** Options that change the figure. */
export interface FigureOptions {
  /** Draw the MTP branch (when the model has one). Default true. */
  mtp?: boolean;
  /** Replace the title (default: the model name and its size). */
  title?: string;
}

const SIZE = { title: 20, subtitle: 9.5, label: 10, small: 9, mono: 9 } as const;
const M = 14; // canvas margin
const PAD_X = 8; // box text padding
const PAD_Y = 5;
const ROW_GAP = 12;
const COL_GAP = 12;
const LEDGER_W = 222;
const LEFT_W = 112;

interface CenterBox {
  id: string;
  lines: Run[][];
  fill: Role;
  stroke: Role;
  textColor: Role;
}

interface LeftItem {
  id: string;
  kind: 'box' | 'text';
  lines: Run[][];
  fill?: Role;
  /** Draw an arrow from this item to the row's centre box (or, dashed, from the box to it). */
  arrow?: boolean | 'from-center';
  dashed?: boolean;
}

interface Row {
  id: string;
  /** Centre content: boxes side by side, a ⊕, or the input text. */
  center: { kind: 'boxes'; boxes: CenterBox[] } | { kind: 'plus' } | { kind: 'input'; text: string };
  left: LeftItem[];
  ledger: Run[][];
  /** Part of the repeated block (drawn inside the block frame). */
  inBlock: boolean;
  /** Part of the model container (light frame). */
  inContainer: boolean;
}

const label = (text: string): Run[][] => [[plain(text)]];

/** The ledger lines of one unit: name (when the row has several), formula, exact count. */
function ledgerLines(unit: Unit, withName: boolean, layers: number): Run[][] {
  const lines: Run[][] = [];
  if (withName) lines.push([plain(unit.name, 'bold')]);
  const formula = formulaRuns(unit.formula_symbolic);
  lines.push(...breakAtPlus(formula, LEDGER_W, (l) => lineWidth(l, SIZE.small)));
  let value = `= ${groupDigits(unit.param_count)}`;
  if (unit.repeat > 1) value += ` × ${unit.repeat}${unit.repeat === layers ? '' : ' layers'} = ${compact(unit.total)}`;
  lines.push([plain(value)]);
  if (unit.active_param_count !== null) {
    lines.push([plain(`active per token: ${groupDigits(unit.active_param_count)} (${compact(unit.active_param_count)})`)]);
  }
  return lines;
}

function unitsOf(arch: ArchJson, ids: string[]): Unit[] {
  return arch.units.filter((u) => ids.some((id) => u.id === id || (id.endsWith('*') && u.id.startsWith(id.slice(0, -1)))));
}

function ledgerFor(arch: ArchJson, ids: string[], caption?: string): Run[][] {
  const units = unitsOf(arch, ids);
  const lines: Run[][] = caption ? [[plain(caption, 'italic')]] : [];
  for (const u of units) lines.push(...ledgerLines(u, units.length > 1, arch.dims['L']!.value));
  return lines;
}

function dimValue(arch: ArchJson, name: string): number | null {
  return arch.dims[name]?.value ?? null;
}

/** The label of the attention box, with the variant's key word in the accent colour. */
function attentionLabel(arch: ArchJson): Run[][] {
  const kinds = new Set(arch.layers.map((l) => l.attention.kind));
  const accent = (t: string): Run => ({ text: t, face: 'bold', color: 'attentionAccent' });
  if (kinds.has('gated_deltanet')) return [[plain('Gated DeltaNet', 'sans')], [plain('or '), accent('gated attention')]];
  if (arch.family === 'mla') return [[plain('Multi-head '), accent('Latent')], [plain('Attention')]];
  if (arch.family === 'dsv4') return [[accent('Compressed'), plain(' sparse')], [plain('attention (MQA)')]];
  const H = dimValue(arch, 'H');
  const Hkv = dimValue(arch, 'H_kv');
  const variant = Hkv === 1 ? 'multi-query' : Hkv === H ? 'multi-head' : 'grouped-query';
  return [[plain('Masked '), accent(variant)], [plain('attention')]];
}

/** The modifiers of attention, drawn left of it. */
function attentionModifiers(arch: ArchJson): LeftItem[] {
  const items: LeftItem[] = [];
  const L = arch.layers.length;
  const f = arch.flags;
  const rope = arch.layers.filter((l) => l.attention.rope).length;
  const mod = (id: string, text: string): LeftItem => ({ id, kind: 'box', lines: wrap(text, 'sans', SIZE.small, LEFT_W - 2 * PAD_X), fill: 'box', arrow: true });
  if (f.alibi) items.push(mod('alibi', 'ALiBi position biases'));
  else if (!f.learned_positions && rope > 0) {
    const dRope = dimValue(arch, 'd_rope');
    const qkDims = arch.family === 'mla' ? dRope! + dimValue(arch, 'd_nope')! : dimValue(arch, 'd_h');
    let text = f.partial_rotary >= 1 ? 'RoPE' : dRope !== null && qkDims !== null ? `RoPE on ${dRope} of ${qkDims} q/k dims` : `Partial RoPE (${Math.round(f.partial_rotary * 100)}% of dims)`;
    if (rope < L) text += arch.layers.some((l) => l.attention.kind === 'gated_deltanet') ? ', attention layers only' : `, NoPE in ${L - rope} of ${L} layers`;
    items.push(mod('rope', text));
  }
  if (f.qk_norm !== 'none') items.push(mod('qk_norm', { per_head: 'QK-Norm (per head)', full: 'QK-Norm (full width)', l2: 'QK L2-Norm (no weights)' }[f.qk_norm]));
  const windows = arch.layers.filter((l) => l.attention.window !== null);
  if (windows.length > 0) {
    const sizes = [...new Set(windows.map((l) => l.attention.window!))].sort((a, b) => a - b);
    const w = sizes.map((x) => groupDigits(x)).join(' / ');
    items.push(mod('window', windows.length === L ? `Sliding window of ${w} tokens` : `Sliding window of ${w} in ${windows.length} of ${L} layers`));
  }
  if (f.attention_sinks) items.push(mod('sinks', 'Learned attention sinks'));
  if (f.output_gate) items.push(mod('gate', 'Sigmoid output gate'));
  if (f.compressor) {
    const ratios = [...new Set(arch.layers.map((l) => l.attention.compress_ratio ?? 0).filter((r) => r > 0))].sort((a, b) => a - b);
    items.push(mod('compressor', `KV compressor (1 per ${ratios.join(' / ')} tokens)`));
  }
  if (f.indexer) items.push(mod('indexer', 'Lightning indexer picks the top-k entries'));
  if (f.grouped_output) items.push(mod('grouped_output', `Grouped low-rank output (${dimValue(arch, 'G')} groups, rank ${dimValue(arch, 'r_o')})`));
  return items;
}

function norm(arch: ArchJson, n: string): string {
  return `${arch.flags.norm_kind === 'layernorm' ? 'LayerNorm' : 'RMSNorm'}${n}`;
}

/** The rows of the figure, bottom to top. */
function buildRows(arch: ArchJson, showMtp: boolean): Row[] {
  const rows: Row[] = [];
  const f = arch.flags;
  const row = (id: string, center: Row['center'], ledger: Run[][] = [], left: LeftItem[] = [], inBlock = false, inContainer = true) =>
    rows.push({ id, center, ledger, left, inBlock, inContainer });
  const box = (id: string, lines: Run[][], fill: Role = 'box', textColor: Role = 'ink'): Row['center'] => ({
    kind: 'boxes',
    boxes: [{ id, lines, fill, stroke: 'ink', textColor }],
  });
  const d = dimValue(arch, 'd')!;
  const V = dimValue(arch, 'V')!;

  row('input', { kind: 'input', text: 'Sample input text' }, [], [], false, false);
  row('tokens', box('tokens', label('Tokenized text')), [], [{ id: 'vocab', kind: 'text', lines: [[plain('Vocabulary of ')], [plain(groupDigits(V), 'bold', 'accent'), plain(' tokens')]] }], false, false);
  // OPT-350m embeds tokens narrower than the model and projects them: show both widths.
  const dEmb = dimValue(arch, 'd_emb');
  const embedLeft: LeftItem[] = [{ id: 'dim', kind: 'text', lines: [[plain('Embedding dim ')], [plain(groupDigits(dEmb ?? d), 'bold', 'accent'), ...(dEmb ? [plain(` → ${groupDigits(d)}`)] : [])]] }];
  if (f.learned_positions) embedLeft.push({ id: 'positions', kind: 'box', lines: label('Learned positions'), fill: 'embed', arrow: true });
  row('embed', box('embed', label('Token embedding layer'), 'embed'), ledgerFor(arch, ['embed', 'pos_embed', 'project_in']), embedLeft);

  // The repeated block.
  const L = arch.layers.length;
  const placement = f.norm_placement;
  const braceItem: LeftItem = { id: 'repeat', kind: 'text', lines: [[plain(`${L} ×`, 'bold', 'accent')]] };
  const blockRow = (id: string, center: Row['center'], ledger: Run[][] = [], left: LeftItem[] = []) => row(id, center, ledger, left, true);
  if (f.hyper_connections) blockRow('hc_attn', box('hc_attn', label(`mHC mixer (${dimValue(arch, 'hc')} streams)`), 'norm'), ledgerFor(arch, ['layers.hc_attn']));
  const kvHeads = dimValue(arch, 'H_kv') ?? 1;
  const heads = `${dimValue(arch, 'H')} heads${arch.family === 'gqa' || arch.family === 'dsv4' ? ` · ${kvHeads} KV head${kvHeads === 1 ? '' : 's'}` : ''}${dimValue(arch, 'd_h') ? ` · d_h ${dimValue(arch, 'd_h')}` : ''}`;
  const attnIds = ['layers.attn', 'layers.linear_attn', 'layers.qk_norm', 'layers.compressor*', 'layers.indexer'];
  const ffnIds = ['layers.ffn', 'layers.router*', 'layers.experts', 'layers.shared_experts', 'layers.shared_expert_gate'];
  const ffnLabel = f.moe ? (arch.layers.some((l) => l.ffn.kind === 'dense') ? 'MoE (or dense FFN)' : 'MoE') : 'Feed forward';
  const ffnCaption = f.moe
    ? `${dimValue(arch, 'E')} experts, ${dimValue(arch, 'k')} active, width ${groupDigits(dimValue(arch, 'd_e')!)}`
    : `hidden size ${groupDigits(dimValue(arch, 'd_ff')!)} (${{ swiglu: 'SwiGLU', geglu: 'GeGLU', mlp: `${arch.activation.replace(/_.*$/, '').toUpperCase()} MLP` }[f.ffn_kind]})`;
  if (f.parallel_attention) {
    // Falcon: attention and MLP read the same normalised input side by side; one ⊕ adds both.
    const norms = placement === 'shared' ? [{ id: 'norm1', lines: label(norm(arch, '')), fill: 'norm' as Role, stroke: 'ink' as Role, textColor: 'ink' as Role }] : [
      { id: 'norm1', lines: label(norm(arch, ' (attn)')), fill: 'norm' as Role, stroke: 'ink' as Role, textColor: 'ink' as Role },
      { id: 'norm2', lines: label(norm(arch, ' (MLP)')), fill: 'norm' as Role, stroke: 'ink' as Role, textColor: 'ink' as Role },
    ];
    blockRow('norm1', { kind: 'boxes', boxes: norms }, ledgerFor(arch, ['layers.attn_norm', 'layers.ffn_norm']));
    blockRow('sublayers', {
      kind: 'boxes',
      boxes: [
        { id: 'attn', lines: attentionLabel(arch), fill: 'attention', stroke: 'ink', textColor: 'attentionInk' },
        { id: 'ffn', lines: label(ffnLabel), fill: 'proj', stroke: 'ink', textColor: 'ink' },
      ],
    }, [...ledgerFor(arch, attnIds, heads), ...ledgerFor(arch, ffnIds, ffnCaption)], attentionModifiers(arch));
    blockRow('plus1', { kind: 'plus' });
  } else {
    const pre = placement === 'pre' || placement === 'sandwich';
    const post = placement === 'post' || placement === 'sandwich';
    const sandwich = placement === 'sandwich';
    if (pre) blockRow('norm1', box('norm1', label(norm(arch, sandwich ? ' (pre)' : ' 1')), 'norm'), ledgerFor(arch, ['layers.attn_norm']));
    blockRow('attn', box('attn', attentionLabel(arch), 'attention', 'attentionInk'), ledgerFor(arch, attnIds, heads), attentionModifiers(arch));
    if (post) blockRow('post_attn_norm', box('post_attn_norm', label(norm(arch, sandwich ? ' (post)' : ' 1')), 'norm'), ledgerFor(arch, ['layers.post_attn_norm']));
    blockRow('plus1', { kind: 'plus' });
    if (f.hyper_connections) blockRow('hc_ffn', box('hc_ffn', label(`mHC mixer (${dimValue(arch, 'hc')} streams)`), 'norm'), ledgerFor(arch, ['layers.hc_ffn']));
    if (pre) blockRow('norm2', box('norm2', label(norm(arch, sandwich ? ' (pre)' : ' 2')), 'norm'), ledgerFor(arch, ['layers.ffn_norm']));
    blockRow('ffn', box('ffn', label(ffnLabel), 'proj'), ledgerFor(arch, ffnIds, ffnCaption));
    if (post) blockRow('post_ffn_norm', box('post_ffn_norm', label(norm(arch, sandwich ? ' (post)' : ' 2')), 'norm'), ledgerFor(arch, ['layers.post_ffn_norm']));
    blockRow('plus2', { kind: 'plus' });
  }
  // "N ×" at the lower left of the block, beside its first row.
  const firstBlock = rows.find((r) => r.inBlock)!;
  firstBlock.left.unshift(braceItem);

  if (f.hyper_connections) row('hc_head', box('hc_head', label('mHC head mixer'), 'norm'), ledgerFor(arch, ['hc_head']));
  if (arch.units.some((u) => u.id === 'final_norm')) row('final_norm', box('final_norm', label(`Final ${norm(arch, '')}`), 'norm'), ledgerFor(arch, ['final_norm']));
  const mtpTotal = arch.units.filter((u) => u.scope === 'mtp').reduce((a, u) => a + u.total, 0);
  const headLeft: LeftItem[] = showMtp
    ? [{ id: 'mtp', kind: 'box', fill: 'mtp', dashed: true, arrow: 'from-center', lines: [[plain(`MTP module × ${arch.mtp_layers.length}`, 'bold')], [plain(`+${groupDigits(mtpTotal)}`)], [plain('predicts one more token')]] }]
    : [];
  const headLedger = f.tied_embeddings
    ? [...wrap('tied to the token embedding: no parameters of its own', 'italic', SIZE.small, LEDGER_W), ...ledgerFor(arch, ['project_out'])]
    : ledgerFor(arch, ['head', 'project_out']);
  row('head', box('head', label('Linear output layer'), 'embed'), headLedger, headLeft);
  return rows;
}

interface Placed {
  row: Row;
  y: number;
  h: number;
}

/** Lays out an `arch.json` as a scene. */
export function layoutFigure(arch: ArchJson, options: FigureOptions = {}): Scene {
  const items: Item[] = [];
  const showMtp = (options.mtp ?? true) && arch.mtp_layers.length > 0;
  const rows = buildRows(arch, showMtp);

  // Horizontal columns.
  const boxSizes = (r: Row) => (r.center.kind === 'boxes' ? r.center.boxes.map((b) => blockSize(b.lines, SIZE.label)) : []);
  const rowCenterWidth = (r: Row) => {
    const sizes = boxSizes(r);
    return sizes.reduce((a, s) => a + s.w + 2 * PAD_X, 0) + Math.max(0, sizes.length - 1) * 12;
  };
  const innerW = Math.max(150, ...rows.filter((r) => r.center.kind === 'boxes').map(rowCenterWidth));
  const blockPad = 26; // room for the residual lines on the right
  const leftX = M;
  const containerX = leftX + LEFT_W + COL_GAP;
  const blockX = containerX + 12;
  const blockW = innerW + 2 * blockPad;
  const containerW = blockW + 24;
  const xc = blockX + blockW / 2;
  const ledgerX = containerX + containerW + COL_GAP;
  const hasInset = arch.flags.moe;
  const insetW = hasInset ? moeInsetWidth(arch) : 0;
  const insetX = ledgerX + LEDGER_W + COL_GAP;
  const width = (hasInset ? insetX + insetW : ledgerX + LEDGER_W) + M;

  // Vertical: rows bottom to top.
  const leftHeight = (r: Row) => r.left.reduce((a, it) => a + blockSize(it.lines, SIZE.small).h + (it.kind === 'box' ? 2 * PAD_Y : 0) + 6, 0);
  const centerHeight = (r: Row) =>
    r.center.kind === 'plus' ? 14 : r.center.kind === 'input' ? SIZE.mono * LINE_SPACING : Math.max(...boxSizes(r).map((s) => s.h + 2 * PAD_Y));
  const ledgerHeight = (r: Row) => blockSize(r.ledger, SIZE.small).h;
  let y = M;
  const stripHeight = patternStripHeight(arch);
  y += stripHeight > 0 ? stripHeight + 18 : 0;
  const placed: Placed[] = [];
  for (const r of rows) {
    const h = Math.max(centerHeight(r), leftHeight(r), ledgerHeight(r));
    // Extra room at the container and block borders.
    const prev = placed[placed.length - 1]?.row;
    if (prev && prev.inContainer !== r.inContainer) y += 10;
    if (prev && prev.inBlock !== r.inBlock) y += 12;
    placed.push({ row: r, y, h });
    y += h + ROW_GAP;
  }
  const outArrowTop = y + 16;
  const titleY = outArrowTop + 14;
  const t = arch.totals;
  const title = options.title ?? `${arch.model.name} (${compact(t.params_main)}${t.active_params !== t.params_main ? `, ${compact(t.active_params)} active` : ''})`;
  const titleLines = wrap(clip(title, MAX_TITLE), 'bold', SIZE.title, width - 2 * M);
  const subtitle = summaryLines(arch, showMtp, width - 2 * M);
  const subH = blockSize(subtitle, SIZE.subtitle).h;
  const titleH = blockSize(titleLines, SIZE.title).h;
  const height = titleY + subH + 6 + titleH + M;

  // Frames: container and block.
  const inContainer = placed.filter((p) => p.row.inContainer);
  const inBlock = placed.filter((p) => p.row.inBlock);
  const cy0 = inContainer[0]!.y - 10;
  const cy1 = inContainer[inContainer.length - 1]!.y + inContainer[inContainer.length - 1]!.h + 10;
  items.push({ kind: 'frame', id: 'container', x: containerX, y: cy0, w: containerW, h: cy1 - cy0, fill: 'container', stroke: 'ink', style: 'solid', radius: 14 });
  const by0 = inBlock[0]!.y - 8;
  const by1 = inBlock[inBlock.length - 1]!.y + inBlock[inBlock.length - 1]!.h + 8;
  items.push({ kind: 'frame', id: 'block', x: blockX, y: by0, w: blockW, h: by1 - by0, fill: 'block', stroke: 'ink', style: 'solid', radius: 12 });
  const firstBlockRow = inBlock[0]!;
  items.push({ kind: 'brace', id: 'brace', x: blockX - 4, y0: firstBlockRow.y - 4, y1: firstBlockRow.y + firstBlockRow.h + 4 });

  // Rows.
  const centers = new Map<string, { boxes: BoxItem[]; cy: number; top: number; bottom: number }>();
  for (const { row: r, y: ry, h } of placed) {
    const cy = ry + h / 2;
    if (r.center.kind === 'input') {
      const w = lineWidth([plain(r.center.text, 'mono')], SIZE.mono);
      const th = SIZE.mono * LINE_SPACING;
      items.push({ kind: 'text', id: 'input', x: xc - w / 2, y: cy - th / 2, w, h: th, lines: [[plain(r.center.text, 'mono')]], size: SIZE.mono, color: 'ink', align: 'center' });
      centers.set(r.id, { boxes: [], cy, top: cy + th / 2, bottom: cy - th / 2 });
    } else if (r.center.kind === 'plus') {
      items.push({ kind: 'circle', id: r.id, cx: xc, cy, r: 6, symbol: 'plus' });
      centers.set(r.id, { boxes: [], cy, top: cy + 6, bottom: cy - 6 });
    } else {
      const sizes = boxSizes(r);
      const total = rowCenterWidth(r);
      let x = xc - total / 2;
      const boxes: BoxItem[] = [];
      r.center.boxes.forEach((b, k) => {
        const bw = Math.max(sizes[k]!.w + 2 * PAD_X, r.center.kind === 'boxes' && r.center.boxes.length === 1 ? 120 : 0);
        const bx = r.center.kind === 'boxes' && r.center.boxes.length === 1 ? xc - bw / 2 : x;
        const bh = sizes[k]!.h + 2 * PAD_Y;
        const box: BoxItem = { kind: 'box', id: b.id, x: bx, y: cy - bh / 2, w: bw, h: bh, fill: b.fill, stroke: b.stroke, textColor: b.textColor, lines: b.lines, size: SIZE.label, radius: 4 };
        boxes.push(box);
        items.push(box);
        x += bw + 12;
      });
      centers.set(r.id, { boxes, cy, top: Math.max(...boxes.map((b) => b.y + b.h)), bottom: Math.min(...boxes.map((b) => b.y)) });
    }
    // Left items, stacked from the top of the row; arrows end at distinct heights of the box.
    let ly = ry + h;
    const arrowed = r.left.filter((it) => it.arrow === true);
    for (const it of r.left) {
      const size = blockSize(it.lines, SIZE.small);
      const ih = size.h + (it.kind === 'box' ? 2 * PAD_Y : 0);
      const iy = ly - ih;
      if (it.kind === 'box') {
        const iw = Math.min(LEFT_W, size.w + 2 * PAD_X);
        const box: BoxItem = { kind: 'box', id: `${r.id}.${it.id}`, x: leftX + LEFT_W - iw, y: iy, w: iw, h: ih, fill: it.fill ?? 'box', stroke: 'ink', textColor: 'ink', lines: it.lines, size: SIZE.small, radius: 4, ...(it.dashed ? { dashed: true } : {}) };
        items.push(box);
        const target = centers.get(r.id)!.boxes[0];
        if (it.arrow && target) {
          const sy = iy + ih / 2;
          const slot = arrowed.indexOf(it);
          const ty = it.arrow === true && arrowed.length > 1 ? target.y + target.h - ((slot + 1) * target.h) / (arrowed.length + 1) : Math.min(Math.max(sy, target.y + 4), target.y + target.h - 4);
          // Each arrow turns up or down in its own lane between the left column and the block.
          const jx = leftX + LEFT_W + 4 + (it.arrow === true ? Math.max(0, slot) * 3 : 0);
          const points: [number, number][] = Math.abs(sy - ty) < 0.5 ? [[box.x + box.w, sy], [target.x, sy]] : [[box.x + box.w, sy], [jx, sy], [jx, ty], [target.x, ty]];
          if (it.arrow === 'from-center') points.reverse();
          items.push({ kind: 'arrow', id: `${r.id}.${it.id}.arrow`, points, style: it.arrow === 'from-center' ? 'dashed' : 'solid', head: true, color: 'ink' });
        }
      } else {
        items.push({ kind: 'text', id: `${r.id}.${it.id}`, x: leftX + LEFT_W - size.w, y: iy, w: size.w, h: size.h, lines: it.lines, size: SIZE.small, color: 'ink', align: 'right' });
      }
      ly = iy - 6;
    }
    // Ledger.
    if (r.ledger.length) {
      const size = blockSize(r.ledger, SIZE.small);
      items.push({ kind: 'text', id: `${r.id}.ledger`, x: ledgerX, y: cy - size.h / 2, w: size.w, h: size.h, lines: r.ledger, size: SIZE.small, color: 'muted', align: 'left' });
    }
  }

  // The flow: arrows between consecutive rows, residual lines around each sub-layer.
  for (let k = 0; k + 1 < placed.length; k++) {
    const a = centers.get(placed[k]!.row.id)!;
    const b = centers.get(placed[k + 1]!.row.id)!;
    flowArrows(items, `flow.${k}`, a, b, xc);
  }
  const lastTop = centers.get(placed[placed.length - 1]!.row.id)!.top;
  items.push({ kind: 'arrow', id: 'flow.out', points: [[xc, lastTop], [xc, outArrowTop]], style: 'solid', head: true, color: 'ink' });
  residuals(items, placed, centers, xc, blockX + blockW - blockPad / 2);

  if (hasInset) moeInset(items, arch, insetX, insetW, centers.get(arch.flags.parallel_attention ? 'sublayers' : 'ffn')!.cy, ledgerX + LEDGER_W, stripHeight > 0 ? M + stripHeight + 18 : M, titleY - 6);
  if (stripHeight > 0) patternStrip(items, arch, M, M, width - 2 * M);

  // Title and summary.
  items.push({ kind: 'text', id: 'summary', x: M, y: titleY, w: blockSize(subtitle, SIZE.subtitle).w, h: subH, lines: subtitle, size: SIZE.subtitle, color: 'ink', align: 'left' });
  const tw = blockSize(titleLines, SIZE.title).w;
  items.push({ kind: 'text', id: 'title', x: M, y: titleY + subH + 6, w: tw, h: titleH, lines: titleLines.map((l) => l.map((r) => ({ ...r, color: 'accent' }))), size: SIZE.title, color: 'accent', align: 'left' });

  const minTextSize = Math.min(...items.filter((i): i is TextItem | BoxItem => i.kind === 'text' || i.kind === 'box').map((i) => i.size));
  return { width, height, items, minTextSize };
}

/** A title is a few words: longer ones (a pasted paragraph) are cut, with an ellipsis. */
const MAX_TITLE = 160;
function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Totals in one or two lines under the title. */
function summaryLines(arch: ArchJson, showMtp: boolean, max: number): Run[][] {
  const t = arch.totals;
  const parts: Run[][] = [[plain('Parameters '), plain(groupDigits(t.params_main), 'bold')]];
  if (t.active_params !== t.params_main) parts.push([plain('active per token '), plain(`${compact(t.active_params)}`, 'bold')]);
  if (showMtp && t.params !== t.params_main) parts.push([plain('MTP '), plain(`+${compact(t.params - t.params_main)}`, 'bold')]);
  parts.push([plain('KV cache '), plain(`${bytes(t.kv_cache_bytes_per_token)}`, 'bold'), plain(' per token (bf16)')]);
  if (arch.flags.multimodal_wrapper) parts.push([plain('text decoder of a multimodal model', 'italic')]);
  const lines: Run[][] = [[]];
  for (const part of parts) {
    const line = lines[lines.length - 1]!;
    const candidate = line.length ? [...line, plain('  ·  '), ...part] : part;
    if (line.length && lineWidth(candidate, SIZE.subtitle) > max) lines.push(part);
    else lines[lines.length - 1] = candidate;
  }
  return lines;
}

function flowArrows(items: Item[], id: string, a: { boxes: BoxItem[]; top: number }, b: { boxes: BoxItem[]; bottom: number }, xc: number): void {
  const from = a.boxes.length ? a.boxes.map((x) => x.x + x.w / 2) : [xc];
  const to = b.boxes.length ? b.boxes.map((x) => x.x + x.w / 2) : [xc];
  const midY = (a.top + b.bottom) / 2;
  if (from.length === 1 && to.length === 1) {
    items.push({ kind: 'arrow', id, points: [[from[0]!, a.top], [to[0]!, b.bottom]], style: 'solid', head: true, color: 'ink' });
    return;
  }
  if (from.length === to.length) {
    // Side by side into side by side (Falcon-40B: ln_attn → attention, ln_mlp → MLP): pairwise.
    from.forEach((fx, i) => {
      const tx = to[i]!;
      const points: [number, number][] = Math.abs(fx - tx) < 0.5 ? [[fx, a.top], [tx, b.bottom]] : [[fx, a.top], [fx, midY], [tx, midY], [tx, b.bottom]];
      items.push({ kind: 'arrow', id: `${id}.pair${i}`, points, style: 'solid', head: true, color: 'ink' });
    });
    return;
  }
  from.forEach((fx, i) => items.push({ kind: 'arrow', id: `${id}.up${i}`, points: [[fx, a.top], [fx, midY], [xc, midY]], style: 'solid', head: false, color: 'ink' }));
  to.forEach((tx, i) => items.push({ kind: 'arrow', id: `${id}.to${i}`, points: [[xc, midY], [tx, midY], [tx, b.bottom]], style: 'solid', head: true, color: 'ink' }));
}

/** The residual line of each sub-layer: from below its first row, up the right side, into ⊕. */
function residuals(items: Item[], placed: Placed[], centers: Map<string, { cy: number; bottom: number; top: number }>, xc: number, xr: number): void {
  let start: number | null = null;
  let n = 0;
  for (let k = 0; k < placed.length; k++) {
    const r = placed[k]!.row;
    if (!r.inBlock) continue;
    if (start === null) start = k;
    if (r.center.kind === 'plus') {
      // Branch off just below the sub-layer's first row (inside the block frame).
      const first = centers.get(placed[start]!.row.id)!;
      const below = centers.get(placed[start - 1]!.row.id)!;
      const y0 = Math.max((below.top + first.bottom) / 2, first.bottom - 6);
      const cy = centers.get(r.id)!.cy;
      items.push({ kind: 'arrow', id: `residual.${n++}`, points: [[xc, y0], [xr, y0], [xr, cy], [xc + 6, cy]], style: 'solid', head: true, color: 'ink' });
      start = k + 1;
    }
  }
}

const expertLabels = (arch: ArchJson): string[] => {
  const E = arch.dims['E']!.value;
  const routed = E <= 3 ? Array.from({ length: E }, (_, i) => String(i + 1)) : ['1', '2', '…', String(E)];
  return [...routed, ...(arch.flags.shared_experts ? ['shared'] : [])];
};
const expertWidth = (label: string): number => lineWidth([plain(label)], SIZE.small) + 12;
const EXPERT_GAP = 5;

function moeInsetWidth(arch: ArchJson): number {
  const labels = expertLabels(arch);
  return Math.max(140, labels.reduce((a, t) => a + expertWidth(t), 0) + EXPERT_GAP * (labels.length - 1) + 20);
}

/**
 * The MoE inset, right of the ledger: the router feeding numbered experts (and the shared one),
 * their outputs summed; a caption below says how many are active.
 */
function moeInset(items: Item[], arch: ArchJson, x: number, w: number, cy: number, ledgerRight: number, bottom: number, top: number): void {
  const E = arch.dims['E']!.value;
  const k = arch.dims['k']!.value;
  const shared = arch.flags.shared_experts;
  const h = 132;
  const caption = [[plain(`${k} of ${E} routed experts`)], [plain(`active per token${shared ? ' + shared' : ''}`)]];
  const cs = blockSize(caption, SIZE.small);
  const y = Math.min(Math.max(cy - h / 2, bottom + cs.h + 6), top - h);
  items.push({ kind: 'frame', id: 'moe.frame', x, y, w, h, fill: null, stroke: 'accent', style: 'dotted', radius: 10 });
  const titleRuns = [[plain('MoE layer', 'bold')]];
  const ts = blockSize(titleRuns, SIZE.small);
  items.push({ kind: 'text', id: 'moe.title', x: x + 8, y: y + h - 6 - ts.h, w: ts.w, h: ts.h, lines: titleRuns, size: SIZE.small, color: 'ink', align: 'left' });
  const routerLines = [[plain(arch.flags.hash_routing ? 'Router (score / hash)' : 'Router')]];
  const rs = blockSize(routerLines, SIZE.small);
  const router: BoxItem = { kind: 'box', id: 'moe.router', x: x + w / 2 - (rs.w + 2 * PAD_X) / 2, y: y + 10, w: rs.w + 2 * PAD_X, h: rs.h + 2 * PAD_Y, fill: 'router', stroke: 'ink', textColor: 'ink', lines: routerLines, size: SIZE.small, radius: 4 };
  items.push(router);
  const labels = expertLabels(arch);
  const widths = labels.map(expertWidth);
  const gap = EXPERT_GAP;
  const rowW = widths.reduce((a, b) => a + b, 0) + gap * (labels.length - 1);
  let ex = x + w / 2 - rowW / 2;
  const ey = router.y + router.h + 26;
  const experts: BoxItem[] = labels.map((t, i) => {
    const b: BoxItem = { kind: 'box', id: `moe.expert.${i}`, x: ex, y: ey, w: widths[i]!, h: rs.h + 2 * PAD_Y, fill: t === 'shared' ? 'proj' : 'expert', stroke: 'ink', textColor: 'ink', lines: [[plain(t)]], size: SIZE.small, radius: 4 };
    ex += widths[i]! + gap;
    return b;
  });
  items.push(...experts);
  const plusY = ey + experts[0]!.h + 24;
  items.push({ kind: 'circle', id: 'moe.plus', cx: x + w / 2, cy: plusY, r: 6, symbol: 'plus' });
  experts.forEach((e, i) => {
    if (labels[i] === '…') return;
    if (labels[i] !== 'shared') items.push({ kind: 'arrow', id: `moe.in.${i}`, points: [[x + w / 2, router.y + router.h], [e.x + e.w / 2, e.y]], style: 'solid', head: true, color: 'ink' });
    items.push({ kind: 'arrow', id: `moe.out.${i}`, points: [[e.x + e.w / 2, e.y + e.h], [x + w / 2, plusY - 6]], style: 'solid', head: true, color: 'ink' });
  });
  items.push({ kind: 'text', id: 'moe.caption', x: x + w / 2 - cs.w / 2, y: y - 4 - cs.h, w: cs.w, h: cs.h, lines: caption, size: SIZE.small, color: 'muted', align: 'center' });
  items.push({ kind: 'arrow', id: 'moe.link', points: [[ledgerRight + 2, cy], [x, Math.min(Math.max(cy, y + 10), y + h - 10)]], style: 'dotted', head: false, color: 'accent' });
}

/** Per-layer properties that vary, each a strip of cells. */
function stripRows(arch: ArchJson): { name: string; values: string[]; legend: Record<string, string> }[] {
  const rows: { name: string; values: string[]; legend: Record<string, string> }[] = [];
  const L = arch.layers;
  const add = (name: string, values: string[], legend: Record<string, string>) => {
    if (new Set(values).size > 1) rows.push({ name, values, legend });
  };
  add('attention', L.map((l) => (l.attention.kind === 'gated_deltanet' ? 'A' : 'B')), { A: 'Gated DeltaNet (linear)', B: 'full attention' });
  add('window', L.map((l) => (l.attention.window !== null ? 'A' : 'B')), { A: 'sliding window', B: 'global' });
  // Linear-attention layers have no positions at all: only attention layers can differ here.
  const softmaxRope = L.filter((l) => l.attention.kind !== 'gated_deltanet').map((l) => l.attention.rope);
  if (new Set(softmaxRope).size > 1) add('position', L.map((l) => (l.attention.rope ? 'B' : 'A')), { A: 'NoPE', B: 'RoPE' });
  // Compression: one colour per distinct (ratio, indexer) combination, legend from the layers.
  const combos = [...new Set(L.map((l) => `${l.attention.compress_ratio ?? 0}${l.attention.indexer ? '+i' : ''}`))].sort((a, b) => parseInt(a) - parseInt(b));
  const comboLegend = Object.fromEntries(
    combos.slice(0, 4).map((c, i) => {
      const ratio = parseInt(c);
      return ['ABCD'[i]!, ratio === 0 ? 'window only' : `1:${ratio}${c.endsWith('+i') ? ' + indexer' : ''}`];
    }),
  );
  add('compression', L.map((l) => 'ABCD'[Math.min(3, combos.indexOf(`${l.attention.compress_ratio ?? 0}${l.attention.indexer ? '+i' : ''}`))]!), comboLegend);
  add('FFN', L.map((l) => (l.ffn.kind === 'dense' ? 'A' : 'B')), { A: 'dense FFN', B: 'MoE' });
  // Routing differs only where some layers route by hash (dense layers show in the FFN row).
  if (L.some((l) => l.ffn.routing === 'hash')) {
    add('routing', L.map((l) => (l.ffn.routing === 'hash' ? 'A' : l.ffn.routing === 'score' ? 'B' : 'C')), { A: 'hash routing', B: 'score routing', C: 'dense (no router)' });
  }
  return rows;
}

function patternStripHeight(arch: ArchJson): number {
  const n = stripRows(arch).length;
  return n === 0 ? 0 : 16 + n * 16;
}

function patternStrip(items: Item[], arch: ArchJson, x: number, y: number, w: number): void {
  const rows = stripRows(arch);
  const L = arch.layers.length;
  const nameW = 70;
  const legendW = 200;
  const cellW = Math.min(9, (w - nameW - legendW - 12) / L);
  const heading = [[plain(`Layer by layer: one cell per layer, 0 … ${L - 1} from left to right`, 'italic')]];
  const hs = blockSize(heading, SIZE.small);
  const top = y + rows.length * 16;
  items.push({ kind: 'text', id: 'strip.heading', x, y: top, w: hs.w, h: hs.h, lines: heading, size: SIZE.small, color: 'muted', align: 'left' });
  const roles: Role[] = ['cellA', 'cellB', 'cellC', 'cellD'];
  rows.forEach((r, i) => {
    const ry = top - (i + 1) * 16;
    const name = [[plain(r.name)]];
    const ns = blockSize(name, SIZE.small);
    items.push({ kind: 'text', id: `strip.${r.name}.name`, x, y: ry + 1, w: ns.w, h: ns.h, lines: name, size: SIZE.small, color: 'ink', align: 'left' });
    r.values.forEach((v, j) => {
      items.push({ kind: 'cell', id: `strip.${r.name}.${j}`, x: x + nameW + j * cellW, y: ry + 2, w: cellW - 1, h: 10, fill: roles['ABCD'.indexOf(v)]! });
    });
    let lx = x + nameW + L * cellW + 12;
    for (const [key, text] of Object.entries(r.legend)) {
      if (!r.values.includes(key)) continue;
      items.push({ kind: 'cell', id: `strip.${r.name}.legend.${key}`, x: lx, y: ry + 2, w: 8, h: 10, fill: roles['ABCD'.indexOf(key)]! });
      const t = [[plain(text)]];
      const s = blockSize(t, SIZE.small);
      items.push({ kind: 'text', id: `strip.${r.name}.legend.${key}.text`, x: lx + 11, y: ry + 1, w: s.w, h: s.h, lines: t, size: SIZE.small, color: 'ink', align: 'left' });
      lx += 11 + s.w + 10;
    }
  });
}
