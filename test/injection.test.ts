/**
 * Injection payloads through every string that reaches TeX, SVG or HTML: figure titles, model
 * names (from file and folder names), fence options (caption, alt, title) and Hub-style names.
 * TeX: all payloads are set on the pages of one real xelatex document, and each page's text
 * (pdftotext) must be the payload itself, with no side effect. HTML: the page must carry each
 * payload as text, never as markup.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import rehypeStringify from 'rehype-stringify';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import { extract } from '../src/index.js';
import remarkHfArch from '../src/index.js';
import { layoutFigure } from '../src/figure/layout.js';
import { displayTitle } from '../src/figure/title.js';
import { compileTex } from '../src/tex/compile.js';
import { loadTemplate } from '../src/tex/template.js';
import { pagesToDocument, scenePage } from '../src/tex/tikz.js';
import { fixturePath } from './helpers/fixtures.js';

const run = promisify(execFile);
const MARKER = join(tmpdir(), `hf-arch-injection-${process.pid}`);

/** What an attacker puts in a title, a name or an option. `MARK` is a file that must never appear. */
const TEX_PAYLOADS = [
  '\\input{/etc/passwd}',
  '\\immediate\\write18{touch MARK}',
  '\\catcode`\\@=0 @input{/etc/hostname}',
  '^^5cinput^^7b/etc/passwd^^7d',
  '}}}\\end{tikzpicture}\\end{document}',
  '{{{{ unbalanced',
  '$x^2$ & 100% #1 ~ _ ^',
  '\\def\\x{\\x}\\x',
  '\\csname input\\endcsname{/etc/passwd}',
  '\\special{pdf:fstream @x (/etc/passwd)}',
  '\\openout1=MARK \\write1{x}',
  '\\newline\\par\\vskip 1000pt',
  '\\verb|x| \\begin{verbatim}',
  '\\makeatletter\\@@input /etc/passwd',
  '%comment that hides the rest',
  '"quotes" \'single\' -- --- `` \'\'',
  '<script>alert(1)</script>',
  '\\\\\\\\ \\\\',
  '\\detokenize{\\input{x}}',
  '\\tracingall\\showlists',
  'ünïcödé Ελληνικά Кириллица',
  'x\u0000y\u001b[2Jz\u0007',
  '\\ifPDFTeX\\else\\fi\\iftrue',
  '\\lowercase{\\INPUT{/ETC/PASSWD}}',
  '\\scantokens{\\input{/etc/passwd}}',
];

/** What pdftotext shows of a payload set literally: control characters are dropped, spaces merge. */
const visible = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim();

describe('TeX injection: titles and model names are set literally', () => {
  test(`${TEX_PAYLOADS.length} payloads as titles and as model names, in one real document`, async () => {
    const payloads = TEX_PAYLOADS.map((p) => p.replaceAll('MARK', MARKER));
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-0.6B.json'));
    const pages = [
      ...payloads.map((title) => scenePage(layoutFigure(arch, { title }))),
      ...payloads.map((name) => scenePage(layoutFigure({ ...arch, model: { ...arch.model, name } }, {}))),
    ];
    const template = await loadTemplate('light');
    const { files } = await compileTex(pagesToDocument(pages, template.text), { formats: ['pdf'], timeoutMs: 120_000 });
    const dir = await mkdtemp(join(tmpdir(), 'hf-arch-injection-'));
    await writeFile(join(dir, 'all.pdf'), files.pdf!);
    // A model name reaches the page through its display title (prettified, with the size).
    const named = payloads.map((name) => displayTitle({ ...arch, model: { ...arch.model, name } }));
    for (const [i, payload] of [...payloads, ...named].entries()) {
      const { stdout } = await run('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), '-raw', join(dir, 'all.pdf'), '-']);
      const text = stdout.replace(/\s+/g, ' ');
      // Long payloads wrap; compare without spaces.
      assert.ok(text.replace(/ /g, '').includes(visible(payload).replace(/ /g, '')), `page ${i + 1}: ${JSON.stringify(payload)} → ${text.slice(0, 200)}`);
      assert.doesNotMatch(text, /root:x:0:0/, 'no file was read');
    }
    assert.equal(await stat(MARKER).then(() => true, () => false), false, 'nothing was written or run');
  });
});

const HTML_PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "x'; alert(1); 'y",
  '</figcaption></figure><script>alert(2)</script>',
  'javascript:alert(3)',
  '<svg onload=alert(4)>',
  '{alert(5)}',
  '<!--',
  ']]><![CDATA[',
];

describe('HTML injection: fence options and model names are text in the page', () => {
  test('caption, alt and title payloads through the plugin (file and inline-svg strategies)', async () => {
    const site = await mkdtemp(join(tmpdir(), 'hf-arch-injection-site-'));
    await mkdir(join(site, 'posts'));
    // A model whose folder name is itself a payload: it becomes the figure's title and alt.
    const folder = join(site, 'm<img src=x onerror=alert(9)>');
    await mkdir(folder);
    await cp(fixturePath('configs/Qwen__Qwen3-0.6B.json'), join(folder, 'config.json'));
    const fences = HTML_PAYLOADS.map((p) => `\`\`\`hf-arch\n${folder}\ncaption: ${p}\nalt: ${p}\ntitle: T\n\`\`\``).join('\n\n');
    for (const strategy of ['file', 'inline-svg'] as const) {
      const file = new VFile({ path: join(site, 'posts', 'p.md'), value: `${fences}\n\n\`\`\`hf-arch\n${folder}\n\`\`\`\n`, cwd: site });
      const html = String(await unified().use(remarkParse).use(remarkHfArch, { root: site, allowOutsideRoot: true, cacheDir: join(site, '.cache'), outputDir: 'public/f', strategy }).use(remarkRehype).use(rehypeStringify).process(file));
      // Parsed as a browser would: no element or attribute came from a payload; each is text or an attribute's value.
      const tree = fromHtml(html, { fragment: true });
      const tags: string[] = [];
      const values: string[] = [];
      visit(tree, (node) => {
        if (node.type === 'element') {
          tags.push(node.tagName);
          for (const [name, value] of Object.entries(node.properties)) {
            assert.ok(!/^on/i.test(name), `${strategy}: an event handler ${name}`);
            values.push(String(value));
          }
        } else if (node.type === 'text') values.push(node.value);
        else assert.notEqual(node.type, 'comment', `${strategy}: a comment`);
      });
      for (const tag of tags) assert.ok(['figure', 'img', 'figcaption', 'p', 'svg', 'title', 'desc', 'g', 'defs', 'symbol', 'path', 'use', 'clipPath', 'rect', 'circle'].includes(tag), `${strategy}: an element <${tag}>`);
      for (const payload of HTML_PAYLOADS) assert.ok(values.includes(payload), `${strategy}: ${payload} is there as text`);
      assert.ok(values.some((v) => v.includes('m<img src=x onerror=alert(9)>')), 'the model name is there as text');
      const pub = await readFile(join(site, 'public', 'f', (await import('node:fs')).readdirSync(join(site, 'public', 'f'))[0]!)).catch(() => null);
      if (strategy === 'file') assert.ok(pub && !pub.includes('<script'), 'the published figure has no script');
    }
  });
});

describe('TeX limits', () => {
  test('a title of 800 characters without a space is broken to fit, and compiles', async () => {
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-0.6B.json'));
    const title = 'W'.repeat(800);
    const scene = layoutFigure(arch, { title });
    assert.ok(scene.width < 2000 && scene.height < 4000, `${scene.width} × ${scene.height}`);
    const template = await loadTemplate('light');
    const { files } = await compileTex(pagesToDocument([scenePage(scene)], template.text), { formats: ['svg'] });
    assert.ok(files.svg!.length > 10_000);
  });

  test('the pdflatex fallback sets CJK, emoji and combining marks as ? instead of failing', async () => {
    const { arch } = await extract(fixturePath('configs/Qwen__Qwen3-0.6B.json'));
    const template = await loadTemplate('light');
    const tex = pagesToDocument([scenePage(layoutFigure(arch, { title: '通义千问 🤖 e\u0301 Ω' }))], template.text);
    const { files, toolchain } = await compileTex(tex, { formats: ['pdf'], engine: 'pdflatex' });
    assert.match(toolchain, /^pdflatex/);
    const dir = await mkdtemp(join(tmpdir(), 'hf-arch-pdflatex-'));
    await writeFile(join(dir, 'f.pdf'), files.pdf!);
    const { stdout } = await run('pdftotext', [join(dir, 'f.pdf'), '-']);
    assert.match(stdout, /\?/);
  });
});
