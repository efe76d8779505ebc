/**
 * A site config loaded the way Docusaurus 3 loads `docusaurus.config.js` (jiti 1, which
 * transpiles the config and every ESM package it imports to CommonJS): `import remarkHfArch from
 * 'remark-hf-arch'` must load, and the plugin must draw a fence with the native renderer. It did
 * not: zod's named import came out undefined under jiti's interop, and execa's ESM-only
 * dependencies refused to be required.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fixturePath } from './helpers/fixtures.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

test("an ESM site config loaded through jiti (Docusaurus 3's loader) imports the plugin and draws a fence", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hf-arch-jiti-'));
  // ESM syntax, as create-docusaurus writes it; the package by its path (jiti transpiles it and its
  // dependencies as it would under node_modules).
  await writeFile(join(dir, 'site.config.js'), `
import remarkHfArch from ${JSON.stringify(join(ROOT, 'dist/index.js'))};
import { unified } from ${JSON.stringify(join(ROOT, 'node_modules/unified/index.js'))};
import remarkParse from ${JSON.stringify(join(ROOT, 'node_modules/remark-parse/index.js'))};
export default async function draw(markdown, options) {
  const processor = unified().use(remarkParse).use(remarkHfArch, options);
  return processor.run(processor.parse(markdown), { path: ${JSON.stringify(join(dir, 'post.md'))}, cwd: ${JSON.stringify(dir)} });
}
`);
  // Docusaurus's loadFreshModule: jiti(__filename, { cache, requireCache: false, interopDefault: true })(path).
  const loader = `
const jiti = require(${JSON.stringify(join(ROOT, 'node_modules/jiti'))})(${JSON.stringify(join(dir, 'loader.cjs'))}, { cache: false, requireCache: false, interopDefault: true });
const draw = jiti(${JSON.stringify(join(dir, 'site.config.js'))});
draw('# Post\\n\\n\\u0060\\u0060\\u0060hf-arch\\n' + ${JSON.stringify(fixturePath('configs/Qwen__Qwen3-0.6B.json'))} + '\\n\\u0060\\u0060\\u0060\\n', { cacheDir: ${JSON.stringify(join(dir, 'cache'))}, outputDir: ${JSON.stringify(join(dir, 'public/hf-arch'))}, allowOutsideRoot: true })
  .then((tree) => console.log(JSON.stringify(tree.children.map((n) => n.type))))
  .catch((e) => { console.error(e.stack || e); process.exit(1); });
`;
  await writeFile(join(dir, 'loader.cjs'), loader);
  // No TeX on the PATH: the native renderer, as on a Docusaurus host.
  const { stdout } = await run(process.execPath, [join(dir, 'loader.cjs')], { cwd: dir, env: { ...process.env, PATH: '/nonexistent' } });
  const types = JSON.parse(stdout) as string[];
  assert.equal(types[0], 'heading');
  assert.notEqual(types[1], 'code', 'the fence became a figure');
  assert.ok((await readdir(join(dir, 'cache'), { recursive: true })).some((f) => String(f).endsWith('.svg')), 'the figure is in the cache');
});
