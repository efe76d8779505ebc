/**
 * `hf-arch verify` against the tensor listings of real checkpoints of the 2025–26 model types
 * (fixtures/checkpoints/*.tensors.json.gz, each transcribed from a public tensor report its
 * `source` names), written as safetensors headers over sparse zero data. Every unit of the
 * decoder, every tower and every stored MTP layer must find exactly its tensors, none may be left
 * unclaimed, and what is found must be the checkpoint's total the Hub reports (checkpoints.json).
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { reportText, verifySource, type VerifyReport } from '../src/checkpoint/index.js';
import { fixturePath } from './helpers/fixtures.js';
import { readListing, writeListing, type Listing } from './helpers/safetensors.js';

type Entry = { checkpoint_params: number; exact: boolean };
const HUB = JSON.parse(readFileSync(fixturePath('checkpoints/checkpoints.json'), 'utf8')) as Record<string, Entry>;

async function verifyListing(listingName: string, config: string) {
  const listing = readListing(listingName);
  const dir = await mkdtemp(join(tmpdir(), 'hf-arch-listing-'));
  await copyFile(fixturePath(config), join(dir, 'config.json'));
  await writeListing(dir, listing);
  return { listing, ...(await verifySource(dir)) };
}

const elements = (l: Listing) => l.tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
const unit = (report: VerifyReport, id: string) => {
  const u = report.units.find((x) => x.id === id);
  assert.ok(u, `no unit ${id}: ${report.units.map((x) => x.id).join(', ')}`);
  return u;
};
const pattern = (report: VerifyReport, id: string, re: RegExp) => unit(report, id).tensors.filter((t) => re.test(t.pattern));
const aside = (report: VerifyReport) => Object.fromEntries(report.setAside.map((a) => [a.reason, a]));

describe("real checkpoints of the new model types, unit by unit (their tensor reports' listings)", () => {
  test('MiMo-V2.5-Pro (mimo_v2): FP8 with block scales, fused qkv, sinks on the 60 sliding layers, 3 MTP layers the config does not declare', async () => {
    const { listing, arch, report } = await verifyListing('XiaomiMiMo__MiMo-V2.5-Pro', 'configs/XiaomiMiMo__MiMo-V2.5-Pro.json');
    assert.equal(listing.tensors.length, 159_581);
    assert.ok(report.ok, reportText(arch, report));
    assert.equal(report.totals.found, HUB['XiaomiMiMo__MiMo-V2.5-Pro.json']!.checkpoint_params);
    assert.equal(report.totals.found, arch.totals.checkpoint_params);
    assert.equal(pattern(report, 'layers.attn.swa', /attention_sink_bias$/)[0]?.count, 60);
    assert.equal(pattern(report, 'layers.attn', /attention_sink_bias$/).length, 0, 'the full-attention layers have no sinks');
    // model.mtp.layers.K is stored MTP layer 70 + K: its units are the checkpoint's, not the config's
    const mtp = report.units.filter((u) => u.id.startsWith('mtp.'));
    assert.deepEqual(mtp.map((u) => u.id), (arch.stored_mtp ?? []).map((u) => u.id));
    assert.ok(mtp.every((u) => u.ok && u.found > 0));
    assert.equal(unit(report, 'mtp.ffn_norm').tensors[0]?.pattern, 'model.mtp.layers.N.pre_mlp_layernorm.weight');
    assert.equal(aside(report)['quantization scale']?.tensors, 79_573);
    assert.equal(report.totals.found + aside(report)['quantization scale']!.stored, elements(listing), 'every stored value is counted or set aside');
  });

  test('MiniMax-M3 (minimax_m3_vl): the CLIP tower and both projectors as their units, the indexer beside attention on layers 3–59, no MTP stored', async () => {
    const { listing, arch, report } = await verifyListing('MiniMaxAI__MiniMax-M3', 'configs/MiniMaxAI__MiniMax-M3.json');
    assert.ok(report.ok, reportText(arch, report));
    assert.equal(report.totals.found, HUB['MiniMaxAI__MiniMax-M3.json']!.checkpoint_params);
    assert.equal(report.totals.found, elements(listing), 'BF16 and F32 only: nothing set aside');
    assert.equal(unit(report, 'tower.vision').found, 631_185_920);
    assert.equal(unit(report, 'tower.projector').found, 234_381_312);
    assert.deepEqual(pattern(report, 'tower.projector', /./).map((t) => t.pattern.split('.')[0]).sort(), ['multi_modal_projector', 'multi_modal_projector', 'multi_modal_projector', 'multi_modal_projector', 'patch_merge_mlp', 'patch_merge_mlp', 'patch_merge_mlp', 'patch_merge_mlp']);
    assert.equal(pattern(report, 'layers.indexer', /index_q_proj/)[0]?.count, 57);
    assert.equal(pattern(report, 'layers.router', /block_sparse_moe\.e_score_correction_bias$/)[0]?.count, 57);
    assert.ok(!report.units.some((u) => u.id.startsWith('mtp.')));
  });

  test('Kimi K2.6 (kimi_k25): INT4 experts unpacked, MoonViT and its patch merger as tower units; what is found is the Hub total', async () => {
    const { listing, arch, report } = await verifyListing('moonshotai__Kimi-K2.6', 'configs/moonshotai__Kimi-K2.6.json');
    assert.equal(listing.tensors.length, 208_550);
    assert.ok(report.ok, reportText(arch, report));
    assert.equal(report.totals.found, HUB['moonshotai__Kimi-K2.6.json']!.checkpoint_params);
    assert.equal(report.totals.found, arch.totals.checkpoint_params);
    assert.equal(unit(report, 'tower.vision').found, 416_866_032);
    assert.equal(unit(report, 'tower.projector').found, 54_277_888);
    assert.equal(pattern(report, 'layers.experts', /weight_packed$/).reduce((a, t) => a + t.count, 0), 3 * 60 * 384);
    assert.equal(aside(report)['quantization scale']?.tensors, 2 * 3 * 60 * 384, 'weight_scale and weight_shape of every expert matrix');
  });

  test('DeepSeek-V3.2 (deepseek_v32): the DSA indexer under self_attn.indexer on all 61 layers and the MTP layer, FP8 with block scales', async () => {
    const { listing, arch, report } = await verifyListing('deepseek-ai__DeepSeek-V3.2', 'extra/deepseek-ai__DeepSeek-V3.2.json');
    assert.equal(listing.tensors.length, 92_425);
    assert.ok(report.ok, reportText(arch, report));
    const indexer = unit(report, 'layers.indexer');
    assert.deepEqual(indexer.tensors.map((t) => [t.pattern.replace('model.layers.N.self_attn.indexer.', ''), t.count]).sort(), [['k_norm.bias', 61], ['k_norm.weight', 61], ['weights_proj.weight', 61], ['wk.weight', 61], ['wq_b.weight', 61]]);
    assert.ok(unit(report, 'mtp.indexer').ok);
    const a = aside(report);
    assert.equal(report.totals.found + a["MTP module's copy of the embedding"]!.stored + a["MTP module's copy of the output head"]!.stored, arch.totals.checkpoint_params);
    assert.equal(arch.totals.checkpoint_params! + a['quantization scale']!.stored, elements(listing), 'every stored value is counted or set aside');
  });

  test('GLM-5.2 (glm_moe_dsa): the indexer only on the 21 "full" layers of indexer_types and the MTP layer, which stores no copy of embedding or head', async () => {
    const { listing, arch, report } = await verifyListing('zai-org__GLM-5.2', 'configs/zai-org__GLM-5.2.json');
    assert.equal(listing.tensors.length, 59_585);
    assert.ok(report.ok, reportText(arch, report));
    assert.equal(report.totals.found, HUB['zai-org__GLM-5.2.json']!.checkpoint_params);
    assert.equal(report.totals.found, elements(listing));
    assert.equal(pattern(report, 'layers.indexer', /wq_b/)[0]?.count, 21);
    assert.ok(unit(report, 'mtp.indexer').ok);
    assert.deepEqual(report.setAside, []);
  });

  test('Kimi K3 (kimi_k3): MXFP4 experts (U8 pairs) behind latent projections, KDA with A_log padded to head_dim, block attention residuals, MoonViT', async () => {
    const { listing, arch, report } = await verifyListing('moonshotai__Kimi-K3', 'configs/moonshotai__Kimi-K3.json');
    assert.equal(listing.tensors.length, 497_220);
    assert.ok(report.ok, reportText(arch, report));
    assert.equal(report.packing, 'compressed-tensors MXFP4');
    assert.equal(report.totals.found, HUB['moonshotai__Kimi-K3.json']!.checkpoint_params);
    assert.equal(report.totals.found, arch.totals.checkpoint_params);
    // The padding the checkpoint stores inside A_log is the KDA row's, beside the unit's own count.
    const kda = unit(report, 'layers.kda');
    const padding = arch.stored_copies!.find((c) => c.id === 'layers.a_log_padding')!;
    assert.equal(kda.expected, arch.units.find((u) => u.id === 'layers.kda')!.total + padding.total);
    assert.equal(pattern(report, 'layers.kda', /A_log$/)[0]?.params, 69 * 128);
    assert.equal(pattern(report, 'layers.attn_res', /self_attention_res_proj/)[0]?.count, 93);
    assert.equal(pattern(report, 'layers.latent_proj', /routed_expert_norm/)[0]?.count, 92);
    assert.ok(unit(report, 'output_attn_res').ok);
    assert.equal(report.totals.found + aside(report)['quantization scale']!.stored - pattern(report, 'layers.experts', /weight_packed$/).reduce((a, t) => a + t.params / 2, 0), elements(listing), 'stored bytes: half of each packed value, and the scales');
  });

  test('Gemma 4 31B (gemma4): K = V on the 10 global layers (no v_proj), layer_scalar buffers, the ViT and its embedder as towers', async () => {
    const { listing, arch, report } = await verifyListing('google__gemma-4-31B-it', 'extra/google__gemma-4-31B-it.transformers-rendered.json');
    assert.ok(report.ok, reportText(arch, report));
    assert.equal(report.totals.found, elements(listing));
    assert.equal(report.totals.found, arch.totals.checkpoint_params);
    assert.equal(unit(report, 'layers.layer_scalar').found, 60);
    assert.equal(unit(report, 'tower.vision').found, 569_550_384);
    assert.equal(unit(report, 'tower.projector').found, 6_193_152, 'embed_vision');
    assert.equal(pattern(report, 'layers.attn.global', /v_proj/).length, 0);
  });

  test('Qwen3.6-35B-A3B (qwen3_5_moe): Gated DeltaNet on 30 layers, fused 3-D experts, the MTP block under mtp.*, the ViT and merger; the card\'s 35.95B', async () => {
    const { listing, arch, report } = await verifyListing('Qwen__Qwen3.6-35B-A3B', 'extra/Qwen__Qwen3.6-35B-A3B.transformers-rendered.json');
    assert.ok(report.ok, reportText(arch, report));
    assert.equal(report.totals.found, 35_951_822_704);
    assert.equal(report.totals.found, elements(listing));
    assert.equal(report.totals.found, arch.totals.checkpoint_params);
    assert.deepEqual(pattern(report, 'mtp.proj', /./).map((t) => t.pattern).sort(), ['mtp.fc.weight', 'mtp.norm.weight', 'mtp.pre_fc_norm_embedding.weight', 'mtp.pre_fc_norm_hidden.weight']);
    assert.equal(pattern(report, 'layers.linear_attn', /in_proj_qkv/)[0]?.count, 30);
    assert.equal(unit(report, 'tower.projector').tensors.every((t) => t.pattern.startsWith('model.visual.merger.')), true);
  });

  test('Kimi-Linear-48B-A3B (kimi_linear): KDA stored under self_attn on 20 layers, MLA without positions on the 7 others', async () => {
    const { listing, arch, report } = await verifyListing('moonshotai__Kimi-Linear-48B-A3B-Instruct', 'extra/moonshotai__Kimi-Linear-48B-A3B-Instruct.transformers-rendered.json');
    assert.ok(report.ok, reportText(arch, report));
    assert.equal(report.totals.found, 49_122_681_728, "the report's total");
    assert.equal(report.totals.found, elements(listing));
    assert.equal(report.totals.found, arch.totals.checkpoint_params);
    const kda = unit(report, 'layers.kda');
    assert.ok(kda.tensors.every((t) => t.count === 20 && t.pattern.startsWith('model.layers.N.self_attn.')), JSON.stringify(kda.tensors));
    assert.ok(pattern(report, 'layers.attn', /kv_b_proj/).every((t) => t.count === 7));
  });
});
