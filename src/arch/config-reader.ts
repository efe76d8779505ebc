/**
 * Typed, validated access to the fields of a `config.json`. Every read is recorded, so that after
 * a model has been described the fields nobody read (and that are not known to be inert) can be
 * named: a config the tool cannot fully account for is reported, never silently miscounted.
 */
import { HfArchError, type ErrorCode } from '../errors.js';
import type { Dim } from './types.js';
import { isInertField } from './inert-fields.js';

/** Limits beyond which a value is taken for a typo rather than a model. */
const ABSURD: Record<string, number> = {
  num_hidden_layers: 10_000,
  hidden_size: 1_000_000,
  vocab_size: 100_000_000,
  num_attention_heads: 100_000,
  num_key_value_heads: 100_000,
};
const DEFAULT_MAX = 2 ** 31;

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
  private defaults: Record<string, Json> = {};
  /** Notes on the defaults that were applied, for `arch.json`. */
  readonly defaultsApplied: string[] = [];

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

  /** Declares the defaults of the model's transformers config class (e.g. Gemma 3's vocab). */
  withDefaults(defaults: Record<string, Json>): this {
    this.defaults = defaults;
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
    const v = this.raw[field];
    if (v === undefined && field in this.defaults) return this.defaults[field];
    return v;
  }

  /** Marks fields as understood without reading them (their meaning is covered elsewhere). */
  mark(...fields: string[]): void {
    for (const f of fields) this.used.add(f);
  }

  /** The raw value, marked as read. */
  get(field: string): Json {
    this.used.add(field);
    if (this.raw[field] === undefined && field in this.defaults && field !== 'model_type') {
      const note = `${this.path(field)} is absent: ${this.modelType} defaults to ${JSON.stringify(this.defaults[field])}.`;
      if (!this.defaultsApplied.includes(note)) this.defaultsApplied.push(note);
    }
    return this.value(field);
  }

  /** A nested object as a reader of its own. */
  child(field: string): ConfigReader | null {
    const v = this.get(field);
    if (v === undefined || v === null) return null;
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw this.error('config-invalid-field', field, `must be an object, got ${describe(v)}`);
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
      throw this.error('config-invalid-field', field, `must be a number, got ${describe(v)}`);
    }
    return v;
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.get(field);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw this.error('config-invalid-field', field, `must be true or false, got ${describe(v)}`);
    return v;
  }

  strOr<T extends string | null>(field: string, fallback: T): string | T {
    const v = this.get(field);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') throw this.error('config-invalid-field', field, `must be a string, got ${describe(v)}`);
    return v;
  }

  /** An array of integers (e.g. `compress_ratios`), or null when absent. */
  intArray(field: string, options: { min?: number; length?: number } = {}): number[] | null {
    const v = this.get(field);
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v)) throw this.error('config-invalid-field', field, `must be an array, got ${describe(v)}`);
    if (options.length !== undefined && v.length !== options.length) {
      throw this.error('config-inconsistent', field, `has ${v.length} entries, expected ${options.length}`);
    }
    return v.map((x, i) => this.checkInt(`${field}[${i}]`, x, { min: options.min ?? 0 }));
  }

  /** An array of strings (e.g. `layer_types`), or null when absent. */
  strArray(field: string, options: { length?: number; allowed?: readonly string[] } = {}): string[] | null {
    const v = this.get(field);
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v)) throw this.error('config-invalid-field', field, `must be an array, got ${describe(v)}`);
    if (options.length !== undefined && v.length !== options.length) {
      throw this.error('config-inconsistent', field, `has ${v.length} entries, expected ${options.length} (one per layer)`);
    }
    return v.map((x, i) => {
      if (typeof x !== 'string') throw this.error('config-invalid-field', `${field}[${i}]`, `must be a string, got ${describe(x)}`);
      if (options.allowed && !options.allowed.includes(x)) {
        throw this.error('config-invalid-field', `${field}[${i}]`, `is "${x}", which this tool does not know`, {
          hint: `Known values: ${options.allowed.join(', ')}.`,
        });
      }
      return x;
    });
  }

  /** A named formula symbol from a required integer field. */
  dim(tex: string, field: string, options: { min?: number; max?: number } = {}): Dim {
    return { tex, value: this.int(field, options), field: this.path(field) };
  }

  /** Fields that were neither read nor known to be inert. */
  unknownFields(): string[] {
    return Object.keys(this.raw)
      .filter((k) => !this.used.has(k) && !isInertField(k))
      .map((k) => this.path(k))
      .sort();
  }

  /** A located error about `field`. */
  error(code: ErrorCode, field: string, message: string, options: { hint?: string } = {}): HfArchError {
    const path = this.path(field);
    const pos = locateField(this.origin.text, path);
    return new HfArchError(code, `"${path}" ${message}`, {
      location: { file: this.origin.file, field: path, ...pos },
      ...(options.hint === undefined ? {} : { hint: options.hint }),
    });
  }

  private checkInt(field: string, v: Json, options: { min?: number; max?: number }): number {
    const min = options.min ?? 1;
    const max = options.max ?? ABSURD[field] ?? DEFAULT_MAX;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw this.error('config-invalid-field', field, `must be an integer, got ${describe(v)}`);
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

function describe(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/**
 * Line and column of a field's key in the JSON text. For a dotted path the search starts after
 * the parent key, which finds the right one in the nested configs that occur in practice.
 */
export function locateField(text: string | null, path: string): { line?: number; column?: number } {
  if (!text) return {};
  let from = 0;
  let index = -1;
  for (const part of path.replace(/\[\d+\]$/, '').split('.')) {
    const m = new RegExp(`"${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`).exec(text.slice(from));
    if (!m) return {};
    index = from + m.index;
    from = index + m[0].length;
  }
  if (index < 0) return {};
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return { line, column };
}
