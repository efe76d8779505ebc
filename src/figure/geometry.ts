/**
 * Geometry shared by the figure code and the backends: scene items moved as a whole (an inset
 * onto the canvas, a drawing above its formulas), and the parallel strands of a stream bundle
 * (hyper-connections' n_hc residual streams), so that every renderer draws the same lines.
 */
import type { Item } from './scene.js';

/** `item` moved by (dx, dy): every point of an arrow, a circle's centre, a brace's x and ends. */
export function translateItem(item: Item, dx: number, dy: number): Item {
  switch (item.kind) {
    case 'arrow':
      return { ...item, points: item.points.map(([x, y]): [number, number] => [x + dx, y + dy]) };
    case 'circle':
      return { ...item, cx: item.cx + dx, cy: item.cy + dy };
    case 'brace':
      return { ...item, x: item.x + dx, y0: item.y0 + dy, y1: item.y1 + dy };
    default:
      return { ...item, x: item.x + dx, y: item.y + dy };
  }
}

/** Every item moved by (dx, dy) (see {@link translateItem}). */
export function translateItems(items: Item[], dx: number, dy: number): Item[] {
  return items.map((item) => translateItem(item, dx, dy));
}

/** The rectangle items cover: boxes, texts, frames and cells, circles, arrow points, braces. */
export function itemBounds(items: Item[]): { x0: number; y0: number; x1: number; y1: number } {
  const b = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  const add = (x: number, y: number): void => {
    b.x0 = Math.min(b.x0, x);
    b.y0 = Math.min(b.y0, y);
    b.x1 = Math.max(b.x1, x);
    b.y1 = Math.max(b.y1, y);
  };
  for (const item of items) {
    if (item.kind === 'arrow') item.points.forEach(([x, y]) => add(x, y));
    else if (item.kind === 'circle') {
      add(item.cx - item.r, item.cy - item.r);
      add(item.cx + item.r, item.cy + item.r);
    } else if (item.kind === 'brace') {
      add(item.x, item.y0);
      add(item.x, item.y1);
    } else {
      add(item.x, item.y);
      add(item.x + item.w, item.y + item.h);
    }
  }
  return b;
}

/** Distance between the strands of a bundle, in pt. */
export const STRAND_SPACING = 3.2;

/**
 * The polylines of an `n`-strand bundle along `points`: copies offset to the left and right of the
 * path (perpendicular to each segment, joined at corners), centred on it.
 */
export function strandPaths(points: [number, number][], n: number, spacing = STRAND_SPACING): [number, number][][] {
  if (n <= 1 || points.length < 2) return [points];
  const offsets = Array.from({ length: n }, (_, i) => (i - (n - 1) / 2) * spacing);
  return offsets.map((o) => offsetPolyline(points, o));
}

/** Unit normal (to the left) of the segment a → b. */
function normal(a: [number, number], b: [number, number]): [number, number] {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy) || 1;
  return [-dy / len, dx / len];
}

/** The polyline moved `d` to the left of its direction; corners are mitred. */
function offsetPolyline(points: [number, number][], d: number): [number, number][] {
  return points.map((p, i) => {
    const prev = i > 0 ? normal(points[i - 1]!, p) : null;
    const next = i + 1 < points.length ? normal(p, points[i + 1]!) : null;
    if (!prev || !next) {
      const [nx, ny] = (prev ?? next)!;
      return [p[0] + nx * d, p[1] + ny * d];
    }
    // Mitre: the sum of the two normals, scaled so that each segment stays `d` away.
    const mx = prev[0] + next[0];
    const my = prev[1] + next[1];
    const dot = mx * prev[0] + my * prev[1];
    if (Math.abs(dot) < 1e-9) return [p[0] + prev[0] * d, p[1] + prev[1] * d];
    return [p[0] + (mx * d) / dot, p[1] + (my * d) / dot];
  });
}
