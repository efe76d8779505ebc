/**
 * A real HTTP server on 127.0.0.1 that answers the HuggingFace Hub's routes used to fetch a
 * config: `GET /api/models/{repo}/revision/{rev}` (model info with `sha`) and
 * `GET /{repo}/resolve/{rev}/{file}` (with Range, ETag, X-Repo-Commit), refusing as the Hub does
 * (`X-Error-Code`: RepoNotFound, GatedRepo, RevisionNotFound, EntryNotFound).
 * A repo can also misbehave ({@link Fault}, `etag`, `infoBody`, `refuseWith`), to test the
 * client's defences; streamed bodies respect backpressure, and stop when the client goes away,
 * after {@link STREAM_CAP} bytes or after 15 s, so no test can flood the machine.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Ways to misbehave. On the config download (the `resolve` request without a Range header):
 * `stall-body` sends headers and half the body, then nothing; `truncate` announces more bytes
 * than it sends, then closes; `huge-length` announces 100 MB (the size probe stays honest) and
 * streams them; `endless` streams a chunked body that never ends. `huge-size`: a 100 MB file
 * (the size probe says so). On every request: `hang` accepts and never answers; `redirect-loop`
 * redirects `resolve` requests to themselves; `html` answers a captive portal's 200 HTML page.
 */
export type Fault = 'hang' | 'stall-body' | 'truncate' | 'huge-length' | 'endless' | 'huge-size' | 'redirect-loop' | 'html';

/** Most bytes one streamed answer sends, whatever the client does. */
export const STREAM_CAP = 256 * 1024 * 1024;
const HUGE = 100 * 1024 * 1024;

export interface FakeRepo {
  /** Files at each commit sha, as byte strings (one character a byte, latin1). */
  commits: Record<string, Record<string, string>>;
  /** Large files at each commit sha, served from these paths on disk (Range reads only what is asked). */
  disk?: Record<string, Record<string, string>>;
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
  fault?: Fault;
  /** Raw ETag header of files instead of `"<git blob id>"`. */
  etag?: string;
  /** Body of the model-info answer instead of the real one (sent as application/json). */
  infoBody?: string;
  /** Refuse every request with this answer. */
  refuseWith?: { status: number; errorCode?: string; contentType?: string; body: string };
}

export interface RecordedRequest {
  method: string;
  url: string;
  authorization: string | null;
  range: string | null;
  /** Body bytes written to the socket so far (streamed answers grow while they run). */
  bytes: number;
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

/** Writes `total` bytes (Infinity: forever) of spaces, honouring backpressure; stops when the
 * client goes away, at {@link STREAM_CAP} or after 15 s. */
function stream(res: ServerResponse, record: RecordedRequest, total: number): void {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const deadline = Date.now() + 15_000;
  const pump = (): void => {
    while (!res.destroyed) {
      const left = Math.min(total, STREAM_CAP) - record.bytes;
      if (left <= 0 || Date.now() > deadline) {
        res.end();
        return;
      }
      const piece = left < chunk.length ? chunk.subarray(0, left) : chunk;
      record.bytes += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

/** A file on disk as the Hub serves an LFS file: HEAD gives its size, a Range reads that much. */
async function serveFromDisk(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, path: string, sha: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream', ETag: `"${createHash('sha256').update(path).digest('hex')}"`, 'X-Repo-Commit': sha, 'Accept-Ranges': 'bytes' };
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!range) {
      // Whole files are never sent here: a shard is gigabytes of (sparse) zeros.
      res.writeHead(200, { ...headers, 'Content-Length': String(size) });
      if (req.method === 'HEAD') res.end();
      else res.destroy();
      return;
    }
    const start = Number(range[1]);
    const end = Math.min(range[2] ? Number(range[2]) : size - 1, size - 1, start + 64 * 1024 * 1024 - 1);
    const body = Buffer.alloc(Math.max(0, end - start + 1));
    await handle.read(body, 0, body.length, start);
    res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
    record.bytes = body.length;
  } finally {
    await handle.close();
  }
}

/** A URL on 127.0.0.1 where nothing listens: connections are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export async function startFakeHub(repos: Record<string, FakeRepo>): Promise<FakeHub> {
  const state = new Map(Object.entries(repos));
  const requests: RecordedRequest[] = [];
  const failures = new Map<string, number>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      url: url.pathname,
      authorization: req.headers.authorization ?? null,
      range: (req.headers.range as string | undefined) ?? null,
      bytes: 0,
    };
    requests.push(record);
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? null;
    const info = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/(.+)$/.exec(url.pathname);
    // `raw` is the route the Hub client probes files with (HEAD); both serve the file here.
    const resolve = /^\/([^/]+\/[^/]+)\/(?:resolve|raw)\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repoId = info?.[1] ?? resolve?.[1];
    const repo = repoId ? state.get(repoId) : undefined;
    if (!repoId || !repo) {
      // The Hub answers 401 for unknown repos to anonymous callers, so as not to reveal private ones.
      refuse(res, token ? 404 : 401, 'RepoNotFound', 'Repository Not Found');
      return;
    }
    if (repo.delayMs) await new Promise((r) => setTimeout(r, repo.delayMs));
    if (repo.fault === 'hang') return; // the socket stays open until close()
    if (repo.fault === 'html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Welcome</title></head><body>Log in to the hotel Wi-Fi</body></html>');
      return;
    }
    if (repo.fault === 'redirect-loop' && resolve) {
      res.writeHead(302, { Location: url.pathname });
      res.end();
      return;
    }
    if (repo.refuseWith) {
      const { status, errorCode, contentType, body } = repo.refuseWith;
      res.writeHead(status, { 'Content-Type': contentType ?? 'application/json', ...(errorCode === undefined ? {} : { 'X-Error-Code': errorCode }) });
      res.end(Buffer.from(body, 'latin1'));
      return;
    }
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
      if (repo.infoBody !== undefined) {
        res.end(Buffer.from(repo.infoBody, 'latin1'));
        return;
      }
      res.end(JSON.stringify({ _id: 'x', id: repoId, sha, private: false, gated: repo.gatedTokens ? 'manual' : false, downloads: 0, likes: 0, lastModified: '2026-01-01T00:00:00.000Z' }));
      return;
    }
    if (repo.gatedTokens && !(token && repo.gatedTokens.includes(token))) {
      refuse(res, token ? 403 : 401, 'GatedRepo', `Access to model ${repoId} is restricted. You must have access to it and be authenticated to access it. Please log in.`);
      return;
    }
    const onDisk = repo.disk?.[sha]?.[resolve![3]!];
    if (onDisk !== undefined) return serveFromDisk(req, res, record, onDisk, sha);
    const text = repo.commits[sha]![resolve![3]!];
    if (text === undefined) {
      refuse(res, 404, 'EntryNotFound', 'Entry not found', repo.plainErrors);
      return;
    }
    const body = Buffer.from(text, 'latin1');
    const size = repo.fault === 'huge-size' ? HUGE : body.length;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      ETag: repo.etag ?? `"${gitBlobSha(text)}"`,
      'X-Repo-Commit': sha,
      'Accept-Ranges': 'bytes',
    };
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), size - 1);
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(end - start + 1) });
      res.end(body.subarray(start, end + 1));
      record.bytes = end - start + 1;
      return;
    }
    switch (repo.fault) {
      case 'huge-size':
      case 'huge-length':
        res.writeHead(200, { ...headers, 'Content-Length': String(HUGE) });
        return stream(res, record, HUGE);
      case 'endless':
        res.writeHead(200, headers); // no Content-Length: chunked
        return stream(res, record, Infinity);
      case 'stall-body':
        res.writeHead(200, { ...headers, 'Content-Length': String(body.length) });
        res.write(body.subarray(0, body.length >> 1));
        record.bytes = body.length >> 1;
        return; // and nothing more, until close()
      case 'truncate':
        res.writeHead(200, { ...headers, 'Content-Length': String(body.length + 1000) });
        res.write(body, () => res.destroy());
        record.bytes = body.length;
        return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': String(body.length) });
    res.end(body);
    record.bytes = body.length;
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
