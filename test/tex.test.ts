/** Real TeX: escaping, the sandbox, reproducible bytes, the cache that spawns nothing, frozen mode. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { buildFigure, renderDocument } from '../src/build.js';
import { HfArchError, extract } from '../src/index.js';
import { compileTex, texLogExcerpt } from '../src/tex/compile.js';
import { escapeTex } from '../src/tex/escape.js';
import { tasksStarted } from '../src/cache/queue.js';
import { fixturePath } from './helpers/fixtures.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const tmp = () => mkdtemp(join(tmpdir(), 'hf-arch-tex-test-'));

/** The text of a PDF, by Poppler's pdftotext. */
async function pdfText(pdf: Uint8Array): Promise<string> {
  const dir = await tmp();
  await writeFile(join(dir, 'f.pdf'), pdf);
  await run('pdftotext', [join(dir, 'f.pdf'), join(dir, 'f.txt')]);
  return readFile(join(dir, 'f.txt'), 'utf8');
}

describe('tex', () => {
  test('escaping: every special character is set literally', () => {
    assert.equal(escapeTex('\\input{/etc/passwd} $x$ & 50% #1 a_b ^ ~ <b>|'), '\\textbackslash{}input\\{/etc/passwd\\} \\$x\\$ \\& 50\\% \\#1 a\\_b \\textasciicircum{} \\textasciitilde{} \\textless{}b\\textgreater{}\\textbar{}');
    assert.equal(escapeTex('a\u0000b\u001bc'), 'abc');
  });

  test('a hostile title renders literally; a hostile model_type fails cleanly before TeX', async () => {
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-0.6B.json'));
    const tex = await renderDocument(arch, { title: '\\input{/etc/passwd} & 100% $x_1$ -- "q" <b>|' });
    const { files } = await compileTex(tex, { formats: ['pdf'] });
    const text = await pdfText(files.pdf!);
    assert.match(text, /\\input\{\/etc\/passwd\} & 100% \$x_1\$ -- "q" <b>\|/);
    assert.doesNotMatch(text, /root:/);
    const dir = await tmp();
    await writeFile(join(dir, 'evil.json'), JSON.stringify({ model_type: '\\input{/etc/passwd}', hidden_size: 8 }));
    await assert.rejects(extract(join(dir, 'evil.json')), (e: unknown) => e instanceof HfArchError && e.code === 'unsupported-model-type');
  });

  test('TeX cannot read files outside its folder, and its errors come with the log lines', async () => {
    const dir = await tmp();
    const template = (await readFile(new URL('../templates/light.tex', import.meta.url), 'utf8')).replace('\\begin{document}', '\\begin{document}\\input{/etc/hostname}');
    await writeFile(join(dir, 'evil.tex'), template);
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-0.6B.json'));
    await assert.rejects(buildFigure(arch, { renderer: 'tex', theme: join(dir, 'evil.tex'), cacheDir: await tmp() }), (e: unknown) => {
      assert.ok(e instanceof HfArchError && e.code === 'tex-failed', String(e));
      assert.match(e.hint ?? '', /File `\/etc\/hostname\.tex' not found/);
      return true;
    });
    assert.equal(texLogExcerpt('x\n! Undefined control sequence.\n<recently read> \\foo\nl.12 \\foo\nmore'), '! Undefined control sequence.\nl.12 \\foo');
  });

  test('two builds give byte-identical SVG, PNG and PDF', async () => {
    const { arch } = await extract(fixturePath('configs/deepseek-ai__DeepSeek-V3.json'));
    const [a, b] = [await buildFigure(arch, { renderer: 'tex', formats: ['svg', 'png', 'pdf'], dpi: 100, cacheDir: await tmp() }), await buildFigure(arch, { renderer: 'tex', formats: ['svg', 'png', 'pdf'], dpi: 100, cacheDir: await tmp() })];
    assert.equal(a.cached || b.cached, false);
    for (const f of ['svg', 'png', 'pdf'] as const) {
      assert.ok((await readFile(a.files[f]!)).equals(await readFile(b.files[f]!)), f);
    }
    assert.match((await readFile(a.files.svg!, 'utf8')).slice(0, 200), /<svg/);
  });

  test('a dark PNG is paper to its last pixel: no light hairline at the right or bottom edge', async () => {
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-0.6B.json'));
    const r = await buildFigure(arch, { renderer: 'tex', theme: 'dark', formats: ['png'], dpi: 150, cacheDir: await tmp() });
    const png = PNG.sync.read(await readFile(r.files.png!));
    const paper = [0x16, 0x18, 0x1d];
    const at = (x: number, y: number) => [0, 1, 2].map((c) => png.data[(y * png.width + x) * 4 + c]!);
    for (let x = 0; x < png.width; x += 7) assert.deepEqual(at(x, png.height - 1), paper, `bottom row at x=${x}`);
    for (let y = 0; y < png.height; y += 7) assert.deepEqual(at(png.width - 1, y), paper, `right column at y=${y}`);
  });

  test('every theme compiles', async () => {
    const { arch } = await extract(fixturePath('configs/openai__gpt-oss-20b.json'));
    const cacheDir = await tmp();
    for (const theme of ['light', 'dark', 'gallery']) {
      const r = await buildFigure(arch, { renderer: 'tex', theme, cacheDir });
      assert.ok((await readFile(r.files.svg!)).length > 1000, theme);
    }
    await assert.rejects(buildFigure(arch, { renderer: 'tex', theme: 'neon', cacheDir }), (e: unknown) => e instanceof HfArchError && e.code === 'template-invalid');
  });

  test('a second build comes from the cache without spawning anything; frozen misses are errors', async () => {
    const cacheDir = await tmp();
    const out = await tmp();
    const source = fixturePath('configs/Qwen__Qwen3-0.6B.json');
    const first = await run(process.execPath, [BIN, 'build', '--renderer', 'tex', source, '-o', join(out, 'a.svg'), '--cache-dir', cacheDir]);
    assert.match(first.stderr, /built/);
    // No TeX, no Poppler, no PATH at all: a cache hit must not need them.
    const second = await run(process.execPath, [BIN, 'build', '--renderer', 'tex', source, '-o', join(out, 'b.svg'), '--cache-dir', cacheDir, '--frozen'], { env: { PATH: '' } });
    assert.match(second.stderr, /from the cache/);
    assert.ok((await readFile(join(out, 'a.svg'))).equals(await readFile(join(out, 'b.svg'))));
    const miss = await run(process.execPath, [BIN, 'build', '--renderer', 'tex', source, '-o', join(out, 'c.png'), '--cache-dir', await tmp()], { env: { PATH: '', HF_ARCH_FROZEN: '1' } }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((miss as { code: number }).code, 1);
    assert.match((miss as { stderr: string }).stderr, /is not in the cache at .*frozen mode forbids building it[\s\S]*hf-arch build/);
  });

  test('concurrent requests for one figure compile once', async () => {
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-8B.json'));
    const cacheDir = await tmp();
    const before = tasksStarted();
    const results = await Promise.all([1, 2, 3, 4].map(() => buildFigure(arch, { renderer: 'tex', cacheDir, theme: 'dark' })));
    assert.equal(new Set(results.map((r) => r.files.svg)).size, 1);
    assert.equal(tasksStarted() - before, 1, 'one compilation for four requests');
  });

  test('hf-arch render and compile', async () => {
    const out = await tmp();
    await run(process.execPath, [BIN, 'render', fixturePath('configs/google__gemma-2-2b-it.json'), '-o', join(out, 'g.tex'), '--theme', 'gallery']);
    assert.match(await readFile(join(out, 'g.tex'), 'utf8'), /\\begin\{tikzpicture\}/);
    await run(process.execPath, [BIN, 'compile', join(out, 'g.tex'), '--format', 'png', '--dpi', '72']);
    const png = await readFile(join(out, 'g.png'));
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    const help = await run(process.execPath, [BIN, 'build', '--renderer', 'tex', '--help']);
    assert.match(help.stdout, /--frozen/);
  });

  test('pdflatex is a working fallback engine', async () => {
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-0.6B.json'));
    const { files, toolchain } = await compileTex(await renderDocument(arch), { engine: 'pdflatex', formats: ['pdf'] });
    assert.match(toolchain, /^pdflatex/);
    assert.match(await pdfText(files.pdf!), /Qwen3 0\.6B/);
  });

  test('a missing toolchain says what to install', async () => {
    const out = await tmp();
    await writeFile(join(out, 'x.tex'), '\\documentclass{article}\\begin{document}x\\end{document}');
    const r = await run(process.execPath, [BIN, 'compile', join(out, 'x.tex')], { env: { PATH: '' } }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((r as { code: number }).code, 1);
    // compile takes documents from elsewhere: xelatex only, whose output can be checked.
    assert.match((r as { stderr: string }).stderr, /xelatex is not installed \(a document from elsewhere is compiled with xelatex only\)[\s\S]*apt-get install texlive-xetex texlive-pictures/);
    const build = await run(process.execPath, [BIN, 'build', '--renderer', 'tex', fixturePath('configs/Qwen__Qwen3-0.6B.json'), '-o', join(out, 'q.svg'), '--cache-dir', join(out, 'c')], { env: { PATH: '' } }).catch((e: { code: number; stderr: string }) => e);
    assert.match((build as { stderr: string }).stderr, /no TeX engine is installed[\s\S]*apt-get install texlive-xetex texlive-pictures/);
  });

  test('figures compiled together in one TeX run are the same bytes as figures compiled alone', async () => {
    const sources = ['configs/Qwen__Qwen3-0.6B.json', 'configs/mistralai__Mixtral-8x7B-v0.1.json', 'configs/openai-community__gpt2.json'];
    const archs = await Promise.all(sources.map(async (s) => (await extract(fixturePath(s))).arch));
    const together = await Promise.all(archs.map(async (arch) => buildFigure(arch, { renderer: 'tex', cacheDir: await tmp(), formats: ['svg', 'png'], dpi: 72 })));
    for (const [i, arch] of archs.entries()) {
      const alone = await buildFigure(arch, { renderer: 'tex', cacheDir: await tmp(), formats: ['svg', 'png'], dpi: 72 });
      for (const f of ['svg', 'png'] as const) assert.ok((await readFile(alone.files[f]!)).equals(await readFile(together[i]!.files[f]!)), `${sources[i]} ${f}`);
    }
  });

  test('the cache key names a forced engine; concurrent builds of other formats or folders get their own files', async () => {
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-0.6B.json'));
    const cacheDir = await tmp();
    const auto = await buildFigure(arch, { renderer: 'tex', cacheDir, formats: ['pdf'] });
    const pdftex = await buildFigure(arch, { renderer: 'tex', cacheDir, formats: ['pdf'], engine: 'pdflatex' });
    assert.notEqual(auto.key, pdftex.key);
    const [svg, pdf, other] = await Promise.all([
      buildFigure(arch, { renderer: 'tex', cacheDir: await tmp(), formats: ['svg'], theme: 'gallery' }),
      buildFigure(arch, { renderer: 'tex', cacheDir: await tmp(), formats: ['pdf'], theme: 'gallery' }),
      buildFigure(arch, { renderer: 'tex', cacheDir: await tmp(), formats: ['svg'], theme: 'gallery' }),
    ]);
    assert.ok(svg.files.svg && pdf.files.pdf && other.files.svg);
    assert.notEqual(svg.files.svg, other.files.svg, 'each cache folder gets its own entry');
  });
});
