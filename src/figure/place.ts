/**
 * One-dimensional placement: items that want to sit at a height (centred on what they describe)
 * are moved apart just enough not to overlap, keeping their order, inside [lo, hi] when possible.
 */

export interface Want {
  /** Desired centre y. */
  y: number;
  /** Height. */
  h: number;
}

/**
 * Bottom y of each item, in the input order. Items are ordered by desired centre; a downward
 * pass keeps the gaps, an upward pass lifts them above `lo`; `hi` is only a hint (the caller grows
 * the canvas when the result passes it).
 */
export function placeColumn(wants: Want[], gap: number, lo: number, hi: number): number[] {
  const order = wants.map((w, i) => ({ ...w, i })).sort((a, b) => b.y - a.y || a.i - b.i);
  const bottoms = new Array<number>(wants.length);
  // Top to bottom: each item at its wish or just below the previous one.
  let limit = hi;
  for (const w of order) {
    const top = Math.min(w.y + w.h / 2, limit);
    bottoms[w.i] = top - w.h;
    limit = top - w.h - gap;
  }
  // Bottom to top: nothing below `lo`.
  let floor = lo;
  for (const w of [...order].reverse()) {
    if (bottoms[w.i]! < floor) bottoms[w.i] = floor;
    floor = bottoms[w.i]! + w.h + gap;
  }
  return bottoms;
}
