/**
 * Ground truth: every corpus config extracts to its published parameter count to the unit, and
 * the figures a unit prints (formula, count) agree with each other and with the totals.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extract } from '../src/index.js';
import { expectedCounts, fixturePath } from './helpers/fixtures.js';

describe('exact parameter counts', () => {
  for (const { file, expected } of expectedCounts()) {
    test(file, async () => {
      const { arch } = await extract(fixturePath(file));
      assert.equal(arch.totals.params_main, expected.params_main, `params_main (${expected.how})`);
      assert.equal(arch.totals.params, expected.params ?? expected.params_main, 'params');
      if (expected.checkpoint_params !== undefined) assert.equal(arch.totals.checkpoint_params, expected.checkpoint_params, 'checkpoint_params');
      // Units add up to the totals, parts add up to units.
      const main = arch.units.filter((u) => u.scope !== 'mtp');
      assert.equal(main.reduce((s, u) => s + u.param_count * u.repeat, 0), arch.totals.params_main);
      for (const u of arch.units) {
        assert.equal(u.parts.reduce((s, p) => s + p.param_count, 0), u.param_count, u.id);
        assert.equal(u.total, u.param_count * u.repeat, u.id);
        if (u.scope === 'layers') assert.equal(u.layers.length, u.repeat, u.id);
      }
      assert.ok(arch.totals.active_params <= arch.totals.params_main);
      // Only a model without attention layers (xLSTM) caches nothing.
      const attention = arch.layers.some((l) => ['softmax', 'mla', 'dsv4', 'cca'].includes(l.attention.kind));
      assert.equal(arch.totals.kv_cache_bytes_per_token > 0, attention);
    });
  }
});

describe('documented conventions', () => {
  test('active parameters: all but the routed experts a token is not sent to', async () => {
    const { arch } = await extract(fixturePath('configs/deepseek-ai__DeepSeek-V3.json'));
    // 58 MoE layers × (256 − 8) idle experts × 3·7168·2048.
    assert.equal(arch.totals.params_main - arch.totals.active_params, 58 * 248 * 3 * 7168 * 2048);
    assert.equal(Math.round(arch.totals.active_params / 1e9), 38);
  });

  test('KV cache per token at bf16', async () => {
    const cases: [string, number][] = [
      // 32 layers × K,V × 8 KV heads × 128 × 2 bytes
      ['configs/meta-llama__Meta-Llama-3-8B-Instruct.json', 32 * 2 * 8 * 128 * 2],
      // MLA: 61 layers × (kv_lora_rank 512 + rope 64) × 2 bytes
      ['configs/deepseek-ai__DeepSeek-V3.json', 61 * 576 * 2],
      // Qwen3-Next: only the 12 full-attention layers, 2 KV heads × 256
      ['configs/Qwen__Qwen3-Next-80B-A3B-Instruct.json', 12 * 2 * 2 * 256 * 2],
      // gpt-oss: sliding layers count too (24 layers, 8 KV heads × 64)
      ['configs/openai__gpt-oss-20b.json', 24 * 2 * 8 * 64 * 2],
      // DeepSeek-V4-Flash: 2 ratio-0 layers × 512 values, 21 ratio-4 layers × (512 + 128 index) / 4,
      // 20 ratio-128 layers × 512 / 128; × 2 bytes
      ['configs/deepseek-ai__DeepSeek-V4-Flash.json', 2 * 512 * 2 + 21 * (640 / 4) * 2 + 20 * (512 / 128) * 2],
    ];
    for (const [file, bytes] of cases) {
      const { arch } = await extract(fixturePath(file));
      assert.equal(arch.totals.kv_cache_bytes_per_token, bytes, file);
    }
  });

  test('KV cache at full context: window and chunked layers hold only their window', async () => {
    const cases: [string, number][] = [
      // 8,192 tokens × 128 KiB
      ['configs/meta-llama__Meta-Llama-3-8B-Instruct.json', 8192 * 32 * 2 * 8 * 128 * 2],
      // Gemma 3 27B (context 131,072 by the transformers default): 10 global layers hold every
      // token, 52 sliding-window layers 1,024; 16 KV heads × 128
      ['extra/google__gemma-3-27b-it.transcribed.json', (10 * 131072 + 52 * 1024) * 2 * 16 * 128 * 2],
      // gpt-oss-20b: 12 full layers × 131,072 tokens, 12 sliding layers × 128; 8 KV heads × 64
      ['configs/openai__gpt-oss-20b.json', (12 * 131072 + 12 * 128) * 2 * 8 * 64 * 2],
      // MLA: every token's 576-value latent in 61 layers, 163,840 tokens
      ['configs/deepseek-ai__DeepSeek-V3.json', 163840 * 61 * 576 * 2],
      // Qwen3-Next: the 12 attention layers only (the DeltaNet state does not grow)
      ['configs/Qwen__Qwen3-Next-80B-A3B-Instruct.json', 262144 * 12 * 2 * 2 * 256 * 2],
      // DeepSeek-V4-Flash, 1,048,576 tokens: every layer keeps a 128-token window of 512-value
      // entries; 21 ratio-4 layers add 512 + 128 (indexer key) per 4 tokens, 20 ratio-128 layers
      // 512 per 128 tokens
      ['configs/deepseek-ai__DeepSeek-V4-Flash.json', (43 * 128 * 512 + 21 * (1048576 / 4) * 640 + 20 * (1048576 / 128) * 512) * 2],
    ];
    for (const [file, bytes] of cases) {
      const { arch } = await extract(fixturePath(file));
      assert.equal(arch.totals.kv_cache_bytes_at_context, bytes, file);
    }
  });

  test('DeepSeek-V4 lists its tid2eid tables apart from the parameters', async () => {
    const { arch } = await extract(fixturePath('configs/deepseek-ai__DeepSeek-V4-Flash.json'));
    assert.deepEqual(arch.non_learned.map((n) => [n.id, n.total, n.layers]), [['tid2eid', 2327040, [0, 1, 2]]]);
    assert.ok(!arch.units.some((u) => u.id.includes('tid2eid')));
  });

  test('component figures of DeepSeek-V4-Flash match the closed form of the tensor listing', async () => {
    const { arch } = await extract(fixturePath('configs/deepseek-ai__DeepSeek-V4-Flash.json'));
    const count = (id: string) => arch.units.find((u) => u.id === id)?.param_count;
    assert.equal(count('layers.attn'), 106956352);
    assert.equal(count('layers.compressor.r4'), 8393216);
    assert.equal(count('layers.compressor.r128'), 4260352);
    assert.equal(count('layers.indexer'), 10749056);
    assert.equal(count('layers.experts'), 6442450944);
    assert.equal(count('layers.shared_experts'), 25165824);
    assert.equal((count('layers.hc_attn') ?? 0) + (count('layers.hc_ffn') ?? 0), 786486);
    const mtp = arch.units.filter((u) => u.scope === 'mtp').reduce((s, u) => s + u.total, 0);
    assert.equal(mtp, 6610048891);
  });
});
