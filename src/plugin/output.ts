/**
 * The mdast that replaces a fence: only mdast nodes (no `html`/`raw`, which MDX refuses), made
 * into `<figure>`, `<picture>`, `<source>` and `<figcaption>` through `data.hName`. The figure
 * itself is an `image` node (a file URL or a data URL), so that site pipelines that optimise
 * images see it; inline SVG goes in as hast through `data.hChildren`, its ids made unique.
 */
import { lstat, mkdir, open } from 'node:fs/promises';
import { writeFileAtomic } from '../fs-atomic.js';
import { join, posix, relative, sep } from 'node:path';
import type { Element, ElementContent } from 'hast';
import type { Image, Paragraph, PhrasingContent } from 'mdast';
import { FIT_COLUMN_STYLE, inlineSvgTree, sanitizedSvgFile } from './inline-svg.js';

/**
 * What a page may serve of a figure: an SVG re-emitted from the allow-listed tree (an SVG opened
 * on its own runs its scripts, and a cache entry's hash proves only that it was not changed since
 * someone recorded it), unless the native renderer drew it in this process (paths only, its two
 * strings XML-escaped: nothing to remove); a PNG as it is.
 */
export function servable(file: FigureFile): FigureFile {
  if (file.format !== 'svg' || file.drawnHere) return file;
  return { ...file, bytes: Buffer.from(sanitizedSvgFile(Buffer.from(file.bytes).toString('utf8'))) };
}

/** A figure's verified bytes and what to call them. */
export interface FigureFile {
  bytes: Uint8Array;
  format: 'svg' | 'png';
  /** Unique and stable: the model's slug and the cache key's prefix. */
  name: string;
  /** Drawn by the native renderer in this process (not read from the cache or another program). */
  drawnHere?: boolean;
}

/** What `file` needs to know. */
export interface FileTarget {
  outputDir: string;
  /** URL prefix of `outputDir`; empty: a URL relative to the Markdown file (`fromDir`). */
  publicPath: string;
  /** The Markdown file's folder, for relative URLs. */
  fromDir: string;
}

/** Whether `path` is a regular file (not a link) holding exactly `bytes`. */
async function holds(path: string, bytes: Uint8Array): Promise<boolean> {
  const info = await lstat(path).catch(() => null);
  if (!info?.isFile() || info.size !== bytes.length) return false;
  const handle = await open(path, 'r');
  try {
    const existing = Buffer.alloc(bytes.length);
    await handle.read(existing, 0, bytes.length, 0);
    return existing.equals(bytes);
  } finally {
    await handle.close();
  }
}

/** Writes a figure into the output folder (unless it is there already) and returns its public URL. */
export async function publishFile(file: FigureFile, target: FileTarget): Promise<string> {
  const fileName = `${file.name}.${file.format}`;
  const dest = join(target.outputDir, fileName);
  // What is there must be these very bytes in a plain file; anything else (a link, other bytes) is replaced.
  if (!(await holds(dest, file.bytes))) {
    await mkdir(target.outputDir, { recursive: true });
    await writeFileAtomic(dest, file.bytes);
  }
  // URLs are posix whatever the platform.
  if (target.publicPath === '') {
    // A relative image path: Astro's and Docusaurus' image pipelines pick the file up themselves.
    const rel = relative(target.fromDir, dest).split(sep).join('/');
    return rel.startsWith('.') ? rel : `./${rel}`;
  }
  // An absolute URL (a CDN) keeps its scheme; a path is joined as a posix path.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target.publicPath)) return new URL(fileName, target.publicPath.endsWith('/') ? target.publicPath : `${target.publicPath}/`).href;
  return posix.join(target.publicPath, fileName);
}

/**
 * The figure as a data URL: an SVG percent-encoded as UTF-8 text (it stays compressible, so a
 * page served with gzip carries about as many bytes as the SVG file would), a PNG in base64.
 */
export function dataUrl(file: FigureFile): string {
  if (file.format === 'png') return `data:image/png;base64,${Buffer.from(file.bytes).toString('base64')}`;
  // Kept as they are: letters, digits, space and the URL characters that need no escaping in an
  // HTML attribute or a Markdown link; everything else (quotes, <, >, #, %, &, non-ASCII) encoded.
  const text = Buffer.from(file.bytes).toString('utf8');
  return `data:image/svg+xml,${text.replace(/[^A-Za-z0-9 \-_.~!$'*+,;=:@/?]/gu, (c) => encodeURIComponent(c).replace(/[()]/g, (p) => `%${p.charCodeAt(0).toString(16).toUpperCase()}`))}`;
}

/** The SVG as sanitized hast, with every id (and reference to it) prefixed so that figures on one page do not share glyph or clip ids. */
export function inlineSvg(file: FigureFile, prefix: string, alt: string): Element {
  return inlineSvgTree(Buffer.from(file.bytes).toString('utf8'), prefix, alt);
}

/** An mdast node that becomes the element `hName`; its mdast children are what Markdown output shows. */
const element = (hName: string, hProperties: Record<string, unknown>, children: PhrasingContent[] = []): PhrasingContent =>
  ({ type: 'paragraph', data: { hName, hProperties: hProperties as never }, children }) as unknown as PhrasingContent;

/** A line break in Markdown output, white space in HTML (a new node each time: trees share no node). */
const newline = (): PhrasingContent => ({ type: 'text', value: '\n' });

/** An image that never overflows its column (`max-width: 100%`), at the fence's `width` if it has one. */
export function imageNode(url: string, alt: string, options: { width?: number | undefined; lazy?: boolean } = {}): Image {
  const hProperties: Record<string, unknown> = { style: FIT_COLUMN_STYLE };
  if (options.width) hProperties['width'] = options.width;
  // With two images only one shows; lazy loading keeps the hidden one from being fetched.
  if (options.lazy) hProperties['loading'] = 'lazy';
  return { type: 'image', url, alt, data: { hProperties: hProperties as never } };
}

/** One image of the figure, with its theme class and width on a wrapper `<span>` when it needs
 * them: site pipelines (Docusaurus' `transformImage`) rebuild the `<img>` itself from its URL and
 * alt text, dropping classes and width, but leave its parent as it is. */
function themed(image: Image, className: string | undefined, width: number | undefined): PhrasingContent {
  if (!className && !width) return image;
  return element('span', { ...(className ? { className: [className] } : {}), ...(width ? { style: `display:block;max-width:${width}px` } : {}) }, [image]);
}

/** How the dark image is chosen: by `prefers-color-scheme`, or by an ancestor matching a selector. */
export type DarkSwitch = { mode: 'media' } | { mode: 'class'; selector: string };

/** CSS that shows one of the two images: light by default, dark under the media query or the selector.
 * `!important`, so that a wrapper's own `display` (set for its width) never shows both. */
function switchStyle(dark: DarkSwitch): string {
  const hide = '.hf-arch .hf-arch-dark{display:none!important}';
  const swap = (scope: string) => `${scope}.hf-arch .hf-arch-dark{display:block!important}${scope}.hf-arch .hf-arch-light{display:none!important}`;
  return dark.mode === 'media' ? `${hide}@media (prefers-color-scheme: dark){${swap('')}}` : `${hide}${swap(`:is(${dark.selector}) `)}`;
}

/** A `<style>` element whose CSS is HTML only: Markdown output shows nothing of it. */
function styleNode(css: string): PhrasingContent {
  return { type: 'paragraph', data: { hName: 'style', hChildren: [{ type: 'text', value: css }] }, children: [] } as unknown as PhrasingContent;
}

/** What goes into a figure: an image (or an inline SVG), optionally a dark one, and a caption. */
export type FigureParts = {
  model: string;
  caption?: string | undefined;
} & (
  | { images: { light: Image; dark?: Image }; width?: number | undefined; dark?: DarkSwitch }
  | { svgs: { light: Element; dark?: Element }; dark?: DarkSwitch }
);

/**
 * `<figure class="hf-arch">` around the image(s) and the caption. With a dark figure, both
 * images are in the page and a small `<style>` shows one: not `<picture>`, whose `<source
 * srcset>` no site pipeline rewrites (no base URL, no copied file).
 */
export function figureNode(parts: FigureParts): Paragraph {
  const props = { className: ['hf-arch'], dataModel: parts.model };
  const pair = 'svgs' in parts ? parts.svgs : parts.images;
  const css = pair.dark && parts.dark ? switchStyle(parts.dark) : null;
  if ('svgs' in parts) {
    const hChildren: ElementContent[] = [parts.svgs.light];
    if (parts.svgs.dark) hChildren.push(parts.svgs.dark);
    if (css) hChildren.push({ type: 'element', tagName: 'style', properties: {}, children: [{ type: 'text', value: css }] });
    if (parts.caption) hChildren.push({ type: 'element', tagName: 'figcaption', properties: {}, children: [{ type: 'text', value: parts.caption }] });
    return { type: 'paragraph', data: { hName: 'figure', hProperties: props as never, hChildren }, children: [] };
  }
  const { light, dark } = parts.images;
  const children: PhrasingContent[] = [themed(light, dark ? 'hf-arch-light' : undefined, parts.width)];
  if (dark) children.push(newline(), themed(dark, 'hf-arch-dark', parts.width));
  if (css) children.push(styleNode(css));
  if (parts.caption) children.push(newline(), element('figcaption', {}, [{ type: 'text', value: parts.caption }]));
  return element('figure', props, children) as unknown as Paragraph;
}
