/** `hf-arch prune`: remove figure files that no page of a built site uses. */
import { parseArgs } from 'node:util';
import { pruneFigures } from '../plugin/prune.js';
import { printable } from '../errors.js';
import { UsageError } from './util.js';

export const PRUNE_HELP = `Usage: hf-arch prune <outputDir> --used-by <built site folder> [--dry-run]

With strategy "file", a figure whose fence changed stays in the output folder under its old
name. After a full build of the site, this removes every figure of <outputDir> that no page,
script or style sheet of the built site names (directly, or through the fingerprinted copies
that Astro and Docusaurus make).
Only files named as the plugin names them (<model>-<key>.svg|png) are touched.

Options:
  --used-by DIR   The folder the site build wrote (dist, build, out)
  --dry-run       List what would be removed, remove nothing

Exit status: 0 when done, 1 when the built site has no page or names none of the figures
(nothing is removed then), 2 on a usage error.`;

export async function runPrune(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { 'used-by': { type: 'string' }, 'dry-run': { type: 'boolean' } } });
  } catch (error) {
    throw new UsageError((error as Error).message, PRUNE_HELP);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('prune needs the output folder of the figures', PRUNE_HELP);
  if (!values['used-by']) throw new UsageError('prune needs --used-by <built site folder>', PRUNE_HELP);
  const dryRun = values['dry-run'] ?? false;
  const result = await pruneFigures(positionals[0]!, values['used-by'], { dryRun });
  for (const f of result.removed) process.stdout.write(`${dryRun ? 'would remove' : 'removed'} ${printable(f)}\n`);
  process.stdout.write(`${result.kept.length} figure${result.kept.length === 1 ? '' : 's'} in use, ${result.removed.length} ${dryRun ? 'to remove' : 'removed'} (${(result.bytes / 1024).toFixed(0)} KiB)\n`);
}
