/**
 * SVG → PNG for the native backend, with resvg (`@resvg/resvg-js`: prebuilt binaries from npm,
 * no system library). The SVG it gets is already sized in pixels (see `sceneToSvg`'s raster
 * box) and holds only paths, so resvg loads no fonts and reads no file. resvg draws; the PNG is
 * encoded by `png.ts` (faster for our opaque figures), or by resvg when a pixel is transparent.
 */
import { encodeOpaquePng } from './png.js';

type ResvgModule = typeof import('@resvg/resvg-js');
let resvg: ResvgModule | undefined;

/** The PNG of a pixel-sized SVG, tagged with the resolution it was drawn at. */
export async function svgToPng(svg: string, dpi: number): Promise<Uint8Array> {
  resvg ??= await import('@resvg/resvg-js');
  const image = new resvg.Resvg(svg, {
    fitTo: { mode: 'original' },
    font: { loadSystemFonts: false },
    // Anti-aliased like Poppler's output of the TeX backend.
    shapeRendering: 2,
    imageRendering: 0,
  }).render();
  return encodeOpaquePng(image.pixels, image.width, image.height, dpi) ?? new Uint8Array(image.asPng());
}
