/** Entry of the `source` stage: a local path or a Hub repo id to a {@link LoadedConfig}. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadHubConfig } from './hub.js';
import type { HubOptions } from './hub-settings.js';
import { expandHome, loadLocalConfig } from './local.js';
import type { LoadedConfig } from './types.js';

/** Where a config comes from and how to reach the Hub. */
export interface SourceOptions extends HubOptions {
  /** Revision for a Hub source (overrides `@revision` in the spec). */
  revision?: string;
  /** Base folder of relative paths (default: the working directory). */
  cwd?: string;
  /** Force the kind of source instead of guessing (the plugin decides once, with its checks). */
  sourceKind?: 'local' | 'hub';
}

/** Whether a source names a file rather than a Hub repo. */
function looksLikePath(source: string): boolean {
  return /^(\.{1,2}[\\/]|[\\/]|~|[A-Za-z]:[\\/])/.test(source) || source.endsWith('.json') || source.includes('\\');
}

/**
 * Loads a config.json: an existing file or folder is read from disk (`~` is the home folder);
 * anything else that looks like `org/name[@revision]` is fetched from the Hub (or its cache).
 */
export async function loadConfig(source: string, options: SourceOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  if (options.sourceKind === 'local') return loadLocalConfig(source, cwd);
  if (options.sourceKind === 'hub') return loadHubConfig(source, options);
  const exists = await stat(resolve(cwd, expandHome(source))).then(() => true, () => false);
  if (exists || looksLikePath(source)) return loadLocalConfig(source, cwd);
  return loadHubConfig(source, options);
}
