/**
 * Config bytes to JSON. Python's `json` (and so transformers) writes and reads the non-JSON
 * literals `NaN`, `Infinity` and `-Infinity`; they are accepted here too, as numbers, so that a
 * field holding one is reported by the field's own check. Anything else that is not JSON is an
 * error with line and column, and a code frame when the text is a JSON object (never the lines of
 * some other file, which may hold secrets). Nesting is bounded before a recursive parser runs.
 */
import { randomUUID } from 'node:crypto';
import { HfArchError } from '../errors.js';
import { depthExceeded, lineColumn, MAX_JSON_DEPTH, syntaxError } from '../json-text.js';

const SPECIAL = new Map([['NaN', Number.NaN], ['Infinity', Number.POSITIVE_INFINITY], ['-Infinity', Number.NEGATIVE_INFINITY]]);

/** Decodes UTF-8 (a BOM is dropped), refusing invalid bytes rather than replacing them. */
export function decodeConfig(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    throw new HfArchError('config-malformed-json', 'the file is not valid UTF-8 text', {
      location: { file },
      hint: 'A config.json is UTF-8 JSON; check that the file is not binary or in another encoding.',
      cause: error,
    });
  }
}

/** Replaces NaN / Infinity / -Infinity outside strings by marked strings (same lines), and
 * says where they were. */
function markSpecialNumbers(text: string, mark: string): { marked: string; offsets: Set<number> } {
  const offsets = new Set<number>();
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const literal = '-IN'.includes(c) ? [...SPECIAL.keys()].find((w) => text.startsWith(w, i) && !/[\w]/.test(text[i + w.length] ?? '')) : undefined;
    if (literal) {
      offsets.add(i);
      out += JSON.stringify(mark + literal);
      i += literal.length - 1;
    } else out += c;
  }
  return { marked: out, offsets };
}

export function parseConfigText(text: string, file: string): unknown {
  const deep = depthExceeded(text);
  if (deep !== null) {
    throw new HfArchError('config-malformed-json', `the JSON is nested deeper than ${MAX_JSON_DEPTH} levels`, {
      location: { file, ...lineColumn(text, deep) },
      hint: 'A model config is a few levels deep; this file is not one.',
    });
  }
  // A fresh mark each time, so that no string in the file can pass for a marked literal.
  const mark = `\u0000hf-arch-${randomUUID()}:`;
  const { marked, offsets } = markSpecialNumbers(text, mark);
  try {
    if (offsets.size === 0) return JSON.parse(text);
    return JSON.parse(marked, (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith(mark) ? SPECIAL.get(value.slice(mark.length)) : value,
    );
  } catch (error) {
    const found = syntaxError(text, (offset) => offsets.has(offset));
    const reason = found?.reason ?? (error as Error).message;
    throw new HfArchError('config-malformed-json', found?.frame ? `malformed JSON: ${reason}` : `the file is not JSON (${reason})`, {
      location: { file, ...found?.position },
      hint: found?.frame ? `${found.frame}\nFix the JSON syntax at that position.` : 'A config.json is a JSON object such as {"model_type": "llama", ...}; check that the path names the right file.',
      cause: error,
    });
  }
}
