/** The per-layer embeddings inset (Gemma 4 E2B/E4B): its lanes follow Gemma4TextModel and
 * Gemma4TextDecoderLayer, its numbers come from arch.json, and only PLE models get it. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extract } from '../src/index.js';
import { pleInset } from '../src/figure/insets/ple.js';
import { figureInsets } from '../src/figure/insets/index.js';
import { groupDigits } from '../src/figure/format.js';
import type { ArrowItem, BoxItem } from '../src/figure/scene.js';
import type { Run } from '../src/figure/text.js';
import { FIXTURES } from './helpers/fixtures.js';

const text = (lines: Run[][]): string => lines.map((l) => l.map((r) => r.text).join('')).join('\n');

describe('per-layer embeddings inset', () => {
  test('E2B: three inputs, the gate from the hidden state, the per-layer input mixed from the table and the projection, then multiplied, projected back and normalised', async () => {
    const { arch } = await extract(`${FIXTURES}configs/google__gemma-4-E2B-it.json`);
    const inset = pleInset(arch, { formulas: true })!;
    assert.equal(inset.target, 'ple');
    const box = (id: string) => inset.items.find((i): i is BoxItem => i.kind === 'box' && i.id === id)!;
    assert.equal(text(box('ple.gate').lines), 'Linear gate\n→ 256');
    assert.equal(text(box('ple.table').lines), 'Table lookup\n35 × 256\n× √256');
    assert.equal(text(box('ple.model_proj').lines), 'Linear\n→ 35 × 256\n× 1/√1,536');
    assert.equal(text(box('ple.proj').lines), 'Linear\n256 → 1,536');
    // each lane joins the boxes it names, bottom to top, in this order
    const lane = (id: string) => inset.items.filter((i): i is ArrowItem => i.kind === 'arrow' && i.id.startsWith(`${id}.`));
    const joins = (id: string, boxes: string[]) => {
      const arrows = lane(id);
      assert.equal(arrows.length, boxes.length - 1, id);
      arrows.forEach((a, k) => {
        const [from, to] = [box(boxes[k]!), box(boxes[k + 1]!)];
        assert.ok(Math.abs(a.points[0]![1] - (from.y + from.h)) < 0.01 && Math.abs(a.points.at(-1)![1] - to.y) < 0.01, `${a.id}: ${boxes[k]} → ${boxes[k + 1]}`);
        const x = a.points[0]![0];
        assert.ok(a.points.every((p) => Math.abs(p[0] - x) < 0.01), `${a.id} runs straight up its lane`);
        for (const b of [from, to]) assert.ok(x > b.x && x < b.x + b.w, `${a.id} at x ${x} leaves or enters ${b.id} within it`);
      });
    };
    joins('ple.lane.h', ['ple.hidden', 'ple.gate', 'ple.act', 'ple.times']);
    joins('ple.lane.p', ['ple.ids', 'ple.table', 'ple.mix', 'ple.times', 'ple.proj', 'ple.norm']);
    joins('ple.lane.e', ['ple.tok', 'ple.model_proj', 'ple.proj_norm', 'ple.mix']);
    // the formulas carry the exact counts of the table, the projection and the per-layer gate
    const formula = text((inset.items.find((i) => i.kind === 'text' && i.id === 'ple.formula') as { lines: Run[][] }).lines);
    for (const id of ['ple_embed', 'ple_projection', 'layers.ple']) {
      const u = arch.units.find((x) => x.id === id)!;
      assert.ok(formula.includes(`= ${groupDigits(u.param_count)}`), `${id} in ${formula}`);
    }
    assert.equal(text(inset.caption), '256 values per token for each of 35 layers\nadded after the FFN; the table holds 2.35B');
    assert.ok(inset.w <= 250.01);
  });

  test('only models with per-layer embeddings get it', async () => {
    for (const f of ['configs/google__gemma-4-12B-it.json', 'configs/Qwen__Qwen3-8B.json']) {
      const { arch } = await extract(`${FIXTURES}${f}`);
      assert.equal(pleInset(arch, { formulas: false }), null, f);
      assert.ok(!figureInsets(arch, { formulas: false }).some((i) => i.id === 'ple'));
    }
  });
});
