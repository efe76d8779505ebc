/**
 * The per-layer embeddings inset (Gemma 4 E2B/E4B, `hidden_size_per_layer_input`): where each
 * layer's per-layer input comes from, and what the layer does with it, as Gemma4TextModel and
 * Gemma4TextDecoderLayer compute it.
 *
 * - Model: `embed_tokens_per_layer` looks up L·d_ple values by token id; `per_layer_model_projection`
 *   maps the token embedding to L·d_ple, `per_layer_projection_norm` normalises each d_ple slice;
 *   the two are summed and scaled by 1/√2, and layer l takes its slice.
 * - Layer, after the FFN's residual: `per_layer_input_gate` (d → d_ple) and the activation gate
 *   the slice, `per_layer_projection` (d_ple → d) and `post_per_layer_input_norm` bring it back,
 *   and it is added to the hidden state.
 */
import type { ArchJson } from '../../schema/arch-json.js';
import { accent, strong } from '../draw.js';
import { compact } from '../format.js';
import type { Run } from '../text.js';
import type { Inset, InsetOptions } from './inset.js';
import { cell, finish, g, Grid, gridOverFormulas, lbl, need, outArrow, type Cell } from './grid.js';

/** The per-layer embeddings inset, or null when the model has none. */
export function pleInset(arch: ArchJson, opts: InsetOptions): Inset | null {
  if (!arch.flags.per_layer_embeddings) return null;
  const d = need(arch, 'd');
  const ple = need(arch, 'd_ple');
  const L = arch.layers.length;
  const [H, P, E] = [0, 1, 2];
  const act = arch.flags.ffn_kind === 'geglu' ? 'GELU (tanh)' : 'activation';
  const rows: Cell[][] = [
    [cell('ple.hidden', H, H, lbl('Hidden', 'after the FFN'), 'box'), cell('ple.ids', P, P, lbl('Token ids'), 'box'), cell('ple.tok', E, E, lbl('Token', 'embedding'), 'box')],
    [
      cell('ple.gate', H, H, lbl('Linear gate', `→ ${ple}`), 'proj'),
      // Gemma4TextModel scales the looked-up rows by √d_ple and the projection by 1/√d.
      cell('ple.table', P, P, lbl('Table lookup', `${L} × ${ple}`, `× √${ple}`), 'embed'),
      cell('ple.model_proj', E, E, lbl('Linear', `→ ${L} × ${ple}`, `× 1/√${g(d)}`), 'proj'),
    ],
    [cell('ple.act', H, H, lbl(act), 'box'), cell('ple.proj_norm', E, E, lbl('RMSNorm', `each ${ple}`), 'norm')],
    [cell('ple.mix', P, E, lbl('Sum × 1/√2', `this layer's ${ple}`), 'box')],
    [cell('ple.times', H, E, lbl('Multiply (⊙)'), 'box')],
    [cell('ple.proj', H, E, lbl('Linear', `${ple} → ${g(d)}`), 'proj')],
    [cell('ple.norm', H, E, lbl('RMSNorm', g(d)), 'norm')],
  ];
  const widths = Grid.fit(3, rows, 40);
  const { formula, y0, grid } = gridOverFormulas(arch, opts, ['ple_embed', 'ple_projection', 'layers.ple'], widths, rows);
  // Three inputs of their own: one stem under each.
  grid.stems('ple.in', y0, ['ple.hidden', 'ple.ids', 'ple.tok']);
  grid.lane('ple.lane.h', H, ['ple.hidden', 'ple.gate', 'ple.act', 'ple.times']);
  grid.lane('ple.lane.p', P, ['ple.ids', 'ple.table', 'ple.mix', 'ple.times', 'ple.proj', 'ple.norm']);
  grid.lane('ple.lane.e', E, ['ple.tok', 'ple.model_proj', 'ple.proj_norm', 'ple.mix']);
  outArrow(grid, 'ple.out', grid.box('ple.norm'));
  const table = arch.units.find((u) => u.id === 'ple_embed');
  const caption: Run[][] = [[accent(String(ple)), strong(' values per token for each of '), accent(String(L)), strong(' layers')]];
  if (table) caption.push([strong('added after the FFN; the table holds '), accent(compact(table.total))]);
  return finish('ple', 'Per-layer embeddings', caption, formula, grid, 'ple');
}
