/**
 * A figure SVG made fit to inline in a page. Whatever its source (a fresh build, or a cache that
 * someone committed), it is parsed and re-emitted from an allow-list: the drawing elements and
 * attributes a figure uses, references only to ids of the figure itself (`#id`, `url(#id)`), no
 * scripts, event handlers, foreign objects, external images or style sheets. Every id is then
 * prefixed, so that several figures on one page never share a glyph or clip id.
 */
import { createHash } from 'node:crypto';
import type { Element, ElementContent, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { sanitize, type Schema } from 'hast-util-sanitize';
import { toHtml } from 'hast-util-to-html';
import { visit } from 'unist-util-visit';

/** Presentation attributes a drawing may carry (hast property names). */
const PRESENTATION = [
  'id', 'transform', 'style', 'fill', 'fillOpacity', 'fillRule', 'stroke', 'strokeWidth', 'strokeOpacity', 'strokeLineCap',
  'strokeLineJoin', 'strokeMiterLimit', 'strokeDashArray', 'strokeDashOffset', 'opacity', 'clipPath', 'clipRule', 'mask',
  'overflow', 'color', 'display', 'visibility',
];

const SCHEMA: Schema = {
  tagNames: [
    'svg', 'g', 'defs', 'symbol', 'use', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'clipPath',
    'mask', 'linearGradient', 'radialGradient', 'stop', 'title', 'desc',
  ],
  attributes: {
    '*': PRESENTATION,
    svg: ['xmlns', 'xmlnsXLink', 'width', 'height', 'viewBox', 'version', 'preserveAspectRatio', 'role'],
    symbol: ['viewBox', 'preserveAspectRatio'],
    use: ['href', 'xLinkHref', 'x', 'y', 'width', 'height'],
    path: ['d'],
    rect: ['x', 'y', 'width', 'height', 'rx', 'ry'],
    circle: ['cx', 'cy', 'r'],
    ellipse: ['cx', 'cy', 'rx', 'ry'],
    line: ['x1', 'y1', 'x2', 'y2'],
    polyline: ['points'],
    polygon: ['points'],
    clipPath: ['clipPathUnits'],
    mask: ['maskUnits', 'maskContentUnits', 'x', 'y', 'width', 'height'],
    linearGradient: ['x1', 'y1', 'x2', 'y2', 'gradientUnits', 'gradientTransform', 'spreadMethod'],
    radialGradient: ['cx', 'cy', 'r', 'fx', 'fy', 'gradientUnits', 'gradientTransform', 'spreadMethod'],
    stop: ['offset', 'stopColor', 'stopOpacity'],
  },
  // Ids are prefixed below, not clobbered; hrefs are checked below (fragments only).
  clobber: [],
  protocols: {},
  strip: ['script', 'style', 'foreignObject'],
};

/** Attributes that take paint or a reference (hast property names). */
const PAINT = new Set(['style', 'fill', 'stroke', 'clipPath', 'mask', 'color']);

/** CSS properties a drawing's `style` may set. */
const STYLE_PROPERTIES = new Set([
  'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-linecap', 'stroke-linejoin',
  'stroke-miterlimit', 'stroke-dasharray', 'stroke-dashoffset', 'opacity', 'clip-path', 'clip-rule', 'mask', 'color',
  'display', 'visibility', 'overflow', 'max-width', 'height', 'width',
]);

/**
 * Whether a value only paints: no escapes (`\75rl(` is `url(`), no function but `rgb()`/`rgba()`
 * and `url(#id)`, so nothing is fetched (`url(https:…)`, `image-set('…')`) or run.
 */
function paintsOnly(value: string): boolean {
  if (/[\\@]|javascript:|expression/i.test(value)) return false;
  const functions = value.replace(/url\(\s*(['"]?)#[\w.:-]+\1\s*\)/g, '').replace(/rgba?\([\d.,%\s]*\)/g, '');
  return !/[()'"]/.test(functions);
}

/** A `style` attribute with only allowed properties whose values only paint. */
function cleanStyle(style: string): string {
  return style
    .split(';')
    .map((declaration) => declaration.trim())
    .filter((declaration) => {
      const colon = declaration.indexOf(':');
      return colon > 0 && STYLE_PROPERTIES.has(declaration.slice(0, colon).trim().toLowerCase()) && paintsOnly(declaration.slice(colon + 1));
    })
    .join(';');
}

function cleanProperties(node: Element, prefix: string): void {
  const props = node.properties;
  for (const [name, value] of Object.entries(props)) {
    if (typeof value !== 'string') continue;
    if (name === 'href' || name === 'xLinkHref') {
      if (!/^#[\w.:-]+$/.test(value)) delete props[name];
      else props[name] = `#${prefix}${value.slice(1)}`;
      continue;
    }
    const clean = name === 'style' ? cleanStyle(value) : value;
    // Paint and reference attributes may hold only colours and url(#id); geometry (d, transform,
    // points) holds numbers and function names, never a quote, an escape or a url.
    if (PAINT.has(name) ? !paintsOnly(clean) : /[\\'"]|url\(|javascript:/i.test(clean)) {
      delete props[name];
      continue;
    }
    const renamed = clean.replace(/url\(\s*(['"]?)#([^)'"]+)\1\s*\)/g, (_m, _q: string, id: string) => `url(#${prefix}${id})`);
    props[name] = name === 'id' ? `${prefix}${value}` : renamed;
  }
}

/**
 * Results by the SVG's sha256 (and the prefix): a page rebuilt in a running process (a dev
 * server, a site's many pages) sanitizes each figure once. Bounded; the oldest entry goes first.
 */
const MEMO_ENTRIES = 128;
const trees = new Map<string, Element>();
const files = new Map<string, string>();

function memo<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
    if (map.size > MEMO_ENTRIES) map.delete(map.keys().next().value!);
  }
  return value;
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The SVG text as an allow-listed hast `<svg>` element, its ids prefixed with `prefix` (a fresh copy). */
export function sanitizeSvg(svg: string, prefix = ''): Element {
  return structuredClone(memo(trees, `${sha(svg)}\0${prefix}`, () => sanitizeSvgUncached(svg, prefix)));
}

function sanitizeSvgUncached(svg: string, prefix: string): Element {
  const parsed = fromHtml(svg.replace(/<\?xml[^>]*>\s*/, ''), { fragment: true, space: 'svg' });
  const clean = sanitize(parsed, SCHEMA) as Root;
  const root = clean.children.find((c): c is Element => c.type === 'element' && c.tagName === 'svg');
  if (!root) throw new Error('the figure SVG has no <svg> element');
  visit(root, 'element', (node: Element) => cleanProperties(node, prefix));
  // Whitespace between elements is noise.
  root.children = root.children.filter((c): c is ElementContent => c.type !== 'text' || c.value.trim() !== '');
  return root;
}

/** Never wider than its column, the height following the width (images and inline SVGs alike). */
export const FIT_COLUMN_STYLE = 'max-width:100%;height:auto';

/** The SVG as a hast element to inline in a page, labelled with `alt` for assistive technology. */
export function inlineSvgTree(svg: string, prefix: string, alt: string): Element {
  const root = sanitizeSvg(svg, prefix);
  root.properties = { ...root.properties, role: 'img', ariaLabel: alt, className: ['hf-arch-svg'], style: FIT_COLUMN_STYLE };
  return root;
}

/** The SVG as a file to publish (or put in a data URL), re-emitted from the allow-listed tree. */
export function sanitizedSvgFile(svg: string): string {
  return memo(files, sha(svg), () => `<?xml version="1.0" encoding="UTF-8"?>\n${toHtml(sanitizeSvgUncached(svg, ''), { space: 'svg', closeEmptyElements: true })}\n`);
}
