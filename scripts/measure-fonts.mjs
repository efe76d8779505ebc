// Measures the advance widths of the figure fonts with XeTeX itself and writes
// src/figure/font-metrics.json (widths in pt at 10 pt size). Run after changing the fonts:
//   node scripts/measure-fonts.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FONTS = { sans: ['DejaVu Sans', ''], bold: ['DejaVu Sans', 'Bold'], italic: ['DejaVu Sans', 'Oblique'], mono: ['DejaVu Sans Mono', ''] };
const EXTRA = [0x00d7, 0x2295, 0x00b7, 0x2192, 0x2013, 0x2014, 0x2026, 0x2248, 0x2264, 0x2265, 0x00b2, 0x00b3];
const codes = [...Array.from({ length: 95 }, (_, i) => 32 + i), ...EXTRA];
let body = '';
for (const [key, [family, style]] of Object.entries(FONTS)) {
  body += `\\fontspec{${family}}${style ? `[UprightFont=*-${style}]` : ''}\\fontsize{10pt}{12pt}\\selectfont\n`;
  body += `\\setbox0=\\hbox{Hx}\\typeout{M:${key}:asc:\\the\\ht0}\\typeout{M:${key}:desc:\\the\\dp0}\n`;
  for (const c of codes) body += `\\setbox0=\\hbox{\\char"${c.toString(16).toUpperCase()}}\\typeout{M:${key}:${c}:\\the\\wd0}\n`;
}
const tex = `\\documentclass{article}\\usepackage{fontspec}\\begin{document}\n${body}\\end{document}\n`;
const dir = mkdtempSync(join(tmpdir(), 'hf-arch-metrics-'));
writeFileSync(join(dir, 'm.tex'), tex);
execFileSync('xelatex', ['-no-shell-escape', '-interaction=nonstopmode', '-halt-on-error', 'm.tex'], { cwd: dir, stdio: 'ignore' });
const log = readFileSync(join(dir, 'm.log'), 'utf8');
const out = {};
for (const m of log.matchAll(/^M:(\w+):(\w+):([\d.]+)pt$/gm)) {
  (out[m[1]] ??= { widths: {} });
  if (m[2] === 'asc' || m[2] === 'desc') out[m[1]][m[2]] = Number(m[3]);
  else out[m[1]].widths[m[2]] = Number(m[3]);
}
out.size = 10;
out.source = 'DejaVu Sans / Sans Bold / Sans Mono, measured by XeTeX at 10pt (scripts/measure-fonts.mjs)';
writeFileSync(new URL('../src/figure/font-metrics.json', import.meta.url), `${JSON.stringify(out, null, 1)}\n`);
console.log(Object.keys(out), Object.keys(out.sans.widths).length);
