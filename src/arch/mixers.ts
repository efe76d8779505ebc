/**
 * The attention-side mixers that are not attention: they keep a fixed state instead of a KV
 * cache and use no positions (Gated DeltaNet, short convs, Mamba, Mamba-2, lightning attention,
 * Kimi Delta Attention, mLSTM). One list for the cache, the figure's labels, strip and recipe.
 */
import type { LayerSpec } from './types.js';

type MixerKind = LayerSpec['attention']['kind'];
export type StateMixerKind = 'gated_deltanet' | 'short_conv' | 'mamba' | 'mamba2' | 'lightning' | 'kda' | 'mlstm';

const STATE_MIXERS: ReadonlySet<MixerKind> = new Set<StateMixerKind>(['gated_deltanet', 'short_conv', 'mamba', 'mamba2', 'lightning', 'kda', 'mlstm']);

/** Whether a layer's attention side is a state mixer (no KV cache, no positions). */
export function isStateMixer(kind: MixerKind): kind is StateMixerKind {
  return STATE_MIXERS.has(kind);
}
