/** Families, flags and per-layer patterns detected from real configs. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extract, type ArchJson } from '../src/index.js';
import { fixturePath } from './helpers/fixtures.js';

async function arch(file: string): Promise<ArchJson> {
  return (await extract(fixturePath(file))).arch;
}

/** A compact pattern of one per-layer property, e.g. "SFSF…". */
function pattern(a: ArchJson, f: (l: ArchJson['layers'][number]) => string): string {
  return a.layers.map(f).join('');
}

describe('families', () => {
  const cases: [string, string][] = [
    ['configs/meta-llama__Llama-2-7b-hf.lora-merged-copy.json', 'mha'],
    ['configs/meta-llama__Meta-Llama-3-8B-Instruct.json', 'gqa'],
    ['configs/deepseek-ai__DeepSeek-V3.json', 'mla'],
    ['configs/deepseek-ai__DeepSeek-V2-Lite-Chat.transformers-rendered.json', 'mla'],
    ['configs/deepseek-ai__DeepSeek-V4-Flash.json', 'dsv4'],
    ['configs/openai-community__gpt2.json', 'mha'],
  ];
  for (const [file, family] of cases) {
    test(`${file} is ${family}`, async () => assert.equal((await arch(file)).family, family));
  }
});

describe('flags and layer patterns', () => {
  test('Llama 3: GQA, untied, pre-norm SwiGLU with rope everywhere', async () => {
    const a = await arch('configs/meta-llama__Meta-Llama-3-8B-Instruct.json');
    assert.equal(a.flags.tied_embeddings, false);
    assert.equal(a.flags.ffn_kind, 'swiglu');
    assert.equal(a.flags.norm_placement, 'pre');
    assert.equal(a.flags.moe, false);
    assert.equal(a.layers.length, 32);
    assert.ok(a.layers.every((l) => l.attention.rope && l.attention.window === null));
    const attn = a.units.find((u) => u.id === 'layers.attn')!;
    assert.equal(attn.name, 'Grouped-query attention');
    assert.equal(attn.formula_text, '2·d^2 + 2·d·H_kv·d_h');
    assert.equal(attn.formula_symbolic, '2\\,d^{2} + 2\\,d\\,H_{kv}\\,d_{h}');
    assert.equal(attn.formula_concrete, '2 \\cdot 4{,}096^{2} + 2 \\cdot 4{,}096 \\cdot 8 \\cdot 128');
    assert.equal(attn.param_count, 41943040);
  });

  test('Qwen2.5 has q/k/v biases without a flag, tied head', async () => {
    const a = await arch('configs/Qwen__Qwen2.5-0.5B.json');
    assert.equal(a.biases.qkv, true);
    assert.equal(a.biases.o, false);
    assert.equal(a.flags.tied_embeddings, true);
    assert.ok(!a.units.some((u) => u.id === 'head'));
    assert.ok(a.notes.some((n) => /no flag/.test(n)));
    assert.equal(a.flags.sliding_window, false, 'use_sliding_window is false');
  });

  test('Qwen3: per-head QK-norm, head_dim not hidden/heads', async () => {
    const a = await arch('configs/Qwen__Qwen3-8B.json');
    assert.equal(a.flags.qk_norm, 'per_head');
    assert.equal(a.dims['d_h']!.value, 128);
    assert.equal(a.units.find((u) => u.id === 'layers.qk_norm')!.param_count, 256);
  });

  test('OLMo 2: QK-norm over the whole projection, post-norm', async () => {
    const a = await arch('configs/allenai__OLMo-2-1124-7B-Instruct.json');
    assert.equal(a.flags.qk_norm, 'full');
    assert.equal(a.flags.norm_placement, 'post');
    assert.deepEqual(a.units.filter((u) => u.family === 'norm' && u.scope === 'layers').map((u) => u.id), ['layers.post_attn_norm', 'layers.post_ffn_norm']);
    assert.equal(a.units.find((u) => u.id === 'layers.qk_norm')!.param_count, 8192);
  });

  test('Gemma 2: sandwich norms, GeGLU, alternating sliding/global, tied by default', async () => {
    const a = await arch('configs/google__gemma-2-2b-it.json');
    assert.equal(a.flags.norm_placement, 'sandwich');
    assert.equal(a.flags.ffn_kind, 'geglu');
    assert.equal(a.flags.tied_embeddings, true);
    assert.ok(a.notes.some((n) => /tie_word_embeddings is absent/.test(n)));
    assert.equal(pattern(a, (l) => (l.attention.window ? 'S' : 'G')), 'SG'.repeat(13));
    assert.equal(a.layers[0]!.attention.window, 4096);
    assert.equal(a.units.filter((u) => u.family === 'norm' && u.scope === 'layers').length, 4);
  });

  test('Gemma 3 (multimodal wrapper): text decoder, 5:1 sliding pattern, defaults applied', async () => {
    const a = await arch('extra/google__gemma-3-27b-it.transcribed.json');
    assert.equal(a.flags.multimodal_wrapper, true);
    assert.equal(a.model.text_config_path, 'text_config');
    assert.equal(a.model.model_type, 'gemma3_text');
    assert.ok(a.notes[0]!.includes('text decoder'));
    assert.ok(a.notes.some((n) => /text_config.vocab_size is absent: 262208 \(the default of gemma3_text\)/.test(n)));
    assert.equal(pattern(a, (l) => (l.attention.window ? 'S' : 'G')).slice(0, 12), 'SSSSSGSSSSSG');
  });

  test('Mistral 3 and Llama 4 wrappers describe their text decoders', async () => {
    const m = await arch('extra/mistralai__Mistral-Small-3.1-24B-Instruct-2503.transcribed.json');
    assert.equal(m.model.model_type, 'mistral');
    assert.equal(m.flags.multimodal_wrapper, true);
    const scout = await arch('extra/meta-llama__Llama-4-Scout-17B-16E-Instruct.transcribed.json');
    assert.equal(scout.model.model_type, 'llama4_text');
    assert.equal(scout.flags.qk_norm, 'l2');
    assert.equal(pattern(scout, (l) => (l.attention.rope ? 'R' : 'N')).slice(0, 8), 'RRRNRRRN');
    assert.ok(scout.layers.every((l) => l.ffn.kind === 'moe'));
    assert.equal(scout.flags.shared_experts, true);
  });

  test('Llama 4 Maverick: MoE on every 2nd layer, dense layers of intermediate_size_mlp', async () => {
    const a = await arch('extra/meta-llama__Llama-4-Maverick-17B-128E-Instruct.transcribed.json');
    assert.equal(a.flags.moe_every, 2);
    assert.equal(pattern(a, (l) => (l.ffn.kind === 'moe' ? 'M' : 'D')).slice(0, 6), 'DMDMDM');
    assert.equal(a.dims['d_ff']!.value, 16384);
    assert.equal(a.flags.qk_norm, 'none');
  });

  test('SmolLM3: NoPE every 4th layer', async () => {
    const a = await arch('configs/HuggingFaceTB__SmolLM3-3B-Base.transcribed.json');
    assert.equal(a.flags.nope_layers, true);
    assert.equal(pattern(a, (l) => (l.attention.rope ? 'R' : 'N')), 'RRRN'.repeat(9));
  });

  test('Mistral 7B: sliding window on every layer; Phi-3: fused projections', async () => {
    const m = await arch('configs/mistralai__Mistral-7B-v0.1.json');
    assert.ok(m.layers.every((l) => l.attention.window === 4096));
    const p = await arch('configs/microsoft__Phi-3-mini-4k-instruct.json');
    assert.equal(p.flags.fused_projections, true);
    assert.ok(p.layers.every((l) => l.attention.window === 2047));
  });

  test('Mixtral and Qwen3-30B-A3B: MoE on every layer, k of E', async () => {
    const m = await arch('configs/mistralai__Mixtral-8x7B-v0.1.json');
    assert.deepEqual([m.dims['E']!.value, m.dims['k']!.value], [8, 2]);
    assert.ok(m.layers.every((l) => l.ffn.kind === 'moe'));
    const q = await arch('configs/Qwen__Qwen3-30B-A3B.json');
    assert.deepEqual([q.dims['E']!.value, q.dims['k']!.value, q.dims['d_e']!.value], [128, 8, 768]);
    const experts = q.units.find((u) => u.id === 'layers.experts')!;
    assert.equal(experts.active_param_count, 8 * 3 * 2048 * 768);
  });

  test('gpt-oss: sinks, biases, layer_types, MXFP4 experts unpacked', async () => {
    const a = await arch('configs/openai__gpt-oss-20b.json');
    assert.equal(a.flags.attention_sinks, true);
    assert.equal(a.flags.attention_bias, true);
    assert.equal(a.biases.router, true);
    assert.equal(a.biases.experts, true);
    assert.equal(pattern(a, (l) => (l.attention.window ? 'S' : 'F')), 'SF'.repeat(12));
    assert.ok(a.units.find((u) => u.id === 'layers.attn')!.parts.some((p) => p.name === 'sinks'));
  });

  test('Qwen3-Next: 3:1 Gated DeltaNet / gated attention, partial rope, shared expert gate', async () => {
    const a = await arch('configs/Qwen__Qwen3-Next-80B-A3B-Instruct.json');
    assert.equal(a.flags.linear_attention_hybrid, true);
    assert.equal(a.flags.output_gate, true);
    assert.equal(a.flags.partial_rotary, 0.25);
    assert.equal(a.flags.shared_expert_gate, true);
    assert.equal(pattern(a, (l) => (l.attention.kind === 'gated_deltanet' ? 'L' : 'F')), 'LLLF'.repeat(12));
    assert.equal(a.units.find((u) => u.id === 'layers.linear_attn')!.repeat, 36);
    assert.equal(a.units.find((u) => u.id === 'layers.attn')!.repeat, 12);
  });

  test('DeepSeek-V3: MLA, dense prefix of 3, shared expert, router bias, MTP', async () => {
    const a = await arch('configs/deepseek-ai__DeepSeek-V3.json');
    assert.equal(a.flags.dense_prefix, true);
    assert.equal(pattern(a, (l) => (l.ffn.kind === 'moe' ? 'M' : 'D')).slice(0, 5), 'DDDMM');
    assert.equal(a.flags.shared_experts, true);
    assert.equal(a.flags.router_bias, true);
    assert.equal(a.flags.mtp, true);
    assert.equal(a.mtp_layers.length, 1);
    assert.equal(a.units.find((u) => u.id === 'layers.ffn')!.repeat, 3);
    assert.equal(a.units.find((u) => u.id === 'layers.experts')!.repeat, 58);
    const mla = a.units.find((u) => u.id === 'layers.attn')!;
    assert.equal(mla.name, 'Multi-head Latent Attention');
    assert.deepEqual(mla.parts.map((p) => p.name), ['q_a_proj', 'q_a_layernorm', 'q_b_proj', 'kv_a_proj_with_mqa', 'kv_a_layernorm', 'kv_b_proj', 'o_proj']);
  });

  test('DeepSeek-V2-Lite: q_lora_rank null means a plain q projection; invented head_dim ignored', async () => {
    const a = await arch('configs/deepseek-ai__DeepSeek-V2-Lite-Chat.transformers-rendered.json');
    assert.equal(a.units.find((u) => u.id === 'layers.attn')!.parts[0]!.name, 'q_proj');
    assert.equal(a.flags.router_bias, false, 'greedy routing has no selection bias');
    assert.ok(a.notes.some((n) => /head_dim \(64\) is ignored/.test(n)));
  });

  test('DeepSeek-V4-Flash: hyper-connections, compressor, indexer, hash routing, grouped output', async () => {
    const a = await arch('configs/deepseek-ai__DeepSeek-V4-Flash.json');
    for (const flag of ['hyper_connections', 'compressor', 'indexer', 'hash_routing', 'grouped_output', 'attention_sinks', 'sliding_window', 'mtp'] as const) {
      assert.equal(a.flags[flag], true, flag);
    }
    assert.deepEqual(a.layers.slice(0, 6).map((l) => l.attention.compress_ratio), [0, 0, 4, 128, 4, 128]);
    assert.equal(a.layers[42]!.attention.compress_ratio, 4, 'the trailing 0 of compress_ratios belongs to the MTP block');
    assert.deepEqual(a.layers.map((l) => l.attention.indexer).filter(Boolean).length, 21);
    assert.equal(pattern(a, (l) => (l.ffn.routing === 'hash' ? 'H' : 'S')).slice(0, 5), 'HHHSS');
    assert.equal(a.mtp_layers[0]!.attention.compress_ratio, 0);
    assert.equal(a.mtp_layers[0]!.ffn.routing, 'score');
  });

  test('GPT-2 and OPT: learned positions, LayerNorm with bias, MLP with biases, tied', async () => {
    const g = await arch('configs/openai-community__gpt2.json');
    assert.equal(g.flags.learned_positions, true);
    assert.equal(g.flags.norm_kind, 'layernorm');
    assert.equal(g.flags.ffn_kind, 'mlp');
    assert.equal(g.dims['d_ff']!.value, 3072);
    assert.ok(g.notes.some((n) => /n_inner is absent/.test(n)));
    const o = await arch('configs/facebook__opt-125m.json');
    assert.equal(o.units.find((u) => u.id === 'pos_embed')!.formula_text, '(P + 2)·d');
  });

  test('MiniMax-M2: QK-norm over the whole projection, rotary_dim as partial rope, declared MTP not counted', async () => {
    const a = await arch('extra/MiniMaxAI__MiniMax-M2.reconstructed.json');
    assert.equal(a.flags.qk_norm, 'full');
    assert.equal(a.flags.partial_rotary, 0.5);
    assert.equal(a.flags.router_bias, true);
    assert.equal(a.flags.mtp, false);
    assert.ok(a.notes.some((n) => /MTP modules .* not counted/.test(n)));
    assert.equal(a.units.find((u) => u.id === 'layers.qk_norm')!.param_count, 48 * 128 + 8 * 128);
  });

  test('Falcon: MQA, parallel attention with one shared LayerNorm (7B) or two (40B), ALiBi (RW-1B)', async () => {
    const f7 = await arch('extra/tiiuae__falcon-7b.remote-code.json');
    assert.equal(f7.flags.parallel_attention, true);
    assert.equal(f7.flags.norm_placement, 'shared');
    assert.equal(f7.dims['H_kv']!.value, 1);
    assert.equal(f7.units.find((u) => u.id === 'layers.attn')!.name, 'Multi-query attention');
    assert.deepEqual(f7.units.filter((u) => u.family === 'norm' && u.scope === 'layers').map((u) => u.id), ['layers.attn_norm']);
    const f40 = await arch('extra/tiiuae__falcon-40b.transcribed.json');
    assert.equal(f40.family, 'gqa');
    assert.equal(f40.units.filter((u) => u.family === 'norm' && u.scope === 'layers').length, 2);
    const rw = await arch('extra/tiiuae__falcon-rw-1b.transcribed.json');
    assert.equal(rw.flags.alibi, true);
    assert.ok(rw.layers.every((l) => !l.attention.rope));
    assert.equal(rw.flags.parallel_attention, false);
  });
});
