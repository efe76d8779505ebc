/**
 * TeX engines and converters that misbehave (fake programs first on PATH): hung, crashing,
 * silent, leaving a child behind that holds the output; and the CLI killed in the middle of a
 * build. Nothing may outlive its time limit, no time limit may multiply, no work folder may stay,
 * and none of these is reported as a bug (exit 70).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildFigure } from '../src/build.js';
import { HfArchError, extract } from '../src/index.js';
import { compilePages } from '../src/tex/compile.js';
import { fixturePath } from './helpers/fixtures.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const REAL_PATH = process.env['PATH'] ?? '';
let work: string;

/** A folder with fake programs: name → the body of a bash script (`--version`/`-v` answer first). */
async function fakes(programs: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(work, 'bin-'));
  for (const [name, body] of Object.entries(programs)) {
    const script = `#!/bin/bash\nif [ "$1" = "--version" ] || [ "$1" = "-v" ]; then echo "fake ${name} 1.0"; exit 0; fi\n${body}\n`;
    await writeFile(join(dir, name), script);
    await chmod(join(dir, name), 0o755);
  }
  return dir;
}

/** Whether a process recorded in `file` (one pid a line) still runs (a zombie waiting for its reaper does not). */
async function anyAlive(file: string): Promise<boolean> {
  const pids = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
  const states = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/stat`, 'utf8').then((s) => s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3), () => null)));
  return states.some((state) => state !== null && state !== 'Z' && state !== 'X');
}

const DOC = '\\documentclass{article}\\begin{document}x\\end{document}';

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'hf-arch-faults-'));
});
after(() => {
  process.env['PATH'] = REAL_PATH;
});

async function withPath<T>(dir: string, body: () => Promise<T>): Promise<T> {
  process.env['PATH'] = `${dir}:${REAL_PATH}`;
  try {
    return await body();
  } finally {
    process.env['PATH'] = REAL_PATH;
  }
}

describe('misbehaving TeX programs (API)', () => {
  test('a hung engine is killed at the time limit, with its whole process group', { timeout: 20_000 }, async () => {
    const pids = join(work, 'hung.pids');
    const bin = await fakes({ xelatex: `echo $$ >> ${pids}; sleep 300 & echo $! >> ${pids}; wait` });
    const started = Date.now();
    await withPath(bin, () => assert.rejects(compilePages(DOC, [['svg']], { timeoutMs: 1500, engine: 'xelatex' }), (e: unknown) => e instanceof HfArchError && e.code === 'tex-timeout'));
    assert.ok(Date.now() - started < 6000, `took ${Date.now() - started} ms`);
    await sleep(200);
    assert.equal(await anyAlive(pids), false, 'the engine and its child are gone');
  });

  test('an engine that leaves a child holding its output does not stall the build', { timeout: 20_000 }, async () => {
    const pids = join(work, 'child.pids');
    const bin = await fakes({ xelatex: `(sleep 300; echo late) & echo $! >> ${pids}; echo "started a child"; exit 0` });
    const started = Date.now();
    await withPath(bin, () => assert.rejects(compilePages(DOC, [['svg']], { timeoutMs: 10_000, engine: 'xelatex' }), (e: unknown) => e instanceof HfArchError && e.code === 'tex-failed' && /wrote no page/.test(e.message)));
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    await sleep(200);
    assert.equal(await anyAlive(pids), false, 'the child is gone');
  });

  test('a crashing engine is a TeX failure, not a bug', async () => {
    const bin = await fakes({ xelatex: 'kill -SEGV $$' });
    await withPath(bin, () => assert.rejects(compilePages(DOC, [['svg']], { engine: 'xelatex' }), (e: unknown) => e instanceof HfArchError && e.code === 'tex-failed'));
  });

  test('a pdflatex that writes no PDF is a TeX failure', async () => {
    const bin = await fakes({ pdflatex: 'echo "no output"; exit 0' });
    await withPath(bin, () => assert.rejects(compilePages(DOC, [['svg']], { engine: 'pdflatex' }), (e: unknown) => e instanceof HfArchError && e.code === 'tex-failed' && /wrote no PDF/.test(e.message)));
  });

  test('a hung pdftocairo is killed at the same deadline', { timeout: 30_000 }, async () => {
    const bin = await fakes({ pdftocairo: 'sleep 300' });
    const started = Date.now();
    await withPath(bin, () => assert.rejects(compilePages(DOC, [['svg']], { timeoutMs: 4000 }), (e: unknown) => e instanceof HfArchError && e.code === 'tex-timeout' && /pdftocairo/.test(e.message)));
    assert.ok(Date.now() - started < 9000, `took ${Date.now() - started} ms`);
  });

  test('a hung engine costs one time limit per batch, not one per page, and pages are not retried alone', { timeout: 30_000 }, async () => {
    const bin = await fakes({ xelatex: 'sleep 300' });
    const archs = await Promise.all(['configs/Qwen__Qwen3-0.6B.json', 'configs/meta-llama__Meta-Llama-3-8B-Instruct.json', 'configs/mistralai__Mistral-7B-v0.1.json'].map(async (f) => (await extract(fixturePath(f))).arch));
    const cacheDir = await mkdtemp(join(work, 'cache-'));
    const started = Date.now();
    const results = await withPath(bin, () => Promise.allSettled(archs.map((arch) => buildFigure(arch, { renderer: 'tex', cacheDir, concurrency: 1, texTimeoutMs: 2000, engine: 'xelatex' }))));
    const took = Date.now() - started;
    for (const r of results) assert.ok(r.status === 'rejected' && (r.reason as HfArchError).code === 'tex-timeout');
    assert.ok(took < 5000, `three figures in one batch took ${took} ms (limit 2000 ms)`);
  });
});

describe('the CLI with misbehaving programs', () => {
  const cli = (args: string[], env: Record<string, string>) =>
    run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } }).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  test('a failing pdftocairo is exit 1 with its message, not 70', async () => {
    const bin = await fakes({ pdftocairo: 'echo "Syntax Error: broken PDF" >&2; exit 1' });
    const doc = join(work, 'x.tex');
    await writeFile(doc, DOC);
    const r = await cli(['compile', doc, '-o', join(work, 'x.svg')], { PATH: `${bin}:${REAL_PATH}` });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /pdftocairo failed[\s\S]*Syntax Error: broken PDF/);
  });

  test('a crashing engine is exit 1, not 70', async () => {
    const bin = await fakes({ xelatex: 'kill -SEGV $$' });
    const doc = join(work, 'y.tex');
    await writeFile(doc, DOC);
    const r = await cli(['compile', doc, '-o', join(work, 'y.svg')], { PATH: `${bin}:${REAL_PATH}` });
    assert.equal(r.code, 1, r.stderr);
  });

  /** Starts a build whose engine hangs, waits until it runs, and returns the process and its TMPDIR. */
  async function hungBuild() {
    const tmp = await mkdtemp(join(work, 'tmp-'));
    const pids = join(work, `pids-${Date.now()}`);
    const bin = await fakes({ xelatex: `echo $$ >> ${pids}; sleep 300 & echo $! >> ${pids}; wait` });
    const child = spawn(process.execPath, [BIN, 'build', '--renderer', 'tex', fixturePath('configs/Qwen__Qwen3-0.6B.json'), '-o', join(tmp, 'q.svg'), '--cache-dir', join(tmp, 'cache')], {
      env: { ...process.env, PATH: `${bin}:${REAL_PATH}`, TMPDIR: tmp },
      stdio: 'ignore',
    });
    for (let i = 0; i < 100 && !(await readFile(pids, 'utf8').catch(() => '')).includes('\n'); i++) await sleep(100);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    return { child, tmp, pids, exited };
  }
  const workFolders = async (tmp: string) => (await readdir(tmp)).filter((n) => n.startsWith('hf-arch-tex-'));

  test('SIGTERM during a build: the engine is killed and the work folder removed at once', { timeout: 30_000 }, async () => {
    const { child, tmp, pids, exited } = await hungBuild();
    assert.equal((await workFolders(tmp)).length, 1);
    child.kill('SIGTERM');
    assert.equal(await exited, 143);
    await sleep(200);
    assert.equal(await anyAlive(pids), false);
    assert.deepEqual(await workFolders(tmp), []);
  });

  test('kill -9 during a build: the next run removes the folder and what still runs in it, then builds', { timeout: 60_000 }, async () => {
    const { child, tmp, pids, exited } = await hungBuild();
    child.kill('SIGKILL');
    await exited;
    assert.equal(await anyAlive(pids), true, 'the orphaned engine still runs (nothing could stop it yet)');
    assert.equal((await workFolders(tmp)).length, 1);
    await mkdir(join(tmp, 'again'));
    const r = await cli(['build', '--renderer', 'tex', fixturePath('configs/Qwen__Qwen3-0.6B.json'), '-o', join(tmp, 'again', 'q.svg'), '--cache-dir', join(tmp, 'cache')], { TMPDIR: tmp });
    assert.equal(r.code, 0, r.stderr);
    await sleep(200);
    assert.equal(await anyAlive(pids), false, 'the orphan was killed');
    assert.deepEqual(await workFolders(tmp), []);
    assert.ok((await readFile(join(tmp, 'again', 'q.svg'))).length > 10_000);
  });

  test('two processes building the same figures into one cache agree, and the entry verifies', { timeout: 120_000 }, async () => {
    const cache = await mkdtemp(join(work, 'shared-'));
    for (let round = 0; round < 3; round++) {
      const outs = [0, 1].map((i) => join(cache, `out-${round}-${i}.png`));
      const results = await Promise.all(outs.map((out) => cli(['build', '--renderer', 'tex', fixturePath('configs/Qwen__Qwen3-0.6B.json'), '-o', out, '--cache-dir', join(cache, 'c'), '--dpi', String(50 + round)], {})));
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      const [a, b] = await Promise.all(outs.map((o) => readFile(o)));
      assert.ok(a!.equals(b!), `round ${round}: the same bytes`);
      const again = await cli(['build', '--renderer', 'tex', fixturePath('configs/Qwen__Qwen3-0.6B.json'), '-o', outs[0]!, '--cache-dir', join(cache, 'c'), '--dpi', String(50 + round)], {});
      assert.match(again.stderr, /from the cache/);
      assert.doesNotMatch(again.stderr, /warning/);
    }
  });
});
