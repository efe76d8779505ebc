/** Parsing config text into JSON, with line, column and a code frame on error. */
import parseJson, { JSONError } from 'parse-json';
import { HfArchError } from '../errors.js';

export function parseConfigText(text: string, file: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return parseJson(body);
  } catch (error) {
    if (!(error instanceof JSONError)) throw error;
    const first = error.message.split('\n')[0]!;
    // V8 names the offset ("at position 49"); a truncated file ends at its last character.
    const position = Number(/at position (\d+)/.exec(first)?.[1] ?? body.length);
    const before = body.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    const reason = first.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
    throw new HfArchError('config-malformed-json', `malformed JSON: ${reason}`, {
      location: { file, line, column },
      hint: `${error.rawCodeFrame.trimEnd()}\nFix the JSON syntax at that position.`,
      cause: error,
    });
  }
}
