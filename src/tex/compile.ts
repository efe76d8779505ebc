/**
 * TeX → PDF → SVG/PNG: `xelatex` (else `lualatex`, else `pdflatex`) without shell escape,
 * halting on the first error, in a private temporary folder, with a time limit, with TeX's own
 * file access (`\input`, `\openin`, `\openout`) confined to that folder (`openin_any=p`,
 * `openout_any=p`), LuaTeX's Lua file and socket access off (`--safer --nosocket`), only PATH and
 * HOME passed from the environment, and `SOURCE_DATE_EPOCH` fixed so the same input gives the
 * same PDF. Then `pdftocairo` for SVG and PNG. The figure's own text is escaped before it gets
 * here; a custom template is TeX code, trusted as such.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ExecaError } from 'execa';
import { HfArchError } from '../errors.js';

export type Format = 'svg' | 'png' | 'pdf';
/** PNG resolution unless asked otherwise. */
export const DEFAULT_DPI = 300;
export const ENGINES = ['xelatex', 'lualatex', 'pdflatex'] as const;
export type Engine = (typeof ENGINES)[number];

export interface CompileOptions {
  /** Outputs wanted (default `['svg']`). */
  formats?: Format[];
  /** PNG resolution (default 300). */
  dpi?: number;
  /** Time limit of each program in ms (default 60000). */
  timeoutMs?: number;
  /** Force one engine instead of the first one installed. */
  engine?: Engine;
}

export interface CompileResult {
  files: Partial<Record<Format, Uint8Array>>;
  /** Which programs made it, e.g. `xelatex (XeTeX 3.14…, TeX Live 2022) + pdftocairo 22.12.0`. */
  toolchain: string;
}

const INSTALL_HINT =
  'Install a TeX toolchain with TikZ and Poppler: on Debian/Ubuntu `apt-get install texlive-xetex texlive-pictures ' +
  'texlive-latex-recommended fonts-dejavu-core poppler-utils`; on macOS `brew install --cask mactex-no-gui && brew install poppler`; ' +
  'with TeX Live `tlmgr install xetex pgf fontspec xcolor iftex` (and Poppler from your package manager). ' +
  'Or build from a committed cache with --frozen, which needs no TeX.';

/** A fixed epoch: the figures carry no date, so builds on different days give the same bytes. */
const EPOCH = '1700000000';

function restrictedEnv(dir: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? dir,
    openin_any: 'p',
    openout_any: 'p',
    shell_escape: 'f',
    TEXMFOUTPUT: dir,
    SOURCE_DATE_EPOCH: EPOCH,
    FORCE_SOURCE_DATE: '1',
  };
}

const versions = new Map<string, Promise<string | null>>();

/** The first line of `program --version`, or null when it is not installed (cached per process). */
export function programVersion(program: string): Promise<string | null> {
  let v = versions.get(program);
  if (!v) {
    const args = program === 'pdftocairo' ? ['-v'] : ['--version'];
    v = execa(program, args, { reject: false, timeout: 10_000, all: true }).then((r) =>
      r.failed && (r as { code?: string }).code === 'ENOENT' ? null : (r.all ?? '').split('\n')[0]!.trim() || program,
    );
    versions.set(program, v);
  }
  return v;
}

/** The engine to use: the one asked for, or the first installed of xelatex, lualatex, pdflatex. */
export async function findEngine(wanted?: Engine): Promise<{ engine: Engine; version: string }> {
  for (const engine of wanted ? [wanted] : ENGINES) {
    const version = await programVersion(engine);
    if (version) return { engine, version };
  }
  throw new HfArchError('tex-missing', wanted ? `${wanted} is not installed` : 'no TeX engine is installed (looked for xelatex, lualatex, pdflatex)', { hint: INSTALL_HINT });
}

/** The lines of a TeX log that say what went wrong: each `!` line and the `l.N` context after it. */
export function texLogExcerpt(log: string): string {
  const lines = log.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (line.startsWith('!')) {
      out.push(line);
      const context = lines.slice(i + 1, i + 8).find((l) => /^l\.\d+/.test(l));
      if (context) out.push(context);
    }
  });
  if (out.length === 0) out.push(...lines.filter((l) => /Error|Emergency stop|Fatal/.test(l)).slice(0, 6));
  return out.slice(0, 12).join('\n') || lines.slice(-10).join('\n');
}

/** Compiles a TeX document (one page) to the requested formats. */
export async function compileTex(tex: string, options: CompileOptions = {}): Promise<CompileResult> {
  const [files, toolchain] = await compilePages(tex, [options.formats ?? ['svg']], options);
  return { files: files[0]!, toolchain };
}

/**
 * Compiles a document of several pages in one TeX run (TeX's start-up is most of a figure's
 * cost) and converts page i to `formats[i]`. A page's SVG and PNG are the same bytes as when it
 * is compiled alone; a PDF is only made for a one-page document.
 */
export async function compilePages(tex: string, formats: Format[][], options: Omit<CompileOptions, 'formats'> = {}): Promise<[CompileResult['files'][], string]> {
  // The time limit is per figure: a document of several pages gets as many.
  const timeout = (options.timeoutMs ?? 60_000) * Math.max(1, formats.length);
  const { engine, version } = await findEngine(options.engine);
  const cairo = await programVersion('pdftocairo');
  if (!cairo && formats.some((fs) => fs.some((f) => f !== 'pdf'))) {
    throw new HfArchError('tex-missing', 'pdftocairo (Poppler) is not installed; it turns the PDF into SVG and PNG', { hint: INSTALL_HINT });
  }
  if (formats.length > 1 && formats.some((fs) => fs.includes('pdf'))) throw new Error('internal: a PDF is made from a one-page document only');
  const dir = await mkdtemp(join(tmpdir(), 'hf-arch-tex-'));
  try {
    await writeFile(join(dir, 'figure.tex'), tex);
    try {
      const lua = engine === 'lualatex' ? ['--safer', '--nosocket'] : [];
      await execa(engine, [...lua, '-no-shell-escape', '-halt-on-error', '-interaction=nonstopmode', '-file-line-error', 'figure.tex'], {
        cwd: dir,
        env: restrictedEnv(dir),
        timeout,
        stdin: 'ignore',
        extendEnv: false,
      });
    } catch (error) {
      const e = error as ExecaError;
      const log = await readFile(join(dir, 'figure.log'), 'utf8').catch(() => '');
      if (e.timedOut) {
        throw new HfArchError('tex-failed', `${engine} did not finish within ${timeout} ms`, { hint: texLogExcerpt(log) });
      }
      throw new HfArchError('tex-failed', `${engine} failed on the figure`, {
        hint: `${texLogExcerpt(log)}\n(If this comes from a custom template, check it; otherwise please report it.)`,
        cause: error,
      });
    }
    const cairoRun = (args: string[]) => execa('pdftocairo', args, { cwd: dir, timeout, stdin: 'ignore', env: { SOURCE_DATE_EPOCH: EPOCH } });
    const results: CompileResult['files'][] = [];
    for (const [index, wanted] of formats.entries()) {
      const page = String(index + 1);
      const files: CompileResult['files'] = {};
      if (wanted.includes('pdf')) files.pdf = await readFile(join(dir, 'figure.pdf'));
      if (wanted.includes('svg')) {
        await cairoRun(['-svg', '-f', page, '-l', page, 'figure.pdf', `page-${page}.svg`]);
        files.svg = await readFile(join(dir, `page-${page}.svg`));
      }
      if (wanted.includes('png')) {
        await cairoRun(['-png', '-r', String(options.dpi ?? DEFAULT_DPI), '-f', page, '-l', page, '-singlefile', 'figure.pdf', `page-${page}`]);
        files.png = await readFile(join(dir, `page-${page}.png`));
      }
      results.push(files);
    }
    return [results, `${engine} (${version}) + ${cairo ?? 'no pdftocairo'}`];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
