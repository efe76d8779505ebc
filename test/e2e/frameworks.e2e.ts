/**
 * End to end, as users run it: real Astro, Next.js and Docusaurus sites installed from the npm
 * registry with this package from `npm pack`, configured with the README's guides word for word
 * (only the guide's placeholder lines are filled in, and a base path added), built with the
 * framework's own command and a PATH that holds no TeX. Each built site is served on 127.0.0.1
 * under its base path and every figure is checked in headless Chromium, light and dark: exactly
 * one image of each figure shows, the right one for the theme, loaded, never wider than its
 * column. Then the framework-cache case: the figure cache (and any figure files) deleted, the
 * site built again from the framework's own cache (the test checks that the plugin was indeed
 * skipped) and checked again. Screenshots go to e2e-output/ for a person to look at.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(REPO, 'e2e-output');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const BASE = '/site';
let tarball: string;
let browser: Browser;

function sh(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  // The plugin's own settings from the developer's shell would move the cache the test looks at.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HF_ARCH_')));
  try {
    return execFileSync(cmd, args, { cwd, env: { ...base, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`.slice(-6000));
  }
}

/** The first `js` code block under a README heading: the guide the test runs. */
function guide(heading: string): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const at = readme.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `README has "${heading}"`);
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
  assert.ok(block, `a js block under ${heading}`);
  return block;
}

/** Replaces one exact piece of a guide (a placeholder), failing when the guide no longer has it. */
function fill(text: string, piece: string, by: string): string {
  assert.ok(text.includes(piece), `the guide has ${JSON.stringify(piece)}`);
  return text.replace(piece, by);
}

/**
 * Astro, pinned: Astro 7.4 asks for Node >= 22.23.4, newer than the node@22 the npm registry has
 * (22.23.3), so an unpinned `astro@7` stops building the day 7.4 is out.
 */
const ASTRO = ['astro@7.3.5', '@astrojs/markdown-remark@7.3.1'];

/**
 * The registry as it was on this day (`npm install --before`): the sites resolve the same tree
 * every run. Unpinned, a dependency published after it can break a build that did nothing wrong
 * (on 2026-12-02 `@babel/types@7.29.17` asked for a `@babel/helper-validator-identifier@^7.29.17`
 * the registry did not have, and every Astro and Docusaurus install failed). Move it forward on
 * purpose, or set E2E_NPM_BEFORE to try a newer registry.
 */
const NPM_BEFORE = process.env['E2E_NPM_BEFORE'] ?? '2026-12-01T00:00:00Z';

/** A site folder with the framework, node@22 and this package installed, and two model configs. */
function site(name: string, deps: string[], packageJson: Record<string, unknown> = { type: 'module' }): string {
  const dir = mkdtempSync(join(tmpdir(), `hf-arch-e2e-${name}-`));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `e2e-${name}`, private: true, ...packageJson }));
  sh(dir, 'npm', ['install', '--no-audit', '--no-fund', `--before=${NPM_BEFORE}`, 'node@22', tarball, ...deps]);
  mkdirSync(join(dir, 'models'), { recursive: true });
  for (const f of ['Qwen__Qwen3-0.6B.json', 'deepseek-ai__DeepSeek-V3.json']) cpSync(join(REPO, 'fixtures/configs', f), join(dir, 'models', f));
  return dir;
}

function write(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const node22 = (dir: string) => join(dir, 'node_modules/node/bin/node');

/** A PATH with the site's binaries and one Node only: no xelatex, no pdftocairo. */
const noTex = (dir: string, nodeDir = dirname(node22(dir))): NodeJS.ProcessEnv => ({ PATH: `${join(dir, 'node_modules/.bin')}:${nodeDir}` });

const FIGURE_CACHE = (dir: string) => join(dir, 'node_modules/.cache/remark-hf-arch');

const TYPES: Record<string, string> = { '.html': 'text/html', '.svg': 'image/svg+xml', '.png': 'image/png', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.txt': 'text/plain' };

/** Serves a build folder on 127.0.0.1 under the base path, as a static host would (`/x` → `x.html` or `x/index.html`). */
async function serve(root: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!pathname.startsWith(`${BASE}/`) && pathname !== BASE) {
      res.writeHead(404).end();
      return;
    }
    const path = normalize(pathname.slice(BASE.length) || '/');
    const candidates = [path, `${path}.html`, join(path, 'index.html')].map((p) => join(root, p));
    const file = candidates.find((f) => f.startsWith(root) && existsSync(f) && statSync(f).isFile());
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

type DarkMode = 'media' | 'class';

interface Shown {
  theme: 'light' | 'dark';
  /** What is drawn: the image's URL, or the inline SVG's first id. */
  identity: string;
  width: number;
  height: number;
  column: number;
  loaded: boolean;
}

/**
 * Loads a page in Chromium, light then dark, and checks each figure: one visible image (or inline
 * SVG) of the right theme, loaded, no wider than its column; no request failed. Screenshots both.
 */
async function checkInBrowser(root: string, page: string, expected: number, dark: DarkMode, shot: string): Promise<void> {
  const { url, server } = await serve(root);
  const seen: Record<string, string[]> = {};
  try {
    for (const theme of ['light', 'dark'] as const) {
      const tab = await browser.newPage({ viewport: { width: 1000, height: 1400 }, colorScheme: dark === 'media' ? theme : 'light' });
      const failed: string[] = [];
      tab.on('requestfailed', (r) => failed.push(r.url()));
      tab.on('response', (r) => {
        if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
      });
      await tab.goto(`${url}${BASE}${page}`, { waitUntil: 'load' });
      if (dark === 'class' && theme === 'dark') await tab.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
      // Lazy images load when scrolled to.
      for (const f of await tab.$$('figure.hf-arch')) await f.scrollIntoViewIfNeeded();
      await tab.waitForFunction(() => [...document.querySelectorAll('figure.hf-arch img')].every((i) => !(i as HTMLImageElement).checkVisibility() || ((i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)), undefined, { timeout: 20_000 });
      const shown = await tab.$$eval('figure.hf-arch', (figures) =>
        figures.map((figure) =>
          [...figure.querySelectorAll('img, svg[role="img"]')]
            .filter((el) => el.checkVisibility())
            .map((el) => {
              const rect = el.getBoundingClientRect();
              const loaded = el instanceof HTMLImageElement ? el.complete && el.naturalWidth > 0 : true;
              const identity = el instanceof HTMLImageElement ? el.currentSrc || el.src : (el.querySelector('[id]')?.id ?? '');
              return { theme: el.closest('.hf-arch-dark') ? 'dark' : 'light', identity, width: rect.width, height: rect.height, column: figure.parentElement!.clientWidth, loaded } as const;
            }),
        ),
      );
      assert.equal(shown.length, expected, `${shot}: ${expected} figures on ${page}`);
      shown.forEach((images: Shown[], i) => {
        assert.equal(images.length, 1, `${shot} ${theme}: figure ${i} shows exactly one image (shows ${images.length})`);
        const [image] = images as [Shown];
        assert.equal(image.theme, theme, `${shot} ${theme}: figure ${i} shows the ${theme} image`);
        assert.ok(image.loaded && image.width > 100 && image.height > 100, `${shot} ${theme}: figure ${i} loaded (${image.width}×${image.height})`);
        assert.ok(image.width <= image.column + 0.5, `${shot} ${theme}: figure ${i} fits its column (${image.width} > ${image.column})`);
      });
      assert.deepEqual(failed, [], `${shot} ${theme}: no failed request`);
      seen[theme] = shown.map((images: Shown[]) => images[0]!.identity);
      mkdirSync(OUT, { recursive: true });
      await tab.screenshot({ path: join(OUT, `${shot}-${theme}.png`), fullPage: true });
      await tab.close();
    }
    // The dark theme shows other figures than the light one, not the same drawing under another class.
    seen['light']!.forEach((id, i) => assert.notEqual(id, seen['dark']![i], `${shot}: figure ${i} differs between light and dark`));
  } finally {
    server.close();
  }
}

/** Figure `src`s of the built HTML that point at files, resolved in the build folder. */
function figureFiles(dist: string, html: string): string[] {
  return [...html.matchAll(/<figure class="hf-arch"[\s\S]*?<\/figure>/g)]
    .flatMap((m) => [...m[0].matchAll(/<img[^>]*?src="([^"]+)"/g)].map((s) => s[1]!))
    .filter((src) => !src.startsWith('data:'))
    .map((src) => join(dist, src.replace(new RegExp(`^${BASE}/`), '')));
}

/** An Astro content collection of the posts in src/content/posts, each rendered at /posts/<id>/. */
function collection(dir: string): void {
  write(dir, 'src/content.config.ts', `import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
export const collections = { posts: defineCollection({ loader: glob({ pattern: '**/*.md', base: './src/content/posts' }) }) };
`);
  write(dir, 'src/pages/posts/[id].astro', `---
import { getCollection, render } from 'astro:content';
export async function getStaticPaths() { return (await getCollection('posts')).map((p) => ({ params: { id: p.id }, props: { p } })); }
const { Content } = await render(Astro.props.p);
---
<html><body><Content /></body></html>
`);
}

/** Two fences, one with a caption and width; the second figure is DeepSeek-V3, tall and wide. */
const FENCES = (up: string) => `\`\`\`hf-arch
${up}/models/Qwen__Qwen3-0.6B.json
caption: Qwen3 0.6B
width: 600
\`\`\`

\`\`\`hf-arch
${up}/models/deepseek-ai__DeepSeek-V3.json
\`\`\`
`;
const ONE_FENCE = (up: string) => `\`\`\`hf-arch\n${up}/models/Qwen__Qwen3-0.6B.json\n\`\`\`\n`;

/** Builds again with the figure cache (and figure files) gone; the framework's cache must have skipped the plugin. */
function rebuildFromFrameworkCache(dir: string, build: () => void, figureFolders: string[] = []): void {
  rmSync(FIGURE_CACHE(dir), { recursive: true, force: true });
  for (const f of figureFolders) rmSync(join(dir, f), { recursive: true, force: true });
  build();
  assert.equal(existsSync(FIGURE_CACHE(dir)), false, 'the framework built from its own cache, without calling the plugin (else this case tests nothing)');
}

before(() => {
  const packed = sh(REPO, 'npm', ['pack', '--silent', '--pack-destination', tmpdir()]).trim().split('\n').pop()!;
  tarball = join(tmpdir(), packed);
});
before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
});
after(async () => browser?.close());

describe('frameworks', () => {
  test('Astro: the guide (inline SVG, dark by media query), a page and a content collection, base path; again from Astro’s cache', async () => {
    const dir = site('astro', ASTRO);
    write(dir, 'astro.config.mjs', fill(guide('#### Astro'), '  markdown: {', `  base: '${BASE}',\n  markdown: {`));
    write(dir, 'src/pages/index.md', `# Two figures\n\n${FENCES('../..')}`);
    write(dir, 'src/content/posts/one.md', `# A post\n\n${ONE_FENCE('../../..')}`);
    collection(dir);
    const build = () => sh(dir, node22(dir), ['node_modules/astro/bin/astro.mjs', 'build'], noTex(dir));
    build();
    const html = readFileSync(join(dir, 'dist/index.html'), 'utf8');
    assert.match(html, /<figure class="hf-arch"[^>]*><svg [^>]*role="img"/, 'inline SVG drawn by the native renderer');
    await checkInBrowser(join(dir, 'dist'), '/', 2, 'media', 'astro');
    await checkInBrowser(join(dir, 'dist'), '/posts/one/', 1, 'media', 'astro-post');
    // Astro's content layer keeps the rendered post (node_modules/.astro); the page is rendered again.
    rmSync(join(dir, 'src/pages/index.md'));
    rebuildFromFrameworkCache(dir, build);
    await checkInBrowser(join(dir, 'dist'), '/posts/one/', 1, 'media', 'astro-post-cached');
  });

  test('Astro with figures as files: where the cache outlives them, the build fails naming the file', async () => {
    const dir = site('astro-file', ASTRO);
    write(dir, 'astro.config.mjs', `import { defineConfig } from 'astro/config';
import { unified } from '@astrojs/markdown-remark';
import remarkHfArch from 'remark-hf-arch';
export default defineConfig({ base: '${BASE}', markdown: { processor: unified({ remarkPlugins: [[remarkHfArch, { outputDir: 'src/hf-arch', publicPath: '', dark: 'class' }]] }) } });
`);
    write(dir, 'src/pages/index.md', `# Two figures\n\n${FENCES('../..')}`);
    // In the gallery theme: a figure that no page rendered again would write.
    write(dir, 'src/content/posts/one.md', `# A post\n\n${ONE_FENCE('../../..').replace('```hf-arch', '```hf-arch theme=gallery')}`);
    collection(dir);
    const build = () => sh(dir, node22(dir), ['node_modules/astro/bin/astro.mjs', 'build'], noTex(dir));
    build();
    const files = figureFiles(join(dir, 'dist'), readFileSync(join(dir, 'dist/index.html'), 'utf8'));
    assert.equal(files.length, 4, 'light and dark of two figures');
    for (const f of files) assert.ok(existsSync(f), `${f} exists`);
    await checkInBrowser(join(dir, 'dist'), '/', 2, 'class', 'astro-file');
    await checkInBrowser(join(dir, 'dist'), '/posts/one/', 1, 'class', 'astro-file-post');
    // The README's warning: the content layer keeps the post, the files are gone, the build fails loudly.
    rmSync(join(dir, 'src/hf-arch'), { recursive: true, force: true });
    assert.throws(build, /ImageNotFound[\s\S]*hf-arch\/qwen3-0\.6b-[0-9a-f]{12}\.svg/);
  });

  test('Next.js: the guide (data URLs, dark by class), an .mdx and a .md page in the app router, basePath; again from Turbopack’s cache', async () => {
    const dir = site('next', ['next@16', 'react@19', 'react-dom@19', '@next/mdx@16', '@mdx-js/loader@3', '@mdx-js/react@3']);
    write(dir, 'next.config.mjs', fill(guide('#### Next.js (MDX)'), 'withMDX({', `withMDX({output: 'export', basePath: '${BASE}', `));
    write(dir, 'mdx-components.js', 'export function useMDXComponents(c) { return c }\n');
    write(dir, 'app/layout.js', "export default function Layout({ children }) { return <html lang=\"en\"><body style={{ maxWidth: 900, margin: '0 auto' }}>{children}</body></html>; }\n");
    write(dir, 'app/page.mdx', `# Two figures\n\n${FENCES('..')}`);
    write(dir, 'app/post/page.md', `# A Markdown page\n\n${ONE_FENCE('../..')}`);
    const build = () => sh(dir, node22(dir), ['node_modules/next/dist/bin/next', 'build'], { NEXT_TELEMETRY_DISABLED: '1', ...noTex(dir) });
    build();
    assert.match(readFileSync(join(dir, 'out/index.html'), 'utf8'), /<img[^>]*src="data:image\/svg\+xml,/);
    await checkInBrowser(join(dir, 'out'), '/', 2, 'class', 'next');
    await checkInBrowser(join(dir, 'out'), '/post', 1, 'class', 'next-md');
    rebuildFromFrameworkCache(dir, build);
    await checkInBrowser(join(dir, 'out'), '/', 2, 'class', 'next-cached');
  });

  test('Docusaurus: the guide in an ESM config (data URLs, dark by class) for docs, blog and pages, baseUrl, Node 20; again from webpack’s cache', async () => {
    // As create-docusaurus writes it: no "type" in package.json, an ESM docusaurus.config.js (loaded through jiti).
    const dir = site('docusaurus', ['@docusaurus/core@3', '@docusaurus/preset-classic@3', 'react@19', 'react-dom@19'], {});
    write(dir, 'docusaurus.config.js', fill(guide('#### Docusaurus'), '  // title, url, baseUrl, … as create-docusaurus wrote them', `  title: 'E2E', url: 'http://127.0.0.1', baseUrl: '${BASE}/', onBrokenLinks: 'throw',`));
    write(dir, 'docs/intro.md', `# Two figures\n\n${FENCES('..')}`);
    write(dir, 'blog/2026-12-01-post.md', `---\ntitle: A post\nauthors: []\n---\n\n${ONE_FENCE('..')}`);
    write(dir, 'src/pages/index.md', `# Home\n\n${ONE_FENCE('../..')}`);
    // The machine's Node (20 in CI), from another folder: `docusaurus build <siteDir>`.
    const build = () => sh(tmpdir(), process.execPath, [join(dir, 'node_modules/@docusaurus/core/bin/docusaurus.mjs'), 'build', dir], noTex(dir, dirname(process.execPath)));
    build();
    await checkInBrowser(join(dir, 'build'), '/docs/intro', 2, 'class', 'docusaurus');
    await checkInBrowser(join(dir, 'build'), '/blog/2026/12/01/post', 1, 'class', 'docusaurus-blog');
    await checkInBrowser(join(dir, 'build'), '/', 1, 'class', 'docusaurus-page');
    rebuildFromFrameworkCache(dir, build);
    await checkInBrowser(join(dir, 'build'), '/docs/intro', 2, 'class', 'docusaurus-cached');

    // The other strategies: files in static/ (dark by media query, a fence width) and inline SVG.
    write(dir, 'docusaurus.config.js', `import remarkHfArch from 'remark-hf-arch';
export default {
  title: 'E2E', url: 'http://127.0.0.1', baseUrl: '${BASE}/', onBrokenLinks: 'throw',
  presets: [['classic', {
    docs: { beforeDefaultRemarkPlugins: [[remarkHfArch, { outputDir: 'static/hf-arch', dark: 'media' }]] },
    blog: { beforeDefaultRemarkPlugins: [[remarkHfArch, { strategy: 'inline-svg', dark: 'class' }]] },
    pages: { beforeDefaultRemarkPlugins: [[remarkHfArch, { strategy: 'data-url', dark: 'media', format: 'png', dpi: 96 }]] },
  }]],
};
`);
    rmSync(join(dir, 'build'), { recursive: true, force: true });
    build();
    const html = readFileSync(join(dir, 'build/docs/intro/index.html'), 'utf8');
    const files = figureFiles(join(dir, 'build'), html);
    assert.equal(files.length, 4, 'light and dark of two figures, as files');
    for (const f of files) assert.ok(existsSync(f), `${f} exists (bundled by webpack with the base URL)`);
    assert.match(html, /<span class="hf-arch-light" style="display:block;max-width:600px"><img /, 'the fence width survives transformImage');
    await checkInBrowser(join(dir, 'build'), '/docs/intro', 2, 'media', 'docusaurus-file');
    await checkInBrowser(join(dir, 'build'), '/blog/2026/12/01/post', 1, 'class', 'docusaurus-inline');
    await checkInBrowser(join(dir, 'build'), '/', 1, 'media', 'docusaurus-png');
  });
});
