/**
 * Where a fence's model comes from: a Hub repo id, or a path relative to the Markdown file that
 * may not leave the project root (not by `..`, not absolute, not through a symlink) unless the
 * plugin's `allowOutsideRoot` says so.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { FenceError } from './fence.js';

const looksLikePath = (s: string) => /^(\.{1,2}[\\/]|[\\/]|~|[A-Za-z]:[\\/])/.test(s) || s.endsWith('.json') || s.includes('\\');

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The source to give to `buildFigure`: an absolute path for a local config, the repo id as is.
 * `base` is the Markdown file's folder (or the root when the file has no path).
 */
export async function resolveFenceSource(source: string, base: string, root: string, allowOutsideRoot: boolean, line: number | undefined): Promise<string> {
  const candidate = resolve(base, source);
  const exists = await stat(candidate).then(() => true, () => false);
  if (!exists && !looksLikePath(source)) return source; // a Hub repo id
  if (!allowOutsideRoot) {
    if (isAbsolute(source) || source.startsWith('~')) {
      throw new FenceError(`"${source}" is an absolute path; paths are relative to the Markdown file and stay inside the project`, line, 'path-outside-root');
    }
    const realRoot = await realpath(root).catch(() => root);
    const real = exists ? await realpath(candidate) : candidate;
    if (!inside(realRoot, real) || !inside(resolve(root), candidate)) {
      throw new FenceError(`"${source}" points outside the project root (${root})${exists && real !== candidate ? ` through a symlink to ${real}` : ''}`, line, 'path-outside-root');
    }
  }
  return candidate;
}
