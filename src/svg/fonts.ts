/**
 * The figure's fonts for the native renderer: DejaVu Sans, Bold, Oblique and Sans Mono, the faces
 * the TeX templates select, read from the TrueType files of the `dejavu-fonts-ttf` package with
 * fontkit. Text is shaped run by run as XeTeX shapes it (kerning and the font's default features;
 * a face change in the middle of a line ends a run there too), and each glyph's outline is read
 * once per process. These four files are the only files the renderer reads.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Font } from 'fontkit';
import type { FontFace } from '../figure/text.js';

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
const faces = new Map<FontFace, Face>();

/** Loads fontkit once (it costs ~100 ms to import, so only a native render pays for it). */
export async function loadFontkit(): Promise<void> {
  fontkit ??= await import('fontkit');
}

/** The face of a run (fontkit must be loaded first, see {@link loadFontkit}). */
export function face(name: FontFace): Face {
  const known = faces.get(name);
  if (known) return known;
  if (!fontkit) throw new Error('fontkit is not loaded: call loadFontkit() first');
  const font = fontkit.create(readFileSync(join(FONT_DIR, FILES[name]))) as Font;
  const outlines = new Map<number, string>();
  const made: Face = {
    name,
    unitsPerEm: font.unitsPerEm,
    shape(text) {
      const run = font.layout(text);
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
        d = font.getGlyph(id).path.toSVG();
        outlines.set(id, d);
      }
      return d;
    },
  };
  faces.set(name, made);
  return made;
}
