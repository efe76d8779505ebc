/**
 * What errors show, and where: no control character from a config, a file name or a fence
 * reaches the terminal; no line of a file that is not a JSON config reaches the log; no error
 * text at all reaches a published page.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import rehypeStringify from 'rehype-stringify';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { VFile } from 'vfile';
import remarkHfArch, { HfArchError } from '../src/index.js';
import { printable } from '../src/errors.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const cli = (args: string[], cwd?: string) =>
  run(process.execPath, [BIN, ...args], { ...(cwd ? { cwd } : {}) }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );

describe('control characters', () => {
  test('printable shows them as escapes and keeps line breaks on request', () => {
    assert.equal(printable('a\u001b]0;pwned\u0007b\u009bc\r\n'), 'a\\x1b]0;pwned\\x07b\\x9bc\\x0d\\x0a');
    assert.equal(printable('a\nb\u202ec', { keepNewlines: true }), 'a\nb\\u{202e}c');
  });

  test('an HfArchError escapes its message, hint and location', () => {
    const e = new HfArchError('usage', 'x\u001b[2Jy', { hint: 'h\u0007\nline', location: { file: 'f\u001b]0;t\u0007', field: 'a\u0008' } });
    assert.doesNotMatch(`${e.message}${e.hint}${e.location.file}${e.location.field}`, CONTROL);
    assert.match(e.hint!, /\n/);
  });

  test('a config value and a file name with escapes reach the terminal escaped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hf-arch-messages-'));
    const file = join(dir, 'm\u001b]0;owned\u0007.json');
    await writeFile(file, JSON.stringify({ model_type: 'llama\u001b[2J\u001b[H', architectures: ['X'] }));
    const r = await cli(['extract', file]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr, CONTROL);
    assert.match(r.stderr, /\\(x1b|u001b)\[2J/);
  });
});

describe('code frames', () => {
  test('a file that is not a JSON object shows no line of itself in the log, and no error text in the page', async () => {
    const site = await mkdtemp(join(tmpdir(), 'hf-arch-frames-'));
    await mkdir(join(site, 'posts'));
    await writeFile(join(site, '.env'), 'HF_TOKEN=hf_topSECRETvalue\nOTHER=x\n');
    const file = new VFile({ path: join(site, 'posts', 'p.md'), value: '```hf-arch\n../.env\n```\n', cwd: site });
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      errors.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let html: string;
    try {
      html = String(await unified().use(remarkParse).use(remarkHfArch, { root: site, cacheDir: join(site, '.c'), onError: 'warn' }).use(remarkRehype).use(rehypeStringify).process(file));
    } finally {
      process.stderr.write = write;
    }
    assert.doesNotMatch(html, /SECRET/);
    assert.doesNotMatch(html, /HF_TOKEN/);
    assert.match(html, /could not draw this figure \(config-malformed-json\)/);
    assert.doesNotMatch(errors.join(''), /SECRET/, 'not in the log');
    assert.ok(file.messages.every((m) => !/SECRET/.test(`${m.reason} ${String(m.cause ?? '')}`)), 'not in the vfile messages');
  });

  test('a JSON object with a syntax error still gets its code frame', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hf-arch-frames-'));
    await writeFile(join(dir, 'config.json'), '{\n  "model_type": "llama",\n  "hidden_size": 4096,,\n}\n');
    const r = await cli(['extract', join(dir, 'config.json')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /> 3 \|.*"hidden_size": 4096,,/);
  });
});
