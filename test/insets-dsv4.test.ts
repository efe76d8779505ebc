/** DeepSeek-V4's insets: the attention module (layer kinds counted, exact formulas) and mHC. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { extract, type ArchJson } from '../src/index.js';
import { dsv4AttentionInset, dsv4AttentionLabel, dsv4LayerKinds, mhcInset } from '../src/figure/insets/dsv4.js';
import type { Inset } from '../src/figure/insets/inset.js';
import { solidRect, type ArrowItem, type Item, type Scene } from '../src/figure/scene.js';
import { sceneProblems } from '../src/figure/check.js';
import { groupDigits } from '../src/figure/format.js';
import { lineWidth, type Run } from '../src/figure/text.js';
import { SIZE } from '../src/figure/style.js';
import { FIXTURES } from './helpers/fixtures.js';

const FLASH = `${FIXTURES}configs/deepseek-ai__DeepSeek-V4-Flash.json`;
const flash = async (): Promise<ArchJson> => (await extract(FLASH)).arch;

const lineText = (line: Run[]): string => line.map((r) => r.text).join('');
function texts(inset: Inset): string[] {
  return inset.items.flatMap((i) => (i.kind === 'text' || i.kind === 'box' ? i.lines.map(lineText) : []));
}

/** Solid items that overlap one another, or leave the drawing area. */
function overlaps(inset: Inset): string[] {
  const solids = inset.items.flatMap((item) => {
    const r = solidRect(item);
    return r ? [{ id: (item as { id: string }).id, r }] : [];
  });
  const out: string[] = [];
  for (let i = 0; i < solids.length; i++) {
    const a = solids[i]!.r;
    if (a.x < -0.01 || a.y < -0.01 || a.x + a.w > inset.w + 0.01 || a.y + a.h > inset.h + 0.01) out.push(`${solids[i]!.id} outside`);
    for (let j = i + 1; j < solids.length; j++) {
      const b = solids[j]!.r;
      if (a.x + a.w > b.x + 0.01 && b.x + b.w > a.x + 0.01 && a.y + a.h > b.y + 0.01 && b.y + b.h > a.y + 0.01) out.push(`${solids[i]!.id} × ${solids[j]!.id}`);
    }
  }
  return out;
}

/** The inset alone on a figure-wide canvas, for the full scene checker. */
function alone(inset: Inset): Scene {
  const m = 10;
  const items = inset.items.map((item): Item => {
    if (item.kind === 'arrow') return { ...item, points: item.points.map(([x, y]): [number, number] => [x + m, y + m]) };
    if (item.kind === 'circle') return { ...item, cx: item.cx + m, cy: item.cy + m };
    if (item.kind === 'brace') return { ...item, x: item.x + m, y0: item.y0 + m, y1: item.y1 + m };
    return { ...item, x: item.x + m, y: item.y + m };
  });
  return { width: 720, height: inset.h + 2 * m, items, minTextSize: SIZE.small };
}

/** Text sizes: labels ≥ SIZE.small, any line with a script ≥ SIZE.label. */
function sizeProblems(inset: Inset): string[] {
  return inset.items.flatMap((i) => {
    if (i.kind !== 'text' && i.kind !== 'box') return [];
    if (i.size < SIZE.small) return [`${i.id} at ${i.size} pt`];
    if (i.lines.flat().some((r) => r.script) && i.size < SIZE.label) return [`${i.id} has scripts at ${i.size} pt`];
    return [];
  });
}

function checkClean(inset: Inset): void {
  assert.ok(inset.w <= 250 + 1e-9, `${inset.id} is ${inset.w.toFixed(1)} pt wide`);
  assert.deepEqual(overlaps(inset), []);
  assert.deepEqual(sizeProblems(inset), []);
  assert.deepEqual(sceneProblems(alone(inset)), []);
}

describe('DeepSeek-V4 attention inset', () => {
  test('counts the layers of each kind and prints them', async () => {
    const arch = await flash();
    const kinds = dsv4LayerKinds(arch);
    assert.deepEqual(kinds.map((k) => [k.short, k.ratio, k.indexer, k.layers.length]), [['CSA', 4, true, 21], ['HCA', 128, false, 20], ['SWA', 0, false, 2]]);
    const inset = dsv4AttentionInset(arch);
    assert.ok(inset);
    const all = texts(inset).join('\n');
    assert.match(all, /21 layers CSA: window \+ 1:4 compressed, top-k/);
    assert.match(all, /20 layers HCA: window \+ 1:128 compressed, all/);
    assert.match(all, /2 layers: sliding window only/);
    assert.equal(inset.target, 'attn');
  });

  test('draws the real module: low-rank q, one KV head, window, compressor, indexer, grouped output', async () => {
    const inset = dsv4AttentionInset(await flash())!;
    const all = texts(inset).join('\n');
    for (const s of ['Linear → 1,024', 'Linear → 512', 'Linear → 64', 'heads × 512', 'on 64 dims', 'window: 128', 'Compressor', '4 or 128 → 1', 'indexer, top-k', '1 shared KV head', 'per-head sink', 'Grouped Linear: 8 × (4,096 → 1,024)', 'Linear 8,192 → 4,096']) {
      assert.ok(all.includes(s), `"${s}" is drawn`);
    }
    const box = (id: string) => inset.items.find((i) => i.kind === 'box' && i.id === id);
    assert.equal((box('attn.indexer') as { dashed?: boolean }).dashed, true, 'the indexer is in some layers only');
    assert.equal((box('attn.core') as { fill: string }).fill, 'attention');
  });

  test('prints every formula with its exact count and layers', async () => {
    const arch = await flash();
    const all = texts(dsv4AttentionInset(arch)!).join(' ');
    for (const id of ['layers.attn', 'layers.compressor.r4', 'layers.compressor.r128', 'layers.indexer']) {
      const unit = arch.units.find((u) => u.id === id)!;
      assert.ok(all.includes(`= ${groupDigits(unit.param_count)} ×${unit.repeat}`), `${id}: ${groupDigits(unit.param_count)} ×${unit.repeat}`);
    }
    const formulas = dsv4AttentionInset(arch)!.items.find((i) => i.id === 'attn.formulas')!;
    assert.equal((formulas as { size: number }).size, SIZE.label);
  });

  test('caption: the heads in accent', async () => {
    const inset = dsv4AttentionInset(await flash())!;
    const first = inset.caption[0]!;
    assert.equal(lineText(first), '64 query heads, 1 shared KV head');
    assert.deepEqual(first.filter((r) => r.color === 'accent').map((r) => r.text), ['64', '1']);
    assert.ok(inset.caption.some((l) => lineText(l) === 'sliding window of 128 tokens'));
  });

  test('nothing overlaps, fits 250 pt, legible, clean for the scene checker', async () => {
    checkClean(dsv4AttentionInset(await flash())!);
  });

  test('main-stack label: 2–3 lines, key words in the attention accent, ≤ 140 pt', async () => {
    const lines = dsv4AttentionLabel(await flash());
    assert.ok(lines.length >= 2 && lines.length <= 3);
    assert.ok(Math.max(...lines.map((l) => lineWidth(l, SIZE.label))) <= 140);
    const keys = lines.flat().filter((r) => r.face === 'bold' && r.color === 'attentionAccent').map((r) => r.text);
    assert.deepEqual(keys, ['Compressed', 'sliding-window']);
    assert.match(lines.map(lineText).join(' '), /CSA\/HCA/);
  });

  test('deterministic', async () => {
    const arch = await flash();
    assert.deepEqual(dsv4AttentionInset(arch), dsv4AttentionInset(arch));
    assert.deepEqual(mhcInset(arch), mhcInset(arch));
  });
});

describe('mHC inset', () => {
  test('streams, pre-mixer, sublayer, post-mixer; no plain ⊕', async () => {
    const inset = mhcInset(await flash());
    assert.ok(inset);
    assert.equal(inset.target, 'hc_attn');
    const ids = inset.items.map((i) => i.id);
    for (const id of ['hc.pre', 'hc.norm', 'hc.sublayer', 'hc.post']) assert.ok(ids.includes(id), id);
    assert.ok(!inset.items.some((i) => i.kind === 'circle'), 'no ⊕');
    // 4 streams into the pre-mixer, between the mixers and out, each bundle ≥ 3 pt apart.
    for (const bundle of ['hc.in', 'hc.res', 'hc.out']) {
      const xs = inset.items.filter((i): i is ArrowItem => i.kind === 'arrow' && i.id.startsWith(`${bundle}.`) && /\.\d+$/.test(i.id)).map((a) => a.points[0]![0]).sort((a, b) => a - b);
      assert.equal(xs.length, 4, bundle);
      for (let k = 1; k < xs.length; k++) assert.ok(xs[k]! - xs[k - 1]! >= 3, `${bundle} strands ${xs[k]! - xs[k - 1]!} pt apart`);
    }
    const all = texts(inset).join('\n');
    assert.match(all, /embedding is copied into 4 streams/);
    assert.match(all, /head mixer folds them into 1/);
    assert.match(all, /doubly stochastic/);
  });

  test('formulas with exact counts; caption', async () => {
    const arch = await flash();
    const inset = mhcInset(arch)!;
    const all = texts(inset).join(' ');
    for (const id of ['layers.hc_attn', 'layers.hc_ffn', 'hc_head']) {
      const unit = arch.units.find((u) => u.id === id)!;
      const count = unit.repeat > 1 ? `= ${groupDigits(unit.param_count)} ×${unit.repeat}` : `= ${groupDigits(unit.param_count)}`;
      assert.ok(all.includes(count), `${id}: ${count}`);
    }
    assert.equal(inset.caption.map(lineText).join('\n'), 'with 4 parallel residual streams');
    assert.deepEqual(inset.caption[0]!.filter((r) => r.color === 'accent').map((r) => r.text), ['4']);
  });

  test('nothing overlaps, fits 250 pt, legible, clean for the scene checker', async () => {
    checkClean(mhcInset(await flash())!);
  });
});

describe('other models', () => {
  test('DeepSeek-V3 and a dense model get neither inset', async () => {
    for (const file of ['configs/deepseek-ai__DeepSeek-V3.json', 'configs/Qwen__Qwen3-0.6B.json']) {
      const { arch } = await extract(`${FIXTURES}${file}`);
      assert.equal(dsv4AttentionInset(arch), null, file);
      assert.equal(mhcInset(arch), null, file);
    }
  });

  const dir = mkdtempSync(join(tmpdir(), 'insets-dsv4-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a V4-Pro-shaped config: 1:128 first layers, no window-only layer, still clean', async () => {
    // V4-Pro per fixtures/deepseek-v4-tensors.md: D 7168, 61 layers, 128 heads, q rank 1536, 16 groups.
    const config = JSON.parse(readFileSync(FLASH, 'utf8')) as Record<string, unknown>;
    Object.assign(config, {
      hidden_size: 7168, num_hidden_layers: 61, num_attention_heads: 128, q_lora_rank: 1536, o_groups: 16,
      n_routed_experts: 384, moe_intermediate_size: 3072, index_topk: 1024,
      compress_ratios: [128, 128, ...Array.from({ length: 59 }, (_, i) => (i % 2 === 0 ? 4 : 128)), 0],
    });
    const file = join(dir, 'pro.json');
    writeFileSync(file, JSON.stringify(config));
    const { arch } = await extract(file);
    assert.deepEqual(dsv4LayerKinds(arch).map((k) => [k.short, k.layers.length]), [['CSA', 30], ['HCA', 31]]);
    const inset = dsv4AttentionInset(arch)!;
    assert.ok(!texts(inset).some((t) => t.includes('window only')));
    checkClean(inset);
    checkClean(mhcInset(arch)!);
  });
});
