/**
 * remark-hf-arch: ` ```hf-arch ` fences become architecture figures. The transformer is async
 * (figures compile in a queue shared by the whole process), so `processSync` cannot be used.
 */
import { resolve } from 'node:path';
import type { Code, Parent, Root } from 'mdast';
import type { Transformer } from 'unified';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { buildFigure, type BuildOptions } from '../build.js';
import { formatLocation, HfArchError, printable } from '../errors.js';
import type { ArchJson } from '../schema/arch-json.js';
import { altText } from '../figure/alt.js';
import { FenceError, parseFence } from './fence.js';
import { dataUrl, figureNode, imageNode, inlineSvg, publishFile, servable, type FigureFile } from './output.js';
import { describeIssue, pluginOptionsSchema, type FenceOptions, type Options, type ResolvedOptions } from './options.js';
import { resolveFenceSource } from './source-path.js';

export type { Options } from './options.js';

const SOURCE = 'remark-hf-arch';

/** A stable, readable file name: the model's slug and the figure key's prefix. */
function figureName(arch: ArchJson, key: string): string {
  const slug = arch.model.name.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-|-$/g, '') || 'model';
  return `${slug}-${key.slice(0, 12)}`;
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
  return parsed.data;
}

/**
 * The plugin. Options are JSON-serializable (see {@link Options}); every fence may override
 * `theme`, `mtp`, `ledger`, `detail`, `accent`, `format`, `title`, `caption`, `alt`, `width` and `revision`.
 */
export default function remarkHfArch(options?: Options | null): Transformer<Root> {
  const settings = resolveOptions(options);
  const root = resolve(settings.root ?? process.cwd());

  return async (tree: Root, file: VFile) => {
    const fences: Fence[] = [];
    visit(tree, 'code', (node, index, parent) => {
      if (node.lang === 'hf-arch' && parent && index !== undefined) fences.push({ node, index, parent });
    });
    if (fences.length === 0) return;
    const base = file.path ? resolve(file.cwd, file.dirname ?? '.') : root;

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

  if (settings.strategy === 'inline-svg') {
    const lightSvg = inlineSvg(asFile(light), `hfa-${light.key.slice(0, 8)}-`, alt);
    if (dark) {
      lightSvg.properties['className'] = ['hf-arch-svg', 'hf-arch-light'];
      const darkSvg = inlineSvg(asFile(dark), `hfa-${dark.key.slice(0, 8)}-`, alt);
      darkSvg.properties['className'] = ['hf-arch-svg', 'hf-arch-dark'];
      const darkSelector = settings.dark === 'media' ? 'media' : settings.darkSelector;
      return figureNode({ light: lightSvg, dark: { url: '', image: darkSvg, mode: 'class' }, caption: options.caption, model: arch.model.name, darkSelector });
    }
    return figureNode({ light: lightSvg, caption: options.caption, model: arch.model.name });
  }
  const urlOf = (r: typeof light) => (settings.strategy === 'data-url' ? Promise.resolve(dataUrl(servable(asFile(r)))) : publishFile(servable(asFile(r)), target));
  const lightUrl = await urlOf(light);
  const darkUrl = dark ? await urlOf(dark) : null;
  const mode = settings.dark || undefined;
  const lightImage = imageNode(lightUrl, alt, { width: options.width, ...(mode === 'class' ? { className: 'hf-arch-light' } : {}) });
  return figureNode({
    light: lightImage,
    ...(dark && darkUrl && mode ? { dark: { url: darkUrl, mode, image: imageNode(darkUrl, alt, { width: options.width, className: 'hf-arch-dark' }) } } : {}),
    caption: options.caption,
    model: arch.model.name,
    ...(mode === 'class' ? { darkSelector: settings.darkSelector } : {}),
  });
}
