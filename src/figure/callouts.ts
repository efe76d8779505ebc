/**
 * Callouts: the numbers readers quote, in bold type with the number in the accent colour, each on
 * a dotted leader to the part of the drawing it is about (vocabulary → tokens, context length →
 * the position encoding, embedding dimension → the embedding, dense and hash-routed prefixes →
 * the "N ×" of the block). Heads and FFN sizes are the captions of their insets.
 */
import type { ArchJson } from '../schema/arch-json.js';
import { compact, contextTokens, groupDigits } from './format.js';
import { accent, strong } from './draw.js';
import { wrapRuns } from './wrap-runs.js';
import { SIZE } from './style.js';
import type { Run } from './text.js';
import { dim } from './dims.js';

export interface Callout {
  id: string;
  lines: Run[][];
  /** Id of the item the leader points at: a spine box, a modifier (`mod.rope`) or `repeat`. */
  anchor: string;
}

/** Width of the callout column in pt. */
export const CALLOUT_W = 118;

/** Token counts as readers say them: 128k, 262k, 1M (binary thousands, like model cards). */

/** The callouts of a figure, in the order they are placed (bottom to top does not matter). */
export function callouts(arch: ArchJson, anchors: { rope: boolean }): Callout[] {
  const out: Callout[] = [];
  const make = (id: string, runs: Run[], anchor: string) => out.push({ id, lines: wrapRuns(runs, SIZE.callout, CALLOUT_W), anchor });
  const V = dim(arch, 'V')!;
  const d = dim(arch, 'd')!;
  const dEmb = dim(arch, 'd_emb');
  make('vocab', [strong('Vocabulary size of '), accent(compact(V).replace('K', 'k'))], 'tokens');
  make('dim', [strong('Embedding dimension of '), accent(groupDigits(dEmb ?? d)), ...(dEmb ? [strong(' → '), accent(groupDigits(d))] : [])], 'embed');
  if (arch.max_position_embeddings !== null) {
    make('context', [strong('Supported context length of '), accent(contextTokens(arch.max_position_embeddings)), strong(' tokens')], anchors.rope ? 'mod.rope' : 'attn');
  }
  const dense = arch.layers.filter((l) => l.ffn.kind === 'dense').map((l) => l.index);
  const dff = dim(arch, 'd_ff');
  if (arch.flags.moe && dense.length > 0) {
    make('dense', [...someBlocks(dense), strong(' a dense FFN'), ...(dff ? [strong(' with hidden size '), accent(groupDigits(dff))] : []), strong(' instead of MoE')], 'repeat');
  }
  // Looped depth (Nanbeige, Ouro): the same blocks again, not more of them.
  if (arch.loops) make('loops', [strong('The '), accent(String(arch.layers.length)), strong(' blocks run '), accent(`${arch.loops.count} times`), strong(' in a row, with the same weights')], 'repeat');
  const hash = arch.layers.filter((l) => l.ffn.routing === 'hash').map((l) => l.index);
  if (hash.length > 0) make('hash', [...someBlocks(hash), strong(' hash-based MoE instead of learned top-k routing')], 'repeat');
  return out;
}

/** "First 3 blocks use", "The first block uses", "2 blocks use": layers by index, as the callout's subject and verb. */
function someBlocks(layers: number[]): Run[] {
  const first = layers.every((i, k) => i === k);
  if (layers.length === 1) return first ? [strong('The first block uses')] : [accent('1'), strong(' block uses')];
  return [...(first ? [strong('First ')] : []), accent(String(layers.length)), strong(' blocks use')];
}
