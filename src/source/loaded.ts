/** Building a {@link LoadedConfig} from raw bytes: decode, parse, hash. */
import { createHash } from 'node:crypto';
import { decodeConfig, parseConfigText } from './parse.js';
import type { LoadedConfig } from './types.js';

export function loadedConfig(fields: Omit<LoadedConfig, 'config' | 'text' | 'sha256'> & { bytes: Uint8Array }): LoadedConfig {
  const { bytes, ...rest } = fields;
  const text = decodeConfig(bytes, rest.display);
  return {
    ...rest,
    config: parseConfigText(text, rest.display),
    text,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}
