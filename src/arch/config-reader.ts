/**
 * Typed, validated access to the fields of a `config.json`. Every read is recorded, so that after
 * a model has been described the fields nobody read (and that are not known to be inert) can be
 * named: a config the tool cannot fully account for is reported, never silently miscounted.
 */
import { HfArchError, type ErrorCode } from '../errors.js';
import { locateJsonPath } from '../json-text.js';
import type { Dim } from './types.js';
import { isInertField } from './inert-fields.js';

/**
 * Limits beyond which a size is taken for a typo rather than a model, by what it measures. Every
 * count that sizes a loop or a list has one (layers, MTP modules, list lengths), so that no config
 * can make the tool run long or exhaust memory; other sizes only multiply, and the totals are
 * bounded after counting (see `MAX_PARAMS` in params/count.ts).
 */
export const LIMITS = {
  layers: 10_000,
  /** MTP modules (`num_nextn_predict_layers`); DeepSeek-V3 has 1. */
  mtp: 100,
  /** Entries of a per-layer list (`layer_types`, `compress_ratios`, ...): layers and MTP modules. */
  list: 10_000 + 100,
  /** Tokens per compressed KV entry (DeepSeek-V4 `compress_ratios`: 0, 4, 128). */
  ratio: 65_536,
  /** Distinct compress ratios: each is a block of its own (V4 uses 0, 4 and 128). */
  distinctRatios: 16,
  width: 1_000_000,
  vocab: 100_000_000,
  heads: 100_000,
  any: 2 ** 31,
} as const;

/** `obj[key]` if `obj` has it as its own property: a config string never reaches the prototype. */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

export interface ConfigOrigin {
  /** Shown in errors: a path or `org/name@revision`. */
  file: string;
  /** The raw JSON text, to find the line of a field. */
  text: string | null;
}

type Json = unknown;

export class ConfigReader {
  private readonly used = new Set<string>();
  /** Values the model's config class fills in when the file leaves a field out. */
  private readonly defaults = new Map<string, { value: Json; source: string }>();
  /** Notes on the defaults that were applied, for `arch.json`. */
  readonly defaultsApplied: string[] = [];
  /** For a wrapper's `text_config`: the wrapper's reader, for fields it keeps at its own level
   * (Inkling's `mtp_config`). */
  wrapper: ConfigReader | null = null;

  constructor(
    readonly raw: Record<string, Json>,
    readonly origin: ConfigOrigin,
    /** Dotted prefix of this object inside the file, e.g. `text_config`. */
    readonly prefix = '',
  ) {}

  /** The model_type the reader describes (the file's, or the one its wrapper implies). */
  get modelType(): string {
    return String(this.value('model_type') ?? '?');
  }

  /**
   * Declares values for fields the file leaves out, and where they come from (the model's config
   * class, e.g. Gemma 3's vocabulary; a multimodal wrapper's own `tie_word_embeddings`).
   */
  withDefaults(defaults: Record<string, Json>, source: string): this {
    for (const [field, value] of Object.entries(defaults)) this.defaults.set(field, { value, source });
    return this;
  }

  /** The full dotted path of a field, for messages. */
  path(field: string): string {
    return this.prefix ? `${this.prefix}.${field}` : field;
  }

  has(field: string): boolean {
    return this.value(field) !== undefined && this.value(field) !== null;
  }

  /** The field's value, or the model's default when the file leaves it out. */
  private value(field: string): Json {
    const v = own(this.raw, field);
    if (v === undefined) return this.defaults.get(field)?.value;
    return v;
  }

  /** Marks fields as understood without reading them (their meaning is covered elsewhere). */
  mark(...fields: string[]): void {
    for (const f of fields) this.used.add(f);
  }

  /** Whether the file has the key at all (even as null), or the model has a default for it. */
  present(field: string): boolean {
    return Object.hasOwn(this.raw, field) || this.defaults.has(field);
  }

  /**
   * Requires the key to be written out (null allowed) when the model's config class would fill
   * in a default this tool does not assume: a silently defaulted size would be a wrong count.
   */
  requirePresent(field: string, meaning: string): void {
    if (this.present(field)) return;
    throw this.error('config-invalid-field', field, `is absent; ${meaning}`, {
      hint: `Add "${field}" to the config with its value (null where the config means "none").`,
    });
  }

  /** The raw value, marked as read. */
  get(field: string): Json {
    this.used.add(field);
    const fallback = this.defaults.get(field);
    if (own(this.raw, field) === undefined && fallback && field !== 'model_type') {
      const { value, source } = fallback;
      const note = `${this.path(field)} is absent: ${JSON.stringify(value)} (${source}).`;
      if (!this.defaultsApplied.includes(note)) this.defaultsApplied.push(note);
    }
    return this.value(field);
  }

  /** A nested object as a reader of its own. */
  child(field: string): ConfigReader | null {
    const v = this.get(field);
    if (v === undefined || v === null) return null;
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw this.error('config-invalid-field', field, `must be an object, got ${describeValue(v)}`);
    }
    return new ConfigReader(v as Record<string, Json>, this.origin, this.path(field));
  }

  /** A positive integer. */
  int(field: string, options: { min?: number; max?: number } = {}): number {
    const v = this.get(field);
    if (v === undefined || v === null) {
      throw this.error('config-invalid-field', field, 'is required for this architecture but missing', {
        hint: `Add "${field}" to the config, or check that model_type "${this.modelType}" is right.`,
      });
    }
    return this.checkInt(field, v, options);
  }

  /** An integer, or `fallback` when the field is absent or null. */
  intOr<T extends number | null>(field: string, fallback: T, options: { min?: number; max?: number } = {}): number | T {
    const v = this.get(field);
    if (v === undefined || v === null) return fallback;
    return this.checkInt(field, v, options);
  }

  /** A finite number, or `fallback`. */
  numberOr<T extends number | null>(field: string, fallback: T): number | T {
    const v = this.get(field);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw this.error('config-invalid-field', field, `must be a number, got ${describeValue(v)}`);
    }
    return v;
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.get(field);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw this.error('config-invalid-field', field, `must be true or false, got ${describeValue(v)}`);
    return v;
  }

  strOr<T extends string | null>(field: string, fallback: T): string | T {
    const v = this.get(field);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') throw this.error('config-invalid-field', field, `must be a string, got ${describeValue(v)}`);
    return v;
  }

  /** An array of integers (e.g. `compress_ratios`), or null when absent. */
  intArray(field: string, options: { min?: number; max?: number; length?: number; maxLength?: number } = {}): number[] | null {
    const v = this.array(field, options, '');
    return v && v.map((x, i) => this.checkInt(`${field}[${i}]`, x, { min: options.min ?? 0, ...(options.max === undefined ? {} : { max: options.max }) }));
  }

  /** An array of strings (e.g. `layer_types`), or null when absent. */
  strArray(field: string, options: { length?: number; maxLength?: number; allowed?: readonly string[] } = {}): string[] | null {
    const v = this.array(field, options, ' (one per layer)');
    if (!v) return null;
    return v.map((x, i) => {
      if (typeof x !== 'string') throw this.error('config-invalid-field', `${field}[${i}]`, `must be a string, got ${describeValue(x)}`);
      if (options.allowed && !options.allowed.includes(x)) {
        throw this.error('config-invalid-field', `${field}[${i}]`, `is ${quote(x)}, which this tool does not know`, {
          hint: `Known values: ${options.allowed.join(', ')}.`,
        });
      }
      return x;
    });
  }

  /** An array of `length` entries, or at most `maxLength` (default: a per-layer list), or null
   * when absent. */
  private array(field: string, options: { length?: number; maxLength?: number }, per: string): Json[] | null {
    const v = this.get(field);
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v)) throw this.error('config-invalid-field', field, `must be an array, got ${describeValue(v)}`);
    if (options.length !== undefined && v.length !== options.length) {
      throw this.error('config-inconsistent', field, `has ${v.length} entries, expected ${options.length}${per}`);
    }
    const max = options.maxLength ?? LIMITS.list;
    if (v.length > max) throw this.error('config-invalid-field', field, `has ${v.length} entries, more than the limit of ${max}`);
    return v;
  }

  /** A named formula symbol from a required integer field. */
  dim(tex: string, field: string, options: { min?: number; max?: number } = {}): Dim {
    return { tex, value: this.int(field, options), field: this.path(field) };
  }

  /** Fields that were neither read nor known to be inert (at their value: an empty `pruned_heads` is inert, one that prunes heads is not). */
  unknownFields(): string[] {
    return Object.keys(this.raw)
      .filter((k) => !this.used.has(k) && !isInertField(k, this.raw[k]))
      .map((k) => this.path(k))
      .sort();
  }

  /** A located error about `field`. */
  error(code: ErrorCode, field: string, message: string, options: { hint?: string } = {}): HfArchError {
    const path = this.path(field);
    const pos = locateJsonPath(this.origin.text, path);
    return new HfArchError(code, `"${path}" ${message}`, {
      location: { file: this.origin.file, field: path, ...pos },
      ...(options.hint === undefined ? {} : { hint: options.hint }),
    });
  }

  private checkInt(field: string, v: Json, options: { min?: number; max?: number }): number {
    const min = options.min ?? 1;
    const max = options.max ?? LIMITS.any;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw this.error('config-invalid-field', field, `must be an integer, got ${describeValue(v)}`);
    }
    if (v < min) throw this.error('config-invalid-field', field, `must be at least ${min}, got ${v}`);
    if (v > max) {
      throw this.error('config-invalid-field', field, `is ${v}, which is implausibly large (limit ${max})`, {
        hint: 'Check the value for a typo.',
      });
    }
    return v;
  }
}

/** The key of a nested field's full path (`prefix.key`, the key itself may hold dots), cut to a
 * readable length for a message. */
export function shortKey(path: string, prefix: string): string {
  const key = prefix && path.startsWith(`${prefix}.`) ? path.slice(prefix.length + 1) : path;
  return key.length > 80 ? `${key.slice(0, 77)}…` : key;
}

/** A string for a message, quoted, cut to a readable length. */
export function quote(s: string): string {
  const q = JSON.stringify(s);
  return q.length > 60 ? `${q.slice(0, 56)}…" (${s.length} characters)` : q;
}

/** A config value for a message: strings quoted and cut short, arrays and objects named. */
export function describeValue(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}
