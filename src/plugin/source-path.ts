/**
 * Where a fence's model comes from, decided once: a path relative to the Markdown file that may
 * not leave the project root (not by `..`, not absolute, not through a symlink, also not a
 * symlinked `config.json` inside a folder) unless the plugin's `allowOutsideRoot` says so; or,
 * when no such file exists and the text has the strict shape `org/name[@revision]`, a Hub model.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { looksLikeRepoId } from '../source/hub.js';
import { FenceError } from './fence.js';

/** Whether `path` is `root` or lies under it. */
export function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

export interface FenceSource {
  /** An absolute path for a local config, the repo id for a Hub model. */
  source: string;
  kind: 'local' | 'hub';
}

export async function resolveFenceSource(source: string, base: string, root: string, allowOutsideRoot: boolean, line: number | undefined): Promise<FenceSource> {
  const candidate = resolve(base, source);
  const info = await stat(candidate).catch(() => null);
  if (!info && !/\s/.test(source) && looksLikeRepoId(source, { requireOrg: true })) return { source, kind: 'hub' };
  // Confinement first, so that a path outside the project is refused whether or not it exists.
  if (!allowOutsideRoot) {
    if (isAbsolute(source) || source.startsWith('~')) {
      throw new FenceError(`"${source}" is an absolute path; paths are relative to the Markdown file and stay inside the project`, line, 'path-outside-root');
    }
    if (!inside(resolve(root), candidate)) throw new FenceError(`"${source}" points outside the project root (${root})`, line, 'path-outside-root');
  }
  if (!info) {
    throw new FenceError(`"${source}" is neither a file or folder (relative to this Markdown file) nor a Hub repo id org/name[@revision]`, line, 'config-not-found');
  }
  if (!allowOutsideRoot) {
    const realRoot = await realpath(root).catch(() => root);
    // A folder's config.json is what will be read: check where it really is, too.
    const file = info.isDirectory() ? join(candidate, 'config.json') : candidate;
    const real = await realpath(file).catch(() => realpath(candidate));
    if (!inside(realRoot, real)) {
      throw new FenceError(`"${source}" points outside the project root (${root}) through a symlink to ${real}`, line, 'path-outside-root');
    }
  }
  return { source: candidate, kind: 'local' };
}
