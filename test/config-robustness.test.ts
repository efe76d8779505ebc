/**
 * Hostile or absurd configs end in a clean, located HfArchError, quickly: prototype names as
 * model types, counts that would size huge loops, top-k above the expert count, deep nesting,
 * totals no model has, floods of unknown keys, and non-JSON files whose lines must not be echoed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { describeConfig } from '../src/arch/describe.js';
import { archFromConfig } from '../src/extract.js';
import { countParams, extract, HfArchError } from '../src/index.js';
import { locateJsonPath, syntaxError } from '../src/json-text.js';
import { loadedConfig } from '../src/source/loaded.js';
import { fixture } from './helpers/fixtures.js';

type Config = Record<string, unknown>;
const load = (name: string) => JSON.parse(fixture(name)) as Config;
const llama = load('configs/meta-llama__Meta-Llama-3-8B-Instruct.json');
const mixtral = load('configs/mistralai__Mixtral-8x7B-v0.1.json');
const v2 = load('configs/deepseek-ai__DeepSeek-V2-Lite-Chat.transformers-rendered.json');
const v3 = load('configs/deepseek-ai__DeepSeek-V3.json');
const v4 = load('configs/deepseek-ai__DeepSeek-V4-Flash.json');

/** Config text to arch.json, as the CLI does for a local file. */
function fromText(text: string) {
  const bytes = new TextEncoder().encode(text);
  return archFromConfig(loadedConfig({ bytes, source: 'c.json', display: 'c.json', kind: 'local', repo: null, revision: null, commit: null, path: null, from_cache: false, warnings: [] }));
}

/** Runs `text` and checks it fails with `code`, located, within `ms`. */
function expectError(text: string, code: string, checks: { field?: string; message?: RegExp; line?: boolean; ms?: number } = {}): HfArchError {
  const start = performance.now();
  try {
    fromText(text);
  } catch (error) {
    const elapsed = performance.now() - start;
    assert.ok(error instanceof HfArchError, `expected HfArchError, got ${(error as Error).stack}`);
    assert.equal(error.code, code, error.format());
    assert.equal(error.location.file, 'c.json');
    if (checks.field !== undefined) assert.equal(error.location.field, checks.field, error.format());
    if (checks.message) assert.match(error.message, checks.message);
    if (checks.line) assert.ok(error.location.line !== undefined && error.location.column !== undefined, `line and column: ${error.format()}`);
    assert.ok(elapsed < (checks.ms ?? 2000), `took ${Math.round(elapsed)} ms`);
    return error;
  }
  assert.fail(`expected ${code}`);
}

const json = (c: unknown) => JSON.stringify(c, null, 2);
const PROTO_NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__'];

describe('prototype names are ordinary unsupported model types', () => {
  for (const name of PROTO_NAMES) {
    test(name, () => {
      expectError(json({ ...llama, model_type: name }), 'unsupported-model-type', { field: 'model_type', line: true });
      expectError(json({ model_type: 'gemma3', text_config: { ...llama, model_type: name } }), 'unsupported-model-type', { field: 'text_config.model_type' });
      // An unknown wrapper whose text_config names no model_type is refused by its own type.
      const { model_type: _, ...untyped } = llama;
      expectError(json({ model_type: name, text_config: untyped }), 'unsupported-model-type', { field: 'model_type' });
    });
  }

  test('prototype names as keys are unknown fields', () => {
    const text = json(llama).replace('{', '{\n  "__proto__": {"hidden_size": 1},\n  "constructor": 3,\n  "toString": "x",');
    expectError(text, 'config-unknown-fields', { field: '__proto__', message: /__proto__, constructor, toString/ });
  });

  test("the parser's own marker for NaN is not a back door to its table", () => {
    expectError(json({ ...llama, model_type: '\u0000hf-arch:constructor' }), 'unsupported-model-type', { field: 'model_type' });
    expectError(json({ ...llama, hidden_size: '\u0000hf-arch:NaN' }), 'config-invalid-field', { field: 'hidden_size', message: /got "\\u0000hf-arch:NaN"/ });
  });
});

describe('counts that size loops and lists are bounded', () => {
  for (const n of [129_280, 2 ** 31 - 1]) {
    test(`num_nextn_predict_layers ${n}`, () => {
      expectError(json({ ...v3, num_nextn_predict_layers: n }), 'config-invalid-field', { field: 'num_nextn_predict_layers', message: /implausibly large/, line: true, ms: 500 });
      expectError(json({ ...v4, num_nextn_predict_layers: n }), 'config-invalid-field', { field: 'num_nextn_predict_layers', message: /implausibly large/, ms: 500 });
    });
  }

  test('lists longer than the model: moe_layers, attn_type_list, layer_types', () => {
    const scout = load('extra/meta-llama__Llama-4-Scout-17B-16E-Instruct.transcribed.json') as Config & { text_config: Config };
    const long = Array.from({ length: 200_000 }, (_, i) => i % 48);
    expectError(json({ ...scout, text_config: { ...scout.text_config, moe_layers: long } }), 'config-invalid-field', { field: 'text_config.moe_layers', message: /200000 entries/, ms: 1500 });
    const minimax = load('extra/MiniMaxAI__MiniMax-M2.reconstructed.json');
    expectError(json({ ...minimax, attn_type_list: long.map(() => 1) }), 'config-invalid-field', { field: 'attn_type_list', ms: 1500 });
    expectError(json({ ...llama, layer_types: long.map(() => 'full_attention') }), 'config-inconsistent', { field: 'layer_types', ms: 1500 });
  });

  test('compress ratios and hash layers', () => {
    const ratios = (v4['compress_ratios'] as number[]).map((r, i) => (i === 3 ? 2 ** 31 - 1 : r));
    expectError(json({ ...v4, compress_ratios: ratios }), 'config-invalid-field', { field: 'compress_ratios[3]', message: /implausibly large/ });
    expectError(json({ ...v4, num_hash_layers: 2 ** 31 - 1 }), 'config-invalid-field', { field: 'num_hash_layers' });
    const L = v4['num_hidden_layers'] as number;
    const distinct = Array.from({ length: L + (v4['num_nextn_predict_layers'] as number) }, (_, i) => i + 1);
    expectError(json({ ...v4, compress_ratios: distinct }), 'config-invalid-field', { field: 'compress_ratios[16]', message: /distinct/ });
  });

  test('the largest allowed model is counted quickly (DeepSeek-V4, 10,000 layers)', () => {
    const L = 10_000;
    const mtp = v4['num_nextn_predict_layers'] as number;
    const cr = v4['compress_ratios'] as number[];
    const start = performance.now();
    const arch = fromText(json({ ...v4, num_hidden_layers: L, compress_ratios: Array.from({ length: L + mtp }, (_, i) => cr[i % cr.length]) }));
    assert.equal(arch.layers.length, L);
    assert.ok(performance.now() - start < 2000, `took ${Math.round(performance.now() - start)} ms`);
  });
});

describe('top-k within the experts; active never above total', () => {
  for (const [name, config] of [['deepseek_v2', v2], ['deepseek_v3', v3], ['deepseek_v4', v4]] as const) {
    test(name, () => {
      const E = config['n_routed_experts'] as number;
      expectError(json({ ...config, num_experts_per_tok: E + 1 }), 'config-inconsistent', { field: 'num_experts_per_tok', message: /exceeds the number of experts/, line: true });
    });
  }

  test('countParams refuses a description whose active count exceeds its total', () => {
    const arch = describeConfig(mixtral, { file: 'm.json', text: null });
    arch.dims['k'] = { ...arch.dims['k']!, value: 9 };
    assert.throws(() => countParams(arch), (e: Error) => !(e instanceof HfArchError) && /internal: active/.test(e.message));
  });
});

describe('nesting depth is bounded before any recursive parser runs', () => {
  for (const depth of [3_000, 5_000, 100_000]) {
    test(`${depth} levels`, () => {
      const text = `{\n  "model_type": "llama",\n  "x": ${'['.repeat(depth)}${']'.repeat(depth)}\n}`;
      const err = expectError(text, 'config-malformed-json', { message: /nested deeper than 64/, line: true });
      assert.equal(err.location.line, 3);
      assert.equal(err.location.column, 8 + 63, 'the bracket opening level 65 (the object is level 1)');
      assert.doesNotThrow(() => locateJsonPath(text, 'x'));
      assert.doesNotThrow(() => syntaxError(text));
    });
  }

  test('objects count too, and strings do not', () => {
    expectError(`{"a": ${'{"b": '.repeat(1000)}1${'}'.repeat(1000)}}`, 'config-malformed-json', { message: /nested deeper/ });
    expectError(json({ ...llama, deep_text: '['.repeat(10_000) }), 'config-unknown-fields', { field: 'deep_text' });
    expectError(json({ ...llama, nested_ok: JSON.parse('['.repeat(60) + ']'.repeat(60)) }), 'config-unknown-fields', { field: 'nested_ok' });
  });
});

describe('totals no model has are refused, naming the field', () => {
  test('one size at 2^31 − 1 (3·10^15 parameters)', () => {
    expectError(json({ ...llama, intermediate_size: 2 ** 31 - 1 }), 'config-invalid-field', { field: 'intermediate_size', message: /parameters.*10\^14/, line: true });
    expectError(json({ ...llama, head_dim: 2 ** 31 - 1 }), 'config-invalid-field', { field: 'head_dim' });
  });

  test('a product beyond the exact integers names its largest factor', () => {
    expectError(json({ ...mixtral, num_local_experts: 100_000, intermediate_size: 2 ** 31 - 1 }), 'config-invalid-field', { field: 'intermediate_size', message: /not an exact integer/ });
  });

  test('inside text_config, the nested path is named', () => {
    const gemma3 = load('extra/google__gemma-3-27b-it.transcribed.json') as Config & { text_config: Config };
    expectError(json({ ...gemma3, text_config: { ...gemma3.text_config, intermediate_size: 2 ** 31 - 1 } }), 'config-invalid-field', { field: 'text_config.intermediate_size', line: true });
  });
});

test('a flood of unknown keys gives a short message with a count', () => {
  const extra = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`unknown_${String(i).padStart(6, '0')}`, i]));
  const err = expectError(JSON.stringify({ ...llama, ...extra }), 'config-unknown-fields', { field: 'unknown_000000', ms: 3000 });
  assert.ok(err.format().length < 2000, `message of ${err.format().length} characters`);
  assert.match(err.message, /unknown_000009 and 99,990 more/);
  assert.doesNotMatch(err.message, /unknown_000010/);
});

describe('code frames only for files that are JSON objects', () => {
  test('a .env file is not echoed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hf-arch-robust-'));
    await writeFile(join(dir, '.env'), 'API_TOKEN=hunter2-secret\nOTHER=value\n');
    try {
      await extract(join(dir, '.env'));
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(error instanceof HfArchError);
      assert.equal(error.code, 'config-malformed-json');
      assert.equal(error.location.line, 1);
      assert.equal(error.location.column, 1);
      assert.match(error.message, /is not JSON/);
      assert.doesNotMatch(error.format(), /hunter2|API_TOKEN|OTHER/);
    }
  });

  test('other non-JSON texts: YAML, a key file, a bare brace with no key', () => {
    for (const text of ['model_type: llama\nsecret: s3cr3t\n', '-----BEGIN PRIVATE KEY-----\ns3cr3t\n', '{s3cr3t=1}\n', '  \n\n[1, s3cr3t]']) {
      const err = expectError(text, 'config-malformed-json', { line: true });
      assert.doesNotMatch(err.format(), /s3cr3t/);
    }
  });

  test('a JSON object with a syntax error keeps its frame, cut to a readable width', () => {
    const err = expectError('{\n  "model_type": "llama",\n  "hidden_size": 4096,\n}\n', 'config-malformed-json');
    assert.match(err.hint ?? '', /> 4 \| }/);
    const wide = `{"model_type": "llama", "pad": "${'x'.repeat(100_000)}", oops}`;
    const cut = expectError(wide, 'config-malformed-json');
    assert.match(cut.hint ?? '', /oops/);
    assert.ok(cut.format().length < 1000, `message of ${cut.format().length} characters`);
  });
});
