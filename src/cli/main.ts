#!/usr/bin/env node
/** The `hf-arch` command line: one subcommand per pipeline stage. */
import { runExtract, EXTRACT_HELP } from './extract-command.js';
import { BUILD_HELP, COMPILE_HELP, RENDER_HELP, runBuild, runCompile, runRender } from './figure-commands.js';
import { PRUNE_HELP, runPrune } from './prune-command.js';
import { fail, packageVersion, UsageError } from './util.js';
import { runVerify, VERIFY_HELP } from './verify-command.js';

const HELP = `Usage: hf-arch <command> [options]

Architecture figures of HuggingFace decoder-only LLMs, with exact parameter counts.

Commands:
  extract <source>   Print arch.json: the architecture and every parameter count.
  render <source>    Write the TikZ document of the figure (no TeX needed).
  compile <file.tex> Compile a TeX document to SVG, PNG or PDF.
  build <source>     All stages through the figure cache, to --output FILE.(svg|png|pdf).
  verify <source>    Check every count against the checkpoint's safetensors headers.
  prune <outputDir>  Remove figure files that no page of the built site uses.

Run "hf-arch <command> --help" for the options of a command.
Options: --help, --version`;

const COMMANDS: Record<string, { run: (args: string[]) => Promise<void>; help: string }> = {
  extract: { run: runExtract, help: EXTRACT_HELP },
  render: { run: runRender, help: RENDER_HELP },
  compile: { run: runCompile, help: COMPILE_HELP },
  build: { run: runBuild, help: BUILD_HELP },
  verify: { run: runVerify, help: VERIFY_HELP },
  prune: { run: runPrune, help: PRUNE_HELP },
};

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    if (command === undefined) process.exitCode = 2;
    return;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  const entry = COMMANDS[command];
  if (!entry) throw new UsageError(`unknown command "${command}"`, HELP);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${entry.help}\n`);
    return;
  }
  await entry.run(rest);
}

// Interrupted: exit through process.exit, so that the exit hook kills TeX's process groups and
// removes their work folders (see tex/processes.ts).
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) process.on(signal, () => process.exit(code));

main(process.argv.slice(2)).catch(fail);
