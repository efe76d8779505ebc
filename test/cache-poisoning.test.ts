/**
 * A figure cache is committed and restored in CI, so it is input: an entry that is a link, a
 * hard link, or bytes that are not what was written must never be published. Each case poisons a
 * real entry (built once with real TeX) and builds again through the CLI and the plugin.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, link, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import rehypeStringify from 'rehype-stringify';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { VFile } from 'vfile';
import remarkHfArch from '../src/index.js';
import { forgetDrawnSvgs } from '../src/build.js';
import { fixturePath } from './helpers/fixtures.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const CONFIG = fixturePath('configs/Qwen__Qwen3-0.6B.json');
const SECRET = 'HF_TOKEN=hf_secretSECRETsecret0123456789';

let work: string;
let pristine: string;
let secretFile: string;
/** The entry folder's path relative to the cache, and the good SVG. */
let entry: string;
let goodSvg: Buffer;

async function cli(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [BIN, ...args], { env: { ...process.env, HF_ARCH_FROZEN: '', ...env } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

/** A fresh copy of the good cache, poisoned by `poison(entryFolder)`. */
async function poisoned(poison: (dir: string) => Promise<void>): Promise<string> {
  const cache = await mkdtemp(join(work, 'cache-'));
  await cp(pristine, cache, { recursive: true, verbatimSymlinks: true });
  await poison(join(cache, entry));
  return cache;
}

async function buildWith(cache: string, extra: string[] = []) {
  const out = join(await mkdtemp(join(work, 'out-')), 'figure.svg');
  const r = await cli(['build', CONFIG, '-o', out, '--cache-dir', cache, ...extra]);
  const bytes = await readFile(out).catch(() => null);
  return { ...r, bytes };
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'hf-arch-poison-'));
  secretFile = join(work, 'secret.env');
  await writeFile(secretFile, `${SECRET}\n`);
  pristine = join(work, 'pristine');
  const r = await cli(['build', CONFIG, '-o', join(work, 'good.svg'), '--cache-dir', pristine]);
  assert.equal(r.code, 0, r.stderr);
  goodSvg = await readFile(join(work, 'good.svg'));
  const shard = (await readdir(pristine)).find((d) => /^[0-9a-f]{2}$/.test(d))!;
  entry = join(shard, (await readdir(join(pristine, shard)))[0]!);
});

/** Files a poisoned link pointed at: discarding the entry must leave them alone. */
const linkTargets: string[] = [];

const POISONS: [string, (dir: string) => Promise<void>][] = [
  ['figure.svg is a symlink to a secret', async (dir) => {
    await rm(join(dir, 'figure.svg'));
    await symlink(secretFile, join(dir, 'figure.svg'));
  }],
  ['the entry folder is a symlink to a folder holding the secret', async (dir) => {
    const elsewhere = await mkdtemp(join(work, 'elsewhere-'));
    await cp(dir, elsewhere, { recursive: true });
    await cp(secretFile, join(elsewhere, 'figure.svg'));
    await rm(dir, { recursive: true });
    await symlink(elsewhere, dir);
  }],
  ['the shard folder is a symlink to a folder elsewhere', async (dir) => {
    const shard = dirname(dir);
    const elsewhere = await mkdtemp(join(work, 'shard-elsewhere-'));
    await cp(shard, elsewhere, { recursive: true });
    await cp(secretFile, join(elsewhere, basename(dir), 'figure.svg'));
    await rm(shard, { recursive: true });
    await symlink(elsewhere, shard);
    linkTargets.push(join(elsewhere, basename(dir), 'meta.json'));
  }],
  ['figure.svg is a hard link to a secret', async (dir) => {
    await rm(join(dir, 'figure.svg'));
    await link(secretFile, join(dir, 'figure.svg'));
  }],
  ['figure.svg is truncated', async (dir) => truncate(join(dir, 'figure.svg'), 1000)],
  ['figure.svg has a flipped byte', async (dir) => {
    const bytes = await readFile(join(dir, 'figure.svg'));
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x20;
    await writeFile(join(dir, 'figure.svg'), bytes);
  }],
  ['figure.svg is garbage of the same size', async (dir) => {
    const size = (await readFile(join(dir, 'figure.svg'))).length;
    await writeFile(join(dir, 'figure.svg'), Buffer.alloc(size, 0x41));
  }],
  ['figure.svg is empty', async (dir) => writeFile(join(dir, 'figure.svg'), '')],
  ['meta.json is garbage', async (dir) => writeFile(join(dir, 'meta.json'), '{"key": 1')],
];

describe('a poisoned figure cache', () => {
  for (const [name, poison] of POISONS) {
    test(`${name}: never published; discarded and rebuilt with a warning`, async () => {
      const cache = await poisoned(poison);
      const r = await buildWith(cache);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.bytes, 'an output file');
      assert.ok(!r.bytes!.includes(SECRET), 'the secret is not in the output');
      assert.ok(r.bytes!.equals(goodSvg), 'the output is the figure, built again');
      assert.match(r.stderr, /warning: .*cache entry .* (was damaged|damaged)/);
      // The rebuilt entry is good again: the next build is a clean hit.
      const again = await buildWith(cache);
      // Once, under a heavy parallel load, this second build exited 1: say why if it happens again.
      assert.equal(again.code, 0, again.stderr);
      assert.doesNotMatch(again.stderr, /warning/);
      assert.match(again.stderr, /from the cache/);
      for (const target of linkTargets) assert.ok(await stat(target).then(() => true, () => false), `${target} was not removed through the link`);
    });
  }

  test('frozen mode: a damaged entry is an error that names it, and nothing is written', async () => {
    const cache = await poisoned(POISONS[0]![1]);
    const r = await buildWith(cache, ['--frozen']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cache entry .*[0-9a-f]{64} is damaged: .*symbolic link/);
    assert.equal(r.bytes, null);
  });

  test('an entry written before sizes and hashes were recorded is a miss, not a hit', async () => {
    const cache = await poisoned(async (dir) => {
      const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as Record<string, unknown>;
      delete meta['files'];
      await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
      await writeFile(join(dir, 'figure.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><text>stale</text></svg>');
    });
    const r = await buildWith(cache);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.bytes!.equals(goodSvg));
    assert.match(r.stderr, /built:/);
  });

  test('a cache path that is a file costs the cache, not the figure (exit 0 with a warning, not 70)', async () => {
    const file = join(work, 'not-a-folder');
    await writeFile(file, 'x');
    const r = await buildWith(file);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.bytes!.equals(goodSvg));
    assert.match(r.stderr, /warning: could not store the figure in the cache/);
  });
});

describe('a poisoned cache through the plugin', () => {
  let site: string;
  let pluginPristine: string;
  let pluginEntry: string;
  let texPristine: string;
  let texEntry: string;

  async function renderWith(cache: string, strategy: 'file' | 'data-url' | 'inline-svg', renderer: 'native' | 'tex' = 'native') {
    await rm(join(site, 'public'), { recursive: true, force: true });
    const file = new VFile({ path: join(site, 'posts', 'p.md'), value: '```hf-arch\n../model.json\n```\n', cwd: site });
    const out = await unified().use(remarkParse).use(remarkHfArch, { root: site, cacheDir: cache, outputDir: 'public/f', strategy, renderer }).use(remarkRehype).use(rehypeStringify).process(file);
    const published = await readdir(join(site, 'public', 'f')).catch(() => [] as string[]);
    const files = await Promise.all(published.map((f) => readFile(join(site, 'public', 'f', f))));
    return { html: String(out), files, file };
  }

  /** A copy of the plugin's own cache (native, or TeX-drawn), with its entry poisoned. */
  async function poisonedForPlugin(poison: (dir: string) => Promise<void>, renderer: 'native' | 'tex' = 'native'): Promise<string> {
    const cache = await mkdtemp(join(work, 'plugin-cache-'));
    await cp(renderer === 'tex' ? texPristine : pluginPristine, cache, { recursive: true });
    await poison(join(cache, renderer === 'tex' ? texEntry : pluginEntry));
    return cache;
  }

  const entryOf = async (cache: string) => {
    const shard = (await readdir(cache)).find((d) => /^[0-9a-f]{2}$/.test(d))!;
    return join(shard, (await readdir(join(cache, shard)))[0]!);
  };

  before(async () => {
    site = await mkdtemp(join(work, 'site-'));
    await mkdir(join(site, 'posts'));
    await cp(CONFIG, join(site, 'model.json'));
    pluginPristine = join(work, 'plugin-pristine');
    await renderWith(pluginPristine, 'inline-svg');
    pluginEntry = await entryOf(pluginPristine);
    texPristine = join(work, 'plugin-pristine-tex');
    await renderWith(texPristine, 'inline-svg', 'tex');
    texEntry = await entryOf(texPristine);
  });

  for (const strategy of ['file', 'data-url', 'inline-svg'] as const) {
    test(`${strategy}: a symlinked entry file is not published`, async () => {
      const cache = await poisonedForPlugin(POISONS[0]![1]);
      const { html, files, file } = await renderWith(cache, strategy);
      const b64 = Buffer.from(`${SECRET}\n`).toString('base64');
      assert.ok(!html.includes(SECRET) && !html.includes(b64.slice(0, 24)), 'not in the page');
      for (const f of files) assert.ok(!f.includes(SECRET), 'not in the published files');
      assert.ok(file.messages.some((m) => /damaged/.test(m.reason)), 'a warning on the file');
    });
  }

  /** An entry's SVG with scripts, handlers and outside references, and a meta.json that vouches for it. */
  const hostileEntry = (renderer: 'native' | 'tex') =>
    poisonedForPlugin(async (dir) => {
      const hostile = (await readFile(join(dir, 'figure.svg'), 'utf8'))
        .replace('<defs>', '<script>alert(1)</script><foreignObject><iframe src="https://evil.example/"></iframe></foreignObject><defs>')
        .replace(/<g /, '<g onload="alert(2)" ')
        .replace('</svg>', '<use href="https://evil.example/x.svg#a"/><a href="javascript:alert(3)"><path d="M0 0"/></a><image href="https://evil.example/p.png"/><path style="fill:url(https://evil.example/t)" d="M0 0"/><path style="cursor:image-set(\'https://evil.example/c.png\' 1x),auto" d="M0 0"/><path style="mask-image:\\75rl(https://evil.example/m.png)" fill="\\75rl(https://evil.example/f)" d="M0 0"/></svg>');
      assert.match(hostile, /<script>[\s\S]*onload=/, 'the poison went in');
      await writeFile(join(dir, 'figure.svg'), hostile);
      const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as { files: Record<string, unknown> };
      meta.files['svg'] = { size: Buffer.byteLength(hostile), sha256: createHash('sha256').update(hostile).digest('hex') };
      await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
    }, renderer);
  const BAD = [/<script/i, /onload/i, /javascript:/i, /evil\.example/, /<foreignObject/i, /<iframe/i, /<image/i, /image-set/i, /\\75/];
  const dataUrlText = (html: string) => decodeURIComponent(/src="data:image\/svg\+xml,([^"]+)"/.exec(html)![1]!);

  test('TeX renderer: a cached SVG with scripts, handlers and outside references is sanitized in every strategy, even when meta.json vouches for it', async () => {
    const cache = await hostileEntry('tex');
    const { html } = await renderWith(cache, 'inline-svg', 'tex');
    assert.match(html, /<svg[^>]*role="img"/);
    assert.match(html, /<path /);
    for (const b of BAD) assert.doesNotMatch(html, b);
    // References inside the figure survive, prefixed.
    assert.match(html, /href="#hfa-[0-9a-f]{8}-[^"]+"/);
    // A published .svg opened on its own runs its scripts: the file and data-url strategies serve the sanitized SVG too.
    const asFile = await renderWith(cache, 'file', 'tex');
    assert.equal(asFile.files.length, 1);
    const published = asFile.files[0]!.toString('utf8');
    assert.match(published, /^<\?xml[^>]*>\n<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const b of BAD) assert.doesNotMatch(published, b);
    const asData = await renderWith(cache, 'data-url', 'tex');
    for (const b of BAD) assert.doesNotMatch(dataUrlText(asData.html), b);
  });

  test('native renderer: a cached SVG is never served; the figure is drawn again, the same bytes as a fresh build', async () => {
    const fresh = await renderWith(await mkdtemp(join(work, 'plugin-fresh-')), 'file');
    const cache = await hostileEntry('native');
    // As a new process: nothing drawn yet, so the figure must be drawn from the cache hit.
    forgetDrawnSvgs();
    const asFile = await renderWith(cache, 'file');
    assert.equal(asFile.files.length, 1);
    assert.ok(asFile.files[0]!.equals(fresh.files[0]!), 'the published file is the drawn figure');
    for (const b of BAD) assert.doesNotMatch(asFile.files[0]!.toString('utf8'), b);
    forgetDrawnSvgs();
    const { html } = await renderWith(cache, 'inline-svg');
    for (const b of BAD) assert.doesNotMatch(html, b);
    const asData = await renderWith(cache, 'data-url');
    assert.equal(dataUrlText(asData.html), fresh.files[0]!.toString('utf8'));
  });
});

describe('a figure cached by other code', () => {
  test('is not served when the code changed under the same version number', async () => {
    // A copy of the built package: same package.json (same version), same templates.
    const dir = await mkdtemp(join(tmpdir(), 'hf-arch-code-'));
    const root = fileURLToPath(new URL('..', import.meta.url));
    await cp(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
    await cp(join(root, 'package.json'), join(dir, 'package.json'));
    await symlink(join(root, 'templates'), join(dir, 'templates'));
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
    const bin = join(dir, 'dist/cli/main.js');
    const cache = join(dir, 'cache');
    const build = (extra: string[]) =>
      run(process.execPath, [bin, 'build', CONFIG, '-o', join(dir, 'out.svg'), '--cache-dir', cache, ...extra], { env: { ...process.env, HF_ARCH_FROZEN: '' } }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    try {
      assert.equal((await build([])).code, 0);
      assert.equal((await build(['--frozen'])).code, 0, 'the same code finds its figure');
      // The drawing code changes; the version does not.
      await writeFile(join(dir, 'dist/figure/layout.js'), `${await readFile(join(dir, 'dist/figure/layout.js'), 'utf8')}\n// changed\n`);
      const stale = await build(['--frozen']);
      assert.notEqual(stale.code, 0, 'the figure of the old code is not served');
      assert.match(stale.stderr, /not in the cache/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
