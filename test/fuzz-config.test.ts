/**
 * A seeded fuzzer over every fixture config: each case mutates a fixture (drop a field, retype it,
 * negate, zero, huge, NaN, fractional, prototype names, list lengths, deep nesting, another
 * model_type...) at the top level or in text_config, and runs the text through the pipeline the CLI
 * uses. Every case must end in a valid arch.json with sane counts, or in a clean, located
 * HfArchError, within 2 s. Nothing else: no TypeError, no stack overflow, no hang.
 *
 * FUZZ_SEED (default 1729) and FUZZ_CASES (default 5000) change the run; FUZZ_CASE=n runs only
 * case n of the seed, to reproduce a failure.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { archFromConfig } from '../src/extract.js';
import { isHfArchError } from '../src/errors.js';
import { archJsonSchema, type ArchJson } from '../src/schema/arch-json.js';
import { loadedConfig } from '../src/source/loaded.js';
import { FIXTURES } from './helpers/fixtures.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 1729) >>> 0;
const CASES = Number(process.env['FUZZ_CASES'] ?? 5000);
const ONLY = process.env['FUZZ_CASE'] === undefined ? null : Number(process.env['FUZZ_CASE']);
const CASE_LIMIT_MS = 2000;

/** mulberry32: small, fast, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)]!;

/** JSON text written verbatim: NaN, Infinity, integers beyond doubles, deep nesting. */
class Raw {
  constructor(readonly text: string) {}
}

type Json = null | boolean | number | string | Raw | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Raw);

/** Sets an own property, even `__proto__` (an assignment would set the prototype). */
function setOwn(o: Obj, key: string, value: Json): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function serialize(v: Json, pretty: boolean, indent = ''): string {
  if (v instanceof Raw) return v.text;
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const inner = indent + '  ';
  const [open, sep, close] = pretty ? [`\n${inner}`, `,\n${inner}`, `\n${indent}`] : ['', ',', ''];
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${open}${v.map((x) => serialize(x, pretty, inner)).join(sep)}${close}]`;
  const keys = Object.keys(v);
  if (keys.length === 0) return '{}';
  return `{${open}${keys.map((k) => `${JSON.stringify(k)}:${pretty ? ' ' : ''}${serialize(v[k]!, pretty, inner)}`).join(sep)}${close}}`;
}

const fixtures = ['configs', 'extra'].flatMap((dir) =>
  readdirSync(`${FIXTURES}${dir}`)
    .filter((f) => f.endsWith('.json') && f !== 'expected.json')
    .map((f) => ({ name: `${dir}/${f}`, text: readFileSync(`${FIXTURES}${dir}/${f}`, 'utf8') })),
);
const parsedFixtures = fixtures.map((f) => JSON.parse(f.text) as Obj);
/** Every key any fixture has, top level or text_config, with the values seen: cross-family material. */
const keyPool = new Map<string, Json[]>();
for (const c of parsedFixtures) {
  for (const o of [c, c['text_config']]) {
    if (!isObj(o)) continue;
    for (const [k, v] of Object.entries(o)) keyPool.set(k, [...(keyPool.get(k) ?? []), v]);
  }
}
const poolKeys = [...keyPool.keys()];
const MODEL_TYPES = [...new Set(parsedFixtures.flatMap((c) => [c['model_type'], isObj(c['text_config']) ? c['text_config']['model_type'] : undefined]).filter((t): t is string => typeof t === 'string'))];
const OTHER_TYPES = ['gemma3', 'llama4', 'mistral3', 'llava', 'bert', 't5', 'mamba', 'deepseek_v2', 'qwen3_next', 'RefinedWeb', 'gpt2', 'opt', ''];
const PROTO = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'prototype'];
const LIST_FIELDS = ['layer_types', 'no_rope_layers', 'compress_ratios', 'mlp_only_layers', 'moe_layers', 'attn_type_list', 'architectures'];
const HUGE: Json[] = [2 ** 31 - 1, 2 ** 31, 1e300, new Raw('9007199254740993'), 10_000, 10_001, 100, 101, 129_280, 65_536, 65_537, 1_000_000, 100_000_000, 2 ** 53];
const LAYER_VALUES: Json[] = ['full_attention', 'sliding_attention', 'linear_attention', 'chunked_attention', 'bogus', 0, 1, 4, 128, null];

function deep(rng: Rng): Raw {
  const n = pick(rng, [10, 63, 64, 65, 100, 3_000, 20_000]);
  return rng() < 0.5 ? new Raw('['.repeat(n) + ']'.repeat(n)) : new Raw('{"a":'.repeat(n) + '1' + '}'.repeat(n));
}

function retype(rng: Rng, v: Json): Json {
  return pick(rng, [() => String(v instanceof Raw ? v.text : JSON.stringify(v)), () => 'x', () => true, () => false, () => [], () => [v], () => ({}), () => ({ value: v }), () => null])();
}

/** The number of layers of a config object, for lists of about the right length. */
function layerCount(o: Obj): number {
  const L = o['num_hidden_layers'] ?? o['n_layer'];
  return typeof L === 'number' && Number.isInteger(L) && L >= 0 && L < 200 ? L : 4;
}

/** One mutation of `o`; returns its description. */
function mutate(rng: Rng, o: Obj): string {
  const keys = Object.keys(o);
  // Sizes and counts are where the arithmetic is: pick an integer field half of the time.
  const counts = keys.filter((k) => Number.isInteger(o[k]));
  const key = counts.length > 0 && rng() < 0.5 ? pick(rng, counts) : keys.length > 0 && rng() < 0.8 ? pick(rng, keys) : pick(rng, poolKeys);
  const v: Json = Object.hasOwn(o, key) ? o[key]! : null;
  const set = (value: Json, what: string) => {
    setOwn(o, key, value);
    return `${key} ${what}`;
  };
  const op = int(rng, 17);
  switch (op) {
    case 0:
      delete o[key];
      return `drop ${key}`;
    case 1:
      return set(retype(rng, v), 'retyped');
    case 2:
      return set(typeof v === 'number' ? -v : -1, 'negated');
    case 3:
      return set(0, 'zeroed');
    case 4: {
      const h = pick(rng, HUGE);
      return set(h, `= ${h instanceof Raw ? h.text : h}`);
    }
    case 5: {
      const s = pick(rng, ['NaN', 'Infinity', '-Infinity']);
      return set(new Raw(s), `= ${s}`);
    }
    case 6:
      return set(typeof v === 'number' ? v + 0.5 : 0.5, 'fractional');
    case 7:
      return set(pick(rng, PROTO), 'a prototype name');
    case 8: {
      const k = pick(rng, PROTO);
      setOwn(o, k, pick<Json>(rng, [1, 'x', {}, { hidden_size: 1 }, [], null]));
      return `key ${k} added`;
    }
    case 9: {
      // A per-layer list of about the right length, with plausible or wrong entries.
      const field = pick(rng, LIST_FIELDS);
      const L = layerCount(o) + pick(rng, [-1, 0, 0, 1, 2]);
      const base = Array.isArray(o[field]) ? (o[field] as Json[]) : null;
      const list = Array.from({ length: Math.max(0, L) }, (_, i) => (base && base.length > 0 && rng() < 0.9 ? base[i % base.length]! : pick(rng, LAYER_VALUES)));
      setOwn(o, field, list);
      return `${field} of ${list.length}`;
    }
    case 10: {
      if (!Array.isArray(v) || v.length === 0) return set([], 'emptied');
      const how = int(rng, 4);
      if (how === 0) return set(v.slice(0, -1), 'shortened');
      if (how === 1) return set([...v, v[0]!], 'lengthened');
      if (how === 2) return set(Array.from({ length: 20_000 }, (_, i) => v[i % v.length]!), 'to 20000 entries');
      const i = int(rng, v.length);
      return set(v.map((x, j) => (j === i ? retype(rng, x) : x)), `[${i}] retyped`);
    }
    case 11:
      return set(deep(rng), 'deeply nested');
    case 12:
      return set('x'.repeat(pick(rng, [1_000, 100_000])), 'a long string');
    case 13: {
      const t = pick(rng, rng() < 0.7 ? MODEL_TYPES : OTHER_TYPES);
      setOwn(o, 'model_type', t);
      return `model_type = ${t}`;
    }
    case 14: {
      // A value another fixture has for this key (or any key): other families' fields.
      const k = keyPool.has(key) && rng() < 0.6 ? key : pick(rng, poolKeys);
      setOwn(o, k, pick(rng, keyPool.get(k)!));
      return `${k} borrowed`;
    }
    case 15:
      setOwn(o, `unknown_${int(rng, 1000)}`, 1);
      return 'unknown key added';
    default:
      return set(typeof v === 'number' ? v + pick(rng, [1, -1, 2]) : 1, 'nudged');
  }
}

interface Case {
  index: number;
  fixture: string;
  ops: string[];
  text: string;
}

function makeCase(index: number): Case {
  const rng = prng(SEED ^ Math.imul(index + 1, 0x9e3779b1));
  const f = int(rng, fixtures.length);
  const config = JSON.parse(fixtures[f]!.text) as Obj;
  const ops: string[] = [];
  for (let n = 1 + int(rng, 3); n > 0; n--) {
    const inText = isObj(config['text_config']) && rng() < 0.6;
    ops.push((inText ? 'text_config.' : '') + mutate(rng, inText ? (config['text_config'] as Obj) : config));
  }
  return { index, fixture: fixtures[f]!.name, ops, text: serialize(config, rng() < 0.7) };
}

/** What is wrong with a case's outcome, or null. */
function check(outcome: { arch: ArchJson } | { error: unknown }): string | null {
  if ('arch' in outcome) {
    const { arch } = outcome;
    if (!archJsonSchema.safeParse(arch).success) return 'arch.json fails the schema';
    const { params, params_main, active_params, kv_cache_bytes_per_token } = arch.totals;
    const positive = (n: number) => Number.isSafeInteger(n) && n > 0;
    if (![params, params_main, active_params].every(positive)) return `totals not positive safe integers: ${JSON.stringify(arch.totals)}`;
    if (!Number.isSafeInteger(kv_cache_bytes_per_token) || kv_cache_bytes_per_token < 0) return `bad KV cache ${kv_cache_bytes_per_token}`;
    if (active_params > params_main || params_main > params) return `active ${active_params} > main ${params_main} or main > all ${params}`;
    if (params > 1e14) return `an implausible total of ${params} parameters`;
    for (const u of arch.units) {
      if (!positive(u.param_count) || u.total !== u.param_count * u.repeat) return `unit ${u.id}: count ${u.param_count} × ${u.repeat} ≠ ${u.total}`;
      if (u.active_param_count !== null && u.active_param_count > u.param_count) return `unit ${u.id}: active above count`;
    }
    return null;
  }
  const { error } = outcome;
  if (!isHfArchError(error)) return `not an HfArchError: ${(error as Error)?.stack ?? String(error)}`;
  if (!error.location.file) return `${error.code} without a file`;
  const needsField = !['config-malformed-json', 'config-not-object'].includes(error.code);
  if (needsField && !error.location.field) return `${error.code} without a field: ${error.message}`;
  if (!needsField && error.code === 'config-malformed-json' && error.location.line === undefined) return `malformed JSON without a line: ${error.message}`;
  if (error.format().length > 4000) return `a message of ${error.format().length} characters`;
  return null;
}

function runCase(c: Case): { problem: string | null; ms: number; outcome: string } {
  const bytes = new TextEncoder().encode(c.text);
  const start = performance.now();
  let outcome: { arch: ArchJson } | { error: unknown };
  try {
    const loaded = loadedConfig({ bytes, source: 'fuzz.json', display: 'fuzz.json', kind: 'local', repo: null, revision: null, commit: null, path: null, from_cache: false, warnings: [] });
    outcome = { arch: archFromConfig(loaded) };
  } catch (error) {
    outcome = { error };
  }
  const ms = performance.now() - start;
  const problem = check(outcome) ?? (ms > CASE_LIMIT_MS ? `took ${Math.round(ms)} ms` : null);
  return { problem, ms, outcome: 'arch' in outcome ? 'ok' : isHfArchError(outcome.error) ? outcome.error.code : 'crash' };
}

test('every fixture, unmutated, passes the oracle', () => {
  for (const f of fixtures) {
    const r = runCase({ index: -1, fixture: f.name, ops: [], text: f.text });
    assert.equal(r.problem, null, f.name);
    assert.equal(r.outcome, 'ok', f.name);
  }
});

test(`fuzz: ${ONLY === null ? CASES : 1} mutated configs (FUZZ_SEED=${SEED})`, (t) => {
  const failures: string[] = [];
  const outcomes = new Map<string, number>();
  let slowest = { ms: 0, c: null as Case | null };
  const started = performance.now();
  for (let i = ONLY ?? 0; i < (ONLY === null ? CASES : ONLY + 1); i++) {
    const c = makeCase(i);
    const r = runCase(c);
    outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
    if (r.ms > slowest.ms) slowest = { ms: r.ms, c };
    if (r.problem) failures.push(`case ${i} (FUZZ_SEED=${SEED} FUZZ_CASE=${i}) ${c.fixture} [${c.ops.join('; ')}]: ${r.problem.slice(0, 600)}`);
  }
  t.diagnostic(`${ONLY === null ? CASES : 1} cases in ${Math.round(performance.now() - started)} ms; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`);
  t.diagnostic(`slowest: ${Math.round(slowest.ms)} ms, case ${slowest.c?.index} ${slowest.c?.fixture} [${slowest.c?.ops.join('; ')}]`);
  assert.equal(failures.length, 0, `${failures.length} failing cases:\n${failures.slice(0, 15).join('\n')}`);
});
