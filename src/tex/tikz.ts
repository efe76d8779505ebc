/**
 * Entry of the `tex` stage: a {@link Scene} → the TikZ picture of it, and the standalone document
 * around it from a theme template. Every coordinate is absolute, so one TeX pass suffices.
 */
import type { BoxItem, Item, Role, Scene, TextItem } from '../figure/scene.js';
import { LINE_SPACING, lineBaselines, runSize, SCRIPT_RAISE, type Run } from '../figure/text.js';
import { strandPaths } from '../figure/geometry.js';
import { LINE, STROKE } from '../figure/style.js';
import { escapeTex } from './escape.js';

/** pt with at most 2 decimals, so that equal inputs give equal text. */
const n = (x: number): string => {
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
};
const c = (role: Role): string => `hf${role}`;

function runTex(run: Run, size: number): string {
  const face = { sans: '', bold: '\\bfseries', italic: '\\itshape', mono: '\\ttfamily' }[run.face];
  const s = runSize(run, size);
  // Every space as a control space: TeX would drop a run's leading space after a command and
  // merge doubled ones, and the layout measured each of them.
  const text = escapeTex(run.text).replace(/ /g, '\\ ');
  let body = `\\fontsize{${n(s)}}{${n(s * LINE_SPACING)}}\\selectfont${face}${run.color ? `\\color{${c(run.color as Role)}}` : ''}{}${text}`;
  body = `{${body}}`;
  if (run.script) return `\\raisebox{${SCRIPT_RAISE[run.script]}em}{${body}}`;
  return body;
}

/** Lines of runs, top line first, each placed at its own baseline. */
function lines(id: string, item: { x: number; y: number; w: number; h: number; lines: Run[][]; size: number }, color: Role, align: 'left' | 'center' | 'right'): string {
  const anchor = { left: 'base west', center: 'base', right: 'base east' }[align];
  const x = align === 'left' ? item.x : align === 'right' ? item.x + item.w : item.x + item.w / 2;
  const baselines = lineBaselines(item);
  return item.lines
    .map((line, i) => `\\node[anchor=${anchor},inner sep=0pt,outer sep=0pt,text=${c(color)}] at (${n(x)},${n(baselines[i]!)}) {${line.map((r) => runTex(r, item.size)).join('')}}; % ${id}`)
    .join('\n');
}

const lineStyle = (style: 'solid' | 'dotted' | 'dashed'): string =>
  style === 'dotted' ? `,dash pattern=on ${LINE.dotted[0]}pt off ${LINE.dotted[1]}pt,line cap=round` : style === 'dashed' ? `,dash pattern=on ${LINE.dashed[0]}pt off ${LINE.dashed[1]}pt` : '';

function itemTex(item: Item): string {
  switch (item.kind) {
    case 'frame':
      return `\\draw[${item.fill ? `fill=${c(item.fill)},` : ''}draw=${c(item.stroke)},line width=${n(item.style === 'dotted' ? STROKE.leader : STROKE.frame)}pt,rounded corners=${n(item.radius)}pt${lineStyle(item.style)}] (${n(item.x)},${n(item.y)}) rectangle (${n(item.x + item.w)},${n(item.y + item.h)}); % ${item.id}`;
    case 'box': {
      const b: BoxItem = item;
      const rect = `\\draw[fill=${c(b.fill)},draw=${c(b.stroke)},line width=${n(STROKE.box)}pt,rounded corners=${n(b.radius)}pt${b.dashed ? lineStyle('dashed') : ''}] (${n(b.x)},${n(b.y)}) rectangle (${n(b.x + b.w)},${n(b.y + b.h)}); % ${b.id}`;
      return `${rect}\n${lines(b.id, b, b.textColor, 'center')}`;
    }
    case 'text': {
      const t: TextItem = item;
      return lines(t.id, t, t.color, t.align);
    }
    case 'arrow': {
      // A leader is a dotted accent line; a bundle is drawn as its parallel strands.
      const width = item.leader ? STROKE.leader : STROKE.arrow;
      const strands = strandPaths(item.points, item.strands ?? 1);
      const strandWidth = strands.length > 1 ? width * LINE.strandWidth : width;
      const tip = strands.length > 1 ? LINE.strandTip : LINE.tip;
      const head = item.head ? `-{Stealth[length=${tip.length}pt,width=${tip.width}pt]},` : '';
      return strands
        .map((points) => `\\draw[${head}draw=${c(item.color)},line width=${n(strandWidth)}pt,rounded corners=${LINE.cornerRadius}pt${lineStyle(item.style)}] ${points.map(([x, y]) => `(${n(x)},${n(y)})`).join(' -- ')}; % ${item.id}`)
        .join('\n');
    }
    case 'circle': {
      const { cx, cy, r } = item;
      const a = r * LINE.cross;
      const cross = item.symbol === 'plus'
        ? `(${n(cx - a)},${n(cy)}) -- (${n(cx + a)},${n(cy)}) (${n(cx)},${n(cy - a)}) -- (${n(cx)},${n(cy + a)})`
        : `(${n(cx - a * 0.7)},${n(cy - a * 0.7)}) -- (${n(cx + a * 0.7)},${n(cy + a * 0.7)}) (${n(cx - a * 0.7)},${n(cy + a * 0.7)}) -- (${n(cx + a * 0.7)},${n(cy - a * 0.7)})`;
      return `\\draw[fill=${c('box')},draw=${c('ink')},line width=${n(STROKE.box)}pt] (${n(cx)},${n(cy)}) circle (${n(r)}pt); \\draw[draw=${c('ink')},line width=${n(STROKE.box)}pt] ${cross}; % ${item.id}`;
    }
    case 'cell':
      return `\\fill[${c(item.fill)}] (${n(item.x)},${n(item.y)}) rectangle (${n(item.x + item.w)},${n(item.y + item.h)}); % ${item.id}`;
    case 'brace':
      return `\\draw[draw=${c('accent')},line width=${LINE.brace.width}pt,decorate,decoration={brace,amplitude=${LINE.brace.amplitude}pt}] (${n(item.x)},${n(item.y0)}) -- (${n(item.x)},${n(item.y1)}); % ${item.id}`;
  }
}

/** The TikZ picture of a scene (no preamble). */
export function sceneToTikz(scene: Scene): string {
  const body = scene.items.map(itemTex).join('\n');
  const hex = (h: string): string => (/^[0-9A-F]{6}$/i.test(h) ? h.toUpperCase() : '000000');
  const accent = scene.accent
    ? [`\\ifdefined\\hfmodelaccent\\hfmodelaccent{${hex(scene.accent.accent)}}{${hex(scene.accent.block)}}{${hex(scene.accent.onDark)}}\\fi`]
    : [];
  return [
    ...accent,
    `\\begin{tikzpicture}[x=1pt,y=1pt]`,
    `\\useasboundingbox (0,0) rectangle (${n(scene.width)},${n(scene.height)});`,
    // The paper reaches past the page on every side: a rasterizer that rounds the page up to whole
    // pixels then finds paper there too (no light hairline at the edge of a dark figure).
    `\\fill[${c('paper')}] (-2,-2) rectangle (${n(scene.width + 2)},${n(scene.height + 2)});`,
    body,
    `\\end{tikzpicture}`,
  ].join('\n');
}

/** The marker a template holds where the figure goes. */
export const FIGURE_MARKER = '%%HF-ARCH-FIGURE%%';

/** The page of one figure: sized to the scene, shipped out on its own. */
export function scenePage(scene: Scene): string {
  return [
    // XeTeX and pdfTeX size the page with \pdfpagewidth, LuaTeX with \pagewidth.
    `\\ifdefined\\pdfpagewidth\\pdfpagewidth=${n(scene.width)}pt\\pdfpageheight=${n(scene.height)}pt\\else\\pagewidth=${n(scene.width)}pt\\pageheight=${n(scene.height)}pt\\fi`,
    `\\shipout\\vbox{\\kern-1in\\moveleft1in\\hbox{%`,
    sceneToTikz(scene),
    `}}`,
  ].join('\n');
}

/** A complete document: the template with one page per figure. */
export function pagesToDocument(pages: string[], template: string): string {
  if (!template.includes(FIGURE_MARKER)) {
    throw new Error(`the template has no ${FIGURE_MARKER} line where the figure goes`);
  }
  return template.replace(FIGURE_MARKER, () => pages.join('\n'));
}

/** A complete document of one figure. */
export function sceneToDocument(scene: Scene, template: string): string {
  return pagesToDocument([scenePage(scene)], template);
}
