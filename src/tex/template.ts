/** Theme templates: the built-in `light`, `dark`, `gallery`, or a user's own `.tex` file. */
import { HfArchError } from '../errors.js';
import { MAX_TEMPLATE_BYTES, readRegularFile } from '../read-limited.js';
import { FIGURE_MARKER } from './tikz.js';

export const THEMES = ['light', 'dark', 'gallery'] as const;
export type ThemeName = (typeof THEMES)[number];

/** The folder of the built-in templates (next to `src/` and `dist/`). */
const TEMPLATES = new URL('../../templates/', import.meta.url);

export interface Template {
  /** `light`, `dark`, `gallery`, or the path of a custom template. */
  name: string;
  text: string;
}

/** Loads a theme by name, or a custom template from a path. */
export async function loadTemplate(theme: string = 'light'): Promise<Template> {
  const builtIn = (THEMES as readonly string[]).includes(theme);
  const location = builtIn ? new URL(`${theme}.tex`, TEMPLATES) : theme;
  const text = await readRegularFile(location, { limit: MAX_TEMPLATE_BYTES, what: 'template', display: theme }).then((bytes) => bytes.toString('utf8')).catch((error: NodeJS.ErrnoException) => {
    if (error instanceof HfArchError) throw error; // too large, or not a regular file
    throw new HfArchError(builtIn ? 'io-error' : 'template-invalid', `cannot read the template ${theme} (${error.code ?? error.message})`, {
      location: { file: theme },
      hint: `A theme is one of ${THEMES.join(', ')}, or the path of a .tex template (start from templates/light.tex).`,
    });
  });
  if (!text.includes(FIGURE_MARKER)) {
    throw new HfArchError('template-invalid', `the template ${theme} has no "${FIGURE_MARKER}" line`, {
      location: { file: theme },
      hint: 'Copy templates/light.tex and keep its marker line, where the figure goes, and every \\definecolor{hf...}.',
    });
  }
  return { name: theme, text };
}
