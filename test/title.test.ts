/** Figure titles from repo names and exact counts; per-organisation accents and their contrast. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SUPPORTED_MODEL_TYPES } from '../src/arch/describe.js';
import { extract } from '../src/extract.js';
import {
  ACCENTS,
  CONTAINER_GREY,
  INK,
  NEUTRAL_ACCENT,
  accentKey,
  accentTint,
  displayTitle,
  modelAccent,
  modelDisplayName,
  readableTint,
  significant3,
  sourceOrg,
} from '../src/figure/title.js';
import { contrastRatio } from '../src/figure/contrast.js';
import type { ArchJson } from '../src/schema/arch-json.js';
import { expectedCounts, fixturePath } from './helpers/fixtures.js';

async function arch(file: string): Promise<ArchJson> {
  return (await extract(fixturePath(file))).arch;
}

/** Every fixture: its title and the organisation whose accent it takes. */
const TITLES: Record<string, [string, string]> = {
  'configs/moonshotai__Kimi-K2.6.json': ['Kimi K2.6 (1.03T, 31.7B active)', 'moonshot'],
  'configs/zai-org__GLM-4.7-Flash.transformers-rendered.json': ['GLM 4.7 Flash (29.9B, 3.58B active)', 'zai'],
  'configs/zai-org__GLM-4.5.json': ['GLM 4.5 (353B, 32.9B active)', 'zai'],
  'configs/mistralai__Mistral-Small-4-119B-2603.snapshot-trimmed.json': ['Mistral Small 4 119B (119B, 6.10B active)', 'mistral'],
  'configs/google__gemma-4-26B-A4B-it.json': ['Gemma 4 26B-A4B (25.2B, 3.82B active)', 'google'],
  'configs/xai-org__grok-2.json': ['Grok 2 (270B, 114B active)', 'xai'],
  'configs/MiniMaxAI__MiniMax-M3.json': ['MiniMax M3 (426B, 24.7B active)', 'minimax'],
  'configs/meta-models__Muse-Glimmer-30B.json': ['Muse Glimmer 30B (27.9B)', 'meta'],
  'configs/google__gemma-4-12B-it.json': ['Gemma 4 12B (11.9B)', 'google'],
  'configs/google__gemma-4-E2B-it.json': ['Gemma 4 E2B (4.63B)', 'google'],
  'extra/deepseek-ai__DeepSeek-V3.2-Exp.reconstructed.json': ['DeepSeek V3.2 Exp (672B, 37.5B active)', 'deepseek'],
  'extra/google__gemma-4-E4B-it.reconstructed.json': ['Gemma 4 E4B (7.46B)', 'google'],
  'configs/arcee-ai__Trinity-Large-Base.json': ['Trinity Large (399B, 12.8B active)', 'arcee'],
  'configs/CohereLabs__North-Mini-Code-1.0.json': ['North Mini Code 1.0 (30.5B, 3.31B active)', 'cohere'],
  'extra/CohereLabs__c4ai-command-r7b-12-2024.reconstructed.json': ['Command R7B (8.03B)', 'cohere'],
  'configs/sarvamai__sarvam-30b.json': ['Sarvam 30B (32.2B, 3.45B active)', 'sarvam'],
  'configs/sarvamai__sarvam-105b.json': ['Sarvam 105B (106B, 11.3B active)', 'sarvam'],
  'configs/Nanbeige__Nanbeige4.2-3B.json': ['Nanbeige4.2 3B (4.17B)', 'nanbeige'],
  'configs/ByteDance__Ouro-2.6B-Thinking.json': ['Ouro 2.6B (2.67B)', 'bytedance'],
  'configs/JetBrains__Mellum2-12B-A2.5B-Thinking.json': ['Mellum2 12B-A2.5B (12.1B, 2.21B active)', 'jetbrains'],
  'configs/stepfun-ai__Step-3.5-Flash.json': ['Step 3.5 Flash (197B, 11.5B active)', 'stepfun'],
  'configs/XiaomiMiMo__MiMo-V2.5-Pro.json': ['MiMo V2.5 Pro (1.02T, 41.0B active)', 'xiaomi'],
  'configs/XiaomiMiMo__MiMo-V2-Flash.snapshot-trimmed.json': ['MiMo V2 Flash (309B, 14.8B active)', 'xiaomi'],
  'configs/poolside__Laguna-XS.2.json': ['Laguna XS.2 (33.4B, 2.81B active)', 'poolside'],
  'configs/Qwen__Qwen3.8-Flash-Next.json': ['Qwen3.8 Flash Next (177B, 6.67B active)', 'qwen'],
  'configs/Qwen__Qwen3.8-27B.json': ['Qwen3.8 27B (26.9B)', 'qwen'],
  'configs/Qwen__Qwen3.5-397B-A17B.json': ['Qwen3.5 397B-A17B (396B, 16.3B active)', 'qwen'],
  'configs/zai-org__GLM-5.2.json': ['GLM 5.2 (743B, 40.3B active)', 'zai'],
  'configs/zai-org__GLM-5.3-Flash.snapshot-trimmed.json': ['GLM 5.3 Flash (313B, 16.7B active)', 'zai'],
  'configs/tencent__Hy3-preview.json': ['Hy3 Preview (295B, 20.2B active)', 'tencent'],
  'configs/meituan-longcat__LongCat-Flash-Lite.json': ['LongCat Flash Lite (68.6B, 4.52B active)', 'meituan'],
  'configs/thinkingmachines__Inkling.json': ['Inkling (947B, 39.8B active)', 'thinking'],
  'configs/Motif-Technologies__Motif-3-Beta.json': ['Motif 3 Beta (315B, 12.1B active)', 'motif'],
  'configs/LiquidAI__LFM2.5-350M.json': ['LFM2.5 350M (354M)', 'liquid'],
  'configs/LiquidAI__LFM2.5-8B-A1B.json': ['LFM2.5 8B-A1B (8.47B, 1.69B active)', 'liquid'],
  'configs/tencent__Hy4-preview.json': ['Hy4 Preview (770B, 48.3B active)', 'tencent'],
  'configs/EleutherAI__gpt-neox-20b.json': ['GPT-NeoX 20B (20.6B)', 'eleutherai'],
  'configs/ibm-granite__granite-4.1-30b.json': ['Granite 4.1 30B (28.9B)', 'ibm'],
  'configs/allenai__Olmo-3-1025-7B.json': ['OLMo 3 7B (7.30B)', 'ai2'],
  'configs/allenai__OLMoE-1B-7B-0924.json': ['OLMoE 1B-7B (6.92B, 1.18B active)', 'ai2'],
  'configs/HuggingFaceTB__SmolLM3-3B-Base.transcribed.json': ['SmolLM3 3B (3.08B)', 'huggingface'],
  'configs/Qwen__Qwen2.5-0.5B.json': ['Qwen2.5 0.5B (494M)', 'qwen'],
  'configs/Qwen__Qwen3-0.6B.json': ['Qwen3 0.6B (596M)', 'qwen'],
  'configs/Qwen__Qwen3-30B-A3B.json': ['Qwen3 30B-A3B (30.5B, 3.04B active)', 'qwen'],
  'configs/Qwen__Qwen3-8B.json': ['Qwen3 8B (8.19B)', 'qwen'],
  'configs/Qwen__Qwen3-Next-80B-A3B-Instruct.json': ['Qwen3 Next 80B-A3B (79.7B, 3.56B active)', 'qwen'],
  'configs/ai21labs__Jamba-v0.1.json': ['Jamba v0.1 (51.6B, 11.8B active)', 'ai21'],
  'configs/MiniMaxAI__MiniMax-Text-01.json': ['MiniMax Text 01 (456B, 47.2B active)', 'minimax'],
  'configs/upstage__Solar-Open2-250B.json': ['Solar Open2 250B (250B, 13.9B active)', 'upstage'],
  'configs/moonshotai__Kimi-K3.json': ['Kimi K3 (2.78T, 104B active)', 'moonshot'],
  'configs/NX-AI__xLSTM-7b.json': ['xLSTM 7B (6.87B)', 'nxai'],
  'configs/inclusionAI__Ling-2.5-1T.json': ['Ling 2.5 1T (1.01T, 62.3B active)', 'inclusion'],
  'configs/Zyphra__ZAYA1-8B.json': ['ZAYA1 8B (8.84B, 1.29B active)', 'zyphra'],
  'configs/nvidia__NVIDIA-Nemotron-3-Nano-4B-BF16.json': ['NVIDIA Nemotron 3 Nano 4B (3.97B)', 'nvidia'],
  'configs/nvidia__NVIDIA-Nemotron-3-Super-120B-A12B-BF16.json': ['NVIDIA Nemotron 3 Super 120B-A12B (121B, 12.2B active)', 'nvidia'],
  'configs/allenai__OLMo-2-1124-7B-Instruct.json': ['OLMo 2 7B (7.30B)', 'ai2'],
  'configs/deepseek-ai__DeepSeek-V2-Lite-Chat.transformers-rendered.json': ['DeepSeek V2 Lite (15.7B, 2.45B active)', 'deepseek'],
  'configs/deepseek-ai__DeepSeek-V3.json': ['DeepSeek V3 (671B, 36.6B active)', 'deepseek'],
  'configs/deepseek-ai__DeepSeek-V4.1-Flash.snapshot-trimmed.json': ['DeepSeek V4.1 Flash (748B, 16.1B active)', 'deepseek'],
  'configs/deepseek-ai__DeepSeek-V4-Flash.json': ['DeepSeek V4 Flash (284B, 13.3B active)', 'deepseek'],
  'extra/deepseek-ai__DeepSeek-V4-Flash-0731.reconstructed.json': ['DeepSeek V4 Flash (284B, 13.3B active)', 'deepseek'],
  'configs/facebook__opt-125m.json': ['OPT 125M (125M)', 'meta'],
  'configs/google__gemma-2-2b-it.json': ['Gemma 2 2B (2.61B)', 'google'],
  'configs/meta-llama__Llama-2-7b-hf.lora-merged-copy.json': ['Llama 2 7B (6.74B)', 'meta'],
  'configs/meta-llama__Meta-Llama-3-8B-Instruct.json': ['Llama 3 8B (8.03B)', 'meta'],
  'configs/microsoft__Phi-3-mini-4k-instruct.json': ['Phi-3 Mini 4K (3.82B)', 'microsoft'],
  'configs/mistralai__Mistral-7B-v0.1.json': ['Mistral 7B v0.1 (7.24B)', 'mistral'],
  'configs/mistralai__Mixtral-8x7B-v0.1.json': ['Mixtral 8x7B v0.1 (46.7B, 12.7B active)', 'mistral'],
  'configs/openai-community__gpt2.json': ['GPT-2 (124M)', 'openai'],
  'configs/openai__gpt-oss-20b.json': ['gpt-oss 20B (20.9B, 3.61B active)', 'openai'],
  'extra/MiniMaxAI__MiniMax-M2.reconstructed.json': ['MiniMax M2 (229B, 10.4B active)', 'minimax'],
  'extra/Qwen__Qwen1.5-MoE-A2.7B.transcribed.json': ['Qwen1.5 MoE A2.7B (14.3B, 2.38B active)', 'qwen'],
  'extra/google__gemma-3-27b-it.transcribed.json': ['Gemma 3 27B (27.0B)', 'google'],
  'extra/google__gemma-7b.transcribed.json': ['Gemma 7B (8.54B)', 'google'],
  'extra/meta-llama__Llama-4-Maverick-17B-128E-Instruct.transcribed.json': ['Llama 4 Maverick 17B-128E (401B, 16.2B active)', 'meta'],
  'extra/meta-llama__Llama-4-Scout-17B-16E-Instruct.transcribed.json': ['Llama 4 Scout 17B-16E (108B, 16.1B active)', 'meta'],
  'extra/mistralai__Mistral-Small-3.1-24B-Instruct-2503.transcribed.json': ['Mistral Small 3.1 24B (23.6B)', 'mistral'],
  'extra/tiiuae__falcon-40b.transcribed.json': ['Falcon 40B (41.3B)', 'tii'],
  'extra/tiiuae__falcon-7b.remote-code.json': ['Falcon 7B (6.92B)', 'tii'],
  'extra/tiiuae__falcon-rw-1b.transcribed.json': ['Falcon RW 1B (1.31B)', 'tii'],
  'extra/deepseek-ai__DeepSeek-V3.2.json': ['DeepSeek V3.2 (672B, 37.5B active)', 'deepseek'],
  'extra/moonshotai__Kimi-Linear-48B-A3B-Instruct.transformers-rendered.json': ['Kimi Linear 48B-A3B (49.1B, 3.11B active)', 'moonshot'],
  'extra/google__gemma-4-31B-it.transformers-rendered.json': ['Gemma 4 31B (30.7B)', 'google'],
  'extra/Qwen__Qwen3.6-35B-A3B.transformers-rendered.json': ['Qwen3.6 35B-A3B (34.7B, 2.95B active)', 'qwen'],
};

describe('titles', () => {
  test('the table covers every fixture', () => {
    assert.deepEqual(Object.keys(TITLES).sort(), expectedCounts().map((e) => e.file).sort());
  });

  for (const [file, [title, org]] of Object.entries(TITLES)) {
    test(file, async () => {
      const a = await arch(file);
      assert.equal(displayTitle(a), title);
      assert.equal(accentKey(a), org);
      assert.equal(modelAccent(a), ACCENTS.get(org));
    });
  }

  test('Hub names', () => {
    const cases: [string, string][] = [
      ['Llama-3.1-8B-Instruct', 'Llama 3.1 8B'],
      ['Llama-3.2-1B', 'Llama 3.2 1B'],
      ['DeepSeek-R1', 'DeepSeek R1'],
      ['deepseek-v2', 'DeepSeek V2'],
      ['Qwen3-235B-A22B-Instruct-2507', 'Qwen3 235B-A22B'],
      ['gpt-oss-120b', 'gpt-oss 120B'],
      ['gpt-neox-20b', 'GPT-NeoX 20B'],
      ['gpt-j-6b', 'GPT-J 6B'],
      ['phi3-mini', 'Phi-3 Mini'],
      ['OLMoE-1B-7B-0924', 'OLMoE 1B-7B'],
      ['c4ai-command-r7b-arabic-02-2025', 'Command R7B Arabic'],
      ['command-a-reasoning-08-2025', 'Command A'],
      ['OLMo-2-0425-1B', 'OLMo 2 1B'],
      ['SmolLM2-135M', 'SmolLM2 135M'],
      ['my_model', 'My Model'],
      ['Instruct', 'Instruct'],
      ['', ''],
    ];
    for (const [name, want] of cases) assert.equal(modelDisplayName(name), want, name);
  });

  test('three significant digits, trailing zeros kept, the unit chosen after rounding', () => {
    assert.deepEqual(
      [27_009_000_000, 8_030_261_248, 671_026_419_200, 999_600_000, 124_439_808, 1_000, 999, 116_829_156_672].map(significant3),
      ['27.0B', '8.03B', '671B', '1.00B', '124M', '1.00K', '999', '117B'],
    );
  });
});

describe('accents', () => {
  test('every accent reads on white (4.5:1) and on the gallery grey (3:1)', () => {
    for (const [org, hex] of [...ACCENTS, ['neutral', NEUTRAL_ACCENT] as const]) {
      assert.ok(contrastRatio(hex, '#FFFFFF') >= 4.5, `${org} ${hex} on white: ${contrastRatio(hex, '#FFFFFF').toFixed(2)}`);
      assert.ok(contrastRatio(hex, CONTAINER_GREY) >= 3, `${org} ${hex} on grey: ${contrastRatio(hex, CONTAINER_GREY).toFixed(2)}`);
    }
  });

  test('accents are distinct', () => {
    assert.equal(new Set(ACCENTS.values()).size, ACCENTS.size);
  });

  test('the block tint keeps ink text at 4.5:1 whatever the amount', () => {
    for (const hex of [...ACCENTS.values(), NEUTRAL_ACCENT, '#000000', '#FFFFFF']) {
      for (const amount of [0, 0.15, 0.3, 0.45, 0.55, 0.8, 1, 2, -1]) {
        const tint = accentTint(hex, amount);
        assert.match(tint, /^#[0-9A-F]{6}$/);
        assert.ok(contrastRatio(INK, tint) >= 4.5, `${hex} × ${amount} → ${tint}: ${contrastRatio(INK, tint).toFixed(2)}`);
      }
    }
    // Light tints are not changed; the form of the input is kept.
    assert.equal(accentTint('#3E5BEA', 0), '#FFFFFF');
    assert.equal(accentTint('3E5BEA', 0.2), accentTint('#3E5BEA', 0.2).slice(1));
    assert.equal(accentTint('#3E5BEA', 0.2), '#D8DEFB');
    // Another ink: the muted caption grey needs a lighter tint.
    const muted = '#4A4F57';
    for (const hex of ACCENTS.values()) assert.ok(contrastRatio(muted, accentTint(hex, 0.55, muted)) >= 4.5, hex);
  });

  test('a light accent for key words on the dark attention box', () => {
    for (const hex of ACCENTS.values()) {
      const light = readableTint(hex, '#595959');
      assert.ok(contrastRatio(light, '#595959') >= 4.5, `${hex} → ${light}`);
      assert.notEqual(light, '#FFFFFF', hex);
    }
  });

  test('a bad colour is refused', () => {
    assert.throws(() => accentTint('blue', 0.5), RangeError);
  });
});

describe('where the accent comes from', () => {
  const base = async () => arch('configs/meta-llama__Meta-Llama-3-8B-Instruct.json');
  const withModel = (a: ArchJson, model: Partial<ArchJson['model']>): ArchJson => ({ ...a, model: { ...a.model, ...model } });
  const hub = { revision: 'main', commit: 'a'.repeat(40) };

  test('the Hub organisation first', async () => {
    const a = await base();
    assert.equal(sourceOrg(withModel(a, { source: 'deepseek-ai/DeepSeek-V3@main', ...hub }).model), 'deepseek-ai');
    assert.equal(modelAccent(withModel(a, { source: 'Qwen/some-llama', ...hub })), ACCENTS.get('qwen'));
  });

  test('an organisation nobody listed: the model_type family', async () => {
    const a = await base();
    assert.equal(modelAccent(withModel(a, { source: 'NousResearch/Hermes-3-Llama-3.1-8B', ...hub })), ACCENTS.get('meta'));
    assert.equal(sourceOrg(withModel(a, { source: '/models/llama/config.json', revision: null, commit: null }).model), null);
    assert.equal(sourceOrg(withModel(a, { source: 'some/dir/google__gemma-7b.json', revision: null, commit: null }).model), 'google');
  });

  test('every supported model_type has a family; an unknown one is neutral', async () => {
    const a = await base();
    for (const t of SUPPORTED_MODEL_TYPES) {
      assert.notEqual(accentKey(withModel(a, { source: 'x.json', revision: null, commit: null, model_type: t })), null, t);
    }
    assert.equal(modelAccent(withModel(a, { source: 'x.json', revision: null, commit: null, model_type: 'mamba' })), NEUTRAL_ACCENT);
  });
});
