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

/** Deeper than any real config (< 10 levels): the parsers recurse, so deeper text is refused. */
export const MAX_JSON_DEPTH = 64;

/** The offset of the first `[` or `{` (outside strings) that opens level `max + 1`, or null. */
export function depthExceeded(text: string, max = MAX_JSON_DEPTH): number | null {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // skip a string, escapes included
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return null;
}

/**
 * The first syntax error of a JSON text, with its position and a short code frame. The frame is
 * null unless the text is a JSON object at least as far as its first `"key":`: other files (a
 * `.env`, a key file) must not have their lines echoed into messages.
 */
export function syntaxError(
  text: string,
  /** Offsets where an error is not one (e.g. where a NaN literal is accepted). */
  accepted: (offset: number) => boolean = () => false,
): { reason: string; position: Position; frame: string | null } | null {
  const deep = depthExceeded(text);
  if (deep !== null) return { reason: `nested deeper than ${MAX_JSON_DEPTH} levels`, position: lineColumn(text, deep), frame: null };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors.find((e) => !accepted(e.offset));
  if (!first) return null;
  const position = lineColumn(text, first.offset);
  const reason = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const colon = root?.type === 'object' ? root.children?.[0]?.colonOffset : undefined;
  const isObject = colon !== undefined && colon < first.offset;
  return { reason, position, frame: isObject ? codeFrame(text, position) : null };
}

/** Characters of a line shown in a frame: a minified config is one very long line. */
const FRAME_WIDTH = 100;

/** Two lines of context and a caret under the column, each line cut to a window around it. */
export function codeFrame(text: string, { line, column }: Position): string {
  const lines = text.split('\n', line + 1);
  const width = String(line + 1).length;
  const start = Math.max(0, column - 1 - FRAME_WIDTH / 2);
  const cut = (s: string) => (start > 0 ? '…' : '') + s.slice(start, start + FRAME_WIDTH) + (s.length > start + FRAME_WIDTH ? '…' : '');
  const out: string[] = [];
  for (let n = Math.max(1, line - 2); n <= Math.min(lines.length, line + 1); n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${cut(lines[n - 1]!)}`);
    if (n === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1 - start) + (start > 0 ? 1 : 0))}^`);
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
  if (!text || depthExceeded(text) !== null) return {};
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
