/**
 * The toolkit of the column-grid insets (attention kinds, per-layer embeddings): boxes on columns
 * and spans, rows stacked bottom to top, arrows along column centres, the formulas under the
 * drawing and the finished {@link Inset}.
 */
import type { ArchJson } from '../../schema/arch-json.js';
import type { Unit } from '../../params/types.js';
import type { BoxItem, Item, Role } from '../scene.js';
import { arrow, bottom, boxAt, boxSize, textAt, top } from '../draw.js';
import { formulaBlock } from '../formula.js';
import { translateItems } from '../geometry.js';
import { groupDigits } from '../format.js';
import { blockSize, lineWidth, plain, type Run } from '../text.js';
import { SIZE } from '../style.js';
import type { Inset, InsetOptions } from './inset.js';
import { dim } from '../dims.js';

/** Widest drawing area: the right column of the figure. */
export const INSET_MAX_W = 250;
/** Space between columns of boxes, and between rows (room for an arrow with its head). */
const COL_GAP = 5;
export const ROW_GAP = 8;
/** Height of the input stem below the first row: trunk, bus and arrow heads. */
const STEM = 13;
/** Space between the formulas and the drawing above them. */
const FORMULA_GAP = 5;

// ---------------------------------------------------------------------------------------------
// A small column grid: boxes fill one column or a span of columns; rows stack bottom to top.

export interface Cell {
  id: string;
  lines: Run[][];
  /** First and last column of the span. */
  c0: number;
  c1: number;
  fill: Role;
  textColor?: Role;
}

/** Columns, rows and the boxes placed on them; arrows run along column centres (lanes). */
export class Grid {
  readonly items: Item[] = [];
  readonly boxes = new Map<string, BoxItem>();
  private readonly xs: number[] = [];
  readonly width: number;
  /** Top of the last placed row. */
  y: number;

  constructor(
    readonly widths: number[],
    y0: number,
  ) {
    let x = 0;
    for (const w of widths) {
      this.xs.push(x);
      x += w + COL_GAP;
    }
    this.width = x - COL_GAP;
    this.y = y0;
  }

  /** Column widths that fit every cell of `rows` (spans share their extra width evenly). */
  static fit(columns: number, rows: Cell[][], minW: number | number[] = 0): number[] {
    const widths = Array.from({ length: columns }, (_, i) => (typeof minW === 'number' ? minW : minW[i]!));
    const cells = rows.flat();
    for (const c of cells.filter((c) => c.c0 === c.c1)) widths[c.c0] = Math.max(widths[c.c0]!, cellSize(c).w);
    for (const c of cells.filter((c) => c.c0 !== c.c1)) {
      const have = widths.slice(c.c0, c.c1 + 1).reduce((a, b) => a + b, 0) + COL_GAP * (c.c1 - c.c0);
      const extra = (cellSize(c).w - have) / (c.c1 - c.c0 + 1);
      if (extra > 0) for (let i = c.c0; i <= c.c1; i++) widths[i]! += extra;
    }
    return widths;
  }

  left = (c: number): number => this.xs[c]!;
  right = (c: number): number => this.xs[c]! + this.widths[c]!;
  cx = (c: number): number => this.xs[c]! + this.widths[c]! / 2;
  spanCx = (c0: number, c1: number): number => (this.left(c0) + this.right(c1)) / 2;

  /** Places one row above the last (a gap of `gap`); every box fills its span. */
  row(cells: Cell[], gap = ROW_GAP): void {
    if (cells.length === 0) return;
    const h = Math.max(...cells.map((c) => cellSize(c).h));
    const cy = this.y + gap + h / 2;
    for (const c of cells) {
      const w = this.right(c.c1) - this.left(c.c0);
      this.add(boxAt(c.id, this.spanCx(c.c0, c.c1), cy, c.lines, { fill: c.fill, textColor: c.textColor ?? 'ink', size: SIZE.small, minW: w, minH: h }));
    }
    this.y = cy + h / 2;
  }

  add(b: BoxItem): BoxItem {
    this.items.push(b);
    this.boxes.set(b.id, b);
    this.y = Math.max(this.y, b.y + b.h);
    return b;
  }

  box(id: string): BoxItem {
    const b = this.boxes.get(id);
    if (!b) throw new Error(`internal: an inset has no box ${id}`);
    return b;
  }

  /** Inputs of their own: a straight stem from `y0` up to each box's bottom centre. */
  stems(id: string, y0: number, ids: string[]): void {
    ids.forEach((box, i) => {
      const b = this.box(box);
      this.items.push(arrow(`${id}.${i}`, [[b.x + b.w / 2, y0], [b.x + b.w / 2, b.y]]));
    });
  }

  /** Arrows along a lane: from each box's top to the next one's bottom, at column `col`'s centre. */
  lane(id: string, col: number, ids: string[]): void {
    const x = this.cx(col);
    for (let i = 0; i + 1 < ids.length; i++) {
      const a = this.box(ids[i]!);
      const b = this.box(ids[i + 1]!);
      this.items.push(arrow(`${id}.${i}`, [[x, a.y + a.h], [x, b.y]]));
    }
  }

  /** The input: a trunk from the bottom centre fanning out to the bottoms of the first boxes. */
  input(id: string, y0: number, targets: { box: string; x?: number }[]): void {
    const cx = this.width / 2;
    const bus = y0 + 5;
    targets.forEach((t, i) => {
      const b = this.box(t.box);
      const x = t.x ?? b.x + b.w / 2;
      const pts: [number, number][] = Math.abs(x - cx) < 0.01 ? [[cx, y0], [cx, b.y]] : [[cx, y0], [cx, bus], [x, bus], [x, b.y]];
      this.items.push(arrow(`${id}.${i}`, pts));
    });
  }
}

const cellSize = (c: Cell): { w: number; h: number } => boxSize(c.lines, { size: SIZE.small });
export const cell = (id: string, c0: number, c1: number, lines: Run[][], fill: Role, textColor?: Role): Cell => ({ id, lines, c0, c1, fill, ...(textColor ? { textColor } : {}) });

/** A box label: the first line in ink, further lines (dimensions) muted. */
export const lbl = (first: string, ...more: string[]): Run[][] => [[plain(first)], ...more.map((t) => [plain(t, 'sans', 'muted')])];
/** The label of the attention core: ink, with notes in the attention accent. */
export const coreLabel = (first: string, notes: string[]): Run[][] => [[plain(first)], ...notes.map((t) => [plain(t, 'sans', 'attentionAccent')])];

// ---------------------------------------------------------------------------------------------
// Shared pieces: formulas under the drawing, numbers from arch.json.

export const need = (arch: ArchJson, name: string): number => {
  const v = dim(arch, name);
  if (v === null) throw new Error(`internal: attention inset needs dimension ${name}`);
  return v;
};
export const g = groupDigits;

/** Formula lines of the units with these ids ("formula = count"), wrapped at `width`. */
function formulaLines(arch: ArchJson, ids: string[], width: number): Run[][] {
  const units = ids.map((id) => arch.units.find((u) => u.id === id)).filter((u): u is Unit => u !== undefined);
  return units.flatMap((u, i) => {
    const head: Run[] = i > 0 ? [plain(`${u.name}: `, 'sans', 'muted')] : [];
    return formulaBlock(head, u.formula_symbolic, u.param_count, width, { countFace: 'bold' });
  });
}

/**
 * The formulas of the units `ids` (when `opts` asks for them) and the grid of `rows` above
 * them: `y0` is where the input stem starts, just above the formulas. The formulas wrap at `maxW`
 * (the MoE and FFN insets' column is narrower than the attention insets').
 */
export function gridOverFormulas(arch: ArchJson, opts: InsetOptions, ids: string[], widths: number[], rows: Cell[][], maxW = INSET_MAX_W): { formula: Run[][]; y0: number; grid: Grid } {
  const formula = opts.formulas ? formulaLines(arch, ids, maxW) : [];
  const y0 = blockSize(formula, SIZE.label).h + FORMULA_GAP;
  const grid = new Grid(widths, y0 + STEM - ROW_GAP);
  for (const r of rows) grid.row(r);
  return { formula, y0, grid };
}

/** Finishes an inset: formulas at the bottom, the drawing above, everything centred in `w`. */
export function finish(id: string, title: string, caption: Run[][], formula: Run[][], grid: Grid, target = 'attn', maxW = INSET_MAX_W): Inset {
  const fs = blockSize(formula, SIZE.label);
  // The caption is set under the frame in bold callout type: the frame is at least as wide.
  const cw = Math.max(...caption.map((l) => lineWidth(l, SIZE.callout)));
  // Never narrower than the drawing (a config with very long labels widens the inset).
  const w = Math.max(grid.width, Math.min(maxW, Math.max(fs.w, cw)));
  const dx = (w - grid.width) / 2;
  const items = translateItems(grid.items, dx, 0);
  if (formula.length) items.push(textAt(`${id}.formula`, 0, 0, formula, { size: SIZE.label, color: 'ink' }));
  return { id, title: [plain(title, 'bold')], w, h: grid.y, items, caption, target };
}

/**
 * The drawing's last box: `out` in a row of its own, an arrow `arrowId` into it from the top of
 * box `from`, and the open arrow `outId` out of its top.
 */
export function outputRow(grid: Grid, from: string, out: Cell, arrowId: string, outId: string): void {
  grid.row([out]);
  const box = grid.box(out.id);
  grid.items.push(arrow(arrowId, [top(grid.box(from)), bottom(box)]));
  outArrow(grid, outId, box);
}

/** The arrow out of the top box to the top of the drawing area. */
export function outArrow(grid: Grid, id: string, box: BoxItem): void {
  const [x, y] = top(box);
  grid.items.push(arrow(id, [[x, y], [x, y + 9]]));
  grid.y = y + 9;
}

