/**
 * A misbehaving Hub on 127.0.0.1: refused connections, silence, 5xx, cut and endless bodies,
 * redirect loops, captive portals, bad ETags, garbage JSON, hostile error bodies, and a damaged
 * Hub cache. Each case ends, quickly, in a clean located HfArchError (or in success where a retry
 * or a fresh download should succeed), with memory bounded and nothing bad left in the cache.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extract, HfArchError } from '../src/index.js';
import { closedPortUrl, startFakeHub, type FakeHub, type FakeRepo } from './helpers/hub-server.js';
import { fixture } from './helpers/fixtures.js';

const SHA = 'a'.repeat(40);
const MiB = 1024 * 1024;
const qwen3 = fixture('configs/Qwen__Qwen3-0.6B.json');
const QWEN3_PARAMS = 596049920;
const unix = process.platform !== 'win32';

const repo = (extra: Partial<FakeRepo> = {}): FakeRepo => ({ commits: { [SHA]: { 'config.json': qwen3 } }, refs: { main: SHA }, ...extra });

let hub: FakeHub;
before(async () => {
  hub = await startFakeHub({
    'ok/model': repo(),
    'hang/model': repo({ fault: 'hang' }),
    'stall/model': repo({ fault: 'stall-body' }),
    'flaky/model': repo({ failFirst: 2 }),
    'down/model': repo({ failFirst: 1_000_000 }),
    'cut/model': repo({ fault: 'truncate' }),
    'loop/model': repo({ fault: 'redirect-loop' }),
    'huge/size': repo({ fault: 'huge-size' }),
    'huge/length': repo({ fault: 'huge-length' }),
    'endless/model': repo({ fault: 'endless' }),
    'portal/model': repo({ fault: 'html' }),
    'etag/dot': repo({ etag: '"."' }),
    'etag/dotdot': repo({ etag: '".."' }),
    'etag/dotdot-x': repo({ etag: '"../x"' }),
    'etag/empty': repo({ etag: '""' }),
    'etag/long': repo({ etag: `"${'a'.repeat(300)}"` }),
    'etag/slashes': repo({ etag: '"a/b/../../c"' }),
    'etag/wrong-hex': repo({ etag: `"${'0'.repeat(40)}"` }),
    'garbage/text': repo({ infoBody: 'not json \x1b[2J at all' }),
    'garbage/sha': repo({ infoBody: '{"sha": "../../../../etc"}' }),
    'garbage/array': repo({ infoBody: '[1, 2, 3]' }),
    'noisy/json': repo({ refuseWith: { status: 400, body: JSON.stringify({ error: `\x1b]0;pwned\x07\x1b[2J${'A'.repeat(10_000)}` }) } }),
    'noisy/plain': repo({ refuseWith: { status: 403, contentType: 'text/plain', body: `\x9b2J\x1b[31mdenied\r${'B'.repeat(10_000)}` } }),
  });
});
let home: string;
const homes: string[] = [];
after(async () => {
  await hub.close();
  await Promise.all(homes.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh HF_HOME (so a fresh cache) pointing at the fake Hub. */
async function freshEnv(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  home = await mkdtemp(join(tmpdir(), 'hf-faults-'));
  homes.push(home);
  return { HF_HOME: home, HF_ENDPOINT: hub.url, ...extra };
}
const cache = (): string => join(home, 'hub');
const repoDir = (id: string): string => join(cache(), `models--${id.replace('/', '--')}`);

function gitBlobId(text: string): string {
  const bytes = Buffer.from(text, 'latin1');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Every entry under the Hub cache, with its size (links not followed). */
async function cacheEntries(dir = cache()): Promise<{ path: string; size: number; kind: string }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: { path: string; size: number; kind: string }[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const info = await lstat(path);
    if (info.isDirectory()) out.push(...(await cacheEntries(path)));
    else out.push({ path, size: info.size, kind: info.isSymbolicLink() ? 'link' : info.isFile() ? 'file' : 'other' });
  }
  return out;
}

/** Nothing oversized, partial or damaged in the cache, and no snapshot of `id`. */
async function assertNothingCached(id: string): Promise<void> {
  for (const entry of await cacheEntries()) {
    assert.ok(entry.size <= 5 * MiB, `oversized ${entry.path}`);
    assert.doesNotMatch(entry.path, /incomplete/);
  }
  await assert.rejects(readdir(join(repoDir(id), 'snapshots')), { code: 'ENOENT' });
}

/** Runs `extract` and expects an HfArchError with `code`, located at the repo, within `ms`. */
async function fails(id: string, options: Record<string, unknown>, code: string, pattern: RegExp, ms: number): Promise<HfArchError> {
  const started = Date.now();
  const error = await extract(id, options).then(
    () => null,
    (e: unknown) => e,
  );
  const took = Date.now() - started;
  assert.ok(error instanceof HfArchError, `expected HfArchError, got ${String(error)}`);
  assert.equal(error.code, code, error.format());
  assert.match(error.format(), pattern);
  assert.equal(error.location.file, `${id}@main`);
  assert.ok(took < ms, `took ${took} ms, expected < ${ms}`);
  return error;
}

const requestsOf = (id: string) => hub.requests.filter((r) => r.url.includes(`/${id}/`));
const downloadsOf = (id: string) => requestsOf(id).filter((r) => r.url.includes('/resolve/') && r.range === null);
// Control characters (C0, DEL, C1) must never come through from the server.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('hub faults: the network', () => {
  test('connection refused (a closed port): retried, then hub-unavailable', async () => {
    const env = await freshEnv({ HF_ENDPOINT: await closedPortUrl() });
    await fails('ok/model', { env, attempts: 2 }, 'hub-unavailable', /ECONNREFUSED, 2 attempts/, 3000);
  });

  test('a Hub that accepts and never answers: each attempt times out', async () => {
    await fails('hang/model', { env: await freshEnv(), timeoutMs: 300, attempts: 2 }, 'hub-unavailable', /no answer within 300 ms, 2 attempts/, 3000);
  });

  test('headers, then a body that stalls: times out, nothing cached', async () => {
    await fails('stall/model', { env: await freshEnv(), timeoutMs: 500, attempts: 1 }, 'hub-unavailable', /stopped answering during the download[\s\S]*no answer within 500 ms/, 3000);
    await assertNothingCached('stall/model');
  });

  test('5xx then OK succeeds; 5xx forever gives up after the attempts', async () => {
    const { arch } = await extract('flaky/model', { env: await freshEnv(), attempts: 3 });
    assert.equal(arch.totals.params_main, QWEN3_PARAMS);
    await fails('down/model', { env: await freshEnv(), attempts: 2 }, 'hub-unavailable', /HTTP 503, 2 attempts/, 3000);
  });

  test('a body cut short (Content-Length larger than sent): hub-unavailable, nothing cached', async () => {
    await fails('cut/model', { env: await freshEnv(), attempts: 1 }, 'hub-unavailable', /connection closed before the whole answer/, 3000);
    await assertNothingCached('cut/model');
  });

  test('a redirect loop: hub-unavailable naming it', async () => {
    await fails('loop/model', { env: await freshEnv(), attempts: 1 }, 'hub-unavailable', /redirect/, 3000);
  });

  test('a captive portal (200 text/html): named as such; a cached copy is used instead', async () => {
    const error = await fails('portal/model', { env: await freshEnv(), attempts: 1 }, 'hub-invalid-response', /HTML page/, 3000);
    assert.match(error.hint ?? '', /captive portal|proxy/);
    // With the config cached (as huggingface_hub lays it out), the portal does not stop the build.
    const env = await freshEnv();
    const dir = repoDir('portal/model');
    await mkdir(join(dir, 'blobs'), { recursive: true });
    await mkdir(join(dir, 'refs'), { recursive: true });
    await mkdir(join(dir, 'snapshots', SHA), { recursive: true });
    await writeFile(join(dir, 'blobs', gitBlobId(qwen3)), qwen3);
    await writeFile(join(dir, 'refs', 'main'), SHA);
    await symlink(`../../blobs/${gitBlobId(qwen3)}`, join(dir, 'snapshots', SHA, 'config.json'));
    const { arch, warnings } = await extract('portal/model', { env, attempts: 1 });
    assert.equal(arch.totals.params_main, QWEN3_PARAMS);
    assert.match(warnings.join('\n'), /HTML page[\s\S]*used the cached copy/);
  });
});

describe('hub faults: size limits', () => {
  test('a config the Hub says is 100 MB is refused before downloading it', async () => {
    await fails('huge/size', { env: await freshEnv() }, 'input-too-large', /100 MiB, more than the 5 MiB limit/, 3000);
    assert.equal(downloadsOf('huge/size').length, 0, 'no download');
    await assertNothingCached('huge/size');
  });

  test('a download announcing Content-Length: 100 MB is refused on its headers', async () => {
    await fails('huge/length', { env: await freshEnv() }, 'input-too-large', /100 MiB, more than the 5 MiB limit/, 3000);
    const sent = downloadsOf('huge/length').reduce((sum, r) => sum + r.bytes, 0);
    assert.ok(sent < 40 * MiB, `the server sent ${sent} bytes`);
    await assertNothingCached('huge/length');
  });

  test('an endless chunked body is cut after 5 MiB', async () => {
    await fails('endless/model', { env: await freshEnv(), timeoutMs: 2000, attempts: 1 }, 'input-too-large', /more than the 5 MiB limit/, 3000);
    const [download] = downloadsOf('endless/model');
    // 5 MiB read, plus what the socket buffers held when the body was cancelled.
    assert.ok(download && download.bytes > 5 * MiB && download.bytes < 40 * MiB, `the server sent ${download?.bytes} bytes`);
    await new Promise((r) => setTimeout(r, 200));
    const settled = download.bytes;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(download.bytes, settled, 'the server stopped sending');
    await assertNothingCached('endless/model');
  });
});

describe('hub faults: what the Hub says', () => {
  for (const [id, etag] of [
    ['etag/dot', '.'],
    ['etag/dotdot', '..'],
    ['etag/dotdot-x', '../x'],
    ['etag/empty', '(empty)'],
    ['etag/long', '300 characters'],
    ['etag/slashes', 'a/b/../../c'],
    ['etag/wrong-hex', 'a blob id that does not match'],
  ] as const) {
    test(`ETag ${etag}: the blob is named by its git blob id`, async () => {
      const env = await freshEnv();
      const { arch, warnings } = await extract(id, { env });
      assert.equal(arch.totals.params_main, QWEN3_PARAMS);
      assert.deepEqual(warnings, []);
      assert.ok((await lstat(repoDir(id))).isDirectory());
      assert.deepEqual(await readdir(join(repoDir(id), 'blobs')), [gitBlobId(qwen3)]);
      assert.deepEqual(await readdir(cache()), [`models--${id.replace('/', '--')}`]);
      assert.equal(await readFile(join(repoDir(id), 'snapshots', SHA, 'config.json'), 'utf8'), qwen3);
    });
  }

  test('garbage model info: hub-invalid-response, nothing cached', async () => {
    for (const id of ['garbage/text', 'garbage/sha', 'garbage/array']) {
      const error = await fails(id, { env: await freshEnv() }, 'hub-invalid-response', /the Hub/, 3000);
      assert.doesNotMatch(error.format(), CONTROL);
      await assertNothingCached(id);
    }
  });

  test('error bodies with terminal escapes and 10 KB of text: escaped and shortened', async () => {
    for (const [id, code] of [
      ['noisy/json', 'hub-unavailable'],
      ['noisy/plain', 'hub-unauthorized'],
    ] as const) {
      const error = await fails(id, { env: await freshEnv() }, code, /HTTP 40[03]/, 3000);
      assert.doesNotMatch(error.format(), CONTROL);
      assert.match(error.message, /\\x1b|\\x9b/, 'the escapes are shown, not dropped silently');
      assert.ok(error.message.length < 400, `message of ${error.message.length} characters`);
    }
  });
});

describe('hub faults: a damaged Hub cache', () => {
  /** Downloads ok/model into a fresh cache; returns the env and the blob's path. */
  async function cached(): Promise<{ env: NodeJS.ProcessEnv; blob: string; pointer: string }> {
    const env = await freshEnv();
    await extract('ok/model', { env });
    return { env, blob: join(repoDir('ok/model'), 'blobs', gitBlobId(qwen3)), pointer: join(repoDir('ok/model'), 'snapshots', SHA, 'config.json') };
  }

  test('online: a blob whose bytes do not match its name is downloaded again, with a warning', async () => {
    const { env, blob } = await cached();
    await writeFile(blob, '{"model_type": "llama"}');
    const before = downloadsOf('ok/model').length;
    const { arch, warnings } = await extract('ok/model', { env });
    assert.equal(arch.totals.params_main, QWEN3_PARAMS);
    assert.match(warnings.join('\n'), /damaged[\s\S]*do not match[\s\S]*downloaded it again/);
    assert.equal(downloadsOf('ok/model').length, before + 1);
    assert.equal(await readFile(blob, 'utf8'), qwen3);
  });

  test('offline: a damaged blob is an error naming the file; unreachable: too', async () => {
    const { env, blob, pointer } = await cached();
    await writeFile(blob, '{"model_type": "llama"}');
    const offline = await fails('ok/model', { env: { ...env, HF_HUB_OFFLINE: '1' } }, 'hub-offline-not-cached', /damaged/, 3000);
    assert.ok(offline.format().includes(pointer), offline.format());
    const down = { ...env, HF_ENDPOINT: await closedPortUrl() };
    await fails('ok/model', { env: down, attempts: 1 }, 'hub-unavailable', /ECONNREFUSED[\s\S]*damaged/, 3000);
  });

  test('a snapshot pointer that leads out of the cache is not followed', async () => {
    const { env, pointer } = await cached();
    const outside = join(home, 'outside.json');
    await writeFile(outside, qwen3.replace('"qwen3"', '"llama"'));
    await rm(pointer);
    await symlink(outside, pointer);
    await fails('ok/model', { env: { ...env, HF_HUB_OFFLINE: '1' } }, 'hub-offline-not-cached', /outside the Hub cache/, 3000);
    const { arch, warnings } = await extract('ok/model', { env });
    assert.equal(arch.model.model_type, 'qwen3');
    assert.match(warnings.join('\n'), /outside the Hub cache/);
    assert.equal(await readFile(outside, 'utf8'), qwen3.replace('"qwen3"', '"llama"'), 'the outside file is left alone');
  });

  test('a FIFO or an oversized file in the cache is refused, not read', { skip: !unix }, async () => {
    const { env, blob } = await cached();
    await rm(blob);
    execFileSync('mkfifo', [blob]);
    await fails('ok/model', { env: { ...env, HF_HUB_OFFLINE: '1' } }, 'hub-offline-not-cached', /named pipe/, 3000);
    const ref = join(repoDir('ok/model'), 'refs', 'main');
    await rm(ref);
    execFileSync('mkfifo', [ref]);
    await fails('ok/model', { env: { ...env, HF_HUB_OFFLINE: '1' } }, 'hub-offline-not-cached', /not in the Hub cache/, 3000);
    await rm(ref);
    await writeFile(ref, SHA);
    await rm(blob);
    await writeFile(blob, ' '.repeat(6 * MiB));
    const { arch, warnings } = await extract('ok/model', { env });
    assert.equal(arch.totals.params_main, QWEN3_PARAMS);
    assert.match(warnings.join('\n'), /5 MiB/);
    assert.equal(await readFile(blob, 'utf8'), qwen3);
  });
});
