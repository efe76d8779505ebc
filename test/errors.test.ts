/** Bad input gets a clear, located error: which file, which line, which field, what to do. */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { extract, HfArchError } from '../src/index.js';
import { fixture } from './helpers/fixtures.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-arch-errors-'));
});

const llama = JSON.parse(fixture('configs/meta-llama__Meta-Llama-3-8B-Instruct.json')) as Record<string, unknown>;

/** Writes a config (an object, pretty-printed, or raw text) and extracts it. */
async function extractText(name: string, content: string | Record<string, unknown>, options = {}) {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return extract(path, options);
}

async function expectError(promise: Promise<unknown>, code: string, checks: { message?: RegExp; field?: string; line?: number; column?: number; hint?: RegExp } = {}) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HfArchError, `expected HfArchError, got ${(error as Error).stack}`);
    assert.equal(error.code, code, error.format());
    if (checks.message) assert.match(error.message, checks.message);
    if (checks.field) assert.equal(error.location.field, checks.field);
    if (checks.line !== undefined) assert.equal(error.location.line, checks.line, error.format());
    if (checks.column !== undefined) assert.equal(error.location.column, checks.column);
    if (checks.hint) assert.match(error.hint ?? '', checks.hint);
    assert.ok(error.location.file, 'names the file');
    assert.doesNotMatch(error.format(), /^\s+at /m, 'no stack trace');
    return error;
  }
  assert.fail(`expected ${code}`);
}

describe('errors', () => {
  test('malformed JSON: line and column with a code frame', async () => {
    const err = await expectError(extractText('bad.json', '{\n  "model_type": "llama",\n  "hidden_size": 4096,\n}\n'), 'config-malformed-json', { line: 4, column: 1 });
    assert.match(err.format(), /bad\.json:4:1: malformed JSON/);
    assert.match(err.hint ?? '', /> 4 \| }/);
    await expectError(extractText('truncated.json', '{"model_type": "llama"'), 'config-malformed-json', { line: 1 });
  });

  test('not an object, not a decoder, not supported, no model_type', async () => {
    await expectError(extractText('array.json', '[1, 2]'), 'config-not-object');
    await expectError(extractText('bert.json', { model_type: 'bert', hidden_size: 768 }), 'not-decoder-only', { message: /"bert" is not a decoder-only LLM/ });
    await expectError(extractText('t5.json', { model_type: 'whatever', is_encoder_decoder: true }), 'not-decoder-only');
    await expectError(extractText('falcon.json', { model_type: 'mamba', hidden_size: 768 }), 'unsupported-model-type', { field: 'model_type', line: 2, hint: /Supported: .*deepseek_v4.*llama/ });
    const { model_type: _, ...untyped } = llama;
    await expectError(extractText('untyped.json', untyped), 'config-invalid-field', { field: 'model_type', message: /missing/ });
  });

  test('missing, negative, non-integer, string and absurd sizes', async () => {
    const { hidden_size: _, ...noWidth } = llama;
    await expectError(extractText('nowidth.json', noWidth), 'config-invalid-field', { field: 'hidden_size', message: /required .* but missing/ });
    await expectError(extractText('neg.json', { ...llama, intermediate_size: -14336 }), 'config-invalid-field', { field: 'intermediate_size', message: /at least 1, got -14336/, line: 12, column: 3 });
    await expectError(extractText('frac.json', { ...llama, hidden_size: 4096.5 }), 'config-invalid-field', { field: 'hidden_size', message: /integer, got 4096\.5/ });
    await expectError(extractText('str.json', { ...llama, num_hidden_layers: '32' }), 'config-invalid-field', { message: /integer, got "32"/ });
    await expectError(extractText('huge.json', { ...llama, num_hidden_layers: 1_000_000 }), 'config-invalid-field', { message: /implausibly large/, hint: /typo/ });
  });

  test('heads that do not divide the width, KV heads that do not divide heads', async () => {
    await expectError(extractText('heads.json', { ...llama, num_attention_heads: 30, num_key_value_heads: 10 }), 'config-inconsistent', { field: 'num_attention_heads', message: /\(30\) does not divide hidden_size \(4096\)/, hint: /head_dim/ });
    await expectError(extractText('kv.json', { ...llama, num_key_value_heads: 5 }), 'config-inconsistent', { field: 'num_key_value_heads', message: /\(5\) must divide num_attention_heads \(32\)/ });
    const mixtral = JSON.parse(fixture('configs/mistralai__Mixtral-8x7B-v0.1.json')) as Record<string, unknown>;
    await expectError(extractText('topk.json', { ...mixtral, num_experts_per_tok: 9 }), 'config-inconsistent', { message: /\(9\) exceeds the number of experts \(8\)/ });
  });

  test('fields the tool does not understand are named, never silently counted', async () => {
    const err = await expectError(extractText('unknown.json', { ...llama, num_memory_tokens: 16, extra_heads: 2 }), 'config-unknown-fields', { message: /extra_heads, num_memory_tokens/, hint: /--allow-unknown-fields/ });
    assert.equal(err.location.field, 'extra_heads');
    const { arch } = await extractText('unknown-ok.json', { ...llama, extra_heads: 2 }, { allowUnknownFields: true });
    assert.equal(arch.totals.params_main, 8030261248);
    assert.ok(arch.notes.some((n) => n.includes('extra_heads')));
  });

  test('errors inside a nested text_config name the nested field and its line', async () => {
    const gemma3 = JSON.parse(fixture('extra/google__gemma-3-27b-it.transcribed.json')) as { text_config: Record<string, unknown> };
    const broken = { ...gemma3, text_config: { ...gemma3.text_config, num_key_value_heads: 7 } };
    const err = await expectError(extractText('gemma3.json', broken), 'config-inconsistent', { field: 'text_config.num_key_value_heads' });
    assert.ok((err.location.line ?? 0) > 10, 'the line of the nested key');
  });

  test('DeepSeek-V4: compress_ratios must cover layers and MTP', async () => {
    const v4 = JSON.parse(fixture('configs/deepseek-ai__DeepSeek-V4-Flash.json')) as { compress_ratios: number[] };
    await expectError(extractText('v4.json', { ...v4, compress_ratios: v4.compress_ratios.slice(0, 43) }), 'config-inconsistent', { field: 'compress_ratios', message: /has 43 entries, expected 44/ });
    await expectError(extractText('v4kv.json', { ...v4, num_key_value_heads: 8 }), 'config-inconsistent', { field: 'num_key_value_heads' });
  });

  test('paths: missing file, folder without config.json, folder with one', async () => {
    await expectError(extract(join(dir, 'nope.json')), 'config-not-found', { hint: /Hub repo id/ });
    await mkdir(join(dir, 'empty'), { recursive: true });
    await expectError(extract(join(dir, 'empty')), 'config-not-found', { message: /has no config\.json/ });
    await mkdir(join(dir, 'Llama-3-8B'), { recursive: true });
    await writeFile(join(dir, 'Llama-3-8B', 'config.json'), JSON.stringify(llama));
    const { arch } = await extract(join(dir, 'Llama-3-8B'));
    assert.equal(arch.model.name, 'Llama-3-8B');
    assert.equal(arch.totals.params_main, 8030261248);
  });
});

test('sizes whose product leaves the exact integers are an input error', async () => {
  const mixtral = JSON.parse(fixture('configs/mistralai__Mixtral-8x7B-v0.1.json')) as Record<string, unknown>;
  await expectError(extractText('vast.json', { ...mixtral, num_local_experts: 2_000_000_000, intermediate_size: 2_000_000_000, num_hidden_layers: 9999 }), 'config-invalid-field', { message: /not an exact integer/, hint: /typo/ });
});
