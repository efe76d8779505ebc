/**
 * `hf-arch compile` takes TeX documents from elsewhere: nothing in one may read a file outside its
 * folder into the output, change the PDF backend's settings or run a program. Real xelatex.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { buildFigure } from '../src/build.js';
import { extract } from '../src/index.js';
import { inspectXdv, specialAllowed } from '../src/tex/xdv.js';
import { fixturePath } from './helpers/fixtures.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SECRET = 'SECRET-0f1e2d3c4b5a';

async function compileDoc(body: string, format: 'pdf' | 'svg' = 'pdf', preamble = '') {
  const dir = await mkdtemp(join(tmpdir(), 'hf-arch-sandbox-'));
  const secret = join(dir, 'outside', 'secret.txt');
  await run('mkdir', ['-p', join(dir, 'outside'), join(dir, 'doc')]);
  await writeFile(secret, `${SECRET}\n`);
  const marker = join(dir, 'outside', 'pwned');
  const doc = join(dir, 'doc', 'evil.tex');
  const fill = (s: string) => s.replaceAll('SECRETFILE', secret).replaceAll('MARKER', marker);
  await writeFile(doc, `\\documentclass{article}\n${fill(preamble)}\\begin{document}\nx ${fill(body)}\n\\end{document}\n`);
  const out = join(dir, `out.${format}`);
  const r = await run(process.execPath, [BIN, 'compile', doc, '-o', out]).then(
    (x) => ({ code: 0, stderr: x.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
  const bytes = await readFile(out).catch(() => null);
  const pwned = await stat(marker).then(() => true, () => false);
  return { ...r, bytes, pwned };
}

/** Whether the secret is anywhere in a PDF: in its bytes or in any of its (deflated) streams. */
function leaks(bytes: Uint8Array | null): boolean {
  if (!bytes) return false;
  const pdf = Buffer.from(bytes);
  if (pdf.includes(SECRET)) return true;
  let at = 0;
  for (;;) {
    const start = pdf.indexOf('stream', at);
    if (start < 0) return false;
    const body = start + (pdf[start + 6] === 0x0d ? 8 : 7);
    const end = pdf.indexOf('endstream', body);
    if (end < 0) return false;
    try {
      if (inflateSync(pdf.subarray(body, end)).includes(SECRET)) return true;
    } catch {
      // not a deflated stream
    }
    at = end + 9;
  }
}

/** The documents an attacker would try; each must not leak, not run anything, and fail cleanly or draw without the file. */
const PAYLOADS: [string, string, string?][] = [
  ['pdf:fstream embeds a file', '\\special{pdf:fstream @x (SECRETFILE)}\\special{pdf:put @resources <</X @x>>}'],
  ['pdf:fstream through \\csname', '\\csname special\\endcsname{pdf:fstream @y (SECRETFILE)}'],
  ['pdf:fstream built by catcodes', '{\\catcode`\\|=0 |special{pdf:fstream @z (SECRETFILE)}}'],
  ['pdf:image of a file outside', '\\special{pdf:image width 10pt (SECRETFILE)}'],
  ['pdf:epdf of a file outside', '\\special{pdf:epdf (SECRETFILE)}'],
  ['\\includegraphics of an absolute path', '\\includegraphics{SECRETFILE}', '\\usepackage{graphicx}\n'],
  ['\\XeTeXpicfile of an absolute path', '\\XeTeXpicfile "SECRETFILE"'],
  ['dvipdfmx:config to run a command', '\\special{dvipdfmx:config D "touch MARKER"}\\special{ps: 1 1 moveto}'],
  ['a PostScript file special', '\\special{PSfile=SECRETFILE}'],
  ['pdf:code that opens a string', '\\special{pdf:code (SECRETFILE) Tj}'],
  ['pdf:code that paints an outside object', '\\special{pdf:code /X Do}'],
  ['\\input of an absolute path', '\\input{SECRETFILE}'],
  ['\\openin of an absolute path', '\\newread\\r\\openin\\r=SECRETFILE \\read\\r to\\x \\x'],
  ['\\write18', '\\immediate\\write18{touch MARKER}'],
  ['a dvipdfmx.cfg written next to the document', '\\immediate\\openout5=dvipdfmx.cfg \\immediate\\write5{D "touch MARKER"}\\immediate\\closeout5'],
];

describe('hf-arch compile: a document from elsewhere', () => {
  for (const [name, body, preamble] of PAYLOADS) {
    test(name, async () => {
      const r = await compileDoc(body, 'pdf', preamble);
      assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
      assert.equal(leaks(r.bytes), false, 'the secret is not in the output');
      assert.equal(r.pwned, false, 'no command ran');
      assert.doesNotMatch(r.stderr, /internal error/);
    });
  }

  test('a refused special is named, with what to do', async () => {
    const r = await compileDoc('\\special{pdf:fstream @x (SECRETFILE)}');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /asks the PDF backend for \\special\{pdf:fstream/);
    assert.equal(r.bytes, null);
  });

  test('lualatex is refused for a document from elsewhere', async () => {
    const { compilePages } = await import('../src/tex/compile.js');
    await assert.rejects(compilePages('x', [['pdf']], { untrusted: true, engine: 'lualatex' }), /xelatex only/);
  });

  test('an error excerpt shows the error line of -file-line-error, not memory statistics', async () => {
    const r = await compileDoc('\\undefinedmacro');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /evil\.tex|figure\.tex:\d+: Undefined control sequence/);
    assert.doesNotMatch(r.stderr, /strings out of|words of memory/);
  });
});

describe('the XDV check', () => {
  test('what TikZ and xcolor emit is allowed; what reads files or reconfigures is not', () => {
    for (const ok of ['pdf:code q ', 'pdf:literal direct 0 g', 'color push rgb 1 1 1', 'color pop', 'x:gsave', 'pdf:bcolor [0]', 'pdf:btrans matrix 1 0 0 1 0 0', 'pdf:pagesize width 10pt height 10pt', 'pdf:obj @pgfcolorspaces <<>>', 'pdf:put @resources << /ColorSpace @pgfcolorspaces >>', 'pdf: bcontent']) {
      assert.ok(specialAllowed(ok), ok);
    }
    for (const bad of ['pdf:fstream @x (/etc/passwd)', 'pdf:image (/x.png)', 'pdf:epdf (/x.pdf)', 'pdf:uxobj @x', 'dvipdfmx:config D "x"', 'ps: 1 1', 'PSfile=/x.eps', 'pdf:code (x) Tj', 'pdf:code /Im1 Do', 'pdf:put @resources << /X (/etc/passwd) >>', 'pdf:obj @x <</Type /Filespec /F (/etc/passwd)>>', 'pdf:code @x',
      'pdf:put @catalog <</OpenAction <</S/JavaScript/JS <616c657274>>>>>', 'pdf:put @thispage <</Annots [<</Subtype/Link/A<</S/Launch/F <2f62696e>>>>>]>>',
      'pdf:obj @x <</Type/Filespec/F <2f6574632f706173737764>>>', 'pdf:put @resources << /X @x >>', 'pdf:obj @pgfx <</Type/Filespec/F <2f65>>>']) {
      assert.ok(!specialAllowed(bad), bad);
    }
  });

  test('a special that names a file is refused before the file is opened, whatever the file is', async () => {
    for (const body of ['\\special{pdf:image width 10pt (SECRETFILE)}', '\\special{pdf:epdf (SECRETFILE)}', '\\special{PSfile=SECRETFILE}']) {
      const r = await compileDoc(body);
      assert.equal(r.code, 1, body);
      assert.match(r.stderr, /asks the PDF backend for/, body);
    }
  });

  test('an XDV of another version is refused (opcode 251 named a picture before version 7)', () => {
    assert.match(inspectXdv(new Uint8Array([247, 5, 1, 131, 146, 192, 28, 59, 0, 0, 0, 0, 3, 232, 0, 251])).refused ?? '', /XDV version 5/);
  });

  test('truncated or unknown XDV is refused', () => {
    assert.match(inspectXdv(new Uint8Array([247, 7, 1])).refused ?? '', /truncated|malformed/);
    assert.match(inspectXdv(new Uint8Array([1, 2, 3])).refused ?? '', /not a DVI/);
  });

  test('every figure of every theme passes the check (built for real, in one batch)', async () => {
    const { arch } = await extract(fixturePath('configs/deepseek-ai__DeepSeek-V3.json'));
    const cacheDir = await mkdtemp(join(tmpdir(), 'hf-arch-sandbox-cache-'));
    const results = await Promise.all(['light', 'dark', 'gallery'].map((theme) => buildFigure(arch, { renderer: 'tex', theme, cacheDir, formats: ['svg'] })));
    for (const r of results) assert.ok(r.bytes.svg!.length > 10_000);
  });
});
