/**
 * Entry of the `figure` stage: `arch.json` → {@link Scene}. The grammar of Raschka's gallery at a
 * fixed scale (style.ts): the main stack in the middle (spine.ts), the attention modifiers and the
 * callouts on its left (callouts.ts), the insets that show what a block does on its right
 * (insets/), the per-layer pattern strip (strip.ts) and the ledger table with every formula and
 * exact count (ledger.ts) under it, the title on top (title.ts).
 *
 * Horizontal positions are fixed for every figure, so two figures shown at the same width have
 * the same box sizes and their stacks line up; heights follow from the rows and the insets.
 */
import { isStateMixer } from '../arch/mixers.js';
import type { ArchJson } from '../schema/arch-json.js';
import { HfArchError } from '../errors.js';
import type { BoxItem, Item, Scene, TextItem } from './scene.js';
import { bytes, compact, contextTokens, groupDigits } from './format.js';
import { blockSize, lineWidth, LINE_SPACING, plain, wrap, type Run } from './text.js';
import { arrow, boxSize, circle, leader, textAt, accent as accentRun, strong } from './draw.js';
import { BOX_RADIUS, CIRCLE_R, FIGURE_WIDTH, FRAME_RADIUS, MARGIN, MIN_TEXT_INSET, PAD_X, SIZE } from './style.js';
import { attentionModifiers, spineRows, type SpineBox, type SpineRow } from './spine.js';
import { dim } from './dims.js';
import { callouts, CALLOUT_W } from './callouts.js';
import { drawStrip, stripHeight } from './strip.js';
import { drawLedger, ledgerHeight } from './ledger.js';
import { figureInsets } from './insets/index.js';
import { INSET_PAD, INSET_TITLE_H, type Inset } from './insets/inset.js';
import { wrapRuns } from './wrap-runs.js';
import { ACCENT_PATTERN, accentTint, displayTitle, modelAccent, readableTint } from './title.js';
import { layerRecipe } from './recipe.js';
import { placeColumn } from './place.js';
import { translateItems } from './geometry.js';

/** Options that change the figure. */
export interface FigureOptions {
  /** Draw the MTP branch (when the model has one). Default true. */
  mtp?: boolean;
  /** Replace the title (default: the model's display name and its size). */
  title?: string;
  /** The table of formulas and exact counts under the drawing (`table`, default) or none. */
  ledger?: 'table' | 'none';
  /** `full` (default) draws the insets; `compact` only the main stack, callouts and counts. */
  detail?: 'full' | 'compact';
  /** Accent colour `#RRGGBB` for themes that colour each model (gallery); default per family. */
  accent?: string;
  /** The counts matched the checkpoint (`hf-arch verify`): the summary line says against what,
   * e.g. `checkpoint Qwen/Qwen3-0.6B@c1899de` or `the local checkpoint my-model`. */
  verifiedAgainst?: string;
}

// Fixed columns (pt from the left edge).
const CALLOUT_X = MARGIN;
const MOD_X1 = 244; // right edge of the modifier column
const MOD_W = 100;
const CONTAINER_X = 256;
const CONTAINER_W = 178;
const BLOCK_X = 266;
const BLOCK_W = 158;
const XC = 336; // centre line of the stack
const LANE_X = BLOCK_X + BLOCK_W - 7; // the residual lane, inside the block's right edge
const BOX_MIN_W = 124;
const BOX_MAX_W = 2 * (LANE_X - 6 - XC);
const RIGHT_X = 446; // left edge of the inset column
const DOWN_X = MOD_X1 + 6; // left of the brace: the lanes of the modifiers' arrows start here
const UNDER_X = XC + BOX_MIN_W / 2 + 10; // where a leader runs down to an inset under the stack
const RIGHT_W = FIGURE_WIDTH - MARGIN - RIGHT_X;
const ROW_GAP = 14;
const BLOCK_PAD = 12;
const CONTAINER_PAD = 12;
const COUNT_SCALE = 0.9;

type UnitRef = ArchJson['units'][number];

function unitsOf(arch: ArchJson, ids: string[]): UnitRef[] {
  // `layers.attn` also stands for its variants read from a checkpoint (`layers.attn.v2`, …).
  const variant = (u: string, id: string) => u.startsWith(`${id}.v`) && /^\d+$/.test(u.slice(id.length + 2));
  return arch.units.filter((u) => ids.some((id) => u.id === id || (id.endsWith('*') && u.id.startsWith(id.slice(0, -1))) || variant(u.id, id)));
}

/** The count line of a box: exact per layer × layers when it fits, else compact. */
function countLine(arch: ArchJson, box: SpineBox, maxW: number): Run[] | null {
  const units = unitsOf(arch, box.units);
  if (units.length === 0) return null;
  const repeats = new Set(units.map((u) => u.repeat));
  const run = (text: string): Run[] => [{ text, face: 'sans', scale: COUNT_SCALE }];
  if (repeats.size === 1) {
    const r = units[0]!.repeat;
    const per = units.reduce((a, u) => a + u.param_count, 0);
    const exact = r > 1 ? `${groupDigits(per)} × ${r}` : groupDigits(per);
    if (lineWidth(run(exact), SIZE.label) <= maxW) return run(exact);
    return run(r > 1 ? `${compact(per)} × ${r}` : compact(per));
  }
  const total = units.reduce((a, u) => a + u.total, 0);
  return run(`${compact(total)} in all layers`);
}

interface PlacedRow {
  row: SpineRow;
  y: number;
  h: number;
  boxes: BoxItem[];
}

/** Lays out an `arch.json` as a scene. */
export function layoutFigure(arch: ArchJson, options: FigureOptions = {}): Scene {
  if (options.accent !== undefined && !ACCENT_PATTERN.test(options.accent)) {
    throw new HfArchError('usage', `the accent option must be a colour as #RRGGBB, not "${options.accent}"`, { hint: 'for example accent: "#1E7FC1"' });
  }
  const items: Item[] = [];
  const showMtp = (options.mtp ?? true) && arch.mtp_layers.length > 0;
  const withTable = (options.ledger ?? 'table') === 'table';
  // A structure read from tensor names has no dimensions to draw insets with.
  const fromTensors = arch.model.structure === 'tensor-names';
  const insets = (options.detail ?? 'full') === 'full' && !fromTensors ? figureInsets(arch, { formulas: !withTable }) : [];
  const rows = spineRows(arch);
  // Leader anchors of the spine boxes that have them (see SpineBox.anchors).
  const lineAnchors = new Map(rows.flatMap((r) => (r.center.kind === 'boxes' ? r.center.boxes : [])).filter((b) => b.anchors).map((b) => [b.id, b.anchors!]));
  // The height where an inset's leader meets a box: its anchor line, else its centre (lines are
  // of one height, the block of them centred in the box).
  const leaderY = (box: BoxItem, insetId: string): number => {
    const line = lineAnchors.get(box.id)?.[insetId];
    const cy = box.y + box.h / 2;
    return line === undefined ? cy : cy + (box.lines.length / 2 - line - 0.5) * box.size * LINE_SPACING;
  };

  // Boxes of each row, sized by their label and count line.
  const rowBoxes = (r: SpineRow): BoxItem[] => {
    if (r.center.kind !== 'boxes') return [];
    const n = r.center.boxes.length;
    const maxW = n === 1 ? BOX_MAX_W : (BOX_MAX_W - 8 * (n - 1)) / n;
    return r.center.boxes.map((b) => {
      const count = countLine(arch, b, maxW - 2 * PAD_X);
      // Side by side (Falcon, GPT-NeoX), a box is narrow: its label may use part of the padding
      // (down to the scene check's inset), and wraps rather than overflows beyond that.
      const label = n === 1 ? b.lines : b.lines.flatMap((line) => fitLine(line, SIZE.label, maxW - 2 * MIN_TEXT_INSET));
      const lines = count ? [...label, count] : label;
      const s = boxSize(lines, { minW: n === 1 ? BOX_MIN_W : 0 });
      const w = Math.min(Math.max(s.w, n === 1 ? BOX_MIN_W : (BOX_MIN_W - 8) / n), maxW);
      return { kind: 'box', id: b.id, x: 0, y: 0, w, h: s.h, fill: b.fill, stroke: 'ink', textColor: b.textColor, lines, size: SIZE.label, radius: BOX_RADIUS, ...(b.dashed ? { dashed: true } : {}) };
    });
  };
  const rowHeight = (r: SpineRow, boxes: BoxItem[]) =>
    r.center.kind === 'plus' ? 2 * CIRCLE_R : r.center.kind === 'input' ? SIZE.mono * LINE_SPACING : Math.max(...boxes.map((b) => b.h));

  // Vertical: ledger table, strip, then the stack from the input text up.
  let y = MARGIN;
  const tableH = withTable ? ledgerHeight(arch, showMtp) : 0;
  const tableY = y;
  if (withTable) y += tableH + 18;
  const sH = stripHeight(arch);
  const stripY = y;
  if (sH > 0) y += sH + 18;
  const mainBottom = y;

  // The stack at heights relative to its bottom first: with the inset column's height it decides
  // where the stack goes (at the top when the insets are taller, the notes then under it). A tower
  // box hangs below the tokens row: the stack starts high enough for it to end at the bottom.
  const tower = towerLines(arch);
  y = tower ? Math.max(0, TOWER_GAP + boxSize(tower, { size: SIZE.small }).h - (rowHeight(rows[0]!, []) + ROW_GAP)) : 0;
  const placed: PlacedRow[] = [];
  const firstBlock = rows.findIndex((r) => r.inBlock);
  for (const [k, r] of rows.entries()) {
    const prev = rows[k - 1];
    if (prev && prev.inContainer !== r.inContainer) y += CONTAINER_PAD;
    if (prev && prev.inBlock !== r.inBlock) y += BLOCK_PAD;
    // The brace and "N ×" sit beside the block's first row; when that row is attention (post-norm
    // models), whose modifiers arrive from the left, the block gets a free strip at its bottom.
    if (k === firstBlock && (r.id === 'attn' || r.id === 'sublayers')) y += 24;
    const boxes = rowBoxes(r);
    const h = rowHeight(r, boxes);
    placed.push({ row: r, y, h, boxes });
    y += h + ROW_GAP;
  }
  const spineH = y - ROW_GAP + 22;
  const blocks = rightBlocks(arch, insets);
  const notes = noteBlocks(arch);
  const plan = columnPlan(blocks, notes, spineH, (id) => {
    const p = placed.find((q) => q.boxes.some((b) => b.id === id));
    return p ? p.y + p.h / 2 : null;
  }, placed[firstBlock]?.boxes.map((b) => b.id) ?? [], (id) => {
    // The leader to an inset under the stack runs down right of every box below its target.
    const k = placed.findIndex((q) => q.boxes.some((b) => b.id === id));
    const rowRight = (q: PlacedRow) => XC + (q.boxes.reduce((a, b) => a + b.w, 0) + 8 * Math.max(0, q.boxes.length - 1)) / 2;
    return k >= 0 && placed.slice(0, k).every((q) => rowRight(q) <= UNDER_X - 3);
  });
  const { right, under, notesLeft, mainH } = plan;
  const base = mainBottom + mainH - spineH;
  for (const p of placed) p.y += base;
  const stackTop = base + spineH - 22;
  const outTop = stackTop + 22;

  // Centre items of each row.
  const byId = new Map<string, BoxItem>();
  const centers = new Map<string, { cy: number; top: number; bottom: number; boxes: BoxItem[] }>();
  for (const p of placed) {
    const cy = p.y + p.h / 2;
    const r = p.row;
    if (r.center.kind === 'input') {
      const runs = [plain(r.center.text, 'mono')];
      const w = lineWidth(runs, SIZE.mono);
      items.push({ kind: 'text', id: 'input', x: XC - w / 2, y: p.y, w, h: p.h, lines: [runs], size: SIZE.mono, color: 'ink', align: 'center' });
      centers.set(r.id, { cy, top: p.y + p.h, bottom: p.y, boxes: [] });
    } else if (r.center.kind === 'plus') {
      items.push(circle(r.id, XC, cy));
      centers.set(r.id, { cy, top: cy + CIRCLE_R, bottom: cy - CIRCLE_R, boxes: [] });
    } else {
      const total = p.boxes.reduce((a, b) => a + b.w, 0) + 8 * (p.boxes.length - 1);
      let x = XC - total / 2;
      for (const b of p.boxes) {
        b.x = x;
        b.y = cy - b.h / 2;
        x += b.w + 8;
        items.push(b);
        byId.set(b.id, b);
      }
      centers.set(r.id, { cy, top: Math.max(...p.boxes.map((b) => b.y + b.h)), bottom: Math.min(...p.boxes.map((b) => b.y)), boxes: p.boxes });
    }
  }

  // Frames: the container around the model, the block around the repeated layer.
  const inContainer = placed.filter((p) => p.row.inContainer);
  const inBlock = placed.filter((p) => p.row.inBlock);
  const cy0 = inContainer[0]!.y - CONTAINER_PAD;
  const cy1 = inContainer[inContainer.length - 1]!.y + inContainer[inContainer.length - 1]!.h + CONTAINER_PAD;
  const by0 = (firstBlock >= 0 && (rows[firstBlock]!.id === 'attn' || rows[firstBlock]!.id === 'sublayers') ? inBlock[0]!.y - 24 : inBlock[0]!.y) - BLOCK_PAD + 2;
  const by1 = inBlock[inBlock.length - 1]!.y + inBlock[inBlock.length - 1]!.h + BLOCK_PAD - 2;
  items.unshift(
    { kind: 'frame', id: 'container', x: CONTAINER_X, y: cy0, w: CONTAINER_W, h: cy1 - cy0, fill: 'container', stroke: 'ink', style: 'solid', radius: 14 },
    { kind: 'frame', id: 'block', x: BLOCK_X, y: by0, w: BLOCK_W, h: by1 - by0, fill: 'block', stroke: 'ink', style: 'solid', radius: 12 },
  );

  // The flow between consecutive rows, and the residual of each sub-layer.
  for (let k = 0; k + 1 < placed.length; k++) {
    const a = centers.get(placed[k]!.row.id)!;
    const b = centers.get(placed[k + 1]!.row.id)!;
    flowArrows(items, `flow.${k}`, a, b, placed[k + 1]!.row.streamsIn);
  }
  items.push(arrow('flow.out', [[XC, stackTop], [XC, outTop]]));
  residuals(items, placed, centers, dim(arch, 'hc') && arch.flags.hyper_connections ? dim(arch, 'hc')! : 0);
  if (arch.loops) loopArrow(items, arch.loops.count, placed, centers, by0, by1);

  // Left: the brace with "N ×", the modifiers of attention, the MTP branch, the callouts.
  const L = arch.layers.length;
  const firstRow = inBlock[0]!;
  const braceY0 = by0 + 4;
  // Beside the first row; when that row is attention, in the free strip under it (its modifiers'
  // arrows come in from the left at its height).
  const attnFirst = firstRow.row.id === 'attn' || firstRow.row.id === 'sublayers';
  const braceY1 = attnFirst ? firstRow.y - 4 : Math.max(firstRow.y + firstRow.h, braceY0 + 26);
  items.push({ kind: 'brace', id: 'brace', x: BLOCK_X - 5, y0: braceY0, y1: braceY1 });
  const repeatRuns = [[plain(`${L} ×`, 'bold', 'accent')]];
  const rs = blockSize(repeatRuns, SIZE.callout);
  const repeat = textAt('repeat', DOWN_X - 4 - rs.w, (braceY0 + braceY1) / 2 - rs.h / 2, repeatRuns, { size: SIZE.callout, color: 'accent', align: 'right' });
  items.push(repeat);
  const anchors = new Map<string, { x: number; y: number; lo: number; hi: number }>();
  anchors.set('repeat', { x: repeat.x, y: repeat.y + repeat.h / 2, lo: repeat.y, hi: repeat.y + repeat.h });
  for (const b of byId.values()) anchors.set(b.id, { x: b.x, y: b.y + b.h / 2, lo: b.y, hi: b.y + b.h });

  const attn = byId.get('attn')!;
  const mods = attentionModifiers(arch);
  // The stack starts a little above the attention box's bottom: a leader to an inset under the
  // figure may leave the box's left edge below it.
  let my = attn.y + 10;
  const modBoxes: BoxItem[] = [];
  mods.forEach((m) => {
    const s = boxSize(m.lines, { size: SIZE.small });
    const w = Math.min(MOD_W, s.w);
    const b: BoxItem = { kind: 'box', id: `mod.${m.id}`, x: MOD_X1 - w, y: my, w, h: s.h, fill: 'box', stroke: 'ink', textColor: 'ink', lines: m.lines, size: SIZE.small, radius: BOX_RADIUS };
    modBoxes.push(b);
    items.push(b);
    anchors.set(b.id, { x: b.x, y: b.y + b.h / 2, lo: b.y, hi: b.y + b.h });
    my += s.h + 7;
  });
  // Each modifier's arrow ends at its own height of the attention box: straight when its box is
  // level with the attention box, else turning down in its own lane.
  const slots = modBoxes.length;
  modBoxes.forEach((b, i) => {
    const sy = b.y + b.h / 2;
    // Slots from the bottom in stacking order, lanes further right for higher boxes: no crossings.
    const ty = slots === 1 ? Math.min(sy, attn.y + attn.h - 5) : attn.y + ((i + 1) * attn.h) / (slots + 1);
    if (Math.abs(sy - ty) < 0.5 || (sy <= attn.y + attn.h - 4 && sy >= attn.y + 4 && slots === 1)) {
      items.push(arrow(`${b.id}.arrow`, [[b.x + b.w, sy], [attn.x, sy]]));
    } else {
      const jx = DOWN_X + 4 + 4 * i;
      items.push(arrow(`${b.id}.arrow`, [[b.x + b.w, sy], [jx, sy], [jx, ty], [attn.x, ty]]));
    }
  });

  if (showMtp) mtpBranch(items, arch, placed, centers, byId);
  if (tower) towerBranch(items, tower, centers, placed);
  if (arch.flags.per_layer_embeddings) pleBranch(items, arch, byId);
  if (arch.flags.shortcut_moe) shortcutMoe(items, arch, byId, centers);

  const leftBusy: { lo: number; hi: number }[] = [...modBoxes.map((b) => ({ lo: b.y, hi: b.y + b.h })), { lo: repeat.y, hi: repeat.y + repeat.h }];
  for (const side of items.filter((i): i is BoxItem => i.kind === 'box' && (i.id === 'mtp' || i.id === 'tower' || i.id === 'ple_table' || i.id === 'moe_shortcut'))) leftBusy.push({ lo: side.y, hi: side.y + side.h });
  placeCallouts(items, callouts(arch, { rope: modBoxes.some((b) => b.id === 'mod.rope') }), anchors, leftBusy, notesLeft ? base - 4 : mainBottom, outTop);

  // Right: insets near the boxes they explain, then the MoE savings and the layer recipe.
  const rightTop = placeRight(items, notesLeft ? right : [...right, ...notes], byId, mainBottom, mainBottom + mainH, leaderY);
  // Under the stack, left: the notes, or the one inset that did not fit the column.
  const now: DrawContext = { items, find: (id) => byId.get(id), later: (fn) => fn(), hasRightNeighbour: () => false, gutterX: () => RIGHT_X - 3, leaderY };
  if (under) under.draw(base - 16 - under.h, CONTAINER_X + CONTAINER_W - under.w, now);
  else if (notesLeft) {
    let ny = mainBottom;
    for (const n of [...notes].reverse()) {
      n.draw(ny, MARGIN, now);
      ny += n.h + 16;
    }
  }

  // Strip and ledger.
  if (sH > 0) items.push(...drawStrip(arch, MARGIN, stripY, FIGURE_WIDTH - 2 * MARGIN));
  if (withTable) items.push(...drawLedger(arch, showMtp, MARGIN, tableY + tableH, FIGURE_WIDTH - 2 * MARGIN));

  // Title and summary, centred.
  const top = Math.max(outTop, rightTop) + 10;
  const subtitle = summaryLines(arch, showMtp, FIGURE_WIDTH - 2 * MARGIN, options.verifiedAgainst);
  const subH = blockSize(subtitle, SIZE.small).h;
  const titleRuns = wrapRuns([plain(clip(options.title ?? displayTitle(arch), MAX_TITLE), 'bold', 'accent')], SIZE.title, FIGURE_WIDTH - 2 * MARGIN);
  const ts = blockSize(titleRuns, SIZE.title);
  const ss = blockSize(subtitle, SIZE.small);
  items.push({ kind: 'text', id: 'summary', x: FIGURE_WIDTH / 2 - ss.w / 2, y: top, w: ss.w, h: subH, lines: subtitle, size: SIZE.small, color: 'ink', align: 'center' });
  items.push({ kind: 'text', id: 'title', x: FIGURE_WIDTH / 2 - ts.w / 2, y: top + subH + 4, w: ts.w, h: ts.h, lines: titleRuns, size: SIZE.title, color: 'accent', align: 'center' });
  const height = top + subH + 4 + ts.h + MARGIN;

  const sizes = items.filter((i): i is TextItem | BoxItem => i.kind === 'text' || i.kind === 'box').map((i) => i.size);
  const accentHex = (options.accent ?? modelAccent(arch)).replace(/^#/, '');
  return {
    width: FIGURE_WIDTH,
    height,
    items,
    minTextSize: Math.min(...sizes),
    // Gallery colours the block with a tint that keeps even muted text (#4A4F57) readable, and
    // key words on its dark attention box (#595959) with a light tint of the accent.
    accent: { accent: accentHex, block: accentTint(accentHex, 0.55, '4A4F57'), onDark: readableTint(accentHex, '595959') },
  };
}

/** A title is a few words: longer ones (a pasted paragraph) are cut, with an ellipsis. */
const MAX_TITLE = 160;
function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The KV cache at full context, with the per-token figure where every layer's cache grows with
 * the context (with window or chunked layers, a per-token figure would count tokens they drop).
 */
function kvCacheRuns(arch: ArchJson): Run[] {
  const t = arch.totals;
  const ctx = arch.max_position_embeddings;
  const perToken = bytes(t.kv_cache_bytes_per_token);
  // xLSTM: no layer caches keys and values.
  if (t.kv_cache_bytes_per_token === 0 && arch.layers.every((l) => l.attention.kind === 'none' || isStateMixer(l.attention.kind))) return [plain('no KV cache', 'bold'), plain(' (a fixed state)')];
  if (t.kv_cache_bytes_at_context == null || ctx === null) return [plain('KV cache '), plain(perToken, 'bold'), plain(' per token (bf16)')];
  const bounded = arch.layers.some((l) => l.attention.window !== null || l.attention.chunk !== null || l.attention.kind === 'dsv4');
  return [
    plain('KV cache '), plain(bytes(t.kv_cache_bytes_at_context), 'bold'), plain(` at ${contextTokens(ctx)} context (`),
    ...(bounded ? [] : [plain(perToken, 'bold'), plain(' per token, ')]), plain('bf16)'),
  ];
}

/** Totals in one or two lines under the title. */
function summaryLines(arch: ArchJson, showMtp: boolean, max: number, verifiedAgainst?: string): Run[][] {
  const t = arch.totals;
  const parts: Run[][] = [[plain(groupDigits(t.params_main), 'bold'), plain(' parameters')]];
  if (t.active_params !== t.params_main) {
    parts.push([plain(compact(t.active_params_non_embedding), 'bold'), plain(' active per token ('), plain(compact(t.active_params), 'bold'), plain(' with the embedding)')]);
  }
  if (showMtp && t.params !== t.params_main) parts.push([plain('MTP '), plain(`+${compact(t.params - t.params_main)}`, 'bold')]);
  if (arch.model.structure === 'tensor-names') {
    parts.push([plain("structure read from the checkpoint's tensor names", 'italic')]);
    if (t.kv_cache_bytes_per_token > 0) parts.push([plain('KV cache '), plain(bytes(t.kv_cache_bytes_per_token), 'bold'), plain(' per token (bf16, no windows)')]);
  } else parts.push(kvCacheRuns(arch));
  if (arch.flags.multimodal_wrapper) parts.push([plain('text decoder of a multimodal model', 'italic')]);
  if (verifiedAgainst !== undefined) parts.push([plain('verified against '), plain(clip(verifiedAgainst, 80), 'bold')]);
  const lines: Run[][] = [[]];
  for (const part of parts) {
    const line = lines[lines.length - 1]!;
    const candidate = line.length ? [...line, plain('  ·  '), ...part] : part;
    if (line.length && lineWidth(candidate, SIZE.small) > max) lines.push(part);
    else lines[lines.length - 1] = candidate;
  }
  return lines;
}

type Center = { cy: number; top: number; bottom: number; boxes: BoxItem[] };

function flowArrows(items: Item[], id: string, a: Center, b: Center, strands?: number): void {
  const from = a.boxes.length ? a.boxes.map((x) => x.x + x.w / 2) : [XC];
  const to = b.boxes.length ? b.boxes.map((x) => x.x + x.w / 2) : [XC];
  // Each box's own top and bottom: boxes side by side may differ in height.
  const topOf = (i: number) => (a.boxes[i] ? a.boxes[i]!.y + a.boxes[i]!.h : a.top);
  const bottomOf = (i: number) => (b.boxes[i] ? b.boxes[i]!.y : b.bottom);
  // A fork sits just under the boxes it feeds (inside the block when they open it).
  const midY = to.length > 1 ? Math.max((a.top + b.bottom) / 2, b.bottom - 7) : (a.top + b.bottom) / 2;
  const opts = strands ? { strands } : {};
  if (from.length === 1 && to.length === 1) {
    items.push(arrow(id, [[from[0]!, a.top], [to[0]!, b.bottom]], opts));
    return;
  }
  if (from.length === to.length) {
    // Side by side into side by side (Falcon-40B: ln_attn → attention, ln_mlp → MLP): pairwise.
    from.forEach((fx, i) => {
      const tx = to[i]!;
      items.push(arrow(`${id}.pair${i}`, Math.abs(fx - tx) < 0.5 ? [[fx, topOf(i)], [tx, bottomOf(i)]] : [[fx, topOf(i)], [fx, midY], [tx, midY], [tx, bottomOf(i)]]));
    });
    return;
  }
  // Several into one: each joins the centre line; one into several: the centre line forks.
  if (to.length === 1) {
    from.forEach((fx, i) => items.push(arrow(`${id}.in${i}`, Math.abs(fx - XC) < 0.5 ? [[fx, topOf(i)], [XC, b.bottom]] : [[fx, topOf(i)], [fx, midY], [XC, midY], [XC, b.bottom]], { head: Math.abs(fx - XC) < 0.5 || i === 0 })));
    return;
  }
  to.forEach((tx, i) => items.push(arrow(`${id}.to${i}`, [[XC, a.top], [XC, midY], [tx, midY], [tx, bottomOf(i)]])));
}

/** The residual of each sub-layer: from just below its first row, up the lane, into its sink. */
function residuals(items: Item[], placed: PlacedRow[], centers: Map<string, Center>, streams: number): void {
  let start: number | null = null;
  let n = 0;
  for (let k = 0; k < placed.length; k++) {
    const r = placed[k]!.row;
    if (!r.inBlock) continue;
    if (start === null) start = k;
    if (r.residualSink) {
      // A residual taken after the sub-layer's norm (residualSource) leaves between the norm and the
      // row above it.
      const from = placed[start]!.row.residualSource && start + 1 < k ? start + 1 : start;
      const first = centers.get(placed[from]!.row.id)!;
      const below = centers.get(placed[from - 1]!.row.id)!;
      // Inside the block: never on its frame (the block starts BLOCK_PAD below the first row).
      const y0 = Math.max((below.top + first.bottom) / 2, first.bottom - 7);
      const sink = centers.get(r.id)!;
      const sx = sink.boxes.length ? sink.boxes[0]!.x + sink.boxes[0]!.w : XC + CIRCLE_R;
      items.push(arrow(`residual.${n++}`, [[XC, y0], [LANE_X, y0], [LANE_X, sink.cy], [sx, sink.cy]], streams ? { strands: streams } : {}));
      start = k + 1;
    }
  }
}

/**
 * Looped depth (Nanbeige `num_loops`, Ouro `total_ut_steps`): the stack's output goes back to its
 * input for the next pass with the same weights. A bold accent arrow leaves the flow above the
 * block, runs down between the block and the container frames, and rejoins the flow below it.
 */
function loopArrow(items: Item[], loops: number, placed: PlacedRow[], centers: Map<string, Center>, by0: number, by1: number): void {
  const first = placed.findIndex((p) => p.row.inBlock);
  const last = placed.length - 1 - [...placed].reverse().findIndex((p) => p.row.inBlock);
  const below = placed[first - 1];
  const above = placed[last + 1];
  if (!below || !above) return;
  const yt = (by1 + centers.get(above.row.id)!.bottom) / 2;
  const yb = (by0 + centers.get(below.row.id)!.top) / 2;
  const rx = (BLOCK_X + BLOCK_W + CONTAINER_X + CONTAINER_W) / 2;
  items.push(arrow('loop', [[XC, yt], [rx, yt], [rx, yb], [XC + 1.5, yb]], { color: 'accent' }));
  // "× n" over the loop's top corner, right of the row above the block.
  const runs = [[plain(`× ${loops}`, 'bold', 'accent')]];
  const s = blockSize(runs, SIZE.small);
  const aboveBoxes = centers.get(above.row.id)!.boxes;
  const clear = aboveBoxes.every((b) => b.x + b.w < rx - 2 - s.w - 1);
  if (clear) items.push(textAt('loop.count', rx - 1 - s.w, yt + 1.5, runs, { size: SIZE.small, color: 'accent' }));
}

/**
 * LongCat-Flash's shortcut MoE, left of the block beside its second sub-layer: it reads the output
 * of RMSNorm 2 (the first sub-layer's MLP input) and its output joins the layer's last ⊕
 * (LongcatFlashDecoderLayer: `shortcut_mlp_output` added after `mlps[1]`).
 */
function shortcutMoe(items: Item[], arch: ArchJson, byId: Map<string, BoxItem>, centers: Map<string, Center>): void {
  const norm2 = byId.get('norm2');
  const ffn = byId.get('ffn');
  const sink = centers.get('plus4');
  if (!norm2 || !ffn || !sink) return;
  const units = arch.units.filter((u) => u.id === 'layers.router' || u.id === 'layers.experts');
  const per = units.reduce((a, u) => a + u.param_count, 0);
  const E = dim(arch, 'E');
  const Z = dim(arch, 'Z');
  const k = dim(arch, 'k');
  const lines = [
    [plain('MoE (shortcut)', 'bold')],
    ...wrap(`${k} of ${E !== null && Z !== null ? `${E} experts + ${Z} identity` : `${E} experts`} per token`, 'sans', SIZE.small, MOD_W + 10 - 2 * PAD_X),
    [plain(`${groupDigits(per)} × ${arch.layers.length}`, 'sans')],
  ];
  const s = boxSize(lines, { size: SIZE.small });
  const w = Math.min(MOD_W + 10, s.w);
  const tapY = (norm2.y + norm2.h + ffn.y) / 2;
  const cy = (tapY + sink.cy) / 2;
  const box: BoxItem = { kind: 'box', id: 'moe_shortcut', x: MOD_X1 - w, y: cy - s.h / 2, w, h: s.h, fill: 'proj', stroke: 'ink', textColor: 'ink', lines, size: SIZE.small, radius: BOX_RADIUS };
  items.push(box);
  byId.set(box.id, box);
  const bx = box.x + box.w / 2;
  items.push(arrow('moe_shortcut.in', [[XC, tapY], [bx, tapY], [bx, box.y]]));
  items.push(arrow('moe_shortcut.out', [[bx, box.y + box.h], [bx, sink.cy], [XC - CIRCLE_R, sink.cy]]));
}

/**
 * Gemma 4's per-layer embeddings, left of the block at the height of its per-layer input box: the
 * table (`embed_tokens_per_layer`, looked up by token id) and the projection of the token
 * embedding that is mixed into it, with their count; an arrow into the per-layer input box.
 */
function pleBranch(items: Item[], arch: ArchJson, byId: Map<string, BoxItem>): void {
  const target = byId.get('ple');
  if (!target) return;
  const table = arch.units.find((u) => u.id === 'ple_embed');
  const projection = arch.units.find((u) => u.id === 'ple_projection');
  const L = arch.layers.length;
  const ple = dim(arch, 'd_ple');
  const lines = [
    [plain('Per-layer', 'bold')],
    [plain('embeddings', 'bold')],
    ...wrap(`${ple !== null ? `${ple} values per token for each of the ${L} layers` : 'a slice per layer'}: a table looked up by token id, plus a projection of the token embedding`, 'sans', SIZE.small, MOD_W + 10 - 2 * PAD_X),
    ...(table && projection ? [[plain(groupDigits(table.total + projection.total), 'sans')]] : []),
  ];
  const s = boxSize(lines, { size: SIZE.small });
  const w = Math.min(MOD_W + 10, s.w);
  const cy = target.y + target.h / 2;
  const box: BoxItem = { kind: 'box', id: 'ple_table', x: MOD_X1 - w, y: cy - s.h / 2, w, h: s.h, fill: 'embed', stroke: 'ink', textColor: 'ink', lines, size: SIZE.small, radius: BOX_RADIUS };
  items.push(box);
  items.push(arrow('ple_table.arrow', [[box.x + box.w, cy], [target.x, cy]]));
}

/**
 * The MTP branch, dashed, left of the stack: it takes the last block's hidden state (before the
 * final norm) and the next token's embedding, and predicts through the shared output layer.
 */
function mtpBranch(items: Item[], arch: ArchJson, placed: PlacedRow[], centers: Map<string, Center>, byId: Map<string, BoxItem>): void {
  const mtpTotal = arch.units.filter((u) => u.scope === 'mtp').reduce((a, u) => a + u.total, 0);
  // DeepSeek-V4.1's DSpark drafts from the hidden states of some late layers with its own heads.
  const dspark = arch.units.some((u) => u.id === 'mtp.dspark_in');
  const lines = dspark
    ? [
        [plain(`DSpark draft × ${arch.mtp_layers.length}`, 'bold')],
        ...wrap(`+${compact(mtpTotal)} parameters; blocks with a MoE of their own read the hidden states of ${dim(arch, 'T') ?? 'some'} late layers and draft several tokens ahead, with a Markov head`, 'sans', SIZE.small, MOD_W + 10 - 2 * PAD_X),
      ]
    : [
        [plain(`MTP module × ${arch.mtp_layers.length}`, 'bold')],
        ...wrap(`+${compact(mtpTotal)} parameters; takes the last hidden state and the embedding of token t+1, predicts t+2 through the shared output layer`, 'sans', SIZE.small, MOD_W + 10 - 2 * PAD_X),
      ];
  const s = boxSize(lines, { size: SIZE.small });
  const lastBlock = [...placed].reverse().find((p) => p.row.inBlock)!;
  const next = placed[placed.indexOf(lastBlock) + 1]!;
  const tapY = (centers.get(lastBlock.row.id)!.top + centers.get(next.row.id)!.bottom) / 2;
  const head = byId.get('head')!;
  const y = Math.min(tapY - s.h / 2, head.y - 8 - s.h);
  const box: BoxItem = { kind: 'box', id: 'mtp', x: MOD_X1 - Math.min(MOD_W + 10, s.w), y, w: Math.min(MOD_W + 10, s.w), h: s.h, fill: 'mtp', stroke: 'ink', textColor: 'ink', lines, size: SIZE.small, radius: BOX_RADIUS, dashed: true };
  items.push(box);
  const ty = Math.min(Math.max(tapY, box.y + 4), box.y + box.h - 4);
  items.push(arrow('mtp.in', tapY === ty ? [[XC, tapY], [box.x + box.w, tapY]] : [[XC, tapY], [box.x + box.w + 6, tapY], [box.x + box.w + 6, ty], [box.x + box.w, ty]], { style: 'dashed' }));
  const hx = box.x + box.w / 2;
  items.push(arrow('mtp.out', [[hx, box.y + box.h], [hx, head.y + head.h / 2], [head.x, head.y + head.h / 2]], { style: 'dashed' }));
}

/**
 * The towers of a multimodal wrapper, dashed, left of the input: an image goes through the vision
 * encoder and projector, and the tokens it becomes take the place of the image placeholders in the
 * embedded sequence, so the branch joins the stream above the embedding layer.
 */
function towerBranch(items: Item[], lines: Run[][], centers: Map<string, Center>, placed: PlacedRow[]): void {
  const s = boxSize(lines, { size: SIZE.small });
  const w = Math.min(MOD_W, s.w);
  const embedRow = placed.findIndex((p) => p.row.id === 'embed');
  const tokens = centers.get('tokens')!;
  const embed = centers.get('embed')!;
  const above = centers.get(placed[embedRow + 1]!.row.id)!;
  // Below the tokens row, clear of the callout leaders that meet the tokens and embedding boxes
  // (the stack leaves room for it under its input row, see TOWER_GAP).
  const box: BoxItem = { kind: 'box', id: 'tower', x: MOD_X1 - w, y: tokens.bottom - TOWER_GAP - s.h, w, h: s.h, fill: 'box', stroke: 'ink', textColor: 'ink', lines, size: SIZE.small, radius: BOX_RADIUS, dashed: true };
  items.push(box);
  const joinY = (embed.top + above.bottom) / 2;
  const hx = box.x + box.w / 2;
  items.push(arrow('tower.out', [[hx, box.y + box.h], [hx, joinY], [XC, joinY]], { style: 'dashed' }));
}

const TOWER_GAP = 6;

/** The tower box's text, or null without towers: the first tower's name, then the others. */
function towerLines(arch: ArchJson): Run[][] | null {
  const towers = arch.towers ?? [];
  if (towers.length === 0) return null;
  const total = towers.reduce((a, u) => a + u.total, 0);
  // "Vision encoder (MoonViT)" → title "Vision encoder", kind "MoonViT"
  // Gemma 4 E2B, Inkling: audio beside (or instead of) vision; the title and the sentence say which.
  const hasVision = towers.some((t) => t.id === 'tower.vision');
  const hasAudio = towers.some((t) => t.id === 'tower.audio');
  if (hasAudio) {
    const inputs = hasVision ? 'image patches and audio frames' : 'audio frames';
    const title = hasVision ? [[plain('Vision and audio', 'bold')], [plain('towers', 'bold')]] : [[plain('Audio tower', 'bold')]];
    return [...title, ...wrap(`with their embedders, +${compact(total)} parameters: ${inputs} → tokens`, 'sans', SIZE.small, MOD_W - 2 * PAD_X)];
  }
  const [, title = towers[0]!.name, kind] = /^([^(]+?)(?: \(([^)]+)\))?$/.exec(towers[0]!.name) ?? [];
  const others = towers.slice(1).map((t) => t.name.replace(/ \(.*\)$/, '').replace(/^Vision /, '').toLowerCase());
  const what = [kind, ...others].filter(Boolean).join(' + ');
  return [
    [plain(title, 'bold')],
    ...wrap(`${what ? `${what}, ` : ''}+${compact(total)} parameters: image patches → tokens`, 'sans', SIZE.small, MOD_W - 2 * PAD_X),
  ];
}

/** Callouts in the left column, near their anchors, each with a dotted leader to it. */
function placeCallouts(
  items: Item[],
  list: ReturnType<typeof callouts>,
  anchors: Map<string, { x: number; y: number; lo: number; hi: number }>,
  busy: { lo: number; hi: number }[],
  lo: number,
  hi: number,
): void {
  const present = list.filter((c) => anchors.has(c.anchor));
  const sizes = present.map((c) => blockSize(c.lines, SIZE.callout));
  const bottoms = placeColumn(present.map((c, i) => ({ y: anchors.get(c.anchor)!.y, h: sizes[i]!.h })), 8, lo, hi);
  present.forEach((c, i) => {
    const s = sizes[i]!;
    const t = textAt(`callout.${c.id}`, CALLOUT_X, bottoms[i]!, c.lines, { size: SIZE.callout, color: 'ink', align: 'left' });
    items.push(t);
    const a = anchors.get(c.anchor)!;
    // The leader leaves the text's right side at its middle and meets the anchor's left edge at a
    // height where the modifier column is free (the anchor's own middle when nothing is there).
    const sy = t.y + s.h / 2;
    let ay = Math.min(Math.max(sy, a.lo + 3), a.hi - 3);
    const blocked = (yy: number) => a.x > MOD_X1 && busy.some((b) => yy > b.lo - 2 && yy < b.hi + 2);
    if (blocked(ay)) {
      for (let yy = a.lo + 3; yy <= a.hi - 3; yy += 1) if (!blocked(yy)) { ay = yy; break; }
    }
    const x0 = CALLOUT_X + s.w + 1;
    const jx = CALLOUT_X + CALLOUT_W + 6 + 3 * i;
    const pts: [number, number][] = Math.abs(sy - ay) < 0.5 ? [[x0, sy], [a.x, ay]] : [[x0, sy], [jx, sy], [jx, ay], [a.x, ay]];
    items.push(leader(`callout.${c.id}.leader`, pts));
  });
}


/** A block of the right column: its height, the box it belongs next to, how to draw it. */
interface ColumnBlock {
  /** The inset's id (`moe`, `ffn`, …), or `note`. */
  id: string;
  w: number;
  h: number;
  /** Id of the box (or inset item) it wants to sit level with; none for notes (they go last). */
  target: string | null;
  draw: (bottom: number, x: number, ctx: DrawContext) => void;
}

/** Where column blocks draw: the scene's items, a lookup of boxes, and leaders to draw last. */
interface DrawContext {
  items: Item[];
  find: (id: string) => BoxItem | undefined;
  /** Runs `fn` once every block has its place (a leader may point into another inset). */
  later: (fn: () => void) => void;
  /** Another box of the stack stands right of this one in its row. */
  hasRightNeighbour: (box: BoxItem) => boolean;
  /** The x of a free lane in the gutter between the stack and the inset column. */
  gutterX: () => number;
  /** The height where the leader of inset `insetId` meets `box`. */
  leaderY: (box: BoxItem, insetId: string) => number;
}

/** The insets as column blocks: dotted frame, title, drawing, caption under it, leader to the box. */
function rightBlocks(arch: ArchJson, insets: Inset[]): ColumnBlock[] {
  return insets.map((inset) => {
    const caption = inset.caption;
    const cs = blockSize(caption, SIZE.callout);
    const frameH = INSET_PAD + inset.h + INSET_TITLE_H + INSET_PAD;
    const frameW = inset.w + 2 * INSET_PAD;
    const capH = caption.length ? cs.h + 5 : 0;
    // One expert of an MoE is explained from the MoE inset's first expert, as in the gallery.
    const target = inset.id === 'ffn' && arch.flags.moe ? 'moe.expert.1' : inset.target;
    return {
      id: inset.id,
      w: Math.max(frameW, caption.length ? cs.w : 0),
      h: frameH + capH,
      target,
      draw: (bottom, fx, ctx) => {
        const fy = bottom + capH;
        drawInset(ctx, inset, { x: fx, y: fy, w: frameW, h: frameH }, bottom, target);
      },
    };
  });
}

/** An inset in its frame at `frame`, its caption from `bottom`, and its leader to `target`. */
function drawInset(ctx: DrawContext, inset: Inset, frame: { x: number; y: number; w: number; h: number }, bottom: number, target: string): void {
  const { x: fx, y: fy, w: frameW, h: frameH } = frame;
  const caption = inset.caption;
  const out = ctx.items;
  out.push({ kind: 'frame', id: `${inset.id}.frame`, x: fx, y: fy, w: frameW, h: frameH, fill: null, stroke: 'accent', style: 'dotted', radius: FRAME_RADIUS });
    const title = [inset.title.map((r) => ({ ...r, face: 'bold' as const }))];
    const tsz = blockSize(title, SIZE.small);
    out.push(textAt(`${inset.id}.title`, fx + INSET_PAD, fy + frameH - INSET_PAD - tsz.h, title, { size: SIZE.small }));
    out.push(...translateItems(inset.items, fx + INSET_PAD, fy + INSET_PAD));
    if (caption.length) out.push(textAt(`${inset.id}.caption`, fx + INSET_PAD, bottom, caption, { size: SIZE.callout }));
  ctx.later(() => {
      const box = ctx.find(target) ?? ctx.find('attn');
      if (!box) return;
      // Level with the box's centre, unless another leader already runs there across the gutter
      // (Gemma 4 26B: the attention box and the MoE inset's first expert at one height).
      const ty = freeRow(out, box, RIGHT_X - 40, box.x >= RIGHT_X - 20 ? box.x : RIGHT_X, ctx.leaderY(box, inset.id));
      if (box.x >= RIGHT_X - 20) {
        // From an item of another inset (the MoE's first expert): out to the left of the
        // column, along it, and into this frame's left edge.
        const lx = ctx.gutterX();
        // Into the frame near its top, clear of a leader that already runs in at that height
        // (Kimi K3: the MoE box's own leader reaches the column level with the FFN frame's top).
        const ly = freeHeight(out, fy + Math.min(16, frameH / 2), lx, fx, Math.min(12, frameH / 4));
        out.push(leader(`${inset.id}.link`, [[box.x, ty], [lx, ty], [lx, ly], [fx, ly]]));
        return;
      }
      if (fx < RIGHT_X - 20 && fy + frameH < box.y) {
        // An inset under the stack: out of the box's right edge, down beside the boxes under it
        // (left of the residual lane; no callout leader is there), into the frame's top.
        const ly = box.y + 5;
        const start: [number, number][] = box.x + box.w > UNDER_X ? [[UNDER_X, box.y]] : [[box.x + box.w, ly], [UNDER_X, ly]];
        out.push(leader(`${inset.id}.link`, [...start, [UNDER_X, fy + frameH]]));
        return;
      }
      const ly = Math.min(Math.max(ty, fy + 12), fy + frameH - 12);
      if (ctx.hasRightNeighbour(box)) {
        // Side-by-side sub-layers (Falcon): leave from the bottom edge, run right under the row.
        const ry = box.y - 3.5;
        out.push(leader(`${inset.id}.link`, [[box.x + 6, box.y], [box.x + 6, ry], [fx - 8, ry], [fx, ly]]));
        return;
      }
      // Level with the frame: straight across; else across, along the gutter beside the column
      // (each leader in its own lane), and in.
      if (Math.abs(ly - ty) < 0.5) out.push(leader(`${inset.id}.link`, [[box.x + box.w, ty], [fx, ty]]));
      else {
        const gx = ctx.gutterX();
        out.push(leader(`${inset.id}.link`, [[box.x + box.w, ty], [gx, ty], [gx, ly], [fx, ly]]));
      }
  });
}

/** Arrows closer than this, side by side, read as one line (the scene check's limit, and 1 pt). */
const LEADER_GAP = 4;

/**
 * A height inside `box` for a leader's horizontal run over [x0, x1]: the box's centre, or the
 * nearest height in its middle half that keeps clear of the horizontal runs already drawn.
 */
function freeRow(items: Item[], box: BoxItem, x0: number, x1: number, cy = box.y + box.h / 2): number {
  return freeHeight(items, cy, x0, x1, box.h / 4);
}

/** `cy`, or the nearest height within `maxDy` of it whose run over [x0, x1] keeps clear of the
 * horizontal runs already drawn. */
function freeHeight(items: Item[], cy: number, x0: number, x1: number, maxDy: number): number {
  const runs = items.flatMap((i) => (i.kind === 'arrow' ? i.points.slice(1).map((q, k) => [i.points[k]!, q] as const) : []))
    .filter(([p, q]) => Math.abs(p[1] - q[1]) < 0.01 && Math.min(Math.max(p[0], q[0]), x1) - Math.max(Math.min(p[0], q[0]), x0) > 0)
    .map(([p]) => p[1]);
  for (const dy of [0, -1, 1, -2, 2].map((k) => k * LEADER_GAP)) {
    const y = cy + dy;
    if (Math.abs(dy) <= maxDy && runs.every((r) => Math.abs(r - y) >= LEADER_GAP)) return y;
  }
  return cy;
}

/**
 * Where the column blocks go: all in the right column, or, when that makes the figure much taller
 * than its stack, the inset of the lowest box under the stack (its leader runs down beside it).
 * Notes go under the stack when the right column is full and nothing else is there.
 */
function columnPlan(
  blocks: ColumnBlock[],
  notes: ColumnBlock[],
  spineH: number,
  targetY: (id: string) => number | null,
  firstRowIds: string[],
  clearBelow: (id: string) => boolean,
) {
  const stack = (list: ColumnBlock[]) => list.reduce((a, b) => a + b.h, 0) + 16 * Math.max(0, list.length - 1);
  const notesH = stack(notes);
  const plain = () => {
    const notesLeft = notes.length > 0 && stack(blocks) + notesH + 16 > spineH;
    const mainH = Math.max(spineH + (notesLeft ? notesH + 20 : 0), stack(notesLeft ? blocks : [...blocks, ...notes]));
    return { right: blocks, under: null as ColumnBlock | null, notesLeft, mainH };
  };
  const best = plain();
  // The first block row is flanked by the brace: a leader cannot leave it to the left.
  const movable = blocks
    .map((b) => ({ b, y: b.target && !firstRowIds.includes(b.target) && clearBelow(b.target) ? targetY(b.target) : null }))
    .filter((c): c is { b: ColumnBlock; y: number } => c.y !== null && c.b.w <= CONTAINER_X + CONTAINER_W - MARGIN)
    .sort((a, b) => a.y - b.y);
  if (movable.length === 0) return best;
  const under = movable[0]!.b;
  const right = blocks.filter((b) => b !== under);
  const mainH = Math.max(spineH + 16 + under.h, stack([...right, ...notes]));
  return mainH < best.mainH - 20 ? { right, under, notesLeft: false, mainH } : best;
}

/** Places the column blocks near their targets, draws them and their leaders; returns the top. */
function placeRight(items: Item[], blocks: ColumnBlock[], byId: Map<string, BoxItem>, lo: number, hi: number, leaderY: DrawContext['leaderY']): number {
  if (blocks.length === 0) return hi;
  const links: (() => void)[] = [];
  let lanes = 0;
  const ctx: DrawContext = {
    items,
    find: (id) => byId.get(id) ?? items.find((i): i is BoxItem => i.kind === 'box' && i.id === id),
    later: (fn) => links.push(fn),
    hasRightNeighbour: (box) => [...byId.values()].some((o) => o !== box && Math.abs(o.y + o.h / 2 - (box.y + box.h / 2)) < 1 && o.x > box.x),
    gutterX: () => RIGHT_X - 3 - 3.2 * lanes++,
    leaderY,
  };
  // Wishes: level with the target box; an item of another inset sits just above that inset;
  // notes after everything else.
  const wantY = (b: ColumnBlock, i: number): number => {
    if (b.target === null) return -1e6 - i;
    const box = byId.get(b.target);
    if (box) return leaderY(box, b.id);
    const owner = blocks.find((o) => o.id === b.target!.split('.')[0]);
    const ob = owner?.target ? byId.get(owner.target) : undefined;
    return ob ? ob.y + ob.h / 2 + 1 : 0;
  };
  const bottoms = placeColumn(blocks.map((b, i) => ({ y: wantY(b, i), h: b.h })), 16, lo, hi);
  blocks.forEach((b, i) => b.draw(bottoms[i]!, b.id === 'note' ? RIGHT_X : Math.min(RIGHT_X, FIGURE_WIDTH - MARGIN - b.w), ctx));
  for (const link of links) link();
  return Math.max(...blocks.map((b, i) => bottoms[i]! + b.h));
}

/** The MoE savings list and the hybrid layer recipe, as text blocks. */
function noteBlocks(arch: ArchJson): ColumnBlock[] {
  const notes: Run[][][] = [];
  const t = arch.totals;
  const w = RIGHT_W - 2 * INSET_PAD;
  if (arch.flags.moe) {
    const k = dim(arch, 'k')!;
    const shared = arch.flags.shared_experts ? dim(arch, 'n_s') ?? 1 : 0;
    const bullet = (runs: Run[]) => wrapRuns([plain('•  '), ...runs], SIZE.small, w);
    notes.push([
      [plain('Resource savings', 'bold', 'accent')],
      ...bullet([plain('Model size is '), accentRun(compact(t.params_main))]),
      ...bullet([plain('but only '), ...(shared ? [accentRun(`${shared} (shared) + `)] : []), accentRun(`${k} expert${k === 1 ? '' : 's'}`), plain(' active per token')]),
      ...bullet([plain('only '), accentRun(compact(t.active_params_non_embedding)), plain(' parameters active per token ('), accentRun(compact(t.active_params)), plain(' with the embedding table)')]),
    ]);
  }
  const others = arch.units.filter((u) => u.family === 'other');
  if (others.length > 0) {
    notes.push([
      [plain('Not recognised by name', 'bold', 'accent')],
      ...others.flatMap((u) => wrapRuns([plain('•  '), plain(u.name.replace(/ \(not recognised\)$/, ''), 'mono'), plain(`: ${compact(u.total)}${u.repeat > 1 ? ` in ${u.repeat} layers` : ''}`)], SIZE.small, w)),
    ]);
  }
  const recipe = layerRecipe(arch);
  if (recipe) notes.push([[strong(recipe.heading)], ...recipe.lines.map((l) => [plain(l, 'mono')])]);
  return notes.map((lines, i) => {
    const size = lines.some((l) => l.some((r) => r.face === 'mono')) ? SIZE.mono : SIZE.small;
    const s = blockSize(lines, size);
    return {
      id: 'note',
      w: s.w,
      h: s.h,
      target: null,
      draw: (bottom: number, x: number, ctx: DrawContext) => ctx.items.push(textAt(`note.${i}`, x === RIGHT_X ? RIGHT_X + INSET_PAD : x, bottom, lines, { size })),
    };
  });
}

/**
 * A label line in at most `max` pt: wrapped at spaces, then a part still too wide (a parenthesis,
 * which wrapping keeps whole: "(plus sliding window)") at the last space that fits, then a word
 * still too wide broken after its last hyphen ("Grouped-" / "query"). A word without either stays whole.
 */
function fitLine(line: Run[], size: number, max: number): Run[][] {
  if (lineWidth(line, size) <= max) return [line];
  return wrapRuns(line, size, max).flatMap((part) => splitToFit(part, size, max));
}

function splitToFit(part: Run[], size: number, max: number): Run[][] {
  if (lineWidth(part, size) <= max) return [part];
  const text = part.map((r) => r.text).join('');
  for (let at = text.lastIndexOf(' '); at > 0; at = text.lastIndexOf(' ', at - 1)) {
    const head = sliceRuns(part, 0, at);
    if (lineWidth(head, size) <= max) return [head, ...splitToFit(sliceRuns(part, at + 1, text.length), size, max)];
  }
  const cut = text.lastIndexOf('-', text.length - 2) + 1;
  return cut > 0 ? [sliceRuns(part, 0, cut), sliceRuns(part, cut, text.length)] : [part];
}

/** The characters `[from, to)` of a line of runs, each keeping its style. */
function sliceRuns(line: Run[], from: number, to: number): Run[] {
  const out: Run[] = [];
  let at = 0;
  for (const run of line) {
    const start = Math.max(from, at);
    const end = Math.min(to, at + run.text.length);
    if (end > start) out.push({ ...run, text: run.text.slice(start - at, end - at) });
    at += run.text.length;
  }
  return out;
}
