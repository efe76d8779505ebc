/**
 * The insets of a figure, in the order they are stacked on the right: what attention does, the
 * hyper-connection mixer, the MoE layer, the FFN module (one expert for MoE models), the
 * per-layer embeddings. A new block kind adds its module here.
 */
import type { ArchJson } from '../../schema/arch-json.js';
import type { Inset, InsetOptions } from './inset.js';
import { attentionInsets } from './attention.js';
import { dsv4AttentionInset, mhcInset } from './dsv4.js';
import { moeInset } from './moe.js';
import { ffnInset } from './ffn.js';
import { pleInset } from './ple.js';
import { attentionResidualInset } from './residuals.js';

/** Every inset that applies to `arch`. */
export function figureInsets(arch: ArchJson, o: InsetOptions): Inset[] {
  const insets = [attentionResidualInset(arch, o), ...attentionInsets(arch, o), dsv4AttentionInset(arch, o), mhcInset(arch, o), moeInset(arch, o), ffnInset(arch, o), pleInset(arch, o)].filter((i): i is Inset => i !== null);
  return insets.map(markOpenEnds);
}

/** The module's input arrows (`<id>.in…`) start in the open, its outputs (`<id>.out…`) end there. */
function markOpenEnds(inset: Inset): Inset {
  const items = inset.items.map((item) => {
    if (item.kind !== 'arrow') return item;
    const rest = item.id.startsWith(`${inset.id}.`) ? item.id.slice(inset.id.length + 1) : '';
    if (/^in(\.|$)/.test(rest)) return { ...item, open: 'start' as const };
    if (/^out(\.|$)/.test(rest)) return { ...item, open: 'end' as const };
    return item;
  });
  return { ...inset, items };
}
