/**
 * The figure's fonts for the native renderer: DejaVu Sans, Bold, Oblique and Sans Mono, the faces
 * the TeX templates select, from the TrueType files of the `dejavu-fonts-ttf` package. Text is
 * shaped run by run as XeTeX shapes it (kerning and the font's default ligatures; a face change
 * ends a run, as it ends TeX's). The characters the figures use are shaped from `glyphs.json`,
 * which fontkit wrote from the same files (scripts/extract-glyphs.mjs; a test checks that both
 * shape alike), so that a figure needs neither fontkit's 100-ms import nor its table parsing;
 * any other character sends its run to fontkit and the TrueType file. These four files are the
 * only files the renderer reads.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Font } from 'fontkit';
import type { FontFace } from '../figure/text.js';
import table from './glyphs.json' with { type: 'json' };

/** The TrueType file of each face. */
const FILES: Record<FontFace, string> = {
  sans: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  italic: 'DejaVuSans-Oblique.ttf',
  mono: 'DejaVuSansMono.ttf',
};

const require = createRequire(import.meta.url);

/** The folder of the TrueType files (inside the installed `dejavu-fonts-ttf`). */
export const FONT_DIR = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

/** The paths the renderer may read: one per face. */
export const FONT_FILES: readonly string[] = Object.values(FILES).map((file) => join(FONT_DIR, file));

/** A shaped glyph: its id, and its pen position in font units from the run's start. */
export interface PlacedGlyph {
  id: number;
  x: number;
  y: number;
}

export interface ShapedRun {
  glyphs: PlacedGlyph[];
  /** Advance of the whole run, in font units. */
  advance: number;
}

export interface Face {
  name: FontFace;
  unitsPerEm: number;
  shape(text: string): ShapedRun;
  /** The outline of glyph `id` as SVG path data in font units, y up ('' for an empty glyph). */
  outline(id: number): string;
}

type Fontkit = typeof import('fontkit');
let fontkit: Fontkit | undefined;

/** Loads fontkit once (it costs ~100 ms to import, so only text outside the table pays for it). */
export async function loadFontkit(): Promise<void> {
  fontkit ??= await import('fontkit');
}

interface FaceTable {
  unitsPerEm: number;
  /** Character → [glyph id, advance]. */
  glyphs: Record<string, [number, number]>;
  /** Two or three characters shaped into one glyph → [glyph id, advance]. */
  ligatures: Record<string, [number, number]>;
  /** "id,id" → change of the first glyph's advance. */
  kerning: Record<string, number>;
  /** Character pairs fontkit shapes some other way: a run holding one goes to fontkit. */
  complex: string[];
  outlines: Record<string, string>;
}

const TABLES = table as unknown as Record<FontFace, FaceTable>;

/** The glyphs of `text` from the table, or null when a character or a pair is not in it. */
function shapeFromTable(t: FaceTable, complex: Set<string>, text: string): ShapedRun | null {
  const chars = [...text];
  for (let i = 1; i < chars.length; i++) if (complex.has(chars[i - 1]! + chars[i]!)) return null;
  const units: [number, number][] = [];
  const lig = (i: number, n: number): [number, number] | undefined => {
    const key = chars.slice(i, i + n).join('');
    return chars.length - i >= n && Object.hasOwn(t.ligatures, key) ? t.ligatures[key] : undefined;
  };
  for (let i = 0; i < chars.length; ) {
    const long = lig(i, 3) ?? lig(i, 2);
    if (long) {
      units.push(long);
      i += lig(i, 3) ? 3 : 2;
      continue;
    }
    const g = Object.hasOwn(t.glyphs, chars[i]!) ? t.glyphs[chars[i]!] : undefined;
    if (!g) return null;
    units.push(g);
    i++;
  }
  const glyphs: PlacedGlyph[] = [];
  let x = 0;
  units.forEach(([id, advance], i) => {
    glyphs.push({ id, x, y: 0 });
    const next = units[i + 1];
    x += advance + (next ? (t.kerning[`${id},${next[0]}`] ?? 0) : 0);
  });
  return { glyphs, advance: x };
}

/** Whether every run of these texts can be shaped without fontkit. */
export function shapedByTable(runs: { text: string; face: FontFace }[]): boolean {
  return runs.every((r) => face(r.face).fromTable(r.text) !== null);
}

interface TableFace extends Face {
  fromTable(text: string): ShapedRun | null;
}

const faces = new Map<FontFace, TableFace>();

/** The face of a run; text outside the table needs fontkit loaded first (see {@link loadFontkit}). */
export function face(name: FontFace): TableFace {
  const known = faces.get(name);
  if (known) return known;
  const t = TABLES[name];
  const complex = new Set(t.complex);
  let font: Font | undefined;
  const open = (): Font => {
    if (!fontkit) throw new Error(`fontkit is not loaded: call loadFontkit() before shaping text outside the glyph table`);
    font ??= fontkit.create(readFileSync(join(FONT_DIR, FILES[name]))) as Font;
    return font;
  };
  const outlines = new Map<number, string>();
  // Runs repeat (numbers, labels), and renderNative's pre-scan shapes each run once before drawing.
  const shaped = new Map<string, ShapedRun | null>();
  const fromTable = (text: string): ShapedRun | null => {
    let run = shaped.get(text);
    if (run === undefined) {
      run = shapeFromTable(t, complex, text);
      if (shaped.size >= 20_000) shaped.clear(); // a long-running process stays bounded
      shaped.set(text, run);
    }
    return run;
  };
  const made: TableFace = {
    name,
    unitsPerEm: t.unitsPerEm,
    fromTable,
    shape(text) {
      const fromTable = made.fromTable(text);
      if (fromTable) return fromTable;
      const run = open().layout(text);
      const glyphs: PlacedGlyph[] = [];
      let x = 0;
      run.glyphs.forEach((g, i) => {
        const p = run.positions[i]!;
        // A character the font lacks (.notdef) is dropped, as XeTeX drops it: no box, no width.
        if (g.id === 0) return;
        glyphs.push({ id: g.id, x: x + p.xOffset, y: p.yOffset });
        x += p.xAdvance;
      });
      return { glyphs, advance: x };
    },
    outline(id) {
      let d = outlines.get(id);
      if (d === undefined) {
        d = Object.hasOwn(t.outlines, String(id)) ? t.outlines[String(id)]! : open().getGlyph(id).path.toSVG();
        outlines.set(id, d);
      }
      return d;
    },
  };
  faces.set(name, made);
  return made;
}
