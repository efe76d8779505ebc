/**
 * A theme's colours, read from its template: the `\definecolor{hf<role>}{HTML}{RRGGBB}` lines are
 * the one source of truth for both backends (TeX reads them as it compiles; the native renderer
 * reads them here), and a gallery-style template's `\hfmodelaccent{#1}{#2}{#3}` macro says which
 * roles a model's accent replaces. A custom template works with the native renderer when it
 * defines every role this way.
 */
import { HfArchError } from '../errors.js';
import type { Role, Scene } from '../figure/scene.js';

/** Every colour role a theme must define (kept in step with scene.ts `Role`). */
export const ROLES = [
  'paper', 'ink', 'muted', 'accent', 'container', 'block', 'box', 'attention', 'attentionInk', 'attentionAccent',
  'norm', 'proj', 'router', 'expert', 'embed', 'mtp', 'cellA', 'cellB', 'cellC', 'cellD',
] as const satisfies readonly Role[];
// Compile-time: every Role is listed above.
type MissingRole = Exclude<Role, (typeof ROLES)[number]>;
const allRolesListed: [MissingRole] extends [never] ? true : false = true;
void allRolesListed;

const DEFINE = /\\definecolor\{hf([A-Za-z]+)\}\{HTML\}\{([0-9A-Fa-f]{6})\}/g;

/** The `\definecolor{hf<role>}{HTML}{RRGGBB}` colours of a theme template, by role (hex, upper case). */
export function themeColors(templateText: string): Map<string, string> {
  const colors = new Map<string, string>();
  for (const m of templateText.matchAll(DEFINE)) colors.set(m[1]!, m[2]!.toUpperCase());
  return colors;
}

/** The roles `\hfmodelaccent` sets, each to its argument number (1: accent, 2: block tint, 3: on dark). */
function accentMacro(templateText: string): Map<string, 1 | 2 | 3> {
  const out = new Map<string, 1 | 2 | 3>();
  const start = templateText.search(/\\newcommand\{?\\hfmodelaccent\}?\[3\]\{/);
  if (start < 0) return out;
  // The macro's body up to its closing brace (it holds only \definecolor lines).
  let depth = 0;
  let body = '';
  for (let i = templateText.indexOf('{', templateText.indexOf(']', start)); i < templateText.length; i++) {
    const ch = templateText[i]!;
    if (ch === '{') depth++;
    if (ch === '}' && --depth === 0) break;
    body += ch;
  }
  for (const m of body.matchAll(/\\definecolor\{hf([A-Za-z]+)\}\{HTML\}\{#([123])\}/g)) out.set(m[1]!, Number(m[2]) as 1 | 2 | 3);
  return out;
}

/** A role → `#RRGGBB` map for drawing. */
export type Palette = Record<Role, string>;

/**
 * The palette of a template for a scene: its colour definitions, with the model accent applied
 * where the template's `\hfmodelaccent` says. A role the template does not define as HTML hex is
 * an error that names the template and the role.
 */
export function themePalette(templateText: string, templateName: string, accent?: Scene['accent']): Palette {
  const colors = themeColors(templateText);
  if (accent) {
    const args = { 1: accent.accent, 2: accent.block, 3: accent.onDark };
    for (const [role, n] of accentMacro(templateText)) if (/^[0-9A-Fa-f]{6}$/.test(args[n])) colors.set(role, args[n].toUpperCase());
  }
  const missing = ROLES.filter((r) => !colors.has(r));
  if (missing.length > 0) {
    throw new HfArchError('template-invalid', `the template ${templateName} does not define ${missing.map((r) => `hf${r}`).join(', ')} as \\definecolor{hf…}{HTML}{RRGGBB}, which the native renderer needs`, {
      location: { file: templateName },
      hint: 'Define every colour role as in templates/light.tex, or build with renderer: "tex" (CLI --renderer tex).',
    });
  }
  return Object.fromEntries(ROLES.map((r) => [r, `#${colors.get(r)!}`])) as Palette;
}
