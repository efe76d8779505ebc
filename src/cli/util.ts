/** What every `hf-arch` command shares: errors as one paragraph, atomic output files. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isHfArchError } from '../errors.js';

/** A mistake in the command line; printed with the command's usage. */
export class UsageError extends Error {
  constructor(message: string, readonly usage: string) {
    super(message);
  }
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Prints an error and sets the exit code: 2 for usage, 1 for bad input, 70 for a bug. */
export function fail(error: unknown): void {
  if (error instanceof UsageError) {
    process.stderr.write(`hf-arch: ${error.message}\n\n${error.usage}\n`);
    process.exitCode = 2;
  } else if (isHfArchError(error)) {
    process.stderr.write(`hf-arch: error: ${error.format()}\n`);
    process.exitCode = 1;
  } else {
    const e = error as Error;
    process.stderr.write(`hf-arch: internal error: ${e.message}\nThis is a bug in remark-hf-arch; please report it with the command you ran.\n`);
    if (process.env['HF_ARCH_DEBUG']) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 70;
  }
}

/** Writes a file via a temporary file and a rename, so readers never see half of it. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, target);
}
