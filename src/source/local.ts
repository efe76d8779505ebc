/** Reading a config.json from disk: a file, or a folder that holds one. */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { HfArchError } from '../errors.js';
import { MAX_CONFIG_BYTES, readRegularFile } from '../read-limited.js';
import { loadedConfig } from './loaded.js';
import type { LoadedConfig } from './types.js';

/** `~/x` → the home folder's `x`, as a shell would. */
export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

export async function loadLocalConfig(source: string, cwd = process.cwd()): Promise<LoadedConfig> {
  let path = resolve(cwd, expandHome(source));
  let display = source;
  const info = await stat(path).catch(() => null);
  if (!info) {
    throw new HfArchError('config-not-found', `no such file or folder: ${source}`, {
      location: { file: source },
      hint: `Give a path to a config.json (or a folder holding one), relative to ${cwd}, or a Hub repo id such as meta-llama/Meta-Llama-3-8B.`,
    });
  }
  if (info.isDirectory()) {
    path = join(path, 'config.json');
    display = join(source, 'config.json');
  }
  let bytes: Uint8Array;
  try {
    bytes = await readRegularFile(path, { limit: MAX_CONFIG_BYTES, what: 'config.json', display });
  } catch (error) {
    if (error instanceof HfArchError) throw error; // too large, or not a regular file
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new HfArchError('config-not-found', `the folder ${source} has no config.json`, {
        location: { file: source },
        hint: 'Point to the folder of a transformers model, or to its config.json file.',
      });
    }
    throw new HfArchError('io-error', `cannot read ${display} (${code ?? (error as Error).message})`, {
      location: { file: display },
      hint: code === 'EISDIR' ? 'This is a folder; give the config.json file inside it.' : 'Check that the file exists and is readable.',
      cause: error,
    });
  }
  return loadedConfig({ bytes, source, display, kind: 'local', repo: null, revision: null, commit: null, path, from_cache: false, warnings: [] });
}
