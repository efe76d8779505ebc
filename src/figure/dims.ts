/** A dimension of `arch.json` by its symbol name (`d`, `H_kv`, …), or null when the model has none. */
import type { ArchJson } from '../schema/arch-json.js';

export const dim = (arch: ArchJson, name: string): number | null => arch.dims[name]?.value ?? null;
