/**
 * A real HTTP server on 127.0.0.1 that answers the HuggingFace Hub's routes used to fetch a
 * config: `GET /api/models/{repo}/revision/{rev}` (model info with `sha`) and
 * `GET /{repo}/resolve/{rev}/{file}` (with Range, ETag, X-Repo-Commit), refusing as the Hub does
 * (`X-Error-Code`: RepoNotFound, GatedRepo, RevisionNotFound, EntryNotFound).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  /** Files at each commit sha, as byte strings (one character a byte, latin1). */
  commits: Record<string, Record<string, string>>;
  /** Branches and tags → commit sha. */
  refs: Record<string, string>;
  /** Gated: only these tokens may download files. */
  gatedTokens?: string[];
  /** Answer 503 to this many requests first. */
  failFirst?: number;
  /** Wait this long before answering each request. */
  delayMs?: number;
  /** Answer 429 with `Retry-After: 1` to this many requests first. */
  rateLimitFirst?: number;
  /** Refuse without `X-Error-Code` headers, as some mirrors do. */
  plainErrors?: boolean;
}

export interface RecordedRequest {
  method: string;
  url: string;
  authorization: string | null;
  range: string | null;
}

export interface FakeHub {
  url: string;
  requests: RecordedRequest[];
  repos: Map<string, FakeRepo>;
  close(): Promise<void>;
}

function gitBlobSha(text: string): string {
  const bytes = Buffer.from(text, 'latin1');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function refuse(res: ServerResponse, status: number, code: string, message: string, plain = false): void {
  res.writeHead(status, plain ? { 'Content-Type': 'text/plain' } : { 'Content-Type': 'application/json', 'X-Error-Code': code });
  res.end(plain ? message : JSON.stringify({ error: message }));
}

export async function startFakeHub(repos: Record<string, FakeRepo>): Promise<FakeHub> {
  const state = new Map(Object.entries(repos));
  const requests: RecordedRequest[] = [];
  const failures = new Map<string, number>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({
      method: req.method ?? 'GET',
      url: url.pathname,
      authorization: req.headers.authorization ?? null,
      range: (req.headers.range as string | undefined) ?? null,
    });
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? null;
    const info = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/(.+)$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repoId = info?.[1] ?? resolve?.[1];
    const repo = repoId ? state.get(repoId) : undefined;
    if (!repoId || !repo) {
      // The Hub answers 401 for unknown repos to anonymous callers, so as not to reveal private ones.
      refuse(res, token ? 404 : 401, 'RepoNotFound', 'Repository Not Found');
      return;
    }
    if (repo.delayMs) await new Promise((r) => setTimeout(r, repo.delayMs));
    const limited = failures.get(`429:${repoId}`) ?? 0;
    if (repo.rateLimitFirst && limited < repo.rateLimitFirst) {
      failures.set(`429:${repoId}`, limited + 1);
      res.writeHead(429, { 'Content-Type': 'text/plain', 'Retry-After': '1' });
      res.end('Too Many Requests');
      return;
    }
    const failed = failures.get(repoId) ?? 0;
    if (repo.failFirst && failed < repo.failFirst) {
      failures.set(repoId, failed + 1);
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end('Service Unavailable');
      return;
    }
    const revision = decodeURIComponent((info?.[2] ?? resolve?.[2])!);
    const sha = repo.commits[revision] ? revision : repo.refs[revision];
    if (!sha) {
      refuse(res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
      return;
    }
    if (info) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ _id: 'x', id: repoId, sha, private: false, gated: repo.gatedTokens ? 'manual' : false, downloads: 0, likes: 0, lastModified: '2026-01-01T00:00:00.000Z' }));
      return;
    }
    if (repo.gatedTokens && !(token && repo.gatedTokens.includes(token))) {
      refuse(res, token ? 403 : 401, 'GatedRepo', `Access to model ${repoId} is restricted. You must have access to it and be authenticated to access it. Please log in.`);
      return;
    }
    const text = repo.commits[sha]![resolve![3]!];
    if (text === undefined) {
      refuse(res, 404, 'EntryNotFound', 'Entry not found', repo.plainErrors);
      return;
    }
    const body = Buffer.from(text, 'latin1');
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      ETag: `"${gitBlobSha(text)}"`,
      'X-Repo-Commit': sha,
      'Accept-Ranges': 'bytes',
    };
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), body.length - 1);
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${body.length}`, 'Content-Length': String(end - start + 1) });
      res.end(body.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': String(body.length) });
    res.end(body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    repos: state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
