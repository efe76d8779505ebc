/**
 * A figure SVG made fit to inline in a page. Whatever its source (a fresh build, or a cache that
 * someone committed), it is parsed and re-emitted from an allow-list: the drawing elements and
 * attributes a figure uses, references only to ids of the figure itself (`#id`, `url(#id)`), no
 * scripts, event handlers, foreign objects, external images or style sheets. Every id is then
 * prefixed, so that several figures on one page never share a glyph or clip id.
 */
import type { Element, ElementContent, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { sanitize, type Schema } from 'hast-util-sanitize';
import { visit } from 'unist-util-visit';

/** Presentation attributes a drawing may carry (hast property names). */
const PRESENTATION = [
  'id', 'transform', 'style', 'fill', 'fillOpacity', 'fillRule', 'stroke', 'strokeWidth', 'strokeOpacity', 'strokeLinecap',
  'strokeLinejoin', 'strokeMiterlimit', 'strokeDasharray', 'strokeDashoffset', 'opacity', 'clipPath', 'clipRule', 'mask',
  'overflow', 'color', 'display', 'visibility',
];

const SCHEMA: Schema = {
  tagNames: [
    'svg', 'g', 'defs', 'symbol', 'use', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'clipPath',
    'mask', 'linearGradient', 'radialGradient', 'stop', 'title', 'desc',
  ],
  attributes: {
    '*': PRESENTATION,
    svg: ['xmlns', 'xmlnsXLink', 'width', 'height', 'viewBox', 'version', 'preserveAspectRatio'],
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

/** A value that refers outside the figure: any `url(…)` but `url(#id)`, or CSS that loads things. */
const EXTERNAL = /url\(\s*(?!['"]?#)|@import|expression\(|javascript:/i;

function cleanProperties(node: Element, prefix: string): void {
  const props = node.properties;
  for (const [name, value] of Object.entries(props)) {
    if (typeof value !== 'string') continue;
    if (name === 'href' || name === 'xLinkHref') {
      if (!/^#[\w.:-]+$/.test(value)) delete props[name];
      else props[name] = `#${prefix}${value.slice(1)}`;
      continue;
    }
    if (EXTERNAL.test(value)) {
      delete props[name];
      continue;
    }
    const renamed = value.replace(/url\(\s*(['"]?)#([^)'"]+)\1\s*\)/g, (_m, _q: string, id: string) => `url(#${prefix}${id})`);
    props[name] = name === 'id' ? `${prefix}${value}` : renamed;
  }
}

/**
 * The SVG text as a hast `<svg>` element: allow-listed, ids prefixed with `prefix`, labelled
 * with `alt` for assistive technology.
 */
export function inlineSvgTree(svg: string, prefix: string, alt: string): Element {
  const parsed = fromHtml(svg.replace(/<\?xml[^>]*>\s*/, ''), { fragment: true, space: 'svg' });
  const clean = sanitize(parsed, SCHEMA) as Root;
  const root = clean.children.find((c): c is Element => c.type === 'element' && c.tagName === 'svg');
  if (!root) throw new Error('the figure SVG has no <svg> element');
  visit(root, 'element', (node: Element) => cleanProperties(node, prefix));
  root.properties = { ...root.properties, role: 'img', ariaLabel: alt, className: ['hf-arch-svg'], style: 'max-width:100%;height:auto' };
  // Whitespace between elements is noise in a page.
  root.children = root.children.filter((c): c is ElementContent => c.type !== 'text' || c.value.trim() !== '');
  return root;
}
