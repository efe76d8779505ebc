/**
 * The whole pipeline behind `hf-arch build` and the plugin: `arch.json` → scene → files (SVG and
 * PNG from the native backend by default, PDF and `renderer: 'tex'` from TeX), through the
 * content-addressed cache. A cached figure is found without TeX and without spawning anything;
 * `frozen` turns a miss into an error instead of a render. The native path never looks for TeX.
 */
import { HfArchError } from './errors.js';
import { extract, type ExtractOptions } from './extract.js';
import { canonicalJson, figureKey } from './cache/key.js';
import { readSourceIndex, writeSourceIndex } from './cache/sources.js';
import { runOnce, setConcurrency } from './cache/queue.js';
import { defaultCacheDir, discardEntry, lookupFigure, storeFigure, type CachedFile } from './cache/store.js';
import { layoutFigure, type FigureOptions } from './figure/layout.js';
import type { ArchJson } from './schema/arch-json.js';
import { compileFigurePage } from './tex/batch.js';
import { DEFAULT_DPI, type Engine, type Format } from './tex/compile.js';
import { loadTemplate, THEMES } from './tex/template.js';
import { codeFingerprint, packageVersion } from './version.js';
import { sceneToDocument, scenePage } from './tex/tikz.js';
import { renderNative, type NativeFormat } from './svg/index.js';
import { altText } from './figure/alt.js';
import type { Scene } from './figure/scene.js';
import { verifiedLabel, verifyArch, type VerifyReport } from './checkpoint/index.js';

/** Options of {@link buildFigure}. */
export interface BuildOptions extends ExtractOptions, FigureOptions {
  /** `light` (default), `dark`, `gallery`, or the path of a custom template. */
  theme?: string;
  /** Files to produce (default `['svg']`). */
  formats?: Format[];
  /** PNG resolution (default 300). */
  dpi?: number;
  /** Cache folder (default `HF_ARCH_CACHE_DIR` or `node_modules/.cache/remark-hf-arch`). */
  cacheDir?: string;
  /** A cache miss is an error; neither TeX nor the network is touched (default `HF_ARCH_FROZEN=1`). */
  frozen?: boolean;
  /** Compilations at once in this process (default: the number of cores). */
  concurrency?: number;
  /**
   * Which backend draws the figure: `native` (in-process SVG, PNG through resvg; no TeX needed)
   * or `tex` (TikZ compiled by TeX). Default `native` for SVG and PNG, `tex` when a PDF is asked
   * for (a PDF only comes from TeX).
   */
  renderer?: Renderer;
  /** Force a TeX engine (with the TeX renderer). */
  engine?: Engine;
  /**
   * Check the counts against the checkpoint's safetensors headers first (a source, not an
   * arch.json): a match puts "verified against checkpoint …" on the figure; a mismatch is a
   * warning (`true`) or an error (`'strict'`). Hub reports are cached by commit.
   */
  verify?: boolean | 'strict';
  /** Time limit of one TeX run, all its pages and programs together, in ms (default 60000). */
  texTimeoutMs?: number;
}

export const RENDERERS = ['native', 'tex'] as const;
export type Renderer = (typeof RENDERERS)[number];

/** The renderer a build uses: the one asked for, else native unless a PDF is wanted. */
export function resolveRenderer(formats: readonly Format[], renderer?: Renderer): Renderer {
  if (renderer === 'native' && formats.includes('pdf')) {
    throw new HfArchError('usage', 'a PDF comes only from the TeX renderer, and renderer "native" was asked for', {
      hint: 'Ask for SVG or PNG with the native renderer, or build the PDF with renderer "tex" (CLI --renderer tex).',
    });
  }
  return renderer ?? (formats.includes('pdf') ? 'tex' : 'native');
}

export interface BuildResult {
  /** Paths of the files in the cache, by format (absent when the cache could not be written). */
  files: Partial<Record<Format, string>>;
  /** The figure's bytes, by format: verified against the cache's record when they come from it.
   * Publish these, not the file at the path (which may change after the check). */
  bytes: Partial<Record<Format, Uint8Array>>;
  key: string;
  /** True when the figure came from the cache (nothing was compiled). */
  cached: boolean;
  /** True when the native renderer drew these bytes in this process (they were not read from a
   * file or made by another program). */
  drawnHere: boolean;
  arch: ArchJson;
  /** Things the user should know (a damaged cache entry discarded, a cache that could not be written). */
  warnings: string[];
  /** The checkpoint report, with `verify`. */
  verification?: VerifyReport;
}

/**
 * The `arch.json` of a source. A Hub model's is also kept in the figure cache, so that a frozen
 * build from a committed cache needs neither the network nor the Hub cache.
 */
async function archOfSource(source: string, options: BuildOptions, cacheDir: string, frozen: boolean): Promise<ArchJson> {
  const indexKey = canonicalJson({ source, revision: options.revision ?? null, ...(options.fromCheckpoint ? { fromCheckpoint: true } : {}) });
  // Tensor headers come from the network: a frozen build takes the structure it recorded.
  if (frozen && options.fromCheckpoint) {
    const known = await readSourceIndex(cacheDir, indexKey);
    if (known) return known;
  }
  try {
    const { arch } = await extract(source, frozen ? { ...options, offline: true } : options);
    if (arch.model.commit !== null) await writeSourceIndex(cacheDir, indexKey, arch).catch(() => undefined);
    return arch;
  } catch (error) {
    if (!(frozen && error instanceof HfArchError && error.code === 'hub-offline-not-cached')) throw error;
    const known = await readSourceIndex(cacheDir, indexKey);
    if (!known) throw error;
    return known;
  }
}

/** The TeX document of a figure. */
export async function renderDocument(arch: ArchJson, options: Pick<BuildOptions, 'theme' | keyof FigureOptions> = {}): Promise<string> {
  const template = await loadTemplate(options.theme);
  return sceneToDocument(layoutFigure(arch, options), template.text);
}

/** Builds (or finds in the cache) the figure of a model given by source or by its `arch.json`. */
export async function buildFigure(input: string | ArchJson, options: BuildOptions = {}): Promise<BuildResult> {
  const env = options.env ?? process.env;
  const frozen = options.frozen ?? env['HF_ARCH_FROZEN'] === '1';
  const cacheDir = options.cacheDir ?? defaultCacheDir(options.cwd, env);
  const formats = options.formats ?? ['svg'];
  if (options.concurrency !== undefined) setConcurrency(options.concurrency);
  const renderer = resolveRenderer(formats, options.renderer);
  const arch = typeof input === 'string' ? await archOfSource(input, options, cacheDir, frozen) : input;
  const template = await loadTemplate(options.theme);
  const warnings: string[] = [];
  const verification = options.verify ? await checkAgainstCheckpoint(input, arch, options, cacheDir, frozen, warnings) : undefined;
  const verifiedAgainst = verification?.ok ? verifiedLabel(verification) : undefined;
  // A custom template counts by its bytes (below), not by where it lies.
  const dpi = formats.includes('png') ? (options.dpi ?? DEFAULT_DPI) : null;
  const render = {
    // A custom template counts by its bytes (below), not by where it lies.
    theme: (THEMES as readonly string[]).includes(template.name) ? template.name : 'custom',
    mtp: options.mtp ?? true,
    title: options.title ?? null,
    ledger: options.ledger ?? 'table',
    detail: options.detail ?? 'full',
    accent: options.accent ?? null,
    dpi,
    renderer,
    engine: renderer === 'tex' ? (options.engine ?? null) : null,
    verified: verifiedAgainst ?? null,
  };
  const key = figureKey({ arch, render, template: template.text, version: `${packageVersion()}+${codeFingerprint()}` });
  const hit = await verifiedLookup(cacheDir, key, formats, frozen, warnings);
  const extra = verification ? { verification } : {};
  const figureOptions = { ...options, ...(verifiedAgainst ? { verifiedAgainst } : {}) };
  const draw = (wanted: Format[]) => {
    const scene = layoutFigure(arch, figureOptions);
    return renderNative(scene, template, wanted as NativeFormat[], { dpi: dpi ?? DEFAULT_DPI, meta: { title: sceneTitle(scene, arch), description: `${altText(arch)}${verifiedAgainst ? ` Counts verified against ${verifiedAgainst}.` : ''}` } });
  };
  // A native SVG is drawn again rather than read back: drawing is faster than sanitizing the
  // cached copy, trusts no file, and gives the very bytes of a fresh build, so a published
  // figure never changes under its name between a cold and a warm build.
  const fromCache = async (files: Partial<Record<Format, CachedFile>>) =>
    renderer === 'native' && files.svg
      ? { files: { ...files, svg: { ...files.svg, bytes: await drawnSvg(key, () => draw(['svg'])) } }, drawnHere: true }
      : { files, drawnHere: false };
  if (hit) {
    const served = await fromCache(hit);
    return { ...split(served.files), key, cached: true, drawnHere: served.drawnHere, arch, warnings, ...extra };
  }
  if (frozen) {
    throw new HfArchError('cache-miss-frozen', `the figure of ${arch.model.name} (${formats.join(', ')}, theme ${template.name}) is not in the cache at ${cacheDir}, and frozen mode forbids building it`, {
      location: { file: arch.model.source },
      hint: `Build it once without frozen mode (\`hf-arch build ${arch.model.source} --cache-dir ${cacheDir}\`${renderer === 'tex' ? ' where TeX is installed' : ''}, or the site build without HF_ARCH_FROZEN), then commit or restore that cache folder. Key ${key}.`,
    });
  }
  // One in-flight build per figure, cache folder and set of formats; every caller learns who drew it.
  const { files: built, drawnHere } = await runOnce(`${cacheDir}\0${key}\0${[...formats].sort().join(',')}`, async () => {
    const again = await verifiedLookup(cacheDir, key, formats, false, warnings);
    if (again) return fromCache(again);
    const result = renderer === 'native'
      ? await draw(formats)
      : await compileFigurePage(scenePage(layoutFigure(arch, figureOptions)), template.text, formats, { ...(dpi ? { dpi } : {}), ...(options.engine ? { engine: options.engine } : {}), ...(options.texTimeoutMs ? { timeoutMs: options.texTimeoutMs } : {}) });
    if (renderer === 'native' && result.files.svg) rememberSvg(key, Promise.resolve(result.files.svg));
    const drawn = renderer === 'native';
    try {
      return { files: await storeFigure(cacheDir, key, result.files, { model: arch.model.name, toolchain: result.toolchain }), drawnHere: drawn };
    } catch (error) {
      // A read-only or broken cache folder costs the cache, not the figure.
      warnings.push(`could not store the figure in the cache at ${cacheDir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); it will be built again next time`);
      return { files: Object.fromEntries(Object.entries(result.files).map(([f, bytes]) => [f, { path: '', bytes }])) as Partial<Record<Format, CachedFile>>, drawnHere: drawn };
    }
  });
  return { ...split(built), key, cached: false, drawnHere, arch, warnings, ...extra };
}

/** The checkpoint report of `verify`: a mismatch is a warning, or with `'strict'` an error. */
async function checkAgainstCheckpoint(input: string | ArchJson, arch: ArchJson, options: BuildOptions, cacheDir: string, frozen: boolean, warnings: string[]): Promise<VerifyReport> {
  if (typeof input !== 'string') {
    throw new HfArchError('usage', "verify needs the model's source (a checkpoint folder or a Hub repo id), not an arch.json", { hint: 'Build from the source, or leave verify out.' });
  }
  const report = await verifyArch(input, arch, { ...options, cacheDir, frozen });
  if (!report.ok) {
    const bad = [...report.units.filter((u) => !u.ok).map((u) => u.name), ...report.unclaimed.slice(0, 3).map((t) => t.name)];
    const message = `the checkpoint ${verifiedLabel(report)} does not match the count from the config (${bad.slice(0, 6).join(', ')}${bad.length > 6 ? ', …' : ''})`;
    if (options.verify === 'strict') throw new HfArchError('checkpoint-mismatch', message, { location: { file: input }, hint: `Run \`hf-arch verify ${input}\` for the report, tensor by tensor.` });
    warnings.push(`${message}; the figure is drawn without the verified mark`);
  }
  return report;
}

/** The title the figure prints (its text item), or the model's name. */
function sceneTitle(scene: Scene, arch: ArchJson): string {
  const title = scene.items.find((i) => i.id === 'title');
  return title && title.kind === 'text' ? title.lines.map((l) => l.map((r) => r.text).join('')).join(' ') : arch.model.name;
}

/** Native SVGs drawn in this process, by figure key (the drawing itself while it runs, so that
 * pages asking for one figure at once draw it once): a page rebuilt in a running process (a dev
 * server, a site's many pages) draws each figure once. Bounded; the oldest entry goes first. */
const DRAWN_ENTRIES = 64;
const drawnSvgs = new Map<string, Promise<Uint8Array>>();

function rememberSvg(key: string, bytes: Promise<Uint8Array>): void {
  drawnSvgs.set(key, bytes);
  if (drawnSvgs.size > DRAWN_ENTRIES) drawnSvgs.delete(drawnSvgs.keys().next().value!);
}

function drawnSvg(key: string, draw: () => Promise<{ files: Partial<Record<NativeFormat, Uint8Array>> }>): Promise<Uint8Array> {
  const known = drawnSvgs.get(key);
  if (known) return known;
  const bytes = draw().then((r) => r.files.svg!);
  rememberSvg(key, bytes);
  // A failed drawing is not remembered.
  bytes.catch(() => drawnSvgs.get(key) === bytes && drawnSvgs.delete(key));
  return bytes;
}

/** Forgets the SVGs drawn in this process, as a new process would start (for tests). @internal */
export function forgetDrawnSvgs(): void {
  drawnSvgs.clear();
}

function split(files: Partial<Record<Format, CachedFile>>): Pick<BuildResult, 'files' | 'bytes'> {
  const entries = Object.entries(files) as [Format, CachedFile][];
  return {
    files: Object.fromEntries(entries.filter(([, f]) => f.path !== '').map(([format, f]) => [format, f.path])),
    bytes: Object.fromEntries(entries.map(([format, f]) => [format, f.bytes])),
  };
}

/**
 * A cache lookup that never serves a damaged entry: it is discarded (with a warning) so that the
 * figure is built again, or, in frozen mode, reported with the entry's path.
 */
async function verifiedLookup(cacheDir: string, key: string, formats: Format[], frozen: boolean, warnings: string[]): Promise<Partial<Record<Format, CachedFile>> | null> {
  const found = await lookupFigure(cacheDir, key, formats);
  if (found.status === 'hit') return found.files;
  if (found.status === 'miss') return null;
  if (frozen) {
    throw new HfArchError('cache-damaged', `the cache entry ${found.entry} is damaged: ${found.problem}`, {
      location: { file: found.entry },
      hint: 'Frozen mode serves only verified entries. Delete that folder and build the figure again where TeX is installed, then commit the cache; if nobody changed it by hand, check who did.',
    });
  }
  warnings.push(`the cache entry ${found.entry} was damaged (${found.problem}); it was discarded and the figure built again`);
  await discardEntry(cacheDir, key).catch(() => undefined);
  return null;
}
