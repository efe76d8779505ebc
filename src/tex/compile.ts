/**
 * TeX → PDF → SVG/PNG, confined. `xelatex` (else `lualatex`, else `pdflatex`) runs without shell
 * escape, halting on the first error, in a private temporary folder, with one time limit for the
 * whole document, with TeX's own file access (`\input`, `\openin`, `\openout`) confined to that
 * folder (`openin_any=p`, `openout_any=p`), only PATH and HOME passed from the environment, and
 * `SOURCE_DATE_EPOCH` fixed so the same input gives the same PDF.
 *
 * XeTeX's PDF backend does not honour those limits, so xelatex writes XDV only (`-no-pdf`); the
 * XDV is checked (./xdv.ts: no special that reads a file or changes the backend's settings) and
 * only then made into a PDF by `xdvipdfmx`, alone in a fresh folder (so that nothing the document
 * wrote, such as a `dvipdfmx.cfg`, is read). An untrusted document (`hf-arch compile`) is only
 * compiled this way; the other engines are a fallback for the package's own figures, whose text
 * is escaped (./escape.ts) and whose template is a built-in theme or the user's own code.
 * Then `pdftocairo` for SVG and PNG.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HfArchError } from '../errors.js';
import { makeWorkFolder, removeWorkFolder, runConfined, type RunResult } from './processes.js';
import { inspectXdv } from './xdv.js';

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
  /** Time limit of the whole compilation in ms, all programs and pages together (default 60000). */
  timeoutMs?: number;
  /** Force one engine instead of the first one installed. */
  engine?: Engine;
  /** The document comes from someone else (`hf-arch compile`): xelatex only, with its output checked. */
  untrusted?: boolean;
}

/** A program run to completion within the compilation's deadline (see compilePages). */
type Run = (program: string, args: string[], cwd: string, env: Record<string, string>, hint?: () => Promise<string>) => Promise<RunResult>;

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
    // execa is loaded here, when TeX is asked for, not with the package: a site whose config is
    // loaded through jiti (Docusaurus) transpiles every static import to CommonJS, which execa's
    // ESM-only dependencies refuse, and the native renderer never needs it.
    v = import('execa').then(({ execa }) => execa(program, args, { reject: false, timeout: 10_000, all: true })).then((r) =>
      r.failed && (r as { code?: string }).code === 'ENOENT' ? null : (r.all ?? '').split('\n')[0]!.trim() || program,
    );
    versions.set(program, v);
  }
  return v;
}

/** The engine to use: the one asked for, or the first installed of xelatex, lualatex, pdflatex. */
export async function findEngine(wanted?: Engine, why = ''): Promise<{ engine: Engine; version: string }> {
  for (const engine of wanted ? [wanted] : ENGINES) {
    const version = await programVersion(engine);
    if (version) return { engine, version };
  }
  throw new HfArchError('tex-missing', wanted ? `${wanted} is not installed${why}` : 'no TeX engine is installed (looked for xelatex, lualatex, pdflatex)', { hint: INSTALL_HINT });
}

/**
 * The lines of a TeX log that say what went wrong: each error line (`! …`, or `file:line: …`
 * with `-file-line-error`) and the `l.N` context after it.
 */
export function texLogExcerpt(log: string): string {
  const lines = log.split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (line.startsWith('!') || /^[^\s:]+\.(tex|sty|cls|def|cfg|fd):\d+: /.test(line)) {
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
 * is compiled alone; a PDF is only made for a one-page document. The time limit covers the whole
 * document: a hung engine costs it once, whatever the number of pages.
 */
export async function compilePages(tex: string, formats: Format[][], options: Omit<CompileOptions, 'formats'> = {}): Promise<[CompileResult['files'][], string]> {
  const timeout = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeout;
  if (options.untrusted && options.engine && options.engine !== 'xelatex') {
    throw new HfArchError('usage', `a document from elsewhere is compiled with xelatex only, not ${options.engine}`, { hint: 'Only xelatex\'s output can be checked before it becomes a PDF.' });
  }
  const { engine, version } = await findEngine(options.untrusted ? 'xelatex' : options.engine, options.untrusted ? ' (a document from elsewhere is compiled with xelatex only)' : '');
  const cairo = await programVersion('pdftocairo');
  if (!cairo && formats.some((fs) => fs.some((f) => f !== 'pdf'))) {
    throw new HfArchError('tex-missing', 'pdftocairo (Poppler) is not installed; it turns the PDF into SVG and PNG', { hint: INSTALL_HINT });
  }
  if (formats.length > 1 && formats.some((fs) => fs.includes('pdf'))) throw new Error('internal: a PDF is made from a one-page document only');
  const dir = await makeWorkFolder();
  const groupsFile = join(dir, 'groups');
  const texDir = join(dir, 'tex');
  const pdfDir = join(dir, 'pdf');
  /** Runs a program to completion: it could not start, failed or timed out → an error (with `hint`, else its last lines). */
  const run: Run = async (program, args, cwd, env, hint) => {
    const result = await runConfined(program, args, { cwd, env, deadline, groupsFile });
    if (result.startError) throw new HfArchError('tex-missing', `${program} could not be started (${result.startError})`, { hint: INSTALL_HINT });
    if (result.timedOut) {
      throw new HfArchError('tex-timeout', `${program} did not finish within the time limit of ${timeout} ms`, { hint: (await hint?.()) ?? 'A document that takes this long is probably looping; check a custom template.' });
    }
    if (result.exitCode !== 0) {
      throw new HfArchError('tex-failed', `${program} failed (exit code ${result.exitCode ?? 'none'})`, { hint: (await hint?.()) ?? (result.output.trim().split('\n').slice(-6).join('\n') || undefined) });
    }
    return result;
  };
  try {
    await mkdir(texDir);
    await mkdir(pdfDir);
    await writeFile(join(texDir, 'figure.tex'), tex);
    const lua = engine === 'lualatex' ? ['--safer', '--nosocket'] : [];
    const xdv = engine === 'xelatex' ? ['-no-pdf'] : [];
    const texLog = async () => `${texLogExcerpt(await readFile(join(texDir, 'figure.log'), 'utf8').catch(() => ''))}\n(If this comes from a custom template or your own document, check it; otherwise please report it.)`;
    await run(engine, [...lua, ...xdv, '-no-shell-escape', '-halt-on-error', '-interaction=nonstopmode', '-file-line-error', 'figure.tex'], texDir, restrictedEnv(texDir), texLog);
    if (engine === 'xelatex') await xdvToPdf(texDir, pdfDir, run);
    else await rename(join(texDir, 'figure.pdf'), join(pdfDir, 'figure.pdf')).catch(() => {
      throw new HfArchError('tex-failed', `${engine} wrote no PDF`, { hint: 'Does the document produce a page? Check a custom template.' });
    });
    const pdf = join(pdfDir, 'figure.pdf');
    const cairoRun = async (args: string[], output: string) => {
      const result = await run('pdftocairo', args, pdfDir, { PATH: process.env['PATH'] ?? '', SOURCE_DATE_EPOCH: EPOCH });
      return readFile(join(pdfDir, output)).catch(() => {
        throw new HfArchError('tex-failed', `pdftocairo wrote no ${output}`, { hint: result.output.slice(-500) || undefined });
      });
    };
    const results: CompileResult['files'][] = [];
    for (const [index, wanted] of formats.entries()) {
      const page = String(index + 1);
      const files: CompileResult['files'] = {};
      if (wanted.includes('pdf')) files.pdf = await readFile(pdf);
      if (wanted.includes('svg')) files.svg = await cairoRun(['-svg', '-f', page, '-l', page, 'figure.pdf', `page-${page}.svg`], `page-${page}.svg`);
      if (wanted.includes('png')) {
        // Cropped to the whole pixels inside the page: pdftocairo rounds a page of fractional
        // pixels up, and the last row and column would show its white background (a light
        // hairline at the edge of a dark figure).
        const dpi = options.dpi ?? DEFAULT_DPI;
        const [w, h] = await pageSize(run, pdfDir, page);
        const px = (pt: number) => String(Math.max(1, Math.floor((pt * dpi) / 72 + 1e-6)));
        files.png = await cairoRun(['-png', '-r', String(dpi), '-f', page, '-l', page, '-x', '0', '-y', '0', '-W', px(w), '-H', px(h), '-singlefile', 'figure.pdf', `page-${page}`], `page-${page}.png`);
      }
      results.push(files);
    }
    return [results, `${engine} (${version}) + ${cairo ?? 'no pdftocairo'}`];
  } finally {
    removeWorkFolder(dir);
  }
}

/** The size in pt of one page of figure.pdf, as Poppler's pdfinfo reads it. */
async function pageSize(run: Run, pdfDir: string, page: string): Promise<[number, number]> {
  const result = await run('pdfinfo', ['-f', page, '-l', page, 'figure.pdf'], pdfDir, { PATH: process.env['PATH'] ?? '' });
  // The line of this page: pdfinfo may list others too.
  const m = new RegExp(`Page\\s+${page}\\s+size:\\s+([\\d.]+)\\s+x\\s+([\\d.]+)\\s+pts`).exec(result.output);
  if (!m) throw new HfArchError('tex-failed', 'pdfinfo did not report the page size', { hint: result.output.slice(-300) || undefined });
  return [Number(m[1]), Number(m[2])];
}

/** XDV → PDF, after the XDV passed the check, with xdvipdfmx alone in its own folder. */
async function xdvToPdf(texDir: string, pdfDir: string, run: Run): Promise<void> {
  const bytes = await readFile(join(texDir, 'figure.xdv')).catch(() => {
    throw new HfArchError('tex-failed', 'xelatex wrote no page', { hint: 'Does the document produce a page? Check a custom template.' });
  });
  const report = inspectXdv(bytes);
  if (report.refused) {
    throw new HfArchError('tex-refused', `the document asks the PDF backend for ${report.refused}, which could read files outside its folder or change the backend's settings`, {
      hint: 'Figures are compiled with drawing, colour and page-size specials only; remove that \\special (or the \\includegraphics, \\XeTeXpicfile or \\XeTeXpdffile that made it).',
    });
  }
  await writeFile(join(pdfDir, 'figure.xdv'), bytes);
  await run('xdvipdfmx', ['-q', '-E', '-o', 'figure.pdf', 'figure.xdv'], pdfDir, restrictedEnv(pdfDir));
}
