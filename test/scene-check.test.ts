/** The scene checker: each check fires on a small hand-built scene made to break it, and a clean scene passes all of them. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { sceneProblems, sceneStats, themeContrastProblems } from '../src/figure/check.js';
import { contrastRatio, parseHex, relativeLuminance } from '../src/figure/contrast.js';
import type { ArrowItem, BoxItem, BraceItem, CircleItem, FrameItem, Item, Scene, TextItem } from '../src/figure/scene.js';
import { SCRIPT_SCALE, type Run } from '../src/figure/text.js';

const W = 720;
const H = 400;
const scene = (items: Item[], width = W): Scene => ({ width, height: H, items, minTextSize: 10 });
const run = (text: string, script?: 'sub' | 'sup'): Run => ({ text, face: 'sans', ...(script ? { script } : {}) });

function box(id: string, x: number, y: number, w = 100, h = 20, size = 10): BoxItem {
  return { kind: 'box', id, x, y, w, h, fill: 'box', stroke: 'ink', textColor: 'ink', lines: [[run(id)]], size, radius: 4 };
}
function text(id: string, x: number, y: number, w = 60, h = 12, lines: Run[][] = [[run(id)]], size = 9): TextItem {
  return { kind: 'text', id, x, y, w, h, lines, size, color: 'ink', align: 'left' };
}
function arrow(id: string, points: [number, number][], head = true): ArrowItem {
  return { kind: 'arrow', id, points, style: 'solid', head, color: 'ink' };
}
function leader(id: string, points: [number, number][]): ArrowItem {
  return { kind: 'arrow', id, points, style: 'dotted', head: false, color: 'accent', leader: true };
}
const circle = (id: string, cx: number, cy: number, r = 6): CircleItem => ({ kind: 'circle', id, cx, cy, r, symbol: 'plus' });
const frame = (id: string, x: number, y: number, w: number, h: number): FrameItem => ({ kind: 'frame', id, x, y, w, h, fill: 'block', stroke: 'ink', style: 'solid', radius: 10 });
const brace = (id: string, x: number, y0: number, y1: number): BraceItem => ({ kind: 'brace', id, x, y0, y1 });

/**
 * A small clean stack: input from the canvas bottom → a → ⊕ → b → out above every box, inside
 * a frame with a brace and its label; a callout with a leader to b, a residual into the ⊕ rim.
 */
function cleanItems(): Item[] {
  const a = box('a', 300, 100); // x 300–400, y 100–120; centre x 350
  const b = box('b', 300, 180); // y 180–200
  return [
    frame('block', 280, 80, 140, 140),
    a,
    circle('plus', 350, 150),
    b,
    brace('brace', 274, 95, 125),
    text('repeat', 230, 104, 30, 12),
    text('callout', 500, 184, 80, 12),
    arrow('in', [[350, 10], [350, 100]]),
    arrow('a-plus', [[350, 120], [350, 144]]),
    arrow('plus-b', [[350, 156], [350, 180]]),
    arrow('residual', [[350, 90], [410, 90], [410, 150], [356, 150]]),
    arrow('out', [[350, 200], [350, 260]]),
    leader('lead', [[500, 190], [400, 190]]),
  ];
}

const only = (problems: string[], prefix: string) => problems.filter((p) => p.startsWith(prefix));

describe('scene checker', () => {
  test('a clean scene has no problems', () => {
    assert.deepEqual(sceneProblems(scene(cleanItems())), []);
  });

  test('overlapping solid items', () => {
    const problems = sceneProblems(scene([box('p', 10, 10), box('q', 60, 20), text('t', 300, 300), circle('c', 320, 305)]));
    assert.ok(problems.includes('overlap: p and q'), problems.join('\n'));
    assert.ok(problems.includes('overlap: t and c'), problems.join('\n'));
    // Touching edges are not an overlap.
    assert.deepEqual(only(sceneProblems(scene([box('p', 10, 10), box('q', 110, 10)])), 'overlap'), []);
  });

  test('a label that crosses or touches its box outline (Falcon 40B\'s "LayerNorm (attn)" in a 71 pt box)', () => {
    const narrow = { ...box('narrow', 10, 10, 71), lines: [[run('LayerNorm (attn)')]] };
    const problems = only(sceneProblems(scene([narrow, box('wide', 10, 60)])), 'text overflows');
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /^text overflows: "LayerNorm \(attn\)" \(\d+\.\d pt\) in narrow \(71\.0 pt wide\)/);
  });

  test('items outside the canvas', () => {
    const problems = sceneProblems(scene([box('left', -5, 10), text('top', 10, H - 5), arrow('off', [[700, 10], [730, 10]]), brace('br', 3, 10, 30)]));
    for (const id of ['left', 'top', 'off', 'br']) assert.ok(problems.includes(`outside the canvas: ${id}`), `${id}: ${problems.join('\n')}`);
  });

  test('an arrow through a box, a circle or a text, but not through the boxes it joins', () => {
    const items = [box('from', 300, 10), box('mid', 300, 60), box('to', 300, 110), arrow('long', [[350, 30], [350, 110]])];
    assert.deepEqual(only(sceneProblems(scene(items)), 'arrow through'), ['arrow through: long crosses mid']);
    const c = sceneProblems(scene([box('p', 10, 10), box('q', 10, 100), circle('o', 60, 70), arrow('x', [[60, 30], [60, 100]])]));
    assert.deepEqual(only(c, 'arrow through'), ['arrow through: x crosses o']);
    const t = sceneProblems(scene([box('p', 10, 10), box('q', 200, 10), text('label', 130, 14), arrow('x', [[110, 20], [200, 20]])]));
    assert.deepEqual(only(t, 'arrow through'), ['arrow through: x crosses label']);
    // Grazing an edge (within the 1 pt tolerance) is fine; so is crossing a frame.
    const g = sceneProblems(scene([frame('f', 0, 0, 300, 300), box('p', 10, 10), box('q', 200, 10), box('edge', 120, 19.5, 50, 20), arrow('x', [[110, 20], [200, 20]])]));
    assert.deepEqual(only(g, 'arrow through'), []);
  });

  test('a leader through a text it does not start on', () => {
    const items = [text('callout', 500, 100), text('ledger', 420, 104), box('target', 300, 95), leader('lead', [[500, 106], [400, 106]])];
    assert.deepEqual(only(sceneProblems(scene(items)), 'arrow through'), ['arrow through: lead crosses ledger']);
  });

  test('an arrow across a brace', () => {
    const items = [box('left', 10, 100, 60), box('target', 200, 100), brace('brace', 150, 90, 130), arrow('side', [[70, 110], [200, 110]])];
    assert.deepEqual(only(sceneProblems(scene(items)), 'arrow through brace'), ['arrow through brace: side crosses brace']);
    // Passing above the brace's span is fine.
    const above = [box('left', 10, 140, 60), box('target', 200, 140), brace('brace', 150, 90, 130), arrow('side', [[70, 150], [200, 150]])];
    assert.deepEqual(only(sceneProblems(scene(above)), 'arrow through brace'), []);
  });

  describe('parallel arrows', () => {
    // Two free lines, one above the other: the checks here are about their spacing only.
    // `two` comes up from below and turns to run beside (or along) `one`.
    const pair = (dy: number): Item[] => [arrow('one', [[10, 60], [200, 60]], false), arrow('two', [[20, 30], [20, 60 + dy], [150, 60 + dy]], false)];
    test('closer than 3 pt', () => {
      const problems = only(sceneProblems(scene(pair(2))), 'parallel');
      assert.deepEqual(problems, ['parallel arrows: one and two 2.00 pt apart']);
    });
    test('3 pt apart is fine', () => {
      assert.deepEqual(only(sceneProblems(scene(pair(3))), 'parallel'), []);
    });
    test('on one line without a common end', () => {
      assert.deepEqual(only(sceneProblems(scene(pair(0))), 'parallel'), ['parallel arrows: one and two run on one line']);
    });
    test('side by side for under 2 pt is fine', () => {
      const items = [arrow('a', [[10, 10], [30, 10]], false), arrow('b', [[29, 11], [60, 11]], false)];
      assert.deepEqual(only(sceneProblems(scene(items)), 'parallel'), []);
    });
    test('a shared trunk of one tree is fine', () => {
      // Two branches from one point, running together before they split.
      const items = [arrow('left', [[100, 10], [100, 50], [40, 50], [40, 80]]), arrow('leftmost', [[100, 10], [100, 50], [20, 50], [20, 80]])];
      assert.deepEqual(only(sceneProblems(scene(items)), 'parallel'), []);
      // One starts on the other's line (a branch off a trunk) and runs along it.
      const branch = [arrow('trunk', [[100, 10], [100, 90]]), arrow('branch', [[100, 30], [100, 50], [140, 50]])];
      assert.deepEqual(only(sceneProblems(scene(branch)), 'parallel'), []);
    });
  });

  describe('dangling ends', () => {
    test('a head short of its box', () => {
      const items = [box('p', 300, 10), box('q', 300, 100), arrow('short', [[350, 30], [350, 95]])];
      assert.deepEqual(only(sceneProblems(scene(items)), 'dangling'), ['dangling end: short ends at (350.0, 95.0) on nothing (nearest: q, 5.0 pt away)']);
    });
    test('a start in empty space', () => {
      const items = [box('p', 300, 10), box('q', 300, 100), arrow('loose', [[350, 40], [350, 100]])];
      assert.deepEqual(only(sceneProblems(scene(items)), 'dangling'), ['dangling end: loose starts at (350.0, 40.0) on nothing (nearest: p, 10.0 pt away)']);
    });
    test('a leader that stops short of its box, or starts away from its callout', () => {
      const items = [text('callout', 500, 100), box('target', 300, 95), leader('lead', [[495, 106], [405, 106]])];
      const problems = only(sceneProblems(scene(items)), 'dangling');
      assert.equal(problems.length, 2, problems.join('\n'));
      assert.ok(problems.every((p) => p.includes('lead')));
    });
    test('ends on a circle rim, a frame edge, a cell, another arrow', () => {
      const items: Item[] = [
        box('p', 300, 10), circle('o', 350, 80), frame('f', 280, 140, 140, 100),
        { kind: 'cell', id: 'cell', x: 500, y: 20, w: 8, h: 10, fill: 'cellA' },
        arrow('rim', [[350, 30], [350, 74]]),
        arrow('edge', [[350, 86], [350, 139]]),
        arrow('to-cell', [[400, 25], [500, 25]]),
        arrow('join', [[600, 30], [600, 50], [350, 50]]),
      ];
      const problems = only(sceneProblems(scene(items)), 'dangling');
      // `join` starts in space (600, 30); everything else touches something.
      assert.deepEqual(problems, ['dangling end: join starts at (600.0, 30.0) on nothing (nearest: cell, 92.0 pt away)']);
    });
    test('the input from below every box and the output up into the open are fine', () => {
      const items = [box('p', 300, 100), arrow('in', [[350, 10], [350, 100]]), arrow('out', [[350, 120], [350, 200]])];
      assert.deepEqual(only(sceneProblems(scene(items)), 'dangling'), []);
      // An inset beside the stack reaches higher than the output: still the output.
      const inset = [frame('inset', 450, 50, 200, 250), box('inner', 500, 240)];
      assert.deepEqual(only(sceneProblems(scene([...items, ...inset])), 'dangling'), []);
    });
    test('an arrow up into the empty inside of a frame, or under a box, is not an output', () => {
      const inFrame = [frame('inset', 250, 50, 200, 250), box('p', 300, 100), arrow('up', [[350, 120], [350, 200]])];
      assert.deepEqual(only(sceneProblems(scene(inFrame)), 'dangling'), ['dangling end: up ends at (350.0, 200.0) on nothing (nearest: p, 80.0 pt away)']);
      const under = [box('p', 300, 100), box('q', 300, 210), arrow('up', [[350, 120], [350, 200]])];
      assert.deepEqual(only(sceneProblems(scene(under)), 'dangling'), ['dangling end: up ends at (350.0, 200.0) on nothing (nearest: q, 10.0 pt away)']);
      // A downward arrow into space is no input or output either.
      const down = [box('p', 300, 100), arrow('down', [[350, 100], [350, 50]])];
      assert.equal(only(sceneProblems(scene(down)), 'dangling').length, 1);
    });
  });

  describe('text size at the display width', () => {
    test('below 10 px, and scripts below 8 px', () => {
      const items = [
        text('ok', 10, 10, 60, 12, [[run('nine pt')]], 9), // 9 × 800 / 720 = 10 px
        text('tiny', 10, 40, 60, 12, [[run('eight pt')]], 8), // 8.89 px
        box('formula', 300, 10, 100, 20, 9), // text 10 px; scripts at 9 × SCRIPT_SCALE pt (7.5 px at 0.75)
        box('big', 300, 60, 100, 20, 12), // scripts 10 px at 0.75
      ];
      (items[2] as BoxItem).lines = [[run('d'), run('ff', 'sub')]];
      (items[3] as BoxItem).lines = [[run('d'), run('ff', 'sub')]];
      const problems = only(sceneProblems(scene(items)), 'small text');
      assert.equal(problems.length, 2, problems.join('\n'));
      assert.match(problems[0]!, /^small text: tiny "eight pt" 8\.89 px/);
      const px = ((9 * SCRIPT_SCALE * 800) / 720).toFixed(2);
      assert.ok(problems[1]!.startsWith(`small text: formula "ff" ${px} px (script)`), problems[1]);
    });
    test('a wider canvas shrinks the text; a wider display grows it', () => {
      const items = [text('t', 10, 10, 60, 12, [[run('nine pt')]], 9)];
      assert.equal(only(sceneProblems(scene(items, 800)), 'small text').length, 1);
      assert.equal(only(sceneProblems(scene(items, 800), { displayWidth: 900 }), 'small text').length, 0);
    });
    test('sceneStats measures areas and the smallest sizes', () => {
      const b = box('b', 10, 10, 100, 20, 9);
      b.lines = [[run('x'), run('2', 'sup')]];
      const stats = sceneStats(scene([b, text('t', 200, 10, 60, 12, [[run('label')]], 10)]));
      assert.equal(stats.boxArea, 2000);
      assert.ok(stats.textArea > 0);
      assert.equal(stats.minTextPx, 10);
      assert.ok(Math.abs(stats.minScriptPx! - (9 * SCRIPT_SCALE * 800) / 720) < 1e-9);
      assert.deepEqual(sceneStats(scene([])), { boxArea: 0, textArea: 0, minTextPx: null, minScriptPx: null });
    });
  });

  describe('theme contrast', () => {
    const roles = ['paper', 'ink', 'muted', 'accent', 'container', 'block', 'box', 'attention', 'attentionInk', 'attentionAccent', 'norm', 'proj', 'router', 'expert', 'embed', 'mtp', 'cellA', 'cellB', 'cellC', 'cellD'];
    const template = (colors: Record<string, string>) =>
      roles.filter((r) => colors[r] !== undefined).map((r) => `\\definecolor{hf${r}}{HTML}{${colors[r]}}`).join('\n');
    // Black ink and marks on white paper and fills, white text on black: every pair at 21:1.
    const bw = Object.fromEntries(roles.map((r) => [r, ['ink', 'muted', 'accent', 'attentionInk', 'attentionAccent', 'cellA', 'cellB', 'cellC', 'cellD'].includes(r) ? '000000' : 'FFFFFF']));
    test('the WCAG 2 ratio', () => {
      assert.ok(Math.abs(contrastRatio('000000', 'FFFFFF') - 21) < 1e-9);
      assert.equal(contrastRatio('FFFFFF', '000000'), contrastRatio('000000', 'FFFFFF'));
      // The classic threshold greys: #767676 passes 4.5:1 on white, #777777 does not.
      assert.ok(contrastRatio('767676', 'FFFFFF') >= 4.5);
      assert.ok(contrastRatio('777777', 'FFFFFF') < 4.5);
      assert.equal(contrastRatio('123456', '123456'), 1);
      // Template colours come without '#', accents with it: both are read, anything else throws.
      assert.equal(contrastRatio('#767676', 'FFFFFF'), contrastRatio('767676', '#FFFFFF'));
      assert.deepEqual(parseHex('#1F2328'), [0x1f, 0x23, 0x28]);
      assert.equal(relativeLuminance('FFFFFF'), 1);
      assert.throws(() => parseHex('#FFF'), RangeError);
    });
    test('a black-and-white theme passes', () => {
      assert.deepEqual(themeContrastProblems(template(bw), 'bw'), []);
    });
    test('low-contrast text and marks, and missing roles, are named', () => {
      const problems = themeContrastProblems(template({ ...bw, muted: '999999', cellB: 'EEEEEE', mtp: undefined as unknown as string }), 't');
      assert.ok(problems.includes('t: missing colour role hfmtp'), problems.join('\n'));
      assert.ok(problems.some((p) => p.startsWith('t: text muted on paper 2.85:1')), problems.join('\n'));
      assert.ok(problems.some((p) => p.startsWith('t: graphic cellB on paper')), problems.join('\n'));
      assert.ok(!problems.some((p) => p.includes('ink on paper')));
    });
    for (const name of ['light', 'dark', 'gallery']) {
      test(`templates/${name}.tex defines every role (its contrast is reported, not asserted)`, (t) => {
        const problems = themeContrastProblems(readFileSync(new URL(`../templates/${name}.tex`, import.meta.url), 'utf8'), name);
        assert.deepEqual(problems.filter((p) => p.includes('missing')), []);
        for (const p of problems) t.diagnostic(p);
      });
    }
  });
});
