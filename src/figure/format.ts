/** Numbers as the figure prints them: `4,096`, `41.9M`, `8.03B`, `129K`. */
import { groupDigits } from '../params/expr.js';

export { groupDigits };

/** Three significant digits with the smallest unit (ascending `units`) that keeps the value
 * under 1000 after rounding: 41.9M, 8.03B, 671B, and 999,950 → 1M (not 1000K). */
function scaled(n: number, units: [number, string][]): string {
  for (const [i, [scale, suffix]] of units.entries()) {
    const v = n / scale;
    const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
    const rounded = Number(v.toFixed(digits));
    if (Math.abs(rounded) < 1000 || i === units.length - 1) return `${rounded}${suffix}`;
  }
  return String(n);
}

export function compact(n: number): string {
  if (Math.abs(n) < 1000) return String(n);
  return scaled(n, [[1e3, 'K'], [1e6, 'M'], [1e9, 'B'], [1e12, 'T']]);
}

/** Bytes in KiB, MiB or GiB with three significant digits. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  return scaled(n, [[1024, ' KiB'], [1024 ** 2, ' MiB'], [1024 ** 3, ' GiB']]);
}

/** A context length as it is quoted: 128k for 131,072 tokens, 1M for 1,048,576, else in digits
 * (MiniMax-Text-01's 10,240,000 is no whole number of M, and 10000k reads as a typo). */
export function contextTokens(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)}M`;
  if (n >= 1024 && n < 1024 * 1024 && n % 1024 === 0) return `${n / 1024}k`;
  return groupDigits(n);
}
