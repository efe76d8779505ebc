/**
 * The `figure` stage's output: a scene of boxes, texts, arrows and frames with absolute sizes and
 * positions in pt (origin bottom left, y up, as in TikZ). Colours are roles that a theme maps
 * to colours, so one scene renders in every theme.
 */
import type { Run } from './text.js';

/** Colour roles; every theme template defines each as `hf<Role>` (e.g. `hfattention`). */
export type Role =
  | 'paper' | 'ink' | 'muted' | 'accent' | 'container' | 'block' | 'box'
  | 'attention' | 'attentionInk' | 'attentionAccent' | 'norm' | 'proj' | 'router' | 'expert' | 'embed' | 'mtp'
  | 'cellA' | 'cellB' | 'cellC' | 'cellD';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface BoxItem extends Rect {
  kind: 'box';
  id: string;
  fill: Role;
  stroke: Role;
  textColor: Role;
  /** Lines of the label, centred. */
  lines: Run[][];
  size: number;
  dashed?: boolean;
  /** Corner radius in pt. */
  radius: number;
}

export interface TextItem extends Rect {
  kind: 'text';
  id: string;
  lines: Run[][];
  size: number;
  color: Role;
  align: 'left' | 'center' | 'right';
}

export interface FrameItem extends Rect {
  kind: 'frame';
  id: string;
  fill: Role | null;
  stroke: Role;
  style: 'solid' | 'dotted' | 'dashed';
  radius: number;
}

export interface ArrowItem {
  kind: 'arrow';
  id: string;
  points: [number, number][];
  style: 'solid' | 'dotted' | 'dashed';
  head: boolean;
  color: Role;
  /** Drawn as this many parallel strands (the n_hc residual streams of hyper-connections). */
  strands?: number;
  /** A dotted leader from a callout or inset to what it explains (not part of the data flow). */
  leader?: boolean;
  /** A rule of the ledger table (not part of the data flow). */
  rule?: boolean;
  /** An end that lies in the open by design: an inset's input (`start`) or output (`end`). */
  open?: 'start' | 'end';
}

export interface CircleItem {
  kind: 'circle';
  id: string;
  cx: number;
  cy: number;
  r: number;
  symbol: 'plus' | 'times';
}

export interface CellItem extends Rect {
  kind: 'cell';
  id: string;
  fill: Role;
}

/** A curly brace along the left of a frame, with its "N ×" label placed as a text item. */
export interface BraceItem {
  kind: 'brace';
  id: string;
  x: number;
  y0: number;
  y1: number;
}

export type Item = BoxItem | TextItem | FrameItem | ArrowItem | CircleItem | CellItem | BraceItem;

export interface Scene {
  width: number;
  height: number;
  items: Item[];
  /** Smallest text size used, in pt (legibility is checked against it). */
  minTextSize: number;
  /**
   * The model's own accent (`#RRGGBB` hex without `#`), for themes that colour each model
   * (gallery): the theme's `\hfmodelaccent` gets it with a tint for the block and a light
   * variant for key words on the dark attention box. Themes without that macro ignore it.
   */
  accent?: { accent: string; block: string; onDark: string };
}

/** The rectangle an item occupies, for items that must not overlap (boxes, texts, cells, circles). */
export function solidRect(item: Item): Rect | null {
  switch (item.kind) {
    case 'box':
    case 'text':
    case 'cell':
      return item;
    case 'circle':
      return { x: item.cx - item.r, y: item.cy - item.r, w: 2 * item.r, h: 2 * item.r };
    default:
      return null;
  }
}

function intersects(a: Rect, b: Rect, tolerance = 0.01): boolean {
  return a.x + a.w > b.x + tolerance && b.x + b.w > a.x + tolerance && a.y + a.h > b.y + tolerance && b.y + b.h > a.y + tolerance;
}

/** Pairs of solid items that overlap, and items that leave the canvas. Empty when the scene is clean. */
export function sceneProblems(scene: Scene): string[] {
  const problems: string[] = [];
  const solids = scene.items.map((i) => ({ item: i, rect: solidRect(i) })).filter((s): s is { item: Item; rect: Rect } => s.rect !== null);
  for (let i = 0; i < solids.length; i++) {
    for (let j = i + 1; j < solids.length; j++) {
      if (intersects(solids[i]!.rect, solids[j]!.rect)) {
        problems.push(`overlap: ${(solids[i]!.item as { id: string }).id} and ${(solids[j]!.item as { id: string }).id}`);
      }
    }
  }
  for (const item of scene.items) {
    const rect = solidRect(item) ?? (item.kind === 'frame' ? item : null);
    const points = item.kind === 'arrow' ? item.points : rect ? [[rect.x, rect.y], [rect.x + rect.w, rect.y + rect.h]] : [];
    for (const [x, y] of points as [number, number][]) {
      if (x < -0.01 || y < -0.01 || x > scene.width + 0.01 || y > scene.height + 0.01) {
        problems.push(`outside the canvas: ${item.id}`);
        break;
      }
    }
  }
  return problems;
}
