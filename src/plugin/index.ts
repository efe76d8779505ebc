/**
 * remark-hf-arch: ` ```hf-arch ` fences become architecture figures. The transformer is async
 * (figures compile in a queue shared by the whole process), so `processSync` cannot be used.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Code, Parent, Root } from 'mdast';
import type { Transformer } from 'unified';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { buildFigure, type BuildOptions } from '../build.js';
import { formatLocation, HfArchError, printable } from '../errors.js';
import type { ArchJson } from '../schema/arch-json.js';
import { altText } from '../figure/alt.js';
import { THEMES } from '../tex/template.js';
import { FenceError, parseFence } from './fence.js';
import { dataUrl, figureNode, imageNode, inlineSvg, publishFile, servable, type DarkSwitch, type FigureFile } from './output.js';
import { describeIssue, pluginOptionsSchema, type FenceOptions, type Options, type ResolvedOptions } from './options.js';
import { inside, resolveFenceSource } from './source-path.js';

export type { Options } from './options.js';

const SOURCE = 'remark-hf-arch';

/** A stable, readable file name: the model's slug and the figure key's prefix. */
function figureName(arch: ArchJson, key: string): string {
  const slug = arch.model.name.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-|-$/g, '') || 'model';
  return `${slug}-${key.slice(0, 12)}`;
}

const roots = new Map<string, string>();

/**
 * The site a page belongs to: the nearest folder with a `package.json` between the page and the
 * working directory (so `docusaurus build site/` run from the parent finds `site/`), else the
 * working directory itself (also for a page outside it, such as Docusaurus docs at `../docs`).
 */
function projectRoot(dir: string): string {
  const cwd = process.cwd();
  const key = `${cwd}\0${dir}`;
  const known = roots.get(key);
  if (known) return known;
  let found = cwd;
  for (let at = dir; inside(cwd, at); at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) {
      found = at;
      break;
    }
    if (at === cwd) break;
  }
  roots.set(key, found);
  return found;
}

interface Fence {
  node: Code;
  index: number;
  parent: Parent;
}

/** Validates the plugin options once, with a message that names the option and what it allows. */
function resolveOptions(options: Options | null | undefined): ResolvedOptions {
  const parsed = pluginOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    throw new Error(`${SOURCE}: ${parsed.error.issues.map((i) => describeIssue(i)).join('; ')}`);
  }
  const settings = parsed.data;
  const base = resolve(settings.root ?? process.cwd());
  return { ...settings, theme: resolveTheme('theme', settings.theme, base), darkTheme: resolveTheme('darkTheme', settings.darkTheme, base) };
}

/** A built-in theme as it is; a template path made absolute, and checked now rather than at every fence. */
function resolveTheme(option: string, theme: string, base: string): string {
  if ((THEMES as readonly string[]).includes(theme)) return theme;
  const path = resolve(base, theme);
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) {
    throw new Error(`${SOURCE}: option "${option}" must be one of ${THEMES.map((t) => JSON.stringify(t)).join(', ')} or the path of a .tex template; there is no file at ${printable(path)}`);
  }
  return path;
}

/**
 * The plugin. Options are JSON-serializable (see {@link Options}); every fence may override
 * `theme`, `mtp`, `ledger`, `detail`, `accent`, `format`, `title`, `caption`, `alt`, `width` and `revision`.
 */
export default function remarkHfArch(options?: Options | null): Transformer<Root> {
  const settings = resolveOptions(options);
  const fixedRoot = settings.root === undefined ? null : resolve(settings.root);

  return async (tree: Root, file: VFile) => {
    const fences: Fence[] = [];
    visit(tree, 'code', (node, index, parent) => {
      if (node.lang === 'hf-arch' && parent && index !== undefined) fences.push({ node, index, parent });
    });
    if (fences.length === 0) return;
    const dir = file.path ? resolve(file.cwd, file.dirname ?? '.') : null;
    // The site is where the page is, not where the build was started (`docusaurus build site/`).
    const root = fixedRoot ?? (dir ? projectRoot(dir) : process.cwd());
    const base = dir ?? root;

    const warnings: { fence: Fence; text: string }[] = [];
    const results = await Promise.allSettled(fences.map((fence) => renderFence(fence, settings, root, base, (text) => warnings.push({ fence, text }))));
    for (const { fence, text } of warnings) {
      const where = formatLocation({ file: file.path || '<input>', ...(fence.node.position ? { line: fence.node.position.start.line, column: fence.node.position.start.column } : {}) });
      process.stderr.write(`${SOURCE}: ${where}: warning: ${printable(text)}\n`);
      file.message(printable(text), { ...(fence.node.position ? { place: fence.node.position } : {}), ruleId: 'cache', source: SOURCE });
    }
    // Each fence is replaced by one node, so the indices found by visit stay valid.
    const failures: { fence: Fence; error: unknown }[] = [];
    results.forEach((result, i) => {
      const fence = fences[i]!;
      if (result.status === 'fulfilled') fence.parent.children[fence.index] = result.value as never;
      else failures.push({ fence, error: result.reason });
    });
    for (const { fence, error } of failures) {
      const { reason, line, ruleId } = describeError(error, fence.node);
      const place = line === undefined ? fence.node.position : { line, column: 1 };
      const start = place && 'start' in place ? place.start : place;
      const where = formatLocation({ file: file.path || '<input>', ...(start ? { line: start.line, column: start.column } : {}) });
      // Also printed: some frameworks never show vfile messages.
      process.stderr.write(`${SOURCE}: ${printable(where)}: ${printable(reason)}\n`);
      const message = file.message(printable(reason), { ...(place ? { place } : {}), ruleId, source: SOURCE, ...(error instanceof Error ? { cause: error } : {}) });
      if (settings.onError === 'fail') {
        message.fatal = true;
        throw message;
      }
      fence.parent.children[fence.index] = {
        type: 'paragraph',
        data: { hName: 'figure', hProperties: { className: ['hf-arch', 'hf-arch-error'] } as never },
        children: [
          { type: 'inlineCode', value: fence.node.value },
          // Only the code in the page: a message can quote the file it failed on, and the page is public.
          { type: 'text', value: ` — hf-arch could not draw this figure (${ruleId}); the build log says why.` },
        ],
      } as never;
    }
  };
}

/** An error of the pipeline in one line: where, what, and the first line of what to do. */
function describeHfArchError(error: HfArchError): string {
  const where = formatLocation(error.location);
  return `${where ? `${where}: ` : ''}${error.message}${error.hint ? `. ${error.hint.split('\n')[0]}` : ''}`;
}

function describeError(error: unknown, node: Code): { reason: string; line: number | undefined; ruleId: string } {
  if (error instanceof FenceError) return { reason: error.message, line: error.line, ruleId: error.ruleId };
  if (error instanceof HfArchError) return { reason: describeHfArchError(error), line: node.position?.start.line, ruleId: error.code };
  return { reason: `internal error: ${(error as Error).message}`, line: node.position?.start.line, ruleId: 'internal-error' };
}

async function renderFence(fence: Fence, settings: ResolvedOptions, root: string, base: string, warn: (text: string) => void) {
  const { source: rawSource, sourceLine, options } = parseFence(fence.node);
  try {
    return await drawFence(rawSource, sourceLine, options, settings, root, base, warn);
  } catch (error) {
    // Errors about the model (not found, not understood, not cached) belong to its line.
    if (error instanceof HfArchError) throw new FenceError(describeHfArchError(error), sourceLine, error.code);
    throw error;
  }
}

async function drawFence(rawSource: string, line: number | undefined, options: FenceOptions, settings: ResolvedOptions, root: string, base: string, warn: (text: string) => void) {
  const { source, kind } = await resolveFenceSource(rawSource, base, root, settings.allowOutsideRoot, line);
  const format = settings.strategy === 'inline-svg' ? 'svg' : (options.format ?? settings.format);
  const common: BuildOptions = {
    sourceKind: kind,
    formats: [format],
    mtp: options.mtp ?? settings.mtp,
    ledger: options.ledger ?? settings.ledger,
    detail: options.detail ?? settings.detail,
    renderer: settings.renderer,
    ...(settings.verify ? { verify: settings.verify } : {}),
    ...(options.accent ? { accent: options.accent } : {}),
    ...(options.title ? { title: options.title } : {}),
    ...(options.revision ? { revision: options.revision } : {}),
    ...(options['from-checkpoint'] ? { fromCheckpoint: true } : {}),
    ...(settings.cacheDir ? { cacheDir: resolve(root, settings.cacheDir) } : { cwd: root }),
    ...(settings.frozen !== undefined ? { frozen: settings.frozen } : {}),
    ...(settings.concurrency ? { concurrency: settings.concurrency } : {}),
    ...(settings.hubEndpoint ? { endpoint: settings.hubEndpoint } : {}),
    dpi: settings.dpi,
  };
  const light = await buildFigure(source, { ...common, theme: options.theme ?? settings.theme });
  const dark = settings.dark ? await buildFigure(light.arch, { ...common, theme: settings.darkTheme }) : null;
  for (const w of [...light.warnings, ...(dark?.warnings ?? [])]) warn(w);
  const arch = light.arch;
  const alt = options.alt ?? altText(arch);
  const asFile = (r: typeof light): FigureFile => ({ bytes: r.bytes[format]!, format, name: figureName(arch, r.key), ...(r.drawnHere ? { drawnHere: true } : {}) });
  const target = { outputDir: resolve(root, settings.outputDir), publicPath: settings.publicPath, fromDir: base };

  const darkSwitch: DarkSwitch | undefined = settings.dark === 'media' ? { mode: 'media' } : settings.dark === 'class' ? { mode: 'class', selector: settings.darkSelector } : undefined;
  const shared = { caption: options.caption, model: arch.model.name, ...(darkSwitch ? { dark: darkSwitch } : {}) };

  if (settings.strategy === 'inline-svg') {
    const svgOf = (r: typeof light, className?: string) => {
      const svg = inlineSvg(asFile(r), `hfa-${r.key.slice(0, 8)}-`, alt);
      if (className) svg.properties['className'] = ['hf-arch-svg', className];
      // Never wider than its column (the tree's style); the fence's `width`, the height from the viewBox.
      if (options.width) {
        svg.properties['width'] = options.width;
        delete svg.properties['height'];
      }
      return svg;
    };
    return figureNode({ ...shared, svgs: dark ? { light: svgOf(light, 'hf-arch-light'), dark: svgOf(dark, 'hf-arch-dark') } : { light: svgOf(light) } });
  }
  const urlOf = (r: typeof light) => (settings.strategy === 'data-url' ? Promise.resolve(dataUrl(servable(asFile(r)))) : publishFile(servable(asFile(r)), target));
  const lazy = dark !== null;
  const lightImage = imageNode(await urlOf(light), alt, { width: options.width, lazy });
  const darkImage = dark ? imageNode(await urlOf(dark), alt, { width: options.width, lazy }) : undefined;
  return figureNode({ ...shared, width: options.width, images: darkImage ? { light: lightImage, dark: darkImage } : { light: lightImage } });
}
