/** A dimension of `arch.json` by its symbol name (`d`, `H_kv`, …), or null when the model has none. */
import type { ArchJson } from '../schema/arch-json.js';

export const dim = (arch: ArchJson, name: string): number | null => arch.dims[name]?.value ?? null;

/**
 * A dimension's values across the softmax-attention layers, smallest first: one value for most
 * models, several where layers have geometries of their own (Laguna's 48 and 64 query heads).
 */
export function layerValues(arch: ArchJson, name: string, which: (l: ArchJson['layers'][number]) => boolean = () => true): number[] {
  const base = dim(arch, name);
  const values = new Set<number>();
  for (const l of arch.layers) {
    if (l.attention.kind !== 'softmax' || !which(l)) continue;
    const own = l.attention.geometry === undefined ? undefined : arch.geometries?.[l.attention.geometry]?.dims[name]?.value;
    const v = own ?? base;
    if (v !== null) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/** `48/64` for a dimension that differs between layers, else its one value. */
export const layerValueText = (arch: ArchJson, name: string, which?: (l: ArchJson['layers'][number]) => boolean): string =>
  layerValues(arch, name, which).join('/') || String(dim(arch, name) ?? '');
