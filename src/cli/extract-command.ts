/** `hf-arch extract`: print arch.json for a local config or a Hub model. */
import { parseArgs } from 'node:util';
import { extract } from '../extract.js';
import { UsageError, warn, writeOutput } from './util.js';

export const EXTRACT_HELP = `Usage: hf-arch extract <source> [options]

Prints arch.json: the architecture of a decoder-only LLM and the exact parameter count of every
block, with totals (params, params_main, active_params, kv_cache_bytes_per_token).

<source> is a path to a config.json (or a folder holding one), or a Hub repo id
org/name[@revision]. Hub access follows huggingface_hub: HF_TOKEN (or $HF_HOME/token),
HF_ENDPOINT, HF_HUB_OFFLINE=1 (cache only) and the cache HF_HUB_CACHE (~/.cache/huggingface/hub).

Options:
  --revision REV            Branch, tag or commit of a Hub source (default main, or @REV)
  --output FILE, -o FILE    Write arch.json to FILE instead of standard output
  --hub-endpoint URL        Hub base URL (default HF_ENDPOINT or https://huggingface.co)
  --offline                 Use the Hub cache only (like HF_HUB_OFFLINE=1)
  --allow-unknown-fields    Count even when the config has fields this tool does not know;
                            they are listed in "notes" (default: such a config is an error)
  --from-checkpoint         Read the structure and every count from the checkpoint's safetensors
                            headers instead of describing the config (any model type: a folder
                            with config.json and the shards or their headers, or a Hub repo);
                            arch.json then says "structure": "tensor-names"
  --help, -h                Show this help

Exit status: 0 on success, 1 when the input cannot be used (the message says where and
what to do), 2 on a usage error, 70 on an internal error (a bug: please report it).`;

export async function runExtract(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        revision: { type: 'string' },
        output: { type: 'string', short: 'o' },
        'hub-endpoint': { type: 'string' },
        offline: { type: 'boolean' },
        'allow-unknown-fields': { type: 'boolean' },
        'from-checkpoint': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, EXTRACT_HELP);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'extract needs a source' : `extract takes one source, got ${positionals.length}`, EXTRACT_HELP);
  }
  const { arch, warnings } = await extract(positionals[0]!, {
    ...(values.revision === undefined ? {} : { revision: values.revision }),
    ...(values['hub-endpoint'] === undefined ? {} : { endpoint: values['hub-endpoint'] }),
    ...(values.offline ? { offline: true } : {}),
    allowUnknownFields: values['allow-unknown-fields'] ?? false,
    ...(values['from-checkpoint'] ? { fromCheckpoint: true } : {}),
  });
  for (const w of warnings) warn(w);
  const text = `${JSON.stringify(arch, null, 2)}\n`;
  if (values.output) await writeOutput(values.output, text);
  else process.stdout.write(text);
}
