/**
 * Positions in JSON text, shared by the stages that report errors: the line and column of an
 * offset, of a syntax error, or of a field's key (found by its path, at the right depth).
 */
import { findNodeAtLocation, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export function lineColumn(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The first syntax error of a JSON text, with its position and a short code frame. */
export function syntaxError(
  text: string,
  /** Offsets where an error is not one (e.g. where a NaN literal is accepted). */
  accepted: (offset: number) => boolean = () => false,
): { reason: string; position: Position; frame: string } | null {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors.find((e) => !accepted(e.offset));
  if (!first) return null;
  const position = lineColumn(text, first.offset);
  const reason = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return { reason, position, frame: codeFrame(text, position) };
}

/** Two lines of context and a caret under the column. */
export function codeFrame(text: string, { line, column }: Position): string {
  const lines = text.split('\n');
  const width = String(line + 1).length;
  const out: string[] = [];
  for (let n = Math.max(1, line - 2); n <= Math.min(lines.length, line + 1); n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1]}`);
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}

/** `text_config.layer_types[3]` → `['text_config', 'layer_types', 3]`. */
export function parsePath(path: string): (string | number)[] {
  return path.split('.').flatMap((part) => {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    const indices = [...m[2]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
    return [...(m[1] ? [m[1]] : []), ...indices];
  });
}

/**
 * Where a field is: its key (or array element) when present; for a missing field, the key of the
 * closest present parent (`text_config`); nothing for a missing top-level field.
 */
export function locateJsonPath(text: string | null, path: string): Partial<Position> {
  if (!text) return {};
  const root = parseTree(text);
  if (!root) return {};
  const segments = parsePath(path);
  for (let n = segments.length; n > 0; n--) {
    const node = findNodeAtLocation(root, segments.slice(0, n));
    if (!node) continue;
    const anchor = node.parent?.type === 'property' ? node.parent : node;
    return lineColumn(text, anchor.offset);
  }
  return {};
}
