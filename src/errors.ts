/**
 * Errors a user can act on. Every failure of the pipeline that is caused by its input is an
 * {@link HfArchError}: it carries a stable `code`, where the problem is (file, line, column,
 * config field) and what to do about it, so that the CLI and the remark plugin can print one
 * clear paragraph instead of a stack trace.
 */

/** Stable, kebab-case identifiers of every error the package reports. */
export type ErrorCode =
  | 'config-not-found'
  | 'config-malformed-json'
  | 'config-not-object'
  | 'config-invalid-field'
  | 'config-inconsistent'
  | 'config-unknown-fields'
  | 'unsupported-model-type'
  | 'not-decoder-only'
  | 'hub-repo-not-found'
  | 'hub-gated'
  | 'hub-unauthorized'
  | 'hub-revision-not-found'
  | 'hub-unavailable'
  | 'hub-offline-not-cached'
  | 'hub-bad-repo-id'
  | 'hub-invalid-response'
  | 'usage'
  | 'io-error'
  | 'input-too-large'
  | 'unsupported-feature'
  | 'tex-missing'
  | 'tex-failed'
  | 'tex-timeout'
  | 'tex-refused'
  | 'template-invalid'
  | 'cache-miss-frozen'
  | 'cache-damaged'
  | 'checkpoint-not-found'
  | 'checkpoint-invalid'
  | 'checkpoint-mismatch'
  | 'prune-refused';

/** Where a problem is: a file, a position in it, a field of a config. */
export interface ErrorLocation {
  /** The file or Hub source the problem is in (`config.json` path or `org/name@rev`). */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column in `file`. */
  column?: number;
  /** Dotted path of the config field, e.g. `text_config.num_attention_heads`. */
  field?: string;
}

/** An error caused by the input, with a location and a hint on what to do. */
export class HfArchError extends Error {
  override readonly name = 'HfArchError';
  /** What went wrong, stable across versions (see the README's error table). */
  readonly code: ErrorCode;
  /** Where: file, line, column, config field (as much as is known). */
  readonly location: ErrorLocation;
  /** What the user can do about it, one or two sentences. */
  readonly hint: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { location?: ErrorLocation; hint?: string; cause?: unknown } = {},
  ) {
    // Messages quote configs, fences and servers: no control character of theirs reaches a terminal.
    super(printable(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    const { file, field, ...position } = options.location ?? {};
    this.location = { ...(file === undefined ? {} : { file: printable(file) }), ...(field === undefined ? {} : { field: printable(field) }), ...position };
    this.hint = options.hint === undefined ? undefined : printable(options.hint, { keepNewlines: true });
  }

  /** One paragraph: `file:line:column: field: message. hint` */
  format(): string {
    const where = formatLocation(this.location);
    const head = where ? `${where}: ${this.message}` : this.message;
    return this.hint ? `${head}\n${this.hint}` : head;
  }
}

/**
 * Text safe to print on a terminal or in a log: C0 and C1 control characters (ESC, BEL, CR,
 * backspace, CSI, …) and DEL are shown as `\xNN` / `\u{NNNN}` escapes, so that a quoted config
 * value or server answer cannot move the cursor, clear the screen or retitle the window.
 * Line breaks are kept only with `keepNewlines`.
 */
export function printable(text: string, options: { keepNewlines?: boolean } = {}): string {
  // Also the bidirectional overrides and isolates, which make a line read other than it is.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    if (ch === '\n' && options.keepNewlines) return ch;
    const code = ch.codePointAt(0)!;
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** `file:line:column (field)` with whatever parts are known. */
export function formatLocation(location: ErrorLocation): string {
  let where = location.file ?? '';
  if (location.file && location.line !== undefined) {
    where += `:${location.line}`;
    if (location.column !== undefined) where += `:${location.column}`;
  }
  if (location.field) where += where ? ` (field "${location.field}")` : `field "${location.field}"`;
  return where;
}

/** True for errors of this package, even from another copy of it (checked by shape). */
export function isHfArchError(error: unknown): error is HfArchError {
  return (
    error instanceof HfArchError ||
    (error instanceof Error && error.name === 'HfArchError' && typeof (error as HfArchError).code === 'string' && typeof (error as HfArchError).format === 'function')
  );
}
