/**
 * Config bytes to JSON. Python's `json` (and so transformers) writes and reads the non-JSON
 * literals `NaN`, `Infinity` and `-Infinity`; they are accepted here too, as numbers, so that a
 * field holding one is reported by the field's own check. Anything else that is not JSON is an
 * error with line, column and a code frame.
 */
import { HfArchError } from '../errors.js';
import { syntaxError } from '../json-text.js';

const MARK = '\u0000hf-arch:';
const SPECIAL: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

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
function markSpecialNumbers(text: string): { marked: string; offsets: Set<number> } {
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
    const literal = ['-Infinity', 'Infinity', 'NaN'].find((w) => text.startsWith(w, i) && !/[\w]/.test(text[i + w.length] ?? ''));
    if (literal) {
      offsets.add(i);
      out += JSON.stringify(MARK + literal);
      i += literal.length - 1;
    } else out += c;
  }
  return { marked: out, offsets };
}

export function parseConfigText(text: string, file: string): unknown {
  const { marked, offsets } = markSpecialNumbers(text);
  try {
    return JSON.parse(marked, (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith(MARK) ? SPECIAL[value.slice(MARK.length)] : value,
    );
  } catch (error) {
    const found = syntaxError(text, (offset) => offsets.has(offset));
    throw new HfArchError('config-malformed-json', `malformed JSON: ${found?.reason ?? (error as Error).message}`, {
      location: { file, ...found?.position },
      hint: `${found ? `${found.frame}\n` : ''}Fix the JSON syntax at that position.`,
      cause: error,
    });
  }
}
