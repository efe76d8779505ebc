/**
 * The `fetch` handed to `@huggingface/hub`: a time limit per request, retries of 5xx and 429
 * answers (honouring `Retry-After`, up to 30 s) and of network failures with backoff, the token
 * sent only to the Hub's own origin, and every refusal turned into an error the user can act on
 * (unknown repo, gated repo, bad token, revision, missing file).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { HfArchError } from '../errors.js';
import type { HubSettings } from './hub-settings.js';

export interface HubRequestContext {
  repo: string;
  revision: string;
  settings: HubSettings;
}

/** Thrown when the Hub cannot be reached at all; the caller may fall back to the cache. */
export class HubUnreachableError extends HfArchError {}

const RETRY_STATUS = new Set([500, 502, 503, 504, 429]);

export function hubFetch(ctx: HubRequestContext): typeof fetch {
  const { settings } = ctx;
  const origin = new URL(settings.endpoint).origin;
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers = new Headers(init?.headers);
    if (settings.token && url.origin === origin) headers.set('Authorization', `Bearer ${settings.token}`);
    headers.set('User-Agent', 'remark-hf-arch');
    let lastProblem = '';
    let wait = 0;
    for (let attempt = 1; attempt <= settings.attempts; attempt++) {
      if (attempt > 1) await sleep(Math.max(wait, 200 * 2 ** (attempt - 2)));
      let response: Response;
      try {
        response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(settings.timeoutMs) });
      } catch (error) {
        const cause = error as Error & { cause?: { code?: string } };
        lastProblem =
          cause.name === 'TimeoutError' ? `no answer within ${settings.timeoutMs} ms` : (cause.cause?.code ?? cause.message);
        continue;
      }
      if (RETRY_STATUS.has(response.status)) {
        lastProblem = response.status === 429 ? 'rate limited, HTTP 429' : `HTTP ${response.status}`;
        wait = Math.min(30, Number(response.headers.get('retry-after')) || 0) * 1000;
        await response.body?.cancel();
        continue;
      }
      if (response.ok) return response;
      throw await refusal(response, ctx);
    }
    throw new HubUnreachableError('hub-unavailable', `could not reach the Hub at ${settings.endpoint} for ${ctx.repo} (${lastProblem}, ${settings.attempts} attempts)`, {
      location: { file: `${ctx.repo}@${ctx.revision}` },
      hint: 'Check the network and HF_ENDPOINT. To use a config already in the Hub cache, set HF_HUB_OFFLINE=1.',
    });
  };
}

/** A 4xx answer as an actionable error, using the Hub's `X-Error-Code` header. */
async function refusal(response: Response, ctx: HubRequestContext): Promise<HfArchError> {
  const code = response.headers.get('x-error-code') ?? '';
  const body = await response.text().catch(() => '');
  let message = '';
  try {
    const json = JSON.parse(body) as { error?: string };
    message = json.error ?? '';
  } catch {
    message = body.slice(0, 200);
  }
  const location = { file: `${ctx.repo}@${ctx.revision}` };
  const { settings } = ctx;
  const tokenHint = settings.token
    ? `A token was sent (from ${settings.tokenSource}); check that it is valid and has read access to ${ctx.repo}.`
    : `No token was sent. Create one at ${settings.endpoint}/settings/tokens and set HF_TOKEN=hf_... (or log in with \`hf auth login\`, which writes $HF_HOME/token).`;
  if (code === 'GatedRepo') {
    return new HfArchError('hub-gated', `${ctx.repo} is a gated repository: access must be requested and a token sent`, {
      location,
      hint: `Accept the conditions at ${settings.endpoint}/${ctx.repo}, then authenticate. ${tokenHint}`,
    });
  }
  // Without an X-Error-Code (some mirrors), a 404 on a file route is a missing file.
  const fileRoute = new URL(response.url || settings.endpoint).pathname.includes('/resolve/');
  if (code === '' && response.status === 404 && fileRoute) {
    return new HfArchError('config-not-found', `${ctx.repo}@${ctx.revision} has no config.json (HTTP 404 from ${settings.endpoint})`, {
      location,
      hint: 'Check the repo id and revision; only transformers-format repositories (with a config.json) can be drawn.',
    });
  }
  if (code === 'RepoNotFound' || (response.status === 404 && code === '')) {
    return new HfArchError('hub-repo-not-found', `no model repository ${ctx.repo} on ${settings.endpoint}`, {
      location,
      hint: `Check the spelling (org/name, case-sensitive); if you meant a local folder, it does not exist (give ./${ctx.repo}). If the repo is private: ${tokenHint}`,
    });
  }
  if (code === 'RevisionNotFound') {
    return new HfArchError('hub-revision-not-found', `${ctx.repo} has no revision "${ctx.revision}"`, {
      location,
      hint: 'Give an existing branch, tag or full commit sha after the @.',
    });
  }
  if (code === 'EntryNotFound') {
    return new HfArchError('config-not-found', `${ctx.repo}@${ctx.revision} has no config.json`, {
      location,
      hint: 'Only transformers-format repositories (with a config.json) can be drawn.',
    });
  }
  if (response.status === 401 || response.status === 403) {
    return new HfArchError('hub-unauthorized', `the Hub refused access to ${ctx.repo} (HTTP ${response.status}${message ? `: ${message}` : ''})`, {
      location,
      hint: tokenHint,
    });
  }
  return new HfArchError('hub-unavailable', `the Hub answered HTTP ${response.status} for ${ctx.repo}${message ? `: ${message}` : ''}`, {
    location,
  });
}
