/**
 * Figure files no page uses any more. The plugin names each figure `<model>-<key>.<format>`, so a
 * figure whose fence changed stays behind in `outputDir`; this finds the ones that no page,
 * script or style sheet of a built site names (under their own name, or as the fingerprinted
 * copies Astro and Docusaurus make, whose names contain it), and removes them. Only files of the plugin's own naming are touched.
 */
import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { HfArchError } from '../errors.js';

/** A name the plugin writes: a model slug, a 12-hex key prefix, a format. */
const FIGURE_NAME = /^([a-z0-9.-]+-[0-9a-f]{12})\.(svg|png)$/;
/** Built files that can name a figure. */
const TEXT = new Set(['.html', '.htm', '.js', '.mjs', '.cjs', '.css', '.json', '.xml', '.txt', '.rss', '.atom', '.md', '.mdx']);

export interface PruneResult {
  /** Figure files kept: some built file names them. */
  kept: string[];
  /** Figure files removed (or, with `dryRun`, that would be). */
  removed: string[];
  /** Bytes of the removed files. */
  bytes: number;
}

/** Every regular file under `dir`. Links are not followed: a built site is plain files. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (at: string) => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * Removes the figures of `outputDir` that no file under `builtSite` names. Refuses when the built
 * site holds no HTML page, or names none of the figures (a site not built yet, the wrong folder):
 * that would remove everything.
 */
export async function pruneFigures(outputDir: string, builtSite: string, options: { dryRun?: boolean } = {}): Promise<PruneResult> {
  const site = await lstat(builtSite).catch(() => null);
  if (!site?.isDirectory()) {
    throw new HfArchError('prune-refused', `the built site ${builtSite} is not a folder`, { location: { file: builtSite }, hint: 'Build the site first, then point --used-by at its output folder (dist, build, out).' });
  }
  const built = await filesUnder(builtSite);
  if (!built.some((f) => ['.html', '.htm'].includes(extname(f)))) {
    throw new HfArchError('prune-refused', `the built site ${builtSite} has no HTML page`, { location: { file: builtSite }, hint: 'Point --used-by at the folder the site build wrote (dist, build, out).' });
  }
  const folder = await lstat(outputDir).catch(() => null);
  if (!folder?.isDirectory()) {
    throw new HfArchError('prune-refused', `there is no figure folder at ${outputDir}`, { location: { file: outputDir }, hint: "Give the plugin's outputDir (default public/hf-arch), relative to the site." });
  }
  const figures = (await readdir(outputDir, { withFileTypes: true })).filter((e) => e.isFile() && FIGURE_NAME.test(e.name)).map((e) => e.name).sort();
  const pending = new Map(figures.map((f) => [f, FIGURE_NAME.exec(f)![1]!]));
  const kept = new Set<string>();
  const mark = (text: string) => {
    for (const [file, base] of pending) {
      if (!text.includes(base)) continue;
      kept.add(file);
      pending.delete(file);
    }
  };
  for (const path of built) {
    if (pending.size === 0) break;
    // By what the pages and scripts name, not by file names: a copy of public/ holds every figure.
    if (!TEXT.has(extname(path).toLowerCase())) continue;
    mark(await readFile(path, 'utf8'));
  }
  if (figures.length > 0 && kept.size === 0) {
    throw new HfArchError('prune-refused', `no file of ${builtSite} names any of the ${figures.length} figures in ${outputDir}; nothing was removed`, {
      location: { file: builtSite },
      hint: 'Build the site with the plugin first; if the site really uses none of them, delete the folder yourself.',
    });
  }
  let bytes = 0;
  const removed = [...pending.keys()];
  for (const file of removed) {
    const path = join(outputDir, file);
    bytes += (await lstat(path)).size;
    if (!options.dryRun) await rm(path);
  }
  return { kept: [...kept].sort(), removed, bytes };
}
