/**
 * The LaTeX of `arch.json` formulas (the small subset `params/expr.ts` writes) as text runs the
 * figure can measure and set in its own fonts: letters italic, scripts small, `\cdot` and thin
 * spaces as a middle dot, `{,}` as a comma; and those runs broken into lines at top-level " + ".
 */
import { groupDigits } from './format.js';
import { SIZE } from './style.js';
import { lineWidth, mergeRuns as merge, type Run } from './text.js';

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

/**
 * A formula's runs cut at each top-level " + " (depth 0, outside parentheses): its terms, so
 * that "(d + 1)" stays whole. Scripts go with the term they are in.
 */
export function topLevelTerms(runs: Run[]): Run[][] {
  const terms: Run[][] = [[]];
  let depth = 0;
  for (const run of runs) {
    if (run.script) {
      terms[terms.length - 1]!.push(run);
      continue;
    }
    let piece = '';
    for (let i = 0; i < run.text.length; i++) {
      const ch = run.text[i]!;
      if (depth === 0 && run.text.startsWith(' + ', i)) {
        if (piece) terms[terms.length - 1]!.push({ ...run, text: piece });
        terms.push([]);
        piece = '';
        i += 2;
        continue;
      }
      if (ch === '(') depth += 1;
      else if (ch === ')') depth = Math.max(0, depth - 1);
      piece += ch;
    }
    if (piece) terms[terms.length - 1]!.push({ ...run, text: piece });
  }
  return terms.filter((t) => t.length > 0);
}

/** A piece of a line: its runs, what joins it to the piece before on one line, what ends that line when it starts a new one. */
interface Piece {
  runs: Run[];
  join: Run[];
  end: Run[];
}

const sans = (text: string): Run => ({ text, face: 'sans' });

/** Pieces of a formula: its top-level terms joined by " + " (a line broken after one ends in "+"). */
const termPieces = (runs: Run[]): Piece[] =>
  topLevelTerms(runs).map((term, i) => ({ runs: term, join: i > 0 ? [sans(' + ')] : [], end: i > 0 ? [sans(' +')] : [] }));

/**
 * Fills lines greedily with `pieces`, no wider than `max` when a piece fits at all: a piece joins
 * the line when the line, with the end it would get if the next piece broke off, still fits.
 */
function fill(pieces: Piece[], max: number, width: (line: Run[]) => number): Run[][] {
  const lines: Run[][] = [];
  let line: Run[] = [];
  pieces.forEach((p, i) => {
    const candidate = [...line, ...p.join, ...p.runs];
    const tail = pieces[i + 1]?.end ?? [];
    if (line.length === 0 || width([...candidate, ...tail]) <= max) line = candidate;
    else {
      lines.push(trimEnd([...line, ...p.end]));
      line = p.runs;
    }
  });
  if (line.length) lines.push(line);
  return lines.map(merge);
}

/** A line without the trailing space of its last run (a prefix "Router: " broken off). */
function trimEnd(line: Run[]): Run[] {
  const last = line[line.length - 1];
  if (!last || last.script || !/\s$/.test(last.text) || last.text.trim() === '') return line;
  return [...line.slice(0, -1), { ...last, text: last.text.trimEnd() }];
}

/**
 * Breaks a line of runs at top-level ` + ` (never inside parentheses) so that no line, with the
 * "+" it ends in, is wider than `max` (measured by `width`); a term wider than `max` has a line
 * of its own.
 */
export function breakAtPlus(runs: Run[], max: number, width: (line: Run[]) => number): Run[][] {
  return fill(termPieces(runs), max, width);
}

/** Options of {@link formulaBlock}. */
export interface FormulaBlockOptions {
  /** Face of the exact count (default sans). */
  countFace?: Run['face'];
  /** Layers the count is repeated over: "= 1,234 ×43" when > 1. */
  repeat?: number;
  /** Size the lines are set at (default SIZE.label: scripts stay legible). */
  size?: number;
}

/**
 * The lines "prefix formula = exact count" of one counted unit (`tex` in the arch.json LaTeX
 * dialect), filled greedily to `maxW` pt: broken only after the prefix, at a top-level " + "
 * (the line ends in "+"), or before " = " (the next line starts "= count").
 */
export function formulaBlock(prefix: Run[], tex: string, count: number, maxW: number, opts: FormulaBlockOptions = {}): Run[][] {
  const size = opts.size ?? SIZE.label;
  const repeat = (opts.repeat ?? 1) > 1 ? ` ×${opts.repeat}` : '';
  const head: Piece[] = prefix.length ? [{ runs: prefix, join: [], end: [] }] : [];
  const eq: Piece = { runs: [sans('= '), { text: `${groupDigits(count)}${repeat}`, face: opts.countFace ?? 'sans' }], join: [sans(' ')], end: [] };
  return fill([...head, ...termPieces(formulaRuns(tex)), eq], maxW, (l) => lineWidth(l, size));
}
