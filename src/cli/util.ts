/** What every `hf-arch` command shares: errors as one paragraph, atomic output files. */
import { resolve } from 'node:path';
import { HfArchError, isHfArchError, printable } from '../errors.js';
import { writeFileAtomic } from '../fs-atomic.js';
export { packageVersion } from '../version.js';

/** A mistake in the command line; printed with the command's usage. */
export class UsageError extends Error {
  constructor(message: string, readonly usage: string) {
    super(message);
  }
}


/** Prints a warning for the user (control characters escaped). */
export function warn(text: string): void {
  process.stderr.write(`hf-arch: warning: ${printable(text)}\n`);
}

/** Prints an error and sets the exit code: 2 for usage, 1 for bad input, 70 for a bug. */
export function fail(error: unknown): void {
  if (error instanceof UsageError) {
    process.stderr.write(`hf-arch: ${printable(error.message)}\n\n${error.usage}\n`);
    process.exitCode = 2;
  } else if (isHfArchError(error)) {
    process.stderr.write(`hf-arch: error: ${printable(error.format(), { keepNewlines: true })}\n`);
    process.exitCode = error.code === 'usage' ? 2 : 1;
  } else {
    const e = error as Error;
    process.stderr.write(`hf-arch: internal error: ${printable(String(e?.message ?? e))}\nThis is a bug in remark-hf-arch; please report it with the command you ran.\n`);
    if (process.env['HF_ARCH_DEBUG']) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 70;
  }
}

/** Writes an output file atomically; a failure is the user's to fix, so it is an input error. */
export async function writeOutput(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(resolve(path), data);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HfArchError('io-error', `cannot write ${path} (${code ?? (error as Error).message})`, {
      location: { file: path },
      hint: 'Check that the folder exists or can be created, and that it is writable.',
      cause: error,
    });
  }
}
