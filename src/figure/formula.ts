/**
 * The LaTeX of `arch.json` formulas (the small subset `params/expr.ts` writes) as text runs the
 * figure can measure and set in its own fonts: letters italic, scripts small, `\cdot` and thin
 * spaces as a middle dot, `{,}` as a comma.
 */
import type { Run } from './text.js';

/** Splits `formula` into runs; throws on LaTeX it does not know (a bug, not an input error). */
export function formulaRuns(tex: string): Run[] {
  const runs: Run[] = [];
  const push = (text: string, face: Run['face'], script?: 'sub' | 'sup') => {
    const last = runs[runs.length - 1];
    if (last && last.face === face && last.script === script) last.text += text;
    else runs.push({ text, face, ...(script ? { script } : {}) });
  };
  let i = 0;
  const group = (): string => {
    // `{...}` (braces matched by depth) or a single character after _ or ^
    if (tex[i] !== '{') return tex[i++] ?? '';
    let depth = 0;
    for (let j = i; j < tex.length; j++) {
      if (tex[j] === '{') depth += 1;
      else if (tex[j] === '}' && --depth === 0) {
        const inner = tex.slice(i + 1, j).replace(/[{}]/g, '');
        i = j + 1;
        return inner;
      }
    }
    throw new Error(`internal: formula LaTeX "${tex}" has an unbalanced brace`);
  };
  while (i < tex.length) {
    const rest = tex.slice(i);
    if (rest.startsWith('\\left(') || rest.startsWith('\\right)')) {
      push(rest[1] === 'l' ? '(' : ')', 'sans');
      i += rest[1] === 'l' ? 6 : 7;
    } else if (rest.startsWith('\\cdot') || rest.startsWith('\\,')) {
      push('·', 'sans');
      i += rest.startsWith('\\,') ? 2 : 5;
    } else if (rest.startsWith('{,}')) {
      push(',', 'sans');
      i += 3;
    } else if (tex[i] === '_' || tex[i] === '^') {
      const script = tex[i] === '_' ? 'sub' : 'sup';
      i += 1;
      push(group(), 'sans', script);
    } else if (tex[i] === '\\') {
      throw new Error(`internal: formula LaTeX "${tex}" has an unknown command at ${i}`);
    } else if (/[A-Za-z]/.test(tex[i]!)) {
      push(tex[i]!, 'italic');
      i += 1;
    } else if (tex[i] === ' ') {
      i += 1; // spacing comes from the operators themselves
    } else if (tex[i] === '+') {
      push(' + ', 'sans');
      i += 1;
    } else {
      push(tex[i]!, 'sans');
      i += 1;
    }
  }
  return runs;
}

/** Breaks a line of runs at ` + ` so that no line is wider than `max` (measured by `width`). */
export function breakAtPlus(runs: Run[], max: number, width: (line: Run[]) => number): Run[][] {
  // Split into terms: the pieces between " + " runs.
  const terms: Run[][] = [[]];
  for (const run of runs) {
    const parts = run.script ? [run.text] : run.text.split(' + ');
    parts.forEach((text, k) => {
      if (k > 0) terms.push([]);
      if (text) terms[terms.length - 1]!.push({ ...run, text });
    });
  }
  const lines: Run[][] = [];
  let line: Run[] = [];
  for (const term of terms) {
    const candidate = line.length ? [...line, { text: ' + ', face: 'sans' as const }, ...term] : term;
    if (line.length && width(candidate) > max) {
      lines.push([...line, { text: ' +', face: 'sans' }]);
      line = term;
    } else line = candidate;
  }
  if (line.length) lines.push(line);
  return lines;
}
