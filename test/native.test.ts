/**
 * The native backend (scene → SVG → PNG in-process): every fixture in every theme, agreement with
 * the TeX backend pixel by pixel, byte-identical reruns, ids that never collide on a page,
 * hostile strings kept as text, no file read but its fonts, and builds that never look for TeX.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Element, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import rehypeStringify from 'rehype-stringify';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { VFile } from 'vfile';
import remarkHfArch, { extract, HfArchError } from '../src/index.js';
import { buildFigure } from '../src/build.js';
import { layoutFigure } from '../src/figure/layout.js';
import { modelAccent } from '../src/figure/title.js';
import { loadTemplate, THEMES } from '../src/tex/template.js';
import { face, FONT_DIR, FONT_FILES } from '../src/svg/fonts.js';
import type { FontFace } from '../src/figure/text.js';
import { renderNative } from '../src/svg/index.js';
import { FIXTURES, fixturePath } from './helpers/fixtures.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const allFixtures = ['configs', 'extra'].flatMap((dir) =>
  readdirSync(`${FIXTURES}${dir}`).filter((f) => f.endsWith('.json') && f !== 'expected.json').map((f) => `${dir}/${f}`),
);
/** The six models of the reference cards. */
const REFERENCE = [
  'configs/meta-llama__Meta-Llama-3-8B-Instruct.json',
  'configs/deepseek-ai__DeepSeek-V3.json',
  'configs/deepseek-ai__DeepSeek-V4-Flash.json',
  'configs/openai__gpt-oss-20b.json',
  'configs/Qwen__Qwen3-Next-80B-A3B-Instruct.json',
  'extra/google__gemma-3-27b-it.transcribed.json',
];
const tmp = () => mkdtemp(join(tmpdir(), 'hf-arch-native-'));
const svgText = (bytes: Uint8Array | undefined): string => Buffer.from(bytes!).toString('utf8');
const META = { title: 'Figure', description: 'A figure' };

/**
 * How far the two backends may differ, at 96 dpi (pixelmatch; anti-aliased pixels not counted):
 * - over the whole image, pixels beyond colour threshold 0.1: measured 0.9–1.7 % in every fixture
 *   and theme (resvg and Poppler anti-alias glyph and line edges a few grey levels apart);
 * - in any 24 × 24 px tile, pixels beyond threshold 0.3: measured at most 12 % (two dotted
 *   leaders side by side whose dots fall a little apart).
 * One box moved by 2 pt already makes a tile differ by 17 % or more, so the tile bound is what
 * catches a misplaced box, line or text run; the global bound catches a figure drawn differently.
 */
const COMPARE_DPI = 96;
const MAX_DIFFERENT = 0.025;
const MAX_TILE = 0.15;
const TILE = 24;

function difference(a: PNG, b: PNG): { global: number; tile: number } {
  const global = pixelmatch(a.data, b.data, null, a.width, a.height, { threshold: 0.1 }) / (a.width * a.height);
  const mask = new PNG({ width: a.width, height: a.height });
  pixelmatch(a.data, b.data, mask.data, a.width, a.height, { threshold: 0.3, diffMask: true, diffColor: [255, 0, 0], aaColor: [0, 255, 0] });
  let tile = 0;
  for (let ty = 0; ty < a.height; ty += TILE) {
    for (let tx = 0; tx < a.width; tx += TILE) {
      let n = 0;
      for (let y = ty; y < Math.min(a.height, ty + TILE); y++) {
        for (let x = tx; x < Math.min(a.width, tx + TILE); x++) {
          const i = (y * a.width + x) * 4;
          if (mask.data[i + 3]! > 0 && mask.data[i] === 255 && mask.data[i + 1] === 0) n++;
        }
      }
      tile = Math.max(tile, n / (TILE * TILE));
    }
  }
  return { global, tile };
}

function elements(svg: string): Element[] {
  const tree = fromHtml(svg, { fragment: true, space: 'svg' }) as Root;
  const out: Element[] = [];
  visit(tree, 'element', (e: Element) => void out.push(e));
  return out;
}
const textOf = (e: Element): string => e.children.map((c) => (c.type === 'text' ? c.value : '')).join('');

describe('native renderer', () => {
  test('every fixture renders in every theme to SVG and PNG, and the same again byte for byte', async () => {
    const templates = await Promise.all(THEMES.map((t) => loadTemplate(t)));
    for (const file of allFixtures) {
      const { arch } = await extract(`${FIXTURES}${file}`);
      const scene = layoutFigure(arch);
      for (const template of templates) {
        const a = await renderNative(scene, template, ['svg', 'png'], { dpi: 40, meta: META });
        const b = await renderNative(layoutFigure(arch), template, ['svg', 'png'], { dpi: 40, meta: META });
        assert.ok(Buffer.from(a.files.svg!).equals(Buffer.from(b.files.svg!)), `${file} ${template.name}: same SVG`);
        assert.ok(Buffer.from(a.files.png!).equals(Buffer.from(b.files.png!)), `${file} ${template.name}: same PNG`);
        const png = PNG.sync.read(Buffer.from(a.files.png!));
        assert.equal(png.width, Math.floor((scene.width * 40) / 72.27 + 1e-6));
        assert.equal(png.height, Math.floor((scene.height * 40) / 72.27 + 1e-6));
      }
    }
  });

  test(`agrees with the TeX backend pixel by pixel (at ${COMPARE_DPI} dpi: ≤ ${MAX_DIFFERENT * 100}% of the image, ≤ ${MAX_TILE * 100}% of any tile)`, async () => {
    const cacheDir = await tmp();
    const cases = [...allFixtures.map((file) => ({ file, theme: 'light' })), ...REFERENCE.flatMap((file) => ['dark', 'gallery'].map((theme) => ({ file, theme })))];
    const results = await Promise.all(
      cases.map(async ({ file, theme }) => {
        const { arch } = await extract(`${FIXTURES}${file}`);
        const opts = { formats: ['png' as const], dpi: COMPARE_DPI, theme, cacheDir };
        const [native, tex] = await Promise.all([buildFigure(arch, { ...opts, renderer: 'native' }), buildFigure(arch, { ...opts, renderer: 'tex' })]);
        const a = PNG.sync.read(Buffer.from(native.bytes.png!));
        const b = PNG.sync.read(Buffer.from(tex.bytes.png!));
        assert.deepEqual([a.width, a.height], [b.width, b.height], `${file} ${theme}: same size`);
        return { file, theme, ...difference(a, b) };
      }),
    );
    for (const r of results) {
      assert.ok(r.global <= MAX_DIFFERENT && r.tile <= MAX_TILE, `${r.file} ${r.theme}: ${(r.global * 100).toFixed(2)}% of the image, ${(r.tile * 100).toFixed(1)}% of a tile differ`);
    }
    assert.ok(results.some((r) => r.global > 0), 'the two renderings are different programs: some pixel differs');
  });

  test('the comparison fails a figure with one box moved by 2 pt', async () => {
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-0.6B.json'));
    const template = await loadTemplate('light');
    const scene = layoutFigure(arch);
    const moved = { ...scene, items: scene.items.map((i) => (i.kind === 'box' && i.id === 'ffn' ? { ...i, x: i.x + 2 } : i)) };
    const [a, b] = await Promise.all([scene, moved].map((s) => renderNative(s, template, ['png'], { dpi: COMPARE_DPI, meta: META })));
    const d = difference(PNG.sync.read(Buffer.from(a!.files.png!)), PNG.sync.read(Buffer.from(b!.files.png!)));
    assert.ok(d.tile > MAX_TILE, `${(d.tile * 100).toFixed(1)}% of a tile differ`);
  });

  test('two figures inlined in one page share no id; two SVG files share none either', async () => {
    const cacheDir = await tmp();
    const value = ['```hf-arch', fixturePath('configs/Qwen__Qwen3-0.6B.json'), '```', '', '```hf-arch', fixturePath('configs/meta-llama__Meta-Llama-3-8B-Instruct.json'), '```', ''].join('\n');
    const html = String(
      await unified()
        .use(remarkParse)
        .use(remarkHfArch, { strategy: 'inline-svg', cacheDir, allowOutsideRoot: true, dark: 'class' })
        .use(remarkRehype, { allowDangerousHtml: true })
        .use(rehypeStringify)
        .process(new VFile({ value, path: join(ROOT, 'post.md'), cwd: ROOT })),
    );
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(ids.length > 100, 'glyphs are defined once and referenced');
    assert.equal(new Set(ids).size, ids.length, 'no id twice on the page');
    for (const m of html.matchAll(/href="#([^"]+)"/g)) assert.ok(ids.includes(m[1]!), `the reference #${m[1]} points into the page`);

    const svgs = await Promise.all(['configs/Qwen__Qwen3-0.6B.json', 'configs/Qwen__Qwen3-8B.json'].map(async (f) => svgText((await buildFigure(fixturePath(f), { cacheDir })).bytes.svg)));
    const [a, b] = svgs.map((s) => new Set([...s.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!)));
    assert.ok([...a!].every((id) => !b!.has(id)));
  });

  test('the glyph table shapes every text of every figure as fontkit shapes it from the font file', async () => {
    const fontkit = await import('fontkit');
    const files = { sans: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf', italic: 'DejaVuSans-Oblique.ttf', mono: 'DejaVuSansMono.ttf' } as const;
    const fonts = Object.fromEntries(Object.entries(files).map(([f, file]) => [f, fontkit.openSync(join(FONT_DIR, file)) as import('fontkit').Font]));
    const texts = new Map<FontFace, Set<string>>();
    const add = (f: FontFace, t: string) => (texts.get(f) ?? texts.set(f, new Set()).get(f)!).add(t);
    for (const file of allFixtures) {
      const { arch } = await extract(`${FIXTURES}${file}`);
      for (const o of [{}, { ledger: 'none' as const }]) {
        for (const i of layoutFigure(arch, o).items) if (i.kind === 'box' || i.kind === 'text') for (const r of i.lines.flat()) add(r.face, r.text);
      }
    }
    for (const f of ['sans', 'bold', 'italic', 'mono'] as const) for (const t of ['office fluffy affine', 'AVATAR To Ty Te', 'Tokenized text', 'W.V. LT', '"quoted" «x»', '--']) add(f, t);
    let fromTable = 0;
    for (const [f, set] of texts) {
      for (const text of set) {
        const shaped = face(f).fromTable(text);
        if (!shaped) continue;
        fromTable++;
        const run = fonts[f]!.layout(text);
        const expected: { id: number; x: number; y: number }[] = [];
        let x = 0;
        run.glyphs.forEach((g, i) => {
          expected.push({ id: g.id, x: x + run.positions[i]!.xOffset, y: run.positions[i]!.yOffset });
          x += run.positions[i]!.xAdvance;
        });
        assert.deepEqual(shaped, { glyphs: expected, advance: x }, `${f}: ${JSON.stringify(text)}`);
      }
    }
    assert.ok(fromTable > 500, `${fromTable} texts shaped from the table`);
  });

  test('the glyph table is what scripts/extract-glyphs.mjs writes from the installed fonts', async () => {
    const dir = await tmp();
    await run(process.execPath, [join(ROOT, 'scripts/extract-glyphs.mjs'), '--out', join(dir, 'glyphs.json')], { cwd: ROOT });
    assert.equal(await readFile(join(dir, 'glyphs.json'), 'utf8'), await readFile(join(ROOT, 'src/svg/glyphs.json'), 'utf8'));
  });

  test('a published SVG file keeps role="img", its title and its description', async () => {
    const cacheDir = await tmp();
    const out = await tmp();
    const value = ['```hf-arch', fixturePath('configs/Qwen__Qwen3-0.6B.json'), '```', ''].join('\n');
    await unified()
      .use(remarkParse)
      .use(remarkHfArch, { cacheDir, root: out, outputDir: 'figs', allowOutsideRoot: true })
      .use(remarkRehype)
      .use(rehypeStringify)
      .process(new VFile({ value, path: join(out, 'post.md'), cwd: out }));
    const [name] = readdirSync(join(out, 'figs'));
    const svg = await readFile(join(out, 'figs', name!), 'utf8');
    assert.match(svg, /<svg [^>]*role="img"/);
    const els = elements(svg);
    assert.equal(textOf(els.find((e) => e.tagName === 'title')!), 'Qwen3 0.6B (596M)');
    assert.match(textOf(els.find((e) => e.tagName === 'desc')!), /^Architecture of Qwen3-0\.6B: a decoder-only transformer of 28 transformer blocks/);
  });

  test('sanitizing keeps every element and attribute of a drawn figure (dotted and dashed lines included)', async () => {
    // Sanitizing dropped stroke-dasharray and stroke-linecap (hast calls them strokeDashArray,
    // strokeLineCap): sites showed dotted leaders and dashed boxes as solid lines.
    const { sanitizedSvgFile } = await import('../src/plugin/inline-svg.js');
    for (const f of ['configs/deepseek-ai__DeepSeek-V3.json', 'configs/deepseek-ai__DeepSeek-V4-Flash.json']) {
      for (const renderer of ['native', 'tex'] as const) {
        const svg = svgText((await buildFigure(fixturePath(f), { cacheDir: await tmp(), renderer })).bytes.svg);
        const shape = (text: string) => elements(text).map((e) => `${e.tagName}(${Object.keys(e.properties).sort().join(',')})`);
        assert.deepEqual(shape(sanitizedSvgFile(svg)), shape(svg), `${f} ${renderer}`);
        assert.match(sanitizedSvgFile(svg), /stroke-dasharray(="|:)[0-9]/);
      }
    }
  });

  test('hostile titles and model names come out as text, never markup', async () => {
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-0.6B.json'));
    const hostile = `</title><script>alert(1)</script> & ]]> "q" 'a' <!-- x`;
    const evil = { ...arch, model: { ...arch.model, name: `<svg onload=alert(2)>${hostile}` } };
    const r = await buildFigure(evil, { cacheDir: await tmp(), title: hostile });
    const svg = svgText(r.bytes.svg);
    const els = elements(svg);
    for (const e of els) assert.ok(['svg', 'title', 'desc', 'defs', 'path', 'g', 'use', 'rect', 'circle'].includes(e.tagName), `an element <${e.tagName}>`);
    assert.ok(!els.some((e) => ['script', 'foreignObject', 'image', 'a'].includes(e.tagName)));
    assert.ok(!els.some((e) => Object.keys(e.properties).some((p) => /^on/i.test(p))), 'no event handler');
    assert.equal(textOf(els.find((e) => e.tagName === 'title')!), hostile);
    assert.match(textOf(els.find((e) => e.tagName === 'desc')!), /<svg onload=alert\(2\)><\/title><script>/);
    assert.doesNotMatch(svg, /<script|<!--|]]>/);
  });

  test('reads no file but its own fonts', async () => {
    // A child process loads the code first, then records every path that fs is asked for while it
    // renders a figure with a hostile title in a custom-coloured theme.
    const dir = await tmp();
    const script = join(dir, 'probe.mjs');
    await writeFile(
      script,
      `import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const dist = ${JSON.stringify(join(ROOT, 'dist'))};
const { extract } = await import(dist + '/index.js');
const { layoutFigure } = await import(dist + '/figure/layout.js');
const { loadTemplate } = await import(dist + '/tex/template.js');
const { renderNative, nativeToolchain } = await import(dist + '/svg/index.js');
const { loadFontkit, face } = await import(dist + '/svg/fonts.js');
await loadFontkit();
// Warm up: fontkit loads its shapers on first use (module code, not data); the other faces stay
// unread. Text outside the glyph table (Cyrillic, CJK) then sends the title to fontkit and a font file.
face('sans').shape('Прогрев');
await (await import(dist + '/svg/rasterize.js')).svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', 96);
nativeToolchain();
const { arch } = await extract(process.argv[2]);
const template = await loadTemplate('gallery');
const scene = layoutFigure(arch, { title: 'Модель 模型 ../../../../etc/passwd <image href="file:///etc/passwd"/>' });
const seen = [];
const wrap = (obj, names) => { for (const n of names) { const f = obj[n]; obj[n] = function (p, ...rest) { seen.push(String(p)); return f.call(this, p, ...rest); }; } };
wrap(fs, ['readFileSync', 'openSync', 'readFile', 'open', 'createReadStream', 'statSync', 'lstatSync', 'existsSync', 'readdirSync', 'accessSync']);
wrap(fs.promises, ['readFile', 'open', 'stat', 'lstat', 'readdir', 'access']);
syncBuiltinESMExports();
await renderNative(scene, template, ['svg', 'png'], { dpi: 50, meta: { title: 't', description: 'd' } });
process.stdout.write(JSON.stringify(seen));
`,
    );
    const { stdout } = await run(process.execPath, [script, fixturePath('configs/deepseek-ai__DeepSeek-V3.json')], { cwd: ROOT });
    const seen = JSON.parse(stdout) as string[];
    assert.ok(seen.length > 0, 'the probe saw the fonts being read');
    for (const path of seen) assert.ok(FONT_FILES.includes(path), `read ${path}`);
  });

  test('SVG and PNG build with no TeX on the PATH, the same bytes in every process; PDF says it needs TeX', async () => {
    const dir = await tmp();
    const env = { PATH: '', HF_ARCH_FROZEN: '' };
    for (const ext of ['svg', 'png']) {
      await run(process.execPath, [BIN, 'build', fixturePath('configs/Qwen__Qwen3-0.6B.json'), '-o', join(dir, `q.${ext}`), '--cache-dir', join(dir, 'c'), '--dpi', '60'], { env });
    }
    // Another process, another cache: the same bytes.
    for (const ext of ['svg', 'png']) {
      await run(process.execPath, [BIN, 'build', fixturePath('configs/Qwen__Qwen3-0.6B.json'), '-o', join(dir, `again.${ext}`), '--cache-dir', join(dir, 'c2'), '--dpi', '60'], { env });
      assert.ok((await readFile(join(dir, `q.${ext}`))).equals(await readFile(join(dir, `again.${ext}`))), `${ext}: byte-identical across processes`);
    }
    assert.match((await readFile(join(dir, 'q.svg'), 'utf8')).slice(0, 200), /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" [^>]*role="img"/);
    assert.ok((await readFile(join(dir, 'q.png'))).subarray(1, 4).equals(Buffer.from('PNG')));
    const pdf = await run(process.execPath, [BIN, 'build', fixturePath('configs/Qwen__Qwen3-0.6B.json'), '-o', join(dir, 'q.pdf'), '--cache-dir', join(dir, 'c')], { env }).catch((e: { code: number; stderr: string }) => e);
    assert.ok('code' in pdf && pdf.code !== 0);
    assert.match(pdf.stderr, /xelatex|TeX/);
  });

  test('the demo builds its page with no TeX on the PATH', async () => {
    const dir = await tmp();
    await run(process.execPath, [join(ROOT, 'scripts/demo.mjs'), '--out', join(dir, 'site')], { cwd: ROOT, env: { PATH: '', HF_ARCH_CACHE_DIR: join(dir, 'cache'), HF_ARCH_FROZEN: '' } });
    const html = await readFile(join(dir, 'site/index.html'), 'utf8');
    const srcs = [...html.matchAll(/(?:src|srcset)="hf-arch\/([^"]+\.svg)"/g)].map((m) => m[1]!);
    assert.ok(srcs.length >= 10, `${srcs.length} figures (light and dark)`);
    for (const name of new Set(srcs)) assert.match(await readFile(join(dir, 'site/hf-arch', name), 'utf8'), /<svg [^>]*role="img"/);
  });

  test('renderer choices: native cannot make a PDF; an unknown renderer is a usage error', async () => {
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-0.6B.json'));
    await assert.rejects(buildFigure(arch, { renderer: 'native', formats: ['pdf'], cacheDir: await tmp() }), (e: unknown) => e instanceof HfArchError && e.code === 'usage' && /PDF/.test(e.message));
    for (const args of [['--renderer', 'svgtex', '-o', 'x.svg'], ['--renderer', 'native', '-o', 'x.pdf']]) {
      const r = await run(process.execPath, [BIN, 'build', fixturePath('configs/Qwen__Qwen3-0.6B.json'), ...args]).catch((e: { code: number; stderr: string }) => e);
      assert.ok('code' in r && r.code === 2, args.join(' '));
      assert.match(r.stderr, /renderer|PDF/);
    }
    // The renderer is part of the key: the two backends' figures are separate cache entries.
    const cacheDir = await tmp();
    const [n, t] = [await buildFigure(arch, { cacheDir, renderer: 'native' }), await buildFigure(arch, { cacheDir, renderer: 'tex' })];
    assert.notEqual(n.key, t.key);
    assert.match(svgText(t.bytes.svg), /glyph/);
    assert.doesNotMatch(svgText(n.bytes.svg), /glyph/);
  });

  test("a custom template's colours are used; one the native renderer cannot read is a located error", async () => {
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-0.6B.json'));
    const light = await readFile(join(ROOT, 'templates/light.tex'), 'utf8');
    const dir = await tmp();
    const red = join(dir, 'red.tex');
    await writeFile(red, light.replace(/\\definecolor\{hfaccent\}\{HTML\}\{[0-9A-F]{6}\}/, '\\definecolor{hfaccent}{HTML}{C8102E}'));
    assert.match(svgText((await buildFigure(arch, { theme: red, cacheDir: await tmp() })).bytes.svg), /fill="#C8102E"/);
    const rgb = join(dir, 'rgb.tex');
    await writeFile(rgb, light.replace(/\\definecolor\{hfink\}\{HTML\}\{[0-9A-F]{6}\}/, '\\definecolor{hfink}{rgb}{0.1,0.1,0.1}'));
    await assert.rejects(buildFigure(arch, { theme: rgb, cacheDir: await tmp() }), (e: unknown) => e instanceof HfArchError && e.code === 'template-invalid' && /hfink/.test(e.message) && e.location?.file === rgb && /renderer/.test(e.hint ?? ''));
  });

  test('the gallery theme gets each model its accent in the native SVG too', async () => {
    for (const f of ['configs/deepseek-ai__DeepSeek-V3.json', 'configs/Qwen__Qwen3-0.6B.json']) {
      const { arch } = await extract(fixturePath(f));
      const svg = svgText((await buildFigure(arch, { theme: 'gallery', cacheDir: await tmp() })).bytes.svg);
      assert.match(svg, new RegExp(`fill="${modelAccent(arch).toUpperCase()}"`), f);
    }
  });

  test('the PNG: the exact pixels resvg drew, in two strips of rows when tall, as RGBA with the dpi; transparency kept', async () => {
    const { Resvg } = await import('@resvg/resvg-js');
    const { encodePng } = await import('../src/svg/png.js');
    const { svgToPng } = await import('../src/svg/rasterize.js');
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-0.6B.json'));
    const dpi = 150;
    const png = PNG.sync.read(Buffer.from((await buildFigure(arch, { formats: ['png'], dpi, cacheDir: await tmp() })).bytes.png!));
    // The same figure drawn by resvg strip by strip, and its pixels compared one by one.
    const { drawScene, svgDocument, rasterSize } = await import('../src/svg/render.js');
    const { themePalette } = await import('../src/theme/palette.js');
    const scene = layoutFigure(arch, {});
    const template = await loadTemplate('light');
    const drawnScene = drawScene(scene, themePalette(template.text, template.name, scene.accent));
    const { width, height } = rasterSize(drawnScene, dpi);
    assert.ok(height >= 1024, `tall enough to be drawn in strips (${height} rows)`);
    const half = Math.floor(height / 2);
    const strip = (rows: [number, number]) => new Resvg(svgDocument(drawnScene, META, { dpi, rows }), { fitTo: { mode: 'original' }, font: { loadSystemFonts: false }, shapeRendering: 2 }).render();
    const [top, bottom] = [strip([0, half]), strip([half, height])];
    assert.deepEqual([png.width, png.height, top.height + bottom.height], [width, height, height]);
    assert.ok(Buffer.compare(png.data, Buffer.concat([top.pixels, bottom.pixels])) === 0, 'the built PNG holds the rasterized pixels');
    assert.equal(png.colorType, 6, 'RGBA: our encoder');
    for (let i = 3; i < png.data.length; i += 4) if (png.data[i] !== 255) assert.fail(`pixel ${(i - 3) / 4} is not opaque: premultiplied pixels would be written as they are`);
    // The strips join without a seam: against one drawing of the whole page, all but a few anti-aliased bytes agree.
    const whole = new Resvg(svgDocument(drawnScene, META, { dpi }), { fitTo: { mode: 'original' }, font: { loadSystemFonts: false }, shapeRendering: 2 }).render().pixels;
    let differ = 0;
    for (let i = 0; i < whole.length; i++) if (Math.abs(whole[i]! - png.data[i]!) > 8) differ++;
    assert.ok(differ < whole.length / 10_000, `${differ} bytes differ by more than 8 levels`);
    // pHYs: 150 dpi = 5906 pixels per metre, both axes.
    const bytes = Buffer.from(encodePng([top.pixels, bottom.pixels], width, height, dpi));
    const at = bytes.indexOf('pHYs');
    assert.ok(at > 0 && bytes.readUInt32BE(at + 4) === 5906 && bytes.readUInt32BE(at + 8) === 5906 && bytes[at + 12] === 1);
    // Sizes must add up; a transparent pixel stays transparent.
    const clear = new Uint8Array([255, 255, 255, 255, 0, 0, 0, 0]);
    assert.throws(() => encodePng([clear], 3, 1, dpi), RangeError);
    assert.deepEqual([...PNG.sync.read(Buffer.from(encodePng([clear], 2, 1, dpi))).data], [...clear]);
    const transparent = PNG.sync.read(Buffer.from(await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="1"><rect width="1" height="1" fill="#fff"/></svg>', dpi)));
    assert.deepEqual([...transparent.data], [255, 255, 255, 255, 0, 0, 0, 0]);
    // Half-covered: resvg's premultiplied [128, 0, 0, 128] becomes PNG's straight [255, 0, 0, 128].
    const semi = PNG.sync.read(Buffer.from(await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1" fill="#f00" fill-opacity="0.5"/></svg>', dpi)));
    assert.deepEqual([...semi.data], [255, 0, 0, 128]);
  });
});
