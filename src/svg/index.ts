/**
 * The native backend: scene → SVG (and PNG through resvg) in-process, with no external program.
 * It draws what the TeX backend draws for SVG and PNG; PDF and TikZ stay with TeX.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Scene } from '../figure/scene.js';
import type { Template } from '../tex/template.js';
import { themePalette } from '../theme/palette.js';
import { loadFontkit, shapedByTable } from './fonts.js';
import { drawScene, svgDocument, type SvgMeta } from './render.js';
import { scenePng } from './rasterize.js';

export type NativeFormat = 'svg' | 'png';

export interface NativeResult {
  files: Partial<Record<NativeFormat, Uint8Array>>;
  /** What made the files, for the cache entry's record. */
  toolchain: string;
}

const require = createRequire(import.meta.url);

/** The version of an installed package, from the package.json above its entry point (some do not export it). */
function version(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    // not exported: look for it above the entry point
  }
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look further up
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

let toolchain: string | undefined;

/** Which libraries and fonts the native backend draws with (read once per process). */
export function nativeToolchain(): string {
  return (toolchain ??= `native (fontkit ${version('fontkit')}, dejavu-fonts-ttf ${version('dejavu-fonts-ttf')}, resvg-js ${version('@resvg/resvg-js')}, zlib ${process.versions.zlib})`);
}

/** Renders a scene in a template's colours to the requested formats. */
export async function renderNative(scene: Scene, template: Template, formats: NativeFormat[], o: { dpi: number; meta: SvgMeta }): Promise<NativeResult> {
  // fontkit only for text the glyph table does not cover.
  const runs = scene.items.flatMap((i) => (i.kind === 'box' || i.kind === 'text' ? i.lines.flat() : []));
  if (!shapedByTable(runs)) await loadFontkit();
  const palette = themePalette(template.text, template.name, scene.accent);
  const files: NativeResult['files'] = {};
  const enc = new TextEncoder();
  // Drawn once; the SVG file and the rasterizer's pixel-sized SVG differ only in their root.
  const drawn = drawScene(scene, palette);
  if (formats.includes('svg')) files.svg = enc.encode(svgDocument(drawn, o.meta));
  if (formats.includes('png')) files.png = await scenePng(drawn, o.meta, o.dpi);
  return { files, toolchain: nativeToolchain() };
}
