/**
 * A config.json from the HuggingFace Hub, through `@huggingface/hub` and the standard cache.
 * Online: resolve the revision to a commit, reuse the cached snapshot of that commit or download
 * it into the cache. Offline (`HF_HUB_OFFLINE`), or when the Hub cannot be reached: the cache only.
 */
import { createHash } from 'node:crypto';
import { downloadFile, fileDownloadInfo, modelInfo } from '@huggingface/hub';
import { HfArchError } from '../errors.js';
import { cachedCommit, COMMIT_SHA, readCachedFile, writeCachedFile, writeRef } from './hub-cache.js';
import { hubFetch, HubUnreachableError, type HubRequestContext } from './hub-fetch.js';
import { hubSettings, type HubOptions, type HubSettings } from './hub-settings.js';
import { parseConfigText } from './parse.js';
import type { LoadedConfig } from './types.js';

const FILE = 'config.json';
const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/** Splits `org/name@revision`; the revision defaults to `main`. */
export function parseRepoSpec(spec: string): { repo: string; revision: string } {
  const at = spec.indexOf('@');
  const repo = at < 0 ? spec : spec.slice(0, at);
  const revision = at < 0 ? 'main' : spec.slice(at + 1);
  if (!REPO_ID.test(repo) || repo.includes('..') || revision === '' || /\s/.test(revision)) {
    throw new HfArchError('hub-bad-repo-id', `"${spec}" is neither an existing path nor a Hub repo id`, {
      location: { file: spec },
      hint: 'A Hub model is named org/name, optionally followed by @branch, @tag or @commit-sha; a local config is a path to config.json or its folder.',
    });
  }
  return { repo, revision };
}

export async function loadHubConfig(spec: string, options: HubOptions & { revision?: string } = {}): Promise<LoadedConfig> {
  const parsed = parseRepoSpec(spec);
  const repo = parsed.repo;
  const revision = options.revision ?? parsed.revision;
  const settings = hubSettings(options);
  const display = `${repo}@${revision} ${FILE}`;
  const loaded = (text: string, commit: string, path: string | null, fromCache: boolean, warnings: string[] = []): LoadedConfig => ({
    config: parseConfigText(text, display),
    text,
    source: spec,
    display,
    kind: 'hub',
    repo,
    revision,
    commit,
    path,
    from_cache: fromCache,
    warnings,
  });

  if (settings.offline) {
    const hit = await fromCache(settings, repo, revision);
    if (hit) return loaded(hit.text, hit.commit, hit.path, true);
    throw new HfArchError('hub-offline-not-cached', `offline (HF_HUB_OFFLINE) and ${repo}@${revision} is not in the Hub cache at ${settings.cacheDir}`, {
      location: { file: `${repo}@${revision}` },
      hint: `Run once with network (unset HF_HUB_OFFLINE), or fetch it with \`hf download ${repo} ${FILE}\`, or point HF_HUB_CACHE to a cache that has it.`,
    });
  }

  const ctx: HubRequestContext = { repo, revision, settings };
  try {
    return await fromNetwork(ctx, loaded);
  } catch (error) {
    if (!(error instanceof HubUnreachableError)) throw error;
    const hit = await fromCache(settings, repo, revision);
    if (!hit) throw error;
    return loaded(hit.text, hit.commit, hit.path, true, [`${error.message}; used the cached copy of commit ${hit.commit}.`]);
  }
}

async function fromCache(settings: HubSettings, repo: string, revision: string) {
  const commit = await cachedCommit(settings.cacheDir, repo, revision);
  if (!commit) return null;
  const file = await readCachedFile(settings.cacheDir, repo, commit, FILE);
  return file ? { ...file, commit } : null;
}

async function fromNetwork(
  ctx: HubRequestContext,
  loaded: (text: string, commit: string, path: string | null, fromCache: boolean) => LoadedConfig,
): Promise<LoadedConfig> {
  const { repo, revision, settings } = ctx;
  const common = { repo, hubUrl: settings.endpoint, fetch: hubFetch(ctx) };
  let commit = revision;
  if (!COMMIT_SHA.test(revision)) {
    const info = await modelInfo({ ...common, name: repo, revision, additionalFields: ['sha'] });
    const sha = (info as { sha?: unknown }).sha;
    if (typeof sha !== 'string' || !COMMIT_SHA.test(sha)) {
      throw new HfArchError('hub-unavailable', `the Hub did not name the commit of ${repo}@${revision}`, { location: { file: `${repo}@${revision}` } });
    }
    commit = sha;
  }
  const cached = await readCachedFile(settings.cacheDir, repo, commit, FILE);
  if (cached) {
    await writeRef(settings.cacheDir, repo, revision, commit);
    return loaded(cached.text, commit, cached.path, true);
  }
  const info = await fileDownloadInfo({ ...common, path: FILE, revision: commit });
  if (!info) {
    throw new HfArchError('config-not-found', `${repo}@${revision} has no config.json`, { location: { file: `${repo}@${revision}` } });
  }
  const blob = await downloadFile({ ...common, path: FILE, revision: commit, downloadInfo: info, xet: false });
  if (!blob) throw new HfArchError('config-not-found', `${repo}@${revision} has no config.json`, { location: { file: `${repo}@${revision}` } });
  const text = await blob.text();
  // Parse before caching: a malformed file is reported, never stored as if it were good.
  const result = loaded(text, commit, null, false);
  result.path = await writeCachedFile(settings.cacheDir, repo, revision, commit, FILE, normalizeEtag(info.etag) ?? etagOf(text), text);
  return result;
}

/** `W/"abc"` → `abc`, as huggingface_hub names blobs. */
function normalizeEtag(etag: string | undefined): string | null {
  const clean = etag?.replace(/^W\//, '').replace(/"/g, '').trim();
  return clean && /^[A-Za-z0-9._-]+$/.test(clean) ? clean : null;
}

/** Git's blob id of a text: what the Hub uses as the ETag of a small file. */
function etagOf(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
