/** `hf-arch verify`: our counts against the checkpoint's own tensors. */
import { parseArgs } from 'node:util';
import { reportText, verifySource } from '../checkpoint/index.js';
import { printable } from '../errors.js';
import { UsageError, warn } from './util.js';

export const VERIFY_HELP = `Usage: hf-arch verify <folder|org/name[@revision]> [options]

Reads the checkpoint's safetensors headers (never its weights: a few KB per shard, with range
requests on the Hub) and compares every unit's parameter count with the tensors behind it.
Quantization scales, buffers, a tied head stored twice and an MTP module's copies of the
embedding and head are set aside and listed; packed MXFP4 blocks count two values a byte.

<folder> holds config.json and the *.safetensors files (and model.safetensors.index.json when
sharded); the files may be headers only, padded to their real size.

Options:
  --revision REV            Branch, tag or commit of a Hub source
  --hub-endpoint URL        Hub base URL (default HF_ENDPOINT or https://huggingface.co)
  --allow-unknown-fields    Count even when the config has fields this tool does not know
  --json                    Print the report as JSON

Exit status: 0 when every unit matches and every tensor is claimed, 1 on a mismatch or when the
input cannot be used, 2 on a usage error.`;

export async function runVerify(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { revision: { type: 'string' }, 'hub-endpoint': { type: 'string' }, 'allow-unknown-fields': { type: 'boolean' }, json: { type: 'boolean' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, VERIFY_HELP);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'verify needs a checkpoint folder or a Hub repo id' : `verify takes one source, got ${positionals.length}`, VERIFY_HELP);
  const { arch, report } = await verifySource(positionals[0]!, {
    ...(values.revision === undefined ? {} : { revision: values.revision }),
    ...(values['hub-endpoint'] === undefined ? {} : { endpoint: values['hub-endpoint'] }),
    allowUnknownFields: values['allow-unknown-fields'] ?? false,
  });
  if (values.json) process.stdout.write(`${JSON.stringify({ model: arch.model.name, ...report }, null, 2)}\n`);
  else process.stdout.write(printable(reportText(arch, report), { keepNewlines: true }));
  if (!report.ok) {
    warn(`the checkpoint does not match the count from the config (see the lines marked ✗)`);
    process.exitCode = 1;
  }
}
