/**
 * End to end, as users run it: real Astro and Next.js sites installed from the npm registry, each
 * with two fences, built with the framework's own command (under Node 22, which they require);
 * the built HTML must reference figure files that exist, and headless Chromium must load every
 * figure (non-zero natural size). The builds run with a PATH that holds only the site's own
 * binaries and Node, as on a host without TeX (the native renderer draws the figures).
 * Screenshots go to e2e-output/ for a person to look at.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
let tarball: string;
let browser: Browser;

function sh(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** A site folder with the framework, node@22 and this package (from `npm pack`) installed. */
function site(name: string, deps: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), `hf-arch-e2e-${name}-`));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `e2e-${name}`, private: true, type: 'module' }));
  sh(dir, 'npm', ['install', '--no-audit', '--no-fund', 'node@22', tarball, ...deps]);
  mkdirSync(join(dir, 'models'), { recursive: true });
  for (const f of ['Qwen__Qwen3-0.6B.json', 'deepseek-ai__DeepSeek-V3.json']) cpSync(join(REPO, 'fixtures/configs', f), join(dir, 'models', f));
  return dir;
}

const node22 = (dir: string) => join(dir, 'node_modules/node/bin/node');

/** A PATH with the site's binaries and Node 22 only: no xelatex, no pdftocairo. */
const noTex = (dir: string): NodeJS.ProcessEnv => ({ PATH: `${join(dir, 'node_modules/.bin')}:${dirname(node22(dir))}` });

const TYPES: Record<string, string> = { '.html': 'text/html', '.svg': 'image/svg+xml', '.png': 'image/png', '.js': 'text/javascript', '.css': 'text/css' };

/** Serves a folder on 127.0.0.1. */
async function serve(root: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (path.endsWith('/')) path += 'index.html';
    const file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Loads a page in Chromium, checks every figure image loaded, saves a screenshot. */
async function checkInBrowser(root: string, page: string, shot: string): Promise<void> {
  const { url, server } = await serve(root);
  try {
    const tab = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    await tab.goto(`${url}${page}`, { waitUntil: 'load' });
    const sizes = await tab.$$eval('figure.hf-arch img', (imgs) => imgs.map((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]));
    assert.equal(sizes.length, 2, 'two figures');
    for (const [w, h] of sizes) assert.ok(w! > 0 && h! > 0, `figure loaded (${w}×${h})`);
    mkdirSync(OUT, { recursive: true });
    await tab.screenshot({ path: join(OUT, shot), fullPage: true });
    await tab.close();
  } finally {
    server.close();
  }
}

/** Every <img src> of the figures in a built page, resolved in the build folder. */
function figureFiles(dist: string, html: string): string[] {
  const srcs = [...html.matchAll(/<figure class="hf-arch"[^>]*>[\s\S]*?<img[^>]*?src="([^"]+)"/g)].map((m) => m[1]!);
  return srcs.map((src) => join(dist, src.replace(/^\//, '')));
}

const FENCES = (prefix: string) => `\`\`\`hf-arch
${prefix}/models/Qwen__Qwen3-0.6B.json
caption: Qwen3 0.6B
\`\`\`

\`\`\`hf-arch theme=dark
${prefix}/models/deepseek-ai__DeepSeek-V3.json
\`\`\`
`;

before(() => {
  const packed = sh(REPO, 'npm', ['pack', '--silent', '--pack-destination', tmpdir()]).trim().split('\n').pop()!;
  tarball = join(tmpdir(), packed);
});
before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
});
after(async () => browser?.close());

describe('frameworks', () => {
  test('Astro (unified processor, relative image URLs through Astro’s image pipeline)', async () => {
    const dir = site('astro', ['astro@7', '@astrojs/markdown-remark@7']);
    writeFileSync(
      join(dir, 'astro.config.mjs'),
      `import { defineConfig } from 'astro/config';
import { unified } from '@astrojs/markdown-remark';
import remarkHfArch from 'remark-hf-arch';
export default defineConfig({ markdown: { processor: unified({ remarkPlugins: [[remarkHfArch, { outputDir: 'src/hf-arch', publicPath: '' }]] }) } });
`,
    );
    mkdirSync(join(dir, 'src/pages'), { recursive: true });
    writeFileSync(join(dir, 'src/pages/index.md'), `# Two figures\n\n${FENCES('../..')}`);
    sh(dir, node22(dir), ['node_modules/astro/bin/astro.mjs', 'build'], noTex(dir));
    const html = readFileSync(join(dir, 'dist/index.html'), 'utf8');
    const files = figureFiles(join(dir, 'dist'), html);
    assert.equal(files.length, 2);
    for (const f of files) assert.ok(existsSync(f), `${f} exists`);
    for (const f of files) if (f.endsWith('.svg')) assert.match(readFileSync(f, 'utf8'), /<svg [^>]*role="img"/, `${f}: drawn by the native renderer`);
    await checkInBrowser(join(dir, 'dist'), '/', 'astro.png');
  });

  test('Next.js (MDX pages, plugin given by name with JSON options, files in public/)', async () => {
    const dir = site('next', ['next@16', 'react@19', 'react-dom@19', '@next/mdx@16', '@mdx-js/loader@3', '@mdx-js/react@3']);
    writeFileSync(
      join(dir, 'next.config.mjs'),
      `import createMDX from '@next/mdx';
const withMDX = createMDX({ options: { remarkPlugins: [['remark-hf-arch', { outputDir: 'public/hf-arch', publicPath: '/hf-arch' }]] } });
export default withMDX({ output: 'export', pageExtensions: ['js', 'jsx', 'md', 'mdx'] });
`,
    );
    writeFileSync(join(dir, 'mdx-components.js'), 'export function useMDXComponents(components) { return components; }\n');
    mkdirSync(join(dir, 'pages'), { recursive: true });
    writeFileSync(join(dir, 'pages/index.mdx'), `# Two figures\n\n${FENCES('..')}`);
    sh(dir, node22(dir), ['node_modules/next/dist/bin/next', 'build'], { NEXT_TELEMETRY_DISABLED: '1', ...noTex(dir) });
    const html = readFileSync(join(dir, 'out/index.html'), 'utf8');
    const files = figureFiles(join(dir, 'out'), html);
    assert.equal(files.length, 2, html.slice(0, 500));
    for (const f of files) assert.ok(existsSync(f), `${f} exists`);
    for (const f of files) if (f.endsWith('.svg')) assert.match(readFileSync(f, 'utf8'), /<svg [^>]*role="img"/, `${f}: drawn by the native renderer`);
    await checkInBrowser(join(dir, 'out'), '/', 'next.png');
  });
});

