/** Parsing config text into JSON, with line and column on error. */
import parseJson, { JSONError } from 'parse-json';
import { HfArchError } from '../errors.js';

export function parseConfigText(text: string, file: string): unknown {
  try {
    return parseJson(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    if (!(error instanceof JSONError)) throw error;
    const m = /line (\d+) column (\d+)/.exec(error.message);
    const reason = error.message.split('\n')[0]!.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
    throw new HfArchError('config-malformed-json', `malformed JSON: ${reason}`, {
      location: { file, ...(m ? { line: Number(m[1]), column: Number(m[2]) } : {}) },
      hint: `${error.rawCodeFrame}\nFix the JSON syntax at that position.`,
      cause: error,
    });
  }
}
