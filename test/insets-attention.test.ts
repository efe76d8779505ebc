/** The attention insets: which insets each model gets, the numbers their captions quote, and a
 * clean drawing (nothing overlaps, arrows end on box edges, parallel arrows apart, inside w × h). */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { extract } from '../src/index.js';
import { attentionInsets, ATTENTION_INSET_MAX_W } from '../src/figure/insets/attention.js';
import type { Inset } from '../src/figure/insets/inset.js';
import { solidRect, type ArrowItem, type Item, type Rect } from '../src/figure/scene.js';
import { groupDigits } from '../src/figure/format.js';
import { SIZE } from '../src/figure/style.js';
import type { Run } from '../src/figure/text.js';
import { FIXTURES } from './helpers/fixtures.js';

const text = (lines: Run[][]): string => lines.map((l) => l.map((r) => r.text).join('')).join('\n');

/** Expected titles and caption phrases per fixture (configs/ and extra/). */
const EXPECTED: Record<string, { titles: string[]; captions: string[][] }> = {
  'configs/meta-llama__Meta-Llama-3-8B-Instruct.json': { titles: ['Grouped-query attention'], captions: [['32 query heads, 8 key & value heads', 'head dimension 128']] },
  'configs/Qwen__Qwen3-8B.json': { titles: ['Grouped-query attention'], captions: [['32 query heads, 8 key & value heads', 'head dimension 128']] },
  'configs/openai__gpt-oss-20b.json': { titles: ['Grouped-query attention'], captions: [['64 query heads, 8 key & value heads', 'head dimension 64']] },
  'configs/google__gemma-2-2b-it.json': { titles: ['Grouped-query attention'], captions: [['8 query heads, 4 key & value heads', 'head dimension 256']] },
  'configs/deepseek-ai__DeepSeek-V3.json': { titles: ['Multi-head latent attention'], captions: [['128 heads', 'KV compressed to 512 (+64 RoPE)']] },
  // LFM2: GQA and the gated short convolution, each with its share of the layers.
  'configs/LiquidAI__LFM2.5-350M.json': { titles: ['Grouped-query attention', 'Gated short convolution'], captions: [['16 query heads, 8 key & value heads', 'in 6 of 16 layers'], ['a state of 2 tokens, no KV cache', 'in 10 of 16 layers']] },
  // Gemma 4 with attention_k_eq_v: the sliding layers, and the global layers whose K projection
  // gives the values too, each in an inset of its own.
  'configs/google__gemma-4-12B-it.json': {
    titles: ['Grouped-query attention', 'Multi-query attention with K = V'],
    captions: [['16 query heads, 8 key & value heads', 'head dimension 256', 'in 40 of 48 layers'], ['16 query heads, 1 key & value head', 'head dimension 512', 'in 8 of 48 layers']],
  },
  // Jamba: GQA on every 8th layer, the Mamba mixer on the others.
  'configs/ai21labs__Jamba-v0.1.json': { titles: ['Grouped-query attention', 'Mamba (selective state space)'], captions: [['32 query heads, 8 key & value heads', 'in 4 of 32 layers'], ['a state of 16 per channel, no KV cache', 'in 28 of 32 layers']] },
  // MiniMax-Text-01: GQA on every 8th layer, lightning attention on the others.
  'configs/MiniMaxAI__MiniMax-Text-01.json': { titles: ['Grouped-query attention', 'Lightning attention (linear)'], captions: [['64 query heads, 8 key & value heads', 'in 10 of 80 layers'], ['a state of 128 × 128 per head, no KV cache', 'in 70 of 80 layers']] },
  // Solar-Open2: gated GQA on 12 of 48 layers, Kimi Delta Attention on the others.
  'configs/upstage__Solar-Open2-250B.json': { titles: ['Gated attention', 'Kimi Delta Attention (linear)'], captions: [['64 query heads, 8 key & value heads', 'in 12 of 48 layers'], ['a state of 128 × 128 per head, no KV cache', 'in 36 of 48 layers']] },
  // Kimi K3: gated NoPE MLA on 24 of 93 layers, KDA on the others.
  'configs/moonshotai__Kimi-K3.json': { titles: ['Gated multi-head latent attention', 'Kimi Delta Attention (linear)'], captions: [['96 heads', '+64 shared key', 'no positional encoding'], ['a state of 128 × 128 per head, no KV cache', 'in 69 of 93 layers']] },
  // xLSTM: the mLSTM layer in every block, no attention.
  'configs/NX-AI__xLSTM-7b.json': { titles: ['mLSTM layer (matrix memory)'], captions: [['a memory of 256 × 512 per head, no KV cache']] },
  // Ling 2.5: MLA on every 8th layer, lightning attention with QK-norm and partial RoPE on the others.
  'configs/inclusionAI__Ling-2.5-1T.json': { titles: ['Multi-head latent attention', 'Lightning attention (linear)'], captions: [['64 heads', '+64 RoPE'], ['a state of 128 × 128 per head, no KV cache', 'in 70 of 80 layers']] },
  // ZAYA1: compressed convolutional attention in every layer.
  'configs/Zyphra__ZAYA1-8B.json': { titles: ['Compressed convolutional attention'], captions: [['8 query heads, 2 key & value heads', 'q and k convolved over 2 tokens']] },
  // Nemotron-H: attention on 4 of 42 blocks, the Mamba-2 mixer on 21 (the others are MLPs).
  'configs/nvidia__NVIDIA-Nemotron-3-Nano-4B-BF16.json': { titles: ['Grouped-query attention', 'Mamba-2 (state space duality)'], captions: [['40 query heads, 8 key & value heads', 'in 4 of 42 layers'], ['a state of 128 per channel, no KV cache', 'in 21 of 42 layers']] },
  // MLA with the DSA indexer: a second inset for the indexer, with its layer share.
  'configs/zai-org__GLM-5.2.json': { titles: ['Multi-head latent attention', 'Lightning indexer (DSA)'], captions: [['64 heads'], ['32 index heads of 128', 'own indexer in 21 of 78 layers']] },
  // GLM-5.3-Flash: NoPE MLA without a shared key, its pooled indexer on every MLA layer, KDA on the others.
  'configs/zai-org__GLM-5.3-Flash.snapshot-trimmed.json': {
    titles: ['Multi-head latent attention', 'Lightning indexer (DSA)', 'Kimi Delta Attention (linear)'],
    captions: [['64 heads', 'KV compressed to 512', 'no positional encoding'], ['32 index heads of 128', 'in all 11 latent-attention layers'], ['a state of 128 × 128 per head, no KV cache', 'in 34 of 45 layers']],
  },
  'configs/tencent__Hy4-preview.json': { titles: ['Gated multi-head latent attention', 'Lightning indexer (DSA)'], captions: [['64 heads'], ['32 index heads of 128', 'own indexer in 21 of 78 layers']] },
  'configs/deepseek-ai__DeepSeek-V2-Lite-Chat.transformers-rendered.json': { titles: ['Multi-head latent attention'], captions: [['16 heads', 'KV compressed to 512 (+64 RoPE)']] },
  'configs/Qwen__Qwen3-Next-80B-A3B-Instruct.json': {
    titles: ['Gated attention', 'Gated DeltaNet'],
    captions: [
      ['16 query heads, 2 key & value heads', 'head dimension 256', 'in 12 of 48 layers'],
      ['16 key heads, 32 value heads', 'head dimension 128', 'conv kernel 4', 'in 36 of 48 layers'],
    ],
  },
  'configs/allenai__OLMo-2-1124-7B-Instruct.json': { titles: ['Multi-head attention'], captions: [['32 heads', 'head dimension 128']] },
  'configs/openai-community__gpt2.json': { titles: ['Multi-head attention'], captions: [['12 heads', 'head dimension 64']] },
  'extra/tiiuae__falcon-7b.remote-code.json': { titles: ['Multi-query attention'], captions: [['71 query heads, 1 key & value head', 'head dimension 64']] },
  'configs/microsoft__Phi-3-mini-4k-instruct.json': { titles: ['Multi-head attention'], captions: [['32 heads', 'head dimension 96']] },
  'configs/deepseek-ai__DeepSeek-V4-Flash.json': { titles: [], captions: [] },
};

const files = ['configs', 'extra'].flatMap((dir) =>
  readdirSync(`${FIXTURES}${dir}`).filter((f) => f.endsWith('.json') && f !== 'expected.json').map((f) => `${dir}/${f}`),
);

const near = (a: number, b: number) => Math.abs(a - b) < 0.01;

function intersects(a: Rect, b: Rect): boolean {
  return a.x + a.w > b.x + 0.01 && b.x + b.w > a.x + 0.01 && a.y + a.h > b.y + 0.01 && b.y + b.h > a.y + 0.01;
}

/** Whether (x, y) lies on the outline of a box or a circle of the inset. */
function onEdge(items: Item[], [x, y]: [number, number]): boolean {
  return items.some((i) => {
    if (i.kind === 'circle') return Math.abs(Math.hypot(x - i.cx, y - i.cy) - i.r) < 0.01;
    if (i.kind !== 'box') return false;
    const inX = x > i.x - 0.01 && x < i.x + i.w + 0.01;
    const inY = y > i.y - 0.01 && y < i.y + i.h + 0.01;
    return (inX && (near(y, i.y) || near(y, i.y + i.h))) || (inY && (near(x, i.x) || near(x, i.x + i.w)));
  });
}

/** Axis-parallel segments of an arrow, as [fixed coordinate, from, to, vertical?]. */
function segments(a: ArrowItem): { id: string; vertical: boolean; at: number; lo: number; hi: number }[] {
  const out = [];
  for (let k = 0; k + 1 < a.points.length; k++) {
    const [x0, y0] = a.points[k]!;
    const [x1, y1] = a.points[k + 1]!;
    if (near(x0, x1)) out.push({ id: a.id, vertical: true, at: x0, lo: Math.min(y0, y1), hi: Math.max(y0, y1) });
    else if (near(y0, y1)) out.push({ id: a.id, vertical: false, at: y0, lo: Math.min(x0, x1), hi: Math.max(x0, x1) });
    else assert.fail(`${a.id} has a slanted segment`);
  }
  return out;
}

function checkDrawing(inset: Inset): void {
  const { items, w, h } = inset;
  assert.ok(w <= ATTENTION_INSET_MAX_W + 0.01, `${inset.id} is ${w} pt wide`);
  // Inside the drawing area.
  for (const i of items) {
    const r = solidRect(i);
    const pts: [number, number][] = i.kind === 'arrow' ? i.points : r ? [[r.x, r.y], [r.x + r.w, r.y + r.h]] : [];
    for (const [x, y] of pts) assert.ok(x > -0.01 && y > -0.01 && x < w + 0.01 && y < h + 0.01, `${i.kind === 'brace' ? 'brace' : i.id} leaves the ${w.toFixed(1)} × ${h.toFixed(1)} area`);
  }
  // No two solid items overlap.
  const solids = items.map((i) => ({ i, r: solidRect(i) })).filter((s): s is { i: Item & { id: string }; r: Rect } => s.r !== null);
  for (let a = 0; a < solids.length; a++) {
    for (let b = a + 1; b < solids.length; b++) assert.ok(!intersects(solids[a]!.r, solids[b]!.r), `${solids[a]!.i.id} overlaps ${solids[b]!.i.id}`);
  }
  // Arrows end on a box or circle edge, or leave at the top of the drawing.
  const arrows = items.filter((i): i is ArrowItem => i.kind === 'arrow');
  for (const a of arrows) {
    const end = a.points[a.points.length - 1]!;
    assert.ok(onEdge(items, end) || near(end[1], h), `${a.id} ends at (${end[0].toFixed(1)}, ${end[1].toFixed(1)}), not on an edge`);
    if (!a.id.includes('.in.')) assert.ok(onEdge(items, a.points[0]!), `${a.id} starts off any edge`);
  }
  // Parallel segments of different arrows are ≥ 3 pt apart where they run side by side; only
  // the input fan-out shares its trunk.
  const segs = arrows.flatMap(segments);
  for (let a = 0; a < segs.length; a++) {
    for (let b = a + 1; b < segs.length; b++) {
      const s = segs[a]!;
      const t = segs[b]!;
      if (s.id === t.id || s.vertical !== t.vertical) continue;
      const side = Math.min(s.hi, t.hi) - Math.max(s.lo, t.lo) > 0.01;
      if (!side) continue;
      const shared = s.id.includes('.in.') && t.id.includes('.in.');
      if (shared && near(s.at, t.at)) continue;
      assert.ok(Math.abs(s.at - t.at) >= 3, `${s.id} and ${t.id} run ${Math.abs(s.at - t.at).toFixed(2)} pt apart`);
    }
  }
  // Legible: box labels ≥ 9 pt, formulas (with scripts) ≥ 10 pt.
  for (const i of items) {
    if (i.kind === 'box') assert.ok(i.size >= SIZE.small, `${i.id} at ${i.size} pt`);
    if (i.kind === 'text' && i.id.endsWith('.formula')) assert.ok(i.size >= SIZE.label, `${i.id} at ${i.size} pt`);
  }
}

describe('attention insets', () => {
  for (const file of files) {
    test(file, async () => {
      const { arch } = await extract(`${FIXTURES}${file}`);
      const insets = attentionInsets(arch);
      const expected = EXPECTED[file];
      if (expected) {
        assert.deepEqual(insets.map((i) => text([i.title])), expected.titles);
        insets.forEach((inset, k) => {
          const caption = text(inset.caption).replace(/\n/g, ' ');
          for (const phrase of expected.captions[k]!) assert.ok(caption.includes(phrase), `caption "${caption}" says "${phrase}"`);
        });
      }
      if (arch.family === 'dsv4') assert.deepEqual(insets, []);
      else assert.ok(insets.length > 0, 'an attention inset');
      assert.deepEqual(JSON.stringify(attentionInsets(arch)), JSON.stringify(insets), 'deterministic');
      for (const inset of insets) {
        assert.equal(inset.target, 'attn');
        checkDrawing(inset);
        // The formula carries the exact count of every unit the inset explains.
        const formula = text((inset.items.find((i) => i.kind === 'text' && i.id === `${inset.id}.formula`) as { lines: Run[][] }).lines);
        const ids = inset.id === 'linear_attn' ? ['layers.linear_attn'] : inset.id === 'indexer' ? ['layers.indexer'] : inset.id === 'conv' ? ['layers.conv'] : inset.id === 'mamba' ? ['layers.mamba'] : inset.id === 'mamba2' ? ['layers.mamba2'] : inset.id === 'lightning' ? ['layers.lightning_attn'] : inset.id === 'kda' ? ['layers.kda'] : inset.id === 'mlstm' ? ['layers.mlstm'] : inset.id === 'attn_kv' ? ['layers.attn.global', 'layers.qk_norm.global'] : ['layers.attn', 'layers.qk_norm'];
        for (const u of arch.units.filter((u) => ids.includes(u.id))) assert.ok(formula.includes(`= ${groupDigits(u.param_count)}`), `${u.id} = ${groupDigits(u.param_count)} in "${formula}"`);
      }
    });
  }

  test('Gemma 4 K = V: the global inset has no V projection, its values leave the K projection through a weightless RMSNorm', async () => {
    const { arch } = await extract(`${FIXTURES}configs/google__gemma-4-12B-it.json`);
    const [sliding, global] = attentionInsets(arch);
    const box = (inset: Inset, id: string) => inset.items.find((i) => i.kind === 'box' && i.id === id) as Item & Rect & { lines: Run[][] } | undefined;
    assert.ok(box(sliding!, 'attn.v'), 'the sliding layers have v_proj');
    assert.equal(box(global!, 'attn_kv.v'), undefined, 'no v_proj on the K = V layers');
    assert.equal(text(box(global!, 'attn_kv.k')!.lines), 'Linear K, also V\n1 × 512');
    // the value lane: from the K projection's top to the weightless norm, then to the core
    const k = box(global!, 'attn_kv.k')!;
    const vNorm = box(global!, 'attn_kv.v_norm')!;
    assert.equal(text(vNorm.lines), 'RMSNorm\nno weight');
    const lane = global!.items.find((i): i is ArrowItem => i.kind === 'arrow' && i.id === 'attn_kv.lane.v.0')!;
    assert.ok(Math.abs(lane.points[0]![1] - (k.y + k.h)) < 0.01 && Math.abs(lane.points.at(-1)![1] - vNorm.y) < 0.01, 'K → v_norm');
    assert.ok(lane.points[0]![0] > k.x && lane.points[0]![0] < k.x + k.w);
    // Gemma 2 has no v_norm
    const g2 = (await extract(`${FIXTURES}configs/google__gemma-2-2b-it.json`)).arch;
    assert.ok(!attentionInsets(g2).some((i) => i.items.some((x) => x.id === 'attn.v_norm')));
  });

  test('fused projections are one box; QK-norm and RoPE boxes follow the flags', async () => {
    const boxes = async (f: string) => {
      const { arch } = await extract(`${FIXTURES}${f}`);
      return attentionInsets(arch).flatMap((i) => i.items.filter((x) => x.kind === 'box').map((b) => text((b as { lines: Run[][] }).lines)));
    };
    const phi = await boxes('configs/microsoft__Phi-3-mini-4k-instruct.json');
    assert.ok(phi.some((t) => t.startsWith('Linear QKV (fused)')));
    assert.ok(phi.some((t) => t.includes('sliding window of 2,047 tokens')));
    const qwen3 = await boxes('configs/Qwen__Qwen3-8B.json');
    assert.equal(qwen3.filter((t) => t === 'RMSNorm').length, 2);
    const gpt2 = await boxes('configs/openai-community__gpt2.json');
    assert.ok(!gpt2.some((t) => t.startsWith('RoPE')), 'learned positions: no RoPE');
    const oss = await boxes('configs/openai__gpt-oss-20b.json');
    assert.ok(oss.some((t) => t.includes('window 128 in 12 of 24 layers') && t.includes('sink')));
    const next = await boxes('configs/Qwen__Qwen3-Next-80B-A3B-Instruct.json');
    for (const t of ['Linear Q + gate', 'sigmoid', 'RoPE on 25% of dims', 'Gated delta rule', 'L2 norm', 'Gated RMSNorm', 'SiLU']) assert.ok(next.some((x) => x.startsWith(t)), t);
    // The DSA indexer: queries from the q latent, one LayerNorm'd key, head weights, top-k.
    const glm = await boxes('configs/zai-org__GLM-5.2.json');
    for (const t of ['Linear Q\nq latent 2,048\n→ 32 × 128', 'Linear K\n6,144 → 128', 'Linear w\n6,144 → 32', 'LayerNorm', 'Top 2,048 tokens']) assert.ok(glm.some((x) => x.startsWith(t)), t);
    // GLM-5.3-Flash: the pooled indexer (gate, pool of 4, pools scored and picked), no RoPE boxes at
    // qk_rope_head_dim 0; its MLA has no shared-key lane, and every MLA layer has its own indexer.
    const flash = await boxes('configs/zai-org__GLM-5.3-Flash.snapshot-trimmed.json');
    for (const t of ['Gate\n4,096\n→ 128', 'Pool of 4 keys', 'Score of each earlier pool', 'Top 512 pools of 4 tokens', 'Linear up → q\n64 × 256', 'Linear down → 512\nKV cache: 512 per token']) assert.ok(flash.some((x) => x.startsWith(t)), t);
    assert.ok(!flash.some((x) => x.startsWith('RoPE') || x.includes('+ 0') || x.includes('the rest reuse it')), flash.join(' | '));
    const lite = await boxes('configs/deepseek-ai__DeepSeek-V2-Lite-Chat.transformers-rendered.json');
    assert.ok(lite.some((t) => t.startsWith('Linear Q')), 'V2-Lite: q is one projection');
    assert.ok(!lite.some((t) => t.startsWith('Linear up → q')));
    assert.ok(lite.some((t) => t.includes('KV cache: 576 per token')));
  });
});

describe('Kimi Delta Attention inset', () => {
  test('the output gate is drawn full where the config makes it full (K3 use_full_rank_gate), low-rank elsewhere', async () => {
    const gate = async (file: string) => {
      const { arch } = await extract(`${FIXTURES}configs/${file}`);
      const inset = attentionInsets(arch).find((i) => i.id === 'kda')!;
      return text([(inset.items.find((i) => i.kind === 'box' && i.id === 'kda.g') as { lines: Run[][] }).lines.flat()]);
    };
    assert.match(await gate('moonshotai__Kimi-K3.json'), /full/);
    assert.match(await gate('upstage__Solar-Open2-250B.json'), /rank 128/);
  });
});
