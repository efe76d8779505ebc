// Makes a fresh clone ready for `npm test`, `npm run demo` and `npm run test:e2e`: installs the
// npm dependencies when node_modules is missing or stale, and the system tools when missing
// (TeX with TikZ, DejaVu fonts, Poppler; Chromium with --chromium) through apt-get when this runs
// as root on Debian/Ubuntu. Otherwise it says exactly what to install and stops.
//   node scripts/setup.mjs [--chromium] [--no-tex]
// --no-tex: only the npm dependencies (and Chromium when asked): the native renderer, the demo
// and the site guides need no TeX.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const TEX = ['texlive-xetex', 'texlive-pictures', 'texlive-latex-recommended', 'fonts-dejavu-core', 'poppler-utils'];

function has(program, args = ['--version']) {
  try {
    execFileSync(program, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// npm dependencies: install when the lock file is newer than the installed tree.
const installed = `${root}node_modules/.package-lock.json`;
if (!existsSync(installed) || statSync(`${root}package-lock.json`).mtimeMs > statSync(installed).mtimeMs + 1000) {
  console.log('setup: installing npm dependencies (npm ci)');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}

const missing = [];
const wantsTex = !process.argv.includes('--no-tex');
if (wantsTex && (!has('xelatex') || !has('pdftocairo', ['-v']) || !has('pdftotext', ['-v']) || !has('pdfinfo', ['-v']) || !has('kpsewhich', ['tikz.sty']))) missing.push(...TEX);
if (process.argv.includes('--chromium') && !has('chromium')) missing.push('chromium');
if (missing.length) {
  const canInstall = process.getuid?.() === 0 && has('apt-get', ['--version']);
  if (!canInstall) {
    console.error(`setup: missing system packages. Install them with:\n  sudo apt-get install ${missing.join(' ')}\n` +
      '(macOS: brew install --cask mactex-no-gui && brew install poppler), then run the command again.');
    process.exit(1);
  }
  console.log(`setup: installing ${missing.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}
