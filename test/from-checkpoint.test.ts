/**
 * `--from-checkpoint`: the structure and every count read from safetensors headers alone. A model
 * type this tool does not describe (JetBrains' `mellum`) gets its exact Hub total and a figure
 * that says where its structure came from; the real listings of fixtures/checkpoints/ give, from
 * their tensors, the same totals as their configs do.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { extract, HfArchError, sceneProblems } from '../src/index.js';
import { buildFigure } from '../src/build.js';
import { layoutFigure } from '../src/figure/layout.js';
import { fixturePath } from './helpers/fixtures.js';
import { startFakeHub, type FakeHub } from './helpers/hub-server.js';
import { readListing, writeListing, writeSafetensors, type TensorSpec } from './helpers/safetensors.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const tmp = () => mkdtemp(join(tmpdir(), 'hf-arch-fromckpt-'));
const MELLUM = 'checkpoints/JetBrains__Mellum2-12B-A2.5B-Thinking.config.json';
/** The Hub's safetensors total of JetBrains/Mellum2-12B-A2.5B-Thinking (corpus checkpoints.json). */
const MELLUM_TOTAL = (JSON.parse(await readFile(fixturePath('checkpoints/checkpoints.json'), 'utf8')) as Record<string, { checkpoint_params: number }>)['JetBrains__Mellum2-12B-A2.5B-Thinking.json']!.checkpoint_params;

/**
 * Mellum's tensors under Qwen3-MoE's module names (the corpus calls it "Qwen3-MoE-like": 64
 * experts, no shared expert, every layer sparse, q/k norms, untied head), shaped from its config.
 * Their sum is the Hub's total to the unit (asserted below), which is what makes this listing a
 * fair stand-in for the checkpoint's own headers.
 */
async function mellumTensors(): Promise<TensorSpec[]> {
  const c = JSON.parse(await readFile(fixturePath(MELLUM), 'utf8')) as Record<string, number>;
  const [d, V, H, Hkv, dh, E, dm, L] = [c['hidden_size']!, c['vocab_size']!, c['num_attention_heads']!, c['num_key_value_heads']!, c['head_dim']!, c['num_experts']!, c['moe_intermediate_size']!, c['num_hidden_layers']!];
  const t = (name: string, shape: number[]): TensorSpec => ({ name, dtype: 'BF16', shape });
  const out = [t('model.embed_tokens.weight', [V, d])];
  for (let n = 0; n < L; n++) {
    const p = `model.layers.${n}`;
    out.push(t(`${p}.input_layernorm.weight`, [d]), t(`${p}.post_attention_layernorm.weight`, [d]));
    out.push(t(`${p}.self_attn.q_proj.weight`, [H * dh, d]), t(`${p}.self_attn.k_proj.weight`, [Hkv * dh, d]), t(`${p}.self_attn.v_proj.weight`, [Hkv * dh, d]), t(`${p}.self_attn.o_proj.weight`, [d, H * dh]));
    out.push(t(`${p}.self_attn.q_norm.weight`, [dh]), t(`${p}.self_attn.k_norm.weight`, [dh]), t(`${p}.mlp.gate.weight`, [E, d]));
    for (let e = 0; e < E; e++) out.push(t(`${p}.mlp.experts.${e}.gate_proj.weight`, [dm, d]), t(`${p}.mlp.experts.${e}.up_proj.weight`, [dm, d]), t(`${p}.mlp.experts.${e}.down_proj.weight`, [d, dm]));
  }
  out.push(t('model.norm.weight', [d]), t('lm_head.weight', [V, d]));
  return out;
}

async function folderWith(config: string, tensors: TensorSpec[], name = 'Mellum2-12B-A2.5B-Thinking', modelType?: string): Promise<string> {
  const dir = join(await tmp(), name);
  await mkdir(dir);
  if (modelType === undefined) await copyFile(fixturePath(config), join(dir, 'config.json'));
  else await writeFile(join(dir, 'config.json'), JSON.stringify({ ...(JSON.parse(await readFile(fixturePath(config), 'utf8')) as object), model_type: modelType }, null, 2));
  await writeSafetensors(join(dir, 'model.safetensors'), tensors);
  return dir;
}

const elements = (ts: TensorSpec[]) => ts.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);

describe('--from-checkpoint', () => {
  let hub: FakeHub;
  let mellumDir: string;
  /** The same checkpoint under a model_type this tool does not describe. */
  let unknownDir: string;
  const sha = 'e'.repeat(40);
  before(async () => {
    mellumDir = await folderWith(MELLUM, await mellumTensors());
    unknownDir = await folderWith(MELLUM, await mellumTensors(), 'Mellum-next', 'mellum_next');
    hub = await startFakeHub({
      'JetBrains/Mellum2-12B-A2.5B-Thinking': {
        refs: { main: sha },
        commits: { [sha]: { 'config.json': await readFile(join(mellumDir, 'config.json'), 'latin1') } },
        disk: { [sha]: { 'model.safetensors': join(mellumDir, 'model.safetensors') } },
      },
    });
  });
  after(() => hub.close());

  test('the stand-in listing sums to the Hub total of Mellum2 (12,149,923,072)', async () => {
    assert.equal(elements(await mellumTensors()), MELLUM_TOTAL);
    assert.equal(MELLUM_TOTAL, 12_149_923_072);
  });

  test('a model type we do not describe: refused from its config, with the way out in the hint', async () => {
    await assert.rejects(extract(unknownDir), (e: unknown) => e instanceof HfArchError && e.code === 'unsupported-model-type' && /--from-checkpoint/.test(e.hint ?? ''));
  });

  test('Mellum, described from its config, gives what its tensors give', async () => {
    const fromConfig = (await extract(mellumDir)).arch;
    const fromTensors = (await extract(mellumDir, { fromCheckpoint: true })).arch;
    assert.equal(fromConfig.totals.params, MELLUM_TOTAL);
    assert.equal(fromConfig.totals.params, fromTensors.totals.params);
    assert.equal(fromConfig.totals.active_params, fromTensors.totals.active_params);
  });

  test('counted from its tensors, locally and on the Hub: the exact total, the units, the active count', async () => {
    for (const [source, options] of [[mellumDir, {}], ['JetBrains/Mellum2-12B-A2.5B-Thinking', { endpoint: hub.url, env: { HF_HOME: await tmp(), HF_HUB_CACHE: await tmp() } }]] as const) {
      const { arch } = await extract(source, { ...options, fromCheckpoint: true });
      assert.equal(arch.model.structure, 'tensor-names');
      assert.equal(arch.model.model_type, 'mellum');
      assert.equal(arch.totals.params, MELLUM_TOTAL, source);
      assert.equal(arch.totals.params_main, MELLUM_TOTAL);
      assert.deepEqual(arch.units.map((u) => u.id), ['embed', 'layers.attn_norm', 'layers.qk_norm', 'layers.attn', 'layers.ffn_norm', 'layers.router', 'layers.experts', 'final_norm', 'head']);
      const experts = arch.units.find((u) => u.id === 'layers.experts')!;
      assert.equal(experts.param_count, 64 * 3 * 896 * 2304);
      assert.equal(experts.active_param_count, 8 * 3 * 896 * 2304, 'num_experts_per_tok = 8 of 64');
      assert.equal(arch.totals.active_params, MELLUM_TOTAL - 28 * 56 * 3 * 896 * 2304);
      assert.equal(arch.totals.active_params_non_embedding, arch.totals.active_params - 98_304 * 2304);
      assert.equal(arch.totals.kv_cache_bytes_per_token, 28 * 2 * 4 * 128 * 2);
      assert.equal(arch.family, 'gqa');
      assert.equal(arch.flags.moe, true);
      assert.equal(arch.flags.qk_norm, 'per_head');
      assert.equal(arch.flags.tied_embeddings, false);
      assert.ok(arch.notes.some((n) => /tensor names and shapes \(\d+ tensors in 1 file\)/.test(n)), arch.notes.join('\n'));
      assert.equal(experts.formula_symbolic, '192\\,896\\,d', 'each expert tensor a shape: 64 experts × 3 matrices of 896 × d');
    }
  });

  test('the figure: drawn, laid out without a problem, and it says where its structure came from', async () => {
    const { arch } = await extract(mellumDir, { fromCheckpoint: true });
    const scene = layoutFigure(arch);
    assert.deepEqual(sceneProblems(scene), []);
    const text = (id: string) => scene.items.filter((i) => i.kind === 'text' && i.id === id).flatMap((i) => (i.kind === 'text' ? i.lines.map((l) => l.map((r) => r.text).join('')) : [])).join(' | ');
    assert.match(text('summary'), /12,149,923,072 parameters/);
    assert.match(text('summary'), /structure read from the checkpoint's tensor names/);
    assert.ok(!scene.items.some((i) => i.id.startsWith('inset')), 'no insets: there are no dimensions to draw them with');
    const boxText = (id: string) => scene.items.filter((i) => i.kind === 'box' && i.id === id).flatMap((i) => (i.kind === 'box' ? i.lines.map((l) => l.map((r) => r.text).join('')) : []));
    assert.deepEqual(boxText('attn').slice(0, 2), ['Grouped-query', 'attention'], 'heads from the config');
    assert.ok(boxText('ffn').includes('MoE'));
    const built = await buildFigure(arch, { cacheDir: await tmp() });
    const svg = Buffer.from(built.bytes.svg!).toString('utf8');
    assert.match(svg, /<desc>[^<]*Structure read from the checkpoint&#39;s tensor names\.<\/desc>|<desc>[^<]*Structure read from the checkpoint's tensor names\.<\/desc>/);
  });

  test('modules it does not recognise are counted, listed, and named on the figure; set-aside tensors are not', async () => {
    const extra: TensorSpec[] = [
      ...Array.from({ length: 28 }, (_, n): TensorSpec => ({ name: `model.layers.${n}.mixer.conv1d.weight`, dtype: 'BF16', shape: [2304, 4] })),
      { name: 'model.vision_tower.patch_embed.weight', dtype: 'BF16', shape: [1024, 588] },
      { name: 'model.rotary_emb.inv_freq', dtype: 'F32', shape: [64] },
    ];
    const dir = await folderWith(MELLUM, [...(await mellumTensors()), ...extra]);
    const { arch } = await extract(dir, { fromCheckpoint: true });
    assert.equal(arch.totals.params, MELLUM_TOTAL + 28 * 2304 * 4 + 1024 * 588);
    const other = arch.units.filter((u) => u.family === 'other');
    assert.deepEqual(other.map((u) => [u.id, u.total]), [['layers.other.mixer', 28 * 2304 * 4], ['other.vision_tower', 1024 * 588]]);
    assert.ok(arch.notes.some((n) => /Set aside, not parameters: 1 tensor \(buffer\)/.test(n)));
    const lines = layoutFigure(arch).items.filter((i) => i.kind === 'text').flatMap((i) => (i.kind === 'text' ? i.lines.map((l) => l.map((r) => r.text).join('')) : []));
    assert.ok(lines.includes('Not recognised by name'), lines.join(' | '));
    assert.ok(lines.some((l) => /mixer: 258K in 28 layers/.test(l)) && lines.some((l) => /vision_tower: 602K/.test(l)), lines.join(' | '));
  });

  test('routed experts but no top-k in the config: a located error, not a guessed active count', async () => {
    const dir = await folderWith(MELLUM, await mellumTensors());
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    delete config['num_experts_per_tok'];
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    await assert.rejects(extract(dir, { fromCheckpoint: true }), (e: unknown) => e instanceof HfArchError && e.code === 'config-invalid-field' && /num_experts_per_tok/.test(e.hint ?? '') && (e.location.file ?? '').endsWith('config.json'));
  });

  test("real checkpoints' listings give, from their tensors alone, the totals their configs give", async () => {
    for (const [listing, config] of [['Qwen__Qwen3-0.6B', 'configs/Qwen__Qwen3-0.6B.json'], ['openai__gpt-oss-20b', 'configs/openai__gpt-oss-20b.json'], ['deepseek-ai__DeepSeek-V3', 'configs/deepseek-ai__DeepSeek-V3.json']] as const) {
      const dir = await tmp();
      await copyFile(fixturePath(config), join(dir, 'config.json'));
      await writeListing(dir, readListing(listing));
      const fromTensors = (await extract(dir, { fromCheckpoint: true })).arch;
      const fromConfig = (await extract(dir)).arch;
      const pick = (t: typeof fromConfig.totals) => [t.params, t.params_main, t.active_params, t.active_params_non_embedding, t.kv_cache_bytes_per_token];
      assert.deepEqual(pick(fromTensors.totals), pick(fromConfig.totals), listing);
      assert.equal(fromTensors.mtp_layers.length, fromConfig.mtp_layers.length, listing);
      assert.deepEqual(sceneProblems(layoutFigure(fromTensors)), [], listing);
    }
  });

  test('CLI: extract and build --from-checkpoint; a frozen build takes the structure it recorded', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'extract', '--from-checkpoint', mellumDir]);
    const arch = JSON.parse(stdout) as { model: { structure: string }; totals: { params: number } };
    assert.equal(arch.model.structure, 'tensor-names');
    assert.equal(arch.totals.params, MELLUM_TOTAL);
    const out = join(await tmp(), 'mellum.svg');
    const cacheDir = await tmp();
    await run(process.execPath, [BIN, 'build', '--from-checkpoint', mellumDir, '-o', out, '--cache-dir', cacheDir]);
    assert.match(await readFile(out, 'utf8'), /^<svg[^>]*role="img"/);
    const refused = await run(process.execPath, [BIN, 'extract', unknownDir]).then(() => null, (e: { code: number; stderr: string }) => e);
    assert.equal(refused?.code, 1);
    assert.match(refused!.stderr, /--from-checkpoint/);

    const env = { HF_HOME: await tmp(), HF_HUB_CACHE: await tmp() };
    const hubCache = await tmp();
    const first = await buildFigure('JetBrains/Mellum2-12B-A2.5B-Thinking', { endpoint: hub.url, env, cacheDir: hubCache, fromCheckpoint: true });
    const seen = hub.requests.length;
    const frozen = await buildFigure('JetBrains/Mellum2-12B-A2.5B-Thinking', { endpoint: hub.url, env, cacheDir: hubCache, fromCheckpoint: true, frozen: true });
    assert.equal(frozen.cached, true);
    assert.equal(frozen.key, first.key);
    assert.equal(hub.requests.slice(seen).filter((r) => r.url.endsWith('.safetensors')).length, 0, 'no header read when frozen');
  });
});
