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
    // Without model_type, architectures names the type (test/recipes.test.ts); without either, nothing does.
    const { model_type: _, architectures: _a, ...untyped } = llama;
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

describe('errors found in review', () => {
  test('NaN and Infinity are read as Python writes them; in a size they are reported', async () => {
    const text = JSON.stringify(llama, null, 2).replace('"rope_theta": 500000', '"rope_theta": NaN').replace('"initializer_range": 0.02', '"initializer_range": Infinity');
    const { arch } = await extractText('nan-ok.json', text);
    assert.equal(arch.totals.params_main, 8030261248);
    const bad = JSON.stringify(llama, null, 2).replace('"hidden_size": 4096', '"hidden_size": NaN');
    await expectError(extractText('nan-bad.json', bad), 'config-invalid-field', { field: 'hidden_size', message: /integer, got NaN/ });
  });

  test('syntax errors V8 names without a position still get one', async () => {
    await expectError(extractText('holes.json', '{\n  "a": [1,,2]\n}'), 'config-malformed-json', { line: 2, column: 11 });
    await expectError(extractText('trailing.json', '{"model_type": "llama"} x'), 'config-malformed-json', { line: 1, column: 25 });
    await expectError(extractText('tru.json', '{"a": tru}'), 'config-malformed-json', { line: 1, column: 7 });
  });

  test('invalid UTF-8 is refused; a BOM is dropped but hashed', async () => {
    const path = join(dir, 'binary.json');
    await writeFile(path, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]));
    await expectError(extract(path), 'config-malformed-json', { message: /not valid UTF-8/ });
    const bom = join(dir, 'bom.json');
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(llama))]);
    await writeFile(bom, bytes);
    const { arch } = await extract(bom);
    const { createHash } = await import('node:crypto');
    assert.equal(arch.model.config_sha256, createHash('sha256').update(bytes).digest('hex'));
  });

  test('fields whose default is not hidden/heads or MHA are required, not assumed', async () => {
    const qwen3 = JSON.parse(fixture('configs/Qwen__Qwen3-8B.json')) as Record<string, unknown>;
    const { head_dim: _h, ...noHeadDim } = qwen3;
    await expectError(extractText('qwen3-nohd.json', noHeadDim), 'config-invalid-field', { field: 'head_dim', message: /required/ });
    const mistral = JSON.parse(fixture('configs/mistralai__Mistral-7B-v0.1.json')) as Record<string, unknown>;
    const { num_key_value_heads: _k, ...noKv } = mistral;
    await expectError(extractText('mistral-nokv.json', noKv), 'config-invalid-field', { field: 'num_key_value_heads' });
    // Llama's config class means MHA when the field is absent.
    const { num_key_value_heads: _l, ...llamaNoKv } = llama;
    const { arch } = await extractText('llama-nokv.json', llamaNoKv);
    assert.equal(arch.family, 'mha');
    const v3 = JSON.parse(fixture('configs/deepseek-ai__DeepSeek-V3.json')) as Record<string, unknown>;
    const { q_lora_rank: _q, ...noQ } = v3;
    await expectError(extractText('v3-noq.json', noQ), 'config-invalid-field', { field: 'q_lora_rank', message: /write null for a single full q projection/ });
    const { topk_method: _t, ...noTopk } = v3;
    await expectError(extractText('v3-notopk.json', noTopk), 'config-invalid-field', { field: 'topk_method' });
  });

  test('fields a model does not have are reported: Qwen3-MoE shared expert, OPT head_dim', async () => {
    const moe = JSON.parse(fixture('configs/Qwen__Qwen3-30B-A3B.json')) as Record<string, unknown>;
    await expectError(extractText('q3moe-shared.json', { ...moe, shared_expert_intermediate_size: 512 }), 'config-unknown-fields', { message: /shared_expert_intermediate_size/ });
    const opt = JSON.parse(fixture('configs/facebook__opt-125m.json')) as Record<string, unknown>;
    await expectError(extractText('opt-hd.json', { ...opt, head_dim: 128 }), 'config-unknown-fields', { message: /head_dim/ });
  });

  test('size limits hold whatever the field is called (GPT-2 n_layer)', async () => {
    const gpt2 = JSON.parse(fixture('configs/openai-community__gpt2.json')) as Record<string, unknown>;
    await expectError(extractText('gpt2-huge.json', { ...gpt2, n_layer: 1_000_000 }), 'config-invalid-field', { field: 'n_layer', message: /implausibly large/ });
  });

  test('multimodal wrappers: unknown top-level fields and a conflicting tie are reported', async () => {
    const scout = JSON.parse(fixture('extra/meta-llama__Llama-4-Scout-17B-16E-Instruct.transcribed.json')) as Record<string, unknown> & { text_config: Record<string, unknown> };
    await expectError(extractText('scout-extra.json', { ...scout, num_experts_total: 17 }), 'config-unknown-fields', { field: 'num_experts_total' });
    await expectError(extractText('scout-tie.json', { ...scout, text_config: { ...scout.text_config, tie_word_embeddings: true } }), 'config-inconsistent', { field: 'text_config.tie_word_embeddings' });
    const tied = await extractText('scout-tied.json', { ...scout, tie_word_embeddings: true });
    assert.equal(tied.arch.flags.tied_embeddings, true, "the wrapper's tie applies to the text decoder");
  });

  test('a field missing from text_config is located at text_config, not in vision_config', async () => {
    const gemma3 = JSON.parse(fixture('extra/google__gemma-3-27b-it.transcribed.json')) as { text_config: Record<string, unknown> };
    const { num_attention_heads: _n, ...rest } = gemma3.text_config;
    const text = JSON.stringify({ ...gemma3, text_config: rest }, null, 2);
    const err = await expectError(extractText('gemma3-noheads.json', text), 'config-invalid-field', { field: 'text_config.num_attention_heads' });
    const textConfigLine = text.split('\n').findIndex((l) => l.includes('"text_config"')) + 1;
    assert.equal(err.location.line, textConfigLine);
  });

  test('a folder source is located at its config.json; a config.json that is a folder is an I/O error', async () => {
    await mkdir(join(dir, 'broken-model'), { recursive: true });
    await writeFile(join(dir, 'broken-model', 'config.json'), '{"model_type": }');
    const err = await expectError(extract(join(dir, 'broken-model')), 'config-malformed-json');
    assert.equal(err.location.file, join(dir, 'broken-model', 'config.json'));
    await mkdir(join(dir, 'weird', 'config.json'), { recursive: true });
    await expectError(extract(join(dir, 'weird')), 'io-error', { message: /EISDIR/ });
  });
});
