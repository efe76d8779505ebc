/**
 * Kimi K3's block attention residuals (`attn_res_block_size`), as KimiDecoderLayer mixes a
 * sub-layer's input: the candidates are the block sums sealed so far (the embedding first, then
 * one sum of every `attn_res_block_size` layers' outputs) and the running sum of the current
 * block; their RMS-normalised copies are scored against a learned query (`*_res_proj` [1, d],
 * times the norm's weight), softmax over the candidates, and the raw sums are mixed by those
 * weights. The sub-layer's output then extends the running sum.
 */
import type { ArchJson } from '../../schema/arch-json.js';
import { accent, strong } from '../draw.js';
import type { Run } from '../text.js';
import type { Inset, InsetOptions } from './inset.js';
import { cell, finish, g, Grid, gridOverFormulas, lbl, need, outputRow, type Cell } from './grid.js';

/** The attention-residual inset (target: the first sub-layer's mix), or null without them. */
export function attentionResidualInset(arch: ArchJson, opts: InsetOptions): Inset | null {
  const block = arch.flags.attention_residuals;
  if (!block) return null;
  const d = need(arch, 'd');
  const L = arch.layers.length;
  // Sealed at layers 0, n, 2n, …: the embedding, then one sum per n layers.
  const sealed = Math.floor((L - 1) / block) + 1;
  const [V, K, Q] = [0, 1, 2];
  const rows: Cell[][] = [
    [cell('ares.blocks', V, K, lbl('Block sums', `up to ${sealed} sealed + the running one`), 'box'), cell('ares.query', Q, Q, lbl('Learned query', `1 × ${g(d)}`), 'proj')],
    [cell('ares.norm', K, K, lbl('RMSNorm', 'keys only'), 'norm')],
    [cell('ares.score', K, Q, lbl('Softmax over the sums', 'of key · query'), 'attention', 'attentionInk')],
  ];
  const out = cell('ares.mix', V, Q, lbl('Weighted sum of the raw sums'), 'box');
  const widths = Grid.fit(3, [...rows, [out]], [40, 40, 40]);
  const { formula, y0, grid } = gridOverFormulas(arch, opts, ['layers.attn_res', 'layers.mlp_res'], widths, rows);
  grid.input('ares.in', y0, [{ box: 'ares.blocks' }]);
  grid.lane('ares.lane.k', K, ['ares.blocks', 'ares.norm', 'ares.score']);
  grid.lane('ares.lane.q', Q, ['ares.query', 'ares.score']);
  outputRow(grid, 'ares.score', out, 'ares.to_mix', 'ares.out');
  // The values are the raw sums: straight from the candidates to the mix, beside the keys' path.
  grid.lane('ares.lane.v', V, ['ares.blocks', 'ares.mix']);
  const caption: Run[][] = [
    [strong('the running sum sealed every '), accent(String(block)), strong(' layers'), strong(',')],
    [strong('no plain residual')],
  ];
  return finish('ares', 'Block attention residuals', caption, formula, grid, 'ares1');
}
