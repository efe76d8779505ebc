/** The layout model: for every fixture, nothing overlaps, nothing leaves the canvas, text stays legible, and the printed numbers are the counted ones. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { extract } from '../src/index.js';
import { layoutFigure } from '../src/figure/layout.js';
import { sceneProblems, type Scene } from '../src/figure/scene.js';
import { groupDigits } from '../src/figure/format.js';
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
      for (const mtp of [true, false]) {
        const scene = layoutFigure(arch, { mtp });
        assert.deepEqual(sceneProblems(scene), [], `mtp ${mtp}`);
        // At 800 CSS px display width the smallest text is at least 9 px.
        assert.ok((scene.minTextSize * 800) / scene.width >= 9, `smallest text ${((scene.minTextSize * 800) / scene.width).toFixed(2)} px at 800 px`);
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
  });

  test('a hostile title is measured like any text and stays on the canvas', async () => {
    const { arch } = await extract(`${FIXTURES}configs/Qwen__Qwen3-8B.json`);
    const scene = layoutFigure(arch, { title: '\\input{/etc/passwd} '.repeat(12) });
    assert.deepEqual(sceneProblems(scene), []);
  });
});
