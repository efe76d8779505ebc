/** The remark plugin as users run it: unified + remark-parse + remark-rehype + rehype-stringify, and MDX. */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { compile } from '@mdx-js/mdx';
import rehypeStringify from 'rehype-stringify';
import remarkStringify from 'remark-stringify';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { VFile } from 'vfile';
import remarkHfArch, { type Options } from '../src/index.js';
import { tasksStarted } from '../src/cache/queue.js';
import { FIXTURES } from './helpers/fixtures.js';

let site: string;
let cacheDir: string;

before(async () => {
  site = await mkdtemp(join(tmpdir(), 'hf-arch-site-'));
  cacheDir = join(site, '.cache');
  await mkdir(join(site, 'posts'), { recursive: true });
  await mkdir(join(site, 'models'), { recursive: true });
  for (const f of ['Qwen__Qwen3-0.6B.json', 'deepseek-ai__DeepSeek-V3.json', 'meta-llama__Meta-Llama-3-8B-Instruct.json']) {
    await cp(join(FIXTURES, 'configs', f), join(site, 'models', f));
  }
});

async function render(markdown: string, options: Options = {}, name = 'post.md') {
  const file = new VFile({ path: join(site, 'posts', name), value: markdown, cwd: site });
  const out = await unified()
    .use(remarkParse)
    .use(remarkHfArch, { root: site, cacheDir, outputDir: 'public/hf-arch', ...options })
    .use(remarkRehype)
    .use(rehypeStringify)
    .process(file);
  return { html: String(out), file };
}

const fence = (body: string, meta = '') => `Text before.\n\n\`\`\`hf-arch${meta ? ` ${meta}` : ''}\n${body}\n\`\`\`\n\nText after.\n`;

describe('remark-hf-arch', () => {
  test('file strategy: a <figure> with an <img> whose file exists, a caption and a generated alt', async () => {
    const { html } = await render(fence('../models/Qwen__Qwen3-0.6B.json\ncaption: Qwen3 at 0.6B', 'width=600'));
    const src = /<img src="([^"]+)"/.exec(html)?.[1];
    assert.ok(src?.startsWith('/hf-arch/qwen3-0.6b-') && src.endsWith('.svg'), html);
    assert.ok((await stat(join(site, 'public', src!))).size > 1000);
    assert.match(html, /<figure class="hf-arch" data-model="Qwen3-0.6B">/);
    assert.match(html, /<figcaption>Qwen3 at 0.6B<\/figcaption>/);
    assert.match(html, /alt="Architecture of Qwen3-0.6B: a decoder-only transformer of 28 transformer blocks with grouped-query attention \(16 heads\).*596,049,920 parameters/);
    assert.match(html, /width="600"/);
    assert.match(html, /<p>Text before.<\/p>[\s\S]*<figure[\s\S]*<p>Text after.<\/p>/);
  });

  test('publicPath, png format and per-fence options override the plugin', async () => {
    const { html } = await render(fence('../models/Qwen__Qwen3-0.6B.json\nformat: png\nalt: A small Qwen', 'theme=gallery'), { publicPath: '/docs/figures', dpi: 72 });
    assert.match(html, /<img src="\/docs\/figures\/qwen3-0.6b-[0-9a-f]{12}\.png" alt="A small Qwen" style="max-width:100%;height:auto">/);
  });

  test('data-url and inline-svg strategies; inline SVG ids are unique per figure', async () => {
    const data = await render(fence('../models/Qwen__Qwen3-0.6B.json'), { strategy: 'data-url' });
    // SVG as percent-encoded UTF-8 text (compressible), decoding to the very SVG file.
    const url = /<img src="(data:image\/svg\+xml,[^"]{1000,})"/.exec(data.html)?.[1];
    assert.ok(url, data.html.slice(0, 300));
    assert.doesNotMatch(url, /[<>"#&]/);
    const decoded = decodeURIComponent(url.slice('data:image/svg+xml,'.length));
    assert.ok(/^(<\?xml[^>]*\?>\s*)?<svg [^>]*role="img"/.test(decoded) && decoded.trimEnd().endsWith('</svg>'), decoded.slice(0, 200));
    // A title outside the BMP (a surrogate pair in JavaScript) is encoded, not a URIError.
    const emoji = await render(fence('../models/Qwen__Qwen3-0.6B.json\ntitle: Qwen 🤗 tiny'), { strategy: 'data-url' });
    const emojiUrl = /<img src="data:image\/svg\+xml,([^"]+)"/.exec(emoji.html)![1]!;
    assert.match(decodeURIComponent(emojiUrl), /<title>Qwen 🤗 tiny<\/title>/);
    const png = await render(fence('../models/Qwen__Qwen3-0.6B.json\nformat: png'), { strategy: 'data-url', dpi: 30 });
    assert.match(png.html, /<img src="data:image\/png;base64,[A-Za-z0-9+/=]{100,}"/);
    const two = `${fence('../models/Qwen__Qwen3-0.6B.json')}\n${fence('../models/Qwen__Qwen3-0.6B.json', 'theme=dark')}`;
    const inline = await render(two, { strategy: 'inline-svg' });
    const media = await render(fence('../models/Qwen__Qwen3-0.6B.json'), { strategy: 'inline-svg', dark: 'media' });
    assert.match(media.html, /<style>.hf-arch .hf-arch-dark\{display:none!important\}@media \(prefers-color-scheme: dark\)\{/);
    const ids = [...inline.html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(ids.length > 20);
    assert.equal(new Set(ids).size, ids.length, 'no id twice on the page');
    assert.equal((inline.html.match(/<svg /g) ?? []).length, 2);
    assert.match(inline.html, /role="img" aria-label="Architecture of Qwen3-0.6B/);
  });

  test('dark mode: two images, one shown by prefers-color-scheme or by a class, classes and width on wrappers that site pipelines keep', async () => {
    // Not <picture>: no site pipeline rewrites a <source srcset> (Docusaurus left it without base URL or file).
    const media = await render(fence('../models/Qwen__Qwen3-0.6B.json'), { dark: 'media' });
    assert.doesNotMatch(media.html, /<picture|<source/);
    assert.match(media.html, /<span class="hf-arch-light"><img src="\/hf-arch\/qwen3-0.6b-[0-9a-f]{12}\.svg" alt="[^"]+" style="max-width:100%;height:auto" loading="lazy"><\/span>\n<span class="hf-arch-dark"><img src="\/hf-arch\/qwen3-0.6b-[0-9a-f]{12}\.svg"/);
    assert.match(media.html, /<style>.hf-arch .hf-arch-dark\{display:none!important\}@media \(prefers-color-scheme: dark\)\{.hf-arch .hf-arch-dark\{display:block!important\}.hf-arch .hf-arch-light\{display:none!important\}\}<\/style>/);
    const cls = await render(fence('../models/Qwen__Qwen3-0.6B.json', 'width=500'), { dark: 'class' });
    assert.match(cls.html, /<span class="hf-arch-light" style="display:block;max-width:500px"><img src="[^"]+" alt="[^"]+" style="max-width:100%;height:auto" width="500" loading="lazy"><\/span>\n<span class="hf-arch-dark" style="display:block;max-width:500px"><img /);
    assert.match(cls.html, /<style>.hf-arch .hf-arch-dark\{display:none!important\}:is\(\[data-theme=dark\], .dark\) .hf-arch .hf-arch-dark\{display:block!important\}/);
    const custom = await render(fence('../models/Qwen__Qwen3-0.6B.json'), { dark: 'class', darkSelector: 'html.night' });
    assert.match(custom.html, /:is\(html.night\) .hf-arch .hf-arch-light\{display:none!important\}/);
    assert.throws(() => unified().use(remarkHfArch, { dark: 'class', darkSelector: '</style><script>' }).freeze(), /darkSelector/);
  });

  test('an image never overflows its column; an inline SVG neither, at the fence width', async () => {
    const { html } = await render(fence('../models/Qwen__Qwen3-0.6B.json'));
    assert.match(html, /<figure class="hf-arch" data-model="Qwen3-0.6B"><img src="[^"]+" alt="[^"]+" style="max-width:100%;height:auto"><\/figure>/);
    const inline = await render(fence('../models/Qwen__Qwen3-0.6B.json', 'width=400'), { strategy: 'inline-svg' });
    assert.match(inline.html, /<svg [^>]*width="400"[^>]*style="max-width:100%;height:auto"|<svg [^>]*style="max-width:100%;height:auto"[^>]*width="400"/);
    assert.doesNotMatch(/<svg [^>]*>/.exec(inline.html)![0], / height=/);
  });

  test('Markdown output stays Markdown: caption on its own line, no CSS as text', async () => {
    const file = new VFile({ path: join(site, 'posts', 'post.md'), value: fence('../models/Qwen__Qwen3-0.6B.json\ncaption: Qwen3 at 0.6B'), cwd: site });
    const out = String(await unified().use(remarkParse).use(remarkHfArch, { root: site, cacheDir, dark: 'class' }).use(remarkStringify).process(file));
    assert.match(out, /^Text before\.\n\n!\[Architecture of Qwen3-0\.6B[^\]]*\]\(\/hf-arch\/qwen3-0\.6b-[0-9a-f]{12}\.svg\)\n!\[[^\]]*\]\(\/hf-arch\/qwen3-0\.6b-[0-9a-f]{12}\.svg\)\nQwen3 at 0\.6B\n\nText after\.\n$/);
    assert.doesNotMatch(out, /display|\{/);
  });

  test('without a root option, the root is the site the page belongs to, not the working directory', async () => {
    // As `docusaurus build site/` run from the parent folder: the figure goes under the site.
    const parent = await mkdtemp(join(tmpdir(), 'hf-arch-parent-'));
    const siteDir = join(parent, 'site');
    await mkdir(join(siteDir, 'posts'), { recursive: true });
    await mkdir(join(siteDir, 'models'), { recursive: true });
    await writeFile(join(siteDir, 'package.json'), '{"name":"site","private":true}');
    await cp(join(FIXTURES, 'configs', 'Qwen__Qwen3-0.6B.json'), join(siteDir, 'models', 'Qwen__Qwen3-0.6B.json'));
    const cwd = process.cwd();
    process.chdir(parent);
    try {
      const file = new VFile({ path: join(siteDir, 'posts', 'root.md'), value: fence('../models/Qwen__Qwen3-0.6B.json') });
      const html = String(await unified().use(remarkParse).use(remarkHfArch, { cacheDir }).use(remarkRehype).use(rehypeStringify).process(file));
      const src = /<img src="\/hf-arch\/([^"]+)"/.exec(html)![1]!;
      assert.ok((await stat(join(siteDir, 'public/hf-arch', src))).isFile());
      assert.equal(await stat(join(parent, 'public')).catch(() => null), null);
      // A page outside the working directory (Docusaurus docs at ../docs) keeps the working directory as its root.
      const outside = new VFile({ path: join(site, 'posts', 'outside.md'), value: fence('../models/Qwen__Qwen3-0.6B.json') });
      await assert.rejects(unified().use(remarkParse).use(remarkHfArch, { cacheDir }).use(remarkRehype).use(rehypeStringify).process(outside), /points outside the project root \(.*hf-arch-parent-/);
    } finally {
      process.chdir(cwd);
    }
  });

  test('MDX compiles every strategy (no raw nodes)', async () => {
    for (const strategy of ['file', 'inline-svg', 'data-url'] as const) {
      const out = await compile(
        { path: join(site, 'posts', 'post.mdx'), value: `# Hi\n\n${fence('../models/Qwen__Qwen3-0.6B.json\ncaption: Q')}`, cwd: site },
        { remarkPlugins: [[remarkHfArch, { strategy, root: site, cacheDir, outputDir: 'public/hf-arch', dark: 'media' }]] },
      );
      assert.match(String(out), /figure/, strategy);
      assert.match(String(out), /figcaption/, strategy);
    }
  });

  test('identical fences across pages compile once', async () => {
    const before = tasksStarted();
    const body = fence('../models/meta-llama__Meta-Llama-3-8B-Instruct.json', 'theme=dark');
    await Promise.all([render(body, {}, 'a.md'), render(body, {}, 'b.md'), render(`${body}\n${body}`, {}, 'c.md')]);
    assert.equal(tasksStarted() - before, 1);
  });

  test('errors are vfile messages at the fence, fatal by default', async () => {
    const cases: [string, string, RegExp, number][] = [
      [fence('../models/Qwen__Qwen3-0.6B.json\ncolour: red'), 'invalid-option', /unknown option "colour" \(allowed: revision, theme, mtp/, 5],
      [fence('../models/Qwen__Qwen3-0.6B.json', 'format=gif'), 'invalid-option', /option "format" must be one of "svg", "png"/, 3],
      [fence(''), 'missing-source', /the fence is empty/, 3],
      [fence('../models/nope.json'), 'config-not-found', /is neither a file or folder \(relative to this Markdown file\) nor a Hub repo id/, 4],
      [fence('../models/Qwen__Qwen3-0.6B.json', 'theme=../../etc/evil.tex'), 'invalid-option', /option "theme" must be one of "light", "dark", "gallery"/, 3],
      [fence('../../../etc/passwd.json'), 'path-outside-root', /points outside the project root/, 4],
      [fence('/etc/hostname'), 'path-outside-root', /absolute path/, 4],
    ];
    for (const [markdown, ruleId, reason, line] of cases) {
      await assert.rejects(render(markdown), (error: unknown) => {
        const e = error as { ruleId?: string; source?: string; reason?: string; line?: number; fatal?: boolean };
        assert.equal(e.ruleId, ruleId, String(error));
        assert.equal(e.source, 'remark-hf-arch');
        assert.match(e.reason ?? '', reason);
        assert.equal(e.line, line, `${ruleId} line`);
        assert.equal(e.fatal, true);
        return true;
      });
    }
  });

  test('a symlink out of the project is refused unless allowed', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'hf-arch-outside-'));
    await writeFile(join(outside, 'config.json'), await readFile(join(FIXTURES, 'configs', 'Qwen__Qwen3-0.6B.json')));
    await symlink(outside, join(site, 'models', 'linked')).catch(() => undefined);
    await assert.rejects(render(fence('../models/linked')), /through a symlink/);
    const { html } = await render(fence('../models/linked'), { allowOutsideRoot: true });
    assert.match(html, /<figure class="hf-arch"/);
    // A folder inside the project whose config.json is a symlink out of it.
    await mkdir(join(site, 'models', 'inner'), { recursive: true });
    await symlink(join(outside, 'config.json'), join(site, 'models', 'inner', 'config.json')).catch(() => undefined);
    await assert.rejects(render(fence('../models/inner')), /through a symlink/);
    // A path that exists only relative to the root, not to the Markdown file, is not looked up there.
    await assert.rejects(render(fence('x/../../models/Qwen__Qwen3-0.6B.json/..')), (e: unknown) => (e as { ruleId: string }).ruleId === 'config-not-found' || (e as { ruleId: string }).ruleId === 'path-outside-root');
  });

  test('onError "warn": the fence stays with its error, and the build goes on', async () => {
    const { html, file } = await render(fence('../models/nope.json'), { onError: 'warn' });
    assert.match(html, /<figure class="hf-arch hf-arch-error"><code>..\/models\/nope.json<\/code> — hf-arch could not draw this figure \(config-not-found\); the build log says why.<\/figure>/);
    assert.equal(file.messages.length, 1);
    assert.equal(file.messages[0]!.fatal, false);
    assert.equal(file.messages[0]!.ruleId, 'config-not-found');
  });

  test('frozen: a figure missing from the cache is a located error', async () => {
    await assert.rejects(render(fence('../models/deepseek-ai__DeepSeek-V3.json', 'theme=gallery'), { frozen: true, cacheDir: join(site, 'empty-cache') }), (e: unknown) => {
      assert.equal((e as { ruleId: string }).ruleId, 'cache-miss-frozen');
      assert.equal((e as { line: number }).line, 4, 'at the model line');
      return true;
    });
  });

  test('plugin options are validated when the plugin is attached', () => {
    assert.throws(() => unified().use(remarkParse).use(remarkHfArch, { strategy: 'svg-inline' } as unknown as Options).freeze(), /remark-hf-arch: option "strategy" must be one of "file", "inline-svg", "data-url"/);
    assert.throws(() => unified().use(remarkHfArch, { colour: 1 } as unknown as Options).freeze(), /unknown option "colour"/);
    // Once, when attached, not at every fence; with the allowed values.
    assert.throws(() => unified().use(remarkHfArch, { theme: 'neon' }).freeze(), /remark-hf-arch: option "theme" must be one of "light", "dark", "gallery" or the path of a \.tex template; there is no file at .*neon/);
    assert.throws(() => unified().use(remarkHfArch, { darkTheme: 'night' }).freeze(), /option "darkTheme" must be one of/);
    assert.throws(() => unified().use(remarkHfArch, { dark: 'classes' } as unknown as Options).freeze(), /option "dark" must be one of false, "media", "class"$/);
    assert.throws(() => unified().use(remarkHfArch, { verify: 'yes' } as unknown as Options).freeze(), /option "verify" must be one of a boolean, "strict"$/);
  });

  test('processSync cannot be used: the transformer is async', () => {
    assert.throws(() => unified().use(remarkParse).use(remarkHfArch, { root: site, cacheDir }).use(remarkRehype).use(rehypeStringify).processSync(fence('models/Qwen__Qwen3-0.6B.json')), /async/i);
  });
});
