/** The built `hf-arch` binary, run as a user runs it. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { archJsonSchema } from '../src/index.js';
import { fixturePath } from './helpers/fixtures.js';

const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, HF_HUB_OFFLINE: '1', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('hf-arch extract', () => {
  test('prints the exact counts of DeepSeek-V4-Flash', async () => {
    const { code, stdout } = await run(['extract', fixturePath('configs/deepseek-ai__DeepSeek-V4-Flash.json')]);
    assert.equal(code, 0);
    const arch = archJsonSchema.parse(JSON.parse(stdout));
    assert.equal(arch.totals.params_main, 284332240471);
    assert.equal(arch.totals.params, 290942289362);
    assert.match(stdout, /"params_main": 284332240471/, 'a JSON integer, not a string');
  });

  test('--output writes the file; two runs give the same bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hf-arch-cli-'));
    const source = fixturePath('configs/Qwen__Qwen3-Next-80B-A3B-Instruct.json');
    assert.equal((await run(['extract', source, '--output', join(dir, 'a.json')])).code, 0);
    assert.equal((await run(['extract', source, '-o', join(dir, 'b.json')])).code, 0);
    const [a, b] = await Promise.all([readFile(join(dir, 'a.json')), readFile(join(dir, 'b.json'))]);
    assert.ok(a.equals(b));
  });

  test('--help for the program and the command', async () => {
    const top = await run(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /extract <source>/);
    const sub = await run(['extract', '--help']);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /--revision REV/);
    assert.match(sub.stdout, /HF_TOKEN/);
  });

  test('errors: one paragraph on stderr and a non-zero exit, no stack trace', async () => {
    const missing = await run(['extract', 'nowhere/config.json']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^hf-arch: error: nowhere\/config\.json: no such file or folder/);
    assert.doesNotMatch(missing.stderr, /^\s+at /m);
    const offline = await run(['extract', 'org/model'], { HF_HOME: await mkdtemp(join(tmpdir(), 'hf-home-')) });
    assert.equal(offline.code, 1);
    assert.match(offline.stderr, /offline \(HF_HUB_OFFLINE\)/);
    const usage = await run(['extract']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /extract needs a source[\s\S]*Usage: hf-arch extract/);
    const unknown = await run(['draw']);
    assert.equal(unknown.code, 2);
    const badFlag = await run(['extract', 'x', '--colour']);
    assert.equal(badFlag.code, 2);
  });
});

describe('hf-arch prune', () => {
  test('removes the figures no built page names, keeps the rest, touches nothing else; refuses an unbuilt site', async () => {
    const { mkdir, writeFile, readdir } = await import('node:fs/promises');
    const dir = await mkdtemp(join(tmpdir(), 'hf-arch-prune-'));
    const out = join(dir, 'public/hf-arch');
    const site = join(dir, 'dist');
    await mkdir(out, { recursive: true });
    await mkdir(join(site, 'assets'), { recursive: true });
    const names = ['qwen3-0.6b-0123456789ab.svg', 'deepseek-v3-abcdefabcdef.png', 'deepseek-v3-111111111111.svg', 'llama-3-222222222222.svg'];
    for (const n of names) await writeFile(join(out, n), 'x'.repeat(2048));
    await writeFile(join(out, 'notes.txt'), 'not a figure');
    // A page naming one as it is, a script naming another through a fingerprinted copy (Docusaurus), and a copy of public/ (Next.js).
    await writeFile(join(site, 'index.html'), '<img src="/hf-arch/qwen3-0.6b-0123456789ab.svg">');
    await writeFile(join(site, 'assets/main.js'), 'x="/assets/images/deepseek-v3-abcdefabcdef-9f8e7d.png"');
    await writeFile(join(site, 'llama-3-222222222222.svg'), 'a copy that no page names');
    // Hostile: a link in the figure folder named like a figure (to a file outside), and a link
    // in the built site to a folder outside that names every figure. Neither is followed.
    const { symlink } = await import('node:fs/promises');
    const outside = join(dir, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'keep me');
    await writeFile(join(outside, 'all.html'), names.join(' '));
    await symlink(join(outside, 'secret.txt'), join(out, 'evil-333333333333.svg'));
    await symlink(outside, join(site, 'linked'));
    const dry = await run(['prune', out, '--used-by', site, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /would remove deepseek-v3-111111111111\.svg\nwould remove llama-3-222222222222\.svg\n2 figures in use, 2 to remove \(4 KiB\)/);
    assert.equal((await readdir(out)).length, 6, 'a dry run removes nothing');
    const real = await run(['prune', out, '--used-by', site]);
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual((await readdir(out)).sort(), ['deepseek-v3-abcdefabcdef.png', 'evil-333333333333.svg', 'notes.txt', 'qwen3-0.6b-0123456789ab.svg']);
    assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'keep me');
    // A site that names none of them, or has no page: an error, nothing removed.
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const none = await run(['prune', out, '--used-by', empty]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /has no HTML page/);
    await writeFile(join(empty, 'index.html'), '<p>no figures</p>');
    const unused = await run(['prune', out, '--used-by', empty]);
    assert.equal(unused.code, 1);
    assert.match(unused.stderr, /names any of the 2 figures in .*nothing was removed/);
    assert.equal((await readdir(out)).length, 4);
    assert.equal((await run(['prune', out])).code, 2);
    const missing = await run(['prune', join(dir, 'public/hf-arhc'), '--used-by', site]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /there is no figure folder at .*hf-arhc/);
  });
});
