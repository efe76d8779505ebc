/**
 * WCAG 2.x colour contrast, shared by the scene checker (theme colours of the templates) and the
 * title (a model's accent and the tints made from it): sRGB `#RRGGBB` or `RRGGBB` parsing,
 * relative luminance, the contrast ratio, and mixing a colour into white.
 */

/** An sRGB colour as 0–255 channels. */
export type Rgb = [number, number, number];

/** The channels of `#RRGGBB` or `RRGGBB`; throws a RangeError on anything else. */
export function parseHex(hex: string): Rgb {
  const m = /^#?([0-9A-Fa-f]{6})$/.exec(hex);
  if (!m) throw new RangeError(`not a colour #RRGGBB: ${JSON.stringify(hex)}`);
  const v = parseInt(m[1]!, 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** `#RRGGBB`, upper case. */
export function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}

/** `t` of the colour, `1 − t` of white, per sRGB channel (rounded). */
export function mixWithWhite(rgb: Rgb, t: number): Rgb {
  return rgb.map((c) => Math.round(255 - (255 - c) * t)) as Rgb;
}

/** WCAG 2.x relative luminance of an sRGB colour (`#RRGGBB` or `RRGGBB`), from 0 to 1. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.x contrast ratio of two sRGB colours (`#RRGGBB` or `RRGGBB`), from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}
