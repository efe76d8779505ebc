/**
 * Word wrap of styled runs (a callout: bold words, accent numbers) into lines no wider than `max`,
 * breaking only at spaces and never inside a parenthesis, so "(12 of 48 layers)" stays whole.
 */
import { lineWidth, mergeRuns as merge, type Run } from './text.js';

/** Splits runs into words that keep their style; a word is glued to a following `(`-group. */
function words(runs: Run[]): Run[][] {
  const out: Run[][] = [[]];
  let depth = 0;
  for (const run of runs) {
    const parts = run.text.split(/( )/);
    for (const part of parts) {
      if (part === ' ' && depth === 0) {
        out.push([]);
        continue;
      }
      for (const ch of part) depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
      depth = Math.max(0, depth);
      if (part) out[out.length - 1]!.push({ ...run, text: part });
    }
  }
  return out.filter((w) => w.length > 0);
}

/** Wraps `runs` at spaces into lines of at most `max` pt at `size`. */
export function wrapRuns(runs: Run[], size: number, max: number): Run[][] {
  const lines: Run[][] = [];
  let line: Run[] = [];
  for (const word of words(runs)) {
    const candidate = line.length ? [...line, { ...word[0]!, text: ' ' }, ...word] : word;
    if (line.length && lineWidth(candidate, size) > max) {
      lines.push(merge(line));
      line = word;
    } else line = candidate;
  }
  if (line.length) lines.push(merge(line));
  return lines;
}
