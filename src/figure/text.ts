/**
 * Text as the figure sets it: runs of one font, with sub- and superscripts, measured with the
 * metrics XeTeX reports for the figure's fonts (font-metrics.json, scripts/measure-fonts.mjs),
 * so the layout knows every label's size without running TeX.
 */
import fontMetrics from './font-metrics.json' with { type: 'json' };

export type FontFace = 'sans' | 'bold' | 'italic' | 'mono';

/** A piece of text in one face; `script` sets it smaller, lowered or raised. */
export interface Run {
  text: string;
  face: FontFace;
  script?: 'sub' | 'sup';
  /** A colour role instead of the text's colour (e.g. the accent of a key word). */
  color?: string;
  /** Set at this fraction of the item's size (the count line under a box label: 0.9). */
  scale?: number;
}

interface FaceMetrics {
  widths: Record<string, number>;
  asc: number;
}

const metrics = fontMetrics as unknown as Record<FontFace, FaceMetrics> & { size: number };

/** Scripts are set at this fraction of the size: 7.5 pt under 10 pt text, so that they stay
 * ≥ 8 px when a figure is shown 800 px wide (style.ts). */
export const SCRIPT_SCALE = 0.75;
/** Baseline-to-baseline distance as a fraction of the size. */
export const LINE_SPACING = 1.25;

/** How far a script is lowered or raised, in em of the document font around it (10 pt, the
 * size a TikZ node starts from), as the TeX backend's `\raisebox` sets it. */
export const SCRIPT_RAISE = { sub: -0.22, sup: 0.5 } as const;
export const DOCUMENT_EM = 10;

/**
 * The baseline of each line of a text block (box label or text item): the lines are centred on
 * the block's middle, each line's capitals (cap height ≈ 0.73 em) centred in its line box.
 */
export function lineBaselines(item: { y: number; h: number; lines: unknown[]; size: number }): number[] {
  const lh = item.size * LINE_SPACING;
  const top = item.y + item.h / 2 + (item.lines.length * lh) / 2;
  return item.lines.map((_, i) => top - i * lh - lh / 2 - 0.365 * item.size);
}

/** The size in pt a run is set at inside text of `size` pt (its scale, then scripts smaller). */
export function runSize(run: Run, size: number): number {
  return size * (run.scale ?? 1) * (run.script ? SCRIPT_SCALE : 1);
}

/** Width in pt of a run at `size` pt. Characters outside the table count as an em (safe side). */
export function runWidth(run: Run, size: number): number {
  const m = metrics[run.face];
  const s = runSize(run, size);
  let w = 0;
  for (const ch of run.text) w += (m.widths[String(ch.codePointAt(0))] ?? metrics.size) * (s / metrics.size);
  return w;
}

/** Width in pt of a line of runs. */
export function lineWidth(runs: Run[], size: number): number {
  return runs.reduce((acc, r) => acc + runWidth(r, size), 0);
}

/** Size of a block of lines: widest line, and lines × spacing. */
export function blockSize(lines: Run[][], size: number): { w: number; h: number } {
  const w = Math.max(0, ...lines.map((l) => lineWidth(l, size)));
  return { w, h: lines.length * size * LINE_SPACING };
}

/** Neighbouring runs of one style merged, so that a line is few runs. */
export function mergeRuns(line: Run[]): Run[] {
  const out: Run[] = [];
  for (const r of line) {
    const last = out[out.length - 1];
    if (last && last.face === r.face && last.color === r.color && last.script === r.script && last.scale === r.scale) last.text += r.text;
    else out.push({ ...r });
  }
  return out;
}

export const plain = (text: string, face: FontFace = 'sans', color?: string): Run => ({ text, face, ...(color ? { color } : {}) });

/**
 * Greedy word wrap of a text into lines no wider than `max` pt; a word wider than a line is
 * broken between characters (a title of one 800-character word must still fit the page).
 */
export function wrap(text: string, face: FontFace, size: number, max: number): Run[][] {
  const words = text.split(/\s+/).filter(Boolean).flatMap((word) => breakWord(word, face, size, max));
  const lines: Run[][] = [];
  let current = '';
  for (const word of words) {
    const next = current ? `${current} ${word}` : word;
    if (current && runWidth(plain(next, face), size) > max) {
      lines.push([plain(current, face)]);
      current = word;
    } else current = next;
  }
  if (current) lines.push([plain(current, face)]);
  return lines;
}

/** A word as pieces no wider than `max` pt (itself when it fits). */
function breakWord(word: string, face: FontFace, size: number, max: number): string[] {
  if (runWidth(plain(word, face), size) <= max) return [word];
  const pieces: string[] = [];
  let piece = '';
  for (const ch of word) {
    if (piece && runWidth(plain(piece + ch, face), size) > max) {
      pieces.push(piece);
      piece = '';
    }
    piece += ch;
  }
  if (piece) pieces.push(piece);
  return pieces;
}
