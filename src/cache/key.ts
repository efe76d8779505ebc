/**
 * The cache key of a figure: a hash of everything that shapes it (the normalized `arch.json`, the
 * render options with a forced engine, the template's bytes, the package version and a fingerprint
 * of the code, see `version.ts`) and of nothing that needs TeX to know, so a figure cached on one machine is found
 * on another without TeX.
 */
import { createHash } from 'node:crypto';
import type { ArchJson } from '../schema/arch-json.js';

/** JSON with object keys sorted, so that key order never changes a hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface KeyInput {
  arch: ArchJson;
  /** Everything of the render options that changes the picture. */
  render: Record<string, unknown>;
  template: string;
  version: string;
}

export function figureKey({ arch, render, template, version }: KeyInput): string {
  // Where the config was read from does not change the figure; what it says does.
  const { source: _source, ...model } = arch.model;
  const hash = createHash('sha256');
  hash.update(canonicalJson({ version, render, arch: { ...arch, model } }));
  hash.update('\0');
  hash.update(template);
  return hash.digest('hex');
}
