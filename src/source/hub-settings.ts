/**
 * The Hub's own conventions, as Python's `huggingface_hub` reads them: `HF_ENDPOINT`,
 * `HF_TOKEN` (else the token file `HF_TOKEN_PATH`, default `$HF_HOME/token`), `HF_HUB_OFFLINE`,
 * and the cache `HF_HUB_CACHE` (default `$HF_HOME/hub`, `HF_HOME` default
 * `$XDG_CACHE_HOME/huggingface` or `~/.cache/huggingface`).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HfArchError } from '../errors.js';

/** How to reach the Hub; every option defaults to the `HF_*` convention. */
export interface HubOptions {
  /** Hub base URL; default `HF_ENDPOINT` or https://huggingface.co. */
  endpoint?: string;
  /** Access token; default `HF_TOKEN` or the token file. */
  token?: string;
  /** Never touch the network; default `HF_HUB_OFFLINE`. */
  offline?: boolean;
  /** Hub cache folder; default `HF_HUB_CACHE` or `$HF_HOME/hub`. */
  cacheDir?: string;
  /** Per-request time limit in milliseconds (default 15000). */
  timeoutMs?: number;
  /** Attempts for requests that fail with a 5xx or 429 status or a network error (default 3). */
  attempts?: number;
  /** Environment to read the conventions from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** {@link HubOptions} resolved against the environment. */
export interface HubSettings {
  endpoint: string;
  token: string | null;
  /** Where the token came from, for messages: `HF_TOKEN`, a file path, or `option`. */
  tokenSource: string | null;
  offline: boolean;
  cacheDir: string;
  timeoutMs: number;
  attempts: number;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);

export function hubSettings(options: HubOptions = {}): HubSettings {
  const env = options.env ?? process.env;
  const hfHome = env['HF_HOME'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'huggingface');
  let token: string | null = options.token ?? null;
  let tokenSource: string | null = token ? 'option' : null;
  for (const name of ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN']) {
    if (!token && env[name]) {
      token = env[name]!.trim();
      tokenSource = name;
    }
  }
  if (!token) {
    const file = env['HF_TOKEN_PATH'] ?? join(hfHome, 'token');
    try {
      const stored = readFileSync(file, 'utf8').trim();
      if (stored) {
        token = stored;
        tokenSource = file;
      }
    } catch {
      // no token file: anonymous access
    }
  }
  const endpoint = (options.endpoint ?? env['HF_ENDPOINT'] ?? 'https://huggingface.co').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(endpoint) || !URL.canParse(endpoint)) {
    throw new HfArchError('usage', `the Hub endpoint "${endpoint}" is not an http(s) URL`, {
      location: { field: options.endpoint === undefined ? 'HF_ENDPOINT' : 'endpoint' },
      hint: 'Set HF_ENDPOINT (or --hub-endpoint) to a URL such as https://huggingface.co.',
    });
  }
  const attempts = options.attempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 15_000;
  if (!Number.isInteger(attempts) || attempts < 1 || !(timeoutMs > 0)) {
    throw new HfArchError('usage', `attempts must be a whole number ≥ 1 and timeoutMs positive (got ${attempts}, ${timeoutMs})`, { location: { field: 'attempts' } });
  }
  return {
    endpoint,
    token,
    tokenSource,
    offline: options.offline ?? TRUE.has((env['HF_HUB_OFFLINE'] ?? '').toLowerCase()),
    cacheDir: options.cacheDir ?? env['HF_HUB_CACHE'] ?? env['HUGGINGFACE_HUB_CACHE'] ?? join(hfHome, 'hub'),
    timeoutMs,
    attempts,
  };
}
