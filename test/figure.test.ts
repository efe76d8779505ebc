/**
 * The layout model: for every fixture and every choice of options, the scene checker finds nothing
 * (no overlaps, nothing off the canvas, no line through a box, brace or label, no lines running
 * parallel too close, no line ending short, every text and script legible at 800 px), the themes
 * keep their contrast, and the printed numbers are the counted ones.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { altText, extract } from '../src/index.js';
import { layoutFigure } from '../src/figure/layout.js';
import type { Scene } from '../src/figure/scene.js';
import { sceneProblems, sceneStats, themeContrastProblems } from '../src/figure/check.js';
import { contextTokens, groupDigits } from '../src/figure/format.js';
import { FIXTURES } from './helpers/fixtures.js';

const files = ['configs', 'extra'].flatMap((dir) =>
  readdirSync(`${FIXTURES}${dir}`).filter((f) => f.endsWith('.json') && f !== 'expected.json').map((f) => `${dir}/${f}`),
);

function allText(scene: Scene): string {
  return scene.items
    .flatMap((i) => (i.kind === 'text' || i.kind === 'box' ? i.lines.map((l) => l.map((r) => r.text).join('')) : []))
    .join('\n');
}

describe('figure layout', () => {
  for (const file of files) {
    test(file, async () => {
      const { arch } = await extract(`${FIXTURES}${file}`);
      for (const options of [{}, { mtp: false }, { ledger: 'none' as const }, { detail: 'compact' as const }]) {
        const scene = layoutFigure(arch, options);
        assert.deepEqual(sceneProblems(scene), [], JSON.stringify(options));
        // Shown 800 px wide: text ≥ 10 px, sub- and superscripts ≥ 8 px (the checker's rule, restated).
        const stats = sceneStats(scene);
        assert.ok(stats.minTextPx! >= 10, `smallest text ${stats.minTextPx} px at 800 px`);
        if (stats.minScriptPx !== null) assert.ok(stats.minScriptPx >= 8, `smallest script ${stats.minScriptPx} px at 800 px`);
      }
      const text = allText(layoutFigure(arch));
      // Every unit of the main model shows its exact count; the title its total.
      for (const unit of arch.units.filter((u) => u.scope !== 'mtp')) {
        if (unit.id === 'head' && arch.flags.tied_embeddings) continue;
        assert.ok(text.includes(groupDigits(unit.param_count)), `${unit.id} = ${groupDigits(unit.param_count)} is printed`);
      }
      assert.ok(text.includes(groupDigits(arch.totals.params_main)), 'total printed');
      assert.equal(text.includes('MTP module'), arch.mtp_layers.length > 0);
      assert.ok(!allText(layoutFigure(arch, { mtp: false })).includes('MTP module'), '--no-mtp hides the branch');
    });
  }

  test('MiniMax-Text-01 (postnorm): each residual leaves after its norm; elsewhere it leaves below the norm', async () => {
    const box = (scene: Scene, id: string) => scene.items.find((i) => i.kind === 'box' && i.id === id) as { y: number; h: number };
    const start = (scene: Scene, n: number) => (scene.items.find((i) => i.kind === 'arrow' && i.id === `residual.${n}`) as { points: [number, number][] }).points[0]![1];
    const { arch: minimax } = await extract(`${FIXTURES}configs/MiniMaxAI__MiniMax-Text-01.json`);
    const post = layoutFigure(minimax);
    for (const [n, norm, main] of [[0, 'norm1', 'attn'], [1, 'norm2', 'ffn']] as const) {
      const y = start(post, n);
      assert.ok(y > box(post, norm).y + box(post, norm).h && y < box(post, main).y, `residual ${n} between ${norm} and ${main}`);
    }
    const { arch: llama } = await extract(`${FIXTURES}configs/meta-llama__Meta-Llama-3-8B-Instruct.json`);
    const pre = layoutFigure(llama);
    assert.ok(start(pre, 0) < box(pre, 'norm1').y, 'the usual residual leaves below RMSNorm 1');
  });

  test('Kimi K3: each sub-layer begins with its attention-residual mix (the residual lane leaves below it), the final norm reads one, an inset explains it', async () => {
    const { arch } = await extract(`${FIXTURES}configs/moonshotai__Kimi-K3.json`);
    const scene = layoutFigure(arch);
    const box = (id: string) => scene.items.find((i) => i.kind === 'box' && i.id === id) as { y: number; h: number } | undefined;
    const start = (n: number) => (scene.items.find((i) => i.kind === 'arrow' && i.id === `residual.${n}`) as { points: [number, number][] }).points[0]![1];
    for (const [n, mix, norm] of [[0, 'ares1', 'norm1'], [1, 'ares2', 'norm2']] as const) {
      assert.ok(box(mix)!.y + box(mix)!.h < box(norm)!.y, `${mix} under ${norm}`);
      assert.ok(start(n) < box(mix)!.y, `the running sum leaves below ${mix}`);
    }
    assert.ok(box('output_res')!.y + box('output_res')!.h < box('final_norm')!.y);
    assert.ok(scene.items.some((i) => i.kind === 'frame' && i.id === 'ares.frame'));
    assert.match(allText(scene), /8 sealed \+ the running one/);
  });

  test('Nemotron-H: one norm and one mixer box per block, which names each mixer with its count', async () => {
    const { arch } = await extract(`${FIXTURES}configs/nvidia__NVIDIA-Nemotron-3-Super-120B-A12B-BF16.json`);
    const scene = layoutFigure(arch);
    const mixer = scene.items.find((i) => i.kind === 'box' && i.id === 'attn') as { lines: { text: string }[][] };
    const lines = mixer.lines.map((l) => l.map((r) => r.text).join(''));
    assert.deepEqual(lines, ['One mixer per layer:', 'Mamba-2', '109,635,968 × 40', 'Grouped-query attention', '35,651,584 × 8', 'Latent MoE', '2,873,098,752 × 40']);
    assert.ok(!scene.items.some((i) => i.kind === 'box' && (i.id === 'norm2' || i.id === 'ffn')), 'no second sub-layer');
    assert.equal(scene.items.filter((i) => i.kind === 'arrow' && i.id.startsWith('residual.')).length, 1);
    assert.ok(scene.items.some((i) => i.id === 'strip.mixer.legend.C.text'), 'a mixer row in the strip');
  });

  test('the dense-prefix callout reads as English for one block and for several', async () => {
    const { arch: kimi } = await extract(`${FIXTURES}configs/moonshotai__Kimi-K2.6.json`);
    const one = allText(layoutFigure(kimi)).replace(/\s+/g, ' ');
    assert.match(one, /The first block uses a dense FFN with hidden size 18,432 instead of MoE/);
    assert.doesNotMatch(one, /First 1 blocks/);
    const { arch: v3 } = await extract(`${FIXTURES}configs/deepseek-ai__DeepSeek-V3.json`);
    assert.match(allText(layoutFigure(v3)).replace(/\s+/g, ' '), /First 3 blocks use a dense FFN/);
  });

  test('the layer pattern strip appears where layers differ, with a cell per layer', async () => {
    const { arch } = await extract(`${FIXTURES}configs/deepseek-ai__DeepSeek-V4-Flash.json`);
    const scene = layoutFigure(arch);
    const cells = scene.items.filter((i) => i.kind === 'cell' && /^strip\.compression\.\d+$/.test(i.id));
    assert.equal(cells.length, 43);
    const { arch: llama } = await extract(`${FIXTURES}configs/meta-llama__Meta-Llama-3-8B-Instruct.json`);
    assert.ok(!layoutFigure(llama).items.some((i) => i.id.startsWith('strip.')), 'no strip when all layers are alike');
    const { arch: v3 } = await extract(`${FIXTURES}configs/deepseek-ai__DeepSeek-V3.json`);
    const rows = new Set(layoutFigure(v3).items.filter((i) => i.id.startsWith('strip.') && i.id.endsWith('.name')).map((i) => i.id));
    assert.deepEqual([...rows], ['strip.FFN.name'], 'dense prefix shown once, no routing row without hash routing');
    // An indexer row only where some attention layers reuse a top-k: GLM-5.2 has one; GLM-5.3-Flash's
    // KDA layers index nothing and all its MLA layers have their own indexer, so none.
    const names = async (file: string) => layoutFigure((await extract(`${FIXTURES}configs/${file}`)).arch).items.filter((i) => i.id.startsWith('strip.') && i.id.endsWith('.name')).map((i) => i.id);
    assert.ok((await names('zai-org__GLM-5.2.json')).includes('strip.indexer.name'));
    assert.deepEqual(await names('zai-org__GLM-5.3-Flash.snapshot-trimmed.json'), ['strip.attention.name', 'strip.FFN.name']);
  });

  test('looped depth is drawn: an arrow from above the block back to below it, with the pass count', async () => {
    const { arch } = await extract(`${FIXTURES}configs/ByteDance__Ouro-2.6B-Thinking.json`);
    const scene = layoutFigure(arch);
    const loop = scene.items.find((i) => i.id === 'loop');
    assert.ok(loop && loop.kind === 'arrow');
    const block = scene.items.find((i) => i.id === 'block')!;
    assert.ok(block.kind === 'frame');
    const ys = loop.points.map(([, y]) => y);
    // It starts above the block's top and ends below its bottom (y grows upwards in the scene).
    assert.ok(ys[0]! > block.y + block.h && ys[ys.length - 1]! < block.y, JSON.stringify(loop.points));
    assert.ok(allText(scene).includes('× 4'));
    const { arch: plain } = await extract(`${FIXTURES}configs/Qwen__Qwen3-8B.json`);
    assert.ok(!layoutFigure(plain).items.some((i) => i.id.startsWith('loop')), 'no loop without loops');
  });

  test('Gemma 4 E2B: a per-layer input row with its table beside it, KV and FFN-width strip rows', async () => {
    const { arch } = await extract(`${FIXTURES}configs/google__gemma-4-E2B-it.json`);
    const scene = layoutFigure(arch);
    const ids = new Set(scene.items.map((i) => i.id));
    for (const id of ['ple', 'plus_ple', 'ple_table', 'ple_table.arrow', 'strip.KV.name', 'strip.FFN width.name']) assert.ok(ids.has(id), id);
    assert.match(allText(scene).replace(/\s+/g, ' '), /Per-layer embeddings.*2,362,573,056/);
  });

  test('LongCat-Flash-Lite: the shortcut MoE beside the block reads RMSNorm 2 and joins the last ⊕; n-gram embeddings beside the token embedding', async () => {
    const { arch } = await extract(`${FIXTURES}configs/meituan-longcat__LongCat-Flash-Lite.json`);
    const scene = layoutFigure(arch);
    const byId = new Map(scene.items.map((i) => [i.id, i]));
    for (const id of ['norm1', 'attn', 'norm2', 'ffn', 'norm3', 'attn2', 'norm4', 'ffn2', 'moe_shortcut', 'ngram', 'embed_plus']) assert.ok(byId.has(id), id);
    const box = (id: string) => {
      const i = byId.get(id);
      assert.ok(i && i.kind === 'box', id);
      return i;
    };
    const line = (id: string) => {
      const i = byId.get(id);
      assert.ok(i && i.kind === 'arrow', id);
      return i;
    };
    const [norm2, ffn, into, out] = [box('norm2'), box('ffn'), line('moe_shortcut.in'), line('moe_shortcut.out')];
    const plus4 = byId.get('plus4');
    assert.ok(plus4 && plus4.kind === 'circle');
    // The tap lies between RMSNorm 2 and the dense MLP; the output ends at the last ⊕.
    const tapY = into.points[0]![1];
    assert.ok(tapY > norm2.y + norm2.h && tapY < ffn.y);
    assert.deepEqual(out.points[out.points.length - 1], [plus4.cx - plus4.r, plus4.cy]);
  });

  test('neighbours of the new fixtures lay out cleanly: Qwen3.8-Flash-Next without its n-gram layer, audio-only towers', async () => {
    const q = JSON.parse(readFileSync(`${FIXTURES}configs/Qwen__Qwen3.8-Flash-Next.json`, 'utf8'));
    const noPle = { ...q, text_config: { ...q.text_config, ple_layer_ids: [] } };
    const dir = mkdtempSync(join(tmpdir(), 'hf-arch-fig-'));
    const file = join(dir, 'qwen.json');
    writeFileSync(file, JSON.stringify(noPle));
    assert.deepEqual(sceneProblems(layoutFigure((await extract(file)).arch)), []);
    const g = JSON.parse(readFileSync(`${FIXTURES}configs/google__gemma-4-E2B-it.json`, 'utf8'));
    delete g.vision_config;
    writeFileSync(file, JSON.stringify(g));
    const scene = layoutFigure((await extract(file)).arch);
    assert.deepEqual(sceneProblems(scene), []);
    const text = allText(scene).replace(/\s+/g, ' ');
    assert.match(text, /Audio tower/);
    assert.doesNotMatch(text, /image patches/);
  });

  test('every theme keeps text at 4.5:1 and lines at 3:1 against what they are drawn on', () => {
    for (const theme of ['light', 'dark', 'gallery']) {
      const template = readFileSync(new URL(`../templates/${theme}.tex`, import.meta.url), 'utf8');
      assert.deepEqual(themeContrastProblems(template, theme), [], theme);
    }
  });

  test('a hostile title is measured like any text and stays on the canvas', async () => {
    const { arch } = await extract(`${FIXTURES}configs/Qwen__Qwen3-8B.json`);
    const scene = layoutFigure(arch, { title: '\\input{/etc/passwd} '.repeat(12) });
    assert.deepEqual(sceneProblems(scene), []);
  });
});

describe('context lengths as quoted', () => {
  test('k below a million, M for whole binary millions, digits otherwise', () => {
    assert.equal(contextTokens(131_072), '128k');
    assert.equal(contextTokens(1_048_576), '1M');
    assert.equal(contextTokens(10_485_760), '10M');
    // MiniMax-Text-01: 10,240,000 = 10,000 × 1,024, not "10000k"
    assert.equal(contextTokens(10_240_000), '10,240,000');
    assert.equal(contextTokens(4_000), '4,000');
  });
});

describe('alternative text of hybrids', () => {
  test('says which mixer each layer has, not Gated DeltaNet for every hybrid', async () => {
    const alt = async (file: string) => altText((await extract(`${FIXTURES}configs/${file}`)).arch);
    assert.match(await alt('nvidia__NVIDIA-Nemotron-3-Nano-4B-BF16.json'), /42 blocks of one mixer each: Mamba-2 in 21, grouped-query attention \(40 heads\) in 4, an MLP feed-forward of width 12,544 in 17;/);
    assert.match(await alt('nvidia__NVIDIA-Nemotron-3-Super-120B-A12B-BF16.json'), /a mixture of experts \(512 routed, 22 active per token, plus a shared expert\) in 40;/);
    assert.match(await alt('ai21labs__Jamba-v0.1.json'), /Mamba mixers in 28 layers and grouped-query attention in 4 \(32 heads\)/);
    assert.match(await alt('MiniMaxAI__MiniMax-Text-01.json'), /lightning \(linear\) attention in 70 layers and grouped-query attention in 10/);
    assert.match(await alt('LiquidAI__LFM2.5-350M.json'), /gated short convolutions in 10 layers/);
    // MLA is attention too; the shared experts by number; one dense layer in the singular
    assert.match(await alt('moonshotai__Kimi-K3.json'), /Kimi Delta Attention in 69 layers and Multi-head Latent Attention in 24 .*plus 2 shared experts \(one layer uses a dense feed-forward instead\)/);
    assert.match(await alt('Qwen__Qwen3-Next-80B-A3B-Instruct.json'), /Gated DeltaNet linear attention mixed with gated attention/);
    assert.match(await alt('openai-community__gpt2.json'), /an MLP feed-forward of width 3,072/);
  });
});
