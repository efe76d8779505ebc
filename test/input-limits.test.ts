/**
 * Input files are read with bounds: a config or template past its size limit, or a file that
 * is not a regular file (a FIFO, a device), is refused at once with a located error, instead of
 * filling memory or hanging.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extract, HfArchError } from '../src/index.js';
import { MAX_CONFIG_BYTES, MAX_TEMPLATE_BYTES, readRegularFile } from '../src/read-limited.js';
import { loadTemplate } from '../src/tex/template.js';
import { FIGURE_MARKER } from '../src/tex/tikz.js';
import { fixture } from './helpers/fixtures.js';

const MiB = 1024 * 1024;
const unix = process.platform !== 'win32';
const qwen3 = JSON.parse(fixture('configs/Qwen__Qwen3-0.6B.json')) as Record<string, unknown>;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hf-arch-limits-'));
});
after(() => rm(dir, { recursive: true, force: true }));

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

/** Awaits `promise` for at most `ms`; a FIFO left waiting for a writer is then released. */
async function within<T>(ms: number, promise: Promise<T>, release?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
    if (release) {
      // Opening the write end lets a reader blocked on the FIFO go (ENXIO if nobody waits).
      try {
        closeSync(openSync(release, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // nobody was waiting
      }
    }
  }
}

async function refused(promise: Promise<unknown>, code: string, message: RegExp, file: string, release?: string): Promise<void> {
  const error = await within(3000, promise.then(() => null, (e: unknown) => e), release);
  assert.ok(error instanceof HfArchError, `expected HfArchError, got ${String(error)}`);
  assert.equal(error.code, code, error.format());
  assert.match(error.message, message);
  assert.equal(error.location.file, file);
}

describe('input limits', () => {
  test('a config over 5 MiB is refused quickly; one of 4 MiB is still read', async () => {
    const big = join(dir, 'big.json');
    await writeFile(big, JSON.stringify({ ...qwen3, _padding: 'x'.repeat(6 * MiB) }));
    const started = Date.now();
    await refused(extract(big), 'input-too-large', /5 MiB/, big);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    const fine = join(dir, 'fine.json');
    await writeFile(fine, JSON.stringify({ ...qwen3, _padding: 'x'.repeat(4 * MiB) }));
    const { arch } = await extract(fine, { allowUnknownFields: true });
    assert.equal(arch.totals.params_main, 596049920);
  });

  test('a FIFO as config, directly, through a symlink or as a folder\'s config.json, is refused without hanging', { skip: !unix }, async () => {
    const pipe = fifo('pipe.json');
    await refused(extract(pipe), 'io-error', /named pipe/, pipe, pipe);
    const link = join(dir, 'link.json');
    await symlink(pipe, link);
    await refused(extract(link), 'io-error', /named pipe/, link, pipe);
    await mkdir(join(dir, 'model'));
    const inner = fifo('model/config.json');
    await refused(extract(join(dir, 'model')), 'io-error', /named pipe/, join(dir, 'model', 'config.json'), inner);
  });

  test('a device as config is refused before any byte is read', { skip: !unix }, async () => {
    const started = Date.now();
    await refused(extract('/dev/zero'), 'io-error', /device/, '/dev/zero');
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });

  test('a symlink to a regular config is followed', async () => {
    const real = join(dir, 'real.json');
    await writeFile(real, JSON.stringify(qwen3));
    const link = join(dir, 'real-link.json');
    await symlink(real, link);
    const { arch } = await extract(link);
    assert.equal(arch.totals.params_main, 596049920);
  });

  test('theme templates: a FIFO and a template over 1 MiB are refused', { skip: !unix }, async () => {
    const pipe = fifo('theme.tex');
    await refused(loadTemplate(pipe), 'io-error', /named pipe/, pipe, pipe);
    const big = join(dir, 'big.tex');
    await writeFile(big, `${FIGURE_MARKER}\n${'%'.repeat(2 * MiB)}\n`);
    await refused(loadTemplate(big), 'input-too-large', /1 MiB/, big);
    assert.match((await loadTemplate('light')).text, /HF-ARCH-FIGURE/);
  });

  test('readRegularFile: the limit is inclusive, and holds when the size on disk lies', async () => {
    assert.equal(MAX_CONFIG_BYTES, 5 * MiB);
    assert.equal(MAX_TEMPLATE_BYTES, MiB);
    const ten = join(dir, 'ten.txt');
    await writeFile(ten, '0123456789');
    assert.equal((await readRegularFile(ten, { limit: 10, what: 'test' })).toString(), '0123456789');
    await refused(readRegularFile(ten, { limit: 9, what: 'test', display: 'ten' }), 'input-too-large', /ten is 10 bytes, more than the 9 bytes limit/, 'ten');
    await assert.rejects(readRegularFile(join(dir, 'absent'), { limit: 9, what: 'test' }), { code: 'ENOENT' });
    await assert.rejects(readRegularFile(dir, { limit: 9, what: 'test' }), { code: 'EISDIR' });
    // /proc files say they are empty; the bounded read loop still stops past the limit.
    if (process.platform === 'linux') await refused(readRegularFile('/proc/self/maps', { limit: 16, what: 'test' }), 'input-too-large', /more than the 16 bytes limit/, '/proc/self/maps');
  });
});
