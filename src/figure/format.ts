/** Numbers as the figure prints them: `4,096`, `41.9M`, `8.03B`, `129k`. */
import { groupDigits } from '../params/expr.js';

export { groupDigits };

/** Three significant digits with K/M/B/T, e.g. 41.9M, 8.03B, 671B. */
export function compact(n: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  for (const [scale, suffix] of units) {
    if (Math.abs(n) >= scale) {
      const v = n / scale;
      const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
      return `${v.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, '$1')}${suffix}`;
    }
  }
  return String(n);
}

/** Bytes in KiB/MiB with three significant digits. */
export function bytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toPrecision(3)} MiB`;
  if (n >= 1024) return `${(n / 1024).toPrecision(3)} KiB`;
  return `${n} B`;
}
