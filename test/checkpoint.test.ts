/**
 * `hf-arch verify`: our counts against safetensors headers that the tests write (zero data,
 * sparse files), in local folders and through a real HTTP server on 127.0.0.1 that answers the
 * Hub's routes with Range requests; real checkpoints' tensor listings where the corpus has them;
 * hostile headers, each a clear error with bounded memory.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, open, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { extract, HfArchError, type ArchJson } from '../src/index.js';
import { reportText, verifySource, type VerifyReport } from '../src/checkpoint/index.js';
import { buildFigure } from '../src/build.js';
import { layoutFigure } from '../src/figure/layout.js';
import { readLocalCheckpoint } from '../src/checkpoint/read.js';
import { MAX_HEADER_BYTES } from '../src/checkpoint/header.js';
import { fixturePath } from './helpers/fixtures.js';
import { startFakeHub, type FakeHub, type FakeRepo } from './helpers/hub-server.js';
import { headerOf, readListing, writeListing, writeSafetensors, writeShardedCheckpoint, type Listing, type TensorSpec } from './helpers/safetensors.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const tmp = () => mkdtemp(join(tmpdir(), 'hf-arch-ckpt-'));

/** The tensors of a Llama-style checkpoint with transformers' module names, from arch.json's dims. */
function llamaTensors(arch: ArchJson, o: { storeHead?: boolean; fused?: boolean } = {}): TensorSpec[] {
  const v = (n: string) => arch.dims[n]!.value;
  const [d, V, H, Hkv, dh, dff] = [v('d'), v('V'), v('H'), v('H_kv'), v('d_h'), v('d_ff')];
  const t = (name: string, shape: number[]): TensorSpec => ({ name, dtype: 'BF16', shape });
  const out = [t('model.embed_tokens.weight', [V, d])];
  for (let n = 0; n < arch.layers.length; n++) {
    const p = `model.layers.${n}`;
    out.push(t(`${p}.input_layernorm.weight`, [d]), t(`${p}.post_attention_layernorm.weight`, [d]));
    if (o.fused) out.push(t(`${p}.self_attn.qkv_proj.weight`, [(H + 2 * Hkv) * dh, d]), t(`${p}.mlp.gate_up_proj.weight`, [2 * dff, d]));
    else {
      out.push(t(`${p}.self_attn.q_proj.weight`, [H * dh, d]), t(`${p}.self_attn.k_proj.weight`, [Hkv * dh, d]), t(`${p}.self_attn.v_proj.weight`, [Hkv * dh, d]));
      out.push(t(`${p}.mlp.gate_proj.weight`, [dff, d]), t(`${p}.mlp.up_proj.weight`, [dff, d]));
      if (arch.biases.qkv) out.push(t(`${p}.self_attn.q_proj.bias`, [H * dh]), t(`${p}.self_attn.k_proj.bias`, [Hkv * dh]), t(`${p}.self_attn.v_proj.bias`, [Hkv * dh]));
    }
    out.push(t(`${p}.self_attn.o_proj.weight`, [d, H * dh]), t(`${p}.mlp.down_proj.weight`, [d, dff]));
  }
  out.push(t('model.norm.weight', [d]));
  if (!arch.flags.tied_embeddings || o.storeHead) out.push(t('lm_head.weight', [V, d]));
  return out;
}

/** A folder with the fixture config as config.json and a single-file checkpoint of these tensors. */
async function localModel(config: string, tensors: (arch: ArchJson) => TensorSpec[]): Promise<string> {
  const dir = await tmp();
  await copyFile(fixturePath(config), join(dir, 'config.json'));
  const { arch } = await extract(join(dir, 'config.json'));
  await writeSafetensors(join(dir, 'model.safetensors'), tensors(arch));
  return dir;
}

async function expectCheckpointError(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof HfArchError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, message);
    assert.ok(e.location.file, 'the error names the file');
    return true;
  });
}

describe('verify against safetensors headers', () => {
  test('a small dense model (Qwen2.5-0.5B, q/k/v biases, tied head not stored) matches unit by unit', async () => {
    const dir = await localModel('configs/Qwen__Qwen2.5-0.5B.json', (a) => llamaTensors(a));
    const { arch, report } = await verifySource(dir);
    assert.ok(report.ok, JSON.stringify(report.units.filter((u) => !u.ok)));
    assert.equal(report.totals.found, arch.totals.params);
    assert.equal(report.units.length, arch.units.length);
    assert.deepEqual(report.unclaimed, []);
  });

  test('a tied head stored twice is set aside, not counted', async () => {
    const dir = await localModel('configs/Qwen__Qwen2.5-0.5B.json', (a) => llamaTensors(a, { storeHead: true }));
    const { arch, report } = await verifySource(dir);
    assert.ok(report.ok);
    const head = report.setAside.find((s) => s.reason === 'tied head stored twice');
    assert.equal(head?.stored, arch.dims['V']!.value * arch.dims['d']!.value);
  });

  test('a fused-projection model (Phi-3: qkv_proj, gate_up_proj) matches', async () => {
    const dir = await localModel('configs/microsoft__Phi-3-mini-4k-instruct.json', (a) => llamaTensors(a, { fused: true }));
    const { report } = await verifySource(dir);
    assert.ok(report.ok, JSON.stringify(report.units.filter((u) => !u.ok)));
  });

  test('one wrong tensor: the report names its unit and the tensor, and the CLI exits 1', async () => {
    const dir = await localModel('configs/Qwen__Qwen2.5-0.5B.json', (a) =>
      llamaTensors(a).map((t) => (t.name === 'model.layers.7.mlp.down_proj.weight' ? { ...t, shape: [t.shape[0]!, t.shape[1]! + 1] } : t)),
    );
    const { report } = await verifySource(dir);
    assert.equal(report.ok, false);
    const bad = report.units.filter((u) => !u.ok);
    assert.deepEqual(bad.map((u) => u.id), ['layers.ffn']);
    assert.equal(bad[0]!.found - bad[0]!.expected, 896);
    const r = await run(process.execPath, [BIN, 'verify', dir]).catch((e: { code: number; stdout: string; stderr: string }) => e);
    assert.ok('code' in r && r.code === 1);
    assert.match(r.stdout, /✗ +FeedForward \(SwiGLU\) +expected 313,786,368, found 313,787,264 \(\+896\)/);
    assert.match(r.stdout, /odd one: model\.layers\.7\.mlp\.down_proj\.weight is \[896,4865\] where the others are \[896,4864\]/);
    assert.deepEqual(bad[0]!.outliers.map((o) => o.name), ['model.layers.7.mlp.down_proj.weight']);
    assert.match(r.stdout, /model\.layers\.N\.mlp\.down_proj\.weight ×24/);
    const json = await run(process.execPath, [BIN, 'verify', dir, '--json']).catch((e: { code: number; stdout: string }) => e);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; units: { id: string; ok: boolean }[] };
    assert.equal(parsed.ok, false);
    assert.equal(parsed.units.find((u) => u.id === 'layers.ffn')?.ok, false);
  });

  test('a tensor no unit claims is reported (a dense FFN weight in a model without one)', async () => {
    const dir = await localModel('configs/Qwen__Qwen2.5-0.5B.json', (a) => [...llamaTensors(a), { name: 'model.layers.3.mlp.extra_proj.weight', dtype: 'BF16', shape: [8, 8] }]);
    const { report } = await verifySource(dir);
    assert.equal(report.ok, false);
    assert.deepEqual(report.unclaimed.map((u) => u.name), ['model.layers.3.mlp.extra_proj.weight']);
  });

  describe('sharded, local and through the Hub server', () => {
    let hub: FakeHub;
    let dir: string;
    const sha = 'a'.repeat(40);
    before(async () => {
      dir = await tmp();
      await copyFile(fixturePath('configs/meta-llama__Meta-Llama-3-8B-Instruct.json'), join(dir, 'config.json'));
      const { arch } = await extract(join(dir, 'config.json'));
      const tensors = llamaTensors(arch);
      const shards: Record<string, TensorSpec[]> = {};
      tensors.forEach((t, i) => (shards[`model-0000${1 + Math.floor((4 * i) / tensors.length)}-of-00004.safetensors`] ??= []).push(t));
      await writeShardedCheckpoint(dir, shards);
      const files = Object.keys(shards);
      hub = await startFakeHub({
        'meta-llama/Meta-Llama-3-8B-Instruct': {
          refs: { main: sha },
          commits: { [sha]: { 'config.json': await readFile(join(dir, 'config.json'), 'latin1'), 'model.safetensors.index.json': await readFile(join(dir, 'model.safetensors.index.json'), 'latin1') } },
          disk: { [sha]: Object.fromEntries(files.map((f) => [f, join(dir, f)])) },
        },
      });
    });
    after(() => hub.close());

    test('a local folder with an index', async () => {
      const { arch, report } = await verifySource(dir);
      assert.ok(report.ok, JSON.stringify(report.units.filter((u) => !u.ok)));
      assert.equal(report.totals.found, arch.totals.params);
      assert.equal((await readLocalCheckpoint(dir)).files.length, 4);
    });

    test('the same checkpoint on the Hub: headers by range requests only, never a whole shard', async () => {
      const env = { HF_HOME: await tmp(), HF_HUB_CACHE: await tmp() };
      const { report } = await verifySource('meta-llama/Meta-Llama-3-8B-Instruct', { endpoint: hub.url, env });
      assert.ok(report.ok, JSON.stringify(report.units.filter((u) => !u.ok)));
      assert.equal(report.commit, sha);
      const shardGets = hub.requests.filter((r) => r.method === 'GET' && r.url.endsWith('.safetensors'));
      assert.ok(shardGets.length >= 4 && shardGets.every((r) => r.range !== null), 'every shard read is a range request');
      assert.ok(shardGets.reduce((a, r) => a + r.bytes, 0) < 1_000_000, 'headers only');
    });

    test('build with verify from the Hub: the report is cached by commit, so a frozen build reads no header', async () => {
      const env = { HF_HOME: await tmp(), HF_HUB_CACHE: await tmp() };
      const cacheDir = await tmp();
      const first = await buildFigure('meta-llama/Meta-Llama-3-8B-Instruct', { endpoint: hub.url, env, cacheDir, verify: 'strict' });
      assert.equal(first.verification?.ok, true);
      const seen = hub.requests.length;
      const again = await buildFigure('meta-llama/Meta-Llama-3-8B-Instruct', { endpoint: hub.url, env, cacheDir, verify: 'strict', frozen: true });
      assert.equal(again.cached, true);
      assert.equal(hub.requests.filter((r, i) => i >= seen && r.url.endsWith('.safetensors')).length, 0, 'no shard read again');
    });
  });

  test('build with verify: a match is marked on the figure, a mismatch warns, or fails when strict', async () => {
    const good = await localModel('configs/Qwen__Qwen2.5-0.5B.json', (a) => llamaTensors(a));
    const cacheDir = await tmp();
    const plain = await buildFigure(good, { cacheDir });
    const checked = await buildFigure(good, { cacheDir, verify: true });
    assert.equal(checked.verification?.ok, true);
    assert.notEqual(checked.key, plain.key, 'the mark is part of the figure, so of its key');
    assert.match(Buffer.from(checked.bytes.svg!).toString('utf8'), /<desc>[^<]*Counts verified against the local checkpoint hf-arch-ckpt-/);
    const { arch } = await extract(join(good, 'config.json'));
    const marked = layoutFigure(arch, { verifiedAgainst: 'checkpoint Qwen/Qwen2.5-0.5B@060db64' });
    const summary = marked.items.filter((i) => i.kind === 'text' && i.id === 'summary').flatMap((i) => (i.kind === 'text' ? i.lines.map((l) => l.map((r) => r.text).join('')) : []));
    assert.ok(summary.some((l) => l.includes('verified against checkpoint Qwen/Qwen2.5-0.5B@060db64')), summary.join(' | '));

    const bad = await localModel('configs/Qwen__Qwen2.5-0.5B.json', (a) => llamaTensors(a).filter((t) => t.name !== 'model.norm.weight'));
    const warned = await buildFigure(bad, { cacheDir, verify: true });
    assert.equal(warned.verification?.ok, false);
    assert.ok(warned.warnings.some((w) => /does not match the count from the config \(Final RMSNorm\)/.test(w)), warned.warnings.join('\n'));
    assert.doesNotMatch(Buffer.from(warned.bytes.svg!).toString('utf8'), /Counts verified/);
    await expectCheckpointError(buildFigure(bad, { cacheDir, verify: 'strict' }), 'checkpoint-mismatch', /Final RMSNorm/);
    await assert.rejects(buildFigure(arch, { cacheDir, verify: true }), (e: unknown) => e instanceof HfArchError && e.code === 'usage');
  });

  describe("real checkpoints' tensor listings (fixtures/checkpoints/), written as headers", () => {
    let hub: FakeHub;
    const sha = 'c'.repeat(40);
    const models = [
      { listing: 'Qwen__Qwen3-0.6B', config: 'configs/Qwen__Qwen3-0.6B.json' },
      { listing: 'openai__gpt-oss-20b', config: 'configs/openai__gpt-oss-20b.json' },
      { listing: 'deepseek-ai__DeepSeek-V3', config: 'configs/deepseek-ai__DeepSeek-V3.json' },
    ];
    const dirs = new Map<string, string>();
    before(async () => {
      const repos: Record<string, FakeRepo> = {};
      for (const m of models) {
        const listing = readListing(m.listing);
        const dir = await tmp();
        await copyFile(fixturePath(m.config), join(dir, 'config.json'));
        const files = await writeListing(dir, listing);
        dirs.set(m.listing, dir);
        const small: Record<string, string> = { 'config.json': await readFile(join(dir, 'config.json'), 'latin1') };
        if (files.length > 1) small['model.safetensors.index.json'] = await readFile(join(dir, 'model.safetensors.index.json'), 'latin1');
        repos[listing.repo] = { refs: { main: sha }, commits: { [sha]: small }, disk: { [sha]: Object.fromEntries(files.map((f) => [f, join(dir, f)])) } };
      }
      hub = await startFakeHub(repos);
    });
    after(() => hub.close());
    const hubEnv = async () => ({ HF_HOME: await tmp(), HF_HUB_CACHE: await tmp() });
    const sumOf = (l: Listing) => l.tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);

    test('Qwen3-0.6B (one file, the tied head stored twice): every unit matches, locally and on the Hub', async () => {
      const listing = readListing('Qwen__Qwen3-0.6B');
      assert.equal(sumOf(listing), 751_632_384, "the report's own total");
      for (const source of [dirs.get('Qwen__Qwen3-0.6B')!, 'Qwen/Qwen3-0.6B']) {
        const { arch, report } = await verifySource(source, { endpoint: hub.url, env: await hubEnv() });
        assert.ok(report.ok, reportText(arch, report));
        assert.equal(report.totals.found, 596_049_920);
        assert.equal(report.totals.found, arch.totals.params);
        assert.deepEqual(report.setAside, [{ reason: 'tied head stored twice', tensors: 1, stored: 151_936 * 1024 }]);
      }
    });

    test('gpt-oss-20b (MXFP4 experts: blocks hold two values a byte, scales set aside; three shards)', async () => {
      const { arch, report } = await verifySource('openai/gpt-oss-20b', { endpoint: hub.url, env: await hubEnv() });
      assert.ok(report.ok, reportText(arch, report));
      assert.equal(report.commit, sha);
      assert.equal(report.totals.found, 20_914_757_184);
      const experts = report.units.find((u) => u.id === 'layers.experts')!;
      assert.ok(experts.tensors.some((t) => t.pattern === 'model.layers.N.mlp.experts.gate_up_proj_blocks' && t.count === 24), JSON.stringify(experts.tensors));
      // 24 layers × (gate_up + down) scales: one U8 exponent per 32 values.
      assert.deepEqual(report.setAside, [{ reason: 'quantization scale', tensors: 48, stored: 597_196_800 }]);
      assert.equal(report.setAside[0]!.stored * 32, experts.found - 24 * 32 * (2 * 2880 + 2880), 'one scale per 32 expert weights (biases unscaled)');
    });

    test('DeepSeek-V3 (163 FP8 shards with block scales, the MTP layer and its copies of embedding and head) through the Hub', async () => {
      const listing = readListing('deepseek-ai__DeepSeek-V3');
      assert.equal(listing.tensors.length, 91_991);
      const { arch, report } = await verifySource('deepseek-ai/DeepSeek-V3', { endpoint: hub.url, env: await hubEnv() });
      assert.ok(report.ok, reportText(arch, report));
      assert.equal(report.totals.found, 682_636_487_424, 'main model and MTP module');
      assert.equal(report.units.filter((u) => u.id.startsWith('mtp.')).reduce((a, u) => a + u.found, 0), 682_636_487_424 - 671_026_419_200);
      const aside = Object.fromEntries(report.setAside.map((a) => [a.reason, a]));
      assert.equal(aside['quantization scale']?.tensors, 45_808);
      assert.equal(aside["MTP module's copy of the embedding"]?.stored, 129_280 * 7168);
      assert.equal(aside["MTP module's copy of the output head"]?.stored, 129_280 * 7168);
      assert.equal(report.totals.found + report.setAside.reduce((a, s) => a + s.stored, 0), sumOf(listing), 'every stored value is counted or set aside');
      const shardGets = hub.requests.filter((r) => r.method === 'GET' && r.url.includes('deepseek-ai/DeepSeek-V3') && r.url.endsWith('.safetensors'));
      assert.ok(shardGets.length >= 163 && shardGets.every((r) => r.range !== null), 'every shard read by range');
      assert.ok(shardGets.reduce((a, r) => a + r.bytes, 0) < 40_000_000, 'headers only');
      const text = reportText(arch, report);
      assert.match(text, /MTP · Routed experts/);
    });

    test('DeepSeek-V3 with one expert of one layer misshapen: the report names the unit, the tensor and its usual shape', async () => {
      const listing = readListing('deepseek-ai__DeepSeek-V3');
      const bad = 'model.layers.40.mlp.experts.17.down_proj.weight';
      const t = listing.tensors.find((x) => x.name === bad)!;
      t.shape = [t.shape[0]!, t.shape[1]! - 128];
      const dir = await tmp();
      await copyFile(fixturePath('configs/deepseek-ai__DeepSeek-V3.json'), join(dir, 'config.json'));
      await writeListing(dir, listing);
      const { arch, report } = await verifySource(dir);
      assert.equal(report.ok, false);
      const experts = report.units.find((u) => u.id === 'layers.experts')!;
      assert.equal(experts.found - experts.expected, -7168 * 128);
      assert.deepEqual(experts.outliers, [{ name: bad, shape: [7168, 1920], usual: [7168, 2048] }]);
      assert.deepEqual(report.units.filter((u) => !u.ok).map((u) => u.id), ['layers.experts']);
      assert.match(reportText(arch, report), /odd one: model\.layers\.40\.mlp\.experts\.17\.down_proj\.weight is \[7168,1920\] where the others are \[7168,2048\]/);
    });
  });

  describe("other families' module paths (the names transformers saves them under)", () => {
    const t = (name: string, shape: number[], dtype = 'F32'): TensorSpec => ({ name, dtype, shape });
    const perLayer = (L: number, f: (p: string) => TensorSpec[]) => Array.from({ length: L }, (_, n) => f(String(n))).flat();
    const FAMILIES: [string, string, () => TensorSpec[]][] = [
      // GPT-2: Conv1D weights [in, out], no prefix, the causal-mask buffer `attn.bias` stored per layer.
      ['configs/openai-community__gpt2.json', 'GPT-2', () => [
        t('wte.weight', [50257, 768]), t('wpe.weight', [1024, 768]),
        ...perLayer(12, (n) => [
          t(`h.${n}.ln_1.weight`, [768]), t(`h.${n}.ln_1.bias`, [768]), t(`h.${n}.attn.bias`, [1, 1, 1024, 1024]),
          t(`h.${n}.attn.c_attn.weight`, [768, 2304]), t(`h.${n}.attn.c_attn.bias`, [2304]), t(`h.${n}.attn.c_proj.weight`, [768, 768]), t(`h.${n}.attn.c_proj.bias`, [768]),
          t(`h.${n}.ln_2.weight`, [768]), t(`h.${n}.ln_2.bias`, [768]),
          t(`h.${n}.mlp.c_fc.weight`, [768, 3072]), t(`h.${n}.mlp.c_fc.bias`, [3072]), t(`h.${n}.mlp.c_proj.weight`, [3072, 768]), t(`h.${n}.mlp.c_proj.bias`, [768]),
        ]),
        t('ln_f.weight', [768]), t('ln_f.bias', [768]),
      ]],
      // OPT: model.decoder.…, positions with OPT's offset of 2 rows, per-layer final_layer_norm before the MLP.
      ['configs/facebook__opt-125m.json', 'OPT', () => [
        t('model.decoder.embed_tokens.weight', [50272, 768], 'F16'), t('model.decoder.embed_positions.weight', [2050, 768], 'F16'),
        ...perLayer(12, (n) => [
          ...['k', 'v', 'q', 'out'].flatMap((x) => [t(`model.decoder.layers.${n}.self_attn.${x}_proj.weight`, [768, 768], 'F16'), t(`model.decoder.layers.${n}.self_attn.${x}_proj.bias`, [768], 'F16')]),
          t(`model.decoder.layers.${n}.self_attn_layer_norm.weight`, [768], 'F16'), t(`model.decoder.layers.${n}.self_attn_layer_norm.bias`, [768], 'F16'),
          t(`model.decoder.layers.${n}.fc1.weight`, [3072, 768], 'F16'), t(`model.decoder.layers.${n}.fc1.bias`, [3072], 'F16'),
          t(`model.decoder.layers.${n}.fc2.weight`, [768, 3072], 'F16'), t(`model.decoder.layers.${n}.fc2.bias`, [768], 'F16'),
          t(`model.decoder.layers.${n}.final_layer_norm.weight`, [768], 'F16'), t(`model.decoder.layers.${n}.final_layer_norm.bias`, [768], 'F16'),
        ]),
        t('model.decoder.final_layer_norm.weight', [768], 'F16'), t('model.decoder.final_layer_norm.bias', [768], 'F16'),
      ]],
      // Gemma 2: four norms a layer; post_attention_layernorm follows attention here.
      ['configs/google__gemma-2-2b-it.json', 'Gemma 2', () => [
        t('model.embed_tokens.weight', [256000, 2304], 'BF16'),
        ...perLayer(26, (n) => [
          ...['input_layernorm', 'post_attention_layernorm', 'pre_feedforward_layernorm', 'post_feedforward_layernorm'].map((x) => t(`model.layers.${n}.${x}.weight`, [2304], 'BF16')),
          t(`model.layers.${n}.self_attn.q_proj.weight`, [2048, 2304], 'BF16'), t(`model.layers.${n}.self_attn.k_proj.weight`, [1024, 2304], 'BF16'),
          t(`model.layers.${n}.self_attn.v_proj.weight`, [1024, 2304], 'BF16'), t(`model.layers.${n}.self_attn.o_proj.weight`, [2304, 2048], 'BF16'),
          t(`model.layers.${n}.mlp.gate_proj.weight`, [9216, 2304], 'BF16'), t(`model.layers.${n}.mlp.up_proj.weight`, [9216, 2304], 'BF16'), t(`model.layers.${n}.mlp.down_proj.weight`, [2304, 9216], 'BF16'),
        ]),
        t('model.norm.weight', [2304], 'BF16'),
      ]],
      // Falcon-7B: transformer.h.N, one norm feeding attention and MLP side by side, fused multi-query QKV.
      ['extra/tiiuae__falcon-7b.remote-code.json', 'Falcon', () => [
        t('transformer.word_embeddings.weight', [65024, 4544], 'BF16'),
        ...perLayer(32, (n) => [
          t(`transformer.h.${n}.input_layernorm.weight`, [4544], 'BF16'), t(`transformer.h.${n}.input_layernorm.bias`, [4544], 'BF16'),
          t(`transformer.h.${n}.self_attention.query_key_value.weight`, [4672, 4544], 'BF16'), t(`transformer.h.${n}.self_attention.dense.weight`, [4544, 4544], 'BF16'),
          t(`transformer.h.${n}.mlp.dense_h_to_4h.weight`, [18176, 4544], 'BF16'), t(`transformer.h.${n}.mlp.dense_4h_to_h.weight`, [4544, 18176], 'BF16'),
        ]),
        t('transformer.ln_f.weight', [4544], 'BF16'), t('transformer.ln_f.bias', [4544], 'BF16'), t('lm_head.weight', [65024, 4544], 'BF16'),
      ]],
    ];
    for (const [config, family, tensors] of FAMILIES) {
      test(`${family}: every unit matches its tensors`, async () => {
        const dir = await localModel(config, () => tensors());
        const { arch, report } = await verifySource(dir);
        assert.ok(report.ok, reportText(arch, report));
        assert.equal(report.totals.found, arch.totals.params);
      });
    }
    test("Gemma 2's four norms are the four norm units, not two of them doubled", async () => {
      const dir = await localModel('configs/google__gemma-2-2b-it.json', () => FAMILIES[2]![2]());
      const { report } = await verifySource(dir);
      for (const id of ['layers.attn_norm', 'layers.post_attn_norm', 'layers.ffn_norm', 'layers.post_ffn_norm']) {
        assert.equal(report.units.find((u) => u.id === id)?.found, 26 * 2304, id);
      }
    });
  });

  test("DeepSeek-V4-Flash under its own names: FP8 with .scale, FP4 experts as int8 pairs, hash layers' tid2eid set aside, compressors by ratio, mHC, mtp.0", async () => {
    const c = JSON.parse(await readFile(fixturePath('configs/deepseek-ai__DeepSeek-V4-Flash.json'), 'utf8')) as Record<string, number> & { compress_ratios: number[] };
    const n = (key: string): number => c[key]!;
    const [D, H, hd, qr, G, Ro, E, I, V, hc, Hi, hi, L, k] = ['hidden_size', 'num_attention_heads', 'head_dim', 'q_lora_rank', 'o_groups', 'o_lora_rank', 'n_routed_experts', 'moe_intermediate_size', 'vocab_size', 'hc_mult', 'index_n_heads', 'index_head_dim', 'num_hidden_layers', 'num_experts_per_tok'].map(n) as [number, number, number, number, number, number, number, number, number, number, number, number, number, number];
    const mix = (2 + hc) * hc;
    // The tensor inventory of fixtures/deepseek-v4-tensors.md (inference/model.py's names and dtypes).
    const t = (name: string, shape: number[], dtype = 'BF16'): TensorSpec => ({ name, dtype, shape });
    const fp8 = (name: string, shape: number[]) => [t(`${name}.weight`, shape, 'F8_E4M3'), t(`${name}.scale`, [Math.ceil(shape[0]! / 128), Math.ceil(shape[1]! / 128)], 'F8_E8M0')];
    const fp4 = (name: string, [out, inp]: number[]) => [t(`${name}.weight`, [out!, inp! / 2], 'I8'), t(`${name}.scale`, [out!, inp! / 32], 'F8_E8M0')];
    const compressor = (p: string, r: number, h: number) => { const cc = r === 4 ? 2 : 1; return [t(`${p}.ape`, [r, cc * h], 'F32'), t(`${p}.wkv.weight`, [cc * h, D]), t(`${p}.wgate.weight`, [cc * h, D]), t(`${p}.norm.weight`, [h])]; };
    const block = (p: string, layer: number) => {
      const r = c.compress_ratios[layer]!;
      const out: TensorSpec[] = [
        t(`${p}.attn.attn_sink`, [H], 'F32'), ...fp8(`${p}.attn.wq_a`, [qr, D]), t(`${p}.attn.q_norm.weight`, [qr]), ...fp8(`${p}.attn.wq_b`, [H * hd, qr]),
        ...fp8(`${p}.attn.wkv`, [hd, D]), t(`${p}.attn.kv_norm.weight`, [hd]), ...fp8(`${p}.attn.wo_a`, [G * Ro, (H * hd) / G]), ...fp8(`${p}.attn.wo_b`, [D, G * Ro]),
        t(`${p}.ffn.gate.weight`, [E, D]),
        ...Array.from({ length: E }, (_, e) => [...fp4(`${p}.ffn.experts.${e}.w1`, [I, D]), ...fp4(`${p}.ffn.experts.${e}.w3`, [I, D]), ...fp4(`${p}.ffn.experts.${e}.w2`, [D, I])]).flat(),
        ...fp8(`${p}.ffn.shared_experts.w1`, [I, D]), ...fp8(`${p}.ffn.shared_experts.w3`, [I, D]), ...fp8(`${p}.ffn.shared_experts.w2`, [D, I]),
        t(`${p}.attn_norm.weight`, [D]), t(`${p}.ffn_norm.weight`, [D]),
        ...['attn', 'ffn'].flatMap((x) => [t(`${p}.hc_${x}_fn`, [mix, hc * D], 'F32'), t(`${p}.hc_${x}_base`, [mix], 'F32'), t(`${p}.hc_${x}_scale`, [3], 'F32')]),
      ];
      out.push(layer < n('num_hash_layers') ? t(`${p}.ffn.gate.tid2eid`, [V, k], 'I64') : t(`${p}.ffn.gate.bias`, [E], 'F32'));
      if (r > 0) out.push(...compressor(`${p}.attn.compressor`, r, hd));
      if (r === 4) out.push(...fp8(`${p}.attn.indexer.wq_b`, [Hi * hi, qr]), t(`${p}.attn.indexer.weights_proj.weight`, [Hi, D]), ...compressor(`${p}.attn.indexer.compressor`, 4, hi));
      return out;
    };
    const head = (p: string) => [t(`${p}hc_head_fn`, [hc, hc * D], 'F32'), t(`${p}hc_head_base`, [hc], 'F32'), t(`${p}hc_head_scale`, [1], 'F32')];
    const tensors = [
      t('embed.weight', [V, D]), t('head.weight', [V, D]), t('norm.weight', [D]), ...head(''),
      ...Array.from({ length: L }, (_, n) => block(`layers.${n}`, n)).flat(),
      ...block('mtp.0', L), ...fp8('mtp.0.e_proj', [D, D]), ...fp8('mtp.0.h_proj', [D, D]),
      t('mtp.0.enorm.weight', [D]), t('mtp.0.hnorm.weight', [D]), t('mtp.0.norm.weight', [D]), ...head('mtp.0.'),
    ];
    const dir = await tmp();
    await copyFile(fixturePath('configs/deepseek-ai__DeepSeek-V4-Flash.json'), join(dir, 'config.json'));
    const shards: Record<string, TensorSpec[]> = {};
    tensors.forEach((x, i) => (shards[`model-${String(1 + Math.floor((46 * i) / tensors.length)).padStart(5, '0')}-of-00046.safetensors`] ??= []).push(x));
    await writeShardedCheckpoint(dir, shards);
    const { arch, report } = await verifySource(dir);
    assert.ok(report.ok, reportText(arch, report));
    assert.equal(report.totals.found, arch.totals.params);
    const aside = Object.fromEntries(report.setAside.map((a) => [a.reason, a]));
    assert.deepEqual(aside['non-learned table'], { reason: 'non-learned table', tensors: 3, stored: 3 * V * k });
    assert.equal(aside['non-learned table']!.stored, arch.non_learned[0]!.total, "the tid2eid tables are arch.json's non_learned");
    for (const id of ['layers.router.hash', 'layers.compressor.r4', 'layers.compressor.r128', 'layers.indexer', 'layers.hc_attn', 'hc_head', 'mtp.proj']) {
      assert.ok(report.units.find((u) => u.id === id)!.found > 0, id);
    }
  });

  describe('quantized checkpoints: packed values counted as the quantization_config says', () => {
    /** Each linear weight `[out, in]` of a layer as a scheme stores it; embedding, head, norms and biases stay BF16. */
    const SCHEMES: Record<string, { config: Record<string, unknown>; store: (base: string, out: number, inp: number) => TensorSpec[] }> = {
      'GPTQ 4-bit': {
        config: { quant_method: 'gptq', bits: 4, group_size: 128, desc_act: false },
        store: (b, out, inp) => [
          { name: `${b}.qweight`, dtype: 'I32', shape: [inp / 8, out] },
          { name: `${b}.qzeros`, dtype: 'I32', shape: [inp / 128, out / 8] },
          { name: `${b}.scales`, dtype: 'F16', shape: [inp / 128, out] },
          { name: `${b}.g_idx`, dtype: 'I32', shape: [inp] },
        ],
      },
      'AWQ 4-bit': {
        config: { quant_method: 'awq', bits: 4, group_size: 128, version: 'gemm' },
        store: (b, out, inp) => [
          { name: `${b}.qweight`, dtype: 'I32', shape: [inp, out / 8] },
          { name: `${b}.qzeros`, dtype: 'I32', shape: [inp / 128, out / 8] },
          { name: `${b}.scales`, dtype: 'F16', shape: [inp / 128, out] },
        ],
      },
      'compressed-tensors 8-bit': {
        config: { quant_method: 'compressed-tensors', format: 'pack-quantized', config_groups: { group_0: { targets: ['Linear'], weights: { num_bits: 8, type: 'int', symmetric: true, strategy: 'channel' } } } },
        store: (b, out, inp) => [
          { name: `${b}.weight_packed`, dtype: 'I32', shape: [out, inp / 4] },
          { name: `${b}.weight_scale`, dtype: 'BF16', shape: [out, 1] },
          { name: `${b}.weight_shape`, dtype: 'I64', shape: [2] },
        ],
      },
      'ModelOpt NVFP4': {
        config: { quant_method: 'modelopt', quant_algo: 'NVFP4', group_size: 16 },
        store: (b, out, inp) => [
          { name: `${b}.weight`, dtype: 'U8', shape: [out, inp / 2] },
          { name: `${b}.weight_scale`, dtype: 'F8_E4M3', shape: [out, inp / 16] },
          { name: `${b}.weight_scale_2`, dtype: 'F32', shape: [] },
          { name: `${b}.input_scale`, dtype: 'F32', shape: [] },
        ],
      },
    };
    const quantized = async (scheme: keyof typeof SCHEMES, withConfig = true) => {
      const dir = await tmp();
      const config = JSON.parse(await readFile(fixturePath('configs/Qwen__Qwen2.5-0.5B.json'), 'utf8')) as Record<string, unknown>;
      if (withConfig) config['quantization_config'] = SCHEMES[scheme]!.config;
      await writeFile(join(dir, 'config.json'), JSON.stringify(config));
      const { arch } = await extract(join(dir, 'config.json'));
      const tensors = llamaTensors(arch).flatMap((t) => (/layers\.\d+\.(self_attn|mlp)\.\w+_proj\.weight$/.test(t.name) ? SCHEMES[scheme]!.store(t.name.replace(/\.weight$/, ''), t.shape[0]!, t.shape[1]!) : [t]));
      await writeSafetensors(join(dir, 'model.safetensors'), tensors);
      return dir;
    };
    for (const scheme of Object.keys(SCHEMES)) {
      test(`${scheme}: every unit matches, scales set aside`, async () => {
        const { arch, report } = await verifySource(await quantized(scheme));
        assert.ok(report.ok, reportText(arch, report));
        assert.equal(report.totals.found, arch.totals.params);
        assert.ok(report.setAside.some((a) => a.reason === 'quantization scale' && a.tensors >= 24 * 7), JSON.stringify(report.setAside));
        assert.match(reportText(arch, report), /packed values unpacked as/);
      });
    }
    test('the same GPTQ tensors without a quantization_config: packed words are not values, and every projection is off', async () => {
      const { report } = await verifySource(await quantized('GPTQ 4-bit', false));
      assert.equal(report.ok, false);
      const attn = report.units.find((u) => u.id === 'layers.attn')!;
      assert.ok(attn.found < attn.expected / 4, `${attn.found} vs ${attn.expected}`);
    });
  });

  test('a cached report that was tampered with, or no longer fits the units, is read again, never served', async () => {
    const { verifyArch } = await import('../src/checkpoint/index.js');
    const dir = await tmp();
    await copyFile(fixturePath('configs/Qwen__Qwen2.5-0.5B.json'), join(dir, 'config.json'));
    const { arch } = await extract(join(dir, 'config.json'));
    const good = llamaTensors(arch);
    await writeSafetensors(join(dir, 'model.safetensors'), good.filter((t) => t.name !== 'model.norm.weight'));
    const sha = 'd'.repeat(40);
    const hub = await startFakeHub({
      'Qwen/Qwen2.5-0.5B': { refs: { main: sha }, commits: { [sha]: { 'config.json': await readFile(join(dir, 'config.json'), 'latin1') } }, disk: { [sha]: { 'model.safetensors': join(dir, 'model.safetensors') } } },
    });
    try {
      const env = { HF_HOME: await tmp(), HF_HUB_CACHE: await tmp() };
      const cacheDir = await tmp();
      const hubArch = (await extract('Qwen/Qwen2.5-0.5B', { endpoint: hub.url, env })).arch;
      const first = await verifyArch('Qwen/Qwen2.5-0.5B', hubArch, { endpoint: hub.url, env, cacheDir });
      assert.equal(first.ok, false, 'the final norm is missing');
      const [file] = await readdir(join(cacheDir, 'checkpoints'));
      const path = join(cacheDir, 'checkpoints', file!);
      const entry = JSON.parse(await readFile(path, 'utf8')) as { key: string; sha256: string; report: VerifyReport };
      const reads = () => hub.requests.filter((r) => r.url.endsWith('.safetensors')).length;
      // A poisoned verdict (ok: true, the units "found" as expected) with its sha256 made to fit.
      const poisoned = { ...entry.report, ok: true, units: entry.report.units.map((u) => ({ ...u, found: u.expected, ok: true })), totals: { ...entry.report.totals, found: entry.report.totals.expected } };
      const { createHash } = await import('node:crypto');
      const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');
      const cases: [string, string][] = [
        ['flipped verdict, old sha256', JSON.stringify({ ...entry, report: { ...entry.report, ok: true } })],
        ['truncated', JSON.stringify(entry).slice(0, 200)],
        ['other units', JSON.stringify({ ...entry, report: { ...poisoned, units: poisoned.units.map((u) => ({ ...u, expected: u.expected + 1, found: u.expected + 1 })) }, sha256: sha256(JSON.stringify({ ...poisoned, units: poisoned.units.map((u) => ({ ...u, expected: u.expected + 1, found: u.expected + 1 })) })) })],
        ['verdict that its numbers contradict', JSON.stringify({ key: entry.key, report: { ...entry.report, ok: true }, sha256: sha256(JSON.stringify({ ...entry.report, ok: true })) })],
      ];
      for (const [what, text] of cases) {
        await writeFile(path, text);
        const before = reads();
        const again = await verifyArch('Qwen/Qwen2.5-0.5B', hubArch, { endpoint: hub.url, env, cacheDir });
        assert.equal(again.ok, false, what);
        assert.ok(reads() > before, `${what}: the headers were read again`);
      }
      // An intact entry is served without a request.
      const before = reads();
      assert.equal((await verifyArch('Qwen/Qwen2.5-0.5B', hubArch, { endpoint: hub.url, env, cacheDir })).ok, false);
      assert.equal(reads(), before);
    } finally {
      await hub.close();
    }
  });

  describe('hostile headers: a clear error each, nothing large read', () => {
    const one: TensorSpec[] = [{ name: 'model.embed_tokens.weight', dtype: 'BF16', shape: [4, 4] }];
    const folder = async (write: (path: string) => Promise<void>) => {
      const dir = await tmp();
      await write(join(dir, 'model.safetensors'));
      return dir;
    };
    const raw = async (path: string, length: bigint, body: string, size?: number) => {
      const f = await open(path, 'w');
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(length);
      await f.write(b, 0, 8, 0);
      await f.write(Buffer.from(body), 0, Buffer.byteLength(body), 8);
      if (size !== undefined) await f.truncate(size);
      await f.close();
    };
    const entry = (e: Record<string, unknown>) => JSON.stringify({ 'model.embed_tokens.weight': { dtype: 'BF16', shape: [4, 4], data_offsets: [0, 32], ...e } });

    test('a header length larger than the file', async () => {
      const dir = await folder((p) => raw(p, 10_000n, '{}'));
      await expectCheckpointError(readLocalCheckpoint(dir), 'checkpoint-invalid', /claims 10000 bytes, more than the 2 bytes/);
    });
    test('invalid JSON', async () => {
      const dir = await folder((p) => raw(p, 9n, '{"a": [1,'));
      await expectCheckpointError(readLocalCheckpoint(dir), 'checkpoint-invalid', /not valid JSON/);
    });
    test('a 100 MB header is refused before it is read', async () => {
      const dir = await folder((p) => raw(p, 100_000_000n, '{', 100_000_016));
      const before = process.memoryUsage().rss;
      await expectCheckpointError(readLocalCheckpoint(dir), 'input-too-large', new RegExp(`larger than the ${MAX_HEADER_BYTES}-byte limit`));
      assert.ok(process.memoryUsage().rss - before < 50_000_000, 'no 100 MB buffer');
    });
    test('negative and absurd shapes, unknown dtypes', async () => {
      for (const [e, re] of [
        [{ shape: [-1, 4] }, /invalid shape \[-1,4\]/],
        [{ shape: [2 ** 30, 2 ** 30, 2 ** 10] }, /absurd shape/],
        [{ shape: [4.5, 4] }, /invalid shape/],
        [{ dtype: 'Q4_K' }, /unknown dtype "Q4_K"/],
        [{ data_offsets: [0, 31] }, /hold 31 bytes, but BF16 \[4,4\] needs 32/],
        [{ data_offsets: [0, 32], shape: [4, 4] }, null],
      ] as [Record<string, unknown>, RegExp | null][]) {
        const header = entry(e);
        const dir = await folder((p) => writeSafetensors(p, one, { header, dataSize: 32 }));
        if (re) await expectCheckpointError(readLocalCheckpoint(dir), 'checkpoint-invalid', re);
        else assert.equal((await readLocalCheckpoint(dir)).tensors.length, 1);
      }
    });
    test('offsets past the data, and tensors that overlap', async () => {
      const past = await folder((p) => writeSafetensors(p, one, { header: entry({ data_offsets: [32, 64] }), dataSize: 32 }));
      await expectCheckpointError(readLocalCheckpoint(past), 'checkpoint-invalid', /end at 64, past the 32 bytes of data/);
      const both = JSON.stringify({
        a: { dtype: 'BF16', shape: [16], data_offsets: [0, 32] },
        b: { dtype: 'BF16', shape: [16], data_offsets: [16, 48] },
      });
      const overlap = await folder((p) => writeSafetensors(p, one, { header: both, dataSize: 48 }));
      await expectCheckpointError(readLocalCheckpoint(overlap), 'checkpoint-invalid', /"a" and "b" overlap/);
    });
    test('an index naming a shard outside the folder', async () => {
      const dir = await tmp();
      await writeSafetensors(join(dir, 'a.safetensors'), one);
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { x: '../../etc/passwd.safetensors' } }));
      await expectCheckpointError(readLocalCheckpoint(dir), 'checkpoint-invalid', /not a \.safetensors file in this folder/);
    });
    test('no checkpoint at all', async () => {
      const dir = await tmp();
      await expectCheckpointError(readLocalCheckpoint(dir), 'checkpoint-not-found', /no \.safetensors file/);
    });
  });

  test('the header helper writes what safetensors writes (8-byte aligned header)', () => {
    const { json, dataSize } = headerOf([{ name: 'x', dtype: 'F32', shape: [3] }]);
    assert.equal(Buffer.byteLength(json) % 8, 0);
    assert.equal(dataSize, 12);
    assert.ok(existsSync(fixturePath('configs/Qwen__Qwen2.5-0.5B.json')));
    void mkdir;
  });
});
