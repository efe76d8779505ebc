/**
 * Small constructors for scene items, so that insets and the layout draw boxes, arrows and
 * circles the same way (sizes from `style.ts`, text measured with `text.ts`).
 */
import type { ArrowItem, BoxItem, CircleItem, Role, TextItem } from './scene.js';
import { blockSize, plain, type Run } from './text.js';
import { BOX_RADIUS, CIRCLE_R, PAD_X, PAD_Y, SIZE } from './style.js';

/** A label of one line in the sans face. */
export const label = (text: string): Run[][] => [[plain(text)]];

/** A run in the accent colour (bold), for the number in a callout. */
export const accent = (text: string): Run => ({ text, face: 'bold', color: 'accent' });
/** A bold ink run, for the words of a callout. */
export const strong = (text: string): Run => ({ text, face: 'bold' });

export interface BoxOptions {
  fill?: Role;
  stroke?: Role;
  textColor?: Role;
  size?: number;
  /** Minimum width; the box grows to its text. */
  minW?: number;
  /** Minimum height. */
  minH?: number;
  dashed?: boolean;
}

/** The size a box needs for its lines. */
export function boxSize(lines: Run[][], o: BoxOptions = {}): { w: number; h: number } {
  const s = blockSize(lines, o.size ?? SIZE.label);
  return { w: Math.max(o.minW ?? 0, s.w + 2 * PAD_X), h: Math.max(o.minH ?? 0, s.h + 2 * PAD_Y) };
}

/** A box centred at (cx, cy). */
export function boxAt(id: string, cx: number, cy: number, lines: Run[][], o: BoxOptions = {}): BoxItem {
  const { w, h } = boxSize(lines, o);
  return {
    kind: 'box', id, x: cx - w / 2, y: cy - h / 2, w, h,
    fill: o.fill ?? 'box', stroke: o.stroke ?? 'ink', textColor: o.textColor ?? 'ink',
    lines, size: o.size ?? SIZE.label, radius: BOX_RADIUS, ...(o.dashed ? { dashed: true } : {}),
  };
}

/** A text block with its lower-left corner at (x, y). */
export function textAt(id: string, x: number, y: number, lines: Run[][], o: { size?: number; color?: Role; align?: TextItem['align'] } = {}): TextItem {
  const size = o.size ?? SIZE.small;
  const s = blockSize(lines, size);
  return { kind: 'text', id, x, y, w: s.w, h: s.h, lines, size, color: o.color ?? 'ink', align: o.align ?? 'left' };
}

/** A solid arrow with a head at its last point. */
export function arrow(id: string, points: [number, number][], o: Partial<Pick<ArrowItem, 'style' | 'head' | 'color' | 'strands'>> = {}): ArrowItem {
  return { kind: 'arrow', id, points, style: o.style ?? 'solid', head: o.head ?? true, color: o.color ?? 'ink', ...(o.strands ? { strands: o.strands } : {}) };
}

/** A dotted accent line without a head: a leader from a callout or an inset to what it explains. */
export function leader(id: string, points: [number, number][]): ArrowItem {
  return { kind: 'arrow', id, points, style: 'dotted', head: false, color: 'accent', leader: true };
}

/** A circled ⊕ or ⊗ at (cx, cy). */
export function circle(id: string, cx: number, cy: number, symbol: CircleItem['symbol'] = 'plus', r = CIRCLE_R): CircleItem {
  return { kind: 'circle', id, cx, cy, r, symbol };
}

/** Centre points of a box's edges, for joining arrows. */
export const top = (b: BoxItem): [number, number] => [b.x + b.w / 2, b.y + b.h];
export const bottom = (b: BoxItem): [number, number] => [b.x + b.w / 2, b.y];
export const left = (b: BoxItem): [number, number] => [b.x, b.y + b.h / 2];
export const right = (b: BoxItem): [number, number] => [b.x + b.w, b.y + b.h / 2];
