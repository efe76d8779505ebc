/**
 * Model-type recipes and dispatch: which recipe a config is read by (model_type in any case,
 * architectures where model_type is missing or names an unrelated model), MoE layouts read through
 * one reader, and whole-checkpoint totals against the Hub's (checkpoints.json).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { archFromConfig, extract } from '../src/extract.js';
import { HfArchError } from '../src/errors.js';
import type { ArchJson } from '../src/schema/arch-json.js';
import { loadedConfig } from '../src/source/loaded.js';
import { fixture, fixturePath } from './helpers/fixtures.js';

type Config = Record<string, unknown>;
const load = (name: string) => JSON.parse(fixture(name)) as Config;

function fromConfig(config: Config): ArchJson {
  const bytes = new TextEncoder().encode(JSON.stringify(config));
  return archFromConfig(loadedConfig({ bytes, source: 'c.json', display: 'c.json', kind: 'local', repo: null, revision: null, commit: null, path: null, from_cache: false, warnings: [] }));
}

function refusal(config: Config): HfArchError {
  try {
    fromConfig(config);
  } catch (error) {
    assert.ok(error instanceof HfArchError, String(error));
    return error;
  }
  assert.fail('the config was accepted');
}

const llama = () => load('configs/meta-llama__Meta-Llama-3-8B-Instruct.json');

describe('dispatch', () => {
  test('a model_type in another letter case is read as the known type, with a note', () => {
    const plain = fromConfig(llama());
    const cased = fromConfig({ ...llama(), model_type: 'Llama' });
    assert.equal(cased.model.model_type, 'llama');
    assert.equal(cased.totals.params_main, plain.totals.params_main);
    assert.ok(cased.notes.some((n) => n.includes('model_type "Llama" is read as "llama"')));
  });

  test('a config without model_type is read by its architectures class', () => {
    const { model_type: _t, ...bare } = llama();
    const a = fromConfig(bare);
    assert.equal(a.model.model_type, 'llama');
    assert.equal(a.totals.params_main, fromConfig(llama()).totals.params_main);
    assert.ok(a.notes.some((n) => n.includes('model_type is absent: read as "llama", the type of architectures "LlamaForCausalLM"')));
  });

  test('a model_type naming an unrelated transformers model is decided by architectures: Grok-2 says "git"', () => {
    const grok = load('configs/xai-org__grok-2.json');
    const a = fromConfig(grok);
    assert.equal(a.model.model_type, 'grok');
    assert.ok(a.notes.some((n) => n.includes('model_type "git" is an unrelated transformers model: read as "grok"')));
    // A class this tool knows but cannot describe is refused by name.
    const e = refusal({ ...grok, architectures: ['LongcatFlashForCausalLM'] });
    assert.equal(e.location.field, 'architectures');
    assert.match(e.message, /"LongcatFlashForCausalLM", which is longcat_flash: model_type "git" is an unrelated transformers model/);
    // A known model_type wins over its architectures, as in transformers.
    assert.equal(fromConfig({ ...llama(), architectures: ['Grok1ForCausalLM'] }).model.model_type, 'llama');
  });

  test('Grok-2: every layer a MoE with a dense MLP beside it (residual_moe), soft-capped logits, GELU', async () => {
    const { arch } = await extract(fixturePath('configs/xai-org__grok-2.json'));
    assert.ok(arch.layers.every((l) => l.ffn.kind === 'moe' && l.ffn.residual));
    assert.equal(arch.units.find((u) => u.id === 'layers.residual_ffn')!.param_count, 3 * 8192 * 32768);
    assert.deepEqual([arch.flags.attn_softcap, arch.flags.final_softcap, arch.flags.ffn_kind], [30, 50, 'geglu']);
    const off = fromConfig({ ...load('configs/xai-org__grok-2.json'), residual_moe: false });
    assert.equal(arch.totals.params_main - off.totals.params_main, 64 * 3 * 8192 * 32768);
  });

  test('LongCat-Flash has no model_type: refused by its class, not as a config without one', () => {
    const e = refusal({ architectures: ['LongcatFlashForCausalLM'], hidden_size: 6144 });
    assert.equal(e.code, 'unsupported-model-type');
    assert.match(e.message, /LongcatFlashForCausalLM.*model_type is absent/);
  });

  test('an unknown wrapper whose text_config has no model_type is refused by the wrapper type', () => {
    const e = refusal({ model_type: 'acme_mm_model', text_config: { hidden_size: 4096 }, vision_config: {} });
    assert.equal(e.code, 'unsupported-model-type');
    assert.equal(e.location.field, 'model_type');
    assert.match(e.message, /"acme_mm_model"/);
  });

  test('model types are looked up as own keys: "toString" and "__proto__" are ordinary unknown types, whatever architectures says', () => {
    for (const t of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'ToString']) {
      const e = refusal({ ...llama(), model_type: t, architectures: [t] });
      assert.equal(e.code, 'unsupported-model-type', t);
    }
  });
});

describe('MoE layouts through one reader', () => {
  test('GLM-4.5: a dense prefix of first_k_dense_replace layers, the rest MoE with a shared expert and selection bias', async () => {
    const { arch } = await extract(fixturePath('configs/zai-org__GLM-4.5.json'));
    const moe = arch.layers.map((l) => l.ffn.kind === 'moe');
    assert.deepEqual(moe.slice(0, 4), [false, false, false, true]);
    assert.equal(moe.filter(Boolean).length, 89);
    assert.equal(arch.mtp_layers[0]!.ffn.kind, 'moe');
    assert.ok(arch.flags.shared_experts && arch.flags.router_bias && arch.flags.dense_prefix);
    assert.equal(arch.flags.qk_norm, 'per_head');
    assert.equal(arch.flags.partial_rotary, 0.5);
    // q/k/v carry biases, o_proj does not.
    assert.deepEqual([arch.biases.qkv, arch.biases.o], [true, false]);
  });

  test('GLM-4.5 without use_qk_norm has no QK-norm, and first_k_dense_replace defaults to 1', () => {
    const { use_qk_norm: _q, first_k_dense_replace: _f, ...bare } = load('configs/zai-org__GLM-4.5.json');
    const a = fromConfig(bare);
    assert.equal(a.flags.qk_norm, 'none');
    assert.equal(a.layers.filter((l) => l.ffn.kind === 'dense').length, 1);
    assert.equal(a.units.find((u) => u.id === 'layers.qk_norm'), undefined);
  });
});

describe('GLM-5.2: MLA with the DSA lightning indexer', () => {
  test('an indexer on the indexer_types "full" layers and on the MTP layer; its default from index_topk_freq is the same list', async () => {
    const { arch } = await extract(fixturePath('configs/zai-org__GLM-5.2.json'));
    const own = arch.layers.filter((l) => l.attention.indexer).map((l) => l.index);
    assert.equal(own.length, 21);
    assert.deepEqual(own.slice(0, 5), [0, 1, 2, 6, 10]);
    assert.ok(arch.mtp_layers[0]!.attention.indexer);
    const unit = arch.units.find((u) => u.id === 'layers.indexer')!;
    // wq_b [H_i·d_i, r_q], wk [d_i, d], k_norm weight and bias, weights_proj [H_i, d]
    assert.equal(unit.param_count, 32 * 128 * 2048 + 128 * 6144 + 2 * 128 + 32 * 6144);
    assert.deepEqual(unit.layers, own);
    assert.deepEqual(arch.stored_copies, []);
    const { indexer_types: _t, ...bare } = load('configs/zai-org__GLM-5.2.json');
    assert.deepEqual(fromConfig(bare).layers.map((l) => l.attention.indexer), arch.layers.map((l) => l.attention.indexer));
  });

  test('an indexer needs the q latent; an unknown index_topk_pattern is refused', () => {
    const glm = load('configs/zai-org__GLM-5.2.json');
    assert.equal(refusal({ ...glm, q_lora_rank: null }).code, 'config-inconsistent');
    assert.equal(refusal({ ...glm, index_topk_pattern: 'ffss' }).code, 'unsupported-feature');
  });
});

describe('DeepSeek-V3.2: DeepSeek-V3 with the DSA indexer on every layer', () => {
  test('the reconstructed V3.2-Exp config is V3 plus 61 indexers and one in the MTP module; its checkpoint keeps V3\'s MTP copies', async () => {
    const { arch } = await extract(fixturePath('extra/deepseek-ai__DeepSeek-V3.2-Exp.reconstructed.json'));
    const v3 = (await extract(fixturePath('configs/deepseek-ai__DeepSeek-V3.json'))).arch;
    // wq_b [64·128, 1536], wk [128, 7168], k_norm weight and bias, weights_proj [64, 7168]
    const indexer = 64 * 128 * 1536 + 128 * 7168 + 2 * 128 + 64 * 7168;
    assert.equal(arch.totals.params_main, v3.totals.params_main + 61 * indexer);
    assert.equal(arch.totals.params, v3.totals.params + 62 * indexer);
    assert.equal(arch.totals.checkpoint_params, v3.totals.checkpoint_params! + 62 * indexer);
    assert.ok(arch.layers.every((l) => l.attention.indexer));
  });
});

describe('Hy4: gated MLA with sinks, the DSA indexer and independent hyper-connections', () => {
  test('iHC mixers of 2·n_hc outputs on every main layer and none in the MTP module; the gate and sinks in the attention', async () => {
    const { arch } = await extract(fixturePath('configs/tencent__Hy4-preview.json'));
    assert.equal(arch.flags.hc_variant, 'independent');
    const unit = (id: string) => arch.units.find((u) => u.id === id);
    // hc_fn [2·4, 4·6144], hc_base [8], hc_scale [2]
    for (const id of ['layers.hc_attn', 'layers.hc_ffn']) assert.deepEqual([unit(id)!.param_count, unit(id)!.repeat], [8 * 4 * 6144 + 8 + 2, 78]);
    assert.equal(unit('hc_head')!.param_count, 4 * 4 * 6144 + 4 + 1);
    assert.deepEqual(arch.units.filter((u) => u.scope === 'mtp' && u.family === 'hyper_connection'), []);
    const mla = 6144 * 2048 + 2048 + 2048 * 64 * 256 + 6144 * (512 + 64) + 512 + 512 * 64 * (192 + 256) + 64 * 256 * 6144;
    // gate_proj [H·d_v, d] and sinks [H]
    assert.equal(unit('layers.attn')!.param_count, mla + 6144 * 64 * 256 + 64);
    assert.equal(unit('layers.indexer')!.repeat, 21);
    assert.ok(arch.mtp_layers[0]!.attention.indexer);
    assert.deepEqual(arch.stored_copies, []);
  });

  test('HYV4Config defaults: its indexer_types rule, one dense layer; the gate and sinks exist whatever gated_mla and learnable_sink say', () => {
    const hy = load('configs/tencent__Hy4-preview.json');
    const { indexer_types: _t, mlp_layer_types: _m, ...bare } = hy;
    const a = fromConfig(bare);
    const b = fromConfig(hy);
    assert.deepEqual(a.layers.map((l) => l.attention.indexer), b.layers.map((l) => l.attention.indexer));
    assert.equal(a.layers.filter((l) => l.ffn.kind === 'dense').length, 1);
    // HYV4Attention builds linear_gate and sinks unconditionally: the count stays, a note says so.
    const off = fromConfig({ ...hy, gated_mla: false, learnable_sink: false });
    assert.equal(off.totals.params, b.totals.params);
    assert.equal(off.notes.filter((n) => n.includes('still has its')).length, 2);
    assert.equal(refusal({ ...hy, enable_ihc: false }).location.field, 'enable_ihc');
  });

  test('a gating, an attention kind or a switch it does not know is refused at its field', () => {
    const hy = load('configs/tencent__Hy4-preview.json');
    const gating = refusal({ ...hy, gating_type: 'headwise' });
    assert.deepEqual([gating.code, gating.location.field], ['unsupported-feature', 'gating_type']);
    assert.equal(refusal({ ...hy, use_mla: false }).location.field, 'use_mla');
    const kinds = refusal({ ...hy, layer_types: Array.from({ length: 78 }, (_, i) => (i === 3 ? 'full_attention' : 'deepseek_sparse_attention')) });
    assert.match(kinds.location.field ?? '', /layer_types/);
  });
});

describe('LongCat-Flash-Lite: two sub-layers and a shortcut MoE per layer, n-gram embeddings, an undeclared MTP module', () => {
  test('read by its architectures class; every block of both sub-layers once per layer; the router scores identity experts too', async () => {
    const { arch } = await extract(fixturePath('configs/meituan-longcat__LongCat-Flash-Lite.json'));
    assert.equal(arch.model.model_type, 'longcat_flash_ngram');
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    for (const id of ['layers.attn', 'layers.attn2', 'layers.ffn', 'layers.ffn2', 'layers.router', 'layers.experts']) assert.equal(unit(id).repeat, 14, id);
    // classifier [E + Z, d] and e_score_correction_bias [E + Z]: the F32 bucket of the checkpoint, 16,520,448
    assert.equal(unit('layers.router').param_count, (256 + 128) * 3072 + 384);
    assert.equal(unit('layers.router').total, 16_520_448);
    // 12 tables of 78·V + 2i + 1 rows, 256 wide; 12 projections [3072, 256]
    assert.equal(unit('ngram_embed').param_count, Array.from({ length: 12 }, (_, i) => (78 * 131072 + 2 * i + 1) * 256).reduce((a, b) => a + b));
    assert.equal(unit('ngram_proj').param_count, 12 * 256 * 3072);
    assert.equal(arch.totals.active_params_non_embedding, arch.totals.active_params - unit('embed').total - unit('ngram_embed').total);
    // two MLA latents (512 + 64) per layer, bf16
    assert.equal(arch.totals.kv_cache_bytes_per_token, 14 * 2 * 576 * 2);
    // the MTP module the config does not declare, with its own embedding
    assert.equal(arch.totals.params, arch.totals.params_main);
    assert.equal(arch.stored_mtp!.reduce((a, u) => a + u.total, 0), 108_217_344);
    assert.deepEqual(arch.stored_copies!.map((c) => [c.id, c.total]), [['mtp.embed_tokens', 131072 * 3072]]);
  });

  test('an unknown expert kind, a wrong sub-layer count, too many experts per token or tables that do not divide the width are refused at their field', () => {
    const lc = load('configs/meituan-longcat__LongCat-Flash-Lite.json');
    const at = (patch: Config) => refusal({ ...lc, ...patch }).location.field;
    assert.equal(at({ zero_expert_type: 'zero' }), 'zero_expert_type');
    assert.equal(at({ num_hidden_layers: 14 }), 'num_hidden_layers');
    assert.equal(at({ moe_topk: 400 }), 'moe_topk');
    assert.equal(at({ emb_split_num: 5 }), 'emb_split_num');
    assert.equal(fromConfig({ ...lc, num_hidden_layers: 28 }).totals.params_main, fromConfig(lc).totals.params_main);
  });
});

describe('Inkling: relative-position logits, short convs, shared experts in the router, 8 MTP depths, hMLP and dmel towers', () => {
  test('the sliding layers\' geometry, the router rows of the shared experts, the MTP depths of mtp_config, the towers', async () => {
    const { arch } = await extract(fixturePath('configs/thinkingmachines__Inkling.json'));
    const unit = (id: string) => [...arch.units, ...arch.towers!].find((u) => u.id === id)!;
    const [d, drel, K] = [6144, 16, 4];
    // q, k, v, o, r_proj, rel_logits_proj over the extent, k/v short convs (QK-norm apart)
    const attn = (H: number, Hkv: number, X: number) => 2 * d * H * 128 + 2 * d * Hkv * 128 + d * H * drel + drel * X + 2 * Hkv * 128 * K;
    assert.deepEqual([unit('layers.attn').param_count, unit('layers.attn').repeat], [attn(64, 8, 1024), 11]);
    assert.deepEqual([unit('layers.attn.swa').param_count, unit('layers.attn.swa').repeat], [attn(64, 16, 512), 55]);
    // gate.weight [E + n_s, d], global_scale, e_score_correction_bias [E]
    assert.equal(unit('layers.router').param_count, (256 + 2) * d + 1 + 256);
    assert.equal(unit('layers.ffn').param_count, 3 * d * 24576 + 1);
    assert.equal(unit('layers.attn_sconv').param_count, d * K);
    // 8 MTP depths, sliding where mtp_config.local_layer_ids says; input_proj and two norms each
    assert.equal(arch.mtp_layers.length, 8);
    assert.deepEqual(arch.mtp_layers.map((l) => l.attention.window !== null), [true, false, true, false, true, true, true, true]);
    assert.equal(unit('mtp.proj').param_count, 2 * d * d + 2 * d);
    assert.ok(arch.mtp_layers.every((l) => l.ffn.kind === 'dense'));
    // hMLP: 75 → 128, 512 → 320, 5,120 → 4,800, 9,600 → 6,144, three norms and a final norm
    assert.equal(unit('tower.vision').param_count, 75 * 128 + 128 + 512 * 320 + 320 + 5120 * 4800 + 4800 + 9600 * d + d);
    assert.equal(unit('tower.audio').param_count, 80 * 16 * d + d);
  });

  test('a chain norm, another vision or audio kind, biased projections, a logit cap or a repeated layer id are refused at their field', () => {
    const ink = load('configs/thinkingmachines__Inkling.json') as Config & { text_config: Config; vision_config: Config; audio_config: Config; mtp_config: Config };
    const at = (c: Config) => refusal(c).location.field;
    assert.equal(at({ ...ink, mtp_config: { ...ink.mtp_config, chain_hidden_post_norm: true } }), 'mtp_config.chain_hidden_post_norm');
    assert.equal(at({ ...ink, vision_config: { ...ink.vision_config, vision_encoder_type: 'vit' } }), 'vision_config.vision_encoder_type');
    assert.equal(at({ ...ink, audio_config: { ...ink.audio_config, audio_mode: 'whisper' } }), 'audio_config.audio_mode');
    assert.equal(at({ ...ink, text_config: { ...ink.text_config, q_bias: true } }), 'text_config.q_bias');
    assert.equal(at({ ...ink, text_config: { ...ink.text_config, final_logit_softcapping: 30 } }), 'text_config.final_logit_softcapping');
    assert.equal(at({ ...ink, text_config: { ...ink.text_config, local_layer_ids: [0, 0, 1] } }), 'text_config.local_layer_ids');
    assert.equal(at({ ...ink, vision_config: { ...ink.vision_config, decoder_dmodel: 4096 } }), 'vision_config.decoder_dmodel');
  });
});

describe('Qwen4-exp (Qwen3.8-Flash-Next): gated-residual hyper-connections, a QSA indexer, an n-gram memory', () => {
  test('no layer norms, gated-residual mixers in every layer and the MTP block, the n-gram table from the primes, its int64 constants stored', async () => {
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3.8-Flash-Next.json'));
    const unit = (id: string) => arch.units.find((u) => u.id === id);
    const [d, hc, r] = [2560, 4, 320];
    assert.equal(arch.flags.hc_variant, 'gated_residual');
    assert.equal(arch.flags.norm_placement, 'none');
    assert.equal(unit('layers.attn_norm'), undefined);
    assert.equal(unit('final_norm'), undefined);
    // hc_norm [hc·d], input_mix_weight_down and _up [r, hc·d], block_inject_weight [hc, hc·d]
    assert.equal(unit('layers.hc_attn')!.param_count, hc * d + 2 * r * hc * d + hc * hc * d);
    assert.equal(unit('hc_head')!.param_count, hc * d + 2 * r * hc * d);
    assert.equal(unit('mtp.hc_ffn')!.param_count, unit('layers.hc_ffn')!.param_count);
    // index_qk_proj [(4 + 1)·128, d], q_layernorm and k_layernorm [128], on the 12 full-attention layers and the MTP block
    assert.deepEqual([unit('layers.indexer')!.param_count, unit('layers.indexer')!.repeat], [5 * 128 * d + 2 * 128, 12]);
    assert.ok(arch.mtp_layers[0]!.attention.indexer);
    // 320,001,536 rows (the first 16 primes after 20,000,000, summed and rounded up to 128) × 160
    assert.deepEqual(arch.layers.filter((l) => l.ngram_memory).map((l) => l.index), [1]);
    assert.equal(unit('layers.ngram_table')!.param_count, 320_001_536 * 160);
    assert.equal(arch.totals.active_params_non_embedding, arch.totals.active_params - unit('embed')!.total - unit('layers.ngram_table')!.total);
    assert.deepEqual(arch.stored_copies!.map((c) => [c.id, c.total, c.layers]), [['layers.ngram_hash_constants', 35, [1]]]);
  });

  test('more than one n-gram layer, several indexer key heads or an MTP that disagrees are refused at their field', () => {
    const q = load('configs/Qwen__Qwen3.8-Flash-Next.json') as Config & { text_config: Config & { mtp: Config } };
    const at = (t: Config) => refusal({ ...q, text_config: { ...q.text_config, ...t } }).location.field;
    assert.equal(at({ ple_layer_ids: [2, 10] }), 'text_config.ple_layer_ids');
    assert.equal(at({ indexer_kv_heads: 2 }), 'text_config.indexer_kv_heads');
    assert.equal(at({ mtp: { ...q.text_config.mtp, num_hidden_layers: 2 } }), 'text_config.mtp.num_hidden_layers');
    assert.equal(at({ ple_embed_dim: 2561 }), 'text_config.ple_embed_dim');
  });
});

describe('DeepSeek-V4.1: one shared compressed cache, indexers on some layers, Engram memories, the DSpark draft', () => {
  test('compressors and index keys only on the KV sources, the other layers read them; Engram tables; DSpark blocks and heads; no head mixer', async () => {
    const { arch } = await extract(fixturePath('configs/deepseek-ai__DeepSeek-V4.1-Flash.snapshot-trimmed.json'));
    const unit = (id: string) => arch.units.find((u) => u.id === id);
    const [d, hd] = [5120, 512];
    // wkv and wgate [512, d] and a norm at ratio 2 (layers 2, 8, 14); at ratio 1 (layer 20) no gate
    assert.deepEqual([unit('layers.compressor.r2')!.param_count, unit('layers.compressor.r2')!.layers], [2 * hd * d + hd, [2, 8, 14]]);
    assert.deepEqual([unit('layers.compressor.r1')!.param_count, unit('layers.compressor.r1')!.layers], [hd * d + hd, [20]]);
    // wq_b [32·128, 1280], weights_proj [32, d]; the KV sources add wk [128, 512] and k_norm
    assert.deepEqual(unit('layers.indexer')!.layers, [2, 8, 14, 20]);
    assert.equal(unit('layers.indexer')!.param_count - unit('layers.indexer.reads_keys')!.param_count, 128 * hd + 128);
    assert.deepEqual(unit('layers.indexer.reads_keys')!.layers, [24, 28, 32, 36]);
    assert.deepEqual([unit('layers.engram_table.0')!.param_count, unit('layers.engram_table.1')!.param_count], [384_006_168 * 256, 384_016_682 * 256]);
    assert.equal(unit('hc_head'), undefined);
    // The DSpark blocks route among 128 experts; the heads are stored once.
    assert.equal(unit('mtp.router')!.param_count, 128 * d + 2 * 128);
    assert.equal(unit('layers.router')!.param_count, 384 * d + 2 * 384);
    assert.equal(unit('mtp.dspark_out')!.param_count, d + 2 * 129280 * 256 + d + 256);
    // bf16: the two window-only layers' latents, and the cache the four KV sources write (with their index keys)
    assert.equal(arch.totals.kv_cache_bytes_per_token, (2 * hd + 3 * (hd + 128) / 2 + (hd + 128)) * 2);
    assert.equal(arch.totals.params_main, 748_494_684_784);
  });

  test('a compressed layer without a source of its ratio, a source without compression, a compressed DSpark block or a second KV head are refused at their field', () => {
    const v = load('configs/deepseek-ai__DeepSeek-V4.1-Flash.snapshot-trimmed.json') as Config & { text_config: Config & { compress_ratios: number[] } };
    const at = (t: Config) => refusal({ ...v, text_config: { ...v.text_config, ...t } }).location.field;
    const ratios = (i: number, x: number) => v.text_config.compress_ratios.map((r, k) => (k === i ? x : r));
    assert.equal(at({ kv_source_layer_ids: [8, 14, 20] }), 'text_config.compress_ratios[2]');
    assert.equal(at({ compress_ratios: ratios(2, 0) }), 'text_config.compress_ratios[2]');
    assert.equal(at({ compress_ratios: ratios(41, 2) }), 'text_config.compress_ratios[41]');
    assert.equal(at({ num_key_value_heads: 2 }), 'text_config.num_key_value_heads');
  });
});

describe('Motif-3: grouped differential latent attention, mHC with split projections, PolyNorm MLPs', () => {
  test('read from model_type "Motif"; GDLA with K/V for 16 heads and the output over 64 signal heads; mHC none in the MTP module', async () => {
    const { arch } = await extract(fixturePath('configs/Motif-Technologies__Motif-3-Beta.json'));
    assert.equal(arch.model.model_type, 'motif');
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    const [d, rq, rkv, Hs] = [4096, 1024, 512, 64];
    // wq_a, q_norm, wq_b [80·192, rq], wq_b_gate [64·128, rq], wkv_a [512 + 64, d], kv_norm, wkv_b [16·256, rkv], lambda_proj [64, d], wo [d, 64·128]
    assert.equal(unit('layers.attn').param_count, d * rq + rq + rq * 80 * 192 + rq * Hs * 128 + d * (rkv + 64) + rkv + rkv * 16 * 256 + d * Hs + Hs * 128 * d);
    // proj_pre, proj_post [4, 4d], proj_res [16, 4d], rms_norm [4d], biases 4 + 4 + 16, three alphas
    assert.equal(unit('layers.hc_attn').param_count, 2 * 4 * 4 * d + 16 * 4 * d + 4 * d + 24 + 3);
    assert.equal(arch.units.filter((u) => u.scope === 'mtp' && u.family === 'hyper_connection').length, 0);
    assert.equal(unit('hc_head' as string), undefined);
    // PolyNorm: weight [3] and bias [1] in every MLP and expert
    assert.equal(unit('layers.ffn').param_count, 3 * d * 12288 + 4);
    assert.equal(unit('layers.experts').param_count, 384 * (3 * d * 1280 + 4));
    // every 4th layer global, the others a 128-token window (the GGUF converter's reading)
    assert.deepEqual(arch.layers.filter((l) => l.attention.window === null).map((l) => l.index).slice(0, 3), [3, 7, 11]);
    assert.equal(unit('mtp.proj').param_count, 2 * d * d + 2 * d);
  });

  test('another attention class, a second KV-ratio or noise heads that do not divide the signal heads are refused at their field', () => {
    const m = load('configs/Motif-Technologies__Motif-3-Beta.json');
    assert.equal(refusal({ ...m, attention_cls: 'mha' }).location.field, 'attention_cls');
    assert.equal(refusal({ ...m, k_ratio: 2 }).location.field, 'k_ratio');
    assert.equal(refusal({ ...m, num_noise_heads: 30 }).location.field, 'num_noise_heads');
    assert.equal(refusal({ ...m, mhc_enabled: false }).location.field, 'mhc_enabled');
  });
});

describe('LFM2 and LFM2-MoE: gated short convolutions beside GQA layers', () => {
  test('the conv layers: in_proj [3d, d], a depthwise conv of conv_L_cache taps, out_proj; the MLP width adjusted as Lfm2MLP does', async () => {
    const { arch } = await extract(fixturePath('configs/LiquidAI__LFM2.5-350M.json'));
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    assert.deepEqual([unit('layers.conv').param_count, unit('layers.conv').repeat], [4 * 1024 * 1024 + 3 * 1024, 10]);
    // int(2·6656/3) = 4437, × 1.0, rounded up to a multiple of 256: 4608
    assert.equal(arch.dims['d_ff']!.value, 4608);
    assert.equal(unit('layers.ffn').param_count, 3 * 1024 * 4608);
    assert.ok(arch.flags.tied_embeddings, 'tie_embedding');
    // only the 6 attention layers cache: 8 KV heads × 64, K and V, bf16
    assert.equal(arch.totals.kv_cache_bytes_per_token, 6 * 2 * 8 * 64 * 2);
    const moe = (await extract(fixturePath('configs/LiquidAI__LFM2.5-8B-A1B.json'))).arch;
    // gate [32, d] and the expert bias [32]: the checkpoint's F32 bucket is 22 × 32
    assert.deepEqual([moe.units.find((u) => u.id === 'layers.router')!.param_count, moe.units.find((u) => u.id === 'layers.router')!.repeat], [32 * 2048 + 32, 22]);
  });

  test('a layer kind it does not know, convolution biases or MLP sizes that disagree are refused at their field', () => {
    const l = load('configs/LiquidAI__LFM2.5-350M.json') as Config & { layer_types: string[] };
    assert.equal(refusal({ ...l, layer_types: l.layer_types.map((t, i) => (i === 0 ? 'mamba' : t)) }).location.field, 'layer_types[0]');
    assert.equal(refusal({ ...l, conv_bias: true }).location.field, 'conv_bias');
    assert.equal(refusal({ ...l, block_ff_dim: 4096 }).location.field, 'block_ff_dim');
    assert.equal(refusal({ ...l, block_dim: 2048 }).location.field, 'block_dim');
  });
});

describe('DeepSeek-V4-Flash 0731: DSpark draft blocks in place of the MTP module', () => {
  test('the dspark_* fields make the draft blocks DeepSeek-V4.1\'s: a MoE of their own, no compressor, heads stored once', () => {
    const rec = load('extra/deepseek-ai__DeepSeek-V4-Flash-0731.reconstructed.json');
    const a = fromConfig(rec);
    const v4 = fromConfig(load('configs/deepseek-ai__DeepSeek-V4-Flash.json'));
    assert.equal(a.totals.params_main, v4.totals.params_main, 'the draft is outside the decoder');
    const unit = (id: string) => a.units.find((u) => u.id === id);
    assert.equal(unit('mtp.experts')!.param_count, 128 * 3 * 4096 * 2048);
    assert.equal(unit('mtp.experts')!.repeat, 3);
    assert.ok(unit('mtp.dspark_in') && unit('mtp.dspark_out'));
    assert.ok(v4.units.some((u) => u.id === 'mtp.proj'));
    assert.equal(unit('mtp.proj'), undefined, 'no per-block projection: DSpark stores its heads once');
    assert.ok(!a.units.some((u) => u.scope === 'mtp' && u.id.startsWith('mtp.compressor')));
    assert.ok(a.notes.some((n) => n.startsWith('DSpark draft: 3 blocks')));
  });

  test('DeepSeek-V4.1 without draft blocks still accepts the DSpark runtime fields, as before models/dspark.ts', () => {
    const v41 = load('configs/deepseek-ai__DeepSeek-V4.1-Flash.snapshot-trimmed.json') as Config & { text_config: Config & { compress_ratios: number[]; num_hidden_layers: number } };
    const t = v41.text_config;
    const { dspark_n_routed_experts: _e, dspark_num_experts_per_tok: _k, dspark_target_layer_ids: _t, dspark_markov_rank: _m, ...rest } = t;
    const none = fromConfig({ ...v41, text_config: { ...rest, num_nextn_predict_layers: 0, compress_ratios: t.compress_ratios.slice(0, t.num_hidden_layers) } });
    assert.ok(none.totals.params_main > 0);
    assert.ok(!none.units.some((u) => u.scope === 'mtp'));
  });

  test('a draft block with a compressed cache, or a DSpark MoE wider than its experts, is refused at its field', () => {
    const rec = load('extra/deepseek-ai__DeepSeek-V4-Flash-0731.reconstructed.json') as Config & { compress_ratios: number[] };
    const ratios = [...rec.compress_ratios];
    ratios[ratios.length - 1] = 4;
    assert.equal(refusal({ ...rec, compress_ratios: ratios }).location.field, `compress_ratios[${ratios.length - 1}]`);
    assert.equal(refusal({ ...rec, dspark_num_experts_per_tok: 200 }).location.field, 'dspark_num_experts_per_tok');
  });
});

describe('Jamba: Mamba mixers beside attention every 8th layer, MoE every other layer', () => {
  test('the Mamba mixer: in_proj [2·d_in, d], conv1d with its bias, x_proj to Δ, B, C with their RMSNorms, dt_proj with its bias, A_log, D, out_proj', async () => {
    const { arch } = await extract(fixturePath('configs/ai21labs__Jamba-v0.1.json'));
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    const [d, din, N, K, r] = [4096, 8192, 16, 4, 256];
    const mamba = 2 * d * din + din * K + din + din * (r + 2 * N) + r * din + din + din * N + din + din * d + r + 2 * N;
    assert.deepEqual([unit('layers.mamba').param_count, unit('layers.mamba').repeat], [mamba, 28]);
    assert.equal(unit('layers.mamba').param_count, 105_308_448);
    assert.equal(unit('layers.attn').repeat, 4);
    assert.equal(unit('layers.experts').repeat, 16);
    assert.equal(unit('layers.ffn').repeat, 16);
    // attention on layers 4, 12, 20, 28; MoE on the odd layers
    assert.deepEqual(arch.layers.filter((l) => l.attention.kind !== 'mamba').map((l) => l.index), [4, 12, 20, 28]);
    assert.deepEqual(arch.layers.filter((l) => l.ffn.kind === 'moe').map((l) => l.index).slice(0, 3), [1, 3, 5]);
    // only the attention layers cache: 4 × K and V × 8 heads × 128, bf16
    assert.equal(arch.totals.kv_cache_bytes_per_token, 4 * 2 * 8 * 128 * 2);
  });

  test('fields left out take JambaConfig\'s defaults, named in the notes; mamba_dt_rank "auto" is ceil(d / 16)', () => {
    const full = load('configs/ai21labs__Jamba-v0.1.json');
    const bare = { ...full };
    for (const k of ['num_key_value_heads', 'num_experts', 'num_experts_per_tok', 'expert_layer_period', 'expert_layer_offset', 'attn_layer_period', 'attn_layer_offset', 'mamba_d_state', 'mamba_d_conv', 'mamba_expand', 'mamba_conv_bias', 'mamba_proj_bias']) delete bare[k];
    bare['mamba_dt_rank'] = 'auto';
    const a = fromConfig(bare);
    assert.equal(a.totals.params_main, 51_570_323_328);
    assert.ok(a.notes.some((n) => n.includes('attn_layer_period is absent')), a.notes.join('\n'));
    // 4,104 / 16 = 256.5: the ceiling, 257
    assert.equal(fromConfig({ ...full, mamba_dt_rank: 'auto', hidden_size: 4104, num_attention_heads: 8, num_key_value_heads: 8 }).dims['r_dt']!.value, 257);
    // num_key_value_heads null: one per query head, as JambaConfig has it
    assert.equal(fromConfig({ ...full, num_key_value_heads: null }).dims['H_kv']!.value, 32);
  });

  test('the head size is hidden_size / num_attention_heads whatever head_dim says; the flags follow the layers there are', () => {
    const j = load('configs/ai21labs__Jamba-v0.1.json');
    assert.equal(refusal({ ...j, head_dim: 64 }).location.field, 'head_dim');
    assert.equal(fromConfig({ ...j, head_dim: 128 }).totals.params_main, 51_570_323_328);
    // MoE every 64th layer from 40: none in 32 layers, so no MoE anywhere
    const dense = fromConfig({ ...j, expert_layer_period: 64, expert_layer_offset: 40 });
    assert.equal(dense.flags.moe, false);
    assert.ok(!dense.units.some((u) => u.id === 'layers.experts'));
    assert.equal(dense.units.find((u) => u.id === 'layers.ffn')!.repeat, 32);
    // attention every 64th layer from 40: every layer is Mamba
    const mamba = fromConfig({ ...j, attn_layer_period: 64, attn_layer_offset: 40 });
    assert.equal(mamba.flags.nope_layers, false);
    assert.ok(!mamba.units.some((u) => u.id === 'layers.attn'));
    assert.equal(mamba.totals.kv_cache_bytes_per_token, 0);
  });

  test('projection biases, no conv bias, a window or another activation are refused at their field', () => {
    const j = load('configs/ai21labs__Jamba-v0.1.json');
    assert.equal(refusal({ ...j, mamba_proj_bias: true }).location.field, 'mamba_proj_bias');
    assert.equal(refusal({ ...j, mamba_conv_bias: false }).location.field, 'mamba_conv_bias');
    assert.equal(refusal({ ...j, sliding_window: 4096 }).location.field, 'sliding_window');
    assert.equal(refusal({ ...j, hidden_act: 'gelu' }).location.field, 'hidden_act');
    assert.equal(refusal({ ...j, attn_layer_offset: 8 }).location.field, 'attn_layer_offset');
    assert.equal(refusal({ ...j, mamba_dt_rank: 'wide' }).location.field, 'mamba_dt_rank');
  });
});

describe('Nemotron-H: one mixer per block (Mamba-2, attention, MLP or latent MoE) by hybrid_override_pattern', () => {
  const NANO = 'configs/nvidia__NVIDIA-Nemotron-3-Nano-4B-BF16.json';
  const SUPER = 'configs/nvidia__NVIDIA-Nemotron-3-Super-120B-A12B-BF16.json';
  const unitOf = (arch: ArchJson) => (id: string) => arch.units.find((u) => u.id === id)!;

  test('the Mamba-2 mixer of the Nano, tensor by tensor; one norm per block; attention without positions', async () => {
    const { arch } = await extract(fixturePath(NANO));
    const unit = unitOf(arch);
    const [d, heads, P, G, N, K] = [3136, 96, 80, 8, 128, 4];
    const din = heads * P; // 7,680: not expand · d = 6,272
    const conv = din + 2 * G * N;
    // in_proj (z, x, B, C, dt), conv1d weight and bias, dt_bias, A_log, D, the gated norm, out_proj
    const mamba2 = d * (2 * din + 2 * G * N + heads) + conv * K + conv + 3 * heads + din + din * d;
    assert.deepEqual([unit('layers.mamba2').param_count, unit('layers.mamba2').repeat], [mamba2, 21]);
    assert.deepEqual([unit('layers.attn').param_count, unit('layers.attn').repeat], [2 * d * 40 * 128 + 2 * d * 8 * 128, 4]);
    // relu2: up and down, no gate
    assert.deepEqual([unit('layers.ffn').param_count, unit('layers.ffn').repeat], [2 * d * 12544, 17]);
    assert.deepEqual([unit('layers.norm').param_count, unit('layers.norm').repeat], [d, 42]);
    assert.ok(!arch.units.some((u) => u.id === 'layers.attn_norm' || u.id === 'layers.ffn_norm'));
    // the pattern, character by character: M-M-M-MM-M-M*-…
    const kinds = arch.layers.map((l) => (l.attention.kind === 'mamba2' ? 'M' : l.attention.kind === 'softmax' ? '*' : l.ffn.kind === 'moe' ? 'E' : '-')).join('');
    assert.equal(kinds, load(NANO)['hybrid_override_pattern']);
    assert.ok(arch.layers.every((l) => (l.attention.kind === 'none') !== (l.ffn.kind === 'none')));
    assert.ok(arch.layers.every((l) => !l.attention.rope));
    // only the 4 attention blocks cache: K and V × 8 heads × 128, bf16
    assert.equal(arch.totals.kv_cache_bytes_per_token, 4 * 2 * 8 * 128 * 2);
    assert.equal(arch.dims['d_in']!.value, din);
  });

  test('the latent MoE of the Super: the router and shared expert on d, the experts in the latent; the MTP module "*E"', async () => {
    const { arch } = await extract(fixturePath(SUPER));
    const unit = unitOf(arch);
    const [d, E, k, lat, de, ds] = [4096, 512, 22, 1024, 2688, 5376];
    assert.equal(unit('layers.router').param_count, E * d + E);
    assert.equal(unit('layers.experts').param_count, E * 2 * lat * de);
    assert.equal(unit('layers.latent_proj').param_count, 2 * d * lat);
    assert.equal(unit('layers.shared_experts').param_count, 2 * d * ds);
    assert.equal(unit('layers.experts').active_param_count, k * 2 * lat * de);
    // eh_proj [d, 2d] and enorm, hnorm, final_layernorm
    assert.equal(unit('mtp.proj').param_count, 2 * d * d + 3 * d);
    assert.ok(unit('mtp.attn') && unit('mtp.experts') && unit('mtp.attn_norm') && unit('mtp.ffn_norm'));
    assert.equal(arch.totals.params - arch.totals.params_main, 2_942_325_248);
    // the Hub's BF16 total plus its F32 bucket: 41 × 512 selection biases
    assert.equal(arch.totals.checkpoint_params, 123_611_012_096 + 41 * 512);
  });

  test('layers_block_type in either naming reads like the pattern, and gives the depth when num_hidden_layers is absent; the two must agree', () => {
    const nano = load(NANO);
    const { hybrid_override_pattern: _, num_hidden_layers: _L, ...rest } = nano;
    for (const names of [
      new Map([['M', 'mamba'], ['*', 'attention'], ['-', 'mlp'], ['E', 'moe']]),
      // what transformers writes today
      new Map([['M', 'linear_attention'], ['*', 'full_attention'], ['-', 'mlp'], ['E', 'moe']]),
    ]) {
      const types = [...(nano['hybrid_override_pattern'] as string)].map((c) => names.get(c)!);
      assert.equal(fromConfig({ ...rest, num_hidden_layers: 42, layers_block_type: types }).totals.params_main, 3_973_556_832);
      const bare = fromConfig({ ...rest, layers_block_type: types });
      assert.equal(bare.totals.params_main, 3_973_556_832);
      assert.equal(bare.dims['L']!.value, 42);
    }
    const types = [...(nano['hybrid_override_pattern'] as string)].map((c) => ({ M: 'mamba', '*': 'attention', '-': 'mlp', E: 'moe' })[c]!);
    const swapped = [...types];
    [swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!];
    assert.equal(refusal({ ...nano, layers_block_type: swapped }).location.field, 'hybrid_override_pattern');
    assert.equal(refusal({ ...nano, layers_block_type: types.slice(1) }).location.field, 'layers_block_type');
  });

  test('the MTP module from mtp_layers_block_type (transformers) as from the pattern; without MTP either field is understood', () => {
    const sup = load(SUPER);
    const { mtp_hybrid_override_pattern: _, ...rest } = sup;
    assert.equal(fromConfig({ ...rest, mtp_layers_block_type: ['full_attention', 'moe'] }).totals.params, 123_611_033_088);
    assert.equal(fromConfig({ ...rest, mtp_layers_block_type: ['attention', 'moe'] }).totals.params, 123_611_033_088);
    // absent: NemotronHConfig's ['full_attention', 'moe']
    assert.equal(fromConfig(rest).totals.params, 123_611_033_088);
    assert.equal(refusal({ ...rest, mtp_layers_block_type: ['moe'] }).location.field, 'mtp_layers_block_type');
    assert.equal(refusal({ ...sup, mtp_layers_block_type: ['moe', 'full_attention'] }).location.field, 'mtp_hybrid_override_pattern');
    const none = fromConfig({ ...rest, num_nextn_predict_layers: 0, mtp_layers_block_type: ['full_attention', 'moe'] });
    assert.equal(none.totals.params, 120_668_707_840);
    // n_shared_experts absent: NemotronHConfig's 1
    const { n_shared_experts: _n, ...noShared } = sup;
    assert.equal(fromConfig(noShared).totals.params, 123_611_033_088);
  });

  test('a pattern of the wrong length or with an unknown mixer, biases, other activations, other MTP modules are refused at their field', () => {
    const nano = load(NANO);
    const sup = load(SUPER);
    const pattern = nano['hybrid_override_pattern'] as string;
    assert.equal(refusal({ ...nano, hybrid_override_pattern: pattern.slice(1) }).location.field, 'hybrid_override_pattern');
    const bad = refusal({ ...nano, hybrid_override_pattern: `${pattern.slice(0, -1)}X` });
    assert.equal(bad.location.field, 'hybrid_override_pattern');
    assert.match(bad.message, /"X" at position 41/);
    for (const field of ['use_bias', 'mlp_bias', 'attention_bias']) assert.equal(refusal({ ...nano, [field]: true }).location.field, field);
    // in_proj and out_proj read use_bias; mamba_proj_bias sizes nothing
    assert.equal(fromConfig({ ...nano, mamba_proj_bias: true }).totals.params_main, 3_973_556_832);
    assert.equal(refusal({ ...nano, use_conv_bias: false }).location.field, 'use_conv_bias');
    assert.equal(refusal({ ...nano, mlp_hidden_act: 'silu' }).location.field, 'mlp_hidden_act');
    assert.equal(refusal({ ...nano, n_groups: 7 }).location.field, 'n_groups');
    assert.equal(refusal({ ...nano, sliding_window: 4096 }).location.field, 'sliding_window');
    assert.equal(refusal({ ...sup, mtp_hybrid_override_pattern: 'ME' }).location.field, 'mtp_hybrid_override_pattern');
    assert.equal(refusal({ ...sup, num_nextn_predict_layers: 2 }).location.field, 'num_nextn_predict_layers');
    assert.equal(refusal({ ...sup, n_shared_experts: 2 }).location.field, 'n_shared_experts');
    assert.equal(refusal({ ...sup, num_experts_per_tok: 513 }).location.field, 'num_experts_per_tok');
    // the Mamba-1 fields a Nemotron-H config carries size nothing: no refusal, the same count
    assert.equal(fromConfig({ ...nano, expand: 4, time_step_rank: 8 }).totals.params_main, 3_973_556_832);
  });

  test('without a latent, the experts read the model width; without MoE blocks the MoE fields are not needed', () => {
    const sup = load(SUPER);
    const plain = fromConfig({ ...sup, moe_latent_size: null });
    assert.equal(plain.units.find((u) => u.id === 'layers.experts')!.param_count, 512 * 2 * 4096 * 2688);
    assert.ok(!plain.units.some((u) => u.id === 'layers.latent_proj'));
    const nano = load(NANO);
    assert.ok(!('n_routed_experts' in nano));
    assert.equal(fromConfig(nano).flags.moe, false);
  });
});

describe('MiniMax-Text-01: lightning attention on 7 layers of 8, GQA on the 8th, a Mixtral MoE in every layer', () => {
  const TEXT01 = 'configs/MiniMaxAI__MiniMax-Text-01.json';

  test('the lightning attention, tensor by tensor; the softmax layers by attn_type_list; no KV cache in the lightning layers', async () => {
    const { arch } = await extract(fixturePath(TEXT01));
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    const [d, H, dh, Hkv] = [6144, 64, 128, 8];
    // qkv_proj, output_gate, norm over the heads' output, out_proj (slope_rate is a buffer)
    assert.deepEqual([unit('layers.lightning_attn').param_count, unit('layers.lightning_attn').repeat], [3 * H * dh * d + H * dh * d + H * dh + H * dh * d, 70]);
    assert.deepEqual([unit('layers.attn').param_count, unit('layers.attn').repeat], [2 * d * H * dh + 2 * d * Hkv * dh, 10]);
    assert.deepEqual(arch.layers.filter((l) => l.attention.kind === 'softmax').map((l) => l.index), [7, 15, 23, 31, 39, 47, 55, 63, 71, 79]);
    assert.equal(arch.totals.kv_cache_bytes_per_token, 10 * 2 * Hkv * dh * 2);
    assert.equal(arch.flags.partial_rotary, 0.5);
    assert.equal(arch.flags.residual_after_norm, true);
    assert.ok(arch.notes.some((n) => n.includes('α 3.557')), arch.notes.join('\n'));
  });

  test('transformers\' MiniMaxConfig (model_type minimax, layer_types) counts the same', () => {
    const remote = load(TEXT01);
    const types = (remote['attn_type_list'] as number[]).map((t) => (t === 0 ? 'linear_attention' : 'full_attention'));
    const { attn_type_list: _a, postnorm: _p, layernorm_full_attention_alpha: _1, layernorm_full_attention_beta: _2, layernorm_linear_attention_alpha: _3, layernorm_linear_attention_beta: _4, layernorm_mlp_alpha: _5, layernorm_mlp_beta: _6, rotary_dim: _r, shared_intermediate_size: _s, shared_moe_mode: _m, ...rest } = remote;
    const hf = fromConfig({ ...rest, model_type: 'minimax', architectures: ['MiniMaxForCausalLM'], layer_types: types, full_attn_alpha_factor: 3.5565588200778455, linear_attn_alpha_factor: 3.5565588200778455, mlp_alpha_factor: 3.5565588200778455, block_size: 256, partial_rotary_factor: 0.5 });
    assert.equal(hf.totals.params_main, 456_089_655_296);
    assert.equal(hf.flags.residual_after_norm, true);
    // without layer_types: MiniMaxConfig's default, full attention on the even layers
    const alternate = fromConfig({ ...rest, model_type: 'minimax', num_hidden_layers: 4 });
    assert.deepEqual(alternate.layers.map((l) => l.attention.kind), ['softmax', 'lightning', 'softmax', 'lightning']);
  });

  test('a list of the wrong length or with other values, shared experts, another activation, a window are refused at their field', () => {
    const m = load(TEXT01);
    assert.equal(refusal({ ...m, attn_type_list: (m['attn_type_list'] as number[]).slice(1) }).location.field, 'attn_type_list');
    assert.equal(refusal({ ...m, attn_type_list: [2, ...(m['attn_type_list'] as number[]).slice(1)] }).location.field, 'attn_type_list[0]');
    assert.equal(refusal({ ...m, shared_intermediate_size: 4096 }).location.field, 'shared_intermediate_size');
    assert.equal(refusal({ ...m, hidden_act: 'gelu' }).location.field, 'hidden_act');
    assert.equal(refusal({ ...m, sliding_window: 4096 }).location.field, 'sliding_window');
    assert.equal(refusal({ ...m, rotary_dim: 256 }).location.field, 'rotary_dim');
  });
});

describe('Solar-Open2: Kimi Delta Attention beside gated GQA without positions, a MoE in every layer', () => {
  const SOLAR = 'configs/upstage__Solar-Open2-250B.json';

  test('the KDA layer tensor by tensor; the GQA layers from gqa_layers, with their gate', async () => {
    const { arch } = await extract(fixturePath(SOLAR));
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    const [d, H, dl, K] = [4096, 64, 128, 4];
    const P = H * dl;
    // q, k, v; their short convs (no bias); f and g low-rank (rank d_l); b_proj; A_log; dt_bias per channel; o_norm per head size; o_proj
    const kda = 3 * d * P + 3 * P * K + 2 * (d * dl + dl * P) + d * H + H + P + dl + P * d;
    assert.deepEqual([unit('layers.kda').param_count, unit('layers.kda').repeat], [kda, 36]);
    // q, k, v, o and the elementwise gate g_proj [H·d_h, d]
    assert.deepEqual([unit('layers.attn').param_count, unit('layers.attn').repeat], [2 * d * P + 2 * d * 8 * 128 + d * P, 12]);
    assert.deepEqual(arch.layers.filter((l) => l.attention.kind === 'softmax').map((l) => l.index), [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44]);
    assert.ok(arch.layers.every((l) => !l.attention.rope), 'use_rope false: NoPE');
    assert.equal(unit('layers.router').param_count, 320 * d + 320);
    assert.equal(arch.totals.kv_cache_bytes_per_token, 12 * 2 * 8 * 128 * 2);
  });

  test('layer_types, then gqa_interval (as transformers reads it) choose the GQA layers; full-rank gates count d · H_l · d_l each', () => {
    const solar = load(SOLAR);
    const { gqa_layers: _, ...rest } = solar;
    const byInterval = fromConfig(rest);
    assert.equal(byInterval.totals.params_main, 250_287_810_304);
    assert.ok(byInterval.notes.some((n) => n.includes('gqa_interval')));
    const types = Array.from({ length: 48 }, (_, i) => (i % 2 === 0 ? 'full_attention' : 'linear_attention'));
    assert.equal(fromConfig({ ...solar, layer_types: types }).layers.filter((l) => l.attention.kind === 'kda').length, 24);
    const full = fromConfig({ ...solar, kda_use_full_proj: true });
    const lowRank = 2 * (4096 * 128 + 128 * 8192);
    assert.equal(full.units.find((u) => u.id === 'layers.kda')!.param_count - fromConfig(solar).units.find((u) => u.id === 'layers.kda')!.param_count, 2 * 4096 * 8192 - lowRank);
  });

  test('absent fields take SolarOpen2Config\'s defaults: one shared expert, no rotary positions, no dense prefix', () => {
    const solar = load(SOLAR);
    const { n_shared_experts: _s, use_rope: _r, first_k_dense_replace: _f, ...bare } = solar;
    const arch = fromConfig(bare);
    assert.equal(arch.totals.params_main, 250_287_810_304);
    assert.ok(arch.layers.every((l) => !l.attention.rope));
    assert.ok(arch.notes.some((n) => n.includes('n_shared_experts is absent')), arch.notes.join('\n'));
  });

  test('unknown KDA settings, biases, QK-norms and another activation are refused at their field', () => {
    const solar = load(SOLAR) as Config & { linear_attn_config: Config };
    const unknown = refusal({ ...solar, linear_attn_config: { ...solar.linear_attn_config, gate_rank: 64 } });
    assert.equal(unknown.location.field, 'linear_attn_config.gate_rank');
    assert.equal(refusal({ ...solar, linear_attn_config: { ...solar.linear_attn_config, num_kv_heads: 7 } }).location.field, 'linear_attn_config.num_kv_heads');
    for (const field of ['attention_bias', 'use_qk_norm', 'use_gqa_gate_bias']) assert.equal(refusal({ ...solar, [field]: true }).location.field, field);
    assert.equal(refusal({ ...solar, hidden_act: 'gelu' }).location.field, 'hidden_act');
    const { linear_attn_config: _l, ...noKda } = solar;
    assert.equal(refusal(noKda).location.field, 'linear_attn_config');
  });
});

describe('Kimi K3 (kimi_k3 → kimi_linear): KDA and gated NoPE MLA, a latent MoE, block attention residuals, a MoonViT tower', () => {
  const K3 = 'configs/moonshotai__Kimi-K3.json';
  type K3Config = Config & { text_config: Config & { linear_attn_config: Config }; vision_config: Config };

  test('the units against the checkpoint listing (gogongxt/python scripts/models/kimi_k3.md)', async () => {
    const { arch } = await extract(fixturePath(K3));
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    const [d, H, dl, K] = [7168, 96, 128, 4];
    const P = H * dl;
    // q/k/v, their convs, f_a/f_b (rank d_l), the full-rank g_proj, b_proj, A_log (96 read), dt_bias, o_norm, o_proj
    const kda = 3 * d * P + 3 * P * K + (d * dl + dl * P) + d * P + d * H + H + P + dl + P * d;
    assert.deepEqual([unit('layers.kda').param_count, unit('layers.kda').repeat], [kda, 69]);
    // q_a, q_a_layernorm, q_b; kv_a_proj_with_mqa, kv_a_layernorm, kv_b; o_proj; g_proj
    const mla = d * 1536 + 1536 + 1536 * H * 192 + d * 576 + 512 + 512 * H * 256 + P * d + d * P;
    assert.deepEqual([unit('layers.attn').param_count, unit('layers.attn').repeat], [mla, 24]);
    assert.deepEqual(arch.layers.filter((l) => l.attention.kind === 'mla').map((l) => l.index + 1).slice(0, 3), [4, 8, 12]);
    assert.ok(arch.layers.every((l) => !l.attention.rope));
    // the attention-residual queries and key norms: two per layer and one at the output
    assert.deepEqual([unit('layers.attn_res').param_count, unit('layers.mlp_res').param_count, unit('output_attn_res').param_count], [2 * d, 2 * d, 2 * d]);
    // routed_expert_down_proj, routed_expert_norm, routed_expert_up_proj
    assert.equal(unit('layers.latent_proj').param_count, 2 * d * 3584 + 3584);
    assert.equal(unit('layers.experts').param_count, 896 * 3 * 3584 * 3072);
    assert.equal(unit('layers.shared_experts').param_count, 3 * d * 2 * 3072);
    assert.equal(unit('layers.ffn').repeat, 1);
    // the MoonViT tower and the patch merger v2, as stored
    assert.deepEqual((arch.towers ?? []).map((t) => t.total), [401_214_464, 46_144_512]);
    // A_log is stored with 32 zeros after the 96 values the model reads
    const pad = (arch.stored_copies ?? []).find((c) => c.id === 'layers.a_log_padding')!;
    assert.deepEqual([pad.count, pad.repeat], [32, 69]);
    assert.equal(arch.totals.checkpoint_params, arch.totals.params + 401_214_464 + 46_144_512 + 69 * 32);
    // only the 24 MLA layers cache: 512 + 64 per token, bf16
    assert.equal(arch.totals.kv_cache_bytes_per_token, 24 * 576 * 2);
  });

  test('Kimi-Linear-48B-A3B, from the same reader: its listing total to the unit', () => {
    const k3 = load(K3) as K3Config;
    const { attn_res_block_size: _a, routed_expert_hidden_size: _r, latent_moe_use_norm: _n, mla_use_output_gate: _g, ...text } = k3.text_config;
    const full = [4, 8, 12, 16, 20, 24, 27];
    const linear = {
      ...k3.text_config.linear_attn_config,
      num_heads: 32,
      head_dim: 128,
      use_full_rank_gate: false,
      full_attn_layers: full,
      kda_layers: Array.from({ length: 27 }, (_, i) => i + 1).filter((i) => !full.includes(i)),
    };
    const { quantization_config: _q, ...plain } = text;
    const k48 = fromConfig({
      ...plain, hidden_size: 2304, num_hidden_layers: 27, num_attention_heads: 32, num_key_value_heads: 32, q_lora_rank: null,
      intermediate_size: 9216, num_experts: 256, num_experts_per_token: 8, moe_intermediate_size: 1024, num_shared_experts: 1, linear_attn_config: linear,
    });
    assert.equal(k48.totals.params, 49_122_681_728);
    assert.ok(!k48.units.some((u) => u.id === 'layers.attn_res' || u.id === 'layers.latent_proj'));
  });

  test('review mends: a latent width equal to hidden_size still builds the projections; A_log pads to head_dim; a head_dim written by transformers 5 sizes nothing', async () => {
    const k3 = load(K3) as K3Config;
    const t = k3.text_config;
    const base = (await extract(fixturePath(K3))).arch;
    const same = fromConfig({ ...k3, text_config: { ...t, routed_expert_hidden_size: 7168 } });
    // KimiSparseMoeBlock: routed_expert_down/up_proj [7,168 ↔ 7,168] and the norm, whenever the field is set
    assert.equal(same.units.find((u) => u.id === 'layers.latent_proj')!.param_count, 2 * 7168 * 7168 + 7168);
    const heads = fromConfig({ ...k3, text_config: { ...t, linear_attn_config: { ...t.linear_attn_config, num_heads: 112 } } });
    assert.equal((heads.stored_copies ?? []).find((c) => c.id === 'layers.a_log_padding')!.count, 16);
    assert.equal(fromConfig({ ...k3, text_config: { ...t, head_dim: 74 } }).totals.checkpoint_params, base.totals.checkpoint_params);
  });

  test('layer lists that overlap or leave a layer out, MLA with positions, MTP modules and other towers are refused at their field', () => {
    const k3 = load(K3) as K3Config;
    const t = k3.text_config;
    const la = t.linear_attn_config;
    const withText = (text: Config) => ({ ...k3, text_config: text });
    assert.equal(refusal(withText({ ...t, linear_attn_config: { ...la, kda_layers: [...(la['kda_layers'] as number[]), 4] } })).location.field, 'text_config.linear_attn_config.full_attn_layers');
    assert.equal(refusal(withText({ ...t, linear_attn_config: { ...la, kda_layers: (la['kda_layers'] as number[]).slice(1) } })).location.field, 'text_config.linear_attn_config.kda_layers');
    assert.equal(refusal(withText({ ...t, linear_attn_config: { ...la, gate_rank: 64 } })).location.field, 'text_config.linear_attn_config.gate_rank');
    assert.equal(refusal(withText({ ...t, mla_use_nope: false })).location.field, 'text_config.mla_use_nope');
    assert.equal(refusal(withText({ ...t, num_nextn_predict_layers: 1 })).location.field, 'text_config.num_nextn_predict_layers');
    assert.equal(refusal(withText({ ...t, hidden_act: 'gelu' })).location.field, 'text_config.hidden_act');
    assert.equal(refusal({ ...k3, vision_config: { ...k3.vision_config, mm_projector_type: 'patchmerger' } }).location.field, 'vision_config.mm_projector_type');
    assert.equal(refusal({ ...k3, vision_config: { ...k3.vision_config, attn_bias: true } }).location.field, 'vision_config.attn_bias');
    assert.equal(refusal({ ...k3, vision_config: { ...k3.vision_config, vt_num_attention_heads: 7 } }).location.field, 'vision_config.vt_num_attention_heads');
  });
});

describe('xLSTM: mLSTM blocks and SwiGLU FFNs, no attention', () => {
  const XLSTM = 'configs/NX-AI__xLSTM-7b.json';

  test('the mLSTM layer tensor by tensor, the gate biases whatever use_bias says, the FFN width rounded up', async () => {
    const { arch } = await extract(fixturePath(XLSTM));
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    const [d, H, qk, v] = [4096, 8, 2048, 4096];
    // q, k; v; ogate; igate and fgate with biases; multihead_norm; out_proj
    assert.deepEqual([unit('layers.mlstm').param_count, unit('layers.mlstm').repeat], [2 * d * qk + d * v + d * v + 2 * (d * H + H) + v + v * d, 32]);
    // 4,096 × 2.667 = 10,924.03, rounded up to a multiple of 64
    assert.equal(arch.dims['d_ff']!.value, 10_944);
    assert.equal(arch.totals.kv_cache_bytes_per_token, 0);
    assert.equal(arch.flags.final_softcap, 30);
  });

  test('absent factors take xLSTMConfig\'s defaults, named in the notes; hidden_size and num_hidden_layers are read too', () => {
    const x = load(XLSTM);
    const { qk_dim_factor: _q, v_dim_factor: _v, ffn_proj_factor: _f, ffn_round_up_to_multiple_of: _r, embedding_dim: _e, num_blocks: _b, ...rest } = x;
    const bare = fromConfig({ ...rest, hidden_size: 4096, num_hidden_layers: 32 });
    assert.equal(bare.totals.params_main, 6_865_424_896);
    assert.ok(bare.notes.some((n) => n.includes('qk_dim_factor is absent')), bare.notes.join('\n'));
  });

  test('biases, QK-norms, a head size that disagrees and an unknown weight mode are refused at their field', () => {
    const x = load(XLSTM);
    assert.equal(refusal({ ...x, use_bias: true }).location.field, 'use_bias');
    assert.equal(refusal({ ...x, add_qk_norm: true }).location.field, 'add_qk_norm');
    assert.equal(refusal({ ...x, head_dim: 256 }).location.field, 'head_dim');
    assert.equal(refusal({ ...x, weight_mode: 'split' }).location.field, 'weight_mode');
    assert.equal(refusal({ ...x, hidden_size: 2048 }).location.field, 'hidden_size');
    assert.equal(fromConfig({ ...x, weight_mode: 'fused' }).totals.params_main, 6_865_424_896);
  });
});

describe('Ling 2.5 (bailing_hybrid): lightning attention with MLA on every 8th layer, a DeepSeek-style MoE', () => {
  const LING = 'configs/inclusionAI__Ling-2.5-1T.json';

  test('the lightning layer with its q/k norms and group norm, the MLA layers by layer_group_size, the MoE behind 4 dense layers', async () => {
    const { arch } = await extract(fixturePath(LING));
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    const [d, H, dh] = [8192, 64, 128];
    // query_key_value, query/key_layernorm, g_proj, g_norm, dense (the decay slope is a buffer)
    assert.deepEqual([unit('layers.lightning_attn').param_count, unit('layers.lightning_attn').repeat], [3 * d * H * dh + 2 * dh + d * H * dh + H * dh + H * dh * d, 70]);
    assert.deepEqual(arch.layers.filter((l) => l.attention.kind === 'mla').map((l) => l.index), [7, 15, 23, 31, 39, 47, 55, 63, 71, 79]);
    assert.ok(arch.layers.every((l) => l.attention.rope), 'partial rotary on the lightning layers too');
    assert.equal(unit('layers.ffn').repeat, 4);
    assert.equal(unit('layers.router').param_count, 256 * d + 256);
    assert.equal(unit('layers.shared_experts').param_count, 3 * d * 2048);
    // only the 10 MLA layers cache: 512 + 64 per token, bf16
    assert.equal(arch.totals.kv_cache_bytes_per_token, 10 * 576 * 2);
  });

  test('a tail past the last whole group is MLA; KV heads other than the query heads, biases and a SiLU gate are refused at their field', () => {
    const ling = load(LING);
    const tail = fromConfig({ ...ling, num_hidden_layers: 82, layer_group_size: 8 });
    assert.deepEqual(tail.layers.filter((l) => l.attention.kind === 'mla').map((l) => l.index).slice(-3), [79, 80, 81]);
    assert.equal(refusal({ ...ling, num_kv_heads_for_linear_attn: 8 }).location.field, 'num_kv_heads_for_linear_attn');
    for (const field of ['use_bias', 'use_qkv_bias', 'linear_silu']) assert.equal(refusal({ ...ling, [field]: true }).location.field, field);
    assert.equal(refusal({ ...ling, num_shared_experts: 2 }).location.field, 'num_shared_experts');
    assert.equal(refusal({ ...ling, num_nextn_predict_layers: 1 }).location.field, 'num_nextn_predict_layers');
    assert.equal(refusal({ ...ling, qk_head_dim: 128 }).location.field, 'qk_head_dim');
  });
});

describe('fuzz cases found this session', () => {
  test('an Engram layer without engram_num_embeddings, a zero rotary fraction or logit cap are located errors, not internal ones', () => {
    const v41 = load('configs/deepseek-ai__DeepSeek-V4.1-Flash.snapshot-trimmed.json') as Config & { text_config: Config };
    const { engram_num_embeddings: _e, ...text } = v41.text_config;
    assert.equal(refusal({ ...v41, text_config: text }).location.field, 'text_config.engram_num_embeddings');
    assert.equal(refusal({ ...load('configs/Zyphra__ZAYA1-8B.json'), partial_rotary_factor: 0 }).location.field, 'partial_rotary_factor');
    assert.equal(refusal({ ...load('configs/NX-AI__xLSTM-7b.json'), output_logit_soft_cap: 0 }).location.field, 'output_logit_soft_cap');
    // Inkling with every main layer MoE still sizes its MTP depths' dense MLPs
    const ink = load('configs/thinkingmachines__Inkling.json') as Config & { text_config: Config };
    const allMoe = fromConfig({ ...ink, text_config: { ...ink.text_config, dense_mlp_idx: 0 } });
    assert.ok(allMoe.units.some((u) => u.id === 'mtp.ffn'));
    // Motif likewise, without n_dense_first_layers (FUZZ_SEED=30)
    const { n_dense_first_layers: _n, ...motif } = load('configs/Motif-Technologies__Motif-3-Beta.json');
    assert.ok(fromConfig(motif).units.some((u) => u.id === 'mtp.ffn'));
  });
});

describe('ZAYA1: compressed convolutional attention, an MLP router with a skip class, learned residual scaling', () => {
  const ZAYA = 'configs/Zyphra__ZAYA1-8B.json';

  test('CCA and the router tensor by tensor; the first layer carries no router state; the balancing biases are stored but not counted', async () => {
    const { arch } = await extract(fixturePath(ZAYA));
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    const [d, H, Hkv, dh, r, E] = [2048, 8, 2, 128, 256, 16];
    const C = (H + Hkv) * dh;
    // q, k, the two value halves; the depthwise and grouped convs with biases; the key scale; o_proj
    const cca = d * H * dh + d * Hkv * dh + 2 * d * (Hkv * dh / 2) + (C * 2 + C) + (C * dh * 2 + C) + Hkv + H * dh * d;
    assert.deepEqual([unit('layers.attn').param_count, unit('layers.attn').repeat], [cca, 40]);
    const router = d * r + r + r + 2 * (r * r + r) + (E + 1) * r;
    assert.deepEqual([unit('layers.router.first').param_count, unit('layers.router.first').layers], [router, [0]]);
    assert.deepEqual([unit('layers.router').param_count, unit('layers.router').repeat], [router + r, 39]);
    assert.deepEqual([unit('layers.res_scale_attn').param_count, unit('embed_scale').param_count], [4 * d, 2 * d]);
    const buffers = arch.non_learned.find((t) => t.id === 'layers.balancing_biases')!;
    assert.equal(buffers.total, 680);
    // the Hub's BF16 bucket: the parameters and these buffers
    assert.equal(arch.totals.checkpoint_params! + buffers.total, 8_840_489_464);
    assert.equal(arch.totals.kv_cache_bytes_per_token, 40 * 2 * Hkv * dh * 2);
  });

  test('sliding layers take sliding_window; biases and another activation are refused at their field', () => {
    const z = load(ZAYA);
    const types = Array.from({ length: 40 }, (_, i) => (i % 2 ? 'hybrid_sliding' : 'hybrid'));
    const sliding = fromConfig({ ...z, layer_types: types, sliding_window: 4096 });
    assert.deepEqual(sliding.layers.slice(0, 2).map((l) => l.attention.window), [null, 4096]);
    assert.equal(refusal({ ...z, layer_types: types }).location.field, 'sliding_window');
    for (const field of ['attention_bias', 'lm_head_bias']) assert.equal(refusal({ ...z, [field]: true }).location.field, field);
    assert.equal(refusal({ ...z, hidden_act: 'gelu' }).location.field, 'hidden_act');
    assert.equal(refusal({ ...z, num_experts_per_tok: 17 }).location.field, 'num_experts_per_tok');
  });
});

describe('review of the 2026 model types: hostile and neighbouring configs', () => {
  test('an hMLP over a large patch plans quickly and exactly like a small one would (increasing choices only)', () => {
    const ink = load('configs/thinkingmachines__Inkling.json') as Config & { vision_config: Config };
    // patch 1024 = 2^10, temporal 2: 12 scales, 11 picks; a permutation search took a minute here
    const big = fromConfig({ ...ink, vision_config: { ...ink.vision_config, patch_size: 1024, temporal_patch_size: 2, n_layers: 10 } });
    assert.ok(big.towers!.find((u) => u.id === 'tower.vision')!.param_count > 0);
    assert.equal(fromConfig(ink).towers!.find((u) => u.id === 'tower.vision')!.param_count, 83_743_232);
  });

  test('Inkling without shared experts: no router rows for them, no internal error', () => {
    const ink = load('configs/thinkingmachines__Inkling.json') as Config & { text_config: Config };
    const a = fromConfig({ ...ink, text_config: { ...ink.text_config, n_shared_experts: 0 } });
    assert.equal(a.flags.shared_expert_router_rows, false);
    assert.equal(a.units.find((u) => u.id === 'layers.router')!.param_count, 256 * 6144 + 1 + 256);
  });

  test('Inkling: a field of mtp_config it does not know is refused there, not ignored', () => {
    const ink = load('configs/thinkingmachines__Inkling.json') as Config & { mtp_config: Config };
    const e = refusal({ ...ink, mtp_config: { ...ink.mtp_config, use_dense_mlp: false } });
    assert.deepEqual([e.code, e.location.field], ['config-unknown-fields', 'mtp_config.use_dense_mlp']);
    const q = load('configs/Qwen__Qwen3.8-Flash-Next.json') as Config & { text_config: Config & { mtp: Config } };
    const m = refusal({ ...q, text_config: { ...q.text_config, mtp: { ...q.text_config.mtp, extra_norm: true } } });
    assert.deepEqual([m.code, m.location.field], ['config-unknown-fields', 'text_config.mtp.extra_norm']);
  });

  test('LongCat: more experts per token than real experts is refused at moe_topk; huge n-gram sizes name their field', () => {
    const lc = load('configs/meituan-longcat__LongCat-Flash-Lite.json');
    assert.equal(refusal({ ...lc, moe_topk: 257 }).location.field, 'moe_topk');
    assert.equal(refusal({ ...lc, ngram_vocab_size_ratio: 1e9 }).location.field, 'ngram_vocab_size_ratio');
    const q = load('configs/Qwen__Qwen3.8-Flash-Next.json') as Config & { text_config: Config };
    const huge = refusal({ ...q, text_config: { ...q.text_config, ple_embed_dim: 999_936, heads_per_ngram: 8, ngram_vocab_size_base: 1e9 } });
    assert.ok(huge.location.field !== undefined && huge.location.field !== null, huge.message);
  });

  test('a Gemma 4 with an audio tower and no vision keeps the clipped-linear note', () => {
    const g = load('configs/google__gemma-4-E2B-it.json') as Config & { vision_config?: Config };
    const { vision_config: _v, ...audioOnly } = g;
    const a = fromConfig(audioOnly);
    assert.deepEqual(a.towers!.map((u) => u.id), ['tower.audio', 'tower.audio_projector']);
    assert.ok(a.notes.some((n) => n.includes('clipped linears')));
  });
});

describe('per-layer geometry: Laguna\'s query heads per layer', () => {
  test('layers with 64 query heads are a unit of their own, next to the 48-head one; KV heads stay shared', async () => {
    const { arch } = await extract(fixturePath('configs/poolside__Laguna-XS.2.json'));
    assert.deepEqual(Object.keys(arch.geometries ?? {}), ['heads_64']);
    const attn = arch.units.filter((u) => u.id === 'layers.attn' || u.id.startsWith('layers.attn.'));
    assert.deepEqual(attn.map((u) => [u.id, u.repeat]), [['layers.attn', 10], ['layers.attn.heads_64', 30]]);
    // q, k, v, o and g_proj [H, d]: 2·d·H·d_h + 2·d·H_kv·d_h + d·H
    const per = (H: number) => 2 * 2048 * H * 128 + 2 * 2048 * 8 * 128 + 2048 * H;
    assert.deepEqual(attn.map((u) => u.param_count), [per(48), per(64)]);
    assert.equal(arch.units.filter((u) => u.id.startsWith('layers.qk_norm')).length, 1, 'QK-norm over the same head size stays one unit');
    assert.equal(arch.flags.head_gate, 'softplus');
    // K and V of every layer: 40 × 8 heads × 2 × 128 values × 2 bytes
    assert.equal(arch.totals.kv_cache_bytes_per_token, 40 * 8 * 2 * 128 * 2);
  });

  test('a per-layer head count that is not a multiple of the KV heads is refused at its index', () => {
    const laguna = load('configs/poolside__Laguna-XS.2.json') as Config & { num_attention_heads_per_layer: number[] };
    const heads = [...laguna.num_attention_heads_per_layer];
    heads[5] = 60;
    const e = refusal({ ...laguna, num_attention_heads_per_layer: heads });
    assert.equal(e.code, 'config-inconsistent');
    assert.equal(e.location.field, 'num_attention_heads_per_layer[5]');
  });
});

describe('MiMo-V2: sliding layers with their own geometry and sinks, MTP stored but not declared', () => {
  test('MiMo-V2-Flash: 4 or 8 KV heads, values of 128, sinks on the sliding layers only; three stored MTP modules in checkpoint_params only', async () => {
    const { arch } = await extract(fixturePath('configs/XiaomiMiMo__MiMo-V2-Flash.snapshot-trimmed.json'));
    const full = arch.units.find((u) => u.id === 'layers.attn')!;
    const swa = arch.units.find((u) => u.id === 'layers.attn.swa')!;
    // q, k of head_dim 192; v, o of v_head_dim 128
    assert.equal(full.param_count, 4096 * 64 * 192 + 4096 * 4 * 192 + 4096 * 4 * 128 + 64 * 128 * 4096);
    assert.equal(swa.param_count, 4096 * 64 * 192 + 4096 * 8 * 192 + 4096 * 8 * 128 + 64 * 128 * 4096 + 64);
    assert.deepEqual([full.repeat, swa.repeat], [9, 39]);
    assert.equal(arch.flags.attention_sinks, false);
    assert.equal(arch.mtp_layers.length, 0);
    const mtp = arch.stored_mtp!.reduce((a, u) => a + u.total, 0);
    assert.equal(mtp, 987_820_224);
    assert.equal(arch.totals.checkpoint_params, arch.totals.params + mtp);
    assert.equal(arch.totals.kv_cache_bytes_per_token, (9 * 4 + 39 * 8) * (192 + 128) * 2);
  });

  test('a hybrid_layer_pattern or moe_layer_freq of the wrong length is refused', () => {
    const mimo = load('configs/XiaomiMiMo__MiMo-V2-Flash.snapshot-trimmed.json') as Config & { hybrid_layer_pattern: number[]; moe_layer_freq: number[] };
    assert.equal(refusal({ ...mimo, hybrid_layer_pattern: mimo.hybrid_layer_pattern.slice(1) }).location.field, 'hybrid_layer_pattern');
    assert.equal(refusal({ ...mimo, moe_layer_freq: [...mimo.moe_layer_freq.slice(1), 2] }).location.field, 'moe_layer_freq[47]');
    assert.equal(refusal({ ...mimo, sliding_window_size: 256 }).code, 'config-inconsistent');
  });
});

describe('Step 3.5: sliding layers with the sizes of attention_other_setting, MTP modules that store a head', () => {
  test('96-head sliding layers, MoE on moe_layers_enum, three dense MTP modules each with its own head', async () => {
    const { arch } = await extract(fixturePath('configs/stepfun-ai__Step-3.5-Flash.json'));
    assert.equal(arch.geometries?.['swa']?.dims['H']?.value, 96);
    assert.deepEqual(arch.layers.slice(0, 4).map((l) => [l.attention.geometry ?? 'full', l.ffn.kind]), [['full', 'dense'], ['swa', 'dense'], ['swa', 'dense'], ['swa', 'moe']]);
    assert.equal(arch.flags.head_gate, 'sigmoid');
    assert.deepEqual(arch.mtp_layers.map((l) => [l.attention.geometry, l.ffn.kind]), [['swa', 'dense'], ['swa', 'dense'], ['swa', 'dense']]);
    assert.deepEqual(arch.stored_copies!.map((c) => [c.id, c.repeat, c.count]), [['mtp.shared_head.head', 3, 128_896 * 4096]]);
    assert.equal(arch.flags.partial_rotary, 0.5);
  });

  test('moe_layers_enum as a list works too; a malformed one or one past the last layer is refused', () => {
    const step = load('configs/stepfun-ai__Step-3.5-Flash.json');
    const listed = fromConfig({ ...step, moe_layers_enum: Array.from({ length: 42 }, (_, i) => i + 3) });
    assert.equal(listed.totals.params_main, 196_956_130_368);
    assert.equal(refusal({ ...step, moe_layers_enum: '3,4,x' }).location.field, 'moe_layers_enum');
    assert.equal(refusal({ ...step, moe_layers_enum: '3,45' }).code, 'config-inconsistent');
    assert.equal(refusal({ ...step, layer_types: (step['layer_types'] as string[]).slice(0, 45) }).location.field, 'layer_types');
  });
});

describe('looped depth: Nanbeige and Ouro run their layers again, with the same weights', () => {
  test('the weights count once, the KV cache once per pass; Ouro adds sandwich norms and its early-exit gate', async () => {
    const nanbeige = (await extract(fixturePath('configs/Nanbeige__Nanbeige4.2-3B.json'))).arch;
    assert.deepEqual(nanbeige.loops, { count: 2, field: 'num_loops' });
    assert.equal(nanbeige.totals.kv_cache_bytes_per_token, 2 * 22 * 2 * 8 * 128 * 2);
    const once = fromConfig({ ...load('configs/Nanbeige__Nanbeige4.2-3B.json'), num_loops: 1 });
    assert.equal(once.loops, undefined);
    assert.equal(once.totals.params_main, nanbeige.totals.params_main);
    const ouro = (await extract(fixturePath('configs/ByteDance__Ouro-2.6B-Thinking.json'))).arch;
    assert.equal(ouro.loops?.count, 4);
    assert.equal(ouro.flags.norm_placement, 'sandwich');
    assert.equal(ouro.units.find((u) => u.id === 'exit_gate')?.param_count, 2048 + 1);
    assert.equal(refusal({ ...load('configs/Nanbeige__Nanbeige4.2-3B.json'), kv_channels: 64 }).code, 'config-inconsistent');
  });
});

describe('Sarvam: renamed fields over known blocks', () => {
  test('sarvam-30b reads its q/k/v bias from use_qkv_bias; sarvam-105b is MLA with one q projection', async () => {
    const moe = load('configs/sarvamai__sarvam-30b.json');
    const biased = fromConfig({ ...moe, use_qkv_bias: true });
    assert.equal(biased.totals.params_main - fromConfig(moe).totals.params_main, 19 * (64 + 2 * 4) * 64);
    assert.equal(refusal({ ...moe, use_bias: true }).code, 'unsupported-feature');
    assert.equal(refusal({ ...moe, moe_shared_expert_intermediate_size: 2048 }).code, 'config-inconsistent');
    const { arch } = await extract(fixturePath('configs/sarvamai__sarvam-105b.json'));
    assert.equal(arch.dims['r_q'], undefined);
    assert.ok(arch.units.find((u) => u.id === 'layers.attn')!.parts.some((p) => p.name === 'q_proj'));
    assert.ok(arch.flags.router_bias && arch.flags.shared_experts);
  });
});

describe('Trinity and North: a gate of its own, attention and MoE side by side', () => {
  test('Trinity counts its gate_proj as a projection of its own, beside q_proj', async () => {
    const { arch } = await extract(fixturePath('configs/arcee-ai__Trinity-Large-Base.json'));
    const attn = arch.units.find((u) => u.id === 'layers.attn')!;
    assert.deepEqual(attn.parts.map((p) => p.name), ['q_proj', 'gate_proj (output gate)', 'k_proj', 'v_proj', 'o_proj']);
    assert.equal(arch.flags.norm_placement, 'sandwich');
    assert.equal(arch.layers.filter((l) => l.ffn.kind === 'dense').length, 6);
  });

  test('North reads one norm for attention and MoE, a dense prefix of its own width, and refuses what it cannot name', () => {
    const north = load('configs/CohereLabs__North-Mini-Code-1.0.json');
    const a = fromConfig(north);
    assert.ok(a.flags.parallel_attention && a.flags.tied_embeddings);
    assert.equal(a.units.filter((u) => u.family === 'norm' && u.scope === 'layers').length, 1);
    assert.equal(a.dims['d_ff']!.field, 'prefix_dense_intermediate_size');
    // Without rms_norm_eps, Cohere2MoeDecoderLayer builds the weight-only Cohere LayerNorm: the same count.
    const { rms_norm_eps: _e, ...layerNorm } = north;
    const ln = fromConfig(layerNorm);
    assert.deepEqual([ln.flags.norm_kind, ln.flags.norm_bias, ln.totals.params_main], ['layernorm', false, a.totals.params_main]);
    assert.equal(refusal({ ...north, use_qk_norm: true }).code, 'unsupported-feature');
  });

  test('North: RoPE on the sliding layers and, by force_rope, on the dense first layer; none on the other full layers', () => {
    const north = load('configs/CohereLabs__North-Mini-Code-1.0.json');
    const a = fromConfig(north);
    const full = a.layers.filter((l) => l.attention.window === null);
    assert.deepEqual(full.filter((l) => l.attention.rope).map((l) => l.index), [0]);
    assert.ok(full.length > 1 && a.layers.every((l) => l.attention.rope === (l.attention.window !== null || l.index === 0)));
    assert.ok(a.notes.some((n) => n.includes('RoPE on the sliding-window layers only (and on the dense prefix')), a.notes.join('\n'));
    // prefix_dense_sliding_window_pattern other than 1: the dense prefix loses its RoPE too.
    assert.ok(!fromConfig({ ...north, prefix_dense_sliding_window_pattern: 4 }).layers[0]!.attention.rope);
  });
});

describe('Command R7B (cohere2): the parallel block behind one weight-only LayerNorm, RoPE only on the sliding layers', () => {
  const R7B = 'extra/CohereLabs__c4ai-command-r7b-12-2024.reconstructed.json';
  test('each layer: q/k/v/o, a SwiGLU MLP and one LayerNorm weight; every fourth layer global and without positions', async () => {
    const { arch } = await extract(fixturePath(R7B));
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    const d = 4096;
    assert.equal(unit('layers.attn').param_count, 2 * d * d + 2 * d * 8 * 128);
    assert.equal(unit('layers.ffn').param_count, 3 * d * 14336);
    assert.deepEqual(unit('layers.attn_norm').parts.map((p) => p.name), ['weight']);
    assert.ok(!arch.units.some((u) => u.id === 'layers.ffn_norm'), 'one norm per block');
    assert.deepEqual([arch.flags.norm_kind, arch.flags.norm_bias, arch.flags.parallel_attention, arch.flags.tied_embeddings], ['layernorm', false, true, true]);
    assert.deepEqual(arch.layers.filter((l) => l.attention.window === null).map((l) => l.index), [3, 7, 11, 15, 19, 23, 27, 31]);
    assert.ok(arch.layers.every((l) => l.attention.rope === (l.attention.window === 4096)));
    assert.equal(arch.totals.params_main, 32 * (2 * d * d + 2 * d * 1024 + 3 * d * 14336 + d) + d + 256000 * d);
    // layer_types from sliding_window_pattern (default 4), the window 4096 by default
    const { sliding_window_pattern: _p, sliding_window: _w, ...bare } = load(R7B);
    assert.deepEqual(fromConfig(bare).layers.map((l) => [l.attention.window, l.attention.rope]), arch.layers.map((l) => [l.attention.window, l.attention.rope]));
  });

  test('keys of the original release that contradict the block transformers builds, and a head_dim transformers overrides, are refused at their field', () => {
    const r7b = load(R7B);
    for (const [field, value] of [['use_parallel_block', false], ['use_gated_activation', false], ['rotary_pct', 0.5], ['position_embedding_type', 'rope'], ['order_of_interleaved_layers', 'global_attn_first'], ['use_qk_norm', true]] as const) {
      assert.equal(refusal({ ...r7b, [field]: value }).location.field, field, field);
    }
    assert.equal(refusal({ ...r7b, use_embedding_sharing: false }).location.field, 'use_embedding_sharing');
    // a long value is quoted short (FUZZ_SEED=86 case 3169 printed all 100,000 characters)
    const long = refusal({ ...r7b, rotary_pct: 'x'.repeat(100_000) });
    assert.equal(long.location.field, 'rotary_pct');
    assert.ok(long.message.length < 400, long.message.slice(0, 400));
    assert.equal(refusal({ ...r7b, head_dim: 96 }).location.field, 'head_dim');
    assert.equal(refusal({ ...r7b, sliding_window_pattern: 0 }).location.field, 'sliding_window_pattern');
    // architectures alone dispatches to it
    const { model_type: _t, ...bare } = r7b;
    assert.equal(fromConfig(bare).model.model_type, 'cohere2');
  });
});

describe('Gemma 4 12B: global layers with their own head size and keys as values', () => {
  test('no v_proj on the 8 global layers, K only in their cache, layer_scalar buffers and the embedders in checkpoint_params', async () => {
    const { arch } = await extract(fixturePath('configs/google__gemma-4-12B-it.json'));
    const global = arch.units.find((u) => u.id === 'layers.attn.global')!;
    assert.deepEqual(global.parts.map((p) => p.name), ['q_proj', 'k_proj', 'o_proj']);
    assert.equal(global.param_count, 2 * 3840 * 16 * 512 + 3840 * 1 * 512);
    assert.equal(arch.units.find((u) => u.id === 'layers.qk_norm.global')!.param_count, 2 * 512);
    // 40 sliding layers × K and V of 8 × 256, 8 global layers × K of 1 × 512, 2 bytes
    assert.equal(arch.totals.kv_cache_bytes_per_token, (40 * 2 * 8 * 256 + 8 * 512) * 2);
    assert.deepEqual(arch.stored_copies!.map((c) => [c.id, c.total]), [['layers.layer_scalar', 48]]);
    assert.deepEqual(arch.towers!.map((u) => [u.id, u.param_count]), [['tower.vision', 49_922_304], ['tower.audio', 2_457_600]]);
  });

  test('gemma4_unified has no MoE block, KV sharing or double-wide MLPs: each refused at its field', () => {
    const g = load('configs/google__gemma-4-12B-it.json') as Config & { text_config: Config };
    for (const [field, value] of [['enable_moe_block', true], ['num_kv_shared_layers', 10], ['use_double_wide_mlp', true]] as const) {
      assert.equal(refusal({ ...g, text_config: { ...g.text_config, [field]: value } }).code, 'unsupported-feature', field);
    }
  });

  test('Gemma 4 26B-A4B: a MoE block beside the dense MLP of every layer, with its router scales and norms', async () => {
    const { arch } = await extract(fixturePath('configs/google__gemma-4-26B-A4B-it.json'));
    assert.ok(arch.layers.every((l) => l.ffn.kind === 'moe' && l.ffn.residual));
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    assert.equal(unit('layers.router').param_count, 128 * 2816 + 2816 + 128);
    assert.equal(unit('layers.residual_ffn').param_count, 3 * 2816 * 2112);
    assert.equal(unit('layers.moe_norms').param_count, 3 * 2816);
    assert.equal(arch.totals.checkpoint_params, 25_805_936_206);
    // An absent hidden_size_per_layer_input means per-layer embeddings of 256 (Gemma4TextConfig).
    const g = load('configs/google__gemma-4-26B-A4B-it.json') as Config & { text_config: Config };
    const { hidden_size_per_layer_input: _p, ...ple } = g.text_config;
    const withPle = fromConfig({ ...g, text_config: ple });
    assert.equal(withPle.dims['d_ple']!.value, 256);
    assert.ok(withPle.notes.some((n) => n.includes('absent: Gemma4TextConfig means per-layer embeddings of 256')));
    // An audio tower without its sizes is refused inside audio_config.
    assert.match(refusal({ ...g, audio_config: { hidden_size: 1024 } }).location.field ?? '', /^audio_config\./);
  });
});

describe('Gemma 4 E2B: per-layer embeddings, KV sharing, double-wide MLPs and an audio tower', () => {
  test('the last 20 layers read layer 13 or 14\'s keys and values, have no K/V of their own and MLPs of 2·d_ff; the checkpoint still stores their K/V', async () => {
    const { arch } = await extract(fixturePath('configs/google__gemma-4-E2B-it.json'));
    const shared = arch.layers.filter((l) => l.attention.kv_source !== undefined);
    assert.deepEqual(shared.map((l) => l.index), Array.from({ length: 20 }, (_, i) => 15 + i));
    // the last earlier layer of the same type: 14 is the last full layer, 13 the last sliding one
    assert.deepEqual([...new Set(shared.map((l) => l.attention.kv_source))].sort(), [13, 14]);
    assert.ok(shared.every((l) => l.ffn.double_wide));
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    // q_proj and o_proj only: 2·d·H·d_h
    assert.equal(unit('layers.attn.kv_shared').param_count, 2 * 1536 * 8 * 256);
    assert.deepEqual(unit('layers.attn.kv_shared').parts.map((p) => p.name), ['q_proj', 'o_proj']);
    assert.equal(unit('layers.ffn.double_wide').param_count, 3 * 1536 * 2 * 6144);
    // k_proj, v_proj [H_kv·d_h, d] and k_norm [d_h] per shared layer: 16 sliding, 4 global
    const stored = arch.stored_copies!.filter((c) => c.id.startsWith('layers.shared_kv'));
    assert.deepEqual(stored.map((c) => [c.id, c.count, c.repeat]), [['layers.shared_kv', 2 * 1536 * 256 + 256, 16], ['layers.shared_kv.global', 2 * 1536 * 512 + 512, 4]]);
    // only the 15 own-KV layers cache: 12 sliding × 2 × 256 + 3 global × 2 × 512 values, bf16
    assert.equal(arch.totals.kv_cache_bytes_per_token, (12 * 2 * 256 + 3 * 2 * 512) * 2);
  });

  test('per-layer embeddings: a looked-up table (not active without the embedding), its projection, a gate in every layer', async () => {
    const { arch } = await extract(fixturePath('configs/google__gemma-4-E2B-it.json'));
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    assert.equal(unit('ple_embed').param_count, 262_144 * 35 * 256);
    assert.equal(unit('ple_projection').param_count, 1536 * 35 * 256 + 256);
    assert.deepEqual([unit('layers.ple').param_count, unit('layers.ple').repeat], [2 * 1536 * 256 + 1536, 35]);
    assert.equal(arch.totals.active_params_non_embedding, arch.totals.active_params - unit('ple_embed').total);
    assert.deepEqual(arch.towers!.map((u) => [u.id, u.param_count]), [['tower.vision', 167_364_608], ['tower.projector', 1_179_648], ['tower.audio', 304_824_608], ['tower.audio_projector', 2_359_296]]);
    assert.ok(arch.notes.some((n) => n.includes('clipped linears')));
  });

  test('KV sharing that leaves a layer no earlier layer of its type, or every layer shared, is refused at num_kv_shared_layers', () => {
    const g = load('configs/google__gemma-4-E2B-it.json') as Config & { text_config: Config };
    // layer 4 is the first full layer: sharing from layer 4 on leaves it no source
    const early = refusal({ ...g, text_config: { ...g.text_config, num_kv_shared_layers: 31 } });
    assert.deepEqual([early.code, early.location.field], ['config-inconsistent', 'text_config.num_kv_shared_layers']);
    assert.equal(refusal({ ...g, text_config: { ...g.text_config, num_kv_shared_layers: 35 } }).location.field, 'text_config.num_kv_shared_layers');
    const noPle = fromConfig({ ...g, text_config: { ...g.text_config, hidden_size_per_layer_input: 0, num_kv_shared_layers: 0, use_double_wide_mlp: false } });
    assert.equal(noPle.units.filter((u) => u.id.startsWith('ple') || u.id === 'layers.ple').length, 0);
    assert.equal(noPle.layers.filter((l) => l.attention.kv_source !== undefined).length, 0);
  });
});

describe('Muse Glimmer: a gate of its own, q/k normalised without weights, NoPE by rotary base', () => {
  test('layers whose layer_rope_theta is 0 have no rotary; no QK-norm weights; the ViT, adapter and projection as towers', async () => {
    const { arch } = await extract(fixturePath('configs/meta-models__Muse-Glimmer-30B.json'));
    const thetas = (load('configs/meta-models__Muse-Glimmer-30B.json') as { text_config: { layer_rope_theta: number[] } }).text_config.layer_rope_theta;
    assert.deepEqual(arch.layers.map((l) => l.attention.rope), thetas.map((t) => t > 0));
    assert.equal(arch.flags.qk_norm, 'unscaled');
    assert.equal(arch.units.find((u) => u.id.startsWith('layers.qk_norm')), undefined);
    assert.deepEqual(arch.towers!.map((u) => u.param_count), [1_852_639_744, 69_206_016]);
    const m = load('configs/meta-models__Muse-Glimmer-30B.json');
    assert.equal(refusal({ ...m, out_hidden_size: 4096 }).code, 'config-inconsistent');
  });
});

describe('MiniMax-M3: a wrapper whose text_config names no type, a block-sparse indexer', () => {
  test('the text decoder is minimax_m3 by its wrapper; an indexer on the 57 sparse layers; MTP declared, not stored', async () => {
    const { arch } = await extract(fixturePath('configs/MiniMaxAI__MiniMax-M3.json'));
    assert.equal(arch.model.model_type, 'minimax_m3');
    const indexer = arch.units.find((u) => u.id === 'layers.indexer')!;
    assert.equal(indexer.repeat, 57);
    assert.equal(indexer.param_count, 6144 * 4 * 128 + 6144 * 128 + 2 * 128);
    assert.equal(arch.mtp_layers.length, 0);
    assert.ok(arch.notes.some((n) => /declares MTP modules .* stores none/.test(n)));
    // The indexer sits after attention in the table, where a layer has it.
    const ids = arch.units.map((u) => u.id);
    assert.ok(ids.indexOf('layers.indexer') < ids.indexOf('layers.ffn_norm'));
    const m3 = load('configs/MiniMaxAI__MiniMax-M3.json');
    assert.equal(refusal({ ...m3, projector_hidden_size: 4096 }).code, 'config-inconsistent');
  });
});

describe('Mistral Small 4: MLA and MoE without a selection bias, in a wrapper whose tower is not counted', () => {
  test('every layer MoE, no e_score_correction_bias; checkpoint_params null with the reason', async () => {
    const { arch } = await extract(fixturePath('configs/mistralai__Mistral-Small-4-119B-2603.snapshot-trimmed.json'));
    assert.ok(arch.layers.every((l) => l.ffn.kind === 'moe'));
    assert.equal(arch.flags.router_bias, false);
    assert.equal(arch.units.find((u) => u.id === 'layers.router')!.param_count, 128 * 4096);
    assert.equal(arch.totals.checkpoint_params, null);
    assert.ok(arch.notes[0]!.includes('the vision tower and projector are not counted'));
  });
});

describe('hostile and odd inputs found in review', () => {
  test('a dense MTP module when every main layer is MoE reads the dense width (MiMo, Step 3.5)', () => {
    const mimo = load('configs/XiaomiMiMo__MiMo-V2-Flash.snapshot-trimmed.json') as Config & { moe_layer_freq: number[] };
    const a = fromConfig({ ...mimo, moe_layer_freq: mimo.moe_layer_freq.map(() => 1) });
    assert.ok(a.stored_mtp!.some((u) => u.id === 'mtp.ffn'));
    const step = load('configs/stepfun-ai__Step-3.5-Flash.json');
    assert.ok(fromConfig({ ...step, moe_layers_enum: Array.from({ length: 45 }, (_, i) => i).join(',') }).units.some((u) => u.id === 'mtp.ffn'));
  });

  test('towers are bounded like the model, and their configs may hold any number of keys', () => {
    const kimi = load('configs/moonshotai__Kimi-K2.6.json') as Config & { vision_config: Config };
    const huge = refusal({ ...kimi, vision_config: { ...kimi.vision_config, vt_num_hidden_layers: 10_000_000 } });
    assert.equal(huge.code, 'config-invalid-field');
    const many = Object.fromEntries(Array.from({ length: 130_000 }, (_, i) => [`k${i}`, 1]));
    assert.equal(refusal({ ...kimi, vision_config: { ...kimi.vision_config, ...many } }).code, 'config-unknown-fields');
    assert.equal(refusal({ ...kimi, vision_config: { ...kimi.vision_config, merge_kernel_size: [0, 0] } }).code, 'config-invalid-field');
  });

  test('zero heads in a layer, a long string where a number belongs, a dense model of a MoE family', () => {
    const laguna = load('configs/poolside__Laguna-XS.2.json') as Config & { num_attention_heads_per_layer: number[] };
    const heads = [...laguna.num_attention_heads_per_layer];
    heads[1] = 0;
    assert.equal(refusal({ ...laguna, num_attention_heads_per_layer: heads }).code, 'config-invalid-field');
    const qwen = load('configs/Qwen__Qwen3.8-27B.json') as Config & { text_config: Config & { rope_parameters: Config } };
    const long = refusal({ ...qwen, text_config: { ...qwen.text_config, rope_parameters: { ...qwen.text_config.rope_parameters, partial_rotary_factor: 'x'.repeat(100_000) } } });
    assert.ok(long.message.length < 300, `${long.message.length} characters`);
    const dense = fromConfig({ ...load('configs/Qwen__Qwen3-30B-A3B.json'), num_experts: 0 });
    assert.equal(dense.flags.moe, false);
  });
});

describe('Hy3: a recipe of known blocks', () => {
  test('one dense layer by the config class; a prefix field that disagrees is refused, mlp_layer_types decides', () => {
    const hy = load('configs/tencent__Hy3-preview.json');
    const a = fromConfig(hy);
    assert.deepEqual(a.layers.slice(0, 2).map((l) => l.ffn.kind), ['dense', 'moe']);
    assert.equal(a.mtp_layers[0]!.ffn.kind, 'moe');
    assert.deepEqual(a.stored_copies, []);
    const e = refusal({ ...hy, first_k_dense_replace: 3 });
    assert.equal(e.code, 'config-inconsistent');
    assert.equal(e.location.field, 'first_k_dense_replace');
    const listed = fromConfig({ ...hy, first_k_dense_replace: 3, mlp_layer_types: Array.from({ length: 80 }, (_, i) => (i < 3 ? 'dense' : 'sparse')) });
    assert.equal(listed.layers.filter((l) => l.ffn.kind === 'dense').length, 3);
    assert.equal(refusal({ ...hy, moe_router_enable_expert_bias: false }).code, 'unsupported-feature');
  });
});

interface CheckpointEntry {
  model_type: string;
  exact: boolean;
  checkpoint_params?: number;
  hub_total?: number;
  why_not_exact?: string;
}

describe('towers of multimodal wrappers', () => {
  test('Kimi K2.6: MoonViT and its patch merger are units of scope tower, outside params', async () => {
    const { arch } = await extract(fixturePath('configs/moonshotai__Kimi-K2.6.json'));
    assert.deepEqual(arch.towers!.map((u) => [u.id, u.scope, u.param_count]), [['tower.vision', 'tower', 416_866_032], ['tower.projector', 'tower', 54_277_888]]);
    assert.equal(arch.units.filter((u) => u.scope === 'tower').length, 0);
    assert.equal(arch.totals.params_main, 1_026_408_232_448);
  });

  test('a vision_config field the tower reader does not know stops the count', () => {
    const kimi = load('configs/moonshotai__Kimi-K2.6.json') as Config & { vision_config: Config };
    const e = refusal({ ...kimi, vision_config: { ...kimi.vision_config, vt_extra_adapter_size: 64 } });
    assert.equal(e.code, 'config-unknown-fields');
    assert.match(e.message, /vision_config\.vt_extra_adapter_size/);
    const wide = refusal({ ...kimi, vision_config: { ...kimi.vision_config, text_hidden_size: 4096 } });
    assert.equal(wide.code, 'config-inconsistent');
  });
});

describe('Qwen3.5: a Gated DeltaNet hybrid in a wrapper, with its MTP and vision tower', () => {
  test('the MTP module is one gated full-attention layer (MoE in the MoE model); the ViT and merger are towers', async () => {
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3.5-397B-A17B.json'));
    assert.equal(arch.mtp_layers.length, 1);
    assert.deepEqual([arch.mtp_layers[0]!.attention.kind, arch.mtp_layers[0]!.ffn.kind], ['softmax', 'moe']);
    // partial_rotary_factor only in rope_parameters
    assert.equal(arch.flags.partial_rotary, 0.25);
    assert.deepEqual(arch.towers!.map((u) => u.param_count), [415_891_440, 40_119_040]);
    const dense = (await extract(fixturePath('configs/Qwen__Qwen3.8-27B.json'))).arch;
    assert.equal(dense.mtp_layers[0]!.ffn.kind, 'dense');
  });

  test('an ungated attention, an MTP with its own embedding, DeepStack mergers and a text-only release', () => {
    const q = load('configs/Qwen__Qwen3.8-27B.json') as Config & { text_config: Config; vision_config: Config };
    assert.equal(refusal({ ...q, text_config: { ...q.text_config, attn_output_gate: false } }).code, 'unsupported-feature');
    assert.equal(refusal({ ...q, text_config: { ...q.text_config, mtp_use_dedicated_embeddings: true } }).code, 'unsupported-feature');
    assert.equal(refusal({ ...q, vision_config: { ...q.vision_config, deepstack_visual_indexes: [8, 16] } }).code, 'unsupported-feature');
    const textOnly = fromConfig({ ...q, language_model_only: true });
    assert.deepEqual(textOnly.towers, []);
    assert.equal(textOnly.totals.checkpoint_params, textOnly.totals.params);
    assert.ok(textOnly.notes[0]!.includes('its checkpoint holds the language model only'));
  });
});

/**
 * Entries marked exact: false whose Hub total is nevertheless a parameter count, so the count must
 * equal it. Hy4-preview: only its config transcription is unconfirmed (its F32 bucket, 30,795,421,
 * equals the hyper-connection, sink and selection-bias tensors to the unit).
 */
const HUB_TOTAL_IS_A_COUNT = new Set([
  'tencent__Hy4-preview.json',
  // Its Hub total counts FP4 bytes as 2 values (MXFP4's rule) and leaves the E8M0 scales out: each
  // dtype bucket equals the count of the tensors stored in it (docs/coverage/deepseek-family.md).
  'deepseek-ai__DeepSeek-V4.1-Flash.snapshot-trimmed.json',
  // Its 'total' is the parameters; its BF16 bucket is 680 more: the 40 × 17 balancing_biases
  // buffers, listed in non_learned (docs/coverage/scripts/hybrids/zaya.py).
  'Zyphra__ZAYA1-8B.json',
]);

describe('whole checkpoints against the Hub (checkpoints.json)', () => {
  const entries = JSON.parse(readFileSync(fixturePath('checkpoints/checkpoints.json'), 'utf8')) as Record<string, CheckpointEntry>;
  const fixtures = Object.keys(entries).filter((file) => {
    try {
      readFileSync(fixturePath(`configs/${file}`));
      return true;
    } catch {
      return false;
    }
  });
  test('the fixtures hold configs of the corpus checkpoints', () => assert.ok(fixtures.length >= 38, fixtures.join(', ')));
  for (const file of fixtures) {
    const entry = entries[file]!;
    test(`${file}: ${entry.exact ? 'checkpoint_params equals the Hub total' : 'extracts; the Hub total is not a parameter count'}`, async () => {
      const { arch } = await extract(fixturePath(`configs/${file}`));
      if (entry.exact) assert.equal(arch.totals.checkpoint_params, entry.checkpoint_params);
      else if (HUB_TOTAL_IS_A_COUNT.has(file)) assert.equal(arch.totals.checkpoint_params, entry.hub_total);
      else assert.ok(arch.notes.some((n) => /quantized .*not a parameter count|reports no safetensors total/.test(n)), `a note says why no exact figure exists (${entry.why_not_exact})`);
      const copies = (arch.stored_copies ?? []).reduce((a, c) => a + c.total, 0);
      const towers = (arch.towers ?? []).reduce((a, u) => a + u.total, 0);
      const storedMtp = (arch.stored_mtp ?? []).reduce((a, u) => a + u.total, 0);
      if (arch.totals.checkpoint_params != null) assert.equal(arch.totals.checkpoint_params, arch.totals.params + copies + towers + storedMtp);
      else assert.ok(arch.notes.some((n) => /not counted|No whole-checkpoint count/.test(n)), 'a null checkpoint_params is explained');
    });
  }
});

describe('GLM-5.3-Flash (glm5_next → glm5_next_text): KDA beside NoPE MLA with a pooled DSA indexer, mHC without a head mixer, a ViT tower', () => {
  const G = 'configs/zai-org__GLM-5.3-Flash.snapshot-trimmed.json';
  type GConfig = Config & { text_config: Config & { linear_attn_config: Config }; vision_config: Config };

  test('the units against the 62 shard headers (nibor1896/crow-nest converter/tests/fixtures/glm53-flash-tensors.tsv)', async () => {
    const { arch } = await extract(fixturePath(G));
    const unit = (id: string) => arch.units.find((u) => u.id === id)!;
    const [d, H, dl, K] = [4096, 64, 128, 4];
    const P = H * dl;
    // q/k/v, their convs, the low-rank f_a/f_b and g_a/g_b, b_proj, A_log, dt_bias, o_norm, o_proj
    const kda = 3 * d * P + 3 * P * K + 2 * (d * dl + dl * P) + d * H + H + P + dl + P * d;
    assert.deepEqual([unit('layers.kda').param_count, unit('layers.kda').repeat], [kda, 34]);
    // q_a, q_a_layernorm, q_b (256 per head, no RoPE part); kv_a_proj_with_mqa (512 + 0), kv_a_layernorm, kv_b; o_proj
    const mla = d * 1536 + 1536 + 1536 * H * 256 + d * 512 + 512 + 512 * H * 512 + H * 256 * d;
    assert.deepEqual([unit('layers.attn').param_count, unit('layers.attn').repeat], [mla, 11]);
    assert.deepEqual(arch.layers.filter((l) => l.attention.kind === 'mla').map((l) => l.index), [3, 7, 11, 15, 19, 23, 27, 31, 35, 39, 43]);
    assert.ok(arch.layers.every((l) => !l.attention.rope));
    // wq_b, wk, k_norm weight and bias, weights_proj, then the pool: index_kpool_compress_gate [d_i, d] and _ape [4, d_i]
    const indexer = 32 * 128 * 1536 + 128 * d + 2 * 128 + 32 * d + 128 * d + 4 * 128;
    assert.deepEqual([unit('layers.indexer').param_count, unit('layers.indexer').repeat], [indexer, 11]);
    assert.equal(unit('mtp.indexer').param_count, indexer);
    // hc_fn [(2 + 4)·4, 4·d], hc_base [24], hc_scale [3], around both sub-layers of all 45 layers; no head mixer, none in MTP
    for (const id of ['layers.hc_attn', 'layers.hc_ffn']) assert.deepEqual([unit(id).param_count, unit(id).repeat], [24 * 4 * d + 24 + 3, 45]);
    assert.ok(!arch.units.some((u) => u.id.startsWith('mtp.hc') || u.id === 'hc_head'));
    assert.deepEqual([unit('layers.ffn').repeat, unit('layers.experts').repeat, unit('layers.experts').param_count], [3, 42, 288 * 3 * d * 2048]);
    // eh_proj, enorm, hnorm, shared_head.norm; no copies of the embedding or head
    assert.equal(unit('mtp.proj').param_count, 2 * d * d + 3 * d);
    assert.deepEqual(arch.stored_copies, []);
    assert.deepEqual([arch.totals.params, arch.totals.params_main], [320_759_404_382, 313_326_811_966]);
    // 24 ViT blocks (qkv and proj with biases, q/k norms of 64, a biased SwiGLU MLP, two norms),
    // the Conv3d patch embedding with its bias and the post-layernorm; the merger: a 2 × 2 Conv2d
    // with bias, proj, a LayerNorm, a SwiGLU of 10,240
    const block = 1024 * 3072 + 3072 + 1024 * 1024 + 1024 + 2 * 64 + 2 * (1024 * 4096 + 4096) + 4096 * 1024 + 1024 + 2 * 1024;
    const vision = 24 * block + 3 * 2 * 14 * 14 * 1024 + 1024 + 1024;
    const merger = 1024 * 4 * d + d + d * d + 2 * d + 3 * d * 10240;
    assert.deepEqual((arch.towers ?? []).map((t) => t.total), [vision, merger]);
    assert.equal(arch.totals.checkpoint_params, arch.totals.params + vision + merger);
    assert.equal(arch.totals.checkpoint_params, 321_323_031_390);
    // 11 MLA layers cache 512 + 0 per token and the indexer one key of 128 per pool of 4 tokens, bf16
    assert.equal(arch.totals.kv_cache_bytes_per_token, 11 * 512 * 2 + (11 * 128 * 2) / 4);
  });

  test('the notes say what the figure cannot: the FP8 checkpoint total is no parameter count, the pool, the head without a mixer', async () => {
    const { arch } = await extract(fixturePath(G));
    for (const says of ['quantized (quantization_config)', 'pools its keys over 4 tokens', 'no head mixer', 'the MTP layer has no mixers', 'counted apart, in checkpoint_params only']) {
      assert.ok(arch.notes.some((n) => n.includes(says)), `${says}\n${arch.notes.join('\n')}`);
    }
  });

  test('hostile values: a pool out of range, layer lists that disagree with layer_types, positions, no mHC, unknown KDA fields are refused at their field', () => {
    const g = load(G) as GConfig;
    const t = g.text_config;
    const la = t.linear_attn_config;
    const withText = (text: Config) => ({ ...g, text_config: text });
    const at = (text: Config) => refusal(withText(text)).location.field;
    for (const pool of [0, -4, 2.5, '4', 1e9]) assert.equal(at({ ...t, index_kpool: pool }), 'text_config.index_kpool', String(pool));
    assert.equal(at({ ...t, index_kpool_compress: false }), 'text_config.index_kpool_compress');
    assert.equal(at({ ...t, linear_attn_config: { ...la, kda_layers: (la['kda_layers'] as number[]).slice(1) } }), 'text_config.linear_attn_config.kda_layers');
    assert.equal(at({ ...t, linear_attn_config: { ...la, full_attn_layers: [3, 7] } }), 'text_config.linear_attn_config.full_attn_layers');
    assert.equal(at({ ...t, linear_attn_config: { ...la, gate_rank: 64 } }), 'text_config.linear_attn_config.gate_rank');
    assert.equal(at({ ...t, layer_types: (t['layer_types'] as string[]).map((x, i) => (i === 5 ? 'full_attention' : x)) }), 'text_config.layer_types[5]');
    assert.equal(at({ ...t, layer_types: (t['layer_types'] as string[]).slice(1) }), 'text_config.layer_types');
    assert.equal(at({ ...t, mla_use_nope: false }), 'text_config.mla_use_nope');
    assert.equal(at({ ...t, mhc: false }), 'text_config.mhc');
    assert.equal(at({ ...t, hidden_act: 'gelu' }), 'text_config.hidden_act');
    assert.equal(refusal({ ...g, vision_config: { ...g.vision_config, num_heads: 7 } }).location.field, 'vision_config.num_heads');
    assert.equal(refusal({ ...g, vision_config: { ...g.vision_config, out_hidden_size: 2048 } }).location.field, 'vision_config.out_hidden_size');
    // A RoPE width of 0 is GLM-5.3-Flash's own: DeepSeek-V3 with it is refused.
    assert.equal(refusal({ ...load('configs/deepseek-ai__DeepSeek-V3.json'), qk_rope_head_dim: 0 }).location.field, 'qk_rope_head_dim');
  });

  test('the pool tensors are stored at any pool size; without index_kpool the pool is transformers\' 16; index_topk must be whole pools', async () => {
    const g = load(G) as GConfig;
    const t = g.text_config;
    const base = (await extract(fixturePath(G))).arch;
    const indexer = (a: ArchJson) => a.units.find((u) => u.id === 'layers.indexer')!.param_count;
    // Glm5NextTextIndexer: index_kpool_compress_ape [index_kpool, d_i] and _gate [d_i, d] whatever the pool
    const one = fromConfig({ ...g, text_config: { ...t, index_kpool: 1 } });
    assert.equal(indexer(one), indexer(base) - 3 * 128);
    assert.equal(one.totals.kv_cache_bytes_per_token, 11 * 512 * 2 + 11 * 128 * 2);
    assert.ok(one.notes.some((n) => n.includes('pools hold one token')), one.notes.join('\n'));
    const { index_kpool: _p, ...bare } = t;
    const absent = fromConfig({ ...g, text_config: bare });
    assert.equal(indexer(absent), indexer(base) + 12 * 128);
    assert.equal(absent.totals.kv_cache_bytes_per_token, 11 * 512 * 2 + (11 * 128 * 2) / 16);
    assert.ok(absent.notes.some((n) => n.includes('index_kpool is absent: 16 tokens per pooled key')));
    assert.equal(refusal({ ...g, text_config: { ...t, index_topk: 2050 } }).location.field, 'text_config.index_topk');
  });
});
