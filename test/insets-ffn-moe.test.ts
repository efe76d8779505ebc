/** The FeedForward and MoE-layer insets: what they draw for each fixture, their numbers, and that nothing in them overlaps. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { extract } from '../src/index.js';
import { expertFormula, ffnInset, INSET_MAX_W } from '../src/figure/insets/ffn.js';
import { drawnExperts, moeInset } from '../src/figure/insets/moe.js';
import type { Inset } from '../src/figure/insets/inset.js';
import { solidRect, type BoxItem, type Item } from '../src/figure/scene.js';
import { sceneProblems } from '../src/figure/check.js';
import { groupDigits } from '../src/figure/format.js';
import { FIXTURES } from './helpers/fixtures.js';

interface Expect {
  file: string;
  /** Hidden size the FFN caption names (d_ff, or d_e for MoE). */
  hidden: number;
  ffnTitle: string;
  /** Box ids the FFN inset must (and must not) have. */
  ffnBoxes: string[];
  moe?: { E: number; k: number; boxes: number; shared: number; gate: boolean; router?: string };
}

const CASES: Expect[] = [
  { file: 'configs/deepseek-ai__DeepSeek-V3.json', hidden: 2048, ffnTitle: 'FeedForward (SwiGLU) of one expert', ffnBoxes: ['ffn.gate', 'ffn.up', 'ffn.act', 'ffn.down'], moe: { E: 256, k: 8, boxes: 2, shared: 1, gate: false } },
  { file: 'configs/Qwen__Qwen3-Next-80B-A3B-Instruct.json', hidden: 512, ffnTitle: 'FeedForward (SwiGLU) of one expert', ffnBoxes: ['ffn.gate', 'ffn.up', 'ffn.act', 'ffn.down'], moe: { E: 512, k: 10, boxes: 2, shared: 1, gate: true } },
  { file: 'configs/mistralai__Mixtral-8x7B-v0.1.json', hidden: 14336, ffnTitle: 'FeedForward (SwiGLU) of one expert', ffnBoxes: ['ffn.gate', 'ffn.up', 'ffn.act', 'ffn.down'], moe: { E: 8, k: 2, boxes: 8, shared: 0, gate: false } },
  { file: 'configs/openai__gpt-oss-20b.json', hidden: 2880, ffnTitle: 'FeedForward (SwiGLU) of one expert', ffnBoxes: ['ffn.gate', 'ffn.up', 'ffn.act', 'ffn.down'], moe: { E: 32, k: 4, boxes: 2, shared: 0, gate: false } },
  { file: 'configs/Qwen__Qwen3-30B-A3B.json', hidden: 768, ffnTitle: 'FeedForward (SwiGLU) of one expert', ffnBoxes: ['ffn.gate', 'ffn.up', 'ffn.act', 'ffn.down'], moe: { E: 128, k: 8, boxes: 2, shared: 0, gate: false } },
  { file: 'extra/meta-llama__Llama-4-Scout-17B-16E-Instruct.transcribed.json', hidden: 8192, ffnTitle: 'FeedForward (SwiGLU) of one expert', ffnBoxes: ['ffn.gate', 'ffn.up', 'ffn.act', 'ffn.down'], moe: { E: 16, k: 1, boxes: 2, shared: 1, gate: false } },
  { file: 'configs/deepseek-ai__DeepSeek-V4-Flash.json', hidden: 2048, ffnTitle: 'FeedForward (SwiGLU) of one expert', ffnBoxes: ['ffn.gate', 'ffn.up', 'ffn.act', 'ffn.down'], moe: { E: 256, k: 6, boxes: 2, shared: 1, gate: false, router: 'hash-routed in first 3 layers' } },
  { file: 'configs/meta-llama__Meta-Llama-3-8B-Instruct.json', hidden: 14336, ffnTitle: 'FeedForward (SwiGLU) module', ffnBoxes: ['ffn.gate', 'ffn.up', 'ffn.act', 'ffn.down'] },
  { file: 'configs/openai-community__gpt2.json', hidden: 3072, ffnTitle: 'FeedForward (GELU MLP) module', ffnBoxes: ['ffn.up', 'ffn.act', 'ffn.down'] },
  { file: 'configs/google__gemma-2-2b-it.json', hidden: 9216, ffnTitle: 'FeedForward (GeGLU) module', ffnBoxes: ['ffn.gate', 'ffn.up', 'ffn.act', 'ffn.down'] },
  { file: 'extra/tiiuae__falcon-7b.remote-code.json', hidden: 18176, ffnTitle: 'FeedForward (GELU MLP) module', ffnBoxes: ['ffn.up', 'ffn.act', 'ffn.down'] },
  { file: 'configs/microsoft__Phi-3-mini-4k-instruct.json', hidden: 8192, ffnTitle: 'FeedForward (SwiGLU) module', ffnBoxes: ['ffn.gate_up', 'ffn.act', 'ffn.down'] },
  { file: 'configs/facebook__opt-125m.json', hidden: 3072, ffnTitle: 'FeedForward (ReLU MLP) module', ffnBoxes: ['ffn.up', 'ffn.act', 'ffn.down'] },
];

const text = (lines: { text: string }[][]): string => lines.map((l) => l.map((r) => r.text).join('')).join('\n');
const boxes = (inset: Inset): BoxItem[] => inset.items.filter((i): i is BoxItem => i.kind === 'box');
const accents = (inset: Inset): string[] => inset.caption.flat().filter((r) => r.color === 'accent').map((r) => r.text.trim()).filter(Boolean);

/** Pairs of solid items (boxes, texts, circles) that overlap. */
function overlaps(items: Item[]): string[] {
  const solids = items.flatMap((item) => {
    const r = solidRect(item);
    return r ? [{ id: item.id, r }] : [];
  });
  const out: string[] = [];
  for (let i = 0; i < solids.length; i++) {
    for (let j = i + 1; j < solids.length; j++) {
      const a = solids[i]!.r;
      const b = solids[j]!.r;
      if (a.x + a.w > b.x + 0.01 && b.x + b.w > a.x + 0.01 && a.y + a.h > b.y + 0.01 && b.y + b.h > a.y + 0.01) out.push(`${solids[i]!.id} / ${solids[j]!.id}`);
    }
  }
  return out;
}

/** The inset alone on a canvas of its drawing area: every check of the scene checker, except
 * that the input starts in free space and the output ends at the top edge (the layout joins them). */
function insetProblems(inset: Inset): string[] {
  const scene = { width: inset.w, height: inset.h, items: inset.items, minTextSize: 9 };
  return sceneProblems(scene).filter((p) => !new RegExp(`^dangling end: ${inset.id}\\.(in|out) `).test(p));
}

function checkGeometry(inset: Inset): void {
  assert.deepEqual(overlaps(inset.items), [], `${inset.id}: overlaps`);
  assert.deepEqual(insetProblems(inset), [], `${inset.id}: scene problems`);
  assert.ok(inset.w <= INSET_MAX_W + 1e-9, `${inset.id}: ${inset.w} pt wider than the column`);
  assert.equal(inset.target, 'ffn');
  for (const item of inset.items) {
    const r = solidRect(item);
    if (r) assert.ok(r.x >= -0.01 && r.y >= -0.01 && r.x + r.w <= inset.w + 0.01 && r.y + r.h <= inset.h + 0.01, `${item.id} outside the drawing area`);
    if (item.kind === 'box' || item.kind === 'text') {
      for (const run of item.lines.flat()) assert.ok(item.size * (run.scale ?? 1) >= 9 - 1e-9, `${item.id}: "${run.text}" below 9 pt`);
    }
  }
}

describe('insets: FeedForward and MoE layer', () => {
  test('drawnExperts: all of them up to 8, else the first and the last', () => {
    assert.deepEqual(drawnExperts(8), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(drawnExperts(3), [1, 2, 3]);
    assert.deepEqual(drawnExperts(256), [1, null, 256]);
  });

  for (const c of CASES) {
    test(c.file, async () => {
      const { arch } = await extract(`${FIXTURES}${c.file}`);
      const ffn = ffnInset(arch);
      assert.ok(ffn);
      assert.equal(text([ffn.title]), c.ffnTitle);
      const ids = boxes(ffn).map((b) => b.id).sort();
      assert.deepEqual(ids, [...c.ffnBoxes].sort());
      assert.deepEqual(accents(ffn), [groupDigits(c.hidden)]);
      assert.match(text(ffn.caption), c.moe ? /^Expert hidden size of/ : /^Intermediate hidden layer dimension of/);
      checkGeometry(ffn);
      const formula = text((ffn.items.find((i) => i.id === 'ffn.formula') as { lines: { text: string }[][] }).lines);
      if (arch.flags.fused_projections && arch.flags.ffn_kind !== 'mlp') assert.match(text(boxes(ffn).find((b) => b.id === 'ffn.gate_up')!.lines), /fused gate\/up/);

      const moe = moeInset(arch);
      if (!c.moe) {
        assert.equal(moe, null);
        const unit = arch.units.find((u) => u.id === 'layers.ffn')!;
        assert.ok(formula.endsWith(`= ${groupDigits(unit.param_count)}`), formula);
        return;
      }
      // One expert, times E, is the routed experts' unit.
      const experts = arch.units.find((u) => u.id === 'layers.experts')!;
      const one = expertFormula(arch)!;
      assert.equal(one.count * c.moe.E, experts.param_count);
      assert.ok(formula.endsWith(`= ${groupDigits(one.count)}`), formula);

      assert.ok(moe);
      checkGeometry(moe);
      const b = boxes(moe);
      const expertBoxes = b.filter((x) => x.id.startsWith('moe.expert.'));
      const tags = b.filter((x) => x.id.startsWith('moe.tag.'));
      assert.equal(expertBoxes.length, c.moe.boxes);
      assert.equal(tags.length, c.moe.boxes);
      assert.ok(expertBoxes.every((x) => text(x.lines).replace(/\n/g, ' ') === 'Feed forward'));
      assert.deepEqual(tags.map((t) => text(t.lines)).sort((x, y) => Number(x) - Number(y)), drawnExperts(c.moe.E).filter((n) => n !== null).map(String));
      assert.equal(tags.find((t) => t.id === 'moe.tag.1')!.fill, 'ink');
      assert.equal(tags.find((t) => t.id === `moe.tag.${c.moe!.E}`)!.fill, 'accent');
      assert.equal(moe.items.some((i) => i.id === 'moe.dots'), c.moe.E > 8);
      // Every drawn expert has an arrow from the router and one towards the sum.
      for (const x of expertBoxes) {
        const n = x.id.slice('moe.expert.'.length);
        assert.ok(moe.items.some((i) => i.id === `moe.route.${n}`) && moe.items.some((i) => i.id === `moe.exp.${n}`), `arrows of expert ${n}`);
      }
      assert.equal(b.some((x) => x.id === 'moe.shared'), c.moe.shared > 0);
      assert.equal(b.some((x) => x.id === 'moe.shared_gate'), c.moe.gate);
      if (c.moe.shared > 0) assert.ok(moe.items.some((i) => i.id === 'moe.in.shared'), 'the input feeds the shared expert');
      const router = text(b.find((x) => x.id === 'moe.router')!.lines);
      if (c.moe.router) assert.match(router, new RegExp(c.moe.router));
      else assert.equal(router, 'Router');
      assert.deepEqual(accents(moe), [String(c.moe.k), String(c.moe.E), ...(c.moe.shared ? [String(c.moe.shared)] : [])]);
      assert.match(text(moe.caption).replace(/\n/g, ' '), /experts active per token/);
      // Each unit of the MoE layer is printed with its exact count.
      const lines = text((moe.items.find((i) => i.id === 'moe.formula') as { lines: { text: string }[][] }).lines);
      for (const u of arch.units.filter((u) => u.scope === 'layers' && ['router', 'experts', 'shared_experts'].includes(u.family))) {
        assert.ok(lines.includes(`${groupDigits(u.param_count)}`), `${u.id} count in "${lines}"`);
      }
    });
  }

  test('every fixture: the insets build without overlaps', async () => {
    const files = ['configs', 'extra'].flatMap((dir) =>
      readdirSync(`${FIXTURES}${dir}`).filter((f) => f.endsWith('.json') && f !== 'expected.json').map((f) => `${dir}/${f}`),
    );
    for (const file of files) {
      const { arch } = await extract(`${FIXTURES}${file}`);
      for (const inset of [ffnInset(arch), moeInset(arch)]) if (inset) checkGeometry(inset);
    }
  });
});
