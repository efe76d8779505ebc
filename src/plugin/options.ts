/**
 * Options of the remark plugin (JSON-serializable, validated once in the attacher) and of each
 * fence (validated per fence, overriding the plugin's).
 */
import * as z from 'zod';
import { THEMES } from '../tex/template.js';
import { RENDERERS } from '../build.js';
import { ACCENT_PATTERN } from '../figure/title.js';

/** Plugin options: everything JSON, so that `[['remark-hf-arch', {...}]]` works everywhere. */
export const pluginOptionsSchema = z
  .object({
    /** `file`: the figure is a file next to the site (default); `inline-svg`; `data-url`. */
    strategy: z.enum(['file', 'inline-svg', 'data-url']).default('file'),
    /** Image format of `file` and `data-url` (inline is always SVG). */
    format: z.enum(['svg', 'png']).default('svg'),
    /** `light`, `dark`, `gallery`, or the path of a template. */
    theme: z.string().min(1).default('light'),
    /** Also produce the dark figure and switch by `prefers-color-scheme` (`media`) or by a class
     * on an ancestor (`class`: both images are emitted with `hf-arch-light` / `hf-arch-dark`). */
    dark: z.union([z.literal(false), z.enum(['media', 'class'])]).default(false),
    /** With `dark: 'class'`: the selector of an ancestor that means dark mode (a small `<style>`
     * in the figure shows the right image; no CSS of your own needed). */
    darkSelector: z
      .string()
      .regex(/^[^<>{}]+$/, 'must be a CSS selector (no <, >, { or })')
      .default('[data-theme=dark], .dark'),
    /** The theme of the dark figure. */
    darkTheme: z.string().min(1).default('dark'),
    /** Figure cache (default `HF_ARCH_CACHE_DIR` or `node_modules/.cache/remark-hf-arch`). */
    cacheDir: z.string().min(1).optional(),
    /** Where `file` writes figures, relative to `root` (default `public/hf-arch`). */
    outputDir: z.string().min(1).default('public/hf-arch'),
    /** The URL prefix of `outputDir` on the site (default `/hf-arch`), e.g. with a base path
     * `/docs/hf-arch`. Empty: image URLs relative to the Markdown file, for site pipelines that
     * collect images themselves (Astro, Docusaurus). */
    publicPath: z.string().default('/hf-arch'),
    /** A figure missing from the cache is an error; TeX and the network are not used. */
    frozen: z.boolean().optional(),
    /** Compilations at once in this process. */
    concurrency: z.number().int().min(1).max(64).optional(),
    /** `fail` (default): an error stops the build; `warn`: the fence stays, with the error. */
    onError: z.enum(['fail', 'warn']).default('fail'),
    /** Hub base URL (default `HF_ENDPOINT` or https://huggingface.co). */
    hubEndpoint: z.string().url().optional(),
    /** Let relative config paths leave the project root. */
    allowOutsideRoot: z.boolean().default(false),
    /** The project root (default: the nearest folder with a package.json between the page and the
     * working directory, else the working directory). */
    root: z.string().min(1).optional(),
    /** PNG resolution. */
    dpi: z.number().int().min(10).max(2400).default(300),
    /** Show MTP branches. */
    mtp: z.boolean().default(true),
    /** The table of formulas and exact counts under each figure (`table`) or none. */
    ledger: z.enum(['table', 'none']).default('table'),
    /** `full` draws the insets, `compact` only the main stack. */
    detail: z.enum(['full', 'compact']).default('full'),
    /** `native` (default) draws SVG and PNG in-process, with no TeX; `tex` compiles TikZ. */
    renderer: z.enum(RENDERERS).default('native'),
    /** Check each figure's counts against its checkpoint's safetensors headers: `true` warns on
     * a mismatch, `'strict'` fails the build; a match is marked on the figure. */
    verify: z.union([z.boolean(), z.literal('strict')]).default(false),
  })
  .strict();

/** Plugin options as a user writes them. */
export type Options = z.input<typeof pluginOptionsSchema>;
export type ResolvedOptions = z.output<typeof pluginOptionsSchema>;

/** Options one fence may set, on its fence line (`theme=dark`) or as `key: value` lines. */
export const fenceOptionsSchema = z
  .object({
    revision: z.string().min(1).optional(),
    // Built-in themes only: a template is TeX code, so only the site's configuration may name one.
    theme: z.enum(THEMES).optional(),
    mtp: z.boolean().optional(),
    title: z.string().min(1).optional(),
    ledger: z.enum(['table', 'none']).optional(),
    detail: z.enum(['full', 'compact']).optional(),
    accent: z.string().regex(ACCENT_PATTERN, 'a colour as #RRGGBB').optional(),
    caption: z.string().min(1).optional(),
    alt: z.string().min(1).optional(),
    format: z.enum(['svg', 'png']).optional(),
    width: z.number().int().positive().max(10_000).optional(),
    /** Structure and counts from the checkpoint's tensor headers (a model type this tool does not describe). */
    'from-checkpoint': z.boolean().optional(),
  })
  .strict();

export type FenceOptions = z.output<typeof fenceOptionsSchema>;

/** A zod issue as one sentence that names the option and the allowed values. */
export function describeIssue(issue: z.core.$ZodIssue, prefix = ''): string {
  const path = issue.path.join('.');
  const name = `${prefix}${path}`;
  if (issue.code === 'unrecognized_keys') {
    return `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${prefix}${k}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_value') {
    return `option "${name}" must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (issue.code === 'invalid_union') {
    // `dark`, `verify`: the branches' literals and types, as one list of what is allowed.
    const allowed = issue.errors.flat().flatMap((i) => (i.code === 'invalid_value' ? i.values.map((v) => JSON.stringify(v)) : i.code === 'invalid_type' ? [`a ${i.expected}`] : []));
    if (allowed.length > 0) return `option "${name}" must be one of ${[...new Set(allowed)].join(', ')}`;
  }
  return `option "${name}": ${issue.message.replace(/^Invalid input: /, '')}`;
}
