/**
 * An ` ```hf-arch ` fence: the model on the first non-empty line of the body, options on the
 * fence line (`theme=dark title="My model"`) and as `key: value` lines after the model.
 */
import type { Code } from 'mdast';
import { fenceOptionsSchema, describeIssue, type FenceOptions } from './options.js';

export interface ParsedFence {
  source: string;
  /** The document line of the source (errors about the model are reported there). */
  sourceLine: number | undefined;
  options: FenceOptions;
}

/** A fence problem, with the 1-based line (in the document) it is on when known. */
export class FenceError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
    readonly ruleId: string,
  ) {
    super(message);
  }
}

/** `true`, `false` and numbers are read as such; quotes are removed from strings. */
function coerce(raw: string): unknown {
  const value = raw.trim();
  if (/^"(.*)"$/.test(value) || /^'(.*)'$/.test(value)) return value.slice(1, -1);
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

/** `key=value key2="quoted value"` → entries. */
function parseMeta(meta: string, line: number | undefined): [string, unknown][] {
  const entries: [string, unknown][] = [];
  const re = /([A-Za-z][\w-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S+)|(\S+)/g;
  for (const m of meta.matchAll(re)) {
    if (m[3]) throw new FenceError(`"${m[3]}" on the fence line is not a key=value option`, line, 'invalid-option');
    entries.push([m[1]!, coerce(m[2]!.replace(/\\"/g, '"'))]);
  }
  return entries;
}

export function parseFence(node: Code): ParsedFence {
  const fenceLine = node.position?.start.line;
  const raw: Record<string, unknown> = {};
  const lines: Record<string, number | undefined> = {};
  for (const [k, v] of parseMeta(node.meta ?? '', fenceLine)) {
    raw[k] = v;
    lines[k] = fenceLine;
  }
  let source: string | null = null;
  let sourceLine: number | undefined;
  node.value.split('\n').forEach((text, i) => {
    const line = fenceLine === undefined ? undefined : fenceLine + 1 + i;
    const trimmed = text.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    if (source === null) {
      source = trimmed;
      sourceLine = line;
      return;
    }
    const m = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(trimmed);
    if (!m) throw new FenceError(`"${trimmed}" is not a "key: value" option (the model goes on the first line only)`, line, 'invalid-option');
    raw[m[1]!] = coerce(m[2]!);
    lines[m[1]!] = line;
  });
  if (source === null) {
    throw new FenceError('the fence is empty: write a Hub repo id (org/name) or the path of a config.json on its first line', fenceLine, 'missing-source');
  }
  const parsed = fenceOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : String(issue.path[0] ?? '');
    const allowed = issue.code === 'unrecognized_keys' ? ` (allowed: ${Object.keys(fenceOptionsSchema.shape).join(', ')})` : '';
    throw new FenceError(`${describeIssue(issue)}${allowed}`, key ? lines[key] : fenceLine, 'invalid-option');
  }
  return { source, sourceLine, options: parsed.data };
}
