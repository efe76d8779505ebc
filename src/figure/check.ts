/**
 * The scene checker: what a reader would see as a flaw, measured on the scene model before any
 * TeX runs. Solid items that overlap or leave the canvas, arrows drawn through boxes, arrows
 * running so close side by side that they read as one, lines that end in empty space, text
 * below the legibility limit at the display width, and theme colours without enough contrast.
 * Every problem is a short sentence naming the item ids, so a failing test says what to move.
 */
import type { ArrowItem, BoxItem, BraceItem, CircleItem, Item, Rect, Role, Scene, TextItem } from './scene.js';
import { solidRect } from './scene.js';
import { contrastRatio } from './contrast.js';
import { blockSize, lineWidth, runSize } from './text.js';
import { DISPLAY_WIDTH, MIN_TEXT_INSET } from './style.js';
import { ROLES, themeColors } from '../theme/palette.js';

type Point = [number, number];

/** How close an end must come to an edge, a rim or a line to count as touching it (pt). */
const TOUCH = 1.5;
/** Items are shrunk by this much before an arrow counts as passing through them (pt). */
const INTERIOR = 1;
/** A brace's curl reaches this far either side of its x (TikZ brace, amplitude 6pt). */
const BRACE_HALF_W = 7;
/** Parallel segments of two arrows closer than this read as one line (pt). */
const PARALLEL_GAP = 3;
/** Parallel segments count only if they run side by side for more than this (pt). */
const PARALLEL_OVERLAP = 2;
/** Smallest text at the display width, in CSS px: scripts, and everything else. */
const MIN_SCRIPT_PX = 8;
const MIN_TEXT_PX = 10;
const EPS = 0.01;

/** Options of {@link sceneProblems} and {@link sceneStats}. */
export interface CheckOptions {
  /** Width in CSS px the figure is shown at (default DISPLAY_WIDTH); the scene's width maps to it. */
  displayWidth?: number;
}

/**
 * Every problem of a scene, as short readable strings naming the item ids; empty when clean.
 * Each string starts with its check: `overlap:`, `outside the canvas:`, `arrow through:`,
 * `arrow through brace:`, `parallel arrows:`, `dangling end:`, `small text:`, `text overflows:`.
 */
export function sceneProblems(scene: Scene, options: CheckOptions = {}): string[] {
  return [
    ...overlapProblems(scene),
    ...canvasProblems(scene),
    ...crossingProblems(scene),
    ...parallelProblems(scene),
    ...danglingProblems(scene),
    ...textSizeProblems(scene, options.displayWidth ?? DISPLAY_WIDTH),
    ...boxTextProblems(scene),
  ];
}

/** A box label line that crosses or touches the box's outline. */
function boxTextProblems(scene: Scene): string[] {
  const out: string[] = [];
  for (const item of scene.items) {
    if (item.kind !== 'box') continue;
    for (const line of item.lines) {
      const w = lineWidth(line, item.size);
      if (w > item.w - 2 * MIN_TEXT_INSET + EPS) out.push(`text overflows: "${line.map((r) => r.text).join('')}" (${w.toFixed(1)} pt) in ${item.id} (${item.w.toFixed(1)} pt wide)`);
    }
  }
  return out;
}

/**
 * Measures of a scene: the area of its boxes, the area its text blocks take (text items and box
 * labels, measured in pt²), and its smallest text and script in px at the display width (null
 * when it has none).
 */
export function sceneStats(scene: Scene, options: CheckOptions = {}): { boxArea: number; textArea: number; minTextPx: number | null; minScriptPx: number | null } {
  const scale = (options.displayWidth ?? DISPLAY_WIDTH) / scene.width;
  let boxArea = 0;
  let textArea = 0;
  let minTextPx: number | null = null;
  let minScriptPx: number | null = null;
  for (const item of textItems(scene)) {
    if (item.kind === 'box') boxArea += item.w * item.h;
    const s = blockSize(item.lines, item.size);
    textArea += s.w * s.h;
    for (const run of item.lines.flat()) {
      const px = runSize(run, item.size) * scale;
      if (run.script) minScriptPx = Math.min(minScriptPx ?? Infinity, px);
      else minTextPx = Math.min(minTextPx ?? Infinity, px);
    }
  }
  return { boxArea, textArea, minTextPx, minScriptPx };
}

// ---------------------------------------------------------------------------------------------
// Geometry.

const idOf = (item: Item): string => item.id;
const arrows = (scene: Scene): ArrowItem[] => scene.items.filter((i): i is ArrowItem => i.kind === 'arrow');
const textItems = (scene: Scene): (BoxItem | TextItem)[] => scene.items.filter((i): i is BoxItem | TextItem => i.kind === 'box' || i.kind === 'text');

function segments(a: ArrowItem): [Point, Point][] {
  const out: [Point, Point][] = [];
  for (let k = 0; k + 1 < a.points.length; k++) out.push([a.points[k]!, a.points[k + 1]!]);
  return out;
}

function intersects(a: Rect, b: Rect, tolerance = EPS): boolean {
  return a.x + a.w > b.x + tolerance && b.x + b.w > a.x + tolerance && a.y + a.h > b.y + tolerance && b.y + b.h > a.y + tolerance;
}

const shrink = (r: Rect, d: number): Rect => ({ x: r.x + d, y: r.y + d, w: r.w - 2 * d, h: r.h - 2 * d });

/** Whether the segment p–q passes through the open rectangle r (Liang–Barsky clipping). */
function segmentCrossesRect(p: Point, q: Point, r: Rect): boolean {
  if (r.w <= 0 || r.h <= 0) return false;
  let t0 = 0;
  let t1 = 1;
  const d = [q[0] - p[0], q[1] - p[1]];
  const lo = [r.x, r.y];
  const hi = [r.x + r.w, r.y + r.h];
  for (let axis = 0; axis < 2; axis++) {
    const s = p[axis]!;
    const v = d[axis]!;
    if (Math.abs(v) < 1e-12) {
      if (s <= lo[axis]! || s >= hi[axis]!) return false;
      continue;
    }
    let a = (lo[axis]! - s) / v;
    let b = (hi[axis]! - s) / v;
    if (a > b) [a, b] = [b, a];
    t0 = Math.max(t0, a);
    t1 = Math.min(t1, b);
    if (t0 >= t1) return false;
  }
  return t1 - t0 > 1e-9;
}

/** Distance from point p to the segment a–b. */
function pointSegmentDistance(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** Distance from p to the outline of r (zero on it, positive inside and outside). */
function rectBoundaryDistance(p: Point, r: Rect): number {
  const [x, y] = p;
  const inside = x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h;
  if (inside) return Math.min(x - r.x, r.x + r.w - x, y - r.y, r.y + r.h - y);
  const dx = Math.max(r.x - x, 0, x - (r.x + r.w));
  const dy = Math.max(r.y - y, 0, y - (r.y + r.h));
  return Math.hypot(dx, dy);
}

const circleRimDistance = (p: Point, c: CircleItem): number => Math.abs(Math.hypot(p[0] - c.cx, p[1] - c.cy) - c.r);

/** Whether p lies on (or within TOUCH of) the outline of an item (the rim of a circle). */
function touchesItem(p: Point, item: Item): boolean {
  if (item.kind === 'circle') return circleRimDistance(p, item) <= TOUCH;
  if (item.kind === 'box' || item.kind === 'text' || item.kind === 'cell' || item.kind === 'frame') return rectBoundaryDistance(p, item) <= TOUCH;
  return false;
}

const ends = (a: ArrowItem): Point[] => (a.points.length ? [a.points[0]!, a.points[a.points.length - 1]!] : []);
const near = (p: Point, q: Point, d: number): boolean => Math.hypot(p[0] - q[0], p[1] - q[1]) <= d;
const onArrow = (p: Point, a: ArrowItem, d = TOUCH): boolean => segments(a).some(([s, t]) => pointSegmentDistance(p, s, t) <= d);
const fmt = (p: Point): string => `(${p[0].toFixed(1)}, ${p[1].toFixed(1)})`;

// ---------------------------------------------------------------------------------------------
// 1, 2. Overlaps and the canvas.

function overlapProblems(scene: Scene): string[] {
  const problems: string[] = [];
  const solids = scene.items.flatMap((item) => {
    const rect = solidRect(item);
    return rect ? [{ item, rect }] : [];
  });
  for (let i = 0; i < solids.length; i++) {
    for (let j = i + 1; j < solids.length; j++) {
      if (intersects(solids[i]!.rect, solids[j]!.rect)) problems.push(`overlap: ${idOf(solids[i]!.item)} and ${idOf(solids[j]!.item)}`);
    }
  }
  return problems;
}

/** The points that must lie on the canvas: corners, arrow points, brace ends. */
function extentPoints(item: Item): Point[] {
  if (item.kind === 'arrow') return item.points;
  if (item.kind === 'brace') return [[item.x - BRACE_HALF_W, item.y0], [item.x + BRACE_HALF_W, item.y1]];
  const r = solidRect(item) ?? (item.kind === 'frame' ? item : null);
  return r ? [[r.x, r.y], [r.x + r.w, r.y + r.h]] : [];
}

function canvasProblems(scene: Scene): string[] {
  const off = ([x, y]: Point) => x < -EPS || y < -EPS || x > scene.width + EPS || y > scene.height + EPS;
  return scene.items.filter((item) => extentPoints(item).some(off)).map((item) => `outside the canvas: ${item.id}`);
}

// ---------------------------------------------------------------------------------------------
// 3. Arrows through boxes, circles, texts, cells and braces.

/** Whether some segment of the arrow passes through the item's interior (shrunk by INTERIOR). */
function arrowCrosses(a: ArrowItem, item: Item): boolean {
  if (item.kind === 'circle') {
    return segments(a).some(([p, q]) => pointSegmentDistance([item.cx, item.cy], p, q) < item.r - INTERIOR);
  }
  const rect = solidRect(item);
  if (!rect) return false;
  const inner = shrink(rect, INTERIOR);
  return segments(a).some(([p, q]) => segmentCrossesRect(p, q, inner));
}

const braceRect = (b: BraceItem): Rect => ({ x: b.x - BRACE_HALF_W, y: Math.min(b.y0, b.y1), w: 2 * BRACE_HALF_W, h: Math.abs(b.y1 - b.y0) });

function crossingProblems(scene: Scene): string[] {
  const problems: string[] = [];
  const obstacles = scene.items.filter((i) => i.kind === 'box' || i.kind === 'text' || i.kind === 'cell' || i.kind === 'circle');
  const braces = scene.items.filter((i): i is BraceItem => i.kind === 'brace');
  for (const a of arrows(scene)) {
    const endpoints = ends(a);
    for (const item of obstacles) {
      // The item the arrow starts or ends on is where it is meant to touch.
      if (endpoints.some((p) => touchesItem(p, item))) continue;
      if (arrowCrosses(a, item)) problems.push(`arrow through: ${a.id} crosses ${item.id}`);
    }
    for (const b of braces) {
      const r = braceRect(b);
      if (segments(a).some(([p, q]) => segmentCrossesRect(p, q, r))) problems.push(`arrow through brace: ${a.id} crosses ${b.id}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 4. Parallel arrows too close.

interface AxisSegment {
  /** 0: horizontal (constant y), 1: vertical (constant x). */
  axis: 0 | 1;
  at: number;
  lo: number;
  hi: number;
}

function axisSegments(a: ArrowItem): AxisSegment[] {
  return segments(a).flatMap(([p, q]): AxisSegment[] => {
    if (Math.abs(p[1] - q[1]) < EPS && Math.abs(p[0] - q[0]) > EPS) return [{ axis: 0, at: p[1], lo: Math.min(p[0], q[0]), hi: Math.max(p[0], q[0]) }];
    if (Math.abs(p[0] - q[0]) < EPS && Math.abs(p[1] - q[1]) > EPS) return [{ axis: 1, at: p[0], lo: Math.min(p[1], q[1]), hi: Math.max(p[1], q[1]) }];
    return [];
  });
}

/**
 * Two arrows of one tree: they share an end point, or one starts on the other (a branch off a
 * trunk). Their coincident runs are one drawn line, not two.
 */
function sameTree(a: ArrowItem, b: ArrowItem): boolean {
  const ea = ends(a);
  const eb = ends(b);
  if (ea.some((p) => eb.some((q) => near(p, q, 0.5)))) return true;
  return (ea[0] !== undefined && onArrow(ea[0], b, 0.5)) || (eb[0] !== undefined && onArrow(eb[0], a, 0.5));
}

/** The closest side-by-side run of two arrows, or null when none is too close. */
function tooClose(a: AxisSegment[], b: AxisSegment[], tree: boolean): number | null {
  let worst: number | null = null;
  for (const s of a) {
    for (const t of b) {
      if (s.axis !== t.axis) continue;
      const gap = Math.abs(s.at - t.at);
      const overlap = Math.min(s.hi, t.hi) - Math.max(s.lo, t.lo);
      if (gap >= PARALLEL_GAP || overlap <= PARALLEL_OVERLAP) continue;
      if (gap <= EPS && tree) continue;
      worst = Math.min(worst ?? Infinity, gap);
    }
  }
  return worst;
}

function parallelProblems(scene: Scene): string[] {
  const problems: string[] = [];
  const list = arrows(scene).map((a) => ({ a, segs: axisSegments(a) }));
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const { a, segs } = list[i]!;
      const { a: b, segs: segsB } = list[j]!;
      const gap = tooClose(segs, segsB, sameTree(a, b));
      if (gap === null) continue;
      problems.push(gap <= EPS ? `parallel arrows: ${a.id} and ${b.id} run on one line` : `parallel arrows: ${a.id} and ${b.id} ${gap.toFixed(2)} pt apart`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 5. Lines that end in empty space.

/** Distance from p to what an end can touch: an outline, a circle's rim, another arrow's line. */
function distanceTo(p: Point, item: Item): number | null {
  switch (item.kind) {
    case 'circle':
      return circleRimDistance(p, item);
    case 'arrow':
      return Math.min(Infinity, ...segments(item).map(([s, t]) => pointSegmentDistance(p, s, t)));
    case 'brace':
      return null;
    default:
      return rectBoundaryDistance(p, item);
  }
}

/** The nearest thing to an end of arrow `a` (other than `a`), and how far it is. */
function nearest(p: Point, a: ArrowItem, scene: Scene): { id: string; d: number } | null {
  let best: { id: string; d: number } | null = null;
  for (const item of scene.items) {
    if (item === a) continue;
    const d = distanceTo(p, item);
    if (d !== null && (!best || d < best.d)) best = { id: item.id, d };
  }
  return best;
}

/**
 * Whether p is in the open towards `dir` (+1 up, -1 down): outside every frame, with no box,
 * circle or cell beyond it in its column. The figure's input comes from there, its output goes there.
 */
function inTheOpen(p: Point, dir: 1 | -1, scene: Scene): boolean {
  const inside = (r: Rect) => p[0] > r.x + EPS && p[0] < r.x + r.w - EPS && p[1] > r.y + EPS && p[1] < r.y + r.h - EPS;
  return scene.items.every((item) => {
    if (item.kind === 'frame') return !inside(item);
    if (item.kind === 'text') return true;
    const r = solidRect(item);
    if (!r || p[0] < r.x - EPS || p[0] > r.x + r.w + EPS) return true;
    return dir > 0 ? r.y + r.h < p[1] - EPS : r.y > p[1] + EPS;
  });
}

function danglingProblem(a: ArrowItem, p: Point, which: 'starts' | 'ends', scene: Scene): string | null {
  const near = nearest(p, a, scene);
  if (near && near.d <= TOUCH) return null;
  const hint = near ? ` (nearest: ${near.id}, ${near.d.toFixed(1)} pt away)` : '';
  return `dangling end: ${a.id} ${which} at ${fmt(p)} on nothing${hint}`;
}

function danglingProblems(scene: Scene): string[] {
  const boxes = scene.items.filter((i): i is BoxItem => i.kind === 'box');
  const bottomOfBoxes = Math.min(Infinity, ...boxes.map((b) => b.y));
  const problems: string[] = [];
  // A table rule is a line of the ledger, not a connection: it has no ends to check.
  for (const a of arrows(scene).filter((x) => !x.rule)) {
    const [first, last] = ends(a);
    const second = a.points[1];
    const beforeLast = a.points[a.points.length - 2];
    if (!first || !last || !second || !beforeLast) continue;
    // The input comes up from the open below every box; the output goes up into the open (above
    // the stack, though an inset beside it may reach higher).
    const input = !a.leader && second[1] > first[1] && first[1] <= bottomOfBoxes + EPS && inTheOpen(first, -1, scene);
    const output = a.head && !a.leader && last[1] > beforeLast[1] && inTheOpen(last, 1, scene);
    const start = input || a.open === 'start' ? null : danglingProblem(a, first, 'starts', scene);
    const end = output || a.open === 'end' ? null : danglingProblem(a, last, 'ends', scene);
    problems.push(...[start, end].filter((x): x is string => x !== null));
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 6. Text size at the display width.


function textSizeProblems(scene: Scene, displayWidth: number): string[] {
  const scale = displayWidth / scene.width;
  const problems: string[] = [];
  for (const item of textItems(scene)) {
    for (const script of [false, true]) {
      const min = script ? MIN_SCRIPT_PX : MIN_TEXT_PX;
      const runs = item.lines.flat().filter((r) => Boolean(r.script) === script && r.text.trim() !== '');
      const small = runs.find((r) => runSize(r, item.size) * scale < min - 1e-9);
      if (!small) continue;
      const px = runSize(small, item.size) * scale;
      problems.push(`small text: ${item.id} "${small.text}" ${px.toFixed(2)} px${script ? ' (script)' : ''} < ${min} px at ${displayWidth} px`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 7. Theme contrast (WCAG 2.x).

/** WCAG minimum ratios: text (AA, normal size) and graphical objects (1.4.11). */
const TEXT_RATIO = 4.5;
const GRAPHIC_RATIO = 3;

/** [foreground, background] pairs: text colours on the fills they are set on. */
const TEXT_PAIRS: [Role, Role][] = [
  ...(['paper', 'box', 'container', 'block', 'norm', 'proj', 'router', 'expert', 'embed', 'mtp'] as const).map((bg): [Role, Role] => ['ink', bg]),
  // Muted is the ledger and caption colour, small text on paper and inside the frames.
  ...(['paper', 'container', 'block'] as const).map((bg): [Role, Role] => ['muted', bg]),
  // Accent: titles and callouts on paper, key words in boxes, the "N ×" label on the container.
  // Accent text: titles, callouts and captions on paper, "N ×" on the container, mHC labels in boxes
  // (none sits on the block itself).
  ...(['paper', 'box', 'container'] as const).map((bg): [Role, Role] => ['accent', bg]),
  ['attentionInk', 'attention'],
  ['attentionAccent', 'attention'],
  // Expert tags: paper-coloured text on ink.
  ['paper', 'ink'],
];

/** Lines and marks against what they are drawn over. */
const GRAPHIC_PAIRS: [Role, Role][] = [
  ...(['paper', 'container', 'block'] as const).map((bg): [Role, Role] => ['ink', bg]),
  // Leader lines and the brace.
  ...(['paper', 'container'] as const).map((bg): [Role, Role] => ['accent', bg]),
  ...(['cellA', 'cellB', 'cellC', 'cellD'] as const).map((fg): [Role, Role] => [fg, 'paper']),
];

/**
 * The colour pairs of a theme template below the WCAG 2 minimum (text 4.5:1, lines 3:1), and
 * the roles it does not define; `name` prefixes each problem (the theme's name).
 */
export function themeContrastProblems(templateText: string, name: string): string[] {
  const colors = themeColors(templateText);
  const problems = ROLES.filter((r) => !colors.has(r)).map((r) => `${name}: missing colour role hf${r}`);
  const check = (pairs: [Role, Role][], min: number, what: string) => {
    for (const [fg, bg] of pairs) {
      const a = colors.get(fg);
      const b = colors.get(bg);
      if (!a || !b) continue;
      const ratio = contrastRatio(a, b);
      if (ratio < min) problems.push(`${name}: ${what} ${fg} on ${bg} ${ratio.toFixed(2)}:1 < ${min}:1 (#${a} on #${b})`);
    }
  };
  check(TEXT_PAIRS, TEXT_RATIO, 'text');
  check(GRAPHIC_PAIRS, GRAPHIC_RATIO, 'graphic');
  return problems;
}
