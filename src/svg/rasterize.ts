/**
 * SVG → PNG for the native backend, with resvg (`@resvg/resvg-js`: prebuilt binaries from npm,
 * no system library). The SVG it gets is already sized in pixels (see `svgDocument`'s raster
 * box) and holds only paths, so resvg loads no fonts and reads no file. resvg draws; `png.ts`
 * encodes (faster than resvg's encoder for figures of some 15 million pixels).
 *
 * A tall figure is drawn as two strips of rows at once, on libuv's thread pool (resvg's
 * `renderAsync`): at 300 dpi that halves the drawing time on two cores. The split depends only
 * on the figure's height, never on the number of cores.
 */
import { encodePng } from './png.js';
import { rasterSize, svgDocument, type DrawnScene, type SvgMeta } from './render.js';

type ResvgModule = typeof import('@resvg/resvg-js');
let resvg: ResvgModule | undefined;

const OPTIONS = {
  fitTo: { mode: 'original' },
  font: { loadSystemFonts: false },
  // Anti-aliased like Poppler's output of the TeX backend.
  shapeRendering: 2,
  imageRendering: 0,
} as const;

/** Figures at least this many pixel rows tall are drawn as two strips. */
const STRIP_FROM_ROWS = 1024;

/** resvg's pixels are premultiplied by alpha; PNG's are not. Opaque and clear pixels are both. */
function unpremultiply(pixels: Uint8Array): Uint8Array {
  for (let i = 3; i < pixels.length; i += 4) {
    const a = pixels[i]!;
    if (a === 0 || a === 255) continue;
    for (let c = i - 3; c < i; c++) pixels[c] = Math.min(255, Math.round((pixels[c]! * 255) / a));
  }
  return pixels;
}

/** The PNG of any pixel-sized SVG, tagged with the resolution it was drawn at. */
export async function svgToPng(svg: string, dpi: number): Promise<Uint8Array> {
  resvg ??= await import('@resvg/resvg-js');
  const image = new resvg.Resvg(svg, OPTIONS).render();
  return encodePng([unpremultiply(image.pixels)], image.width, image.height, dpi);
}

/** The PNG of a drawn scene at `dpi`, tall ones drawn in two strips at once. Every pixel is
 * opaque (the paper rectangle under the drawing overhangs the page), so resvg's premultiplied
 * pixels are the PNG's as they are: no per-pixel pass. */
export async function scenePng(drawn: DrawnScene, meta: SvgMeta, dpi: number): Promise<Uint8Array> {
  resvg ??= await import('@resvg/resvg-js');
  const { width, height } = rasterSize(drawn, dpi);
  const cuts = height >= STRIP_FROM_ROWS ? [0, Math.floor(height / 2), height] : [0, height];
  const strips = await Promise.all(cuts.slice(1).map((end, i) => resvg!.renderAsync(svgDocument(drawn, meta, { dpi, rows: [cuts[i]!, end] }), OPTIONS)));
  for (const [i, s] of strips.entries()) {
    if (s.width !== width || s.height !== cuts[i + 1]! - cuts[i]!) throw new Error(`resvg drew a strip of ${s.width} × ${s.height} pixels, not ${width} × ${cuts[i + 1]! - cuts[i]!}`);
  }
  return encodePng(strips.map((s) => s.pixels), width, height, dpi);
}
