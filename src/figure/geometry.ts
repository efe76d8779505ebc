/**
 * Geometry shared by the backends: the parallel strands of a stream bundle (hyper-connections'
 * n_hc residual streams), so that every renderer draws the same lines.
 */

/** Distance between the strands of a bundle, in pt. */
export const STRAND_SPACING = 2.4;

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
