/**
 * A config.json from the HuggingFace Hub, through `@huggingface/hub` and the standard cache.
 * Online: resolve the revision to a commit, reuse the cached snapshot of that commit or download
 * it into the cache. Offline (`HF_HUB_OFFLINE`), or when the Hub cannot be reached: the cache only.
 */
import { downloadFile, fileDownloadInfo, modelInfo } from '@huggingface/hub';
import { HfArchError } from '../errors.js';
import { MAX_CONFIG_BYTES, tooLargeError } from '../read-limited.js';
import { cachedCommit, COMMIT_SHA, discardCachedFile, readCachedFile, writeCachedFile, writeRef } from './hub-cache.js';
import { hubFetch, HubUnreachableError, problem, type HubRequestContext } from './hub-fetch.js';
import { hubSettings, type HubOptions, type HubSettings } from './hub-settings.js';
import { loadedConfig } from './loaded.js';
import type { LoadedConfig } from './types.js';

const FILE = 'config.json';
const REPO_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
/** Branch, tag or sha: git ref characters, no `..`, no leading or trailing slash. */
const REVISION = /^(?!.*\.\.)(?!\/)(?!.*\/$)[A-Za-z0-9._\/-]+$/;

/** Whether a string has the shape of a Hub model id, optionally with `@revision`; with
 * `requireOrg`, only the `org/name` form (not a legacy bare name such as `gpt2`). */
export function looksLikeRepoId(spec: string, options: { requireOrg?: boolean } = {}): boolean {
  const at = spec.indexOf('@');
  const repo = at < 0 ? spec : spec.slice(0, at);
  return REPO_ID.test(repo) && !repo.includes('..') && (!options.requireOrg || repo.includes('/'));
}

/** Splits `org/name@revision`; the revision defaults to `main`. */
export function parseRepoSpec(spec: string, revisionOverride?: string): { repo: string; revision: string } {
  const at = spec.indexOf('@');
  const repo = at < 0 ? spec : spec.slice(0, at);
  const revision = revisionOverride ?? (at < 0 ? 'main' : spec.slice(at + 1));
  if (!looksLikeRepoId(repo)) {
    throw new HfArchError('hub-bad-repo-id', `"${spec}" is neither an existing path nor a Hub repo id`, {
      location: { file: spec },
      hint: 'A Hub model is named org/name, optionally followed by @branch, @tag or @commit-sha; a local config is a path to config.json or its folder.',
    });
  }
  if (!REVISION.test(revision)) {
    throw new HfArchError('hub-bad-repo-id', `"${revision}" is not a valid revision`, {
      location: { file: spec },
      hint: 'A revision is a branch, a tag or a commit sha (letters, digits, . _ - and /, without "..").',
    });
  }
  return { repo, revision };
}

export async function loadHubConfig(spec: string, options: HubOptions & { revision?: string } = {}): Promise<LoadedConfig> {
  const { repo, revision } = parseRepoSpec(spec, options.revision);
  const settings = hubSettings(options);
  const display = `${repo}@${revision} ${FILE}`;
  const loaded = (bytes: Uint8Array, commit: string, path: string | null, fromCache: boolean, warnings: string[] = []): LoadedConfig =>
    loadedConfig({ bytes, source: spec, display, kind: 'hub', repo, revision, commit, path, from_cache: fromCache, warnings });

  if (settings.offline) {
    const hit = await fromCache(settings, repo, revision);
    if (hit && 'bytes' in hit) return loaded(hit.bytes, hit.commit, hit.path, true);
    // Offline, a damaged copy is an error, never used: nothing can replace it.
    const why = hit ? `its cached ${FILE} is damaged: ${hit.path}: ${hit.damaged}` : `${repo}@${revision} is not in the Hub cache at ${settings.cacheDir}`;
    throw new HfArchError('hub-offline-not-cached', `offline (HF_HUB_OFFLINE) and ${why}`, {
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
    if (!('bytes' in hit)) {
      throw new HubUnreachableError(error.code, `${error.message}; the cached copy ${hit.path} is damaged (${hit.damaged})`, { location: error.location, hint: error.hint, cause: error });
    }
    return loaded(hit.bytes, hit.commit, hit.path, true, [`${error.message}; used the cached copy of commit ${hit.commit}.`]);
  }
}

async function fromCache(settings: HubSettings, repo: string, revision: string) {
  const commit = await cachedCommit(settings.cacheDir, repo, revision);
  if (!commit) return null;
  const file = await readCachedFile(settings.cacheDir, repo, commit, FILE);
  return file ? { ...file, commit } : null;
}

/** Runs a call of `@huggingface/hub`; what it throws itself (a malformed answer) is explained. */
async function hubCall<T>(ctx: HubRequestContext, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof HfArchError) throw error;
    const e = error as Error;
    if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.message === 'terminated') {
      throw new HubUnreachableError('hub-unavailable', `the Hub stopped answering during ${what} for ${ctx.repo}@${ctx.revision} (${problem(e, ctx.settings.timeoutMs)})`, {
        location: { file: `${ctx.repo}@${ctx.revision}` },
        hint: 'Try again; to use a config already in the Hub cache, set HF_HUB_OFFLINE=1.',
        cause: error,
      });
    }
    throw new HfArchError('hub-invalid-response', `the Hub's answer to ${what} for ${ctx.repo}@${ctx.revision} could not be used: ${problem(e, ctx.settings.timeoutMs)}`, {
      location: { file: `${ctx.repo}@${ctx.revision}` },
      hint: `Check that ${ctx.settings.endpoint} (HF_ENDPOINT) is a HuggingFace Hub or a faithful mirror.`,
      cause: error,
    });
  }
}

async function fromNetwork(
  ctx: HubRequestContext,
  loaded: (bytes: Uint8Array, commit: string, path: string | null, fromCache: boolean, warnings?: string[]) => LoadedConfig,
): Promise<LoadedConfig> {
  const { repo, revision, settings } = ctx;
  const common = { repo, hubUrl: settings.endpoint, fetch: hubFetch(ctx) };
  let commit = revision;
  if (!COMMIT_SHA.test(revision)) {
    const info = await hubCall(ctx, 'the revision lookup', () => modelInfo({ ...common, name: repo, revision, additionalFields: ['sha'] }));
    const sha = (info as { sha?: unknown }).sha;
    if (typeof sha !== 'string' || !COMMIT_SHA.test(sha)) {
      throw new HfArchError('hub-invalid-response', `the Hub did not name the commit of ${repo}@${revision}`, {
        location: { file: `${repo}@${revision}` },
        hint: `Check that ${settings.endpoint} (HF_ENDPOINT) is a HuggingFace Hub or a faithful mirror, or give a commit sha after the @.`,
      });
    }
    commit = sha;
  }
  const warnings: string[] = [];
  const cached = await readCachedFile(settings.cacheDir, repo, commit, FILE);
  if (cached && 'bytes' in cached) {
    await writeRef(settings.cacheDir, repo, revision, commit).catch((error: Error) => warnings.push(`could not update the Hub cache: ${error.message}`));
    return loaded(cached.bytes, commit, cached.path, true, warnings);
  }
  if (cached) {
    await discardCachedFile(cached);
    warnings.push(`discarded the damaged cached ${cached.path} (${cached.damaged}) and downloaded it again`);
  }
  // A repo without config.json answers 404 EntryNotFound, which hubFetch reports.
  const info = (await hubCall(ctx, 'the file lookup', () => fileDownloadInfo({ ...common, path: FILE, revision: commit })))!;
  // The size probe tells: a file past the limit is not downloaded at all.
  if (info.size > MAX_CONFIG_BYTES) {
    throw tooLargeError({ subject: `its ${FILE}`, what: FILE, limit: MAX_CONFIG_BYTES, size: info.size, file: `${repo}@${revision}` });
  }
  const bytes = await hubCall(ctx, 'the download', async () => {
    const blob = (await downloadFile({ ...common, path: FILE, revision: commit, downloadInfo: info, xet: false }))!;
    return new Uint8Array(await blob.arrayBuffer());
  });
  // Parse before caching: a malformed file is reported, never stored as if it were good.
  const result = loaded(bytes, commit, null, false, warnings);
  try {
    result.path = await writeCachedFile(settings.cacheDir, repo, revision, commit, FILE, info.etag, bytes);
  } catch (error) {
    warnings.push(`could not store ${FILE} in the Hub cache at ${settings.cacheDir}: ${(error as Error).message}`);
  }
  return result;
}
