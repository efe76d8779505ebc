/** Reading a config.json from disk: a file, or a folder that holds one. */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HfArchError } from '../errors.js';
import { parseConfigText } from './parse.js';
import type { LoadedConfig } from './types.js';

export async function loadLocalConfig(source: string, cwd = process.cwd()): Promise<LoadedConfig> {
  let path = resolve(cwd, source);
  const info = await stat(path).catch(() => null);
  if (!info) {
    throw new HfArchError('config-not-found', `no such file or folder: ${source}`, {
      location: { file: source },
      hint: 'Give a path to a config.json (or a folder holding one), or a Hub repo id such as meta-llama/Meta-Llama-3-8B.',
    });
  }
  if (info.isDirectory()) {
    path = join(path, 'config.json');
    if (!(await stat(path).catch(() => null))) {
      throw new HfArchError('config-not-found', `the folder ${source} has no config.json`, {
        location: { file: source },
        hint: 'Point to the folder of a transformers model, or to its config.json file.',
      });
    }
  }
  const text = await readFile(path, 'utf8');
  return {
    config: parseConfigText(text, source),
    text,
    source,
    display: source,
    kind: 'local',
    repo: null,
    revision: null,
    commit: null,
    path,
    from_cache: false,
    warnings: [],
  };
}
