// npm run bench: measures the figure pipeline, both backends (native: in-process SVG and resvg
// PNG; tex: TikZ through TeX), against the original design's (xelatex twice, then a 300 dpi PNG)
// on the same figures, in one run on this machine. Prints a table and writes bench/results.json.
//   node scripts/bench.mjs [--runs N]
// Each scenario runs in a fresh Node process (so peak RSS is that scenario's), with a cold or warm
// figure cache as it says; "cold" times the build of a figure that is not in the cache, from the
// call to its result, in a process that has loaded the package. Medians over the runs.
import { execFileSync } from 'node:child_process';
import { cpus, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 3;

/** The 20 distinct figures of the document: every corpus config, plus one in the dark theme. */
function corpusSources() {
  const dir = join(root, 'fixtures/configs');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
  return files;
}

function fences(sources, themes = ['light']) {
  const blocks = [];
  sources.forEach((s, i) => blocks.push(`\`\`\`hf-arch theme=${themes[i % themes.length]}\n${s}\n\`\`\`\n`));
  return blocks.join('\n');
}

function doc20() {
  const sources = corpusSources(); // 19 configs
  return `# Twenty figures\n\n${fences(sources)}\n${fences([sources[0]], ['dark'])}`;
}

function doc50() {
  const five = corpusSources().slice(0, 5);
  const sources = Array.from({ length: 50 }, (_, i) => five[i % 5]);
  return `# Fifty fences, five models\n\n${fences(sources)}`;
}

// ---- child scenarios -------------------------------------------------------------------------
async function child(name, cacheDir, renderer) {
  const { unified } = await import('unified');
  const { default: remarkParse } = await import('remark-parse');
  const { default: remarkRehype } = await import('remark-rehype');
  const { default: rehypeStringify } = await import('rehype-stringify');
  const lib = await import(join(root, 'dist/index.js'));
  const { tasksStarted } = await import(join(root, 'dist/cache/queue.js'));
  const processor = (concurrency) =>
    unified().use(remarkParse).use(lib.default, { root: '/', allowOutsideRoot: true, cacheDir, outputDir: join(cacheDir, 'out'), concurrency, renderer }).use(remarkRehype).use(rehypeStringify);
  const out = {};
  if (name === 'one' || name === 'onepng') {
    const { arch } = await lib.extract(join(root, 'fixtures/configs/deepseek-ai__DeepSeek-V3.json'));
    const t = performance.now();
    await lib.buildFigure(arch, { cacheDir, formats: [name === 'one' ? 'svg' : 'png'], dpi: 300, renderer });
    out.ms = performance.now() - t;
  } else if (name === 'doc20' || name === 'doc50') {
    const text = name === 'doc20' ? doc20() : doc50();
    const t = performance.now();
    await processor(2).process(text);
    out.ms = performance.now() - t;
    out.compiles = tasksStarted();
  } else if (name === 'warm20') {
    const p = processor(2);
    await p.process(doc20()); // fills (or confirms) the cache in this process
    const times = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await p.process(doc20());
      times.push(performance.now() - t);
    }
    out.ms = median(times);
    out.compiles = tasksStarted();
  }
  out.maxRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify(out));
}

// ---- parent ----------------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function runChild(name, cacheDir, renderer = 'native') {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', name, cacheDir, renderer], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out);
}

/** The original design's pipeline on one of our .tex files: xelatex twice, then a 300 dpi PNG. */
function baseline(texFile) {
  const dir = mkdtempSync(join(tmpdir(), 'hf-arch-baseline-'));
  writeFileSync(join(dir, 'figure.tex'), readFileSync(texFile));
  const t = performance.now();
  for (let i = 0; i < 2; i++) execFileSync('xelatex', ['-interaction=nonstopmode', 'figure.tex'], { cwd: dir, stdio: 'ignore' });
  execFileSync('pdftocairo', ['-png', '-r', '300', '-singlefile', 'figure.pdf', 'figure'], { cwd: dir, stdio: 'ignore' });
  return performance.now() - t;
}

function texOf(source, dir, i) {
  const file = join(dir, `f${i}.tex`);
  execFileSync(process.execPath, [join(root, 'dist/cli/main.js'), 'render', source, '-o', file], { stdio: 'ignore' });
  return file;
}

async function main() {
  if (args[0] === '--child') return child(args[1], args[2], args[3]);
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'ignore' });
  const work = mkdtempSync(join(tmpdir(), 'hf-arch-bench-'));
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, ${execFileSync('xelatex', ['--version'], { encoding: 'utf8' }).split('\n')[0]}`;
  console.log(`machine: ${machine}; ${RUNS} runs each, medians\n`);

  const v3 = texOf(join(root, 'fixtures/configs/deepseek-ai__DeepSeek-V3.json'), work, 'v3');
  const baseOne = median(Array.from({ length: RUNS }, () => baseline(v3)));
  const docSources = [...corpusSources(), corpusSources()[0]];
  const texs = docSources.map((s, i) => texOf(s, work, i));
  const baseDoc = median(Array.from({ length: Math.min(RUNS, 2) }, () => texs.reduce((acc, f) => acc + baseline(f), 0)));

  const cold = (name, renderer) => Array.from({ length: RUNS }, () => runChild(name, mkdtempSync(join(work, 'cache-')), renderer));
  const texOne = cold('one', 'tex');
  const texDoc = cold('doc20', 'tex');
  const nativeOne = cold('one', 'native');
  const nativePng = cold('onepng', 'native');
  const nativeDoc = cold('doc20', 'native');
  const warmCache = mkdtempSync(join(work, 'cache-warm-'));
  runChild('doc20', warmCache);
  const warm = Array.from({ length: RUNS }, () => runChild('warm20', warmCache));
  const d50 = cold('doc50', 'tex');

  // SVG bytes of the 20 figures: native against the TeX backend's pdftocairo SVG.
  const texDocCache = mkdtempSync(join(work, 'cache-texsvg-'));
  runChild('doc20', texDocCache, 'tex');
  const svgSizes = (dir) => readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.svg')).map((f) => statSync(join(dir, 'out', f)).size);
  const nativeSvg = svgSizes(warmCache);
  const texSvg = svgSizes(texDocCache);

  const m = (rs) => median(rs.map((r) => r.ms));
  const results = {
    machine,
    runs: RUNS,
    baseline_one_figure_ms: baseOne,
    baseline_document20_sequential_ms: baseDoc,
    native_cold_one_figure_svg_ms: m(nativeOne),
    native_cold_one_figure_png300_ms: m(nativePng),
    native_cold_document20_2_workers_ms: m(nativeDoc),
    tex_cold_one_figure_svg_ms: m(texOne),
    tex_cold_document20_2_workers_ms: m(texDoc),
    warm_document20_ms: m(warm),
    document50_five_models_tex_compiles: d50[0].compiles,
    document50_five_models_tex_ms: m(d50),
    peak_rss_document20_native_mb: Math.max(...nativeDoc.map((r) => r.maxRssMB)),
    peak_rss_document20_tex_mb: Math.max(...texDoc.map((r) => r.maxRssMB)),
    svg_bytes_median_native: median(nativeSvg),
    svg_bytes_median_tex: median(texSvg),
  };
  const x = (ms) => results.baseline_one_figure_ms / ms;
  results.speedup_native_svg = x(results.native_cold_one_figure_svg_ms);
  results.speedup_native_png300 = x(results.native_cold_one_figure_png300_ms);
  results.speedup_tex_svg = x(results.tex_cold_one_figure_svg_ms);
  results.speedup_tex_document20 = results.baseline_document20_sequential_ms / results.tex_cold_document20_2_workers_ms;
  results.svg_bytes_native_to_tex = results.svg_bytes_median_native / results.svg_bytes_median_tex;

  const rows = [
    ['baseline: xelatex ×2 + PNG 300 dpi, one figure (DeepSeek-V3)', `${fmt(baseOne)} ms`, '', ''],
    ['baseline: the 20 figures, sequentially', `${fmt(baseDoc)} ms`, '', ''],
    ['native, cold: one figure to SVG', `${fmt(results.native_cold_one_figure_svg_ms)} ms`, `${results.speedup_native_svg.toFixed(1)}×`, '≥ 50×'],
    ['native, cold: one figure to PNG 300 dpi', `${fmt(results.native_cold_one_figure_png300_ms)} ms`, `${results.speedup_native_png300.toFixed(1)}×`, '≥ 10×'],
    ['native, cold: 20-fence document, 2 workers', `${fmt(results.native_cold_document20_2_workers_ms)} ms`, '', '< 1,000 ms'],
    ['tex, cold: one figure to SVG', `${fmt(results.tex_cold_one_figure_svg_ms)} ms`, `${results.speedup_tex_svg.toFixed(2)}×`, 'as before'],
    ['tex, cold: 20-fence document, 2 workers', `${fmt(results.tex_cold_document20_2_workers_ms)} ms`, `${results.speedup_tex_document20.toFixed(1)}×`, 'as before'],
    ['warm: 20-fence document (plugin work)', `${fmt(results.warm_document20_ms)} ms`, '', '< 100 ms'],
    ['tex: 50 fences naming 5 models, compilations', String(results.document50_five_models_tex_compiles), '', '5'],
    ['peak RSS, 20-fence document: native / tex', `${fmt(results.peak_rss_document20_native_mb)} / ${fmt(results.peak_rss_document20_tex_mb)} MB`, '', '< 250 MB'],
    ['SVG bytes, median of the 20: native / tex', `${fmt(results.svg_bytes_median_native / 1024)} / ${fmt(results.svg_bytes_median_tex / 1024)} KiB`, `${results.svg_bytes_native_to_tex.toFixed(2)}`, '< 0.5'],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`${'scenario'.padEnd(w)}  ${'median'.padStart(16)}  ${'vs baseline'.padStart(11)}  target`);
  for (const [a, b, c, d] of rows) console.log(`${a.padEnd(w)}  ${b.padStart(16)}  ${c.padStart(11)}  ${d}`);
  mkdirSync(join(root, 'bench'), { recursive: true });
  writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwritten: bench/results.json');
}

const fmt = (x) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));

await main();
