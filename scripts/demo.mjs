// npm run demo: renders examples/blog/post.md to examples/blog/dist/index.html with the built
// package, offline and without TeX (the native renderer), from the fixture configs.
//   node scripts/demo.mjs [--out DIR]   (default examples/blog/dist)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const out = args.includes('--out') ? resolve(args[args.indexOf('--out') + 1]) : join(root, 'examples/blog/dist');

const { unified } = await import('unified');
const { default: remarkParse } = await import('remark-parse');
const { default: remarkRehype } = await import('remark-rehype');
const { default: rehypeStringify } = await import('rehype-stringify');
const { VFile } = await import('vfile');
const { default: remarkHfArch } = await import('../dist/index.js');

const path = `${root}examples/blog/post.md`;
const file = new VFile({ path, value: readFileSync(path, 'utf8'), cwd: root });
const started = Date.now();
const html = await unified()
  .use(remarkParse)
  .use(remarkHfArch, { root, outputDir: join(out, 'hf-arch'), publicPath: 'hf-arch', dark: 'media', hubEndpoint: 'http://127.0.0.1:9' })
  .use(remarkRehype)
  .use(rehypeStringify)
  .process(file);
mkdirSync(out, { recursive: true });
const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>remark-hf-arch demo</title>
<style>body{max-width:820px;margin:2rem auto;font:16px/1.5 system-ui,sans-serif;padding:0 1rem}
figure{margin:2rem 0}figure img{max-width:100%;height:auto}figcaption{color:#555;font-size:.9rem}
@media (prefers-color-scheme: dark){body{background:#16181d;color:#e6e8eb}figcaption{color:#aeb4bd}}</style>
</head><body>
${String(html)}
</body></html>
`;
writeFileSync(join(out, 'index.html'), page);
console.log(`${join(out, 'index.html')} written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
