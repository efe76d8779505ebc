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
import { inlineSvgTree, sanitizedSvgFile } from './inline-svg.js';

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

export function dataUrl(file: FigureFile): string {
  return `data:${file.format === 'svg' ? 'image/svg+xml' : 'image/png'};base64,${Buffer.from(file.bytes).toString('base64')}`;
}

/** The SVG as sanitized hast, with every id (and reference to it) prefixed so that figures on one page do not share glyph or clip ids. */
export function inlineSvg(file: FigureFile, prefix: string, alt: string): Element {
  return inlineSvgTree(Buffer.from(file.bytes).toString('utf8'), prefix, alt);
}

const element = (hName: string, hProperties: Record<string, unknown>, children: PhrasingContent[] = []): Paragraph => ({
  type: 'paragraph',
  data: { hName, hProperties: hProperties as never },
  children,
});

export function imageNode(url: string, alt: string, options: { width?: number | undefined; className?: string } = {}): Image {
  const hProperties: Record<string, unknown> = {};
  if (options.width) hProperties['width'] = options.width;
  if (options.className) hProperties['className'] = [options.className];
  return { type: 'image', url, alt, ...(Object.keys(hProperties).length ? { data: { hProperties: hProperties as never } } : {}) };
}

export interface FigureParts {
  light: Image | Element;
  dark?: { url: string; image: Image | Element; mode: 'media' | 'class' };
  caption?: string | undefined;
  model: string;
  /** With two images in the page: the selector that means dark mode, or `media` for
   * `prefers-color-scheme`. */
  darkSelector?: string;
}

/** CSS that shows one of the two images: light by default, dark under `selector` (or the media query). */
function switchStyle(selector: string): string {
  const hide = '.hf-arch .hf-arch-dark{display:none}';
  const dark = (scope: string) => `${scope} .hf-arch .hf-arch-dark{display:inline}${scope} .hf-arch .hf-arch-light{display:none}`;
  return selector === 'media' ? `${hide}@media (prefers-color-scheme: dark){${dark('')}}` : `${hide}${dark(`:is(${selector})`)}`;
}

/** `<figure class="hf-arch">` around the picture(s) and the caption. */
export function figureNode(parts: FigureParts): Paragraph {
  const isHast = (x: Image | Element): x is Element => (x as Element).type === 'element';
  const caption = parts.caption ? [element('figcaption', {}, [{ type: 'text', value: parts.caption }])] : [];
  const props = { className: ['hf-arch'], dataModel: parts.model };
  if (isHast(parts.light)) {
    const hChildren: ElementContent[] = [parts.light];
    if (parts.dark && isHast(parts.dark.image)) {
      hChildren.push(parts.dark.image);
      if (parts.darkSelector) hChildren.push({ type: 'element', tagName: 'style', properties: {}, children: [{ type: 'text', value: switchStyle(parts.darkSelector) }] });
    }
    if (parts.caption) hChildren.push({ type: 'element', tagName: 'figcaption', properties: {}, children: [{ type: 'text', value: parts.caption }] });
    return { type: 'paragraph', data: { hName: 'figure', hProperties: props as never, hChildren }, children: [] };
  }
  if (parts.dark?.mode === 'media') {
    const source = element('source', { media: '(prefers-color-scheme: dark)', srcSet: parts.dark.url });
    const picture = element('picture', {}, [source as unknown as PhrasingContent, parts.light]);
    return element('figure', props, [picture as unknown as PhrasingContent, ...(caption as unknown as PhrasingContent[])]);
  }
  const images: PhrasingContent[] = [parts.light];
  if (parts.dark && !isHast(parts.dark.image)) {
    images.push(parts.dark.image);
    if (parts.darkSelector) images.push(element('style', {}, [{ type: 'text', value: switchStyle(parts.darkSelector) }]) as unknown as PhrasingContent);
  }
  return element('figure', props, [...images, ...(caption as unknown as PhrasingContent[])]);
}
