/**
 * The `fetch` handed to `@huggingface/hub`: a time limit per request, retries of 5xx and 429
 * answers (honouring `Retry-After`, up to 30 s) and of network failures with backoff, the token
 * sent only to the Hub's own origin, and every refusal turned into an error the user can act on
 * (unknown repo, gated repo, bad token, revision, missing file). Every body is bounded: refused
 * when its Content-Length passes {@link MAX_CONFIG_BYTES}, cut as soon as its bytes do; and
 * whatever is quoted from the server is shortened, with its control characters escaped.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { HfArchError, printable } from '../errors.js';
import { MAX_CONFIG_BYTES, tooLargeError } from '../read-limited.js';
import type { HubSettings } from './hub-settings.js';

export interface HubRequestContext {
  repo: string;
  revision: string;
  settings: HubSettings;
}

/** Thrown when the Hub cannot be reached at all; the caller may fall back to the cache. */
export class HubUnreachableError extends HfArchError {}

const RETRY_STATUS = new Set([500, 502, 503, 504, 429]);

/**
 * Text from the server, safe to quote in a message: its control characters escaped by
 * {@link printable}, so an answer cannot retitle or clear a terminal; at most `max` characters.
 */
export function serverText(text: string, max = 200): string {
  const clean = printable(text);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** What a failed request or body says: `ECONNREFUSED`, `redirect count exceeded`, ... */
export function problem(error: Error, timeoutMs: number): string {
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (error.message === 'terminated') return 'the connection closed before the whole answer arrived';
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return serverText(cause?.code ?? cause?.message ?? error.message);
}

/**
 * The response with its body counted: past `limit` bytes the body errors with `tooLarge()`,
 * which also cancels the download, so an endless answer costs `limit` bytes of memory.
 */
function limitBody(response: Response, limit: number, tooLarge: () => HfArchError): Response {
  if (!response.body) return response;
  let seen = 0;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  const limited = new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  // A constructed Response has no URL; @huggingface/hub reads it (the download URL after redirects).
  Object.defineProperty(limited, 'url', { value: response.url });
  return limited;
}

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
        lastProblem = problem(error as Error, settings.timeoutMs);
        continue;
      }
      if (RETRY_STATUS.has(response.status)) {
        lastProblem = response.status === 429 ? 'rate limited, HTTP 429' : `HTTP ${response.status}`;
        wait = Math.min(30, Number(response.headers.get('retry-after')) || 0) * 1000;
        await response.body?.cancel();
        continue;
      }
      if (response.ok) return checked(response, url, ctx);
      // Only 200 characters of an error body are quoted: 64 KiB of it are plenty.
      throw await refusal(limitBody(response, 64 * 1024, () => tooLarge(url, ctx)), ctx);
    }
    throw new HubUnreachableError('hub-unavailable', `could not reach the Hub at ${settings.endpoint} for ${ctx.repo} (${lastProblem}, ${settings.attempts} attempts)`, {
      location: { file: `${ctx.repo}@${ctx.revision}` },
      hint: 'Check the network and HF_ENDPOINT. To use a config already in the Hub cache, set HF_HUB_OFFLINE=1.',
    });
  };
}

/** The refusal of an answer past the limit; `size` when its headers tell. */
function tooLarge(url: URL, ctx: HubRequestContext, size?: number): HfArchError {
  const file = url.pathname.includes('/resolve/');
  const subject = file ? 'its config.json' : "the Hub's answer";
  return tooLargeError({ subject, what: file ? 'config.json' : 'Hub answer', limit: MAX_CONFIG_BYTES, size, file: `${ctx.repo}@${ctx.revision}` });
}

/** A 2xx answer, refused if it is an HTML page or announces too many bytes, else bounded. */
async function checked(response: Response, url: URL, ctx: HubRequestContext): Promise<Response> {
  const location = { file: `${ctx.repo}@${ctx.revision}` };
  if (/^\s*text\/html/i.test(response.headers.get('content-type') ?? '')) {
    await response.body?.cancel();
    // The Hub answers JSON and files; an HTML page is a login page in between: unreachable.
    throw new HubUnreachableError('hub-invalid-response', `${ctx.settings.endpoint} answered an HTML page instead of the Hub's answer for ${ctx.repo}@${ctx.revision}`, {
      location,
      hint: 'A captive portal (hotel or airport Wi-Fi) or a proxy login page may be in the way: log in in a browser, or check HF_ENDPOINT.',
    });
  }
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_CONFIG_BYTES) {
    await response.body?.cancel();
    throw tooLarge(url, ctx, length);
  }
  return limitBody(response, MAX_CONFIG_BYTES, () => tooLarge(url, ctx));
}

/** A 4xx answer as an actionable error, using the Hub's `X-Error-Code` header. */
async function refusal(response: Response, ctx: HubRequestContext): Promise<HfArchError> {
  const code = response.headers.get('x-error-code') ?? '';
  const body = await response.text().catch(() => '');
  let message = body;
  try {
    const json = JSON.parse(body) as { error?: unknown };
    message = typeof json.error === 'string' ? json.error : '';
  } catch {
    // not JSON: the body itself
  }
  message = serverText(message.trim());
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
