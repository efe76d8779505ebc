/**
 * One small expression type for every parameter formula. The same tree renders the symbolic
 * LaTeX (`2 d^{2} + 2 d H_{kv} d_{h}`), the concrete LaTeX (`2 \cdot 4{,}096^{2} + …`) and
 * evaluates to the count, so a figure can never print a formula that disagrees with its number.
 */

import type { Dim } from '../arch/types.js';

export type { Dim };

/** A formula: an integer, a config dim, a sum or a product. Build it with {@link num}, {@link sym},
 * {@link add} and {@link mul}. */
export type Expr =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'sym'; readonly sym: Dim }
  | { readonly kind: 'sum'; readonly terms: readonly Expr[] }
  | { readonly kind: 'prod'; readonly factors: readonly Expr[] };

/** A literal integer. */
export const num = (value: number): Expr => ({ kind: 'num', value });

/** A config symbol. */
export const sym = (s: Dim): Expr => ({ kind: 'sym', sym: s });

type Operand = Expr | Dim | number;

function lift(x: Operand): Expr {
  if (typeof x === 'number') return num(x);
  if ('kind' in x) return x;
  return sym(x);
}

/** Sum of terms; like terms are combined (`d·H·d_h + d·H·d_h` → `2·d·H·d_h`). */
export function add(...terms: Operand[]): Expr {
  const flat: Expr[] = [];
  for (const t of terms.map(lift)) {
    if (t.kind === 'sum') flat.push(...t.terms);
    else if (!(t.kind === 'num' && t.value === 0)) flat.push(t);
  }
  const combined = combineLikeTerms(flat);
  if (combined.length === 0) return num(0);
  if (combined.length === 1) return combined[0]!;
  return { kind: 'sum', terms: combined };
}

/** Product of factors; numeric factors are multiplied together and put first. */
export function mul(...factors: Operand[]): Expr {
  let coefficient = 1;
  const rest: Expr[] = [];
  for (const f of factors.map(lift)) {
    if (f.kind === 'num') coefficient *= f.value;
    else if (f.kind === 'prod') {
      for (const g of f.factors) {
        if (g.kind === 'num') coefficient *= g.value;
        else rest.push(g);
      }
    } else rest.push(f);
  }
  if (coefficient === 0) return num(0);
  if (rest.length === 0) return num(coefficient);
  if (coefficient === 1 && rest.length === 1) return rest[0]!;
  return { kind: 'prod', factors: coefficient === 1 ? rest : [num(coefficient), ...rest] };
}

/** A count beyond the exact integers; `expr` is the formula that got there. */
export class InexactCountError extends RangeError {
  constructor(
    message: string,
    readonly expr: Expr,
  ) {
    super(message);
  }
}

/** The value of an expression. Throws an {@link InexactCountError} if it, or any step of it,
 * leaves the range of exact integers. */
export function evaluate(e: Expr): number {
  let v: number;
  switch (e.kind) {
    case 'num':
      v = e.value;
      break;
    case 'sym':
      v = e.sym.value;
      break;
    case 'sum':
      v = e.terms.reduce((acc, t) => acc + evaluate(t), 0);
      break;
    case 'prod':
      v = e.factors.reduce((acc, f) => acc * evaluate(f), 1);
      break;
  }
  if (!Number.isSafeInteger(v)) {
    throw new InexactCountError(`parameter count ${v} is not an exact integer (formula ${toText(e)})`, e);
  }
  return v;
}

/** Splits a product into its numeric coefficient and the key of its symbolic part. */
function splitTerm(e: Expr): { coefficient: number; rest: Expr[] } {
  if (e.kind === 'num') return { coefficient: e.value, rest: [] };
  if (e.kind === 'prod') {
    const first = e.factors[0]!;
    if (first.kind === 'num') return { coefficient: first.value, rest: e.factors.slice(1) };
    return { coefficient: 1, rest: [...e.factors] };
  }
  return { coefficient: 1, rest: [e] };
}

function combineLikeTerms(terms: Expr[]): Expr[] {
  const order: string[] = [];
  const byKey = new Map<string, { coefficient: number; rest: Expr[] }>();
  for (const t of terms) {
    const { coefficient, rest } = splitTerm(t);
    // Factor order does not matter for likeness: d·H·d_h and H·d_h·d are one term.
    const key = rest.map(identity).sort().join('*');
    const seen = byKey.get(key);
    if (seen) seen.coefficient += coefficient;
    else {
      byKey.set(key, { coefficient, rest });
      order.push(key);
    }
  }
  // Largest term first, so a formula reads like a ledger of where the parameters are
  // (constants and norm vectors land last); ties keep their first-seen order.
  return order
    .map((k) => byKey.get(k)!)
    .filter((t) => t.coefficient !== 0)
    .map((t) => mul(t.coefficient, ...t.rest))
    .map((term, index) => ({ term, index, size: evaluate(term) }))
    .sort((a, b) => b.size - a.size || a.index - b.index)
    .map(({ term }) => term);
}

/** Groups equal adjacent-or-not factors into powers, keeping first-seen order. */
function powers(factors: readonly Expr[], key: (e: Expr) => string): { base: Expr; exp: number }[] {
  const out: { base: Expr; exp: number; k: string }[] = [];
  for (const f of factors) {
    const k = key(f);
    const seen = out.find((o) => o.k === k);
    if (seen) seen.exp += 1;
    else out.push({ base: f, exp: 1, k });
  }
  return out;
}

interface Style {
  numeral(n: number): string;
  symbol(s: Dim): string;
  times: string;
  power(base: string, exp: number): string;
  paren(inner: string): string;
  plus: string;
  /** Whether symbols are written side by side (`d H`) rather than with `times`. */
  juxtapose: boolean;
}

function render(e: Expr, style: Style): string {
  switch (e.kind) {
    case 'num':
      return style.numeral(e.value);
    case 'sym':
      return style.symbol(e.sym);
    case 'sum':
      return e.terms.map((t) => render(t, style)).join(style.plus);
    case 'prod': {
      const groups = powers(e.factors, (f) => render(f, style));
      const parts = groups.map(({ base, exp }) => {
        const inner = render(base, style);
        const wrapped = base.kind === 'sum' ? style.paren(inner) : inner;
        return exp === 1 ? wrapped : style.power(wrapped, exp);
      });
      const sep = style.juxtapose ? '\\,' : style.times;
      return parts.join(sep);
    }
  }
}

/** Thousands separated with commas, e.g. `4,096`. */
export function groupDigits(n: number, separator = ','): string {
  const s = Math.abs(n).toString();
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  return n < 0 ? `-${grouped}` : grouped;
}

const texPower = (base: string, exp: number): string => `${base}^{${exp}}`;

/** Symbolic LaTeX: `2\,d\,H\,d_{h} + 2\,d\,H_{kv}\,d_{h}`. */
export function toTexSymbolic(e: Expr): string {
  return render(e, {
    numeral: (n) => groupDigits(n, '{,}'),
    symbol: (s) => s.tex,
    times: ' \\cdot ',
    power: texPower,
    paren: (i) => `\\left(${i}\\right)`,
    plus: ' + ',
    juxtapose: true,
  });
}

/** Concrete LaTeX with every symbol replaced by its value: `2 \cdot 4{,}096 \cdot 32 \cdot 128`. */
export function toTexConcrete(e: Expr): string {
  return render(e, {
    numeral: (n) => groupDigits(n, '{,}'),
    symbol: (s) => groupDigits(s.value, '{,}'),
    times: ' \\cdot ',
    power: texPower,
    paren: (i) => `\\left(${i}\\right)`,
    plus: ' + ',
    juxtapose: false,
  });
}

/** Plain text for messages and terminals: `2·d·H·d_h + 2·d·H_kv·d_h`. */
export function toText(e: Expr): string {
  return render(e, {
    numeral: (n) => String(n),
    symbol: (s) => s.tex.replace(/[{}\\]/g, ''),
    times: '·',
    power: (b, x) => `${b}^${x}`,
    paren: (i) => `(${i})`,
    plus: ' + ',
    juxtapose: false,
  });
}

/** A rendering that tells two dims apart even if they share a symbol (by their field). */
function identity(e: Expr): string {
  return render(e, {
    numeral: String,
    symbol: (s) => `${s.tex}<${s.field}>`,
    times: '*',
    power: (b, x) => `${b}^${x}`,
    paren: (i) => `(${i})`,
    plus: '+',
    juxtapose: false,
  });
}

/** Every distinct symbol an expression uses, in first-seen order. */
export function symbolsOf(e: Expr, out: Dim[] = []): Dim[] {
  if (e.kind === 'sym') {
    if (!out.some((s) => s.tex === e.sym.tex && s.field === e.sym.field)) out.push(e.sym);
  } else if (e.kind === 'sum') e.terms.forEach((t) => symbolsOf(t, out));
  else if (e.kind === 'prod') e.factors.forEach((f) => symbolsOf(f, out));
  return out;
}
