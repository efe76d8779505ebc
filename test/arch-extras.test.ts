/**
 * What the figure reads from arch.json beyond the counts: logit soft-capping (Gemma 2), chunked
 * attention (Llama 4), active parameters without the input embedding, unit names as table rows.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { archFromConfig, extract } from '../src/extract.js';
import { archJsonSchema, type ArchJson } from '../src/schema/arch-json.js';
import { loadedConfig } from '../src/source/loaded.js';
import { fixture, fixturePath } from './helpers/fixtures.js';

type Config = Record<string, unknown>;
const load = (name: string) => JSON.parse(fixture(name)) as Config;

async function arch(file: string): Promise<ArchJson> {
  return (await extract(fixturePath(file))).arch;
}

/** A config object to arch.json, as the CLI does for a local file. */
function fromConfig(config: Config): ArchJson {
  const bytes = new TextEncoder().encode(JSON.stringify(config));
  return archFromConfig(loadedConfig({ bytes, source: 'c.json', display: 'c.json', kind: 'local', repo: null, revision: null, commit: null, path: null, from_cache: false, warnings: [] }));
}

const unit = (a: ArchJson, id: string) => a.units.find((u) => u.id === id)!;

describe('logit soft-capping', () => {
  test('Gemma 2 caps attention logits at 50 and output logits at 30', async () => {
    const a = await arch('configs/google__gemma-2-2b-it.json');
    assert.equal(a.flags.attn_softcap, 50);
    assert.equal(a.flags.final_softcap, 30);
  });

  test('Gemma 2 without the fields takes its config class defaults; null switches a cap off', () => {
    const { attn_logit_softcapping: _a, final_logit_softcapping: _f, ...bare } = load('configs/google__gemma-2-2b-it.json');
    const a = fromConfig(bare);
    assert.deepEqual([a.flags.attn_softcap, a.flags.final_softcap], [50, 30]);
    assert.ok(a.notes.some((n) => /attn_logit_softcapping is absent: 50/.test(n)));
    const off = fromConfig({ ...bare, attn_logit_softcapping: null, final_logit_softcapping: null });
    assert.deepEqual([off.flags.attn_softcap, off.flags.final_softcap], [null, null]);
  });

  test('Gemma 3 has no caps by default (its config leaves both out)', async () => {
    const a = await arch('extra/google__gemma-3-27b-it.transcribed.json');
    assert.deepEqual([a.flags.attn_softcap, a.flags.final_softcap], [null, null]);
    const text = load('extra/google__gemma-3-27b-it.transcribed.json') as Config & { text_config: Config };
    const capped = fromConfig({ ...text, text_config: { ...text.text_config, final_logit_softcapping: 30 } });
    assert.deepEqual([capped.flags.attn_softcap, capped.flags.final_softcap], [null, 30]);
  });

  test('models whose code ignores the fields have no caps', async () => {
    for (const f of ['configs/meta-llama__Meta-Llama-3-8B-Instruct.json', 'extra/google__gemma-7b.transcribed.json', 'configs/openai__gpt-oss-20b.json']) {
      const a = await arch(f);
      assert.deepEqual([a.flags.attn_softcap, a.flags.final_softcap], [null, null], f);
    }
    const llama = fromConfig({ ...load('configs/meta-llama__Meta-Llama-3-8B-Instruct.json'), final_logit_softcapping: 30 });
    assert.equal(llama.flags.final_softcap, null);
  });

  test('a cap that is not positive is refused', () => {
    assert.throws(() => fromConfig({ ...load('configs/google__gemma-2-2b-it.json'), attn_logit_softcapping: 0 }), /attn_logit_softcapping" must be a positive cap/);
  });

  test('soft-capping changes no count', async () => {
    const a = await arch('configs/google__gemma-2-2b-it.json');
    const off = fromConfig({ ...load('configs/google__gemma-2-2b-it.json'), attn_logit_softcapping: null, final_logit_softcapping: null });
    assert.deepEqual(off.totals, a.totals);
  });
});

describe('chunked attention (Llama 4)', () => {
  const chunks = (a: ArchJson) => a.layers.map((l) => `${l.attention.rope ? 'R' : 'N'}${l.attention.chunk ?? '-'}`).join(' ');

  for (const f of ['extra/meta-llama__Llama-4-Scout-17B-16E-Instruct.transcribed.json', 'extra/meta-llama__Llama-4-Maverick-17B-128E-Instruct.transcribed.json']) {
    test(`${f}: RoPE layers attend in chunks of 8192 tokens, NoPE layers globally`, async () => {
      const a = await arch(f);
      assert.equal(chunks(a), Array.from({ length: 12 }, () => 'R8192 R8192 R8192 N-').join(' '));
      assert.ok(a.layers.every((l) => l.attention.window === null && l.attention.kind === 'softmax'));
      assert.equal(a.flags.sliding_window, false);
      assert.ok(a.notes.some((n) => /36 of 48 layers attend within chunks of 8192 tokens/.test(n)));
    });
  }

  test('attention_chunk_size and layer_types are honoured; null leaves the layers global', () => {
    const scout = load('extra/meta-llama__Llama-4-Scout-17B-16E-Instruct.transcribed.json') as Config & { text_config: Config };
    const withText = (extra: Config) => fromConfig({ ...scout, text_config: { ...scout.text_config, ...extra } });
    assert.ok(withText({ attention_chunk_size: 4096 }).layers.filter((l) => l.attention.rope).every((l) => l.attention.chunk === 4096));
    const none = withText({ attention_chunk_size: null });
    assert.ok(none.layers.every((l) => l.attention.chunk === null));
    assert.ok(none.notes.some((n) => /attention_chunk_size is null/.test(n)));
    const types = Array.from({ length: 48 }, (_, i) => (i < 2 ? 'chunked_attention' : 'full_attention'));
    assert.deepEqual(withText({ layer_types: types }).layers.map((l) => l.attention.chunk).slice(0, 3), [8192, 8192, null]);
    // no_rope_layer_interval alone: every 4th layer NoPE and global.
    const { no_rope_layers: _n, ...rest } = scout.text_config;
    const interval = fromConfig({ ...scout, text_config: { ...rest, no_rope_layer_interval: 3 } });
    assert.equal(chunks(interval).split(' ').slice(0, 6).join(' '), 'R8192 R8192 N- R8192 R8192 N-');
  });

  test('other models have no chunked layers', async () => {
    for (const f of ['configs/meta-llama__Meta-Llama-3-8B-Instruct.json', 'configs/openai__gpt-oss-20b.json', 'configs/deepseek-ai__DeepSeek-V4-Flash.json', 'configs/HuggingFaceTB__SmolLM3-3B-Base.transcribed.json']) {
      const a = await arch(f);
      assert.ok([...a.layers, ...a.mtp_layers].every((l) => l.attention.chunk === null), f);
    }
  });
});

describe('active parameters without the input embedding', () => {
  test('gpt-oss-20b: 3.61B, as its model card quotes (the head counts, the embedding not)', async () => {
    const a = await arch('configs/openai__gpt-oss-20b.json');
    assert.equal(a.totals.active_params - a.totals.active_params_non_embedding, 201_088 * 2_880);
    assert.equal((a.totals.active_params_non_embedding / 1e9).toFixed(2), '3.61');
  });

  test('gpt-oss-120b (the 20b config with 36 layers and 128 experts): 116.83B total, 5.13B active', () => {
    const c = load('configs/openai__gpt-oss-20b.json');
    const layer_types = Array.from({ length: 36 }, (_, i) => (i % 2 === 0 ? 'sliding_attention' : 'full_attention'));
    const a = fromConfig({ ...c, num_hidden_layers: 36, num_local_experts: 128, layer_types });
    assert.equal((a.totals.params_main / 1e9).toFixed(2), '116.83');
    assert.equal((a.totals.active_params_non_embedding / 1e9).toFixed(2), '5.13');
  });

  test('DeepSeek: "37B activated" of V3, "2.4B" of V2-Lite, "13B" of V4-Flash', async () => {
    const cases: [string, number, number][] = [
      ['configs/deepseek-ai__DeepSeek-V3.json', 129_280 * 7_168, 37],
      ['configs/deepseek-ai__DeepSeek-V2-Lite-Chat.transformers-rendered.json', 102_400 * 2_048, 2.4],
      ['configs/deepseek-ai__DeepSeek-V4-Flash.json', unit(await arch('configs/deepseek-ai__DeepSeek-V4-Flash.json'), 'embed').total, 13],
    ];
    for (const [f, embed, published] of cases) {
      const a = await arch(f);
      assert.equal(a.totals.active_params - a.totals.active_params_non_embedding, embed, f);
      assert.ok(Math.abs(a.totals.active_params_non_embedding / 1e9 - published) / published < 0.04, `${f}: ${a.totals.active_params_non_embedding}`);
    }
  });

  test('a tied embedding is the head: counted; learned positions are a table: not', async () => {
    const gemma = await arch('configs/google__gemma-2-2b-it.json');
    assert.equal(gemma.totals.active_params_non_embedding, gemma.totals.active_params);
    const gpt2 = await arch('configs/openai-community__gpt2.json');
    assert.equal(gpt2.totals.active_params - gpt2.totals.active_params_non_embedding, 1_024 * 768);
    const opt = await arch('configs/facebook__opt-125m.json');
    assert.equal(opt.totals.active_params - opt.totals.active_params_non_embedding, (2_048 + 2) * 768);
  });

  test('dense untied models: all but the token embedding', async () => {
    const a = await arch('configs/meta-llama__Meta-Llama-3-8B-Instruct.json');
    assert.equal(a.totals.active_params - a.totals.active_params_non_embedding, 128_256 * 4_096);
  });

  test('every fixture: between the active parameters less every table and the active parameters', async () => {
    for (const f of ['configs/Qwen__Qwen3-30B-A3B.json', 'configs/Qwen__Qwen3-Next-80B-A3B-Instruct.json', 'configs/mistralai__Mixtral-8x7B-v0.1.json', 'extra/MiniMaxAI__MiniMax-M2.reconstructed.json']) {
      const a = await arch(f);
      const tables = a.units.filter((u) => u.id === 'embed' || u.id === 'pos_embed').reduce((s, u) => s + u.total, 0);
      assert.equal(a.totals.active_params_non_embedding, a.totals.active_params - tables, f);
      assert.ok(archJsonSchema.safeParse(a).success);
    }
  });
});

describe('unit names read as table rows', () => {
  test("Qwen3-Next's output-gated full attention is \"Gated attention\"", async () => {
    const a = await arch('configs/Qwen__Qwen3-Next-80B-A3B-Instruct.json');
    assert.equal(unit(a, 'layers.attn').name, 'Gated attention');
    assert.equal(unit(a, 'layers.linear_attn').name, 'Gated DeltaNet');
  });

  test('activations as papers write them; several shared experts say how many', async () => {
    assert.equal(unit(await arch('configs/facebook__opt-125m.json'), 'layers.ffn').name, 'FeedForward (ReLU MLP)');
    assert.equal(unit(await arch('configs/openai-community__gpt2.json'), 'layers.ffn').name, 'FeedForward (GELU MLP)');
    assert.equal(unit(await arch('configs/deepseek-ai__DeepSeek-V2-Lite-Chat.transformers-rendered.json'), 'layers.shared_experts').name, 'Shared experts (2)');
    assert.equal(unit(await arch('configs/deepseek-ai__DeepSeek-V3.json'), 'layers.shared_experts').name, 'Shared expert');
  });
});

describe('fields every PretrainedConfig writes', () => {
  test('generation defaults and an empty pruned_heads are inert; heads that are pruned are not', () => {
    const base = load('configs/ibm-granite__granite-4.1-30b.json');
    const serialized = { ...base, pruned_heads: {}, bad_words_ids: null, typical_p: 1, output_scores: false, tie_encoder_decoder: false };
    assert.equal(fromConfig(serialized).totals.params_main, 28_865_728_512);
    assert.throws(() => fromConfig({ ...base, pruned_heads: { '0': [1, 2] } }), /fields this tool does not understand for granite: pruned_heads/);
    assert.equal(fromConfig({ ...base, add_cross_attention: false, cross_attention_hidden_size: null }).totals.params_main, 28_865_728_512);
    assert.throws(() => fromConfig({ ...base, add_cross_attention: true }), /does not understand for granite: add_cross_attention/);
  });
});

describe('GLM-4.7-Flash (glm4_moe_lite)', () => {
  test('mlp_layer_types decides each FFN (first_k_dense_replace set aside); the MTP layer is MoE; qk_head_dim must add up', () => {
    const base = load('configs/zai-org__GLM-4.7-Flash.transformers-rendered.json');
    const a = fromConfig(base);
    assert.deepEqual(a.layers.filter((l) => l.ffn.kind === 'dense').map((l) => l.index), [0]);
    assert.equal(a.mtp_layers.length, 1);
    assert.equal(a.mtp_layers[0]!.ffn.kind, 'moe');
    // Listed, not counted: a second dense layer where first_k_dense_replace still says 1.
    const types = [...(base['mlp_layer_types'] as string[])];
    types[5] = 'dense';
    const b = fromConfig({ ...base, mlp_layer_types: types });
    assert.deepEqual(b.layers.filter((l) => l.ffn.kind === 'dense').map((l) => l.index), [0, 5]);
    assert.ok(b.totals.params_main < a.totals.params_main);
    assert.throws(() => fromConfig({ ...base, mlp_layer_types: types.slice(1) }), /"mlp_layer_types" must list "dense" or "sparse" for each of the 47 layers/);
    assert.throws(() => fromConfig({ ...base, qk_head_dim: 192 }), /"qk_head_dim" is 192, but qk_nope_head_dim \+ qk_rope_head_dim is 256/);
    assert.throws(() => fromConfig({ ...base, partial_rotary_factor: 0.5 }), /partial_rotary_factor/);
    assert.throws(() => fromConfig({ ...base, rope_parameters: { ...(base['rope_parameters'] as object), partial_rotary_factor: 0.5 } }), /"rope_parameters.partial_rotary_factor" is 0.5/);
  });
});
