/**
 * Figures requested together share TeX runs: requests that arrive within a few milliseconds of
 * each other (the fences of a page, the pages of a site) are split into as many documents as
 * TeX runs may go at once, each a multi-page document compiled in one run. TeX's start-up is
 * most of a figure's cost, so this is where documents gain. A page's SVG and PNG are the same
 * bytes as when the figure is compiled alone; a PDF is always compiled alone.
 */
import { createHash } from 'node:crypto';
import { concurrency, limited } from '../cache/queue.js';
import { compilePages, compileTex, type CompileResult, type Engine, type Format } from './compile.js';
import { pagesToDocument } from './tikz.js';
import { isHfArchError } from '../errors.js';

/** How long a request waits for others to join its batch. */
const WINDOW_MS = 15;

type BatchOptions = { dpi?: number; engine?: Engine; timeoutMs?: number };

interface Job {
  page: string;
  formats: Format[];
  resolve: (r: CompileResult) => void;
  reject: (e: unknown) => void;
}

interface Group {
  template: string;
  options: BatchOptions;
  jobs: Job[];
}

const groups = new Map<string, Group>();

/** Compiles one figure's page, batched with the other pages requested at the same time. */
export function compileFigurePage(page: string, template: string, formats: Format[], options: BatchOptions = {}): Promise<CompileResult> {
  if (formats.includes('pdf')) return limited(() => compileTex(pagesToDocument([page], template), { ...options, formats }));
  const key = createHash('sha256').update(template).update(`\0${options.engine ?? ''}\0${options.dpi ?? ''}\0${options.timeoutMs ?? ''}`).digest('hex');
  return new Promise((resolve, reject) => {
    let group = groups.get(key);
    if (!group) {
      group = { template, options, jobs: [] };
      groups.set(key, group);
      setTimeout(() => flush(key), WINDOW_MS);
    }
    group.jobs.push({ page, formats, resolve, reject });
  });
}

function flush(key: string): void {
  const group = groups.get(key);
  if (!group) return;
  groups.delete(key);
  const runs = Math.min(concurrency(), group.jobs.length);
  const chunks: Job[][] = Array.from({ length: runs }, () => []);
  group.jobs.forEach((job, i) => chunks[i % runs]!.push(job));
  for (const chunk of chunks) void compileChunk(chunk, group);
}

async function compileChunk(chunk: Job[], group: Group): Promise<void> {
  try {
    const [files, toolchain] = await limited(() => compilePages(pagesToDocument(chunk.map((j) => j.page), group.template), chunk.map((j) => j.formats), group.options));
    chunk.forEach((job, i) => job.resolve({ files: files[i]!, toolchain }));
  } catch (error) {
    // A run that hit the time limit has used the build's time: its pages fail together.
    if (chunk.length === 1 || (isHfArchError(error) && error.code === 'tex-timeout')) {
      for (const job of chunk) job.reject(error);
      return;
    }
    // One page may have broken the run: compile each alone, so each gets its own outcome.
    await Promise.all(chunk.map((job) => compileChunk([job], group)));
  }
}
