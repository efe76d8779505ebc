/**
 * The figure draws each model's data flow as its modeling code runs it: one test per defect the
 * figure issue reported (hyper-connections, V4 attention, the MTP branch, hybrids, learned
 * positions, soft-capping, chunked attention, active-parameter conventions, titles, accents).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { extract } from '../src/index.js';
import { layoutFigure } from '../src/figure/layout.js';
import type { ArrowItem, BoxItem, Item, Scene, TextItem } from '../src/figure/scene.js';
import { sceneToTikz } from '../src/tex/tikz.js';
import { fixturePath } from './helpers/fixtures.js';

const archOf = async (name: string) => (await extract(fixturePath(name))).arch;
const textOf = (i: BoxItem | TextItem): string => i.lines.map((l) => l.map((r) => r.text).join('')).join(' ');
const byId = (s: Scene, id: string): Item | undefined => s.items.find((i) => i.id === id);
const box = (s: Scene, id: string): BoxItem => {
  const b = byId(s, id);
  assert.ok(b && b.kind === 'box', `box ${id}`);
  return b;
};
const arrows = (s: Scene): ArrowItem[] => s.items.filter((i): i is ArrowItem => i.kind === 'arrow');
const texts = (s: Scene): string[] => s.items.flatMap((i) => (i.kind === 'box' || i.kind === 'text' ? [textOf(i)] : []));
const near = (a: number, b: number, tol = 0.6) => Math.abs(a - b) <= tol;
/** An arrow's end lies on the edge of box `b`. */
const endsOn = (a: ArrowItem, b: BoxItem): boolean => {
  const [x, y] = a.points[a.points.length - 1]!;
  return (near(x, b.x) || near(x, b.x + b.w) || near(y, b.y) || near(y, b.y + b.h)) && x >= b.x - 0.6 && x <= b.x + b.w + 0.6 && y >= b.y - 0.6 && y <= b.y + b.h + 0.6;
};

describe('figure grammar', () => {
  test('DeepSeek-V4 hyper-connections: the residual is the n_hc streams, mixed by pre- and post-mixers, with no ⊕', async () => {
    const s = layoutFigure(await archOf('configs/deepseek-ai__DeepSeek-V4-Flash.json'));
    assert.ok(!s.items.some((i) => i.kind === 'circle' && /^plus/.test(i.id)), 'no plain residual ⊕ in the block');
    for (const id of ['hc_attn', 'hc_post1', 'hc_ffn', 'hc_post2', 'hc_head']) box(s, id);
    // Each residual is a bundle of 4 streams that ends on a post-mixer.
    const residuals = arrows(s).filter((a) => a.id.startsWith('residual.'));
    assert.equal(residuals.length, 2);
    residuals.forEach((r, i) => {
      assert.equal(r.strands, 4);
      assert.ok(endsOn(r, box(s, `hc_post${i + 1}`)), `${r.id} ends on the post-mixer`);
    });
    // The embedding feeds the first pre-mixer as streams; the head mixer folds them before the norm.
    const intoPre = arrows(s).find((a) => a.id.startsWith('flow.') && endsOn(a, box(s, 'hc_attn')));
    assert.equal(intoPre?.strands, 4);
    const intoHead = arrows(s).find((a) => a.id.startsWith('flow.') && endsOn(a, box(s, 'hc_head')));
    assert.equal(intoHead?.strands, 4);
    const afterHead = arrows(s).find((a) => a.id.startsWith('flow.') && endsOn(a, box(s, 'final_norm')));
    assert.equal(afterHead?.strands, undefined, 'one stream after the head mixer');
    // mHC order per the reference code: pre-mixer below the norm.
    assert.ok(box(s, 'hc_attn').y < box(s, 'norm1').y);
  });

  test('DeepSeek-V4 attention is named for all its layer kinds, and compressor and indexer are parts of it', async () => {
    const s = layoutFigure(await archOf('configs/deepseek-ai__DeepSeek-V4-Flash.json'));
    const label = textOf(box(s, 'attn'));
    assert.doesNotMatch(label, /^Compressed sparse attention/);
    // The table calls the unit what the inset calls it, not by one of its layer kinds.
    const row = byId(s, 'ledger.layers.attn.name');
    assert.ok(row && row.kind === 'text' && textOf(row) === 'Hybrid compressed attention (MQA)');
    assert.match(label, /sliding-window/);
    for (const id of ['mod.compressor', 'mod.indexer', 'mod.grouped_output']) assert.equal(byId(s, id), undefined, `${id} is not an outside modifier`);
    const all = texts(s).join('\n');
    assert.match(all, /21 layers/);
    assert.match(all, /20 layers/);
    assert.match(all, /2 layers/);
  });

  test('the MTP branch takes the last hidden state and reuses the output layer', async () => {
    const s = layoutFigure(await archOf('configs/deepseek-ai__DeepSeek-V3.json'));
    const mtp = box(s, 'mtp');
    const head = box(s, 'head');
    const block = byId(s, 'block')!;
    assert.ok(block.kind === 'frame');
    const into = arrows(s).find((a) => a.id === 'mtp.in')!;
    const [x0, y0] = into.points[0]!;
    // It leaves the stack above the block and below the final norm, not the output layer.
    assert.ok(y0 > block.y + block.h && y0 < box(s, 'final_norm').y, `tap at ${y0}`);
    assert.ok(near(x0, head.x + head.w / 2, 1), 'on the stack line');
    assert.ok(endsOn(into, mtp));
    const out = arrows(s).find((a) => a.id === 'mtp.out')!;
    assert.ok(endsOn(out, head), 'into the shared output layer');
    assert.match(textOf(mtp), /token t\+1/);
  });

  test('Qwen3-Next: attention-only parts say so, and the sublayer is called gated attention', async () => {
    const arch = await archOf('configs/Qwen__Qwen3-Next-80B-A3B-Instruct.json');
    const s = layoutFigure(arch);
    assert.equal(byId(s, 'mod.qk_norm'), undefined, 'QK-norm is inside the gated-attention inset');
    assert.equal(byId(s, 'mod.gate'), undefined);
    assert.match(textOf(box(s, 'mod.rope')), /only in the 12 attention layers/);
    assert.equal(arch.units.find((u) => u.id === 'layers.attn')!.name, 'Gated attention');
    const all = texts(s).join('\n');
    assert.match(all, /in 12 of 48 layers/);
    assert.match(all, /in 36 of 48 layers/);
    assert.match(all, /3 × Gated DeltaNet → MoE/);
  });

  test('GPT-2 adds its learned positions to the token embedding (⊕), it does not feed them in', async () => {
    const s = layoutFigure(await archOf('configs/openai-community__gpt2.json'));
    const plus = byId(s, 'embed_plus');
    assert.ok(plus && plus.kind === 'circle');
    for (const id of ['embed', 'positions']) {
      const b = box(s, id);
      assert.ok(arrows(s).some((a) => near(a.points[0]![1], b.y + b.h) && a.points[a.points.length - 1]![1] <= plus.cy - plus.r + 0.6), `${id} goes into ⊕`);
    }
  });

  test('gpt-oss states both active-parameter conventions', async () => {
    const arch = await archOf('configs/openai__gpt-oss-20b.json');
    assert.equal(arch.totals.active_params_non_embedding, arch.totals.active_params - 201_088 * 2_880);
    const s = layoutFigure(arch);
    const summary = textOf(byId(s, 'summary') as TextItem);
    assert.match(summary, /3\.61B active per token \(4\.19B with the embedding\)/);
    assert.match(textOf(byId(s, 'title') as TextItem), /3\.61B active/);
  });

  test('Gemma 2 soft-capping and Llama 4 chunked attention are drawn', async () => {
    const gemma = layoutFigure(await archOf('configs/google__gemma-2-2b-it.json'));
    assert.match(textOf(box(gemma, 'mod.softcap')), /soft-capping at 50/);
    assert.match(textOf(box(gemma, 'head')), /soft-capped at 30/);
    const llama4 = layoutFigure(await archOf('extra/meta-llama__Llama-4-Scout-17B-16E-Instruct.transcribed.json'));
    assert.match(textOf(box(llama4, 'attn')), /chunked/);
    assert.equal(llama4.items.filter((i) => /^strip\.chunks\.\d+$/.test(i.id)).length, 48);
  });

  test('Mixtral draws all 8 experts; the MoE inset is fed by the block input and joined to the MoE box', async () => {
    const s = layoutFigure(await archOf('configs/mistralai__Mixtral-8x7B-v0.1.json'));
    const experts = s.items.filter((i) => i.kind === 'box' && /^moe\.expert\.\d+$/.test(i.id));
    assert.equal(experts.length, 8);
    assert.ok(!texts(s).some((t) => t === '…'));
    const link = arrows(s).find((a) => a.id === 'moe.link')!;
    assert.ok(link.leader);
    const ffn = box(s, 'ffn');
    assert.ok(near(link.points[0]![0], ffn.x + ffn.w, 0.1) && near(link.points[0]![1], ffn.y + ffn.h / 2, 0.1), 'the leader starts on the MoE box');
    const frame = byId(s, 'moe.frame')!;
    assert.ok(frame.kind === 'frame' && near(link.points[link.points.length - 1]![0], frame.x, 0.1), 'and ends on the inset frame');
    const input = arrows(s).find((a) => a.id === 'moe.in')!;
    assert.equal(input.open, 'start');
  });

  test('Qwen3-Next: the shared-expert gate is σ(w·x) fed by the layer input, multiplied with the shared output', async () => {
    const s = layoutFigure(await archOf('configs/Qwen__Qwen3-Next-80B-A3B-Instruct.json'));
    const shared = box(s, 'moe.shared');
    const gate = box(s, 'moe.shared_gate');
    const times = byId(s, 'moe.shared.times');
    assert.ok(times && times.kind === 'circle' && times.symbol === 'times');
    const onCircle = (p: [number, number]) => near(Math.hypot(p[0] - times.cx, p[1] - times.cy), times.r, 0.1);
    // Nothing runs from the shared expert into the gate: the gate reads x, not the expert's output.
    assert.ok(!arrows(s).some((a) => endsOn(a, gate) && near(a.points[0]![1], shared.y + shared.h)), 'no shared → gate edge');
    const gateIn = arrows(s).find((a) => a.id === 'moe.in.gate')!;
    const sharedIn = arrows(s).find((a) => a.id === 'moe.in.shared')!;
    assert.ok(endsOn(gateIn, gate) && near(gateIn.points[0]![1], sharedIn.points[0]![1]), 'the gate branches off the input that feeds the shared expert');
    const gateOut = arrows(s).find((a) => a.id === 'moe.shared.gate')!;
    const sharedOut = arrows(s).find((a) => a.id === 'moe.shared.gated')!;
    assert.ok(near(gateOut.points[0]![1], gate.y + gate.h) && onCircle(gateOut.points[gateOut.points.length - 1]!), 'gate → ⊗');
    assert.ok(near(sharedOut.points[0]![1], shared.y + shared.h) && onCircle(sharedOut.points[sharedOut.points.length - 1]!), 'shared expert → ⊗');
  });

  test('DeepSeek-V4: HCA layers reach the attention core from the compressor without the indexer', async () => {
    const s = layoutFigure(await archOf('configs/deepseek-ai__DeepSeek-V4-Flash.json'));
    const comp = box(s, 'attn.compressor');
    const idx = box(s, 'attn.indexer');
    const core = box(s, 'attn.core');
    const edges = arrows(s).filter((a) => near(a.points[0]![0], comp.x + comp.w) && endsOn(a, core));
    assert.equal(edges.length, 1, 'one compressor → core edge');
    const pts = edges[0]!.points;
    for (let i = 1; i < pts.length; i++) {
      const [[x0, y0], [x1, y1]] = [pts[i - 1]!, pts[i]!];
      const inside = (x: number, y: number) => x > idx.x && x < idx.x + idx.w && y > idx.y && y < idx.y + idx.h;
      assert.ok(!inside((x0 + x1) / 2, (y0 + y1) / 2) && !(x0 === x1 && x0 > idx.x && x0 < idx.x + idx.w && Math.min(y0, y1) < idx.y + idx.h && Math.max(y0, y1) > idx.y), 'the edge does not cross the indexer');
    }
  });

  test('titles are display names, centred; notes print symbols, never TeX underscores', async () => {
    for (const [file, title] of [
      ['configs/openai-community__gpt2.json', /^GPT-2 /],
      ['extra/google__gemma-3-27b-it.transcribed.json', /^Gemma 3 27B \(/],
      ['configs/meta-llama__Meta-Llama-3-8B-Instruct.json', /^Llama 3 8B \(8\.03B\)$/],
    ] as const) {
      const s = layoutFigure(await archOf(file));
      const t = byId(s, 'title') as TextItem;
      assert.match(textOf(t), title);
      assert.ok(near(t.x + t.w / 2, s.width / 2, 0.01), 'centred');
      assert.ok(!texts(s).some((x) => /\b[a-zA-Z]_[a-zA-Z]/.test(x) && !/A_log|dt_bias/.test(x)), 'no d_h style underscores');
    }
  });

  test('every figure has the same width, box size and row pitch', async () => {
    const a = layoutFigure(await archOf('configs/meta-llama__Meta-Llama-3-8B-Instruct.json'));
    const b = layoutFigure(await archOf('configs/deepseek-ai__DeepSeek-V4-Flash.json'));
    assert.equal(a.width, b.width);
    const [na, nb] = [box(a, 'final_norm'), box(b, 'final_norm')];
    assert.equal(na.w, nb.w);
    assert.equal(na.h, nb.h);
    assert.equal(na.x, nb.x);
    // The same gap between consecutive boxes of the stack.
    assert.ok(near(box(a, 'head').y - (na.y + na.h), box(b, 'head').y - (nb.y + nb.h), 0.01));
  });

  test('the gallery theme gets the model accent; a custom accent must be a colour', async () => {
    const arch = await archOf('configs/deepseek-ai__DeepSeek-V3.json');
    const s = layoutFigure(arch, { accent: '#AA3311' });
    assert.equal(s.accent?.accent, 'AA3311');
    assert.match(sceneToTikz(s), /\\hfmodelaccent\{AA3311\}/);
    assert.notEqual(layoutFigure(await archOf('configs/Qwen__Qwen3-8B.json')).accent?.accent, layoutFigure(arch).accent?.accent, 'families differ');
    assert.throws(() => layoutFigure(arch, { accent: 'red}\\input{x}' }), /accent/);
  });

  test('ledger none and detail compact leave out the table and the insets', async () => {
    const arch = await archOf('configs/deepseek-ai__DeepSeek-V3.json');
    const full = layoutFigure(arch);
    assert.ok(full.items.some((i) => i.id.startsWith('ledger.')));
    assert.ok(!full.items.some((i) => i.id === 'moe.formula'), 'with the table, insets carry no formulas');
    const none = layoutFigure(arch, { ledger: 'none' });
    assert.ok(!none.items.some((i) => i.id.startsWith('ledger.')));
    assert.ok(none.items.some((i) => i.id === 'moe.formula'), 'without the table, the insets carry the formulas');
    const compact = layoutFigure(arch, { detail: 'compact' });
    assert.ok(!compact.items.some((i) => i.id.endsWith('.frame')));
    assert.ok(compact.height < full.height);
  });
});
