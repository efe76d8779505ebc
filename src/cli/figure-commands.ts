/** `hf-arch render | compile | build`: the figure stages from the command line. */
import { extname } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { buildFigure, renderDocument, RENDERERS, type Renderer } from '../build.js';
import { HfArchError, printable } from '../errors.js';
import { extract } from '../extract.js';
import { archJsonSchema, type ArchJson } from '../schema/arch-json.js';
import { parseConfigText } from '../source/parse.js';
import { MAX_CONFIG_BYTES, MAX_TEMPLATE_BYTES, readRegularFile } from '../read-limited.js';
import { compileTex, type Format } from '../tex/compile.js';
import type { FigureOptions } from '../figure/layout.js';
import { ACCENT_PATTERN } from '../figure/title.js';
import { UsageError, warn, writeOutput } from './util.js';

const FIGURE_OPTIONS = `  --theme NAME|FILE         light (default), dark, gallery, or a custom template (.tex)
  --no-mtp                  Hide the MTP branch
  --title TEXT              Replace the title (set literally, never as markup)
  --ledger table|none       The table of formulas and exact counts under the figure (default table)
  --detail full|compact     Draw the insets (full, default) or only the main stack
  --accent '#RRGGBB'        The model's accent colour in the gallery theme (default per family)
  --revision REV            Branch, tag or commit of a Hub source
  --allow-unknown-fields    Draw even when the config has fields this tool does not know
  --from-checkpoint         Read the structure and every count from the checkpoint's safetensors
                            headers (a folder with config.json, or the Hub repo): for a model
                            type this tool does not describe; the figure says so`;

const CACHE_OPTIONS = `  --cache-dir DIR           Figure cache (default HF_ARCH_CACHE_DIR or node_modules/.cache/remark-hf-arch)
  --frozen                  A cache miss is an error; TeX and the network are not touched
                            (also HF_ARCH_FROZEN=1)`;

export const RENDER_HELP = `Usage: hf-arch render <source|arch.json> [options]

Writes the TikZ document of the figure (no TeX needed). <source> is a config.json, a folder, a
Hub repo id org/name[@revision], or an arch.json written by "hf-arch extract".

Options:
  --output FILE, -o FILE    Write to FILE instead of standard output
${FIGURE_OPTIONS}`;

export const COMPILE_HELP = `Usage: hf-arch compile <file.tex> [options]

Compiles a TeX document (e.g. from "hf-arch render") with xelatex (else lualatex, pdflatex):
no shell escape, a time limit, file access restricted to a private folder; then pdftocairo.

Options:
  --format svg|png|pdf      Output format (default: from --output's extension, else svg)
  --output FILE, -o FILE    Output file (default: the .tex name with the format's extension)
  --dpi N                   PNG resolution (default 300)`;

export const BUILD_HELP = `Usage: hf-arch build <source|arch.json> --output FILE.(svg|png|pdf) [options]

All stages through the content-addressed cache: a figure built before is copied from the cache
without TeX or network. SVG and PNG are drawn in-process (no TeX needed); PDF comes from TeX.

Options:
  --output FILE, -o FILE    Output file; its extension picks the format (required)
  --dpi N                   PNG resolution (default 300)
  --renderer native|tex     native (default for SVG and PNG) or tex (TikZ through TeX; the
                            default, and the only choice, for PDF)
  --verify                  Check the counts against the checkpoint's safetensors headers
                            first (a folder or a Hub repo): a match is marked on the figure,
                            a mismatch is a warning
  --verify-strict           The same, and a mismatch is an error
${FIGURE_OPTIONS}
${CACHE_OPTIONS}`;

const figureArgs = {
  output: { type: 'string', short: 'o' },
  theme: { type: 'string' },
  'no-mtp': { type: 'boolean' },
  title: { type: 'string' },
  ledger: { type: 'string' },
  detail: { type: 'string' },
  accent: { type: 'string' },
  revision: { type: 'string' },
  'allow-unknown-fields': { type: 'boolean' },
  'from-checkpoint': { type: 'boolean' },
} as const;

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, help: string) {
  try {
    return parseArgs({ args, allowPositionals: true as const, options });
  } catch (error) {
    throw new UsageError((error as Error).message, help);
  }
}

function onePositional(positionals: string[], what: string, help: string): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? `${what} is missing` : `expected one ${what}, got ${positionals.length}`, help);
  return positionals[0]!;
}

/** The content of an arch.json file (written by "hf-arch extract"), or null for any other source. */
async function readArchJson(source: string): Promise<ArchJson | null> {
  if (!source.endsWith('.json')) return null;
  const bytes = await readRegularFile(source, { limit: MAX_CONFIG_BYTES, what: 'arch.json' }).catch((error: unknown) => {
    if (error instanceof HfArchError) throw error; // a pipe, a device, too large: say so
    return null; // not a file: the source is something else
  });
  const text = bytes === null ? null : bytes.toString('utf8');
  if (text === null || !/"schema_version"/.test(text)) return null;
  const parsed = archJsonSchema.safeParse(parseConfigText(text, source));
  if (!parsed.success) {
    throw new HfArchError('config-invalid-field', `${source} looks like an arch.json but does not match its schema: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`, {
      location: { file: source },
      hint: 'Write it again with "hf-arch extract".',
    });
  }
  return parsed.data;
}

/** An arch.json file, or a source to extract. */
async function archOf(source: string, values: { revision?: string; 'allow-unknown-fields'?: boolean; 'from-checkpoint'?: boolean }): Promise<ArchJson> {
  const given = await readArchJson(source);
  if (given) return given;
  const { arch, warnings } = await extract(source, {
    ...(values.revision === undefined ? {} : { revision: values.revision }),
    allowUnknownFields: values['allow-unknown-fields'] ?? false,
    ...(values['from-checkpoint'] ? { fromCheckpoint: true } : {}),
  });
  for (const w of warnings) warn(w);
  return arch;
}

export async function runRender(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, figureArgs, RENDER_HELP);
  const arch = await archOf(onePositional(positionals, 'source', RENDER_HELP), values);
  const tex = await renderDocument(arch, {
    ...(values.theme ? { theme: values.theme } : {}),
    mtp: !values['no-mtp'],
    ...(values.title ? { title: values.title } : {}),
    ...figureChoices(values, RENDER_HELP),
  });
  if (values.output) await writeOutput(values.output, tex);
  else process.stdout.write(tex);
}

const FORMATS: Format[] = ['svg', 'png', 'pdf'];

function formatOf(value: string | undefined, output: string | undefined, help: string): Format {
  const f = value ?? (output ? extname(output).slice(1).toLowerCase() : 'svg');
  if (!(FORMATS as string[]).includes(f)) throw new UsageError(`unknown format "${f}" (svg, png or pdf)`, help);
  return f as Format;
}

/** The figure choices (--ledger, --detail, --accent), each checked against its allowed values. */
function figureChoices(values: { ledger?: string; detail?: string; accent?: string }, help: string): Pick<FigureOptions, 'ledger' | 'detail' | 'accent'> {
  const out: Pick<FigureOptions, 'ledger' | 'detail' | 'accent'> = {};
  if (values.ledger !== undefined) {
    if (values.ledger !== 'table' && values.ledger !== 'none') throw new UsageError(`--ledger must be table or none, not "${printable(values.ledger)}"`, help);
    out.ledger = values.ledger;
  }
  if (values.detail !== undefined) {
    if (values.detail !== 'full' && values.detail !== 'compact') throw new UsageError(`--detail must be full or compact, not "${printable(values.detail)}"`, help);
    out.detail = values.detail;
  }
  if (values.accent !== undefined) {
    if (!ACCENT_PATTERN.test(values.accent)) throw new UsageError(`--accent must be a colour as #RRGGBB, not "${printable(values.accent)}"`, help);
    out.accent = values.accent;
  }
  return out;
}

function dpiOf(value: string | undefined, help: string): number | undefined {
  if (value === undefined) return undefined;
  const dpi = Number(value);
  if (!Number.isInteger(dpi) || dpi < 10 || dpi > 2400) throw new UsageError(`--dpi must be a whole number from 10 to 2400, got "${value}"`, help);
  return dpi;
}

export async function runCompile(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { output: { type: 'string', short: 'o' }, format: { type: 'string' }, dpi: { type: 'string' } }, COMPILE_HELP);
  const input = onePositional(positionals, 'TeX file', COMPILE_HELP);
  const format = formatOf(values.format, values.output, COMPILE_HELP);
  const dpi = dpiOf(values.dpi, COMPILE_HELP);
  const tex = (
    await readRegularFile(input, { limit: MAX_TEMPLATE_BYTES, what: 'TeX document' }).catch((error: NodeJS.ErrnoException) => {
      if (error instanceof HfArchError) throw error;
      throw new HfArchError('io-error', `cannot read ${input} (${error.code ?? error.message})`, { location: { file: input } });
    })
  ).toString('utf8');
  // A document from elsewhere: xelatex only, its output checked before it becomes a PDF.
  const result = await compileTex(tex, { formats: [format], untrusted: true, ...(dpi ? { dpi } : {}) });
  await writeOutput(values.output ?? input.replace(/\.tex$/, '') + `.${format}`, result.files[format]!);
}

export async function runBuild(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { ...figureArgs, dpi: { type: 'string' }, renderer: { type: 'string' }, verify: { type: 'boolean' }, 'verify-strict': { type: 'boolean' }, 'cache-dir': { type: 'string' }, frozen: { type: 'boolean' } }, BUILD_HELP);
  const source = onePositional(positionals, 'source', BUILD_HELP);
  if (!values.output) throw new UsageError('build needs --output FILE.(svg|png|pdf)', BUILD_HELP);
  const format = formatOf(undefined, values.output, BUILD_HELP);
  const dpi = dpiOf(values.dpi, BUILD_HELP);
  const renderer = values.renderer;
  if (renderer !== undefined && !(RENDERERS as readonly string[]).includes(renderer)) throw new UsageError(`--renderer must be native or tex, not "${printable(renderer)}"`, BUILD_HELP);
  if (renderer === 'native' && format === 'pdf') throw new UsageError('a PDF comes only from TeX: use --renderer tex, or leave --renderer out', BUILD_HELP);
  const frozen = values.frozen ?? process.env['HF_ARCH_FROZEN'] === '1';
  // An arch.json is drawn as it is; a source is extracted by buildFigure (offline when frozen).
  const input = (await readArchJson(source)) ?? source;
  const result = await buildFigure(input, {
    formats: [format],
    ...(dpi ? { dpi } : {}),
    ...(renderer ? { renderer: renderer as Renderer } : {}),
    ...(values['verify-strict'] ? { verify: 'strict' as const } : values.verify ? { verify: true } : {}),
    ...(values.theme ? { theme: values.theme } : {}),
    mtp: !values['no-mtp'],
    ...(values.title ? { title: values.title } : {}),
    ...figureChoices(values, BUILD_HELP),
    ...(values.revision ? { revision: values.revision } : {}),
    ...(values['cache-dir'] ? { cacheDir: values['cache-dir'] } : {}),
    frozen,
    allowUnknownFields: values['allow-unknown-fields'] ?? false,
    ...(values['from-checkpoint'] ? { fromCheckpoint: true } : {}),
  });
  for (const w of result.warnings) warn(w);
  await writeOutput(values.output, result.bytes[format]!);
  process.stderr.write(printable(`hf-arch: ${result.cached ? 'from the cache' : 'built'}: ${values.output} (${result.arch.model.name}, key ${result.key.slice(0, 12)})`) + '\n');
}
