// Writes src/svg/glyphs.json: for the characters the figures use (the layout's width table of
// font-metrics.json, plus Greek and a bullet), each face's glyph ids, advances, ligatures, pair
// kerning and outlines, as fontkit shapes and reads them from the dejavu-fonts-ttf files. The
// native renderer shapes text from this table and imports fontkit only for other characters
// (a test checks that both give the same glyphs and positions). Run after a font update:
//   node scripts/extract-glyphs.mjs [--out FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as fontkit from 'fontkit';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FILES = { sans: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', italic: 'DejaVuSans-Oblique.ttf', mono: 'DejaVuSansMono.ttf' };

const metrics = JSON.parse(readFileSync(join(root, 'src/figure/font-metrics.json'), 'utf8'));
const extra = [...'αβγδεζηθικλμνξοπρστυφχψωΔΣ•'];
const chars = [...new Set([...Object.keys(metrics.sans.widths).map((c) => String.fromCodePoint(Number(c))), ...extra])].sort();

const out = { source: `${Object.values(FILES).join(', ')} of dejavu-fonts-ttf ${require('dejavu-fonts-ttf/package.json').version}, shaped by fontkit (scripts/extract-glyphs.mjs)` };
for (const [face, file] of Object.entries(FILES)) {
  const font = fontkit.openSync(join(dir, file));
  const one = (text) => {
    const run = font.layout(text);
    if (run.glyphs.length !== 1) return null;
    const p = run.positions[0];
    return p.xOffset === 0 && p.yOffset === 0 ? [run.glyphs[0].id, p.xAdvance] : null;
  };
  const glyphs = {};
  for (const c of chars) {
    const g = one(c);
    if (g && g[0] !== 0) glyphs[c] = g;
  }
  const known = Object.keys(glyphs);
  // Ligatures of two characters, then three starting with one of those pairs.
  const ligatures = {};
  for (const a of known) for (const b of known) {
    const g = one(a + b);
    if (g) ligatures[a + b] = g;
  }
  for (const ab of Object.keys(ligatures)) for (const c of known) {
    const g = one(ab + c);
    if (g) ligatures[ab + c] = g;
  }
  // Pair kerning between every two units (characters and ligatures): the first unit's advance
  // changes, nothing else moves; a pair shaped any other way is listed as complex.
  const units = { ...glyphs, ...ligatures };
  const kerning = {};
  const complex = [];
  const names = Object.keys(units);
  for (const u of names) for (const v of names) {
    const run = font.layout(u + v);
    if (run.glyphs.length !== 2 || run.glyphs[0].id !== units[u][0] || run.glyphs[1].id !== units[v][0]) {
      // u + v shapes into a ligature across them: the table shaper's greedy ligatures handle it
      // when that ligature is in the table, else the run goes to fontkit.
      if (!ligatures[u + v]) complex.push(u + v);
      continue;
    }
    const [p, q] = run.positions;
    if (p.xOffset || p.yOffset || q.xOffset || q.yOffset || q.xAdvance !== units[v][1]) {
      complex.push(u + v);
      continue;
    }
    const delta = p.xAdvance - units[u][1];
    if (delta !== 0) kerning[`${units[u][0]},${units[v][0]}`] = delta;
  }
  const outlines = {};
  for (const [id] of Object.values(units)) outlines[id] = font.getGlyph(id).path.toSVG();
  out[face] = { unitsPerEm: font.unitsPerEm, glyphs, ligatures, kerning, complex, outlines };
  console.log(`${face}: ${known.length} glyphs, ${Object.keys(ligatures).length} ligatures, ${Object.keys(kerning).length} kerning pairs, ${complex.length} complex pairs`);
}
const target = process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1] : join(root, 'src/svg/glyphs.json');
writeFileSync(target, `${JSON.stringify(out)}\n`);
console.log(`written: ${target}`);
