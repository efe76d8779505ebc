/** The package's own version, and a fingerprint of its code (both part of every cache key). */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

let fingerprint: string | undefined;

/**
 * A hash of the code that draws a figure: every `.js`/`.ts`/`.json` file of the folder this
 * module runs from (`dist/` when installed, `src/` under tsx), by relative path and content, type
 * declarations and source maps aside. A figure cached by other code, even under the same version
 * number (a local build, a patched install), gets another key instead of being served stale.
 * Read once per process.
 */
export function codeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const root = fileURLToPath(new URL('.', import.meta.url));
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(js|ts|json)$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) files.push(relative(root, path).split('\\').join('/'));
    }
  };
  walk(root);
  const hash = createHash('sha256');
  for (const file of files.sort()) hash.update(`${file}\0`).update(readFileSync(join(root, file))).update('\0');
  fingerprint = hash.digest('hex');
  return fingerprint;
}
