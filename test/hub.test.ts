/**
 * The Hub client against a real HTTP server on 127.0.0.1 speaking the Hub's routes, and the
 * standard cache layout shared with Python's huggingface_hub.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, readlink, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildFigure, extract, HfArchError } from '../src/index.js';
import { startFakeHub, type FakeHub } from './helpers/hub-server.js';
import { fixture } from './helpers/fixtures.js';

const SHA_MAIN = 'a'.repeat(40);
const SHA_TAG = 'b'.repeat(40);
const SHA_BROKEN = 'c'.repeat(40);
const llama3 = fixture('configs/meta-llama__Meta-Llama-3-8B-Instruct.json');
const qwen3 = fixture('configs/Qwen__Qwen3-0.6B.json');

let hub: FakeHub;
let home: string;

before(async () => {
  hub = await startFakeHub({
    'meta-llama/Meta-Llama-3-8B-Instruct': {
      commits: { [SHA_MAIN]: { 'config.json': llama3 }, [SHA_TAG]: { 'config.json': qwen3 } },
      refs: { main: SHA_MAIN, 'v1.0': SHA_TAG },
      gatedTokens: ['hf_good'],
    },
    'Qwen/Qwen3-0.6B': { commits: { [SHA_MAIN]: { 'config.json': qwen3 } }, refs: { main: SHA_MAIN } },
    'flaky/model': { commits: { [SHA_MAIN]: { 'config.json': qwen3 } }, refs: { main: SHA_MAIN }, failFirst: 2 },
    'down/model': { commits: { [SHA_MAIN]: { 'config.json': qwen3 } }, refs: { main: SHA_MAIN }, failFirst: 1000 },
    'slow/model': { commits: { [SHA_MAIN]: { 'config.json': qwen3 } }, refs: { main: SHA_MAIN }, delayMs: 400 },
    'no/config': { commits: { [SHA_MAIN]: { 'README.md': '# hi' } }, refs: { main: SHA_MAIN } },
    'limited/model': { commits: { [SHA_MAIN]: { 'config.json': qwen3 } }, refs: { main: SHA_MAIN }, rateLimitFirst: 1 },
    'mirror/plain': { commits: { [SHA_MAIN]: { 'README.md': '# hi' } }, refs: { main: SHA_MAIN }, plainErrors: true },
    'bom/model': { commits: { [SHA_MAIN]: { 'config.json': `\xef\xbb\xbf${qwen3}` } }, refs: { main: SHA_MAIN } },
    'broken/json': { commits: { [SHA_BROKEN]: { 'config.json': '{\n  "model_type": "llama",\n  "hidden_size": 4096,,\n}' } }, refs: { main: SHA_BROKEN } },
  });
});
after(() => hub.close());

/** A fresh HF_HOME (and so a fresh cache and no token) for each test. */
async function freshEnv(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  home = await mkdtemp(join(tmpdir(), 'hf-home-'));
  return { HF_HOME: home, HF_ENDPOINT: hub.url, ...extra };
}

async function rejects(promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<HfArchError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HfArchError, `expected HfArchError, got ${String(error)}`);
    assert.equal(error.code, code, error.format());
    if (pattern) assert.match(error.format(), pattern);
    return error;
  }
  assert.fail(`expected ${code}`);
}

describe('hub', () => {
  test('fetches config.json, records the commit and writes the standard cache layout', async () => {
    const env = await freshEnv({ HF_TOKEN: 'hf_good' });
    const { arch } = await extract('meta-llama/Meta-Llama-3-8B-Instruct', { env });
    assert.equal(arch.totals.params_main, 8030261248);
    assert.equal(arch.model.commit, SHA_MAIN);
    assert.equal(arch.model.revision, 'main');
    assert.equal(arch.model.name, 'Meta-Llama-3-8B-Instruct');
    const repoDir = join(home, 'hub', 'models--meta-llama--Meta-Llama-3-8B-Instruct');
    assert.equal(await readFile(join(repoDir, 'refs', 'main'), 'utf8'), SHA_MAIN);
    const link = await readlink(join(repoDir, 'snapshots', SHA_MAIN, 'config.json'));
    assert.match(link, /^\.\.\/\.\.\/blobs\/[0-9a-f]{40}$/);
    assert.equal(await readFile(join(repoDir, 'snapshots', SHA_MAIN, 'config.json'), 'utf8'), llama3);
    assert.deepEqual((await readdir(join(repoDir, 'blobs'))).filter((f) => f.includes('incomplete')), []);
    // The token went to the Hub.
    assert.ok(hub.requests.some((r) => r.url.includes('/resolve/') && r.authorization === 'Bearer hf_good'));
  });

  test('a second fetch of the same commit is served from the cache', async () => {
    const env = await freshEnv();
    await extract('Qwen/Qwen3-0.6B', { env });
    const before = hub.requests.filter((r) => r.url.includes('/resolve/')).length;
    const { arch } = await extract('Qwen/Qwen3-0.6B', { env });
    assert.equal(arch.totals.params_main, 596049920);
    assert.equal(hub.requests.filter((r) => r.url.includes('/resolve/')).length, before);
  });

  test('revisions: @tag, --revision and a commit sha', async () => {
    const env = await freshEnv({ HF_TOKEN: 'hf_good' });
    const tagged = await extract('meta-llama/Meta-Llama-3-8B-Instruct@v1.0', { env });
    assert.equal(tagged.arch.model.commit, SHA_TAG);
    assert.equal(tagged.arch.model.model_type, 'qwen3');
    const option = await extract('meta-llama/Meta-Llama-3-8B-Instruct', { env, revision: 'v1.0' });
    assert.equal(option.arch.model.commit, SHA_TAG);
    const apiCalls = hub.requests.filter((r) => r.url.startsWith('/api/')).length;
    const bySha = await extract(`meta-llama/Meta-Llama-3-8B-Instruct@${SHA_MAIN}`, { env });
    assert.equal(bySha.arch.model.commit, SHA_MAIN);
    assert.equal(hub.requests.filter((r) => r.url.startsWith('/api/')).length, apiCalls, 'a sha needs no resolution');
    await rejects(extract('meta-llama/Meta-Llama-3-8B-Instruct@nope', { env }), 'hub-revision-not-found', /no revision "nope"/);
  });

  test('unknown repo', async () => {
    const err = await rejects(extract('nobody/nothing', { env: await freshEnv() }), 'hub-repo-not-found', /no model repository nobody\/nothing/);
    assert.match(err.hint ?? '', /HF_TOKEN/);
  });

  test('gated repo without a token, with a wrong one, with the token file', async () => {
    await rejects(extract('meta-llama/Meta-Llama-3-8B-Instruct', { env: await freshEnv() }), 'hub-gated', /No token was sent[\s\S]*HF_TOKEN=hf_/);
    await rejects(extract('meta-llama/Meta-Llama-3-8B-Instruct', { env: await freshEnv({ HF_TOKEN: 'hf_bad' }) }), 'hub-gated', /from HF_TOKEN/);
    const env = await freshEnv();
    await writeFile(join(home, 'token'), 'hf_good\n');
    const { arch } = await extract('meta-llama/Meta-Llama-3-8B-Instruct', { env });
    assert.equal(arch.totals.params_main, 8030261248);
  });

  test('retries 5xx answers, then gives up with a clear error', async () => {
    const { arch } = await extract('flaky/model', { env: await freshEnv() });
    assert.equal(arch.totals.params_main, 596049920);
    await rejects(extract('down/model', { env: await freshEnv(), attempts: 2 }), 'hub-unavailable', /HTTP 503, 2 attempts[\s\S]*HF_HUB_OFFLINE/);
  });

  test('a slow answer: waits within the limit, fails past it, falls back to the cache', async () => {
    const env = await freshEnv();
    const { arch } = await extract('slow/model', { env, timeoutMs: 5000 });
    assert.equal(arch.totals.params_main, 596049920);
    await rejects(extract('slow/model', { env: await freshEnv(), timeoutMs: 100, attempts: 1 }), 'hub-unavailable', /no answer within 100 ms/);
    const fallback = await extract('slow/model', { env, timeoutMs: 100, attempts: 1 });
    assert.equal(fallback.arch.model.commit, SHA_MAIN);
    assert.match(fallback.warnings.join('\n'), /used the cached copy/);
  });

  test('offline: nothing cached is an error; a cache written by huggingface_hub is found', async () => {
    await rejects(extract('Qwen/Qwen3-0.6B', { env: await freshEnv({ HF_HUB_OFFLINE: '1' }) }), 'hub-offline-not-cached', /HF_HUB_OFFLINE[\s\S]*hf download Qwen\/Qwen3-0.6B/);
    // Lay out the cache as Python's huggingface_hub does, then read it with the network gone.
    const env = await freshEnv({ HF_HUB_OFFLINE: '1', HF_ENDPOINT: 'http://127.0.0.1:9' });
    const repoDir = join(home, 'hub', 'models--Qwen--Qwen3-0.6B');
    await mkdir(join(repoDir, 'blobs'), { recursive: true });
    await mkdir(join(repoDir, 'refs'), { recursive: true });
    await mkdir(join(repoDir, 'snapshots', SHA_TAG), { recursive: true });
    await writeFile(join(repoDir, 'blobs', 'deadbeef'), qwen3);
    await writeFile(join(repoDir, 'refs', 'main'), SHA_TAG);
    await symlink('../../blobs/deadbeef', join(repoDir, 'snapshots', SHA_TAG, 'config.json'));
    const { arch } = await extract('Qwen/Qwen3-0.6B', { env });
    assert.equal(arch.model.commit, SHA_TAG);
    assert.equal(arch.totals.params_main, 596049920);
    await rm(home, { recursive: true, force: true });
  });

  test('HF_HUB_CACHE moves the cache', async () => {
    const env = await freshEnv();
    const cache = join(home, 'elsewhere');
    await extract('Qwen/Qwen3-0.6B', { env: { ...env, HF_HUB_CACHE: cache } });
    assert.equal(await readFile(join(cache, 'models--Qwen--Qwen3-0.6B', 'refs', 'main'), 'utf8'), SHA_MAIN);
  });

  test('a repo without config.json, malformed JSON (nothing cached), a bad repo id', async () => {
    await rejects(extract('no/config', { env: await freshEnv() }), 'config-not-found', /has no config\.json/);
    const env = await freshEnv();
    const err = await rejects(extract('broken/json', { env }), 'config-malformed-json');
    assert.equal(err.location.file, 'broken/json@main config.json');
    assert.equal(err.location.line, 3);
    await assert.rejects(readdir(join(home, 'hub', 'models--broken--json')), { code: 'ENOENT' });
    await rejects(extract('not a repo!', { env }), 'hub-bad-repo-id', /neither an existing path nor a Hub repo id/);
  });

  test('429 answers are retried after Retry-After', async () => {
    const started = Date.now();
    const { arch } = await extract('limited/model', { env: await freshEnv() });
    assert.equal(arch.totals.params_main, 596049920);
    assert.ok(Date.now() - started >= 950, 'waited for Retry-After: 1');
  });

  test('a mirror without X-Error-Code: a missing file is a missing file', async () => {
    await rejects(extract('mirror/plain', { env: await freshEnv() }), 'config-not-found', /has no config\.json \(HTTP 404/);
  });

  test('bytes are cached and hashed as sent (a BOM included)', async () => {
    const env = await freshEnv();
    const { arch } = await extract('bom/model', { env });
    const sent = Buffer.from(`\xef\xbb\xbf${qwen3}`, 'latin1');
    assert.equal(arch.model.config_sha256, createHash('sha256').update(sent).digest('hex'));
    const cached = await readFile(join(home, 'hub', 'models--bom--model', 'snapshots', SHA_MAIN, 'config.json'));
    assert.ok(cached.equals(sent));
  });

  test('an unchanged ref is not rewritten (read-only shared caches keep working)', async () => {
    const env = await freshEnv();
    await extract('Qwen/Qwen3-0.6B', { env });
    const ref = join(home, 'hub', 'models--Qwen--Qwen3-0.6B', 'refs', 'main');
    const before = (await stat(ref)).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    await extract('Qwen/Qwen3-0.6B', { env });
    assert.equal((await stat(ref)).mtimeMs, before);
  });

  test('bad revisions and endpoints are refused before any request', async () => {
    const env = await freshEnv();
    const count = hub.requests.length;
    await rejects(extract('Qwen/Qwen3-0.6B@../../etc', { env }), 'hub-bad-repo-id', /not a valid revision/);
    await rejects(extract('Qwen/Qwen3-0.6B', { env, revision: '/abs' }), 'hub-bad-repo-id');
    await rejects(extract('Qwen/Qwen3-0.6B', { env: { ...env, HF_ENDPOINT: 'not a url' } }), 'usage', /not an http\(s\) URL/);
    assert.equal(hub.requests.length, count);
  });

  test('a frozen build of a Hub model needs neither the network nor the Hub cache once its figure is cached', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'hf-arch-figs-'));
    const first = await buildFigure('Qwen/Qwen3-0.6B', { env: await freshEnv(), cacheDir });
    assert.equal(first.cached, false);
    // Another machine: an empty Hub cache, no network, frozen.
    const env = await freshEnv({ HF_ENDPOINT: 'http://127.0.0.1:9', HF_HUB_OFFLINE: '1' });
    const again = await buildFigure('Qwen/Qwen3-0.6B', { env, cacheDir, frozen: true });
    assert.equal(again.cached, true);
    assert.equal(again.files.svg, first.files.svg);
    await rejects(buildFigure('Qwen/Qwen3-8B', { env, cacheDir, frozen: true }), 'hub-offline-not-cached');
  });
});
