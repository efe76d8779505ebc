/**
 * Path geometry as TikZ draws it, for the native renderer: polylines with `rounded corners`,
 * arrows.meta's `Stealth` tip, and the `brace` decoration (pgflibrarydecorations.pathreplacing).
 * Points here are already in SVG space (y down); every number is printed with 2 decimals, so
 * equal scenes give equal bytes.
 */
export type Point = [number, number];

/** A number with at most 2 decimals, never "-0". */
export const num = (x: number): string => {
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
};
const pt = ([x, y]: Point): string => `${num(x)} ${num(y)}`;

const sub = (a: Point, b: Point): Point => [a[0] - b[0], a[1] - b[1]];
const add = (a: Point, b: Point): Point => [a[0] + b[0], a[1] + b[1]];
const scale = (a: Point, k: number): Point => [a[0] * k, a[1] * k];
const length = (a: Point): number => Math.hypot(a[0], a[1]);
const unit = (a: Point): Point => {
  const l = length(a) || 1;
  return [a[0] / l, a[1] / l];
};

/** Bézier handle of a quarter circle (4/3·(√2 − 1)), PGF's for its rounded corners. */
const KAPPA = 0.5522847;

/**
 * A polyline whose corners are rounded with radius `r` (TikZ `rounded corners=r`): each corner
 * is cut `r` before and after the vertex (at most half of either segment) and joined by a
 * curve with quarter-circle handles.
 */
export function roundedPolyline(points: Point[], r: number): string {
  if (points.length < 2) return '';
  let d = `M${pt(points[0]!)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [prev, v, next] = [points[i - 1]!, points[i]!, points[i + 1]!];
    const inLen = length(sub(v, prev));
    const outLen = length(sub(next, v));
    const cut = Math.min(r, inLen / 2, outLen / 2);
    if (cut <= 0) continue;
    const p1 = sub(v, scale(unit(sub(v, prev)), cut));
    const p2 = add(v, scale(unit(sub(next, v)), cut));
    d += `L${pt(p1)}C${pt(add(p1, scale(sub(v, p1), KAPPA)))} ${pt(add(p2, scale(sub(v, p2), KAPPA)))} ${pt(p2)}`;
  }
  return `${d}L${pt(points[points.length - 1]!)}`;
}

/** A Stealth tip's size: `length` and `width` in pt (the figure's: 5.5 × 4.5, strands 3.5 × 3). */
export interface TipSize {
  length: number;
  width: number;
}

/** arrows.meta's Stealth inset: 0.325 of the length. */
const INSET = 0.325;

/**
 * The Stealth tip at the end of `points`: the filled outline (tip at the end point, back corners
 * `length` behind it, the notch at the inset), and the points of the line shortened to end
 * inside the tip, as arrows.meta shortens it.
 */
export function stealthTip(points: Point[], tip: TipSize, lineWidth: number): { outline: string; line: Point[] } {
  const end = points[points.length - 1]!;
  const before = points[points.length - 2] ?? end;
  const u = unit(sub(end, before));
  const n: Point = [-u[1], u[0]];
  const inset = INSET * tip.length;
  const back = sub(end, scale(u, tip.length));
  const corners: Point[] = [end, add(back, scale(n, tip.width / 2)), sub(end, scale(u, tip.length - inset)), sub(back, scale(n, tip.width / 2))];
  // arrows.meta ends the line at the inset plus the inset's miter, less a quarter line width.
  const tipLine = Math.min(lineWidth, (tip.length - inset) / 4);
  const miter = 0.5 * tipLine * Math.sqrt(1 + 4 * (inset / tip.width) ** 2);
  const shorten = tip.length - inset - miter + 0.25 * tipLine;
  const line = [...points.slice(0, -1), sub(end, scale(u, Math.min(shorten, length(sub(end, before)))))];
  return { outline: `M${corners.map(pt).join('L')}Z`, line };
}

/**
 * TikZ's `brace` decoration (aspect 0.5) on the segment from `from` to `to`, bulging `amplitude`
 * to the left of the direction of travel (in SVG space, y down, left of travel is `(dy, −dx)`).
 */
export function bracePath(from: Point, to: Point, amplitude: number): string {
  const L = length(sub(to, from));
  const u = unit(sub(to, from));
  // Left of travel: in y-down space a +90° turn on screen is (u.y, −u.x).
  const left: Point = [u[1], -u[0]];
  const at = (x: number, y: number): string => pt(add(add(from, scale(u, x)), scale(left, y)));
  const A = amplitude;
  const m = 0.5 * L;
  const yc = 2 * A > m ? 0.5 * m : A;
  const xc = 2 * A > L - m ? 0.5 * (L - m) : A;
  return [
    `M${at(0, 0)}`,
    `C${at(0.15 * yc, 0.3 * A)} ${at(0.5 * yc, 0.5 * A)} ${at(yc, 0.5 * A)}`,
    `L${at(m - yc, 0.5 * A)}`,
    `C${at(m - 0.5 * yc, 0.5 * A)} ${at(m - 0.15 * yc, 0.7 * A)} ${at(m, A)}`,
    `C${at(m + 0.15 * xc, 0.7 * A)} ${at(m + 0.5 * xc, 0.5 * A)} ${at(m + xc, 0.5 * A)}`,
    `L${at(L - xc, 0.5 * A)}`,
    `C${at(L - 0.5 * xc, 0.5 * A)} ${at(L - 0.15 * xc, 0.3 * A)} ${at(L, 0)}`,
  ].join('');
}
