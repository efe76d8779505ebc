/**
 * Entry of the native backend: a {@link Scene} → SVG, drawn as the TeX backend draws it (same
 * strokes, tips, dashes, corner radii, baselines and script offsets, from `style.ts` and
 * `text.ts`), with text as glyph outlines of the same fonts. Each glyph is defined once in
 * `<defs>` and placed with `<use>`; every id starts with a prefix made from the figure's own
 * bytes, so that two different figures inlined in one page never share an id. Nothing from a
 * config reaches the SVG as markup: labels become outlines, and the title and description are
 * XML-escaped text.
 */
import { createHash } from 'node:crypto';
import type { Item, Role, Scene } from '../figure/scene.js';
import { strandPaths } from '../figure/geometry.js';
import { LINE, STROKE } from '../figure/style.js';
import { DOCUMENT_EM, lineBaselines, runSize, SCRIPT_RAISE, type Run } from '../figure/text.js';
import type { Palette } from '../theme/palette.js';
import { face } from './fonts.js';
import { bracePath, num, roundedPolyline, stealthTip, type Point } from './paths.js';

/** What assistive technology reads: the figure's title and a sentence on what it shows. */
export interface SvgMeta {
  title: string;
  description: string;
}

/** For a PNG: the page cropped to whole pixels at this resolution, sized in pixels; with `rows`,
 * only the pixel rows `[first, end)` of it (a strip, rasterized on its own). */
export interface RasterBox {
  dpi: number;
  rows?: [number, number];
}

/** The whole pixels a drawn scene covers at `dpi`. */
export function rasterSize(drawn: Pick<DrawnScene, 'width' | 'height'>, dpi: number): { width: number; height: number } {
  const px = (pt: number) => Math.max(1, Math.floor((pt * dpi) / TEX_PT_PER_INCH + 1e-6));
  return { width: px(drawn.width), height: px(drawn.height) };
}

/** TeX points per inch (the scene's unit; SVG's pt is 1/72 in). */
const TEX_PT_PER_INCH = 72.27;

/** Stands for the id prefix until the bytes it is made from are known. */
const PREFIX = '\u0000';

/** Text for XML character data and attribute values; characters XML 1.0 cannot hold are dropped. */
export function escapeXml(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0xfffe || code === 0xffff || (code >= 0xd800 && code <= 0xdfff)) continue;
    out += ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '"' ? '&quot;' : ch === "'" ? '&#39;' : ch;
  }
  return out;
}

class SvgWriter {
  private readonly glyphs = new Map<string, string>();
  private readonly defs: string[] = [];

  constructor(
    private readonly height: number,
    private readonly palette: Palette,
  ) {}

  /** Scene point (y up) → SVG point (y down). */
  p = ([x, y]: [number, number]): Point => [x, this.height - y];
  color = (role: Role | string): string => this.palette[role as Role] ?? this.palette.ink;

  /** The id of a glyph's outline, defined on first use ('' for an empty glyph). */
  private glyph(faceName: Run['face'], id: number): string {
    const key = `${faceName[0]}${id}`;
    if (!this.glyphs.has(key)) {
      const d = face(faceName).outline(id);
      this.glyphs.set(key, d);
      if (d) this.defs.push(`<path id="${PREFIX}${key}" d="${d}"/>`);
    }
    return this.glyphs.get(key) ? key : '';
  }

  /** One line of runs with its baseline at scene height `baseline`, anchored at x. */
  private line(runs: Run[], size: number, x: number, baseline: number, align: 'left' | 'center' | 'right', color: Role): string {
    const shaped = runs.map((run) => {
      const s = runSize(run, size);
      const f = face(run.face);
      const shape = f.shape(run.text);
      return { run, s, k: s / f.unitsPerEm, shape, width: (shape.advance * s) / f.unitsPerEm };
    });
    const width = shaped.reduce((a, r) => a + r.width, 0);
    let pen = align === 'left' ? x : align === 'right' ? x - width : x - width / 2;
    const out: string[] = [];
    for (const { run, k, shape, width: w } of shaped) {
      const raise = run.script ? SCRIPT_RAISE[run.script] * DOCUMENT_EM : 0;
      const uses = shape.glyphs.map((g) => ({ id: this.glyph(run.face, g.id), g })).filter((u) => u.id !== '');
      if (uses.length > 0) {
        const [X, Y] = this.p([pen, baseline + raise]);
        const body = uses.map(({ id, g }) => `<use href="#${PREFIX}${id}"${g.x ? ` x="${g.x}"` : ''}${g.y ? ` y="${g.y}"` : ''}/>`).join('');
        out.push(`<g fill="${this.color(run.color ?? color)}" transform="matrix(${k.toFixed(7)} 0 0 ${(-k).toFixed(7)} ${num(X)} ${num(Y)})">${body}</g>`);
      }
      pen += w;
    }
    return out.join('');
  }

  private text(item: { x: number; y: number; w: number; h: number; lines: Run[][]; size: number }, color: Role, align: 'left' | 'center' | 'right'): string {
    const x = align === 'left' ? item.x : align === 'right' ? item.x + item.w : item.x + item.w / 2;
    const baselines = lineBaselines(item);
    return item.lines.map((line, i) => this.line(line, item.size, x, baselines[i]!, align, color)).join('');
  }

  private dash(style: 'solid' | 'dotted' | 'dashed'): string {
    if (style === 'dotted') return ` stroke-dasharray="${LINE.dotted.join(' ')}" stroke-linecap="round"`;
    if (style === 'dashed') return ` stroke-dasharray="${LINE.dashed.join(' ')}"`;
    return '';
  }

  private rect(x: number, y: number, w: number, h: number): string {
    const [X, Y] = this.p([x, y + h]);
    return `x="${num(X)}" y="${num(Y)}" width="${num(w)}" height="${num(h)}"`;
  }

  item(item: Item): string {
    switch (item.kind) {
      case 'frame': {
        const width = item.style === 'dotted' ? STROKE.leader : STROKE.frame;
        return `<rect ${this.rect(item.x, item.y, item.w, item.h)} rx="${num(item.radius)}" fill="${item.fill ? this.color(item.fill) : 'none'}" stroke="${this.color(item.stroke)}" stroke-width="${num(width)}"${this.dash(item.style)}/>`;
      }
      case 'box':
        return (
          `<rect ${this.rect(item.x, item.y, item.w, item.h)} rx="${num(item.radius)}" fill="${this.color(item.fill)}" stroke="${this.color(item.stroke)}" stroke-width="${num(STROKE.box)}"${item.dashed ? this.dash('dashed') : ''}/>` +
          this.text(item, item.textColor, 'center')
        );
      case 'text':
        return this.text(item, item.color, item.align);
      case 'arrow': {
        const width = item.leader ? STROKE.leader : STROKE.arrow;
        const strands = strandPaths(item.points, item.strands ?? 1);
        const strandWidth = strands.length > 1 ? width * LINE.strandWidth : width;
        const tip = strands.length > 1 ? LINE.strandTip : LINE.tip;
        const color = this.color(item.color);
        return strands
          .map((points) => {
            let line = points.map(this.p);
            let head = '';
            if (item.head) {
              const t = stealthTip(line, tip, strandWidth);
              line = t.line;
              head = `<path d="${t.outline}" fill="${color}"/>`;
            }
            return `<path d="${roundedPolyline(line, LINE.cornerRadius)}" fill="none" stroke="${color}" stroke-width="${num(strandWidth)}"${this.dash(item.style)}/>${head}`;
          })
          .join('');
      }
      case 'circle': {
        const [cx, cy] = this.p([item.cx, item.cy]);
        const a = item.r * LINE.cross * (item.symbol === 'plus' ? 1 : 0.7);
        const cross = item.symbol === 'plus'
          ? `M${num(cx - a)} ${num(cy)}H${num(cx + a)}M${num(cx)} ${num(cy - a)}V${num(cy + a)}`
          : `M${num(cx - a)} ${num(cy - a)}L${num(cx + a)} ${num(cy + a)}M${num(cx - a)} ${num(cy + a)}L${num(cx + a)} ${num(cy - a)}`;
        const ink = this.color('ink');
        return `<circle cx="${num(cx)}" cy="${num(cy)}" r="${num(item.r)}" fill="${this.color('box')}" stroke="${ink}" stroke-width="${num(STROKE.box)}"/><path d="${cross}" stroke="${ink}" stroke-width="${num(STROKE.box)}"/>`;
      }
      case 'cell':
        return `<rect ${this.rect(item.x, item.y, item.w, item.h)} fill="${this.color(item.fill)}"/>`;
      case 'brace':
        return `<path d="${bracePath(this.p([item.x, item.y0]), this.p([item.x, item.y1]), LINE.brace.amplitude)}" fill="none" stroke="${this.color('accent')}" stroke-width="${num(LINE.brace.width)}"/>`;
    }
  }

  definitions(): string {
    return this.defs.length ? `<defs>${this.defs.join('')}</defs>` : '';
  }
}

/** A scene drawn once: its defs and items, ids prefixed from the drawing's own bytes. */
export interface DrawnScene {
  width: number;
  height: number;
  content: string;
}

/** Draws a scene in a palette (fonts loaded, see `fonts.ts`), for one or more {@link svgDocument}s. */
export function drawScene(scene: Scene, palette: Palette): DrawnScene {
  const writer = new SvgWriter(scene.height, palette);
  const body = scene.items.map((item) => writer.item(item)).join('\n');
  const content = `${writer.definitions()}\n<rect x="-2" y="-2" width="${num(scene.width + 4)}" height="${num(scene.height + 4)}" fill="${palette.paper}"/>\n${body}`;
  // The prefix: from the drawing itself, so the same figure always gets the same ids.
  const prefix = `hfa${createHash('sha256').update(content).digest('hex').slice(0, 10)}-`;
  return { width: scene.width, height: scene.height, content: content.split(PREFIX).join(prefix) };
}

/**
 * The SVG document of a drawn scene. With `raster`, the page is cropped to the whole pixels it
 * covers at that dpi and sized in pixels, for the rasterizer (as the TeX backend crops its PNG);
 * without, it is sized in pt like the TeX backend's SVG.
 */
export function svgDocument(drawn: DrawnScene, meta: SvgMeta, raster?: RasterBox): string {
  let size: string;
  let viewBox: [number, number, number, number];
  // Scene units are TeX points (1/72.27 in); SVG's pt and a PNG's dpi count 1/72 in.
  if (raster) {
    const { width: w, height: h } = rasterSize(drawn, raster.dpi);
    const [first, end] = raster.rows ?? [0, h];
    const unit = TEX_PT_PER_INCH / raster.dpi;
    size = `width="${w}" height="${end - first}"`;
    viewBox = [0, first * unit, w * unit, (end - first) * unit];
  } else {
    const bp = (pt: number) => num((pt * 72) / TEX_PT_PER_INCH);
    size = `width="${bp(drawn.width)}pt" height="${bp(drawn.height)}pt"`;
    viewBox = [0, 0, drawn.width, drawn.height];
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" ${size} viewBox="${viewBox.map((v) => Number(v.toFixed(4))).join(' ')}" role="img">`,
    `<title>${escapeXml(meta.title)}</title>`,
    `<desc>${escapeXml(meta.description)}</desc>`,
    drawn.content,
    '</svg>',
    '',
  ].join('\n');
}

/** The SVG of a scene in a palette: {@link drawScene}, then {@link svgDocument}. */
export function sceneToSvg(scene: Scene, palette: Palette, meta: SvgMeta, raster?: RasterBox): string {
  return svgDocument(drawScene(scene, palette), meta, raster);
}
